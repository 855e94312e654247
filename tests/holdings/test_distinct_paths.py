"""Work done once per distinct value gives every row what row-by-row work gives it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from exclusionscreen.holdings._assets import asset_class_from_name, normalise_asset_class
from exclusionscreen.holdings._columns import _check_distinct, check_identifiers, parse_number_columns
from exclusionscreen.holdings._numbers import NumberFormat, is_native_number
from exclusionscreen.holdings._positions import duplicate_positions
from exclusionscreen.holdings._table import row_text


def _holdings(repeat: int) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "isin": ["US0378331005", " us0378331005 ", "US0378331006", None, None, None],
            "cusip": [None, None, None, "03783310", "037833100", "037833100"],
            "sedol": [None, None, None, None, None, None],
            "country": ["US", "US", "US", "US", "US", None],
            "asset_class": ["equity", "equity", "equity", "equity", "cash", "equity"],
        },
        dtype="string",
    )
    return pd.concat([rows] * repeat, ignore_index=True)


def test_identifiers_checked_per_distinct_row_equal_the_row_by_row_check():
    frame = _holdings(3)
    pd.testing.assert_frame_equal(check_identifiers(frame), _check_distinct(frame))
    checked = check_identifiers(frame)
    assert checked.loc[2, "identifier_issues"] == "isin 'US0378331006': invalid (length or check digit)"
    assert checked.loc[3, "cusip"] == "037833100"  # 8 characters completed
    assert pd.isna(checked.loc[4, "isin"])  # a cash line's CUSIP names no ISIN
    assert checked.loc[5, "isin"] == "US0378331005"  # derived from the CUSIP of a security


def test_identifiers_left_as_they_were_keep_their_column_and_no_issues():
    frame = pd.DataFrame({"isin": ["US0378331005", "US5949181045"] * 4, "asset_class": "equity"}, dtype="string")
    checked = check_identifiers(frame)
    pd.testing.assert_frame_equal(checked, _check_distinct(frame))
    assert checked["identifier_issues"].isna().all() and len(checked) == 8


def test_asset_classes_per_distinct_text_keep_index_and_missing():
    raw = pd.Series([" Equity", None, "Cash Collateral", "Equity ", "Geldmarkt"], index=[10, 11, 12, 13, 14])
    classes = normalise_asset_class(raw)
    assert classes.index.tolist() == [10, 11, 12, 13, 14]
    assert classes.tolist()[:1] + classes.tolist()[2:] == ["equity", "collateral", "equity", "money_market"]
    assert pd.isna(classes[11])
    names = pd.Series(["USD CASH", "Future PLC", None, "usd cash "], index=[3, 4, 5, 6])
    assert asset_class_from_name(names).fillna("-").tolist() == ["cash", "-", "-", "cash"]


def test_duplicate_positions_within_a_portfolio_only():
    frame = pd.DataFrame(
        {
            "portfolio_id": ["A", "A", "B", "A", "A", "A"],
            "isin": ["US0378331005", "US0378331005", "US0378331005", None, None, "US0378331006"],
            "security_name": ["Apple", "Apple", "Apple", "USD CASH", "USD CASH", "Bad"],
            "source_file": "f.csv",
            "source_row": [1, 2, 3, 4, 5, 6],
            "holding_id": ["1", "2", "3", "4", "5", "6"],
        }
    ).astype({"isin": "string"})
    found = duplicate_positions(frame)
    assert found["source_row"].tolist() == [1, 2, 4, 5]  # B's Apple and the invalid ISIN are alone
    assert found["position_key"].tolist() == ["US0378331005", "US0378331005", "USD CASH", "USD CASH"]


def test_numbers_outside_the_table_body_are_missing_and_unflagged():
    cells = pd.DataFrame({0: ["Weight", "1.5", "x", "2.5%"], 1: ["Value", "1,000.00", "2", None]}, dtype=object)
    body = pd.Series([False, True, True, True])
    parsed = parse_number_columns(cells, body, {"weight": 0, "market_value": 1}, NumberFormat(".", ",", "test"))
    weight, value = parsed["weight"], parsed["market_value"]
    assert np.isnan(weight.values[0]) and weight.values[1] == 1.5 and weight.values[3] == 2.5
    assert weight.unreadable.tolist() == [False, False, True, False]
    assert weight.percent.tolist() == [False, False, False, True]
    assert value.values.tolist()[1:3] == [1000.0, 2.0] and value.values.dtype == "float64"


def test_text_cells_are_no_native_numbers_but_typed_cells_are():
    assert not is_native_number(pd.Series(["1", None, "2.5"], dtype=object)).any()
    assert is_native_number(pd.Series(["1", 2.5, True, 3], dtype=object)).tolist() == [False, True, False, True]


def test_row_text_joins_filled_cells_with_single_spaces():
    text = pd.DataFrame({0: ["a ", None, " x"], 1: [None, None, "y\u00a0 z"], 2: ["b", None, None]}, dtype="string")
    assert row_text(text).tolist() == ["a b", "", "x y z"]
