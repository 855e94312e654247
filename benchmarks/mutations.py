"""Mutation check of the core rules: does the test suite notice when a rule is broken?

Each mutation below changes one rule of the package in a small way that a careless edit could
make (``<`` for ``<=``, a threshold off by one, a branch dropped). For each, the script copies the
package to a temporary folder, applies the change to the copy, runs the tests that cover the rule
against the copy and reports whether they fail (the mutation is *killed*) or pass (it *survives*:
the rule is not pinned by any test). The working tree is never changed.

    .venv/bin/python benchmarks/mutations.py [--only NAME ...] [--list]

It prints one line per mutation and a total; the goal is 0 surviving. A mutation whose text is no
longer found in the code is reported as *stale* (the code moved: update the mutation).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "exclusionscreen"


@dataclass(frozen=True)
class Mutation:
    """One broken rule: in `file` (relative to the package), `old` (found exactly once) becomes `new`."""

    name: str
    area: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


#: the test modules the mutations name
BOUNDARIES = "tests/engine/test_boundaries.py"
SCREEN = "tests/engine/test_screen.py"
STAGES = "tests/engine/test_stages.py"
OWNERSHIP = "tests/engine/test_ownership.py"
APPROVALS = "tests/hostile/test_approvals.py"
IDENTIFIERS = "tests/test_identifiers.py"
SAFETY = "tests/report/test_safety.py"
FILES = "tests/report/test_files.py"
LINKS = "tests/report/test_links.py"
ROWS = "tests/holdings/test_roles_and_rows.py"
EVIDENCE_RULES = "tests/engine/test_evidence_rules.py"
CONDUCT = "tests/engine/test_conduct.py"

MUTATIONS: list[Mutation] = [
    # ------------------------------------------------------------------ revenue thresholds
    Mutation(
        "share at the threshold not caught",
        "thresholds",
        "evaluate.py",
        "reach_fresh, reach_any = fresh[first] >= threshold, total[first] >= threshold",
        "reach_fresh, reach_any = fresh[first] > threshold, total[first] > threshold",
        (EVIDENCE_RULES, "-k", "exactly_at_the_threshold"),
    ),
    Mutation(
        "shares summed across sources",
        "thresholds",
        "evaluate.py",
        'keys = [rows["subject_id"], rows["criterion_id"], rows["source"].astype("string"), year]',
        'keys = [rows["subject_id"], rows["criterion_id"], year]',
        (EVIDENCE_RULES, "-k", "added_up"),
    ),
    Mutation(
        "shares summed across years",
        "thresholds",
        "evaluate.py",
        'keys = [rows["subject_id"], rows["criterion_id"], rows["source"].astype("string"), year]',
        'keys = [rows["subject_id"], rows["criterion_id"], rows["source"].astype("string")]',
        (EVIDENCE_RULES, "-k", "added_up"),
    ),
    Mutation(
        "unknown share setting ignored (always the criterion's action)",
        "thresholds",
        "evaluate.py",
        'action=rows["criterion_action"].where(~unknown, rows["unknown_share"]),',
        'action=rows["criterion_action"],',
        (EVIDENCE_RULES, SCREEN, "-k", "unknown_share or revenue_thresholds"),
    ),
    Mutation(
        "unknown share setting ignored (always watch)",
        "thresholds",
        "evaluate.py",
        'action=rows["criterion_action"].where(~unknown, rows["unknown_share"]),',
        'action=rows["criterion_action"].where(~unknown, "watch"),',
        (EVIDENCE_RULES, "-k", "unknown_share"),
    ),
    Mutation(
        "unknown share default exclude",
        "thresholds",
        "rule_schema.py",
        "unknown_share: UnknownShareChoice = UnknownShare.WATCH",
        "unknown_share: UnknownShareChoice = UnknownShare.EXCLUDE",
        (EVIDENCE_RULES, "-k", "unknown_share"),
    ),
    Mutation(
        "unknown share dropped",
        "thresholds",
        "evaluate.py",
        "rows = pd.concat([rows[threshold == 0], summed, rows[unknown]])",
        "rows = pd.concat([rows[threshold == 0], summed])",
        (EVIDENCE_RULES, SCREEN, "-k", "unknown_share or revenue_thresholds"),
    ),
    Mutation(
        "PAI 14 reproduction counts development too",
        "thresholds",
        "../../criteria/pai14_controversial_weapons.yaml",
        "involvement_types: [production, sale]",
        "involvement_types: [production, sale, development]",
        (EVIDENCE_RULES, "-k", "sfdr_pai14"),
    ),
    # ------------------------------------------------------------------ evidence that ends or ages
    Mutation(
        "evidence still counts on its valid_to",
        "evidence age",
        "evidence.py",
        'return frame["valid_to"].notna() & (frame["valid_to"] <= day)',
        'return frame["valid_to"].notna() & (frame["valid_to"] < day)',
        (EVIDENCE_RULES, "-k", "ended"),
    ),
    Mutation(
        "evidence ended the day before its valid_to",
        "evidence age",
        "evidence.py",
        'return frame["valid_to"].notna() & (frame["valid_to"] <= day)',
        'return frame["valid_to"].notna() & (frame["valid_to"] <= day + pd.Timedelta(days=1))',
        (EVIDENCE_RULES, "-k", "ended"),
    ),
    Mutation(
        "evidence exactly N years old taken as aged",
        "evidence age",
        "evaluate.py",
        "aged = date.notna() & cutoff.notna() & (date < cutoff)",
        "aged = date.notna() & cutoff.notna() & (date <= cutoff)",
        (EVIDENCE_RULES, "-k", "maximum_age"),
    ),
    Mutation(
        "maximum age one year too short",
        "evidence age",
        "evaluate.py",
        "cutoffs = {n: as_of - pd.DateOffset(years=int(n)) for n in limits}",
        "cutoffs = {n: as_of - pd.DateOffset(years=int(n) - 1) for n in limits}",
        (EVIDENCE_RULES, "-k", "maximum_age"),
    ),
    Mutation(
        "aged evidence keeps the criterion's action",
        "evidence age",
        "evaluate.py",
        'capped = rows["_aged"].astype(bool) & (rows["action"].map(_RANK) > _RANK[Action.WATCH.value])',
        'capped = rows["_aged"].astype(bool) & False',
        (EVIDENCE_RULES, "-k", "maximum_age or older_rows"),
    ),
    # ------------------------------------------------------------------ conduct by product and recipient
    Mutation(
        "list_actions ignored (the criterion's action for every list)",
        "conduct",
        "evaluate.py",
        'action=pairs["list_id"].map(actions),',
        "action=c.action.value,",
        (CONDUCT, "-k", "action_of_each_list or excluding_list_wins"),
    ),
    Mutation(
        "arms sales read the all-programme embargo lists",
        "conduct",
        "../../criteria/arms_sales_rights_violating_regimes.yaml",
        "country_lists: [un_arms_embargo_state, eu_arms_embargo_state, uk_arms_embargo_state, fh_not_free]",
        "country_lists: [un_arms_embargo, eu_arms_embargo, uk_arms_embargo, fh_not_free]",
        (CONDUCT, "-k", "state_not_targeted"),
    ),
    # ------------------------------------------------------------------ ownership
    Mutation(
        "shares not multiplied along a chain",
        "ownership",
        "ownership.py",
        '"lo": np.repeat(level["lo"].to_numpy(), size) * known[edge],',
        '"lo": known[edge],',
        (OWNERSHIP,),
    ),
    Mutation(
        "shares not summed over the paths",
        "ownership",
        "ownership.py",
        '"lo": grouped["lo"].sum(),',
        '"lo": grouped["lo"].max(),',
        (OWNERSHIP,),
    ),
    Mutation(
        "a link without a share taken as control",
        "ownership",
        "ownership.py",
        "unknown = ~control & np.isnan(share)",
        "control, unknown = control | np.isnan(share), np.zeros(len(share), dtype=bool)",
        (OWNERSHIP,),
    ),
    Mutation(
        "control begins above half",
        "ownership",
        "ownership.py",
        "control = flag | (share >= CONTROL_SHARE - _TOLERANCE)",
        "control = flag | (share > CONTROL_SHARE)",
        (BOUNDARIES, "-k", "exactly_half"),
    ),
    Mutation(
        "control not transitive (the product of the shares tested instead)",
        "ownership",
        "ownership.py",
        '"ctl": np.repeat(level["ctl"].to_numpy(), size) & ctl[edge],',
        '"ctl": (np.repeat(level["lo"].to_numpy(), size) * known[edge]) >= CONTROL_SHARE,',
        (OWNERSHIP,),
    ),
    Mutation(
        "minority tier caught above the share only",
        "ownership",
        "evaluate.py",
        'sure = found["share_known"] >= floor[found.index] - 1e-12',
        'sure = found["share_known"] > floor[found.index]',
        (OWNERSHIP, "-k", "minority"),
    ),
    Mutation(
        "subsidiary rule walks upwards",
        "ownership",
        "evaluate.py",
        '"controlled_subsidiaries": (False, True, Via.SUBSIDIARY, "controlled subsidiary of"),',
        '"controlled_subsidiaries": (True, True, Via.SUBSIDIARY, "controlled subsidiary of"),',
        (BOUNDARIES, "-k", "exactly_half"),
    ),
    # ------------------------------------------------------------------ overrides
    Mutation(
        "override expires on its expiry date",
        "overrides",
        "overrides.py",
        '(table["expires_on"] < as_of)',
        '(table["expires_on"] <= as_of)',
        (STAGES, "-k", "expiry"),
    ),
    Mutation(
        "override pending on its approval date",
        "overrides",
        "overrides.py",
        '(table["approved_on"] > as_of)',
        '(table["approved_on"] >= as_of)',
        (STAGES, "-k", "approval"),
    ),
    Mutation(
        "override applied the day before its approval",
        "overrides",
        "overrides.py",
        '(table["approved_on"] > as_of)',
        '(table["approved_on"] > as_of + pd.Timedelta(days=1))',
        (STAGES, "-k", "approval"),
    ),
    Mutation(
        "dates win over criterion not in policy",
        "overrides",
        "overrides.py",
        "np.select([not_in_policy, not_yet, expired], [NOT_IN_POLICY, NOT_YET_APPROVED, EXPIRED]",
        "np.select([not_yet, expired, not_in_policy], [NOT_YET_APPROVED, EXPIRED, NOT_IN_POLICY]",
        (STAGES, "-k", "outside_the_policy"),
    ),
    Mutation(
        "enforce treated as exempt",
        "overrides",
        "overrides.py",
        'flags.loc[target, "outcome"] = "exempt" if row["decision"] == "exempt" else "exclude"',
        'flags.loc[target, "outcome"] = "exempt"',
        (BOUNDARIES, "-k", "watch_flag_into"),
    ),
    Mutation(
        "override applies to every criterion of the issuer",
        "overrides",
        "overrides.py",
        'target = target.fillna(False) & (flags["criterion_id"] == row["criterion_id"])',
        "target = target.fillna(False)",
        (SCREEN, "-k", "exempting_one_security"),
    ),
    Mutation(
        "exemption not lifted from the restricted list",
        "overrides",
        "overrides.py",
        'rows = rows[rows["_lifted"].isna()].drop(columns="_lifted")',
        'rows = rows.drop(columns="_lifted")',
        (SCREEN, "-k", "restricted or exempting"),
    ),
    Mutation(
        "exemption lifts every criterion from the restricted list",
        "overrides",
        "overrides.py",
        'rows = rows.merge(lifted.drop_duplicates(), on=[key, "criterion_id"], how="left")',
        'rows = rows.merge(lifted.drop(columns="criterion_id").drop_duplicates(), on=key, how="left")',
        (SCREEN, "-k", "exempting_one_security"),
    ),
    Mutation(
        "expired exemption still lifts the restricted list",
        "overrides",
        "overrides.py",
        'active = table[table["state"].str.startswith(APPLIED)]',
        "active = table",
        (BOUNDARIES, "-k", "restricted_list"),
    ),
    # ------------------------------------------------------------------ approvals
    Mutation(
        "blank approver accepted",
        "approvals",
        "overrides.py",
        'for column in ("criterion_id", "rationale", "approver", "approved_on"):',
        'for column in ("criterion_id", "rationale", "approved_on"):',
        (APPROVALS, "-k", "real_approval"),
    ),
    Mutation(
        "a rationale of spaces accepted",
        "approvals",
        "overrides.py",
        'frame[column] = stripped.mask(stripped == "")',
        "frame[column] = frame[column]",
        (APPROVALS, "-k", "real_approval"),
    ),
    Mutation(
        "review decision of the screening date pending",
        "approvals",
        "overrides.py",
        'later = decisions["decided_on"] > day',
        'later = decisions["decided_on"] >= day',
        (APPROVALS, "-k", "decision"),
    ),
    # ------------------------------------------------------------------ list validity
    Mutation(
        "list entry still in force on its valid_to",
        "list validity",
        "evidence.py",
        'ends = frame["valid_to"].isna() | (frame["valid_to"] > day)',
        'ends = frame["valid_to"].isna() | (frame["valid_to"] >= day)',
        (BOUNDARIES, "-k", "valid_to"),
    ),
    Mutation(
        "list entry not yet in force on its valid_from",
        "list validity",
        "evidence.py",
        'starts = frame["valid_from"].isna() | (frame["valid_from"] <= day)',
        'starts = frame["valid_from"].isna() | (frame["valid_from"] < day)',
        (BOUNDARIES, "-k", "valid_to"),
    ),
    # ------------------------------------------------------------------ country exposure
    Mutation(
        "first look-back year left out",
        "exposure",
        "evaluate.py",
        '(ex["year"] >= first_year)',
        '(ex["year"] > first_year)',
        (BOUNDARIES, "-k", "look_back"),
    ),
    Mutation(
        "look-back one year too long",
        "exposure",
        "evaluate.py",
        "first_year = as_of.year - (c.lookback_years or 1) + 1",
        "first_year = as_of.year - (c.lookback_years or 1)",
        (BOUNDARIES, "-k", "look_back"),
    ),
    Mutation(
        "deliveries dated after the screening year count",
        "exposure",
        "evaluate.py",
        'ex = ex[(ex["year"] >= first_year) & (ex["year"] <= as_of.year)]',
        'ex = ex[ex["year"] >= first_year]',
        (BOUNDARIES, "-k", "look_back"),
    ),
    Mutation(
        "embargo must cover the whole delivery year",
        "exposure",
        "evaluate.py",
        '(pairs["valid_from"] <= year_end)',
        '(pairs["valid_from"] <= year_start)',
        (BOUNDARIES, "-k", "delivery_year"),
    ),
    Mutation(
        "embargo ended in the delivery year ignored",
        "exposure",
        "evaluate.py",
        '(pairs["valid_to"] > year_start)',
        '(pairs["valid_to"] > year_end)',
        (BOUNDARIES, "-k", "delivery_year"),
    ),
    Mutation(
        "embargo ending on 1 January covers that year",
        "exposure",
        "evaluate.py",
        '(pairs["valid_to"] > year_start)',
        '(pairs["valid_to"] >= year_start)',
        (BOUNDARIES, "-k", "delivery_year"),
    ),
    Mutation(
        "embargo beginning after the screening date counts",
        "exposure",
        "evaluate.py",
        ".clip(upper=as_of)",
        "",
        (BOUNDARIES, "-k", "delivery_year"),
    ),
    # ------------------------------------------------------------------ sovereigns
    Mutation(
        "sovereign hit by an embargo that has ended",
        "sovereigns",
        "evaluate.py",
        'lists = lists[lists["list_id"].isin(c.country_lists) & valid_on(lists, as_of)]',
        'lists = lists[lists["list_id"].isin(c.country_lists)]',
        (BOUNDARIES, "-k", "states_on_a_list"),
    ),
    Mutation(
        "companies of an embargoed state taken as the state",
        "sovereigns",
        "evaluate.py",
        'states = issuers.loc[issuers["issuer_type"] == "sovereign", ["issuer_id", "issuer_name", "country"]]',
        'states = issuers.loc[:, ["issuer_id", "issuer_name", "country"]]',
        (BOUNDARIES, "-k", "states_on_a_list"),
    ),
    # ------------------------------------------------------------------ hit dedupe
    Mutation(
        "dedupe keeps the more direct watch over an exclude",
        "dedupe",
        "evaluate.py",
        'np.lexsort((rank["confidence"], rank["share"], rank["via_rank"], rank["action_rank"]))',
        'np.lexsort((rank["confidence"], rank["share"], rank["action_rank"], rank["via_rank"]))',
        (BOUNDARIES, "-k", "exclude_evidence_wins"),
    ),
    Mutation(
        "dedupe ranks watch first",
        "dedupe",
        "evaluate.py",
        '"action_rank": (hits["action"] != Action.EXCLUDE.value).astype(int)',
        '"action_rank": (hits["action"] == Action.EXCLUDE.value).astype(int)',
        (BOUNDARIES, "-k", "exclude_evidence_wins"),
    ),
    # ------------------------------------------------------------------ statuses
    Mutation(
        "a holding's status follows its weakest flag",
        "statuses",
        "status.py",
        '_OUTCOMES = (Action.EXCLUDE.value, Action.WATCH.value, "exempt")',
        '_OUTCOMES = (Action.WATCH.value, Action.EXCLUDE.value, "exempt")',
        (SCREEN, "-k", "every_status or revenue_thresholds or exempting_one_security"),
    ),
    Mutation(
        "cash and FX screened",
        "statuses",
        "status.py",
        "(~screenable, Status.NOT_APPLICABLE),\n",
        "",
        (SCREEN, "-k", "every_status"),
    ),
    Mutation(
        "unresolved holdings reported clear",
        "statuses",
        "status.py",
        "default=Status.UNRESOLVED,",
        "default=Status.CLEAR,",
        (SCREEN, "-k", "every_status"),
    ),
    Mutation(
        "exempt criteria listed as hit",
        "statuses",
        "status.py",
        'hit = flags.loc[flags["outcome"] != "exempt", ["_row", "criterion_id"]].drop_duplicates()',
        'hit = flags.loc[:, ["_row", "criterion_id"]].drop_duplicates()',
        (BOUNDARIES, "-k", "restricted_list"),
    ),
    # ------------------------------------------------------------------ injection escaping
    Mutation(
        "text starting with - not quoted in the workbook",
        "escaping",
        "report/_writer.py",
        '_FORMULA_START = re.compile(r"^[=+\\-@\\t\\r]")',
        '_FORMULA_START = re.compile(r"^[=+@\\t\\r]")',
        (SAFETY, "-k", "hostile_names"),
    ),
    Mutation(
        "restricted list CSV not escaped",
        "escaping",
        "report/_writer.py",
        't.mask(t.str.match(_FORMULA_START).fillna(False), "\'" + t)',
        "t",
        (FILES, "-k", "restricted"),
    ),
    Mutation(
        "any scheme becomes a link",
        "escaping",
        "report/_sheets.py",
        '_URL = re.compile(r"^https?://',
        '_URL = re.compile(r"^[a-z]+:',
        (LINKS,),
    ),
    Mutation(
        "links with hidden characters clickable",
        "escaping",
        "report/_sheets.py",
        "return ok & (text.str.len() <= MAX_LINK_LENGTH).fillna(False) & ~hidden_characters(text)",
        "return ok & (text.str.len() <= MAX_LINK_LENGTH).fillna(False)",
        (LINKS,),
    ),
    # ------------------------------------------------------------------ row accounting
    Mutation(
        "rows with a valid ISIN and no value dropped",
        "row accounting",
        "holdings/_table.py",
        "holding |= candidate & _valid_code(text, code_columns, columns)",
        "pass",
        (ROWS, "-k", "valid_isin"),
    ),
    Mutation(
        "rows without a number neither kept nor skipped",
        "row accounting",
        "holdings/_build.py",
        "keep = reason.isna()",
        "keep = reason.isna() & has_number",
        (ROWS, "-k", "valid_isin"),
    ),
    Mutation(
        "a holding named Total... skipped as a total line",
        "row accounting",
        "holdings/_table.py",
        "total = first_text.str.match(_TOTAL).fillna(False).astype(bool) & ~has_code & ~blank",
        "total = first_text.str.match(_TOTAL).fillna(False).astype(bool) & ~blank",
        (ROWS, "-k", "named_total"),
    ),
    # ------------------------------------------------------------------ identifiers
    Mutation(
        "ISIN column check doubles the wrong digits",
        "identifiers",
        "identifiers.py",
        "doubled = position % 2 == 0",
        "doubled = position % 2 == 1",
        (IDENTIFIERS,),
    ),
    Mutation(
        "ISIN check digit doubles the wrong digits",
        "identifiers",
        "identifiers.py",
        "sum([_DOUBLED[c] for c in digits[0::2]]) + sum([_SINGLE[c] for c in digits[1::2]])",
        "sum([_DOUBLED[c] for c in digits[1::2]]) + sum([_SINGLE[c] for c in digits[0::2]])",
        (IDENTIFIERS,),
    ),
    Mutation(
        "CUSIP doubles the wrong positions",
        "identifiers",
        "identifiers.py",
        "if position % 2 == 1:",
        "if position % 2 == 0:",
        (IDENTIFIERS,),
    ),
    Mutation(
        "SEDOL weight mistyped",
        "identifiers",
        "identifiers.py",
        "weights = (1, 3, 1, 7, 3, 9)",
        "weights = (1, 3, 1, 7, 3, 7)",
        (IDENTIFIERS,),
    ),
    Mutation(
        "LEI remainder of 0 accepted",
        "identifiers",
        "identifiers.py",
        "% 97 == 1",
        "% 97 in (0, 1)",
        (IDENTIFIERS, "-k", "lei"),
    ),
    Mutation(
        "CINS code without country gets a US ISIN",
        "identifiers",
        "identifiers.py",
        'country.isna() & out["cusip"].str[0].str.isdigit().fillna(False).astype(bool)',
        "country.isna()",
        (IDENTIFIERS, "-k", "cins"),
    ),
]


def _copy_tree(target: Path) -> Path:
    """A copy of what the package needs to run from a source tree: src, criteria, sample data, pyproject."""
    shutil.copytree(ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("criteria", "sample_portfolios"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target / "src" / "exclusionscreen"


def _apply(package: Path, mutation: Mutation) -> bool:
    path = package / mutation.file
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    if text.count(mutation.old) != 1:
        return False
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
    return True


def stale(mutation: Mutation) -> bool:
    """True when the mutation's text is not found exactly once in the working tree's package."""
    path = PACKAGE / mutation.file
    return not path.is_file() or path.read_text(encoding="utf-8").count(mutation.old) != 1


#: a pytest plugin loaded in the child: it writes down which exclusionscreen the tests imported, so
#: that a run against the working tree's package (an editable install, a path set by a plugin or a
#: conftest) is caught rather than reported as a surviving mutation
_GUARD = """
import os

