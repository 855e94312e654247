"""Criterion versions: a flag records the version of the rule that raised it, and a criterion whose
rule changed meaning carries a new version with the change written in its notes.

The ownership rules changed meaning for every shipped criterion that follows a relation (control
transitive, no presumed share for a missing one, an unknown share gives a watch); the 5 % threshold
of conventional weapons is tested on shares added up per source and year. Every company here is
fictional.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from exclusionscreen._resources import bundled_dir
from exclusionscreen.identifiers import isin_check_digit
from exclusionscreen.rulefiles import load_criterion, shipped_criteria
from exclusionscreen.rules import Policy
from exclusionscreen.screen import screen
from exclusionscreen.universe import Universe

CATALOGUE = shipped_criteria()
#: the version each shipped criterion had before the ownership graph (control transitive, no presumed
#: share) and the summed thresholds; a criterion whose rule changed meaning must be past it by a minor
BEFORE = {
    "abusive_law_enforcement_equipment": "1.0.0",
    "anti_personnel_mines": "1.0.0",
    "arms_sales_rights_violating_regimes": "1.1.0",
    "autonomous_weapons": "1.0.0",
    "biological_weapons": "1.0.0",
    "blinding_lasers": "1.0.0",
    "chemical_weapons": "1.0.0",
    "cluster_munitions": "1.0.0",
    "conventional_weapons": "1.0.0",
    "cyber_surveillance": "1.0.0",
    "depleted_uranium": "1.0.0",
    "incendiary_weapons": "1.0.0",
    "non_detectable_fragments": "1.0.0",
    "norms_based_breaches": "1.0.0",
    "nuclear_weapons": "1.0.0",
    "official_military_lists": "1.1.0",
    "private_military_services": "1.0.0",
}


def _minor(version: str) -> tuple[int, int]:
    major, minor, _ = (int(p) for p in version.split("."))
    return major, minor


@pytest.mark.parametrize("criterion_id", sorted(c for c, k in CATALOGUE.items() if k.ownership.relations))
def test_a_criterion_that_follows_ownership_is_a_minor_version_past_the_old_rule(criterion_id):
    criterion = CATALOGUE[criterion_id]
    if criterion_id in BEFORE:
        assert _minor(criterion.version) > _minor(BEFORE[criterion_id])
        # the change is written down with the version that made it
        notes = " ".join(criterion.notes.split())
        assert re.search(rf"Version {re.escape(criterion.version)} (also )?changes how the ownership rules", notes)
        assert "no longer presumed to be 50 %" in notes and "transitive" in notes


def test_conventional_weapons_notes_the_summed_threshold():
    criterion = CATALOGUE["conventional_weapons"]
    assert not criterion.ownership.relations
    assert _minor(criterion.version) > _minor(BEFORE["conventional_weapons"])
    assert "Version 1.1.0 tests the 5 % threshold on the revenue shares of one source and year added up" in " ".join(
        criterion.notes.split()
    )


def test_criteria_without_a_changed_rule_keep_their_version():
    # sovereign_arms_embargo follows no ownership relation and reads no revenue share
    assert not CATALOGUE["sovereign_arms_embargo"].ownership.relations
    assert CATALOGUE["sovereign_arms_embargo"].version == "1.1.0"


def test_a_flag_records_the_version_of_the_rule_it_applied(tmp_path):
    # a parent controlling a mine maker through a 60 % of 60 % chain: caught under the graph's rule,
    # and both flags say which version of the criterion caught them
    ids = ["TOP", "MID", "MINES"]
    issuers = pd.DataFrame(
        {
            "issuer_id": ids,
            "issuer_name": ["Top Holdings plc", "Mid Holdings plc", "Mine Works plc"],
            "issuer_type": "corporate",
            "country": "GB",
            "parent_issuer_id": [None, "TOP", "MID"],
            "parent_ownership": [None, 0.6, 0.6],
        }
    )
    isins = [f"XS00VERS{n:04d}" for n in range(3)]
    isins = [i + isin_check_digit(i) for i in isins]
    securities = pd.DataFrame({"isin": isins, "issuer_id": ids})
    involvement = pd.DataFrame(
        [
            dict(
                issuer_id="MINES",
                category="anti_personnel_mines",
                involvement_type="production",
                source="Fictional research house",
                evidence_date="2025-12-31",
            )
        ]
    )
    universe = Universe.from_frames(issuers=issuers, securities=securities, involvement=involvement)
    holdings = pd.DataFrame(
        {"portfolio_id": "P", "holding_id": ids, "isin": isins, "security_name": ids, "market_value": 1.0}
    )
    # an earlier version of the same rule file gives its own version to the flags it raises
    current = CATALOGUE["anti_personnel_mines"].version
    text = (bundled_dir("criteria") / "anti_personnel_mines.yaml").read_text(encoding="utf-8")
    older = tmp_path / "anti_personnel_mines.yaml"
    older.write_text(text.replace(f'version: "{current}"', 'version: "9.9.9"'), encoding="utf-8")
    for criterion, expected in (
        (CATALOGUE["anti_personnel_mines"], CATALOGUE["anti_personnel_mines"].version),
        (load_criterion(older), "9.9.9"),
    ):
        policy = Policy(
            id="versions",
            version="1.0.0",
            title="Versions",
            description="One criterion.",
            references=criterion.references,
            criteria=(criterion,),
        )
        flags = screen(holdings, universe, policy, as_of="2026-09-30").flags.set_index("issuer_id")
        assert set(flags.index) == {"TOP", "MID", "MINES"}
        assert flags.loc["TOP", "via"] == "parent" and flags.loc["TOP", "action"] == "exclude"
        assert set(flags["criterion_version"]) == {expected}
