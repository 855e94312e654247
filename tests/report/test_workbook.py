"""The report reopened with openpyxl: sheets, headers, formats, colours, chart, links and figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl.chart import BarChart

from exclusionscreen.report import _styles

SHEETS = [
    "Summary",
    "Flags",
    "Holdings",
    "Skipped",
    "Review",
    "Changes",
    "By portfolio",
    "Overrides",
    "Criteria",
    "About",
]


def header(ws) -> list:
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]


def column(ws, name: str) -> list:
    """The cells of the column headed `name` (data rows only)."""
    index = header(ws).index(name) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=index, max_col=index)]


def section(ws, title: str) -> pd.DataFrame:
    """The table under the heading `title` on a document sheet, as a frame of its cell values."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    head = [h for h in rows[start + 1] if h is not None]
    body = []
    for r in rows[start + 2 :]:
        if all(v is None for v in r):
            break
        body.append(r[: len(head)])
    return pd.DataFrame(body, columns=head)


def test_sheet_names(sample_book):
    assert sample_book.sheetnames == SHEETS


def test_flags_sheet_has_every_flag_column_and_row(sample_book, sample_results):
    result = sample_results[1]
    ws = sample_book["Flags"]
    # and the unit of each flag's market value
    assert sorted(header(ws)) == sorted([*result.flags.columns, "market_value_currency"])
    assert ws.max_row == len(result.flags) + 1
    ids = [c.value for c in column(ws, "holding_id")]
    assert ids == result.flags["holding_id"].tolist()


def test_holdings_sheet_has_every_input_row_with_status_and_resolution(sample_book, sample_results):
    result = sample_results[1]
    ws = sample_book["Holdings"]
    assert set(header(ws)) == set(result.holdings.columns) | {"market_value_currency"}
    assert {"status", "resolution_method", "source_file", "source_row"} <= set(header(ws))
    assert [c.value for c in column(ws, "status")] == result.holdings["status"].tolist()
    rows = [c.value for c in column(ws, "source_row")]
    assert rows == result.holdings["source_row"].tolist()
    assert all(isinstance(r, int) for r in rows)


def test_skipped_review_overrides_sheets(sample_book, sample_results):
    result = sample_results[1]
    assert sample_book["Skipped"].max_row == len(result.skipped) + 1
    review = sample_book["Review"]
    assert {"reason", "candidate_issuer_id", "candidate_name", "candidate_score"} <= set(header(review))
    assert review.max_row == len(result.review) + 1
    overrides = sample_book["Overrides"]
    states = [c.value for c in column(overrides, "state")]
    assert "applied" in states and "expired" in states
    expiry = column(overrides, "expires_on")
    assert all(isinstance(c.value, dt.datetime) and c.number_format == "yyyy-mm-dd" for c in expiry)
    assert all(c.value for c in column(overrides, "rationale") + column(overrides, "approver"))


def test_number_formats_and_types(sample_book):
    ws = sample_book["Flags"]
    for name, fmt in (("market_value", "#,##0.00"), ("share_of_portfolio", "0.00%"), ("match_confidence", "0.00")):
        cells = [c for c in column(ws, name) if c.value is not None]
        assert cells, name
        assert all(isinstance(c.value, float | int) and c.number_format == fmt for c in cells), name
    dates = [c for c in column(ws, "evidence_date") if c.value is not None]
    assert dates and all(isinstance(c.value, dt.datetime) and c.number_format == "yyyy-mm-dd" for c in dates)
    holdings = sample_book["Holdings"]
    weights = [c for c in column(holdings, "share_of_portfolio") if c.value is not None]
    assert weights and all(c.number_format == "0.00%" and -1 <= c.value <= 1 for c in weights)


def test_status_cells_are_coloured(sample_book):
    seen = set()
    for cell in column(sample_book["Holdings"], "status"):
        expected = _styles.STATUS_FORMATS[cell.value].fill
        assert cell.fill.fgColor.rgb[-6:] == expected, cell.value
        seen.add(cell.value)
    assert {"excluded", "watch", "clear", "unresolved", "not_applicable"} <= seen
    fills = {c.value: c.fill.fgColor.rgb[-6:] for c in column(sample_book["Flags"], "outcome")}
    assert fills["exclude"] == _styles.STATUS_FORMATS["excluded"].fill
    assert fills["exempt"] == _styles.STATUS_FORMATS["exempt"].fill


