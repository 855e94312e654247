"""As-of dates read from files: before 1990, or more than a year after today, give a warning
naming the file and the line; check_as_of compares them with a screening date."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from exclusionscreen.holdings import check_as_of, implausible_as_of, load_holdings, load_report

TABLE = "ISIN,Name,Weight (%)\nFR000FICT030,FICTIVE SA,60\nDE000MUST018,MUSTER AG,40\n"


def _frame(dates: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "as_of": pd.to_datetime(dates),
            "source_file": "f.csv",
            "source_row": range(2, 2 + len(dates)),
        }
    )


def test_a_preamble_date_in_1901_warns_with_the_line(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text('Example Fund\nFund Holdings as of,"Jan 01, 1901"\n\n' + TABLE, encoding="utf-8")
    report = load_report(load_holdings(path))[0]
    assert any(
        w.startswith(f"{path}: as-of date 1901-01-01 (preamble line 2: ")
        and w.endswith("is before 1990; check the date in the file")
        for w in report.warnings
    )


def test_a_date_in_2999_warns_and_is_left_missing(tmp_path):
    path = tmp_path / "future.csv"
    path.write_text("ISIN,Name,Weight (%),As of date\nFR000FICT030,FICTIVE SA,60,2999-03-31\n", encoding="utf-8")
    frame, loaded_report = load_holdings(path)
    warnings = loaded_report[0].warnings
    assert any(
        w.startswith(f"{path}: as-of date 2999-03-31 (line 2) is more than a year after today") for w in warnings
    )
    assert any("2999-03-31 lie beyond the dates a frame can hold" for w in warnings)
    assert frame["as_of"].isna().all()


def test_a_plausible_date_gives_no_warning(tmp_path):
    path = tmp_path / "fine.csv"
    path.write_text('Fund Holdings as of,"Mar 31, 2023"\n' + TABLE, encoding="utf-8")
    report = load_report(load_holdings(path))[0]
    assert report.as_of == pd.Timestamp("2023-03-31")
    assert not any("as-of date" in w for w in report.warnings)


def test_boundaries_when_loading():
    today = dt.date(2025, 6, 30)
    assert implausible_as_of(_frame(["1990-01-01", "2026-06-30"]), today=today) == []
    found = implausible_as_of(_frame(["1989-12-31", "2026-07-01"]), today=today)
    assert found == [
        "f.csv: as-of date 1989-12-31 (line 2) is before 1990; check the date in the file",
        "f.csv: as-of date 2026-07-01 (line 3) is more than a year after today (2025-06-30); "
        "check the date in the file",
    ]


def test_check_against_the_screening_date_at_its_boundaries():
    day = "2025-06-30"
    assert check_as_of(_frame(["2024-06-30", "2026-06-30"]), day) == []
    found = check_as_of(_frame(["2024-06-29", "2026-07-01", "1985-01-01", "1985-01-01"]), day)
    assert found == [
        "f.csv: as-of date 2024-06-29 (line 2) is more than a year before the screening date (2025-06-30); "
        "check the date in the file",
        "f.csv: as-of date 2026-07-01 (line 3) is more than a year after the screening date (2025-06-30); "
        "check the date in the file",
        "f.csv: as-of date 1985-01-01 (lines 4, 5) is before 1990; check the date in the file",
    ]
