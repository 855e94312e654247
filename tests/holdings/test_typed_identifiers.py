"""The typed lane (Parquet) cleans and checks identifiers exactly as the row-by-row rules say.

Every kind of identifier problem in one small Parquet file; the expected values are those the
loader gave before its identifier cleaning moved to Arrow's string kernels (and agree with the
check-digit functions).
"""

import sys

import pandas as pd
import pytest

from exclusionscreen.contracts import TEXT
from exclusionscreen.holdings import load_holdings
from exclusionscreen.identifiers import normalise_identifiers

COLUMNS = ["isin", "cusip", "sedol", "lei", "country", "asset_class", "security_name"]
#: isin, cusip, sedol, lei, country, asset class, name (synthetic identifiers, except the documented
#: worked examples of the standards: Apple's ISIN and CUSIP, BAE Systems' SEDOL)
ROWS = [
    ("US0378331005", None, None, None, "US", "Equity", "valid isin"),
    ("US0378331006", None, None, None, "US", "Equity", "isin bad check digit"),
    (" us0378331005 ", None, None, None, None, "Equity", "isin lower case, padded"),
    ("US 0378 3310 05", None, None, None, None, "Equity", "isin inner spaces"),
    ("US0378331005\u00a0", None, None, None, None, "Equity", "isin no-break space"),
    ("\tUS0378331005\u2003", None, None, None, None, "Equity", "isin tab and em space"),
    ("US03783310\x1c05", None, None, None, None, "Equity", "isin file separator inside"),
    ("US037833100", None, None, None, None, "Equity", "isin too short"),
    ("N/A", "037833100", None, None, "US", "Equity", "placeholder isin, cusip derives isin"),
    ("-", "03783310", None, None, "United States", "Equity", "8-char cusip completed, derives"),
    ("none", "037833109", None, None, None, "Equity", "invalid cusip"),
    ("", "999999998", None, None, "CA", "Equity", "canadian cusip derives CA isin"),
    (None, "G1234567*", None, None, None, "Equity", "cins-like cusip no country"),
    (None, "037833100", None, None, None, "Cash", "cash line cusip, no derived isin"),
    (None, None, "0263494", None, "GB", "Equity", "sedol derives GB isin"),
    (None, None, "0263495", None, "GB", "Equity", "sedol bad check digit"),
    (None, None, "B999992", None, None, "Equity", "sedol without country"),
    (None, None, None, "9999009999ABCDEFGH44", None, "Equity", "valid lei"),
    (None, None, None, "9999009999ABCDEFGH45", None, "Equity", "lei bad check"),
    (None, None, None, "9999 0099 99AB CDEF GH44", None, "Equity", "lei with spaces"),
    ("NULL", "NAN", "--", ". .", None, "Equity", "every placeholder"),
    ("straße12345x", None, None, None, None, "Equity", "non-ascii isin"),
    ("US0378331005", None, None, None, "US", "Equity", "valid isin again"),
    (None, None, None, None, None, "Equity", "name only"),
]
BAD = ": invalid (length or check digit)"
DERIVED_CUSIP = "isin: derived from cusip"
#: isin, cusip, sedol, lei, country, asset_class, identifier_issues: one line per row of ROWS
EXPECTED = [
    ("US0378331005", None, None, None, "US", "equity", None),
    ("US0378331006", None, None, None, "US", "equity", "isin 'US0378331006'" + BAD),
    ("US0378331005", None, None, None, None, "equity", None),
    ("US0378331005", None, None, None, None, "equity", None),
    ("US0378331005", None, None, None, None, "equity", None),
    ("US0378331005", None, None, None, None, "equity", None),
    ("US0378331005", None, None, None, None, "equity", None),
    ("US037833100", None, None, None, None, "equity", "isin 'US037833100'" + BAD),
    ("US0378331005", "037833100", None, None, "US", "equity", DERIVED_CUSIP),
    (
        "US0378331005",
        "037833100",
        None,
        None,
        "US",
        "equity",
        "cusip: 8 characters, check digit completed; " + DERIVED_CUSIP,
    ),
    (None, "037833109", None, None, None, "equity", "cusip '037833109'" + BAD),
    ("CA9999999985", "999999998", None, None, "CA", "equity", DERIVED_CUSIP),
    (None, "G1234567*", None, None, None, "equity", "cusip 'G1234567*'" + BAD),
    (None, "037833100", None, None, None, "cash", None),
    ("GB0002634946", None, "0263494", None, "GB", "equity", "isin: derived from sedol"),
    (None, None, "0263495", None, "GB", "equity", "sedol '0263495'" + BAD),
    (None, None, "B999992", None, None, "equity", None),
    (None, None, None, "9999009999ABCDEFGH44", None, "equity", None),
    (None, None, None, "9999009999ABCDEFGH45", None, "equity", "lei '9999009999ABCDEFGH45'" + BAD),
    (None, None, None, "9999009999ABCDEFGH44", None, "equity", None),
    (None, None, None, None, None, "equity", None),
    ("STRA\u1e9eE12345X", None, None, None, None, "equity", "isin 'STRA\u1e9eE12345X'" + BAD),
    ("US0378331005", None, None, None, "US", "equity", None),
    (None, None, None, None, None, "equity", None),
]
CHECKED = ["isin", "cusip", "sedol", "lei", "country", "asset_class", "identifier_issues"]


