"""Rule files: the shipped catalogue loads, and every kind of mistake in a rule file is reported
with its file, key path and line."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from exclusionscreen.display import criterion_text, policy_text
from exclusionscreen.errors import RuleFileError
from exclusionscreen.rulefiles import (
    _loosening,
    load_catalogue,
    load_criterion,
    load_policy,
    shipped_criteria,
    shipped_policies,
    validate_rule_files,
)
from exclusionscreen.rules import Ownership
from exclusionscreen.vocabulary import Action, Basis, Evidence

CRITERION_IDS = {
    "cluster_munitions",
    "anti_personnel_mines",
    "biological_weapons",
    "chemical_weapons",
    "nuclear_weapons",
    "depleted_uranium",
    "incendiary_weapons",
    "blinding_lasers",
    "non_detectable_fragments",
    "cyber_surveillance",
    "autonomous_weapons",
    "abusive_law_enforcement_equipment",
    "private_military_services",
    "conventional_weapons",
    "arms_sales_rights_violating_regimes",
    "sovereign_arms_embargo",
    "official_military_lists",
    "norms_based_breaches",
    "surveillance_exports_to_repressive_states",
}
#: criteria that reproduce a regulatory instrument's exact scope, narrower than a criterion above
REPRODUCTIONS = {"pai14_controversial_weapons"}
POLICY_IDS = {"sfdr_pai14", "eu_pab_2020_1818", "eu_pab_2025_1775", "gpfg_style", "broad", "modern_weapons"}
PAI14 = ["anti_personnel_mines", "cluster_munitions", "chemical_weapons", "biological_weapons"]
GPFG_WEAPONS = {
    "biological_weapons",
    "chemical_weapons",
    "nuclear_weapons",
    "non_detectable_fragments",
    "incendiary_weapons",
    "blinding_lasers",
    "anti_personnel_mines",
    "cluster_munitions",
}
REPO = Path(__file__).resolve().parents[1]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


MUNITIONS = """
    schema_version: 1
    id: munitions
    version: "1.0.0"
    title: Test munitions
    basis: product
    evidence: involvement
    definition: Companies that make test munitions.
    references:
      - instrument: Test convention
        provision: Art. 1
    categories: [cluster_munitions]
    involvement_types: [production, sale]
    revenue_threshold: 0.1
    ownership:
      parent_min_share: 0.5
      subsidiary_min_share: 0.5
    action: exclude
"""
EXPORTS = """
    schema_version: 1
    id: exports
    version: "1.0.0"
    title: Test exports
    basis: conduct
    evidence: country_exposure
    definition: Companies that export to listed states.
    references:
      - instrument: Test treaty
    country_lists: [list_a, list_b]
    lookback_years: 5
    action: watch
"""
LISTED = """
    schema_version: 1
    id: listed
    version: "1.0.0"
    title: Test listed companies
    basis: conduct
    evidence: entity_list
    definition: Companies on test lists.
    references:
      - instrument: Test regulation
    entity_lists: [list_x, list_y]
    action: exclude
