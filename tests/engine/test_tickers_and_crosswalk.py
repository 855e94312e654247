"""Tickers are identities only with their market (ISO 10383 MICs); US tickers bring the SEC registrant's
name, for exact matching only; legal-form spellings come from GLEIF's ELF list."""

from dataclasses import replace

import pandas as pd
import pytest

import exclusionscreen as es
from exclusionscreen.crosswalk import registrant_title, sec_registrant_names, ticker_key
from exclusionscreen.evidence import match_list_identifiers
from exclusionscreen.exchanges import exchange_key, exchange_markets, same_market
from exclusionscreen.names import legal_form_tails, normalise_names
from exclusionscreen.resolve import prepare_holdings, resolve_issuers
from exclusionscreen.universe import Universe

# HEI is Heidelberg Materials on Xetra and HEICO on the New York Stock Exchange
HEI_ISSUERS = pd.DataFrame(
    [
        dict(issuer_id="HEIDELBERG", issuer_name="Heidelberg Materials AG", issuer_type="corporate", country="DE"),
        dict(issuer_id="HEICO", issuer_name="HEICO Corporation", issuer_type="corporate", country="US"),
    ]
)
HEI_SECURITIES = pd.DataFrame(
    [
        dict(ticker="HEI", exchange="XETR", issuer_id="HEIDELBERG"),
        dict(ticker="HEI", exchange="XNYS", issuer_id="HEICO"),
    ]
)


@pytest.mark.parametrize(
    ("written", "mic", "country"),
    [
        ("New York Stock Exchange Inc.", "XNYS", "US"),
        ("NASDAQ", "XNAS", "US"),
        ("Xetra", "XETR", "DE"),
        ("Deutsche Boerse Xetra", "XETR", "DE"),
        ("Tokyo Stock Exchange", "XJPX", "JP"),  # XTKS, operated by Japan Exchange Group (XJPX)
        ("London Stock Exchange", "XLON", "GB"),
        ("Nyse Euronext - Euronext Paris", "XPAR", "FR"),
        ("Wiener Boerse Ag", "XWBO", "AT"),
        ("XNYS", "XNYS", "US"),
        ("ARCX", "XNYS", "US"),  # NYSE Arca, a segment of the NYSE
        ("HK", "", "HK"),  # a country code, as official lists print tickers ("0728 HK")
        ("Nasdaq Omx Nordic", "", ""),  # Stockholm, Copenhagen or Helsinki: not one market
        ("-", "", ""),
    ],
)
def test_exchanges_as_files_write_them_become_operating_mics(written, mic, country):
    got = exchange_markets(pd.Series([written])).iloc[0]
    assert (got["mic"], got["market_country"]) == (mic, country)


def test_exchange_key_drops_the_operators_legal_form_only_at_the_end():
    assert exchange_key("Oslo Bors Asa") == "OSLO BORS"
    assert exchange_key("AG") == "AG"  # never down to nothing


def test_same_market_needs_one_operating_mic_or_a_country_that_contains_the_market():
    mic_a, country_a = pd.Series(["XETR", "XETR", "", "", "XETR"]), pd.Series(["DE", "DE", "DE", "US", "DE"])
    mic_b, country_b = pd.Series(["XETR", "XFRA", "XETR", "XETR", ""]), pd.Series(["DE", "DE", "DE", "DE", ""])
    assert same_market(mic_a, country_a, mic_b, country_b).tolist() == [True, False, True, False, False]


def test_a_list_ticker_matches_only_the_listing_on_its_market():
    lists = pd.DataFrame(
        {"entry_id": ["1", "2"], "name": ["Heidelberg Materials AG", "HEICO Corp"], "tickers": ["HEI XETR", "HEI US"]}
    )
    ids = pd.DataFrame(
        {
            "subject_id": ["heico", "heidelberg", "bare", "frankfurt"],
            "isin": [None] * 4,
            "ticker": ["HEI"] * 4,
            "exchange": ["New York Stock Exchange Inc.", "Xetra", None, "XFRA"],
        }
    )
    found = match_list_identifiers(lists, ids)
    assert sorted(zip(found["entry_id"], found["subject_id"], strict=True)) == [("1", "heidelberg"), ("2", "heico")]
    assert set(found["match_method"]) == {"ticker_exchange"}


def _resolve(rows: list[dict]) -> pd.DataFrame:
    u = Universe.from_frames(issuers=HEI_ISSUERS, securities=HEI_SECURITIES)
    holdings = pd.DataFrame([dict(portfolio_id="P", holding_id=str(i), **r) for i, r in enumerate(rows)])
    return resolve_issuers(prepare_holdings(holdings)[0], u.issuers, u.securities)


def test_a_holdings_ticker_resolves_to_the_issuer_listed_on_its_exchange():
    out = _resolve(
        [
            dict(ticker="HEI", exchange="Xetra"),
            dict(ticker="HEI", exchange="New York Stock Exchange Inc."),
            dict(ticker="HEI", exchange="US"),  # a country-only market: the US listing
        ]
    )
    assert out["issuer_id"].tolist() == ["HEIDELBERG", "HEICO", "HEICO"]
    assert set(out["resolution_method"]) == {"ticker_exchange"}


