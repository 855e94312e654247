"""The currency of market values read from what a file states: its value header, the symbols in its
value cells, a line of its preamble ("Base Currency,EUR")."""

from __future__ import annotations

import pandas as pd
import pytest

from exclusionscreen.holdings import load_holdings
from exclusionscreen.holdings._currency import preamble_currency, stated_currency, symbol_currency

from .conftest import SHARED_HOLDINGS, needs_shared

TABLE = "ISIN,Name,Market Value,Weight (%)\nUS0378331005,APPLE INC,{a},60\nUS5949181045,MICROSOFT CORP,{b},40\n"


def lines(*texts: str, first: int = 1) -> pd.Series:
    return pd.Series(texts, index=range(first, first + len(texts)), dtype="string")


@pytest.mark.parametrize(
    "line",
    [
        "Base Currency EUR",  # iShares (cells joined by a space)
        "Fund Currency EUR",
        "Currency: EUR",
        "Währung EUR",
        "Fondswährung: EUR",
        "Devise de référence EUR",
        "Valuta del fondo EUR",
        "Moneda EUR",
        "Divisa = EUR",
    ],
)
def test_preamble_keys_naming_the_funds_currency_are_read(line):
    assert preamble_currency(lines("Fund Holdings as of Sep 30, 2026", line)) == ("EUR", "preamble line 2", [])


@pytest.mark.parametrize(
    "line",
    [
        "Share Class Currency USD",  # a hedged share class differs from the fund's values
        "Anteilsklassenwährung USD",
        "Market Currency USD",  # the security's, not the value's
        "Trading Currency USD",
        "Currency hedged Yes",
        "Currency USD and EUR",
        "Base Currency eur",  # a code is written in capitals
    ],
)
def test_preamble_lines_naming_another_currency_are_not_read(line):
    assert preamble_currency(lines(line)) == (None, None, [])


def test_preamble_with_an_unknown_code_or_two_currencies_reads_none_and_says_why():
    code, where, warnings = preamble_currency(lines("Base Currency XYZ"), "row")
    assert (code, where) == (None, None)
    assert warnings == [
        "preamble row 1 names the currency 'XYZ', not a code the loader knows (ISO 4217): no currency read from it"
    ]
    code, _, warnings = preamble_currency(lines("Base Currency EUR", "Fund Currency USD", first=3))
    assert code is None and warnings == [
        "the preamble names several currencies (EUR (line 3), USD (line 4)): no currency read from it"
    ]


def test_symbols_are_found_before_and_after_the_number_once_per_distinct_text():
    assert symbol_currency(pd.Series(["$205,146,406", "-$1,000", "($2.50)", None, "0"])) == ("$", 3, [])
    assert symbol_currency(pd.Series(["1.234,56 €", "-7,00 €"])) == ("€", 2, [])
    assert symbol_currency(pd.Series(["US$ 12", "US$ 12"])) == ("US$", 2, [])
    assert symbol_currency(pd.Series(["1,234", "5"])) == (None, 0, [])
    assert symbol_currency(pd.Series(["see note $", "$ about 5m"])) == (None, 0, [])  # no number with a symbol
    code, _, warnings = symbol_currency(pd.Series(["$1", "€2", "€3"]))
    assert code is None
    assert warnings == ["the market values carry several currency symbols ('$' (1), '€' (2)): no currency recorded"]


def test_a_bare_dollar_is_the_dollar_the_file_names_else_usd():
    dollars = pd.Series(["$1", "$2"])
    assert stated_currency(None, dollars, None).code == "USD"
    assert "read as US dollars" in stated_currency(None, dollars, None).where
    assert stated_currency(None, dollars, lines("Base Currency CAD")).code == "CAD"
    assert stated_currency("AUD", dollars, None).code == "AUD"
    clash = stated_currency("EUR", dollars, None)
    assert clash.code is None and "carry '$' but the file names EUR" in clash.warnings[0]


