"""A small fictional universe that exercises every criterion, every way a flag arises and every status.

Every company, state and source here is fictional. States use ISO 3166 user-assigned codes (XA-XZ).
"""

from __future__ import annotations

import pandas as pd
import pytest

from exclusionscreen.identifiers import cusip_check_digit, isin_check_digit, sedol_check_digit
from exclusionscreen.rulefiles import load_policy, shipped_criteria
from exclusionscreen.universe import Universe
from exclusionscreen.vocabulary import Evidence

SOURCE = "Fictional test evidence"
AS_OF = "2026-09-30"


def isin(body: str) -> str:
    return body + isin_check_digit(body)


def cusip(body: str) -> str:
    return body + cusip_check_digit(body)


def sedol(body: str) -> str:
    return body + sedol_check_digit(body)


def involvement_criteria():
    """The shipped involvement criteria that `broad` applies (regulatory reproductions narrow them)."""
    applied = set(load_policy("broad").criterion_ids)
    return [c for c in shipped_criteria().values() if c.evidence is Evidence.INVOLVEMENT and c.id in applied]


def _issuers() -> list[dict]:
    rows = [
        # ownership: an involved subsidiary, its 80 % parent (caught) and a 30 % holder (not caught)
        dict(issuer_id="ORD_PARENT", issuer_name="Quillfeather Ordnance Holdings plc", country="GB"),
        dict(
            issuer_id="ORD_SUB",
            issuer_name="Quillfeather Munitions Ltd",
            country="GB",
            parent_issuer_id="ORD_PARENT",
            parent_ownership=0.8,
        ),
        dict(issuer_id="MINOR_HOLDER", issuer_name="Pebblecrest Investments AG", country="CH"),
        dict(
            issuer_id="ORD_JV",
            issuer_name="Quillfeather Pebblecrest JV GmbH",
            country="DE",
            parent_issuer_id="MINOR_HOLDER",
            parent_ownership=0.3,
        ),
        # an involved parent and its wholly owned financing subsidiary (caught via subsidiary)
        dict(issuer_id="MINE_PARENT", issuer_name="Grimsvale Landmine Industries SA", country="FR"),
        dict(
            issuer_id="MINE_FIN",
            issuer_name="Grimsvale Finance BV",
            country="NL",
            parent_issuer_id="MINE_PARENT",
            parent_ownership=1.0,
        ),
        # resolution by each identifier
        dict(issuer_id="BY_CUSIP", issuer_name="Tidewater Kettle Corp", country="US"),
        dict(issuer_id="BY_SEDOL", issuer_name="Marrowby Tea Rooms plc", country="GB"),
        dict(issuer_id="BY_LEI", issuer_name="Lanternfish Robotics Oy", country="FI", lei="529900T8BM49AURSDO55"),
        dict(issuer_id="BY_TICKER", issuer_name="Ashgrove Surveillance Systems Inc", country="US"),
        dict(
            issuer_id="BY_NAME", issuer_name="Hollowmere Drone Dynamics SpA", country="IT", aliases="Hollowmere Drones"
        ),
        dict(issuer_id="FUZZY", issuer_name="Brackenridge Incendiary Devices Ltd", country="GB"),
        dict(issuer_id="CLEAN", issuer_name="Sunnybrook Bakeries AG", country="DE"),
        # conduct
        dict(issuer_id="EXPORTER", issuer_name="Corvid Arms Export AB", country="SE"),
        dict(issuer_id="OLD_EXPORTER", issuer_name="Magpie Rifles AB", country="SE"),
        dict(issuer_id="SPY_EXPORTER", issuer_name="Rookery Interception Systems AB", country="SE"),
        dict(issuer_id="LISTED", issuer_name="Kestrel Military Electronics Co", country="XQ"),
        dict(issuer_id="RURITANIA", issuer_name="Republic of Ruritania", country="XR", issuer_type="sovereign"),
        dict(issuer_id="FREEDONIA", issuer_name="Kingdom of Freedonia", country="XF", issuer_type="sovereign"),
        # a parent-child cycle
        dict(issuer_id="CYCLE_A", issuer_name="Loopwell Holdings A", parent_issuer_id="CYCLE_B", parent_ownership=0.6),
        dict(issuer_id="CYCLE_B", issuer_name="Loopwell Holdings B", parent_issuer_id="CYCLE_A", parent_ownership=0.6),
    ]
    for c in involvement_criteria():
        rows.append(
            dict(
                issuer_id=f"INV_{c.id.upper()}",
                issuer_name=f"Zephyrine {c.id.replace('_', ' ').title()} Works",
                country="GB",
            )
        )
    rows.append(dict(issuer_id="CONV_LOW", issuer_name="Lowbank Conventional Arms plc", country="GB"))
    rows.append(dict(issuer_id="CONV_UNKNOWN", issuer_name="Murkwood Defence plc", country="GB"))
    for row in rows:
        row.setdefault("issuer_type", "corporate")
    return rows


