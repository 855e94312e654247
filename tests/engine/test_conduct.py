"""Conduct by product and recipient: what was supplied, to a state on which list, with the action of
that list; the arms-sales criterion reads embargoes on the state; the modern_weapons policy.

Every company and source here is fictional. Fictional states use ISO 3166 user-assigned codes
(XA-XZ); the Iraq tests read the bundled country lists, whose rows cite their sources.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exclusionscreen.errors import RuleFileError
from exclusionscreen.identifiers import isin_check_digit
from exclusionscreen.rulefiles import load_criterion, load_policy, shipped_criteria, validate_rule_files
from exclusionscreen.rules import Criterion
from exclusionscreen.screen import screen
from exclusionscreen.universe import Universe
from exclusionscreen.vocabulary import SUPPLY_CATEGORIES, Action

AS_OF = "2026-09-30"
SOURCE = "Fictional test evidence"
ROOT = Path(__file__).resolve().parents[2]
SALES = "arms_sales_rights_violating_regimes"
SURVEILLANCE = "surveillance_exports_to_repressive_states"

# XN is rated Not Free; XE is under an arms embargo on the state and rated Not Free; XT is under a
# targeted embargo only (the whole-programme list, not the state one)
LISTS = [
    dict(list_id="fh_not_free", country="XN", valid_from="2020-01-01", source=SOURCE),
    dict(list_id="fh_not_free", country="XE", valid_from="2020-01-01", source=SOURCE),
    dict(list_id="un_arms_embargo_state", country="XE", valid_from="2020-01-01", source=SOURCE),
    dict(list_id="un_arms_embargo", country="XE", valid_from="2020-01-01", source=SOURCE),
    dict(list_id="un_arms_embargo", country="XT", valid_from="2020-01-01", source=SOURCE),
]
ISSUERS = {
    "SPY_NF": "Nightjar Interception Systems AB",  # an interception system to the Not Free state
    "RIFLE_NF": "Wrenfield Rifles AB",  # rifles to the same state, no category (arms)
    "RIFLE_EMBARGO": "Stonechat Small Arms AB",  # rifles to the embargoed state
    "SPY_FREE": "Dunnock Lawful Intercept AB",  # an interception system to a state on no list
    "BATON_NF": "Linnet Riot Gear AB",  # law-enforcement equipment to the Not Free state
    "RIFLE_TARGETED": "Siskin Carbines AB",  # rifles to a state under a targeted embargo only
}
EXPOSURE = [
    dict(issuer_id="SPY_NF", recipient_country="XN", year=2025, category="cyber_surveillance"),
    dict(issuer_id="RIFLE_NF", recipient_country="XN", year=2025, description="rifles"),
    dict(issuer_id="RIFLE_EMBARGO", recipient_country="XE", year=2025, category="arms", description="rifles"),
    dict(issuer_id="SPY_FREE", recipient_country="XZ", year=2025, category="cyber_surveillance"),
    dict(issuer_id="BATON_NF", recipient_country="XN", year=2025, category="law_enforcement_equipment"),
    dict(issuer_id="RIFLE_TARGETED", recipient_country="XT", year=2025, description="rifles"),
]


def isin(n: int) -> str:
    body = f"XS00COND{n:03d}"
    return body + isin_check_digit(body)


def screen_exposure(policy, exposure: list[dict], lists: list[dict] | None = None, *, bundled=False, as_of=AS_OF):
    """One holding of each issuer of `exposure` screened under `policy`."""
    ids = list(dict.fromkeys(row["issuer_id"] for row in exposure))
    issuers = [
        dict(issuer_id=i, issuer_name=ISSUERS.get(i, f"{i} AB"), country="SE", issuer_type="corporate") for i in ids
    ]
    securities = [dict(isin=isin(n), issuer_id=i) for n, i in enumerate(ids)]
    frames = dict(
        issuers=pd.DataFrame(issuers),
        securities=pd.DataFrame(securities),
        country_exposure=pd.DataFrame([{"source": SOURCE, **row} for row in exposure]),
    )
    if lists:
        frames["country_lists"] = pd.DataFrame(lists)
    universe = Universe.from_frames(include_bundled=bundled, **frames)
    holdings = pd.DataFrame(
        [
            dict(portfolio_id="P", holding_id=f"P:{n}", isin=s["isin"], security_name=s["issuer_id"], market_value=1.0)
            for n, s in enumerate(securities)
        ]
    )
    return screen(holdings, universe, policy, as_of=as_of)


def flags_of(result, criterion_id: str) -> pd.DataFrame:
    flags = result.flags
    return flags[flags["criterion_id"] == criterion_id].set_index("issuer_id")


def status_of(result, issuer_id: str) -> str:
    return result.holdings.set_index("security_name").loc[issuer_id, "status"]


@pytest.fixture(scope="module")
def broad():
    return screen_exposure("broad", EXPOSURE, LISTS)


@pytest.fixture(scope="module")
def modern():
    return screen_exposure("modern_weapons", EXPOSURE, LISTS)


def test_interception_system_to_a_not_free_state_is_excluded_and_rifles_are_watched(broad):
    spy = flags_of(broad, SURVEILLANCE)
    assert set(spy.index) == {"SPY_NF"}  # not the rifle seller, nor the vendor whose customer is on no list
    row = spy.loc["SPY_NF"]
    assert (row["action"], row["category"], row["list_id"], row["recipient_country"]) == (
        "exclude",
        "cyber_surveillance",
        "fh_not_free",
        "XN",
    )
    assert "cyber_surveillance to XN, 2025; recipient on fh_not_free" in row["evidence_note"]
    assert status_of(broad, "SPY_NF") == "excluded"
    sales = flags_of(broad, SALES)
    assert "SPY_NF" not in sales.index  # a surveillance supply is not an arms sale
    rifle = sales.loc["RIFLE_NF"]
    assert (rifle["action"], rifle["category"], rifle["list_id"]) == ("watch", "arms", "fh_not_free")
    assert status_of(broad, "RIFLE_NF") == "watch"
    assert status_of(broad, "SPY_FREE") == "clear"
    assert status_of(broad, "BATON_NF") == "clear"  # a category no shipped conduct criterion names


def test_arms_sales_reads_embargoes_on_the_state_not_targeted_ones(broad):
    sales = flags_of(broad, SALES)
    assert "RIFLE_TARGETED" not in sales.index  # XT is only on the whole-programme list
    assert set(sales.index) == {"RIFLE_NF", "RIFLE_EMBARGO"}


def test_the_action_of_each_list(broad, modern):
    # broad keeps the catalogue's watch for every list; modern_weapons excludes the embargo branch
    assert flags_of(broad, SALES).loc["RIFLE_EMBARGO", "action"] == "watch"
    sales = flags_of(modern, SALES)
    embargo, not_free = sales.loc["RIFLE_EMBARGO"], sales.loc["RIFLE_NF"]
    assert (embargo["action"], embargo["list_id"]) == ("exclude", "un_arms_embargo_state")
    assert (not_free["action"], not_free["list_id"]) == ("watch", "fh_not_free")
    assert status_of(modern, "RIFLE_EMBARGO") == "excluded" and status_of(modern, "RIFLE_NF") == "watch"


def test_the_excluding_list_wins_over_a_watching_one_for_the_same_delivery(modern):
    # XE is both embargoed and Not Free: one flag, through the embargo, excluded
    flags = modern.flags
    rows = flags[(flags["issuer_id"] == "RIFLE_EMBARGO") & (flags["criterion_id"] == SALES)]
    assert len(rows) == 1 and rows.iloc[0]["list_id"] == "un_arms_embargo_state"


# ----------------------------------------------------------------------------------------------
# Iraq, with the bundled lists: the UN (resolution 1546, 8 June 2004) and EU (Common Position
# 2004/553/CFSP, 19 July 2004) embargoes no longer bind the Government of Iraq


def test_a_2023_sale_to_the_iraqi_army_is_not_an_embargo_breach():
    sale = [dict(issuer_id="IQ_2023", recipient_country="IQ", year=2023, description="rifles for the Iraqi army")]
    result = screen_exposure("modern_weapons", sale, bundled=True, as_of="2024-06-30")
    row = flags_of(result, SALES).loc["IQ_2023"]
    assert (row["list_id"], row["action"]) == ("fh_not_free", "watch")  # Not Free in FIW 2023, no embargo
    assert status_of(result, "IQ_2023") == "watch"
    # the whole-programme lists still hold Iraq (their programmes now target non-state end-users):
    # read as before version 1.2.0, the same sale would be flagged as an embargo breach
    universe = Universe.from_frames(include_bundled=True)
    lists = universe.country_lists
    open_programmes = lists[(lists["country"] == "IQ") & lists["valid_to"].isna()]["list_id"]
    assert {"un_arms_embargo", "eu_arms_embargo"} <= set(open_programmes)
    assert not set(open_programmes) & set(shipped_criteria()[SALES].country_lists) - {"fh_not_free"}


def test_an_iraq_sale_in_2004_is_an_embargo_breach_and_in_2005_is_not():
    # the state lists end in 2004 (8 June UN, 19 July EU): a 2004 delivery year is covered, 2005 is not
    sales = [
        dict(issuer_id="IQ_2004", recipient_country="IQ", year=2004, description="rifles"),
        dict(issuer_id="IQ_2005", recipient_country="IQ", year=2005, description="rifles"),
    ]
    result = screen_exposure("modern_weapons", sales, bundled=True, as_of="2008-12-31")
    flags = flags_of(result, SALES)
    assert set(flags.index) == {"IQ_2004"}  # no Freedom House rating is bundled before 2013
    assert flags.loc["IQ_2004", "list_id"] in {"un_arms_embargo_state", "eu_arms_embargo_state"}
    assert flags.loc["IQ_2004", "action"] == "exclude"


# ----------------------------------------------------------------------------------------------
# modern_weapons as documented


def test_modern_weapons_validates_and_sets_what_it_documents():
    path = ROOT / "criteria" / "policies" / "modern_weapons.yaml"
    assert validate_rule_files([path]) == []
    policy = load_policy("modern_weapons")
    actions = {c.id: c.action for c in policy.criteria}
    gpfg = [
        "biological_weapons",
        "chemical_weapons",
        "nuclear_weapons",
        "non_detectable_fragments",
        "incendiary_weapons",
        "blinding_lasers",
        "anti_personnel_mines",
        "cluster_munitions",
    ]
    excluded = [*gpfg, "autonomous_weapons", "abusive_law_enforcement_equipment", SURVEILLANCE]
    assert all(actions[c] is Action.EXCLUDE for c in [*excluded, "official_military_lists"])
    assert actions["private_military_services"] is Action.WATCH
    sales = policy.criterion(SALES)
    assert sales.action is Action.WATCH and sales.list_action("fh_not_free") is Action.WATCH
    for list_id in ("un_arms_embargo_state", "eu_arms_embargo_state", "uk_arms_embargo_state"):
        assert sales.list_action(list_id) is Action.EXCLUDE
    assert set(policy.criterion(SURVEILLANCE).country_lists) == {
        "fh_not_free",
        "un_arms_embargo_state",
        "eu_arms_embargo_state",
        "uk_arms_embargo_state",
    }
    assert "conventional_weapons" not in actions and "sovereign_arms_embargo" not in actions
    # each choice cites its basis; docs/criteria.md shows the per-list actions
    assert len(policy.references) >= 6
    page = (ROOT / "docs" / "criteria.md").read_text(encoding="utf-8")
    assert "### `modern_weapons`" in page
    assert "arms supplied to: un_arms_embargo_state (exclude), eu_arms_embargo_state (exclude)" in page


def test_autonomous_weapons_are_excluded_under_modern_weapons_and_watched_under_broad():
    issuers = pd.DataFrame(
        [dict(issuer_id="LOITER", issuer_name="Harrier Loitering Munitions AB", country="SE", issuer_type="corporate")]
    )
    universe = Universe.from_frames(
        issuers=issuers,
        securities=pd.DataFrame([dict(isin=isin(900), issuer_id="LOITER")]),
        involvement=pd.DataFrame(
            [dict(issuer_id="LOITER", category="autonomous_weapons", involvement_type="production", source=SOURCE)]
        ),
    )
    holdings = pd.DataFrame([dict(portfolio_id="P", holding_id="P:1", isin=isin(900), security_name="LOITER")])
    statuses = {
        p: screen(holdings, universe, p, as_of=AS_OF).holdings["status"].iloc[0] for p in ("broad", "modern_weapons")
    }
    assert statuses == {"broad": "watch", "modern_weapons": "excluded"}


# ----------------------------------------------------------------------------------------------
# the rule files: categories and per-list actions


def criterion_file(tmp_path: Path, extra: str, name: str = "conduct_test") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"""schema_version: 1
id: {name}
version: "1.0.0"
title: Test conduct criterion
basis: conduct
evidence: country_exposure
definition: Deliveries to listed states.
references:
  - instrument: Fictional instrument