def test_yen_or_yuan_is_read_only_where_the_file_says_which():
    yen = pd.Series(["¥1,000", "¥2,000"])
    alone = stated_currency(None, yen, None)
    assert alone.code is None and "yen and yuan alike" in alone.warnings[0]
    assert stated_currency(None, yen, lines("Fund Currency JPY")).code == "JPY"
    assert stated_currency(None, yen, lines("Fund Currency CNY")).code == "CNY"


def test_euro_and_pound_symbols_name_their_currency_and_must_agree_with_the_file():
    assert stated_currency(None, pd.Series(["£3"]), None).code == "GBP"
    assert stated_currency(None, pd.Series(["3 €"]), lines("Currency EUR")).code == "EUR"
    clash = stated_currency(None, pd.Series(["3 €"]), lines("Currency GBP"))
    assert clash.code is None and "carry '€' (EUR) but the file names GBP" in clash.warnings[0]


def test_the_header_wins_over_the_preamble_with_a_warning():
    found = stated_currency("USD", None, lines("Base Currency EUR"))
    assert found.code == "USD"
    assert found.warnings == [
        "the market value column's header names USD but preamble line 1 names EUR: the header's currency is kept "
        "(it is the column's own)"
    ]


def load_one(path):
    holdings, report = load_holdings(path)
    return holdings, report.files[0]


def test_a_file_with_a_base_currency_preamble_loads_in_that_currency(tmp_path):
    path = tmp_path / "fund.csv"
    path.write_text(
        'Fund Holdings as of,"Sep 30, 2026"\nBase Currency,"EUR"\nShare Class Currency,"USD"\n \n'
        + TABLE.format(a='"1,200.00"', b='"800.00"'),
        encoding="utf-8",
    )
    holdings, report = load_one(path)
    assert holdings["market_value_currency"].tolist() == ["EUR", "EUR"]
    assert report.details["values in"] == "EUR (preamble line 2)"


def test_a_file_with_symbols_in_its_value_cells_loads_in_their_currency(tmp_path):
    path = tmp_path / "fund.csv"
    path.write_text(TABLE.format(a='"£1,200.00"', b='"£800.00"'), encoding="utf-8")
    holdings, report = load_one(path)
    assert holdings["market_value_currency"].tolist() == ["GBP", "GBP"]
    assert holdings["market_value"].tolist() == [1200.0, 800.0]
    assert report.details["values in"] == "GBP (the symbol '£' in 2 market value cell(s))"


def test_a_file_whose_symbols_and_preamble_disagree_has_no_currency_and_warns(tmp_path):
    path = tmp_path / "fund.csv"
    path.write_text("Fondswährung: CHF\n" + TABLE.format(a='"€1,200.00"', b='"€800.00"'), encoding="utf-8")
    holdings, report = load_one(path)
    assert "market_value_currency" not in holdings.columns or holdings["market_value_currency"].isna().all()
    assert any("carry '€' (EUR) but the file names CHF (preamble line 1)" in w for w in report.warnings)
    assert "values in" not in report.details


def test_a_file_stating_no_currency_has_none(tmp_path):
    path = tmp_path / "fund.csv"
    path.write_text(TABLE.format(a="1200", b="800"), encoding="utf-8")
    holdings, report = load_one(path)
    assert "market_value_currency" not in holdings.columns
    assert "values in" not in report.details


@needs_shared
def test_the_vanguard_file_with_dollar_values_is_in_us_dollars():
    holdings, report = load_one(SHARED_HOLDINGS / "vanguard_uk_ftse_all_world_VWRD_2020-07-31.csv")
    assert set(holdings["market_value_currency"]) == {"USD"}
    assert holdings["market_value"].iloc[0] == 205_146_406
    assert report.details["values in"].startswith(f"USD (the symbol '$' in {len(holdings):,} market value cell(s)")
