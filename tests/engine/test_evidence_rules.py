"""How involvement evidence is weighed: revenue shares added up per source and year, what an unknown
share gives, evidence that ended or aged, and the PAI 14 reproduction that counts manufacture and
selling only. Each boundary is pinned with a case on each side.

Every company and source here is fictional.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from exclusionscreen.errors import RuleFileError
from exclusionscreen.identifiers import isin_check_digit
from exclusionscreen.rulefiles import load_policy, shipped_criteria
from exclusionscreen.rules import Criterion, Policy
from exclusionscreen.screen import screen
from exclusionscreen.universe import Universe
from exclusionscreen.vocabulary import Action, UnknownShare

AS_OF = "2026-09-30"
SOURCE = "Fictional research house"
OTHER_SOURCE = "Fictional NGO report"
CATALOGUE = shipped_criteria()
# conventional weapons (5 % of revenue) made an exclusion, as a policy may tighten it
ARMS = replace(CATALOGUE["conventional_weapons"], action=Action.EXCLUDE)
MINES = CATALOGUE["anti_personnel_mines"]


def policy_of(*criteria: Criterion) -> Policy:
    return Policy(
        id="evidence_rules",
        version="1.0.0",
        title="Evidence rule tests",
        description="Shipped criteria with test settings.",
        references=MINES.references,
        criteria=criteria,
    )


def isin(n: int) -> str:
    body = f"XS00EVID{n:03d}"
    return body + isin_check_digit(body)


def screen_rows(policy: Policy | str, involvement: list[dict]):
    """One holding of each issuer named in `involvement`, screened on AS_OF."""
    ids = list(dict.fromkeys(row["issuer_id"] for row in involvement))
    issuers = pd.DataFrame(
        [dict(issuer_id=i, issuer_name=f"{i.title()} Works Ltd", country="GB", issuer_type="corporate") for i in ids]
    )
    securities = pd.DataFrame([dict(isin=isin(n), issuer_id=i) for n, i in enumerate(ids)])
    universe = Universe.from_frames(issuers=issuers, securities=securities, involvement=pd.DataFrame(involvement))
    holdings = pd.DataFrame(
        [
            dict(portfolio_id="P", holding_id=f"P:{n}", isin=isin(n), security_name=i, market_value=1.0)
            for n, i in enumerate(ids)
        ]
    )
    return screen(holdings, universe, policy, as_of=AS_OF)


def arms(issuer_id: str, share: float | None, date: str | None = "2025-12-31", source: str = SOURCE, **extra) -> dict:
    return dict(
        issuer_id=issuer_id,
        category="conventional_weapons",
        revenue_share=share,
        source=source,
        evidence_date=date,
        **{"involvement_type": "arms_revenue", **extra},
    )


def mines(issuer_id: str, date: str | None = "2025-12-31", involvement_type: str = "production", **extra) -> dict:
    return dict(
        issuer_id=issuer_id,
        category="anti_personnel_mines",
        involvement_type=involvement_type,
        source=SOURCE,
        evidence_date=date,
        **extra,
    )


def status(result, issuer_id: str) -> str:
    return result.holdings.set_index("security_name").loc[issuer_id, "status"]


def flag(result, issuer_id: str, criterion_id: str) -> pd.Series:
    flags = result.flags
    return flags[(flags["issuer_id"] == issuer_id) & (flags["criterion_id"] == criterion_id)].iloc[0]


# ---------------------------------------------------------------------------------------- thresholds


def test_two_shares_of_one_source_and_year_are_added_up_against_the_threshold():
    result = screen_rows(
        policy_of(ARMS),
        [
            arms("SAME_YEAR", 0.03, "2025-03-31"),
            arms("SAME_YEAR", 0.03, "2025-12-31"),
            arms("TWO_YEARS", 0.03, "2024-12-31"),
            arms("TWO_YEARS", 0.03, "2025-12-31"),
            arms("TWO_SOURCES", 0.03),
            arms("TWO_SOURCES", 0.03, source=OTHER_SOURCE),
        ],
    )
    assert status(result, "SAME_YEAR") == "excluded"
    hit = flag(result, "SAME_YEAR", "conventional_weapons")
    assert hit["revenue_share"] == pytest.approx(0.06) and hit["action"] == "exclude"
    assert "revenue shares of 2 rows of this source and year added up: 3 % + 3 % = 6 %" in hit["evidence_note"]
    # rows of different years, or of different sources, are not added up
    assert status(result, "TWO_YEARS") == "clear"
    assert status(result, "TWO_SOURCES") == "clear"


def test_rows_of_two_involvement_types_of_one_criterion_are_added_up():
    both = replace(ARMS, involvement_types=("arms_revenue", "sale"))
    result = screen_rows(policy_of(both), [arms("MIXED", 0.04), arms("MIXED", 0.01, involvement_type="sale")])
    hit = flag(result, "MIXED", "conventional_weapons")
    assert hit["revenue_share"] == pytest.approx(0.05) and hit["action"] == "exclude"
    assert hit["involvement_type"] == "arms_revenue, sale"
    assert hit["evidence_note"] == "revenue shares of 2 rows of this source and year added up: 4 % + 1 % = 5 %"


def test_a_sum_exactly_at_the_threshold_is_caught_and_just_below_is_not():
    assert ARMS.revenue_threshold == 0.05
    result = screen_rows(
        policy_of(ARMS),
        [arms("AT", 0.03), arms("AT", 0.02), arms("BELOW", 0.03), arms("BELOW", 0.0199)],
    )
    assert (status(result, "AT"), status(result, "BELOW")) == ("excluded", "clear")
    assert flag(result, "AT", "conventional_weapons")["revenue_share"] == pytest.approx(0.05)


# ---------------------------------------------------------------------------------------- unknown share


def test_an_unknown_share_gives_what_the_criterion_says():
    rows = [arms("UNKNOWN", None), arms("KNOWN_LOW", 0.01)]
    watched = screen_rows(policy_of(ARMS), rows)
    assert ARMS.unknown_share is UnknownShare.WATCH
    assert status(watched, "UNKNOWN") == "watch" and status(watched, "KNOWN_LOW") == "clear"
    assert (
        "revenue share unknown (threshold 5 %): watch"
        in flag(watched, "UNKNOWN", "conventional_weapons")["evidence_note"]
    )

    excluded = screen_rows(policy_of(replace(ARMS, unknown_share=UnknownShare.EXCLUDE)), rows)
    assert status(excluded, "UNKNOWN") == "excluded"
    assert flag(excluded, "UNKNOWN", "conventional_weapons")["action"] == "exclude"

    reviewed = screen_rows(policy_of(replace(ARMS, unknown_share=UnknownShare.REVIEW)), rows)
    assert status(reviewed, "UNKNOWN") == "clear" and reviewed.flags.empty
    item = reviewed.review[reviewed.review["kind"] == "revenue share unknown"]
    assert list(item["holding_id"]) == ["P:0"]
    assert item["reason"].iloc[0].startswith("criterion conventional_weapons: revenue share unknown")


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


POLICY_HEAD = """
    schema_version: 1
    id: {name}
    version: "1.0.0"
    title: Test policy
    description: A test policy.
    references:
      - instrument: Test
