"""Core rules at their exact boundaries: each test pins the day, the year or the share where a rule
switches, with a case on each side, so that moving the boundary by one makes it fail.

Every company, state and source here is fictional. States use ISO 3166 user-assigned codes (XA-XZ).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from exclusionscreen.identifiers import isin_check_digit
from exclusionscreen.rulefiles import shipped_criteria
from exclusionscreen.rules import Ownership, Policy
from exclusionscreen.screen import screen
from exclusionscreen.universe import Universe
from exclusionscreen.vocabulary import Action

AS_OF = "2026-09-30"
SOURCE = "Fictional test evidence"
# conventional weapons (arms revenue of 5 % or more) as a policy may tighten it: exclude, and parents
# of an involved company are caught
ARMS = replace(
    shipped_criteria()["conventional_weapons"],
    action=Action.EXCLUDE,
    ownership=Ownership(controlling_parents=Action.EXCLUDE),
)
EXPOSURE = shipped_criteria()["arms_sales_rights_violating_regimes"]  # five-year look-back
LISTS = shipped_criteria()["official_military_lists"]


POLICY = Policy(
    id="boundaries",
    version="1.0.0",
    title="Boundary tests",
    description="The shipped criteria, conventional weapons made an exclusion.",
    references=shipped_criteria()["conventional_weapons"].references,
    criteria=(ARMS, EXPOSURE, LISTS),
)


def isin(n: int) -> str:
    body = f"XS00BOUN{n:03d}"
    return body + isin_check_digit(body)


def screen_issuers(issuers: list[dict], **frames: list[dict]):
    """Screen one holding of each issuer (by ISIN) against a universe of these issuers and frames."""
    return screen_with(POLICY, issuers, **frames)


def flags_of(result, criterion_id: str) -> pd.DataFrame:
    flags = result.flags
    return flags[flags["criterion_id"] == criterion_id].set_index("issuer_id")


def status_of(result, issuer_id: str) -> str:
    return result.holdings.set_index("security_name").loc[issuer_id, "status"]


def test_revenue_share_exactly_at_the_threshold_is_caught():
    assert ARMS.revenue_threshold == 0.05
    shares = {"AT": 0.05, "BELOW": 0.0499, "ABOVE": 0.0501}
    involvement = [
        dict(
            issuer_id=issuer,
            category="conventional_weapons",
            involvement_type="arms_revenue",
            revenue_share=share,
            source=SOURCE,
        )
        for issuer, share in shares.items()
    ]
    result = screen_issuers([dict(issuer_id=i, issuer_name=f"{i} Arms Ltd") for i in shares], involvement=involvement)
    flags = flags_of(result, "conventional_weapons")
    assert set(flags.index) == {"AT", "ABOVE"}
    assert flags.loc["AT", "revenue_share"] == 0.05 and flags.loc["AT", "action"] == "exclude"
    assert (status_of(result, "AT"), status_of(result, "BELOW")) == ("excluded", "clear")


def test_exclude_evidence_wins_over_watch_evidence_for_one_criterion():
    # BOTH has its own evidence of unknown revenue share (a watch, met directly) and owns an involved
    # subsidiary whose share is above the bar (an exclude, met through the parent rule): the hit kept
    # for the criterion is the exclude, though the watch is the more direct evidence. TWICE has a
    # watch and an exclude met directly, the watch listed first.
    issuers = [
        dict(issuer_id="BOTH", issuer_name="Bothwick Defence Holdings plc"),
        dict(issuer_id="BOTH_SUB", issuer_name="Bothwick Arms Ltd", parent_issuer_id="BOTH", parent_ownership=1.0),
        dict(issuer_id="TWICE", issuer_name="Twiceford Ordnance plc"),
        dict(issuer_id="WATCH_ONLY", issuer_name="Watchley Arms plc"),
    ]
    arms = dict(category="conventional_weapons", involvement_type="arms_revenue", source=SOURCE)
    involvement = [
        dict(issuer_id="BOTH", **arms),
        dict(issuer_id="BOTH_SUB", revenue_share=0.3, **arms),
        dict(issuer_id="TWICE", **arms),
        dict(issuer_id="TWICE", revenue_share=0.2, **arms),
        dict(issuer_id="WATCH_ONLY", **arms),
    ]
    result = screen_issuers(issuers, involvement=involvement)
    flags = flags_of(result, "conventional_weapons")
    assert (flags.loc["BOTH", "action"], flags.loc["BOTH", "via"]) == ("exclude", "parent")
    assert (flags.loc["TWICE", "action"], flags.loc["TWICE", "revenue_share"]) == ("exclude", 0.2)
    assert flags.loc["WATCH_ONLY", "action"] == "watch"
    assert [status_of(result, i) for i in ("BOTH", "TWICE", "WATCH_ONLY")] == ["excluded", "excluded", "watch"]


def test_first_year_of_a_country_exposure_look_back_counts():
    assert EXPOSURE.lookback_years == 5  # screening on 2026-09-30: 2022 to 2026
    years = {"FIRST_YEAR": 2022, "YEAR_BEFORE": 2021, "SCREEN_YEAR": 2026, "NEXT_YEAR": 2027}
    exposure = [
        dict(issuer_id=issuer, recipient_country="XR", year=year, description="rifles", source=SOURCE)
        for issuer, year in years.items()
    ]
    lists = [dict(list_id="un_arms_embargo_state", country="XR", valid_from="2000-01-01", source=SOURCE)]
    result = screen_issuers(
        [dict(issuer_id=i, issuer_name=f"{i} Rifles AB", country="SE") for i in years],
        country_exposure=exposure,
        country_lists=lists,
    )
    flags = flags_of(result, EXPOSURE.id)
    assert set(flags.index) == {"FIRST_YEAR", "SCREEN_YEAR"}
    assert "2022" in flags.loc["FIRST_YEAR", "evidence_note"]


def test_list_entry_whose_valid_to_is_the_screening_date_no_longer_applies():
    # validity is half-open, valid_from <= day < valid_to: valid_to is the first day off the list
    dates = {
        "ENDS_TODAY": ("2021-01-01", AS_OF),
        "ENDS_TOMORROW": ("2021-01-01", "2026-10-01"),
        "STARTS_TODAY": (AS_OF, None),
        "STARTS_TOMORROW": ("2026-10-01", None),
    }
    name = {issuer: f"{issuer.title().replace('_', ' ')} Electronics Co" for issuer in dates}
    entries = [
        dict(list_id="us_dod_1260h", name=name[i], source=SOURCE, valid_from=start, valid_to=end)
        for i, (start, end) in dates.items()
    ]
    # placed in China, where the list places its entities (a GB issuer would go to review instead)
    issuers = [dict(issuer_id=i, issuer_name=name[i], country="CN") for i in dates]
    result = screen_issuers(issuers, entity_lists=entries)
    flags = flags_of(result, LISTS.id)
    assert set(flags.index) == {"ENDS_TOMORROW", "STARTS_TODAY"}
    assert status_of(result, "ENDS_TODAY") == "clear" and status_of(result, "ENDS_TOMORROW") == "excluded"


def test_embargo_counts_for_a_delivery_year_it_covers_for_a_day_or_more():
    # a delivery counts when its recipient was on the list on any day of the delivery year (up to the
    # screening date in the screening year); validity is half-open, so a list that ends on 1 January
    # covered none of that year
    embargoes = {
        "BEGAN_MIDYEAR": ("XS", 2024, "2024-07-01", None),
        "ENDED_MIDYEAR": ("XT", 2024, "2000-01-01", "2024-04-01"),
        "BEGAN_NEXT_YEAR": ("XU", 2024, "2025-01-01", None),
        "ENDED_ON_NEW_YEAR": ("XV", 2024, "2000-01-01", "2024-01-01"),
        "BEGAN_ON_LAST_DAY": ("XW", 2024, "2024-12-31", None),
        "AFTER_SCREENING": ("XX", 2026, "2026-10-01", None),
        "ON_SCREENING_DAY": ("XY", 2026, AS_OF, None),
    }
    exposure = [
        dict(issuer_id=issuer, recipient_country=country, year=year, description="rifles", source=SOURCE)
        for issuer, (country, year, _, _) in embargoes.items()
    ]
    lists = [
        dict(list_id="un_arms_embargo_state", country=country, valid_from=start, valid_to=end, source=SOURCE)
        for country, _, start, end in embargoes.values()
    ]
    result = screen_issuers(
        [dict(issuer_id=i, issuer_name=f"{i.title().replace('_', ' ')} Rifles AB", country="SE") for i in embargoes],
        country_exposure=exposure,
        country_lists=lists,
    )
    flags = flags_of(result, EXPOSURE.id)
    assert set(flags.index) == {"BEGAN_MIDYEAR", "ENDED_MIDYEAR", "BEGAN_ON_LAST_DAY", "ON_SCREENING_DAY"}


# control begins at exactly 50 %: parents and subsidiaries are caught from there, not below
OWNED = Policy(
    id="ownership_control",
    version="1.0.0",
    title="Ownership control",
    description="Conventional weapons excluded; controlling parents and controlled subsidiaries too.",
    references=ARMS.references,
    criteria=(
        replace(ARMS, ownership=Ownership(controlling_parents=Action.EXCLUDE, controlled_subsidiaries=Action.EXCLUDE)),
    ),
)


def screen_with(policy: Policy, issuers: list[dict], overrides: pd.DataFrame | None = None, **frames: list[dict]):
    """:func:`screen_issuers` with another policy, and overrides."""
    issuers = [{"issuer_type": "corporate", "country": "GB", **row} for row in issuers]
    securities = [dict(isin=isin(n), issuer_id=row["issuer_id"]) for n, row in enumerate(issuers)]
    universe = Universe.from_frames(
        issuers=pd.DataFrame(issuers),
        securities=pd.DataFrame(securities),
        **{name: pd.DataFrame(rows) for name, rows in frames.items()},
    )
    holdings = pd.DataFrame(
        [
            dict(portfolio_id="P", holding_id=f"P:{n}", isin=s["isin"], security_name=s["issuer_id"], market_value=1.0)
            for n, s in enumerate(securities)
        ]
    )
    return screen(holdings, universe, policy, as_of=AS_OF, overrides=overrides)


ARMS_EVIDENCE = dict(category="conventional_weapons", involvement_type="arms_revenue", source=SOURCE)


def test_control_begins_at_exactly_half_for_parents_and_subsidiaries():
    issuers = [
        dict(issuer_id="HALF_OWNER", issuer_name="Halfmoon Holdings plc"),
        dict(issuer_id="NEAR_HALF_OWNER", issuer_name="Nearly Half Holdings plc"),
        dict(
            issuer_id="INVOLVED", issuer_name="Involved Arms Ltd", parent_issuer_id="HALF_OWNER", parent_ownership=0.5
        ),
        dict(issuer_id="HALF_SUB", issuer_name="Half Sub Ltd", parent_issuer_id="INVOLVED", parent_ownership=0.5),
        dict(
            issuer_id="NEAR_HALF_SUB",
            issuer_name="Near Half Sub Ltd",
            parent_issuer_id="INVOLVED",
            parent_ownership=0.4999,
        ),
    ]
    links = [
        dict(owner_issuer_id="NEAR_HALF_OWNER", owned_issuer_id="INVOLVED", share=0.4999, source=SOURCE),
    ]
    result = screen_with(
        OWNED,
        issuers,
        involvement=[dict(issuer_id="INVOLVED", revenue_share=0.3, **ARMS_EVIDENCE)],
        ownership_links=links,
    )
    via = flags_of(result, "conventional_weapons")["via"].to_dict()
    assert via == {"INVOLVED": "direct", "HALF_OWNER": "parent", "HALF_SUB": "subsidiary"}
    assert status_of(result, "NEAR_HALF_OWNER") == "clear"
    assert status_of(result, "NEAR_HALF_SUB") == "clear"


def _override(issuer_id: str, decision: str, approved_on: str, expires_on: str | None) -> dict:
    return dict(
        issuer_id=issuer_id,
        criterion_id="conventional_weapons",
        decision=decision,
        rationale="fictional test decision",
        approver="Investment Committee",
        approved_on=approved_on,
        expires_on=expires_on,
    )


def test_an_enforce_override_turns_a_watch_flag_into_an_exclusion():
    issuers = [dict(issuer_id="UNKNOWN_SHARE", issuer_name="Unknown Share Arms plc")]
    involvement = [dict(issuer_id="UNKNOWN_SHARE", **ARMS_EVIDENCE)]  # no revenue share: watch
    plain = screen_with(POLICY, issuers, involvement=involvement)
    assert flags_of(plain, "conventional_weapons").loc["UNKNOWN_SHARE", "outcome"] == "watch"
    enforced = screen_with(
        POLICY,
        issuers,
        overrides=pd.DataFrame([_override("UNKNOWN_SHARE", "enforce", "2026-01-01", None)]),
        involvement=involvement,
    )
    flag = flags_of(enforced, "conventional_weapons").loc["UNKNOWN_SHARE"]
    assert (flag["action"], flag["override"], flag["outcome"]) == ("watch", "enforce", "exclude")
    assert status_of(enforced, "UNKNOWN_SHARE") == "excluded"


def test_only_an_exemption_in_force_lifts_a_security_from_the_restricted_list():
    dates = {
        "EXPIRED_YESTERDAY": ("2026-01-01", "2026-09-29"),
        "EXPIRES_TODAY": ("2026-01-01", AS_OF),
        "APPROVED_TODAY": (AS_OF, None),
        "APPROVED_TOMORROW": ("2026-10-01", None),
    }
    issuers = [dict(issuer_id=i, issuer_name=f"{i.title().replace('_', ' ')} Arms plc") for i in dates]
    involvement = [dict(issuer_id=i, revenue_share=0.2, **ARMS_EVIDENCE) for i in dates]
    overrides = pd.DataFrame([_override(i, "exempt", start, end) for i, (start, end) in dates.items()])
    result = screen_with(POLICY, issuers, overrides=overrides, involvement=involvement)
    assert result.overrides.set_index("issuer_id")["state"].to_dict() == {
        "EXPIRED_YESTERDAY": "expired",
        "EXPIRES_TODAY": "applied",
        "APPROVED_TODAY": "applied",
        "APPROVED_TOMORROW": "not yet approved",
    }
    assert set(result.restricted_list()["issuer_id"]) == {"EXPIRED_YESTERDAY", "APPROVED_TOMORROW"}
    outcomes = flags_of(result, "conventional_weapons")["outcome"].to_dict()
    assert outcomes == {
        "EXPIRED_YESTERDAY": "exclude",
        "EXPIRES_TODAY": "exempt",
        "APPROVED_TODAY": "exempt",
        "APPROVED_TOMORROW": "exclude",
    }
    holdings = result.holdings.set_index("security_name")
    assert holdings.loc["EXPIRED_YESTERDAY", ["status", "criteria_hit"]].tolist() == [
        "excluded",
        "conventional_weapons",
    ]
    assert holdings.loc["EXPIRES_TODAY", "status"] == "clear"
    assert pd.isna(holdings.loc["EXPIRES_TODAY", "criteria_hit"])  # an exempt flag is not a criterion hit


SOVEREIGN = shipped_criteria()["sovereign_arms_embargo"]
STATES = Policy(
    id="states",
    version="1.0.0",
    title="Sovereign issuers",
    description="The shipped sovereign criterion alone.",
    references=SOVEREIGN.references,
    criteria=(SOVEREIGN,),
)


def test_only_states_on_a_list_in_force_on_the_screening_date_are_hit():
    lists = SOVEREIGN.country_lists[0]
    states = {"XR": ("2020-01-01", None), "XS": ("2020-01-01", AS_OF), "XT": (AS_OF, None), "XU": ("2026-10-01", None)}
    issuers = [
        dict(issuer_id=f"STATE_{c}", issuer_name=f"Republic of {c}", country=c, issuer_type="sovereign") for c in states
    ]
    # a company of a state under embargo is not the state
    issuers.append(dict(issuer_id="COMPANY_XR", issuer_name="Xr Bakeries Ltd", country="XR"))
    entries = [
        dict(list_id=lists, country=c, valid_from=start, valid_to=end, source=SOURCE)
        for c, (start, end) in states.items()
    ]
    result = screen_with(STATES, issuers, country_lists=entries)
    assert set(flags_of(result, SOVEREIGN.id).index) == {"STATE_XR", "STATE_XT"}
    assert flags_of(result, SOVEREIGN.id).loc["STATE_XR", "via"] == "sovereign"
    assert status_of(result, "COMPANY_XR") == "clear"
