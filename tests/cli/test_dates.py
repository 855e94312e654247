"""Dates on the command line: ISO, a quarter's last day, or an explicit format; an ambiguous date is refused."""

import subprocess
import sys
from datetime import date

import pytest

from exclusionscreen._resources import bundled_dir
from exclusionscreen.cli.dates import DateError, parse_date, quarter_end

SAMPLE = bundled_dir("sample_portfolios")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-30", date(2026, 9, 30)),
        (" 2026-09-30 ", date(2026, 9, 30)),
        ("2026Q3", date(2026, 9, 30)),
        ("2026-Q3", date(2026, 9, 30)),
        ("2026q3", date(2026, 9, 30)),
        ("2026-q3", date(2026, 9, 30)),
        ("2026Q1", date(2026, 3, 31)),
        ("2026Q2", date(2026, 6, 30)),
        ("2026Q4", date(2026, 12, 31)),
        ("2028-02-29", date(2028, 2, 29)),
    ],
)
def test_iso_dates_and_quarters(text, expected):
    assert parse_date(text) == expected


def test_every_quarter_ends_on_its_last_day():
    assert [quarter_end(2026, q) for q in (1, 2, 3, 4)] == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    ]


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "2026-q5", "2026Q12"])
def test_a_quarter_outside_one_to_four_is_refused(text):
    with pytest.raises(DateError, match="there is no quarter .*Q1 to Q4"):
        parse_date(text)


def test_an_ambiguous_date_is_refused_with_both_readings_and_how_to_write_it():
    with pytest.raises(DateError) as caught:
        parse_date("09/10/2026")
    message = str(caught.value)
    assert "ambiguous" in message
    assert "9 October 2026 (2026-10-09)" in message and "10 September 2026 (2026-09-10)" in message
    assert "--date-format '%d/%m/%Y' or '%m/%d/%Y'" in message


@pytest.mark.parametrize(
    ("text", "only", "fmt"),
    [
        ("30/09/2026", "2026-09-30", "%d/%m/%Y"),  # 30 cannot be a month
        ("09/30/2026", "2026-09-30", "%m/%d/%Y"),
        ("05.05.2026", "2026-05-05", "%d.%m.%Y"),  # the same day both ways: still not ISO
    ],
)
def test_a_non_iso_date_with_one_reading_is_refused_and_shows_it(text, only, fmt):
    with pytest.raises(DateError, match="is not an ISO date") as caught:
        parse_date(text)
    assert f"Write it as {only}" in str(caught.value) and f"--date-format '{fmt}'" in str(caught.value)


@pytest.mark.parametrize("text", ["2026-02-30", "2027-02-29", "31/31/2026", "next friday", "20260930", "2026/09/30"])
def test_other_text_is_refused(text):
    with pytest.raises(DateError, match="not"):
        parse_date(text)


def test_an_explicit_format_reads_its_dates_and_only_them():
    assert parse_date("09/10/2026", "%d/%m/%Y") == date(2026, 10, 9)
    assert parse_date("09/10/2026", "%m/%d/%Y") == date(2026, 9, 10)
    assert parse_date("2026Q3", "%d/%m/%Y") == date(2026, 9, 30)  # a quarter is never ambiguous
    with pytest.raises(DateError, match="does not match --date-format '%d/%m/%Y'"):
        parse_date("2026-09-30", "%d/%m/%Y")


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "exclusionscreen", *map(str, args)], capture_output=True, text=True, timeout=300
    )


def test_the_cli_refuses_an_ambiguous_as_of_before_reading_anything(tmp_path):
    proc = run("screen", SAMPLE / "2026Q3", "--as-of", "09/10/2026", "--out", tmp_path / "r.xlsx")
    assert proc.returncode == 2
    assert "--as-of" in proc.stderr and "ambiguous" in proc.stderr and "2026-10-09" in proc.stderr
    assert "Traceback" not in proc.stderr and not list(tmp_path.iterdir())


def test_the_cli_refuses_a_date_format_without_a_date():
    proc = run("screen", SAMPLE / "2026Q3", "--date-format", "%d/%m/%Y")
    assert proc.returncode == 2 and "give --as-of too" in proc.stderr


def test_the_cli_screens_a_quarter_on_its_last_day(tmp_path):
    proc = run(
        "screen",
        SAMPLE / "2026Q3",
        "--universe",
        SAMPLE / "universe",
        "--policy",
        SAMPLE / "fund_policy.yaml",
        "--as-of",
        "2026q3",
        "--parquet",
        tmp_path / "result",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Screen as of 2026-09-30" in proc.stdout
    dated = run("screen", SAMPLE / "2026Q3", "--as-of", "30.09.2026", "--date-format", "%d.%m.%Y")
    assert dated.returncode == 0, dated.stderr
    assert "Screen as of 2026-09-30" in dated.stdout
