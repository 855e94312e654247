"""Issuer resolution: each identifier, names exact and fuzzy, the review bar, decisions, cash rows."""

import pandas as pd
import pytest

from exclusionscreen.errors import OverrideError
from exclusionscreen.resolve import holding_keys, resolve_issuers
from exclusionscreen.universe import Universe

from .conftest import holdings_rows


@pytest.fixture(scope="module")
def resolved(universe):
    h = pd.DataFrame(holdings_rows())
    from exclusionscreen.resolve import prepare_holdings

    h = prepare_holdings(h)[0]
    return h.join(resolve_issuers(h, universe.issuers, universe.securities))


def row(resolved, name):
    return resolved.loc[resolved["security_name"] == name].iloc[0]


@pytest.mark.parametrize(
    ("name", "issuer", "method"),
    [
        ("holding of ORD_PARENT", "ORD_PARENT", "isin"),
        ("TIDEWATER KETTLE", "BY_CUSIP", "cusip"),
        ("MARROWBY", "BY_SEDOL", "sedol"),
        ("LANTERNFISH", "BY_LEI", "lei"),
        ("ASHGROVE", "BY_TICKER", "ticker_exchange"),
        ("HOLLOWMERE DRONE DYNAMICS S.P.A.", "BY_NAME", "name_exact"),
        ("Brackenridge Incendiary Device Ltd", "FUZZY", "name_fuzzy"),
    ],
)
def test_each_identifier_resolves(resolved, name, issuer, method):
    r = row(resolved, name)
    assert (r["issuer_id"], r["resolution_method"]) == (issuer, method)
    assert 0.9 <= r["resolution_confidence"] <= 1.0


def test_fuzzy_below_the_bar_goes_to_review_not_to_an_issuer(resolved):
    r = row(resolved, "Brackenridge Incendiary")
    assert pd.isna(r["issuer_id"])
    assert r["candidate_issuer_id"] == "FUZZY"
    assert 0.75 <= r["candidate_score"] < 0.9
    assert "below the confidence bar" in r["review_reason"]


def test_cash_and_fx_are_not_resolved(resolved):
    for name in ("US DOLLAR", "EUR/USD FORWARD"):
        r = row(resolved, name)
        assert r["resolution_method"] == "not_applicable"
        assert pd.isna(r["issuer_id"]) and not r["screenable"]


def test_unknown_security_is_unresolved_with_a_reason(resolved):
    r = row(resolved, "Nobody Knows Ltd")
    assert pd.isna(r["issuer_id"]) and r["resolution_method"] == "none"
    assert "no issuer" in r["review_reason"]


def test_ticker_with_country_resolves():
    issuers = pd.DataFrame([dict(issuer_id="A", issuer_name="Alpha Widgets", issuer_type="corporate", country="US")])
    securities = pd.DataFrame([dict(ticker="ALW", issuer_id="A")])
    h = pd.DataFrame([dict(portfolio_id="P", holding_id="1", ticker="ALW", country="US")])
    from exclusionscreen.resolve import prepare_holdings

    u = Universe.from_frames(issuers=issuers, securities=securities)
    out = resolve_issuers(prepare_holdings(h)[0], u.issuers, u.securities)
    assert out.loc[0, "resolution_method"] == "ticker_country"


def test_an_isin_that_names_two_issuers_is_doubtful():
    issuers = pd.DataFrame([dict(issuer_id=i, issuer_name=f"Issuer {i}", issuer_type="corporate") for i in "AB"])
    securities = pd.DataFrame([dict(isin="US0378331005", issuer_id="A"), dict(isin="US0378331005", issuer_id="B")])
    h = pd.DataFrame([dict(portfolio_id="P", holding_id="1", isin="US0378331005")])
    from exclusionscreen.resolve import prepare_holdings

    u = Universe.from_frames(issuers=issuers, securities=securities)
    out = resolve_issuers(prepare_holdings(h)[0], u.issuers, u.securities)
    assert pd.isna(out.loc[0, "issuer_id"])
    assert out.loc[0, "review_reason"] == "isin names several issuers: A, B"


