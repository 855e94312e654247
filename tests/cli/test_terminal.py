"""What reaches the terminal: no escape sequence or control character from an input, and errors in
the CLI's own words (options, not Python arguments), short unless --verbose."""

import subprocess
import sys

import pytest

from exclusionscreen._resources import bundled_dir
from exclusionscreen.cli.terminal import MAX_LINES, clean, cli_words, error_text
from exclusionscreen.errors import ColumnMappingError, RuleFileError, RuleProblem

SAMPLE = bundled_dir("sample_portfolios")
# what a terminal would obey: ESC, BEL, carriage return, the C1 CSI byte, other C0 and C1 controls
FORBIDDEN = ["\x1b", "\x07", "\r", "\x9b", "\x9d", "\x00", "\x08", "\x7f", "\u202e"]


def run(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "exclusionscreen", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=300,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Evil\x1b[31mRed\x1b[0m Corp", "EvilRed Corp"),  # CSI colour
        ("Title\x1b]0;pwned\x07 Inc", "Title Inc"),  # OSC window title, ended by BEL
        ("Link\x1b]8;;http://x\x1b\\here\x1b]8;;\x1b\\", "Linkhere"),  # OSC 8 hyperlink, ended by ST
        ("Over\rwrite Ltd", "Overwrite Ltd"),
        ("C1\x9b2J Clear plc", "C1 Clear plc"),  # the one-byte CSI
        ("C1\x9d0;t\x9c osc", "C1 osc"),
        ("Bell\x07 and\x00 nul\x08 and\x7f del", "Bell and nul and del"),
        ("right\u202eto left", "rightto left"),
        ("keep\ttab\nand newline", "keep\ttab\nand newline"),
        ("Cut off \x1b[", "Cut off "),
        ("Unterminated \x1b]0;title", "Unterminated "),
        ("Émetteur Société 株式会社", "Émetteur Société 株式会社"),
    ],
)
def test_clean_removes_sequences_and_controls_and_keeps_text(text, shown):
    assert clean(text) == shown


def test_library_words_become_options():
    assert cli_words("column_map: unknown canonical column(s) 'x'") == "--map: unknown canonical column(s) 'x'"
    assert cli_words("portfolio_id: 2 ids given for 3 files") == "--portfolio-id: 2 ids given for 3 files"
    assert cli_words("as_of: 'x' is not a date") == "--as-of: 'x' is not a date"
    assert "give --as-of for the holdings' own date" in cli_words("(pass as_of for the holdings' own date)")
    assert cli_words("column_map names columns no file has: 'a'") == "--map names columns no file has: 'a'"
    assert cli_words("need 0 < review_threshold <= match_threshold <= 1") == (
        "need 0 < --review-threshold <= --match-threshold <= 1"
    )
    assert cli_words("column_map: unknown canonical column(s) 'x' (for 'A'); valid: isin, lei, or None to ignore") == (
        "--map: unknown canonical column(s) 'x' (for 'A'); valid: isin, lei, or nothing to ignore the column "
        "('SOURCE=')"
    )


def test_the_no_identifier_error_is_short_and_names_map():
    aliases = "; ".join(f"c{i}: " + ", ".join(f"Name {i}.{j}" for j in range(12)) for i in range(7))
    exc = ColumnMappingError(
        "q3/fund.csv",
        "no holdings table found: no row names a column that identifies a security. Columns found in the most "
        "table-like row: foo, bar. Required: at least one of isin, cusip. Aliases tried: "
        f"{aliases}. Pass column_map={{'<your column>': '<canonical>'}} to map columns by hand.",
    )
    assert len(str(exc)) > 1_000
    short = error_text(exc)
    assert short.startswith("q3/fund.csv: no holdings table found") and len(short) < 500
    assert "column_map" not in short and "--map 'YOUR COLUMN=CANONICAL'" in short
    assert "84 known column names were tried: --verbose lists them" in short
    full = error_text(exc, verbose=True)
    assert "Name 6.11" in full and "--map" in full and "column_map" not in full


def test_a_long_list_of_problems_shows_its_first_lines_and_a_count():
    exc = RuleFileError([RuleProblem("policy.yaml", f"criteria[{i}]", "unknown criterion", i + 3) for i in range(40)])
    short = error_text(exc).split("\n")
    assert len(short) == MAX_LINES + 1
    assert short[-1] == f"... and {41 - MAX_LINES} more line(s): run with --verbose to see them all"
    assert len(error_text(exc, verbose=True).split("\n")) == 41


def test_a_very_long_line_keeps_its_start_and_its_end():
    text = "file.csv: bad columns: " + ", ".join(f"column {i}" for i in range(500)) + ". Use --map to map them."
    short = error_text(text)
    assert short.startswith("file.csv: bad columns: column 0") and short.endswith("Use --map to map them.")
    assert "characters: --verbose shows them" in short and len(short) < 700


def test_the_cli_says_map_not_column_map_and_is_short(tmp_path):
    holdings = tmp_path / "fund.csv"
    holdings.write_text("foo,bar\n1,2\n")
    for command in (["screen", holdings], ["holdings", "inspect", holdings]):
        proc = run(*command)
        assert proc.returncode == 1
        assert "fund.csv" in proc.stderr and "--map" in proc.stderr and "column_map" not in proc.stderr
        assert len(proc.stderr) < 800, proc.stderr
        full = run(*command, "--verbose")
        assert full.returncode == 1 and "Wertpapierkennung" in full.stderr and "column_map" not in full.stderr


def hostile_folder(tmp_path):
    """A holdings file whose name, security names and a footer row hold escape sequences."""
    folder = tmp_path / "q3"
    folder.mkdir()
    names = [
        "Evil\x1b[31mRed\x1b[0m Corp",
        "Title\x1b]0;pwned\x07 Inc",
        "Over\rwrite Ltd",
        "C1\x9b2J Clear plc",
        "Bidi\u202egnp.exe Co",
    ]
    rows = ["isin,security_name,market_value"]
    rows += [f'US00000000{i}{i},"{name}",{100 * (i + 1)}' for i, name in enumerate(names)]
    rows.append("Total \x1b[2J\x1b]0;owned\x07,,1500")
    path = folder / "fund\x1b[31m_red\x07.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder, path


def test_no_escape_sequence_from_an_input_reaches_the_terminal(tmp_path):
    folder, path = hostile_folder(tmp_path)
    outputs = [
        run("screen", folder, "--as-of", "2026-09-30", "--out", tmp_path / "r.xlsx"),
        run("holdings", "inspect", path),
        run("screen", folder, "--as-of", "2026-09-30", "--map", "Wert\x1b[2Jpapier=isin"),
        run("screen", folder, "--as-of", "2026-09-30", "--portfolio-id", "p\x1b]0;x\x07"),
        run("screen", path, "--as-of", "2026-09-30", "--policy", "br\x1b[31mod"),
    ]
    assert outputs[0].returncode == 0, outputs[0].stderr
    assert outputs[1].returncode == 0, outputs[1].stderr
    assert "fund_red" in outputs[0].stdout and "Total" in outputs[1].stdout  # the text itself is shown
    for proc in outputs:
        for part in (proc.stdout, proc.stderr):
            assert not [c for c in FORBIDDEN if c in part], repr(part)
