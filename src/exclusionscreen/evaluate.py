"""Criteria evaluation on the subject table: which issuers (or name-only subjects) each criterion hits.

Everything here works on issuers, not holdings: criteria are applied as whole-column operations on the
evidence, ownership rules spread hits to parents and subsidiaries, and the engine joins the result to
holdings afterwards. A loop runs over criteria (a handful), never over issuers or holdings.

The screen's evaluate stage is :func:`evaluate_policy`: the policy's hits and the PAI 14 hits.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ._fast import lookup
from .evidence import PreparedEvidence, valid_on
from .ownership import ancestors, descendants
from .rulefiles import shipped_criteria
from .rules import Criterion, Policy
from .vocabulary import DEFAULT_SUPPLY_CATEGORY, Action, Evidence, Via

__all__ = ["HIT_COLUMNS", "PAI14_CRITERIA", "evaluate_criteria", "evaluate_policy", "shipped_catalogue"]

HIT_COLUMNS = [
    "subject_id",
    "criterion_id",
    "criterion_version",
    "basis",
    "via",
    "cause_issuer_id",
    "cause_name",
    "category",
    "involvement_type",
    "revenue_share",
    "threshold",
    "recipient_country",
    "list_id",
    "match_method",
    "match_confidence",
    "evidence_source",
    "evidence_url",
    "evidence_date",
    "evidence_note",
    "action",
]
#: the criteria whose involvement SFDR PAI 14 measures
PAI14_CRITERIA = ("anti_personnel_mines", "cluster_munitions", "chemical_weapons", "biological_weapons")
_VIA_RANK = {Via.DIRECT: 0, Via.LIST: 1, Via.COUNTRY_EXPOSURE: 2, Via.SOVEREIGN: 3, Via.PARENT: 4, Via.SUBSIDIARY: 5}


_NUMERIC = {"revenue_share", "threshold", "match_confidence"}


def _frame(rows: pd.DataFrame, criterion: Criterion, via: Via, **columns) -> pd.DataFrame:
    out = pd.DataFrame(index=rows.index)
    for name in HIT_COLUMNS:
        value = columns.get(name, rows[name] if name in rows.columns else None)
        if name in _NUMERIC:
            out[name] = pd.to_numeric(pd.Series(value, index=rows.index), errors="coerce").astype(float)
        elif name == "evidence_date":
            out[name] = pd.to_datetime(pd.Series(value, index=rows.index), errors="coerce")
        else:
            out[name] = pd.Series(value, index=rows.index, dtype="str")
    if criterion is not None:
        out["criterion_id"] = criterion.id
    out["via"] = via.value
    return out


def _criteria_table(criteria) -> pd.DataFrame:
    """One row per involvement criterion, category and involvement type in scope."""
    rows = [
        {
            "criterion_id": c.id,
            "category": cat,
            "involvement_type": t,
            "threshold": c.revenue_threshold or 0.0,
            "criterion_action": c.action.value,
        }
        for c in criteria
        for cat in c.categories
        for t in c.involvement_types
    ]
    return pd.DataFrame(rows, columns=["criterion_id", "category", "involvement_type", "threshold", "criterion_action"])


def _involvement_hits(criteria, ev: PreparedEvidence, names: pd.Series) -> pd.DataFrame:
    """Involvement evidence x every involvement criterion in one join."""
    scope = _criteria_table(criteria)
    rows = ev.involvement.merge(scope, on=["category", "involvement_type"], how="inner")
    share = rows["revenue_share"]
    threshold = rows["threshold"]
    rows = rows[(threshold == 0) | share.isna() | (share >= threshold)]
    unknown = rows["revenue_share"].isna() & (rows["threshold"] > 0)
    action = rows["criterion_action"].where(~unknown, Action.WATCH.value)
    cause_name = rows["matched_name"].fillna(lookup(rows["subject_id"], names)).fillna(rows["issuer_name"])
    return _frame(
        rows,
        None,
        Via.DIRECT,
        cause_issuer_id=rows["subject_id"].where(~rows["subject_id"].str.startswith("name:")),
        cause_name=cause_name,
        evidence_source=rows["source"],
        evidence_url=rows["source_url"],
        evidence_note=rows["note"],
        action=action,
    )


def _exposure_hits(c: Criterion, universe, as_of: pd.Timestamp, names: pd.Series) -> pd.DataFrame:
    """Deliveries of the criterion's categories (a row without one is arms) in its look-back years to a
    state on one of its lists in the delivery year; each hit takes the action of the list it came through."""
    ex = universe.country_exposure
    first_year = as_of.year - (c.lookback_years or 1) + 1
    ex = ex[(ex["year"] >= first_year) & (ex["year"] <= as_of.year)]
    supplied = ex["category"].fillna(DEFAULT_SUPPLY_CATEGORY) if "category" in ex.columns else DEFAULT_SUPPLY_CATEGORY
    ex = ex.assign(category=supplied)
    ex = ex[ex["category"].isin(c.categories or (DEFAULT_SUPPLY_CATEGORY,))]
    lists = universe.country_lists[universe.country_lists["list_id"].isin(c.country_lists)]
    pairs = ex.merge(
        lists[["list_id", "country", "valid_from", "valid_to"]], left_on="recipient_country", right_on="country"
    )
    year_start = pd.to_datetime(pairs["year"].astype(str) + "-01-01")
    year_end = pd.to_datetime(pairs["year"].astype(str) + "-12-31").clip(upper=as_of)
    on_list = (pairs["valid_from"].isna() | (pairs["valid_from"] <= year_end)) & (
        pairs["valid_to"].isna() | (pairs["valid_to"] > year_start)
    )
    pairs = pairs[on_list]
    note = (
        pairs["description"].fillna("delivery")
        + " ("
        + pairs["category"]
        + " to "
        + pairs["recipient_country"]
        + ", "
        + pairs["year"].astype(str)
        + "; recipient on "
        + pairs["list_id"]
        + ")"
    )
    actions = {list_id: c.list_action(list_id).value for list_id in c.country_lists}
    return _frame(
        pairs,
        c,
        Via.COUNTRY_EXPOSURE,
        subject_id=pairs["issuer_id"],
        cause_issuer_id=pairs["issuer_id"],
        cause_name=lookup(pairs["issuer_id"], names),
        evidence_source=pairs["source"],
        evidence_url=pairs["source_url"],
        evidence_date=pd.to_datetime(pairs["year"].astype(str) + "-12-31"),
        evidence_note=note,
        match_method="issuer_id",
        match_confidence=1.0,
        action=pairs["list_id"].map(actions),
    )


def _sovereign_hits(c: Criterion, universe, as_of: pd.Timestamp) -> pd.DataFrame:
    issuers = universe.issuers
    states = issuers.loc[issuers["issuer_type"] == "sovereign", ["issuer_id", "issuer_name", "country"]]
    lists = universe.country_lists
    lists = lists[lists["list_id"].isin(c.country_lists) & valid_on(lists, as_of)]
    pairs = states.merge(lists[["list_id", "country", "valid_from", "source", "source_url"]], on="country")
    return _frame(
        pairs,
        c,
        Via.SOVEREIGN,
        subject_id=pairs["issuer_id"],
        cause_issuer_id=pairs["issuer_id"],
        cause_name=pairs["issuer_name"],
        recipient_country=pairs["country"],
        evidence_source=pairs["source"],
        evidence_url=pairs["source_url"],
        evidence_date=pairs["valid_from"],
        evidence_note="state on list " + pairs["list_id"] + " on the screening date",
        match_method="issuer_country",
        match_confidence=1.0,
        action=c.action.value,
    )


def _list_note(m: pd.DataFrame) -> pd.Series:
    """Evidence note of list hits: the listed name, what matched, and the linked parent if any."""
    how = m["match_method"].map({"isin": "ISIN ", "ticker_exchange": "ticker "}).fillna("")
    note = (
        "listed as "
        + m["name"]
        + "; matched on "
        + how
        + m["entry_name"].where(how.eq(""), "")
        + (" = " + m["matched_name"]).where(how.eq(""), m["matched_name"])
    )
    if "parent_name" in m.columns:
        parent = m["parent_name"]
        note = note + ("; linked parent " + parent).where(parent.notna() & parent.ne(""), "")
    return note


def _list_hits(c: Criterion, ev: PreparedEvidence) -> pd.DataFrame:
    m = ev.entity_matches
    m = m[m["list_id"].isin(c.entity_lists)]
    return _frame(
        m,
        c,
        Via.LIST,
        cause_issuer_id=m["subject_id"].where(~m["subject_id"].str.startswith("name:")),
        cause_name=m["name"],
        evidence_source=m["source"],
        evidence_url=m["source_url"],
        evidence_date=m["valid_from"],
        evidence_note=_list_note(m),
        action=c.action.value,
    )


def _spread(criteria, hits: pd.DataFrame, issuers: pd.DataFrame) -> pd.DataFrame:
    """Hits that ownership rules add: parents and subsidiaries of the involved issuers, all criteria at once."""
    start = hits[hits["cause_issuer_id"].notna()].rename(columns={"subject_id": "issuer_id"})
    out = []
    for attribute, walk, via in (
        ("parent_min_share", ancestors, Via.PARENT),
        ("subsidiary_min_share", descendants, Via.SUBSIDIARY),
    ):
        floors = {c.id: getattr(c.ownership, attribute) for c in criteria}
        floors = {k: v for k, v in floors.items() if v is not None}
        rows = start[start["criterion_id"].isin(floors)]
        if rows.empty:
            continue
        found = walk(issuers, rows.assign(min_share=rows["criterion_id"].map(floors)))
        if len(found):
            spread = found.drop(columns=["issuer_id", "min_share"]).rename(columns={"relative_id": "subject_id"})
            spread["via"] = via.value
            spread["evidence_note"] = (
                spread["evidence_note"].fillna("").astype(str)
                + f" [{via.value} rule: owns "
                + (spread["share"] * 100).round(1).astype(str)
                + " %]"
            ).str.strip()
            out.append(spread[HIT_COLUMNS])
    return pd.concat(out, ignore_index=True) if out else hits[HIT_COLUMNS].iloc[:0]


def evaluate_criteria(
    criteria, universe, ev: PreparedEvidence, as_of: pd.Timestamp, names: pd.Series | None = None
) -> pd.DataFrame:
    """Every criterion hit on a subject, one row per subject and criterion (the strongest evidence).

    `names` is the issuers' names by issuer id, built from `universe` when not given.
    """
    criteria = list(criteria)
    names = universe.issuers.set_index("issuer_id")["issuer_name"] if names is None else names
    frames = [_involvement_hits([c for c in criteria if c.evidence is Evidence.INVOLVEMENT], ev, names)]
    for c in criteria:
        if c.evidence is Evidence.COUNTRY_EXPOSURE:
            frames.append(_exposure_hits(c, universe, as_of, names))
        elif c.evidence is Evidence.SOVEREIGN:
            frames.append(_sovereign_hits(c, universe, as_of))
        elif c.evidence is Evidence.ENTITY_LIST:
            frames.append(_list_hits(c, ev))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=HIT_COLUMNS)
    direct = pd.concat(frames, ignore_index=True)
    hits = pd.concat([direct, _spread(criteria, direct, universe.issuers)], ignore_index=True)
    by_id = {c.id: c for c in criteria}
    hits["criterion_version"] = hits["criterion_id"].map({k: c.version for k, c in by_id.items()})
    hits["basis"] = hits["criterion_id"].map({k: c.basis.value for k, c in by_id.items()})
    hits["threshold"] = hits["criterion_id"].map({k: c.revenue_threshold for k, c in by_id.items()}).astype(float)
    rank = pd.DataFrame(
        {
            "action_rank": (hits["action"] != Action.EXCLUDE.value).astype(int),
            "via_rank": hits["via"].map({v.value: r for v, r in _VIA_RANK.items()}),
            "share": -pd.to_numeric(hits["revenue_share"], errors="coerce").fillna(-1.0),
            "confidence": -pd.to_numeric(hits["match_confidence"], errors="coerce").fillna(0.0),
        }
    )
    order = np.lexsort((rank["confidence"], rank["share"], rank["via_rank"], rank["action_rank"]))
    return hits.iloc[order].drop_duplicates(["subject_id", "criterion_id"]).reset_index(drop=True)


@lru_cache(maxsize=1)
def shipped_catalogue() -> dict[str, Criterion]:
    """The shipped criteria, read once per process (PAI 14 is measured with their definitions)."""
    return shipped_criteria()


def evaluate_policy(
    policy: Policy, universe, ev: PreparedEvidence, as_of: pd.Timestamp, names: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The screen's evaluate stage: (the hits of the policy's criteria, the hits of the shipped PAI 14
    criteria). PAI 14 reports involvement whatever the policy excludes."""
    catalogue = shipped_catalogue()
    pai_criteria = [catalogue[c] for c in PAI14_CRITERIA if c in catalogue]
    return (
        evaluate_criteria(policy.criteria, universe, ev, as_of, names),
        evaluate_criteria(pai_criteria, universe, ev, as_of, names),
    )