country_lists: [fh_not_free, un_arms_embargo_state]
lookback_years: 5
action: watch
{extra}""",
        encoding="utf-8",
    )
    return path


def test_a_criterion_without_categories_covers_arms(tmp_path):
    c = load_criterion(criterion_file(tmp_path, ""))
    assert c.categories == ("arms",) and c.list_actions == ()
    assert "list_actions" not in c.as_record()  # the rule hash of such a criterion is unchanged


def test_categories_must_be_supply_categories(tmp_path):
    with pytest.raises(RuleFileError) as err:
        load_criterion(criterion_file(tmp_path, "categories: [cluster_munitions]\n"))
    (problem,) = err.value.problems
    assert problem.key_path == "categories" and "supply categories" in problem.message
    assert all(cat in problem.message for cat in SUPPLY_CATEGORIES)


def test_list_actions_must_name_lists_the_criterion_reads(tmp_path):
    with pytest.raises(RuleFileError) as err:
        load_criterion(criterion_file(tmp_path, "list_actions:\n  eu_arms_embargo_state: exclude\n"))
    (problem,) = err.value.problems
    assert problem.key_path == "list_actions.eu_arms_embargo_state" and problem.line == 14
    assert "not among country_lists" in problem.message
    with pytest.raises(RuleFileError) as err:
        load_criterion(criterion_file(tmp_path, "list_actions:\n  fh_not_free: ban\n"))
    assert "'ban' is not one of: exclude, watch" in err.value.problems[0].message


def test_list_actions_round_trip_through_a_saved_record(tmp_path):
    c = load_criterion(criterion_file(tmp_path, "list_actions:\n  un_arms_embargo_state: exclude\n"))
    assert c.list_action("un_arms_embargo_state") is Action.EXCLUDE and c.list_action("fh_not_free") is Action.WATCH
    assert Criterion.from_record(c.as_record()) == c


def policy_file(tmp_path: Path, entry: str) -> Path:
    (tmp_path / "policies").mkdir(exist_ok=True)
    path = tmp_path / "policies" / "conduct_policy.yaml"
    path.write_text(
        f"""schema_version: 1