"""


def test_unknown_share_exclude_in_a_policy_file_excludes(tmp_path):
    path = write(
        tmp_path,
        "strict.yaml",
        POLICY_HEAD.format(name="strict")
        + """
    unknown_share: exclude
    criteria:
      - criterion: conventional_weapons
        action: exclude
      - anti_personnel_mines
    """,
    )
    policy = load_policy(path)
    assert policy.criterion("conventional_weapons").unknown_share is UnknownShare.EXCLUDE
    result = screen_rows(policy, [arms("UNKNOWN", None)])
    assert status(result, "UNKNOWN") == "excluded"
    # the setting is part of the rules: the hash changes, and a saved policy reads back the same
    assert (
        policy.rule_hash
        != load_policy(
            write(
                tmp_path,
                "plain.yaml",
                POLICY_HEAD.format(name="plain")
                + """
    criteria:
      - criterion: conventional_weapons
        action: exclude
      - anti_personnel_mines
    """,
            )
        ).rule_hash
    )
    assert Policy.from_record(policy.to_record()) == policy


def test_a_policy_may_raise_unknown_share_but_never_lower_it(tmp_path):
    # review < watch < exclude; the shipped criteria say watch
    entry = write(
        tmp_path,
        "entry.yaml",
        POLICY_HEAD.format(name="entry")
        + """
    criteria:
      - criterion: conventional_weapons
        unknown_share: review
    """,
    )
    with pytest.raises(RuleFileError) as caught:
        load_policy(entry)
    assert "criteria[0].unknown_share" in str(caught.value)
    assert "turns what an unknown revenue share gives from watch into review" in str(caught.value)
    whole = write(
        tmp_path,
        "whole.yaml",
        POLICY_HEAD.format(name="whole") + "    unknown_share: review\n    criteria:\n      - conventional_weapons\n",
    )
    with pytest.raises(RuleFileError, match="unknown_share: would loosen criterion 'conventional_weapons'"):
        load_policy(whole)
    # a criterion of one's own may say review; a policy may raise it to watch
    criteria = tmp_path / "criteria"
    criteria.mkdir()
    own = Path(CATALOGUE["conventional_weapons"].source_file).read_text(encoding="utf-8")
    write(criteria, "conventional_weapons.yaml", own + "unknown_share: review\n")
    raised = write(
        tmp_path,
        "raised.yaml",
        POLICY_HEAD.format(name="raised")
        + "    criteria:\n      - criterion: conventional_weapons\n        unknown_share: watch\n",
    )
    assert (
        load_policy(raised, criteria_dir=criteria).criterion("conventional_weapons").unknown_share is UnknownShare.WATCH
    )


# ---------------------------------------------------------------------------------------- evidence that ends


def test_evidence_whose_involvement_ended_by_the_screening_date_raises_nothing():
    # valid_to is the first day the involvement no longer holds (half-open, as for lists)
    result = screen_rows(
        policy_of(MINES),
        [
            mines("ENDED_ON_THE_DAY", valid_to="2026-09-30"),
            mines("ENDS_NEXT_DAY", valid_to="2026-10-01"),
            mines("ENDED_BEFORE", valid_to="2020-01-01"),
        ],
    )
    assert status(result, "ENDED_ON_THE_DAY") == "clear"
    assert status(result, "ENDED_BEFORE") == "clear"
    assert status(result, "ENDS_NEXT_DAY") == "excluded"


# ---------------------------------------------------------------------------------------- evidence that ages


def test_evidence_older_than_the_maximum_age_gives_watch_with_the_reason():
    aging = replace(MINES, max_evidence_age_years=5)
    result = screen_rows(
        policy_of(aging),
        [
            mines("FIVE_YEARS", date="2021-09-30"),  # exactly five years before the screening date
            mines("FIVE_YEARS_AND_A_DAY", date="2021-09-29"),
            mines("UNDATED", date=None),
        ],
    )
    assert status(result, "FIVE_YEARS") == "excluded"
    assert status(result, "FIVE_YEARS_AND_A_DAY") == "watch"
    old = flag(result, "FIVE_YEARS_AND_A_DAY", "anti_personnel_mines")
    assert old["action"] == "watch"
    assert "evidence older than 5 years (dated 2021-09-29)" in old["evidence_note"]
    # undated evidence keeps its action, and the flag says it is undated
    assert status(result, "UNDATED") == "excluded"
    undated = flag(result, "UNDATED", "anti_personnel_mines")["evidence_note"]
    assert "evidence undated: its age cannot be checked against the 5-year limit" in undated


def test_undated_evidence_is_reported_as_such_without_an_age_limit():
    result = screen_rows(policy_of(MINES), [mines("UNDATED", date=None, note="field report"), mines("DATED")])
    assert flag(result, "UNDATED", "anti_personnel_mines")["evidence_note"] == "field report; evidence undated"
    assert pd.isna(flag(result, "DATED", "anti_personnel_mines")["evidence_note"])


def test_older_rows_count_in_a_sum_only_for_watch():
    aging = replace(ARMS, max_evidence_age_years=1)
    result = screen_rows(
        policy_of(aging),
        [
            arms("MIXED", 0.03, "2025-12-31"),
            arms("MIXED", 0.03, "2025-01-31"),  # older than one year on 2026-09-30
            arms("ENOUGH", 0.05, "2025-12-31"),
            arms("ENOUGH", 0.03, "2025-01-31"),
            arms("FRESH", 0.06, "2025-12-31"),
        ],
    )
    assert status(result, "FRESH") == "excluded"
    assert status(result, "MIXED") == "watch"
    assert (
        "evidence older than 1 years (dated 2025-01-31)"
        in flag(result, "MIXED", "conventional_weapons")["evidence_note"]
    )
    # the rows within the limit reach the threshold on their own: the criterion's action, and no age reason
    enough = flag(result, "ENOUGH", "conventional_weapons")
    assert enough["action"] == "exclude" and enough["revenue_share"] == pytest.approx(0.08)
    assert "older" not in enough["evidence_note"]


def test_a_policy_may_lengthen_the_maximum_age_but_not_shorten_or_add_it(tmp_path):
    # a shorter limit turns more evidence into watch: it loosens the criterion
    added = write(
        tmp_path,
        "added.yaml",
        POLICY_HEAD.format(name="added")
        + "    criteria:\n      - criterion: anti_personnel_mines\n        max_evidence_age_years: 10\n",
    )
    with pytest.raises(RuleFileError, match="sets a maximum evidence age of 10 years"):
        load_policy(added)
    criteria = tmp_path / "criteria"
    criteria.mkdir()
    own = Path(MINES.source_file).read_text(encoding="utf-8")
    write(criteria, "anti_personnel_mines.yaml", own + "max_evidence_age_years: 5\n")
    for years, ok in ((3, False), (5, True), (8, True)):
        path = write(
            tmp_path,
            f"age{years}.yaml",
            POLICY_HEAD.format(name=f"age{years}")
            + f"    criteria:\n      - criterion: anti_personnel_mines\n        max_evidence_age_years: {years}\n",
        )
        if ok:
            assert (
                load_policy(path, criteria_dir=criteria).criterion("anti_personnel_mines").max_evidence_age_years
                == years
            )
        else:
            with pytest.raises(RuleFileError, match="shortens the maximum evidence age from 5 to 3 years"):
                load_policy(path, criteria_dir=criteria)


# ---------------------------------------------------------------------------------------- PAI 14 as written


INVOLVEMENT_TYPES = ("production", "sale", "development", "key_components", "stockpiling", "maintenance", "services")


def test_sfdr_pai14_counts_manufacture_and_selling_only():
    rows = [
        dict(
            issuer_id=f"CLUSTER_{t.upper()}",
            category="cluster_munitions",
            involvement_type=t,
            source=SOURCE,
            evidence_date="2025-12-31",
        )
        for t in INVOLVEMENT_TYPES
    ]
    policy = load_policy("sfdr_pai14")
    assert policy.criterion_ids == ("pai14_controversial_weapons",)
    assert policy.criterion("pai14_controversial_weapons").involvement_types == ("production", "sale")
    result = screen_rows(policy, rows)
    excluded = set(result.holdings.loc[result.holdings["status"] == "excluded", "security_name"])
    assert excluded == {"CLUSTER_PRODUCTION", "CLUSTER_SALE"}
    pai = result.pai14().iloc[0]
    assert pai["involved_value"] == 2.0 and pai["total_value"] == float(len(INVOLVEMENT_TYPES))
    # the broader shipped criterion stays as it was, and PAI 14 does not follow the policy
    broad = screen_rows(policy_of(CATALOGUE["cluster_munitions"]), rows)
    assert (broad.holdings["status"] == "excluded").all()
    assert broad.pai14().iloc[0]["involved_value"] == 2.0