def _securities(issuers: list[dict]) -> list[dict]:
    rows = []
    for n, row in enumerate(issuers):
        if row["issuer_id"] in {"BY_CUSIP", "BY_SEDOL", "BY_LEI", "BY_TICKER", "BY_NAME", "FUZZY"}:
            continue
        rows.append(dict(isin=isin(f"XS00TEST{n:03d}"), issuer_id=row["issuer_id"]))
    rows += [
        dict(cusip=cusip("99T99K10"), issuer_id="BY_CUSIP"),
        dict(sedol=sedol("BZZ9Q9"), issuer_id="BY_SEDOL"),
        dict(ticker="ASHG", exchange="XNYS", issuer_id="BY_TICKER"),
    ]
    return rows


def _involvement() -> list[dict]:
    rows = []
    for c in involvement_criteria():
        share = 0.2 if (c.revenue_threshold or 0) > 0 else None
        rows.append(
            dict(
                issuer_id=f"INV_{c.id.upper()}",
                category=c.categories[0],
                involvement_type=c.involvement_types[0],
                revenue_share=share,
                source=SOURCE,
                source_url="https://example.org/evidence",
                evidence_date="2026-03-31",
            )
        )
    rows += [
        dict(issuer_id="ORD_SUB", category="cluster_munitions", involvement_type="production", source=SOURCE),
        dict(issuer_id="ORD_JV", category="cluster_munitions", involvement_type="production", source=SOURCE),
        dict(issuer_id="MINE_PARENT", category="anti_personnel_mines", involvement_type="production", source=SOURCE),
        dict(issuer_id="BY_CUSIP", category="nuclear_weapons", involvement_type="delivery_systems", source=SOURCE),
        dict(issuer_id="BY_SEDOL", category="chemical_weapons", involvement_type="production", source=SOURCE),
        dict(issuer_id="BY_LEI", category="autonomous_weapons", involvement_type="production", source=SOURCE),
        dict(issuer_id="BY_TICKER", category="cyber_surveillance", involvement_type="production", source=SOURCE),
        dict(issuer_id="BY_NAME", category="autonomous_weapons", involvement_type="production", source=SOURCE),
        dict(issuer_id="FUZZY", category="incendiary_weapons", involvement_type="production", source=SOURCE),
        dict(
            issuer_id="CONV_LOW",
            category="conventional_weapons",
            involvement_type="arms_revenue",
            revenue_share=0.01,
            source=SOURCE,
        ),
        dict(issuer_id="CONV_UNKNOWN", category="conventional_weapons", involvement_type="arms_revenue", source=SOURCE),
        # name-only evidence: matches the orphan holding "Orphan Cluster Bombs Inc"
        dict(
            issuer_name="Orphan Cluster Bombs Incorporated",
            category="cluster_munitions",
            involvement_type="production",
            source=SOURCE,
        ),
        # evidence dated after the screening date is not used
        dict(
            issuer_id="CLEAN",
            category="biological_weapons",
            involvement_type="production",
            source=SOURCE,
            evidence_date="2027-01-01",
        ),
    ]
    return rows


