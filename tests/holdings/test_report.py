"""The load report as text, HTML and frames, and ``exclusionscreen holdings inspect``."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from exclusionscreen.cli import holdings as holdings_cli
from exclusionscreen.holdings import FileReport, LoadReport, load_holdings, load_report

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def two_files():
    return load_holdings([FIXTURES / "ishares_style_en.csv", FIXTURES / "fondspositionen_de.csv"])


def test_report_object(two_files):
    report = load_report(two_files)
    assert isinstance(report, LoadReport) and len(report) == 2
    assert isinstance(report[0], FileReport)
    assert report["fondspositionen_de.csv"] is report[1]
    with pytest.raises(KeyError):
        report["other.csv"]
    summary = report.to_frame()
    assert summary[["holdings", "skipped", "rows_read"]].values.tolist() == [[8, 12, 20], [6, 8, 14]]
    assert (summary["rows_read"] == summary["holdings"] + summary["skipped"]).all()
    skipped = report.skipped
    assert list(skipped.columns) == ["source_file", "source_row", "reason", "text"]
    assert len(skipped) == 20
    assert skipped["reason"].isin(["preamble", "blank", "header", "footer", "disclaimer", "total line"]).all()


def test_report_text(two_files):
    text = str(load_report(two_files))
    assert text.startswith("2 file(s), 14 holdings")
    assert "fondspositionen_de.csv -> portfolio 'fondspositionen_de'" in text
    assert "header row 4, last holding on row 10" in text
    assert "as of      2024-09-30 (preamble row 2: 'Fondsposition per 30.09.2024')" in text
    assert "numbers    German column names, decimal comma, thousands grouped by '.' or spaces" in text
    assert "weights    given in percent: the column 'Gewichtung (%)' is labelled in percent" in text
    assert "Emittententicker -> ticker" in text
    assert "row 12        total line Summe" in text
    assert "note       column 'Currency' also names currency" in text


def test_report_html_escapes_file_content(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("<b>Fund</b> & co\nISIN,Name,Weight\nFR000FICT030,<script>x</script>,100\n", encoding="utf-8")
    _, report = load_holdings(path)
    html = report._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" not in html  # the holding is not listed
    assert "&lt;b&gt;Fund&lt;/b&gt; &amp; co" in html and "<b>Fund</b>" not in html
    assert html.count("<table>") >= 2


def test_load_report_of_a_plain_frame_fails():
    with pytest.raises(ValueError, match="did not come from load_holdings"):
        load_report(pd.DataFrame({"isin": []}))


def test_load_holdings_returns_the_holdings_and_their_report_side_by_side(two_files):
    holdings, report = two_files
    assert holdings is two_files.holdings and report is two_files.report
    assert holdings.attrs == {}  # the report travels beside the frame, not inside it
    assert load_report(two_files) is report
    assert sum(f.holdings for f in report) == len(holdings) == 14
    assert "LoadResult(holdings=14 rows" in repr(two_files)


def cli() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(holdings_cli.app, name="holdings")
    return root


def test_cli_inspect_prints_the_report():
    result = CliRunner().invoke(
        cli(), ["holdings", "inspect", str(FIXTURES / "fondspositionen_de.csv"), str(FIXTURES / "positions_fr.csv")]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 file(s), 10 holdings")
    assert "14 read = 6 holdings + 8 skipped" in result.output
    assert "row 14        disclaimer Rechtliche Hinweise" in result.output


def test_cli_inspect_options(tmp_path):
    from . import workbooks

    path = workbooks.title_block_second_sheet(tmp_path / "fund.xlsx")
    result = CliRunner().invoke(
        cli(),
        ["holdings", "inspect", str(path), "--sheet", "Positions", "--portfolio-id", "balanced", "--map", "Country="],
    )
    assert result.exit_code == 0, result.output
    assert "-> portfolio 'balanced'" in result.output
    assert "sheet 'Positions', header row 5" in result.output
    assert "unmapped   Country" in result.output


def test_cli_inspect_bad_input_exits_1_naming_the_file(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    result = CliRunner().invoke(cli(), ["holdings", "inspect", str(bad)])
    assert result.exit_code == 1
    assert "broken.xlsx: truncated or corrupt workbook" in result.output
    result = CliRunner().invoke(cli(), ["holdings", "inspect", str(FIXTURES / "no_table.txt")])
    assert result.exit_code == 1 and "no_table.txt: no holdings table found" in result.output


def test_cli_help_shows_an_example():
    result = CliRunner().invoke(cli(), ["holdings", "inspect", "--help"])
    assert result.exit_code == 0
    assert "Example: exclusionscreen holdings inspect" in result.output