"""


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "criteria"
    write(folder, "munitions.yaml", MUNITIONS)
    write(folder, "exports.yaml", EXPORTS)
    write(folder, "listed.yaml", LISTED)
    return folder


def policy(tmp_path: Path, entries: str, name: str = "test_policy") -> Path:
    body = f"""
        schema_version: 1
        id: {name}
        version: "1.0.0"
        title: Test policy
        description: A policy for tests.
        references:
          - instrument: Test rules
        criteria:
        """
    return write(tmp_path, f"{name}.yaml", textwrap.dedent(body) + textwrap.dedent(entries))


def problems_of(call) -> list:
    with pytest.raises(RuleFileError) as info:
        call()
    return info.value.problems


# ------------------------------------------------------------------------------------------
# the shipped catalogue


def test_every_brief_criterion_ships_and_validates():
    criteria = shipped_criteria()
    assert set(criteria) == CRITERION_IDS | REPRODUCTIONS
    for cid, c in criteria.items():
        assert Path(c.source_file).name == f"{cid}.yaml"
        assert re.fullmatch(r"\d+\.\d+\.\d+", c.version)
        assert c.references and all(r.instrument for r in c.references)
        assert all(r.url.startswith(("https://", "http://")) for r in c.references if r.url)
    assert validate_rule_files([REPO / "criteria"]) == []


def test_shipped_criteria_settings_are_the_documented_ones():
    c = shipped_criteria()
    for cid in GPFG_WEAPONS | {"depleted_uranium", "abusive_law_enforcement_equipment"}:
        assert c[cid].basis is Basis.PRODUCT and c[cid].evidence is Evidence.INVOLVEMENT
        assert c[cid].categories == (cid,)
        assert c[cid].revenue_threshold == 0.0 and c[cid].threshold_text == "any involvement"
        assert c[cid].action is Action.EXCLUDE
        assert c[cid].ownership.controlling_parents is Action.EXCLUDE
        assert c[cid].ownership.controlled_subsidiaries is Action.EXCLUDE
        assert c[cid].ownership.minority_owners_min_share is None
    assert "delivery_systems" in c["nuclear_weapons"].involvement_types
    conventional = c["conventional_weapons"]
    assert conventional.involvement_types == ("arms_revenue",)
    assert conventional.revenue_threshold == 0.05 and conventional.threshold_text == ">= 5%"
    sales = c["arms_sales_rights_violating_regimes"]
    assert sales.evidence is Evidence.COUNTRY_EXPOSURE and sales.basis is Basis.CONDUCT
    assert sales.country_lists == (
        "un_arms_embargo_state",
        "eu_arms_embargo_state",
        "uk_arms_embargo_state",
        "fh_not_free",
    )
    assert sales.categories == ("arms",) and sales.list_actions == ()
    assert sales.lookback_years == 5
    sovereign = c["sovereign_arms_embargo"]
    assert sovereign.evidence is Evidence.SOVEREIGN
    assert sovereign.country_lists == ("un_arms_embargo_state", "eu_arms_embargo_state", "uk_arms_embargo_state")
    lists = c["official_military_lists"]
    assert lists.evidence is Evidence.ENTITY_LIST
    assert set(lists.entity_lists) == {"us_dod_1260h", "eu_833_annex_iv", "us_ns_cmic"}
    norms = c["norms_based_breaches"]
    assert norms.basis is Basis.CONDUCT and norms.categories == ("norms_breach",)
    assert norms.involvement_types == ("breach",)


def test_shipped_references_cite_the_instruments():
    c = shipped_criteria()
    cited = {cid: " ".join(str(r) for r in crit.references) for cid, crit in c.items()}
    assert "Convention on Cluster Munitions" in cited["cluster_munitions"]
    assert "Art. I" in cited["biological_weapons"]
    assert "2021/821" in cited["cyber_surveillance"] and "Art. 2(20)" in cited["cyber_surveillance"]
    assert "2019/125" in cited["abusive_law_enforcement_equipment"]
    assert "Annex II" in cited["abusive_law_enforcement_equipment"]
    assert "78/241" in cited["autonomous_weapons"]
    assert "Art. 6" in cited["arms_sales_rights_violating_regimes"]
    assert "2008/944/CFSP" in cited["sovereign_arms_embargo"]
    assert "1260H" in cited["official_military_lists"]
    assert "833/2014" in cited["official_military_lists"]


def test_every_shipped_policy_loads_with_its_dates():
    policies = shipped_policies()
    assert set(policies) == POLICY_IDS
    assert list(policies["sfdr_pai14"].criterion_ids) == ["pai14_controversial_weapons"]
    assert policies["sfdr_pai14"].applies_from == date(2023, 1, 1)
    old, new = policies["eu_pab_2020_1818"], policies["eu_pab_2025_1775"]
    assert list(old.criterion_ids) == PAI14 and list(new.criterion_ids) == PAI14
    assert old.applies_from == date(2020, 12, 23) and old.applies_until == date(2026, 6, 29)
    assert new.applies_from == date(2026, 1, 19) and new.applies_until is None
    assert old.applies_on(date(2026, 6, 29)) and not old.applies_on(date(2026, 6, 30))
    assert not new.applies_on(date(2026, 1, 18)) and new.applies_on(date(2026, 1, 19))
    assert "2025/1775" in " ".join(str(r) for r in new.references)
    catalogue = shipped_criteria()
    gpfg = set(policies["gpfg_style"].criterion_ids)
    assert gpfg == GPFG_WEAPONS | {"arms_sales_rights_violating_regimes", "official_military_lists"}
    assert set(policies["broad"].criterion_ids) == CRITERION_IDS
    for p in policies.values():
        assert p.references and p.description
        # a shipped policy never loosens: every criterion is at least as strict as the catalogue's
        for c in p.criteria:
            base = catalogue[c.id]
            assert set(base.involvement_types) <= set(c.involvement_types)
            assert c.revenue_threshold == base.revenue_threshold or (c.revenue_threshold < base.revenue_threshold)


def test_load_policy_by_name_and_unknown_name():
    assert load_policy("broad").id == "broad"
    [problem] = problems_of(lambda: load_policy("no_such_policy"))
    assert "shipped policies:" in problem.message and "gpfg_style" in problem.message


def test_notes_are_kept_but_not_part_of_the_rule_hash():
    p = shipped_policies()["eu_pab_2025_1775"]
    assert "30 June 2026" in p.notes
    assert "Notes: Dates:" in policy_text(p)
    assert "notes" not in p.criteria[0].as_record()
    nuclear = shipped_criteria()["nuclear_weapons"]
    assert criterion_text(nuclear).splitlines()[-1].strip()  # notes are shown last
    assert "notes" in criterion_text(nuclear) and "launch platforms" in nuclear.notes
    assert replace(nuclear, notes="other").as_record() == nuclear.as_record()


# ------------------------------------------------------------------------------------------
# errors in criterion files


def only_problem(path: Path):
    [problem] = problems_of(lambda: load_criterion(path))
    assert problem.file == str(path)
    return problem


def test_bad_yaml_names_file_and_line(tmp_path):
    path = write(
        tmp_path,
        "broken.yaml",
        """
        schema_version: 1
        id: broken
        categories: [cluster_munitions
        action: exclude
        """,
    )
    problem = only_problem(path)
    assert "not valid YAML" in problem.message
    assert problem.line is not None and problem.line >= 3
    assert str(problem).startswith(f"{path}:{problem.line}: ")


def test_missing_schema_version_is_checked_first(tmp_path):
    path = write(tmp_path, "munitions.yaml", MUNITIONS.replace("    schema_version: 1\n", "") + "    colour: red\n")
    problem = only_problem(path)  # the unknown key is not reported before the version is known
    assert "missing required key 'schema_version'" in problem.message
    assert problem.line == 1


def test_wrong_schema_version(tmp_path):
    path = write(tmp_path, "munitions.yaml", MUNITIONS.replace("schema_version: 1", "schema_version: 2"))
    problem = only_problem(path)
    assert problem.key_path == "schema_version" and problem.line == 1
    assert "schema_version 2 is not supported; this library reads 1" in problem.message


def test_unknown_key_lists_valid_keys_with_line(tmp_path):
    path = write(tmp_path, "munitions.yaml", MUNITIONS + "    colour: red\n")
    problem = only_problem(path)
    assert problem.key_path == "colour"
    assert problem.line == 18
    assert "unknown key 'colour'" in problem.message
    for valid in ("revenue_threshold", "involvement_types", "ownership", "notes"):
        assert valid in problem.message
    assert "lookback_years" not in problem.message  # not a key of involvement criteria


def test_unknown_nested_key(tmp_path):
    path = write(
        tmp_path, "munitions.yaml", MUNITIONS.replace("      subsidiary_min_share: 0.5", "      sister_min_share: 0.5")
    )
    problem = only_problem(path)
    assert problem.key_path == "ownership.sister_min_share" and problem.line == 16
    assert "controlled_subsidiaries, controlling_parents, minority_owners_action" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "key_path", "line", "words"),
    [
        (
            "revenue_threshold: 0.1",
            "revenue_threshold: five percent",
            "revenue_threshold",
            13,
            "fraction between 0 and 1",
        ),
        ("revenue_threshold: 0.1", "revenue_threshold: 5", "revenue_threshold", 13, "fraction between 0 and 1"),
        ("title: Test munitions", "title: 5", "title", 4, "non-empty text"),
        (
            "involvement_types: [production, sale]",
            "involvement_types: production",
            "involvement_types",
            12,
            "non-empty list",
        ),
        ("action: exclude", "action: ban", "action", 17, "not one of: exclude, watch"),
        ("evidence: involvement", "evidence: rumour", "evidence", 6, "not one of"),
        ("provision: Art. 1", "url: ftp://example.org", "references[0].url", 10, "http(s)"),
    ],
)
def test_wrong_type_names_key_and_line(tmp_path, old, new, key_path, line, words):
    path = write(tmp_path, "munitions.yaml", MUNITIONS.replace(old, new))
    problems = problems_of(lambda: load_criterion(path))
    problem = next(p for p in problems if p.key_path == key_path)
    assert words in problem.message
    assert problem.line == line
    assert f"{path}:{line}: {key_path}: " in str(problem)


def test_missing_required_key(tmp_path):
    path = write(tmp_path, "munitions.yaml", MUNITIONS.replace("    revenue_threshold: 0.1\n", ""))
    problem = only_problem(path)
    assert "missing required key 'revenue_threshold' for evidence 'involvement'" in problem.message


def test_id_must_match_file_name(tmp_path):
    path = write(tmp_path, "other_name.yaml", MUNITIONS)
    problem = only_problem(path)
    assert problem.key_path == "id" and problem.line == 2
    assert "id 'munitions' must match the file name 'other_name.yaml'" in problem.message


def test_every_problem_in_a_file_is_reported(tmp_path):
    path = write(
        tmp_path,
        "munitions.yaml",
        MUNITIONS.replace("title: Test munitions", "title: 5").replace("action: exclude", "action: ban")
        + "    colour: red\n",
    )
    keys = {p.key_path for p in problems_of(lambda: load_criterion(path))}
    assert keys == {"title", "action", "colour"}


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.check_call [['touch', '{marker}']]",
        "!!python/name:os.system",
    ],
)
def test_python_tags_are_refused_and_never_run(tmp_path, payload):
    marker = tmp_path / "marker"
    text = MUNITIONS.replace("title: Test munitions", "title: " + payload.format(marker=marker))
    path = write(tmp_path, "munitions.yaml", text)
    problem = only_problem(path)
    assert "not valid YAML" in problem.message and "python" in problem.message
    assert problem.line == 4
    assert not marker.exists()


def test_catalogue_reports_problems_of_every_file(tmp_path, catalogue_dir):
    write(catalogue_dir, "exports.yaml", EXPORTS.replace("lookback_years: 5", "lookback_years: 0"))
    write(catalogue_dir, "listed.yaml", LISTED.replace("schema_version: 1", "schema_version: 3"))
    problems = problems_of(lambda: load_catalogue(catalogue_dir))
    assert {(Path(p.file).name, p.key_path) for p in problems} == {
        ("exports.yaml", "lookback_years"),
        ("listed.yaml", "schema_version"),
    }


def test_keys_of_another_evidence_kind_are_unknown(tmp_path):
    path = write(tmp_path, "exports.yaml", EXPORTS + "    revenue_threshold: 0.1\n")
    problem = only_problem(path)
    assert problem.key_path == "revenue_threshold"
    assert "unknown key" in problem.message and "lookback_years" in problem.message


# ------------------------------------------------------------------------------------------
# errors in policy files


def test_policy_may_tighten(tmp_path, catalogue_dir):
    path = policy(
        tmp_path,
        """
        - criterion: munitions
          revenue_threshold: 0.0
          involvement_types: [production, sale, key_components]
          ownership: {parent_min_share: 0.2}
        - criterion: exports
          action: exclude
          lookback_years: 10
          country_lists: [list_a, list_b, list_c]
        - listed
        """,
    )
    p = load_policy(path, criteria_dir=catalogue_dir)
    munitions, exports, listed = p.criteria
    assert munitions.revenue_threshold == 0.0
    assert munitions.involvement_types == ("production", "sale", "key_components")
    # the former key parent_min_share below 50 % reads as controlling parents plus minority owners
    assert munitions.ownership == Ownership(
        controlling_parents=Action.EXCLUDE,
        controlled_subsidiaries=Action.EXCLUDE,
        minority_owners_min_share=0.2,
        minority_owners_action=Action.EXCLUDE,
    )
    assert exports.action is Action.EXCLUDE and exports.lookback_years == 10
    assert exports.country_lists == ("list_a", "list_b", "list_c")
    assert listed == load_catalogue(catalogue_dir)["listed"]
    # the catalogue itself is untouched
    assert load_catalogue(catalogue_dir)["munitions"].revenue_threshold == 0.1


@pytest.mark.parametrize(
    ("entry", "key_path", "how"),
    [
        (
            "{criterion: munitions, revenue_threshold: 0.2}",
            "criteria[0].revenue_threshold",
            "raises the revenue threshold from 0.1 to 0.2",
        ),
        ("{criterion: munitions, involvement_types: [production]}", "criteria[0].involvement_types", "drops sale"),
        (
            "{criterion: munitions, categories: [anti_personnel_mines]}",
            "criteria[0].categories",
            "drops cluster_munitions",
        ),
        (
            "{criterion: munitions, ownership: {controlled_subsidiaries: watch}}",
            "criteria[0].ownership.controlled_subsidiaries",
            "turns exclude into watch for controlled subsidiaries",
        ),
        (
            "{criterion: munitions, ownership: {subsidiary_min_share: null}}",
            "criteria[0].ownership.controlled_subsidiaries",
            "stops following controlled subsidiaries",
        ),
        ("{criterion: munitions, action: watch}", "criteria[0].action", "turns exclude into watch"),
        (
            "{criterion: exports, lookback_years: 3}",
            "criteria[0].lookback_years",
            "shortens the look-back from 5 to 3 years",
        ),
        ("{criterion: exports, country_lists: [list_a]}", "criteria[0].country_lists", "drops list_b"),
        ("{criterion: listed, entity_lists: [list_y]}", "criteria[0].entity_lists", "drops list_x"),
    ],
)
def test_policy_loosening_is_refused(tmp_path, catalogue_dir, entry, key_path, how):
    path = policy(tmp_path, f"- {entry}\n")
    problems = problems_of(lambda: load_policy(path, criteria_dir=catalogue_dir))
    [problem] = problems
    assert problem.file == str(path) and problem.key_path == key_path
    assert problem.line == 9
    cid = entry.split(",")[0].split(": ")[1]
    assert f"would loosen criterion '{cid}': {how}" in problem.message
    assert "a policy may only make a criterion stricter" in problem.message


def test_policy_naming_unknown_criterion(tmp_path, catalogue_dir):
    path = policy(tmp_path, "- munitions\n- landmines\n")
    [problem] = problems_of(lambda: load_policy(path, criteria_dir=catalogue_dir))
    assert problem.key_path == "criteria[1].criterion" and problem.line == 10
    assert "unknown criterion 'landmines'; known criteria: exports, listed, munitions" in (problem.message)


def test_policy_setting_a_key_the_criterion_does_not_have(tmp_path, catalogue_dir):
    path = policy(tmp_path, "- {criterion: exports, revenue_threshold: 0.0}\n")
    [problem] = problems_of(lambda: load_policy(path, criteria_dir=catalogue_dir))
    assert problem.key_path == "criteria[0].revenue_threshold"
    assert "criterion 'exports' (evidence 'country_exposure') has no 'revenue_threshold'" in (problem.message)


def test_policy_dates_must_be_in_order(tmp_path, catalogue_dir):
    path = policy(tmp_path, "- munitions\n")
    text = path.read_text().replace("criteria:\n", "applies_from: 2026-06-30\napplies_until: 2026-01-01\ncriteria:\n")
    path.write_text(text)
    [problem] = problems_of(lambda: load_policy(path, criteria_dir=catalogue_dir))
    assert problem.key_path == "applies_until" and "before applies_from" in problem.message


def test_policy_listing_a_criterion_twice(tmp_path, catalogue_dir):
    path = policy(tmp_path, "- munitions\n- {criterion: munitions, action: exclude}\n")
    [problem] = problems_of(lambda: load_policy(path, criteria_dir=catalogue_dir))
    assert problem.key_path == "criteria[1].criterion" and "listed twice" in problem.message


def test_validate_checks_policies_against_given_criteria(tmp_path, catalogue_dir):
    path = policy(tmp_path, "- {criterion: munitions, revenue_threshold: 0.5}\n")
    [problem] = validate_rule_files([catalogue_dir, path])
    assert problem.key_path == "criteria[0].revenue_threshold"
    assert validate_rule_files([catalogue_dir]) == []
    [missing] = validate_rule_files([tmp_path / "nowhere.yaml"])
    assert missing.message == "no such file or folder"


# ------------------------------------------------------------------------------------------
# the command line


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "exclusionscreen", "criteria", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_validate_exits_1_on_a_bad_file_and_0_on_good_ones(tmp_path, catalogue_dir):
    bad = write(tmp_path, "munitions.yaml", MUNITIONS + "    colour: red\n")
    failed = run_cli("validate", str(bad), str(REPO / "criteria"))
    assert failed.returncode == 1
    assert f"{bad}:18: colour: unknown key 'colour'" in failed.stderr
    assert "1 problem(s) found." in failed.stderr
    passed = run_cli("validate", str(catalogue_dir), str(REPO / "criteria"))
    assert passed.returncode == 0, passed.stderr
    assert "no problems" in passed.stdout


def test_cli_list_prints_every_shipped_criterion_and_policy():
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")}
    assert listed == CRITERION_IDS | REPRODUCTIONS | POLICY_IDS
    assert f"Criteria ({len(CRITERION_IDS | REPRODUCTIONS)}):" in result.stdout and "Policies (6):" in result.stdout


def test_a_policy_may_add_a_minority_tier_and_tighten_relations_with_the_action(tmp_path, catalogue_dir):
    path = policy(
        tmp_path,
        """
        - criterion: munitions
          ownership: {minority_owners_min_share: 0.2, minority_owners_action: watch}
        """,
    )
    [munitions] = load_policy(path, criteria_dir=catalogue_dir).criteria
    assert munitions.ownership.minority_owners_min_share == 0.2
    assert munitions.ownership.minority_owners_action is Action.WATCH
    assert munitions.ownership.controlling_parents is Action.EXCLUDE
    # a relation that took the criterion's action (watch) follows it when a policy makes it exclude
    shipped = policy(tmp_path, "- {criterion: private_military_services, action: exclude}", name="stricter")
    [services] = load_policy(shipped).criteria
    assert shipped_criteria()["private_military_services"].ownership.controlling_parents is Action.WATCH
    assert services.ownership.controlling_parents is Action.EXCLUDE


def test_raising_a_minority_tier_is_a_loosening():
    assert _loosening("minority_owners_min_share", 0.2, 0.3) == "raises the ownership share from 0.2 to 0.3"
    assert _loosening("minority_owners_min_share", 0.2, 0.1) is None
    assert _loosening("minority_owners_action", Action.EXCLUDE, Action.WATCH) == (
        "turns exclude into watch for minority owners"
    )
    assert _loosening("controlling_parents", Action.WATCH, Action.EXCLUDE) is None


def test_a_former_subsidiary_share_below_half_is_refused_with_the_new_key(tmp_path):
    path = write(
        tmp_path,
        "munitions.yaml",
        MUNITIONS.replace("      subsidiary_min_share: 0.5", "      subsidiary_min_share: 0.3"),
    )
    problem = only_problem(path)
    assert problem.key_path == "ownership.subsidiary_min_share"
    assert "controlled_subsidiaries" in problem.message