@pytest.fixture
def problems(tmp_path):
    frame = pd.DataFrame(ROWS, columns=COLUMNS).assign(weight=1 / len(ROWS), market_value=100.0)
    path = tmp_path / "problems.parquet"
    frame.to_parquet(path, index=False)
    return path


def test_typed_lane_gives_the_same_identifiers_as_before(problems):
    loaded = load_holdings(problems)
    assert loaded.report.files[0].locale == "typed table"  # the fast lane, not the messy-file reader
    holdings = loaded.holdings
    expected = pd.DataFrame(EXPECTED, columns=CHECKED).astype(TEXT)
    pd.testing.assert_frame_equal(holdings[CHECKED], expected)
    assert holdings["source_row"].tolist() == list(range(1, len(ROWS) + 1))
    assert holdings["security_name"].tolist() == [r[-1] for r in ROWS]


def test_normalise_identifiers_on_the_raw_frame_matches(problems):
    frame = pd.read_parquet(problems)
    out = normalise_identifiers(frame)
    expected = pd.DataFrame(EXPECTED, columns=CHECKED).astype(TEXT)
    # without check_identifiers' asset-class rule, the cash line's CUSIP derives an ISIN too
    expected.loc[13, ["isin", "identifier_issues"]] = ["US0378331005", DERIVED_CUSIP]
    columns = ["isin", "cusip", "sedol", "lei", "identifier_issues"]
    pd.testing.assert_frame_equal(out[columns], expected[columns])
    assert out["country"].equals(frame["country"])  # columns it does not clean are left alone


@pytest.mark.parametrize(
    "space", [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()], ids=lambda c: f"U+{ord(c):04X}"
)
def test_every_python_whitespace_is_removed_from_identifiers(space):
    out = normalise_identifiers(pd.DataFrame({"isin": [f"{space}US03783310{space}05{space}"]}))
    assert out["isin"].tolist() == ["US0378331005"]
    assert out["identifier_issues"].isna().all()


@pytest.mark.parametrize("other", ["\u200b", "\u00ad", "_"], ids=["zero width space", "soft hyphen", "underscore"])
def test_characters_that_are_not_whitespace_stay(other):
    out = normalise_identifiers(pd.DataFrame({"isin": [f"US03783310{other}05"]}))
    assert out["isin"].tolist() == [f"US03783310{other}05"]
    assert "invalid" in out["identifier_issues"].iloc[0]