def pytest_sessionfinish(session):
    import exclusionscreen
    with open(os.environ["EXCLUSIONSCREEN_MUTANT_IMPORTED"], "w", encoding="utf-8") as f:
        f.write(exclusionscreen.__file__)
"""


def run(mutation: Mutation, python: str, timeout: float = 300.0) -> tuple[str, float, str]:
    """The outcome ('killed', 'survived', 'stale', 'timeout' or 'error'), the seconds the tests took,
    and for an error what went wrong.

    pytest's exit status says which: 1 (tests failed) kills the mutation, 0 lets it survive; any other
    (no test selected, a collection or usage error) is an error of the mutation's test selection.
    """
    with tempfile.TemporaryDirectory(prefix="exclusionscreen-mutant-") as tmp:
        package = _copy_tree(Path(tmp))
        if not _apply(package, mutation):
            return "stale", 0.0, ""
        guard = Path(tmp) / "guard"
        guard.mkdir()
        (guard / "_mutant_guard.py").write_text(_GUARD, encoding="utf-8")
        imported = Path(tmp) / "imported.txt"
        env = {
            **os.environ,
            # before site-packages, so before the editable install of the working tree
            "PYTHONPATH": os.pathsep.join([str(Path(tmp) / "src"), str(guard)]),
            "PYTHONDONTWRITEBYTECODE": "1",
            "EXCLUSIONSCREEN_MUTANT_IMPORTED": str(imported),
        }
        command = [python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "_mutant_guard"]
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [*command, *mutation.tests], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return "timeout", time.perf_counter() - start, ""
        took = time.perf_counter() - start
        where = imported.read_text(encoding="utf-8") if imported.is_file() else ""
        if where and not Path(where).resolve().is_relative_to(package.resolve()):
            return "error", took, f"the tests imported {where}, not the mutated copy"
        if done.returncode == 1:
            return "killed", took, ""
        if done.returncode == 0:
            return "survived", took, ""
        tail = (done.stdout.strip().splitlines() or ["?"])[-1]
        return "error", took, f"pytest exit status {done.returncode}: {tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="run only the mutations with these names")
    parser.add_argument("--area", nargs="*", help="run only the mutations of these areas")
    parser.add_argument("--list", action="store_true", help="list the mutations (and whether each is stale) and exit")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if (not args.only or m.name in args.only) and (not args.area or m.area in args.area)]
    if args.list:
        for m in chosen:
            print(f"{'stale' if stale(m) else 'ok':<6} {m.area:<15} {m.name:<55} {m.file}")
        return 1 if any(stale(m) for m in chosen) else 0
    counts = dict.fromkeys(("killed", "survived", "stale", "timeout", "error"), 0)
    print(f"{len(chosen)} mutations of the core rules, each against the tests that cover it\n")
    print(f"{'outcome':<9} {'area':<15} {'mutation':<55} {'seconds':>7}")
    for m in chosen:
        outcome, took, why = run(m, sys.executable)
        counts[outcome] += 1
        print(f"{outcome:<9} {m.area:<15} {m.name:<55} {took:7.1f}", flush=True)
        if outcome == "survived":
            print(f"{'':<9} not caught by: {' '.join(m.tests)}")
        elif why:
            print(f"{'':<9} {why}")
    print(
        f"\n{counts['killed']} killed, {counts['survived']} surviving, {counts['stale']} stale"
        + "".join(f", {counts[k]} {k}" for k in ("timeout", "error") if counts[k])
    )
    return 0 if counts["survived"] == counts["stale"] == counts["error"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