def test_legend_beside_the_tables_by_portfolio(sample_book):
    ws = sample_book["By portfolio"]
    legend = {
        row[0].value: row[0].fill.fgColor.rgb[-6:]
        for row in ws.iter_rows(max_col=1)
        if row[0].value in _styles.STATUS_FORMATS
    }
    assert set(legend) == {"excluded", "watch", "clear", "unresolved", "not_applicable", "exempt"}
    assert legend["excluded"] == _styles.STATUS_FORMATS["excluded"].fill


@pytest.mark.parametrize("name", ["Flags", "Holdings", "Review", "Overrides", "Criteria", "Skipped"])
def test_header_frozen_filtered_and_widths_fitted(sample_book, name):
    ws = sample_book[name]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    assert all(c.font.bold for c in next(ws.iter_rows(max_row=1)))
    widths = [ws.column_dimensions[c.column_letter].width for c in next(ws.iter_rows(max_row=1))]
    assert all(6 <= w <= 82 for w in widths)
    assert len(set(widths)) > 1  # fitted to the content, not one default


def test_summary_figures_are_the_results(sample_book, sample_results):
    result = sample_results[1]
    ws = sample_book["Summary"]
    # every portfolio's values are in EUR: the headers of values say so (no currency column)
    overview = section(ws, "Portfolios")
    expected = result.overview()
    assert overview["Portfolio"].tolist() == expected["portfolio_id"].tolist()
    for label, name in (
        ("Holdings", "holdings"),
        ("Market value (EUR)", "market_value"),
        ("Excluded", "excluded"),
        ("Weight excluded", "weight_excluded"),
        ("Watch", "watch"),
        ("Coverage (value resolved to an issuer)", "coverage"),
    ):
        assert overview[label].tolist() == pytest.approx(expected[name].tolist()), label

    pai = section(ws, next(r[0] for r in ws.iter_rows(values_only=True) if str(r[0]).startswith("SFDR PAI 14")))
    expected = result.pai14()
    for label, name in (
        ("Value involved (EUR)", "involved_value"),
        ("All investments (EUR)", "total_value"),
        ("Investments covered by data (EUR)", "covered_value"),
        ("PAI 14, share of all investments", "pai14_all"),
        ("PAI 14, share of investments covered", "pai14_covered"),
        ("Coverage (share of all investments)", "coverage"),
    ):
        assert pai[label].tolist() == pytest.approx(expected[name].tolist()), label

    both = section(sample_book["By portfolio"], "Flags by portfolio and criterion")
    expected = result.summary()
    assert both["Criterion"].tolist() == expected["criterion_id"].tolist()
    for label, name in (
        ("Holdings excluded", "holdings_excluded"),
        ("Holdings watch", "holdings_watch"),
        ("Market value flagged (EUR)", "market_value_flagged"),
        ("Weight excluded", "weight_excluded"),
        ("Weight watch", "weight_watch"),
    ):
        assert both[label].tolist() == pytest.approx(expected[name].tolist()), label

    by_criterion = section(ws, "Flags by criterion (all portfolios; titles on the sheet Criteria)")
    # criteria_summary() has a row per criterion and unit: counts add up across units
    expected = result.criteria_summary().groupby("criterion_id", sort=False)["holdings_excluded"].sum()
    assert by_criterion["Criterion"].tolist() == expected.index.tolist()
    assert by_criterion["Holdings excluded"].tolist() == expected.tolist()


def test_summary_states_date_policy_warnings_and_skipped_rows(sample_book, sample_results):
    result = sample_results[1]
    values = [v for row in sample_book["Summary"].iter_rows(values_only=True) for v in row if v is not None]
    facts = {row[0]: row[1] for row in sample_book["Summary"].iter_rows(values_only=True, max_col=2)}
    assert facts["As-of date"] == dt.datetime(2026, 9, 30)
    assert result.policy.id in facts["Policy"]
    assert facts["Rows skipped on loading"] == len(result.skipped)
    for warning in result.warnings:
        assert warning in values
    assert any(f"{len(result.skipped)} row(s) of the holdings files" in str(v) for v in values)


def test_native_bar_chart_of_weight_flagged(sample_book, sample_results):
    result = sample_results[1]
    charts = sample_book["By portfolio"]._charts
    assert len(charts) == 1 and isinstance(charts[0], BarChart)
    chart = charts[0]
    assert len(chart.series) == len(result.overview())  # one series per portfolio
    refs = chart.series[0].val.numRef.f
    assert refs.startswith("'By portfolio'!")
    table = section(
        sample_book["By portfolio"],
        next(
            r[0]
            for r in sample_book["By portfolio"].iter_rows(values_only=True)
            if str(r[0]).startswith("Weight flagged")
        ),
    )
    s = result.summary()
    expected = (s["weight_excluded"] + s["weight_watch"]).groupby(s["criterion_id"]).sum()
    for portfolio in result.overview()["portfolio_id"]:
        got = table.set_index("Criterion")[portfolio]
        sub = s[s["portfolio_id"] == portfolio].set_index("criterion_id")
        want = (sub["weight_excluded"] + sub["weight_watch"]).reindex(got.index).fillna(0.0)
        assert got.tolist() == pytest.approx(want.tolist())
    assert len(table) == len(result.policy.criteria) and expected.index.isin(table["Criterion"]).all()