def test_a_bare_ticker_shared_by_two_listings_is_not_an_identity():
    out = _resolve([dict(ticker="HEI"), dict(ticker="HEI", exchange="Tokyo Stock Exchange")])
    assert out["issuer_id"].isna().all()
    assert out["resolution_method"].eq("none").all()


def test_an_exchange_written_the_same_way_on_both_sides_still_agrees_when_no_mic_is_known():
    issuers = pd.DataFrame([dict(issuer_id="A", issuer_name="Alpha Widgets", issuer_type="corporate")])
    securities = pd.DataFrame([dict(ticker="ALW", exchange="Nasdaq Omx Nordic", issuer_id="A")])
    u = Universe.from_frames(issuers=issuers, securities=securities)
    holdings = pd.DataFrame([dict(portfolio_id="P", holding_id="1", ticker="ALW", exchange="NASDAQ OMX NORDIC")])
    out = resolve_issuers(prepare_holdings(holdings)[0], u.issuers, u.securities)
    assert out.loc[0, "issuer_id"] == "A" and out.loc[0, "resolution_method"] == "ticker_exchange"


def test_us_tickers_give_the_sec_registrant():
    frame = pd.DataFrame(
        {
            "ticker": ["HII", "GE", "NOC", "HEI", "BRK.B", "HII"],
            "exchange": ["New York Stock Exchange Inc.", "New York Stock Exchange Inc.", "XNYS", "Xetra", None, None],
            "isin": [None, None, None, None, "US0846707026", None],
        }
    )
    found = sec_registrant_names(frame)
    assert found["title"].tolist()[:3] == [
        "HUNTINGTON INGALLS INDUSTRIES, INC.",
        "GENERAL ELECTRIC CO",
        "NORTHROP GRUMMAN CORP",  # EDGAR's "/DE/" dropped
    ]
    assert found.loc[0, "cik"] == "1501585"
    assert pd.isna(found.loc[3, "title"])  # HEI on Xetra is not a US listing
    assert found.loc[4, "title"] == "BERKSHIRE HATHAWAY INC"  # no exchange, but a US ISIN
    assert pd.isna(found.loc[5, "title"])  # no exchange and no US identifier: not taken as US


def test_crosswalk_helpers():
    assert ticker_key("brk-b") == ticker_key("BRK.B") == ticker_key("BRK/B") == "BRKB"
    assert registrant_title("CACI INTERNATIONAL INC /DE/") == "CACI INTERNATIONAL INC"


def _evidence_screen(evidence_name: str, holding: dict) -> es.ScreenResult:
    broad = es.load_policy("broad")
    conventional = next(c for c in broad.criteria if c.id == "conventional_weapons")
    involvement = pd.DataFrame(
        [
            dict(
                issuer_name=evidence_name,
                category="conventional_weapons",
                involvement_type="arms_revenue",
                revenue_share=0.5,
                source="test evidence",
                evidence_date="2026-03-31",
            )
        ]
    )
    universe = es.Universe.from_frames(involvement=involvement)
    holdings = pd.DataFrame([dict(portfolio_id="P", holding_id="P:1", market_value=100.0, **holding)])
    return es.screen(holdings, universe, replace(broad, criteria=(conventional,)), as_of="2026-07-31")


def test_the_sec_name_of_a_us_ticker_bridges_a_short_holding_name_to_the_evidence():
    nyse = "New York Stock Exchange Inc."
    flagged = _evidence_screen(
        "General Electric Company", dict(security_name="GE AEROSPACE", ticker="GE", exchange=nyse)
    )
    assert flagged.flags["security_name"].tolist() == ["GE AEROSPACE"]
    assert flagged.flags["match_method"].tolist() == ["name_exact"]
    # the same name and ticker on another market: no registrant name, no match
    xetra = _evidence_screen(
        "General Electric Company", dict(security_name="GE AEROSPACE", ticker="GE", exchange="Xetra")
    )
    assert xetra.flags.empty


def test_the_crosswalk_never_matches_on_a_fuzzy_score_of_its_own():
    result = _evidence_screen(
        "General Electrik Company",
        dict(security_name="GE AEROSPACE", ticker="GE", exchange="New York Stock Exchange Inc."),
    )
    assert result.flags.empty
    assert not result.review["candidate_name"].astype("str").str.contains("GENERAL ELECTRIC", regex=False).any()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Zhejiang Dahua Technology Co., Ltd.", "ZHEJIANG DAHUA TECHNOLOGY LTD A", True),
        ("CRRC Corporation Limited", "CRRC CORP LTD H", True),
        ("Rheinmetall Aktiengesellschaft", "RHEINMETALL AG", True),  # DE 6QQB: Aktiengesellschaft, AG
        ("BAE Systems Public Limited Company", "BAE SYSTEMS PLC", True),  # GB: Public limited company, PLC
        ("Boeing Company", "BOEING CO/THE", True),
        ("Costar Group Co., Ltd.", "COSTAR GROUP INC", False),  # a Chinese limited company, a US corporation
        ("Heidelberg Materials AG", "Heidelberg Materials Inc", False),
    ],
)
def test_legal_form_spellings_from_gleif_are_one_form(a, b, same):
    tails = legal_form_tails(pd.Series([a, b]))
    assert (tails[0] == tails[1]) is same
    assert tails.ne("").all()
    assert normalise_names(pd.Series([a])).iloc[0] == normalise_names(pd.Series([b])).iloc[0]