def universe_frames() -> dict[str, pd.DataFrame]:
    issuers = _issuers()
    return {
        "issuers": pd.DataFrame(issuers),
        "securities": pd.DataFrame(_securities(issuers)),
        "involvement": pd.DataFrame(_involvement()),
        "country_exposure": pd.DataFrame(
            [
                dict(
                    issuer_id="EXPORTER",
                    recipient_country="XR",
                    year=2024,
                    description="armoured vehicles",
                    value=12.0,
                    value_unit="TIV",
                    source=SOURCE,
                ),
                # a cyber-surveillance item to the embargoed state (not an arms sale)
                dict(
                    issuer_id="SPY_EXPORTER",
                    recipient_country="XR",
                    year=2024,
                    category="cyber_surveillance",
                    description="interception system",
                    source=SOURCE,
                ),
                # outside the five-year look-back
                dict(issuer_id="OLD_EXPORTER", recipient_country="XR", year=2015, description="rifles", source=SOURCE),
            ]
        ),
        "country_lists": pd.DataFrame(
            [
                dict(list_id="un_arms_embargo", country="XR", valid_from="2020-01-01", source=SOURCE),
                # an embargo on the state itself (what the sovereign criterion reads)
                dict(list_id="un_arms_embargo_state", country="XR", valid_from="2020-01-01", source=SOURCE),
                # Freedonia's embargo ended before the screening date
                dict(
                    list_id="eu_arms_embargo_state",
                    country="XF",
                    valid_from="2010-01-01",
                    valid_to="2025-12-31",
                    source=SOURCE,
                ),
            ]
        ),
        "entity_lists": pd.DataFrame(
            [
                dict(
                    list_id="us_dod_1260h",
                    name="Kestrel Military Electronics Company",
                    source=SOURCE,
                    valid_from="2021-06-03",
                ),
                # listed and then removed: not on the list on the screening date (on a list that places
                # its entities in no one country, as the issuer is placed in DE)
                dict(
                    list_id="eu_833_annex_iv",
                    name="Sunnybrook Bakeries",
                    source=SOURCE,
                    valid_from="2021-01-01",
                    valid_to="2024-01-31",
                ),
            ]
        ),
    }


@pytest.fixture(scope="session")
def universe() -> Universe:
    return Universe.from_frames(**universe_frames())


def holdings_rows() -> list[dict]:
    frames = universe_frames()
    sec = frames["securities"].set_index("issuer_id")
    rows = []

    def add(portfolio, **row):
        rows.append(dict(portfolio_id=portfolio, holding_id=f"{portfolio}:{len(rows) + 1}", market_value=100.0, **row))

    for issuer_id in frames["issuers"]["issuer_id"]:
        if issuer_id in sec.index and pd.notna(sec.loc[issuer_id, "isin"]):
            add("EQ", isin=sec.loc[issuer_id, "isin"], security_name=f"holding of {issuer_id}")
    add("EQ", cusip=sec.loc["BY_CUSIP", "cusip"], security_name="TIDEWATER KETTLE")
    add("EQ", sedol=sec.loc["BY_SEDOL", "sedol"], security_name="MARROWBY")
    add("EQ", lei="529900T8BM49AURSDO55", security_name="LANTERNFISH")
    add("EQ", ticker="ASHG", exchange="XNYS", security_name="ASHGROVE")
    add("EQ", security_name="HOLLOWMERE DRONE DYNAMICS S.P.A.")
    add("EQ", security_name="Brackenridge Incendiary Device Ltd")  # fuzzy, above the bar
    add("EQ", security_name="Brackenridge Incendiary")  # fuzzy, below the bar: review
    add("EQ", security_name="Orphan Cluster Bombs Inc")  # no issuer: name-keyed evidence
    add("EQ", security_name="Nobody Knows Ltd")  # unresolved
    add("EQ", security_name="US DOLLAR", asset_class="cash")
    add("EQ", security_name="EUR/USD FORWARD", asset_class="fx")
    return rows


@pytest.fixture()
def holdings() -> pd.DataFrame:
    return pd.DataFrame(holdings_rows())


@pytest.fixture(scope="session")
def broad_result(universe):
    from exclusionscreen.screen import screen

    return screen(pd.DataFrame(holdings_rows()), universe, "broad", as_of=AS_OF)