id: conduct_policy
version: "1.0.0"
title: Test policy
description: A test.
references:
  - instrument: Fictional instrument
criteria:
  - criterion: conduct_test
{entry}""",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("base", "entry", "key_path", "message"),
    [
        (
            "list_actions:\n  un_arms_embargo_state: exclude\n",
            "    list_actions:\n      un_arms_embargo_state: watch\n",
            "criteria[0].list_actions",
            "turns exclude into watch for list(s) un_arms_embargo_state",
        ),
        (
            "action: exclude\n",  # every list takes the criterion's exclude: a list may not be eased
            "    list_actions:\n      fh_not_free: watch\n",
            "criteria[0].list_actions",
            "turns exclude into watch for list(s) fh_not_free",
        ),
        (
            "",
            "    list_actions:\n      uk_arms_embargo_state: exclude\n",
            "criteria[0].list_actions.uk_arms_embargo_state",
            "not among country_lists",
        ),
        ("", "    categories: [cluster_munitions]\n", "criteria[0].categories", "not among the supply categories"),
    ],
)
def test_a_policy_may_not_ease_a_list_or_name_unknown_ones(tmp_path, base, entry, key_path, message):
    text = criterion_file(tmp_path, "").read_text(encoding="utf-8")
    if base.startswith("action"):
        text = text.replace("action: watch\n", base)
    else:
        text += base
    (tmp_path / "conduct_test.yaml").write_text(text, encoding="utf-8")
    problems = validate_rule_files([tmp_path / "conduct_test.yaml", policy_file(tmp_path, entry)])
    assert [(p.key_path, message in p.message) for p in problems] == [(key_path, True)]


def test_a_policy_may_set_list_actions_and_add_categories_and_lists(tmp_path):
    criterion_file(tmp_path, "")
    entry = (
        "    categories: [arms, cyber_surveillance]\n"
        "    country_lists: [fh_not_free, un_arms_embargo_state, uk_arms_embargo_state]\n"
        "    list_actions:\n      uk_arms_embargo_state: exclude\n"
    )
    policy = load_policy(policy_file(tmp_path, entry), criteria_dir=tmp_path)
    c = policy.criterion("conduct_test")
    assert c.categories == ("arms", "cyber_surveillance")
    assert c.country_lists == ("fh_not_free", "un_arms_embargo_state", "uk_arms_embargo_state")
    assert c.list_action("uk_arms_embargo_state") is Action.EXCLUDE and c.list_action("fh_not_free") is Action.WATCH


def test_a_supply_category_outside_the_vocabulary_is_reported():
    universe = Universe.from_frames(
        issuers=pd.DataFrame([dict(issuer_id="X", issuer_name="Fieldfare AB", issuer_type="corporate")]),
        country_exposure=pd.DataFrame(
            [dict(issuer_id="X", recipient_country="XN", year=2025, category="spyware", source=SOURCE)]
        ),
    )
    assert any(
        "country_exposure have a category outside the vocabulary (e.g. spyware)" in p for p in universe.problems()
    )
