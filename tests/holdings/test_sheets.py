"""Every sheet of a workbook that holds a table is read, one portfolio per sheet."""

from __future__ import annotations

import pytest

from exclusionscreen.errors import ColumnMappingError
from exclusionscreen.holdings import load_holdings

from . import workbooks


def test_fifty_sheets_are_fifty_portfolios(tmp_path):
    path = workbooks.many_sheets(tmp_path / "umbrella.xlsx", sheets=50, rows=3)
    frame, loaded_report = load_holdings(path)
    report = loaded_report
    assert len(report) == 50
    assert len(frame) == 150
    expected = [f"umbrella:Fund {s:02d}" for s in range(1, 51)]
    assert frame["portfolio_id"].drop_duplicates().tolist() == expected
    assert [r.sheet for r in report] == [f"Fund {s:02d}" for s in range(1, 51)]
    assert all(r.holdings == 3 and r.weight_sum == pytest.approx(1.0) for r in report)
    assert frame["holding_id"].is_unique
    skipped = report[0].details["sheets skipped"]
    assert "Cover: no holdings table" in skipped
    assert "Notes: empty" in skipped
    assert "sheets skipped" in str(report)


def test_a_named_sheet_reads_that_sheet_alone(tmp_path):
    path = workbooks.many_sheets(tmp_path / "umbrella.xlsx", sheets=5, rows=2)
    frame, loaded_report = load_holdings(path, sheet="Fund 04")
    assert len(loaded_report) == 1
    assert frame["portfolio_id"].unique().tolist() == ["umbrella"]
    assert frame["security_name"].tolist() == ["FICTIVE HOLDING 04-0", "FICTIVE HOLDING 04-1"]
    with pytest.raises(ColumnMappingError):
        load_holdings(path, sheet="Cover")


def test_one_portfolio_id_for_the_file_covers_every_sheet(tmp_path):
    path = workbooks.many_sheets(tmp_path / "umbrella.xlsx", sheets=2, rows=2)
    frame, loaded_report = load_holdings(path, portfolio_id="UMB")
    assert frame["portfolio_id"].unique().tolist() == ["UMB"]
    assert len(frame) == 4 and frame["holding_id"].is_unique


def test_one_table_among_sheets_keeps_the_file_name(tmp_path):
    path = workbooks.title_block_second_sheet(tmp_path / "fund.xlsx")
    frame, loaded_report = load_holdings(path)
    assert frame["portfolio_id"].unique().tolist() == ["fund"]
    assert loaded_report[0].details["sheets skipped"].startswith("Cover: no holdings table")
