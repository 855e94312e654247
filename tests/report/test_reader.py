"""A report sized for its reader: the holdings that are not clear in the workbook, every holding in
Parquet and CSV beside it, and the warnings a reader must see first on the Summary."""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pandas as pd

from exclusionscreen.report import _sheets, holdings_paths, summary_alerts, write_report

from .conftest import hostile_screen


def summary_lines(book) -> list[str]:
    return [
        str(v)
        for name in ("Summary", "Warnings")
        if name in book.sheetnames
        for row in book[name].iter_rows(values_only=True)
        for v in row
        if v is not None
    ]


def test_the_workbook_lists_the_holdings_that_are_not_clear(hostile_report, hostile_book, hostile_result):
    assert "Holdings" not in hostile_book.sheetnames
    ws = hostile_book["Holdings not clear"]
    head = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    expected = hostile_result.holdings[hostile_result.holdings["status"] != "clear"]
    assert 0 < len(expected) < len(hostile_result.holdings)
    assert [r[head.index("holding_id")] for r in rows] == expected["holding_id"].tolist()
    assert "clear" not in {r[head.index("status")] for r in rows}
    parquet, text = holdings_paths(hostile_report)
    assert any(
        f"all {len(hostile_result.holdings)} holdings are in {parquet.name} and {text.name}" in line
        for line in summary_lines(hostile_book)
    )


def test_every_holding_is_in_the_parquet_and_csv_beside_it(hostile_report, hostile_result):
    parquet, text = holdings_paths(hostile_report)
    assert parquet.name == "hostile_holdings.parquet" and text.name == "hostile_holdings.csv"
    back = pd.read_parquet(parquet)
    assert back["holding_id"].tolist() == hostile_result.holdings["holding_id"].tolist()
    assert back["status"].tolist() == hostile_result.holdings["status"].tolist()
    rows = pd.read_csv(text, dtype=str, keep_default_na=False)
    assert len(rows) == len(hostile_result.holdings)
    # a name a spreadsheet would run keeps an apostrophe in the CSV, as in the restricted list
    name = rows.loc[rows["holding_id"] == "H6", "security_name"].item()
    assert name == "'=1+1"


def test_every_holding_in_the_workbook_when_asked(hostile_result, tmp_path):
    book = openpyxl.load_workbook(write_report(hostile_result, tmp_path / "all.xlsx", all_holdings=True))
    assert "Holdings not clear" not in book.sheetnames
    assert book["Holdings"].max_row == len(hostile_result.holdings) + 1


def test_a_screen_by_names_alone_says_so_first(tmp_path):
    result = hostile_screen()
    by_name = result.holdings.assign(
        resolution_method=result.holdings["resolution_method"].replace({"isin": "name_exact"})
    )
    result = replace(result, holdings=by_name)
    (alert, *_) = summary_alerts(result)
    assert alert.startswith("NO ISSUER DATA")
    assert all(c.id in alert for c in result.policy.criteria)
    book = openpyxl.load_workbook(write_report(result, tmp_path / "names.xlsx"))
    ws = book["Summary"]
    assert ws["A2"].value == alert and ws["A2"].font.b and ws["A2"].fill.fgColor.rgb.endswith("FFC7CE")


def test_coverage_alert_at_its_exact_level(hostile_result):
    overview = hostile_result.overview()
    assert not any(a.startswith("NO ISSUER DATA") for a in summary_alerts(hostile_result))

    def with_coverage(value: float):
        class Stub:  # the same result, but with a given coverage in every portfolio
            def __getattr__(self, name):
                return getattr(hostile_result, name)

            def overview(self):
                return overview.assign(coverage=value)

        return summary_alerts(Stub())

    level = _sheets.LOW_COVERAGE
    assert not any(a.startswith("LOW COVERAGE") for a in with_coverage(level))
    (low,) = [a for a in with_coverage(level - 1e-9) if a.startswith("LOW COVERAGE")]
    assert f"in {len(overview)} of {len(overview)} portfolio(s) less than 50%" in low
