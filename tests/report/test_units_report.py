"""The report names the unit of its values, shows the load report's warnings on the Summary, and
averages PAI 14 over the quarters given (the fictional pension fund of the sample)."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from exclusionscreen import pai14_average
from exclusionscreen.report import write_report

from .test_workbook import section


def _texts(ws) -> list[str]:
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def test_summary_shows_the_load_reports_warnings_and_the_units(sample_book, sample_results):
    result = sample_results[1]
    assert result.load_warnings  # the equity file names countries without an ISO code
    shown = _texts(sample_book["Summary"]) + (_texts(sample_book["Warnings"]) if "Warnings" in sample_book else [])
    for warning in result.load_warnings:
        assert warning in shown
    facts = {r[0]: r[1] for r in sample_book["Summary"].iter_rows(values_only=True) if r[0] and r[1]}
    # the bond and multi-asset workbooks name EUR in their value headers, the equity file in its preamble
    assert facts["Values"] == "market values in EUR"
    portfolios = section(sample_book["Summary"], "Portfolios")
    assert "Market value (EUR)" in portfolios.columns and "Currency of values" not in portfolios.columns
    assert not [w for w in result.warnings if "units" in w]


def test_portfolios_in_different_units_are_never_summed_together(sample_results, tmp_path):
    result = sample_results[1]
    equity = result.holdings["portfolio_id"].eq("global_equity")
    holdings = result.holdings.assign(market_value_currency=result.holdings["market_value_currency"].mask(equity))
    book = openpyxl.load_workbook(write_report(dataclasses.replace(result, holdings=holdings), tmp_path / "u.xlsx"))
    facts = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0] and r[1]}
    assert facts["Values"] == (
        "several units, never summed together: EUR: corporate_bonds, multi_asset; currency not stated: global_equity"
    )
    portfolios = section(book["Summary"], "Portfolios")
    assert dict(zip(portfolios["Portfolio"], portfolios["Currency of values"], strict=True)) == {
        "corporate_bonds": "EUR",
        "global_equity": "not stated",
        "multi_asset": "EUR",
    }
    # flagged market values per currency on the Summary, never one total across them
    by_criterion = section(book["Summary"], "Flags by criterion (all portfolios; titles on the sheet Criteria)")
    assert {"Market value flagged (EUR)", "Market value flagged (not stated)"} <= set(by_criterion.columns)
    assert "Market value flagged" not in by_criterion.columns


def test_a_weights_only_portfolio_shows_weights_not_a_market_value(sample_results, tmp_path):
    result = sample_results[1]
    holdings = result.holdings.assign(market_value=float("nan"))
    weights_only = dataclasses.replace(result, holdings=holdings)
    book = openpyxl.load_workbook(write_report(weights_only, tmp_path / "w.xlsx"))
    facts = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0] and r[1]}
    assert facts["Values"] == "weights only (no market values)"
    portfolios = section(book["Summary"], "Portfolios")
    assert "Market value (weights)" in portfolios.columns and "Currency of values" not in portfolios.columns
    assert portfolios["Market value (weights)"].isna().all()  # not 1, not the sum of the weights
    flags = book["Flags"]
    head = [c.value for c in next(flags.iter_rows(max_row=1))]
    unit = head.index("market_value_currency")
    assert {r[unit] for r in flags.iter_rows(min_row=2, values_only=True)} == {"weights only"}


def test_pai14_sheet_averages_the_quarters_given(sample_results, tmp_path):
    q2, q3 = sample_results
    folder = q2.save(tmp_path / "q2")
    path = write_report(q3, tmp_path / "q3.xlsx", previous=q2, previous_quarters=[folder])
    ws = openpyxl.load_workbook(path)["PAI 14"]
    texts = _texts(ws)
    assert any("Only 2 of the 4 quarter ends were given" in t for t in texts)
    table = section(ws, "PAI 14 per portfolio")
    expected = pai14_average([q2, q3]).set_index("portfolio_id")
    got = table.set_index("Portfolio")
    for portfolio in expected.index:
        assert got.loc[portfolio, "PAI 14 average, share of all investments"] == pytest.approx(
            expected.loc[portfolio, "pai14_all"]
        )
        assert got.loc[portfolio, "Coverage 2026-06-30"] == pytest.approx(
            expected.loc[portfolio, "coverage 2026-06-30"]
        )
    assert "PAI 14" not in openpyxl.load_workbook(write_report(q3, tmp_path / "plain.xlsx")).sheetnames
