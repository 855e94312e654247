"""Numbers, dates, column names, countries and asset classes as holdings files write them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from exclusionscreen.holdings._aliases import ALIASES, CANONICAL, alias_index, header_key
from exclusionscreen.holdings._assets import asset_class_from_name, normalise_asset_class
from exclusionscreen.holdings._countries import country_codes
from exclusionscreen.holdings._dates import parse_date
from exclusionscreen.holdings._numbers import infer_format, parse_numbers, weight_scale


def parse(values, language=None):
    series = pd.Series(values, dtype=object)
    fmt = infer_format(series, language)
    return fmt, parse_numbers(series, fmt)


def test_english_numbers():
    fmt, parsed = parse(["21,749,937,094.76", "7.12", "(3,047.50)", "1,234", "-", ". .", None])
    assert fmt.decimal == "."
    values = parsed.values.tolist()
    assert values[:4] == pytest.approx([21_749_937_094.76, 7.12, -3047.5, 1234.0])
    assert pd.isna(values[4:]).all()
    assert not parsed.unreadable.any()


def test_german_numbers():
    fmt, parsed = parse(["1.234.567,89", "45,25", "10.000", "1.234,56-", "0,5"])
    assert fmt.decimal == "," and "'1.234.567,89'" in fmt.reason
    assert parsed.values.tolist() == pytest.approx([1_234_567.89, 45.25, 10_000, -1234.56, 0.5])


def test_spaces_apostrophes_percent_and_currency_signs():
    fmt, parsed = parse(["1\u202f250\u202f000,00", "50,00 %", "-0,20\u00a0%", "€ 1.000,50"])
    assert fmt.decimal == ","
    assert parsed.values.tolist() == pytest.approx([1_250_000, 50, -0.2, 1000.5])
    assert parsed.percent.tolist() == [False, True, True, False]
    _, swiss = parse(["1'234.56", "12'345'678.90"])
    assert swiss.values.tolist() == pytest.approx([1234.56, 12_345_678.90])
    _, dollars = parse(["$1,234.50", "USD 99.00", "1.5E+03"])
    assert dollars.values.tolist() == pytest.approx([1234.5, 99.0, 1500.0])


def test_numbers_stored_as_numbers_pass_through():
    fmt, parsed = parse([7.02, 87116767, "7,5"])
    assert parsed.values.tolist()[:2] == pytest.approx([7.02, 87116767])
    assert fmt.decimal == ","  # the one text value decides for text; numbers are numbers


def test_ambiguous_numbers_follow_the_column_language():
    assert infer_format(pd.Series(["1,234", "5,678"], dtype=object)).decimal == "."
    fmt = infer_format(pd.Series(["1,234", "5,678"], dtype=object), "de")
    assert fmt.decimal == "," and "from the German column names" in fmt.reason


def test_a_number_in_another_format_is_not_guessed():
    fmt, parsed = parse(["1.234,56", "2.345,67", "7.15"])
    assert fmt.decimal == "," and fmt.conflicts == ("7.15",)
    assert pd.isna(parsed.values.iloc[2]) and parsed.unreadable.tolist() == [False, False, True]
    _, words = parse(["12.5", "abc", "n/a"])
    assert words.unreadable.tolist() == [False, True, False]


def test_weight_scale():
    weights = pd.Series([7.15, 2.0, 0.5])
    assert weight_scale(weights, "Weight (%)", False).scale == "percent"
    assert weight_scale(weights / 100, "Weight", True).scale == "percent"
    assert weight_scale(weights, "Weight", False).reason == "the largest weight, 7.15, is above 1"
    fractions = pd.Series([0.0715, 0.5, 0.4285])
    scale = weight_scale(fractions, "Weight", False)
    assert (scale.scale, scale.certain) == ("fraction", True)
    small = weight_scale(pd.Series([0.1, 0.1]), "Weight", False)
    assert (small.scale, small.certain) == ("fraction", False)
    many = pd.Series([0.9, 0.9, 0.5, 0.5])
    assert weight_scale(many, "Weight", False).scale == "percent"
    two_portfolios = weight_scale(many, "Weight", False, pd.Series(["a", "a", "b", "b"]))
    assert two_portfolios.scale == "percent"  # 1.8 for portfolio a
    split = weight_scale(pd.Series([0.6, 0.4, 0.7, 0.3]), "Weight", False, pd.Series(["a", "a", "b", "b"]))
    assert split.scale == "fraction"


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("Fund Holdings as of Apr 06, 2023", False, dt.date(2023, 4, 6)),
        ("Fund Holdings as of 17-Sep-25", False, dt.date(2025, 9, 17)),
        ("Holdings: As of 10-May-2024", False, dt.date(2024, 5, 10)),
        ("Fondsposition per 30.09.2024", False, dt.date(2024, 9, 30)),
        ("Fondsposition per 11.Sept.2026", False, dt.date(2026, 9, 11)),
        ("Stand: 3. März 2025", False, dt.date(2025, 3, 3)),
        ("Positions au 28 févr. 2024", False, dt.date(2024, 2, 28)),
        ("As at 2024-12-31", False, dt.date(2024, 12, 31)),
        ("04/06/2023", False, dt.date(2023, 4, 6)),
        ("04/06/2023", True, dt.date(2023, 6, 4)),
        ("28/03/2024", False, dt.date(2024, 3, 28)),
        ("no date here", False, None),
    ],
)
def test_dates(text, day_first, expected):
    assert parse_date(text, day_first) == expected


def test_alias_table():
    index = alias_index()
    assert {"en", "de", "fr", "es", "it", "nl"} <= {lang for v in ALIASES.values() for lang in v}
    for key, canonical in [
        ("Emittententicker", "ticker"),
        ("Gewichtung (%)", "weight"),
        ("Marktwert", "market_value"),
        ("Weight (%)", "weight"),
        ("% of Net Assets", "weight"),
        ("Identifier", "identifier"),
        ("Shares Held", "quantity"),
        ("Valeur de marché", "market_value"),
        ("Ponderación (%)", "weight"),
        ("Marktwaarde", "market_value"),
        ("Valore di mercato", "market_value"),
        ("Location", "country"),
    ]:
        assert index[header_key(key)].canonical == canonical, key
    assert header_key("Market Value (USD)") == header_key("market value")
    assert header_key("Weight (%)") != header_key("Weight")
    assert set(CANONICAL) >= {"isin", "cusip", "sedol", "lei", "weight", "security_name"}


def test_country_names():
    codes, unknown = country_codes(
        pd.Series(
            [
                "United States",
                "Deutschland",
                "Österreich",
                "KOREA (THE REPUBLIC OF)",
                "FR",
                "GBR",
                "-",
                "European Union",
                "Namibia",
                "XA",
                None,
            ]
        )
    )
    assert codes.fillna("").tolist() == ["US", "DE", "AT", "KR", "FR", "GB", "", "", "NA", "XA", ""]
    assert unknown == ["European Union"]


def test_asset_classes():
    raw = pd.Series(
        [
            "Equity",
            "Cash Collateral and Margins",
            "Money Market",
            "FX",
            "Futures",
            "Cash",
            "Aktien",
            "Geldmarkt",
            "Devisentermingeschäfte",
            "Obligations",
            "Swap",
            "ETF",
            "Commodity",
            None,
        ]
    )
    assert normalise_asset_class(raw).fillna("").tolist() == [
        "equity",
        "collateral",
        "money_market",
        "fx",
        "futures",
        "cash",
        "equity",
        "money_market",
        "fx",
        "fixed_income",
        "derivative",
        "fund",
        "other",
        "",
    ]
    names = pd.Series(
        [
            "US DOLLAR",
            "USD CASH",
            "CASH COLLATERAL USD",
            "S&P500 EMINI JUN 23",
            "FUTURES JPY MARGIN BALANCE",
            "CASH AMERICA INTERNATIONAL",
            "EURONAV",
        ]
    )
    assert asset_class_from_name(names).fillna("").tolist() == [
        "cash",
        "cash",
        "collateral",
        "futures",
        "collateral",
        "",
        "",
    ]