def test_source_urls_are_links_and_nothing_else_is(sample_book, hostile_book):
    for book in (sample_book, hostile_book):
        urls = column(book["Flags"], "evidence_url")
        for cell in urls:
            if str(cell.value).startswith(("http://", "https://")):
                assert cell.hyperlink is not None and cell.hyperlink.target == cell.value
            else:
                assert cell.hyperlink is None
        assert any(c.hyperlink for c in urls)
        for ws in book:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.hyperlink is None:
                        continue
                    assert cell.hyperlink.target == cell.value and cell.value.startswith("https://")
                    if ws.title != "About":  # About holds several tables; its links are list sources
                        assert header(ws)[cell.column - 1] in ("evidence_url", "source_url"), (ws.title, cell)


def test_criteria_sheet(sample_book, sample_results):
    policy = sample_results[1].policy
    ws = sample_book["Criteria"]
    rows = {r["criterion_id"]: r for r in pd.DataFrame(list(ws.values)[1:], columns=header(ws)).to_dict("records")}
    assert list(rows) == list(policy.criterion_ids)
    for c in policy.criteria:
        row = rows[c.id]
        assert (row["version"], row["definition"], row["action"]) == (c.version, c.definition, c.action.value)
        assert all(str(ref) in row["references"] for ref in c.references)
        assert row["ownership"]
    threshold = policy.criterion("conventional_weapons").revenue_threshold
    assert rows["conventional_weapons"]["revenue_threshold"] == pytest.approx(threshold)
    assert ws.cell(row=2, column=header(ws).index("revenue_threshold") + 1).number_format == "0.00%"


def test_about_sheet_traces_the_inputs(sample_book, sample_results):
    result = sample_results[1]
    ws = sample_book["About"]
    facts = {row[0]: row[1] for row in ws.iter_rows(values_only=True, max_col=2) if row[0]}
    assert facts["Library"].endswith(result.library_version)
    assert facts["As-of date"] == dt.datetime(2026, 9, 30)
    assert facts["Rule-set hash (SHA-256)"] == result.policy.rule_hash
    assert isinstance(facts["Run at (UTC)"], dt.datetime)
    inputs = section(ws, "Input files, with their SHA-256")
    assert sorted(inputs["sha256"]) == sorted(result.inputs["sha256"])
    assert set(inputs["path"]) == set(result.inputs["path"])
    lists = section(ws, "Reference lists used, with their dates")
    assert sorted(lists["list_id"]) == sorted(result.list_sources["list_id"])
    assert all(isinstance(v, dt.datetime) for v in lists["as_of"])
    versions = section(ws, "Criteria applied, with their versions")
    assert versions["version"].tolist() == [c.version for c in result.policy.criteria]


def test_changes_sheet_against_previous(sample_book, sample_results):
    previous, result = sample_results
    expected = result.compare(previous)
    ws = sample_book["Changes"]
    assert ws.max_row == len(expected) + 1
    changes = [c.value for c in column(ws, "change")]
    assert changes == expected["change"].tolist()
    assert {"new_flag", "cleared_flag"} <= set(changes)


def test_changes_sheet_says_when_there_is_no_previous(hostile_book):
    assert "No previous screen" in hostile_book["Changes"]["A1"].value


def test_workbook_properties_are_fixed(sample_book):
    props = sample_book.properties
    assert props.creator == "exclusionscreen"
    assert props.created == props.modified == dt.datetime(2026, 9, 30)


def test_each_flag_and_holding_names_the_unit_of_its_market_value(sample_book, sample_results):
    """The fictional fund's bond and multi-asset workbooks name EUR in their value headers; the
    equity file in its preamble ("Base Currency"): every row names its unit."""
    result = sample_results[1]
    units = dict(zip(result.currencies()["portfolio_id"], result.currencies()["currency"], strict=True))
    assert units == {"corporate_bonds": "EUR", "global_equity": "EUR", "multi_asset": "EUR"}
    for sheet, frame in (("Flags", result.flags), ("Holdings", result.holdings)):
        ws = sample_book[sheet]
        shown = [c.value for c in column(ws, "market_value_currency")]
        assert shown == [units[p] for p in frame["portfolio_id"]], sheet