def test_decisions_confirm_and_reject_carry_over(universe):
    from exclusionscreen.overrides import read_decisions
    from exclusionscreen.resolve import prepare_holdings

    h = prepare_holdings(pd.DataFrame(holdings_rows()))[0]
    decisions = read_decisions(
        pd.DataFrame(
            [
                dict(
                    holding_key="name:Brackenridge Incendiary",
                    issuer_id="FUZZY",
                    decision="confirmed",
                    decided_by="analyst A",
                    decided_on="2026-07-01",
                ),
                dict(
                    holding_key="name:Brackenridge Incendiary Device Ltd",
                    issuer_id="FUZZY",
                    decision="rejected",
                    decided_by="analyst B",
                    decided_on="2026-07-02",
                ),
            ]
        )
    )
    out = h.join(resolve_issuers(h, universe.issuers, universe.securities, decisions=decisions))
    confirmed = out.loc[out["security_name"] == "Brackenridge Incendiary"].iloc[0]
    assert (confirmed["issuer_id"], confirmed["resolution_method"]) == ("FUZZY", "analyst_confirmed")
    rejected = out.loc[out["security_name"] == "Brackenridge Incendiary Device Ltd"].iloc[0]
    assert pd.isna(rejected["issuer_id"])
    assert "rejected by analyst B on 2026-07-02" in rejected["review_reason"]


def test_decisions_naming_an_unknown_issuer_are_an_error(universe):
    from exclusionscreen.resolve import prepare_holdings

    h = prepare_holdings(pd.DataFrame(holdings_rows()))[0]
    bad = pd.DataFrame(
        [dict(holding_key="name:X", issuer_id="NOPE", decision="confirmed", decided_by="a", decided_on="2026-01-01")]
    )
    with pytest.raises(OverrideError, match="NOPE"):
        resolve_issuers(h, universe.issuers, universe.securities, decisions=bad)


def test_holding_keys_prefer_identifiers_over_names():
    frame = pd.DataFrame(
        {
            "isin": ["US0378331005", None, None],
            "cusip": [None, "037833100", None],
            "sedol": [None] * 3,
            "lei": [None] * 3,
            "ticker": [None, None, "LMT"],
            "exchange": [None, None, "XNYS"],
            "security_name": ["Apple", "Apple", "Lockheed"],
        }
    )
    assert list(holding_keys(frame)) == ["isin:US0378331005", "cusip:037833100", "ticker:LMT@XNYS"]


def test_same_name_with_another_legal_form_goes_to_review():
    from exclusionscreen.resolve import prepare_holdings

    issuers = pd.DataFrame([dict(issuer_id="A", issuer_name="Solo Widgets Inc", issuer_type="corporate")])
    u = Universe.from_frames(issuers=issuers)
    h = pd.DataFrame(
        [
            dict(portfolio_id="P", holding_id="1", security_name="Solo Widgets GmbH"),
            dict(portfolio_id="P", holding_id="2", security_name="SOLO WIDGETS INCORPORATED"),
        ]
    )
    out = resolve_issuers(prepare_holdings(h)[0], u.issuers, u.securities)
    assert pd.isna(out.loc[0, "issuer_id"]) and out.loc[0, "candidate_issuer_id"] == "A"
    assert "legal forms differ (GMBH / INC)" in out.loc[0, "review_reason"]
    assert out.loc[1, "issuer_id"] == "A"  # INCORPORATED is INC


def test_two_issuers_matching_almost_equally_go_to_review():
    from exclusionscreen.resolve import prepare_holdings

    issuers = pd.DataFrame(
        [
            dict(issuer_id="A", issuer_name="Zorbatron Defence plc", issuer_type="corporate"),
            dict(issuer_id="B", issuer_name="Zorbatron Defense Inc", issuer_type="corporate"),
        ]
    )
    u = Universe.from_frames(issuers=issuers)
    h = pd.DataFrame([dict(portfolio_id="P", holding_id="1", security_name="ZORBATRON DEFENXE")])
    out = resolve_issuers(prepare_holdings(h)[0], u.issuers, u.securities)
    assert pd.isna(out.loc[0, "issuer_id"])
    assert out.loc[0, "review_reason"].startswith("two issuers match the name almost equally")


def test_a_fuzzy_match_is_never_surer_than_an_exact_one(resolved):
    fuzzy = row(resolved, "Brackenridge Incendiary Device Ltd")["resolution_confidence"]
    exact = row(resolved, "HOLLOWMERE DRONE DYNAMICS S.P.A.")["resolution_confidence"]
    assert fuzzy <= exact
