"""The screen command prints the load report's warnings and the "no issuer data" alert, and puts them
on the Summary; --currency names the unit of the values."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from exclusionscreen._resources import bundled_dir

from .test_cli import run

SAMPLE = bundled_dir("sample_portfolios")
SWDA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "holdings" / "SWDA_holdings.csv"


def _summary_texts(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = [book["Summary"]] + ([book["Warnings"]] if "Warnings" in book.sheetnames else [])
    return [str(v) for ws in sheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def test_screen_prints_the_load_warnings_and_takes_a_currency(tmp_path):
    files = sorted((SAMPLE / "2026Q3").glob("*.*"))
    report = tmp_path / "q3.xlsx"
    proc = run("screen", *files, "--universe", SAMPLE / "universe", "--policy", SAMPLE / "fund_policy.yaml")
    assert proc.returncode == 0, proc.stderr
    # the equity file's warning, as the load report words it
    assert "country names without an ISO code, left missing: 'European Union'" in proc.stderr
    proc = run(
        "screen",
        SAMPLE / "2026Q3" / "global_equity.csv",
        "--universe",
        SAMPLE / "universe",
        "--currency",
        "EUR",
        "--out",
        report,
    )
    assert proc.returncode == 0, proc.stderr
    facts = {r[0]: r[1] for r in openpyxl.load_workbook(report)["Summary"].iter_rows(values_only=True) if r[0]}
    assert facts["Values"] == "market values in EUR"
    proc = run("screen", SAMPLE / "2026Q3" / "corporate_bonds.xlsx", "--currency", "USD")
    assert proc.returncode == 1 and "is given as USD" in proc.stderr and "in EUR" in proc.stderr


@pytest.mark.skipif(not SWDA.is_file(), reason="../shared/data is not present")
def test_swda_without_issuer_data_prints_and_shows_the_no_issuer_data_warning(tmp_path):
    report = tmp_path / "swda.xlsx"
    proc = run("screen", SWDA, "--policy", "broad", "--as-of", "2025-09-30", "--out", report)
    assert proc.returncode == 0, proc.stderr
    assert "warning: NO ISSUER DATA" in proc.stderr
    texts = _summary_texts(report)
    assert any(t.startswith("NO ISSUER DATA: no holding was matched to an issuer by an identifier") for t in texts)
    assert "No warnings from the screen." not in texts
