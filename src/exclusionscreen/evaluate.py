"""Criteria evaluation on the subject table: which issuers (or name-only subjects) each criterion hits.

Everything here works on issuers, not holdings: criteria are applied as whole-column operations on the
evidence, ownership rules spread hits to parents and subsidiaries, and the engine joins the result to
holdings afterwards. A loop runs over criteria (a handful), never over issuers or holdings.

The screen's evaluate stage is :func:`evaluate_policy`: the policy's hits, the PAI 14 hits and the
review items (unknown revenue shares that the policy sends to review).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._fast import lookup
from .evidence import REVIEW_COLUMNS, PreparedEvidence, valid_on
from .ownership import OwnershipGraph, ownership_graph, ownership_links, related
from .rulefiles import load_policy, shipped_criteria
from .rules import Criterion, Policy
from .vocabulary import DEFAULT_SUPPLY_CATEGORY, Action, Evidence, UnknownShare, Via

__all__ = [
    "HIT_COLUMNS",
    "PAI14_CRITERIA",
    "PAI14_POLICY",
    "PolicyHits",
    "evaluate_criteria",
    "evaluate_policy",
    "pai14_criteria",
    "shipped_catalogue",
]

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
#: the shipped policy that reproduces SFDR PAI 14, and its criterion that measures the indicator as
#: written: involvement in the manufacture or selling of the four weapons (see docs/methodology.md)
PAI14_POLICY = "sfdr_pai14"
PAI14_CRITERIA = ("pai14_controversial_weapons",)
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
            "unknown_share": c.unknown_share.value,
            "max_age": c.max_evidence_age_years,
        }
        for c in criteria
        for cat in c.categories
        for t in c.involvement_types
    ]
    columns = ["criterion_id", "category", "involvement_type", "threshold", "criterion_action", "unknown_share"]
    return pd.DataFrame(rows, columns=[*columns, "max_age"]).astype({"max_age": float})


#: review, watch and exclude from the loosest to the strictest (an aged row gives at most watch)
_RANK = {UnknownShare.REVIEW.value: 0, Action.WATCH.value: 1, Action.EXCLUDE.value: 2}


def _percent(share: pd.Series) -> pd.Series:
    """Shares as percentages in words ("3 %"), each distinct value formatted once."""
    value = (share * 100).round(2)
    return value.map({v: f"{v:g} %" for v in value.dropna().unique()}).astype("string")


def _with(note: pd.Series, extra: pd.Series) -> pd.Series:
    """`note` followed by `extra` (either may be missing), joined by '; '."""
    note, extra = note.astype("string"), extra.astype("string")
    both = note.notna() & note.ne("") & extra.notna()
    return note.where(extra.isna(), extra).where(~both, note + "; " + extra)


def _age_checks(rows: pd.DataFrame, as_of: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """(aged, reason): rows older than their criterion's maximum evidence age, and what the flag says
    about the age of every row (older than the limit, or undated)."""
    limits = rows["max_age"].dropna().unique()
    cutoffs = {n: as_of - pd.DateOffset(years=int(n)) for n in limits}
    cutoff = pd.to_datetime(rows["max_age"].map(cutoffs))
    date = rows["evidence_date"]
    # exactly N years old is within the limit; a day more is older
    aged = date.notna() & cutoff.notna() & (date < cutoff)
    years = rows["max_age"].astype("Int64").astype("string")
    reason = pd.Series(pd.NA, index=rows.index, dtype="string")
    # the words are built for the rows that need them only
    dated = date[aged].dt.strftime("%Y-%m-%d").astype("string")
    reason[aged] = "evidence older than " + years[aged] + " years (dated " + dated + ")"
    undated = date.isna()
    reason[undated] = "evidence undated"
    limited = undated & rows["max_age"].notna()
    reason[limited] = "evidence undated: its age cannot be checked against the " + years[limited] + "-year limit"
    return aged, reason


def _summed(rows: pd.DataFrame, aged: pd.Series) -> pd.DataFrame:
    """Rows with a known share under a threshold above 0, added up per subject, criterion, source and
    year of the evidence (undated rows of one source form a group of their own): one row per group that
    reaches the threshold, with the group's sum as its share. A group reaches it with its rows within the
    age limit (the criterion's action) or only with older rows too (watch)."""
    year = rows["evidence_date"].dt.year.astype("Int64").astype("string").fillna("undated")
    keys = [rows["subject_id"], rows["criterion_id"], rows["source"].astype("string"), year]
    group = pd.Series(pd.MultiIndex.from_arrays(keys).factorize()[0], index=rows.index)
    share = rows["revenue_share"]
    total = share.groupby(group).transform("sum").round(10)
    fresh = share.where(~aged, 0.0).groupby(group).transform("sum").round(10)
    count = group.map(group.value_counts())
    first = rows.assign(_group=group, _share=share).sort_values("_share", ascending=False, kind="stable")
    first = first.drop_duplicates("_group").index
    out = rows.loc[first]
    if out.empty:
        return out
    threshold = out["threshold"]
    reach_fresh, reach_any = fresh[first] >= threshold, total[first] >= threshold
    # the reason of an older row where the sum needs it, none where the rows within the limit suffice
    older = rows["_age_reason"].where(aged).groupby(group).first()
    own = out["_age_reason"].where(~aged[first])
    out = out.assign(
        revenue_share=total[first],
        action=out["criterion_action"].where(reach_fresh, Action.WATCH.value),
        _aged=~reach_fresh,
        _age_reason=own.where(reach_fresh, group[first].map(older).astype("string")),
    )
    # what several rows add up to, in words (text is joined only for groups of more than one row)
    multi = count > 1
    if multi.any():
        several = rows[multi].assign(_share=_percent(share[multi]), _group=group[multi])
        joined = several.groupby("_group")[["_share", "category", "involvement_type"]].agg(
            lambda s: " + ".join(s) if s.name == "_share" else ", ".join(dict.fromkeys(s))
        )
        of = group[first].where(multi[first])
        note = (
            "revenue shares of "
            + count[first].astype(str)
            + " rows of this source and year added up: "
            + of.map(joined["_share"]).astype("string")
            + " = "
            + _percent(total[first])
        )
        out["_sum_note"] = note.where(multi[first])
        out["category"] = of.map(joined["category"]).fillna(out["category"])
        out["involvement_type"] = of.map(joined["involvement_type"]).fillna(out["involvement_type"])
    return out[reach_any]


def _involvement_hits(criteria, ev: PreparedEvidence, names: pd.Series, as_of: pd.Timestamp):
    """Involvement evidence x every involvement criterion in one join: (hits, review items).

    Rows under a threshold of 0 each hit. Under a threshold above 0, known shares are added up per
    subject, criterion, source and year (:func:`_summed`); a row whose share is unknown gives what the
    criterion's ``unknown_share`` says: a review item, a watch or an exclude flag. A row older than the
    criterion's maximum evidence age gives at most watch.
    """
    scope = _criteria_table(criteria)
    rows = ev.involvement.merge(scope, on=["category", "involvement_type"], how="inner")
    aged, age_reason = _age_checks(rows, as_of)
    share, threshold = rows["revenue_share"], rows["threshold"]
    unknown = share.isna() & (threshold > 0)
    # columns are set on the whole frame before it is split (a column set on an empty frame takes the
    # index of the values it is given)
    rows = rows.assign(
        _age_reason=age_reason,
        _aged=aged,
        action=rows["criterion_action"].where(~unknown, rows["unknown_share"]),
        _sum_note=("revenue share unknown (threshold " + _percent(threshold) + "): " + rows["unknown_share"]).where(
            unknown
        ),
    )
    summed = _summed(rows[share.notna() & (threshold > 0)], aged)
    rows = pd.concat([rows[threshold == 0], summed, rows[unknown]])
    capped = rows["_aged"].astype(bool) & (rows["action"].map(_RANK) > _RANK[Action.WATCH.value])
    rows["action"] = rows["action"].where(~capped, Action.WATCH.value)
    extra = rows.reindex(columns=["_sum_note"])["_sum_note"]
    note = _with(_with(rows["note"], extra), rows["_age_reason"])
    cause_name = rows["matched_name"].fillna(lookup(rows["subject_id"], names)).fillna(rows["issuer_name"])
    review = rows["action"].eq(UnknownShare.REVIEW.value)
    items = pd.DataFrame(
        {
            "kind": "revenue share unknown",
            "evidence_name": cause_name[review],
            "evidence_source": rows.loc[review, "source"],
            "candidate_subject_id": rows.loc[review, "subject_id"],
            "candidate_name": cause_name[review],
            "candidate_score": rows.loc[review, "match_confidence"],
            "reason": "criterion "
            + rows.loc[review, "criterion_id"]
            + ": "
            + note[review].fillna("revenue share unknown"),
        },
        columns=REVIEW_COLUMNS,
    )
    rows, note, cause_name = rows[~review], note[~review], cause_name[~review]
    hits = _frame(
        rows,
        None,
        Via.DIRECT,
        cause_issuer_id=rows["subject_id"].where(~rows["subject_id"].str.startswith("name:")),
        cause_name=cause_name,
        evidence_source=rows["source"],
        evidence_url=rows["source_url"],
        evidence_note=note,
        action=rows["action"],
    )
    return hits, items.reset_index(drop=True)


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


# relation -> (walks upward, control links only, how the flag arose, the relation in words)
_RELATIONS = {
    "controlling_parents": (True, True, Via.PARENT, "controlling parent of"),
    "controlled_subsidiaries": (False, True, Via.SUBSIDIARY, "controlled subsidiary of"),
    "minority_owners": (True, False, Via.PARENT, "owner of"),
}


def _effective_percent(share: pd.Series) -> pd.Series:
    """An effective ownership share in words, to one decimal ("36 %")."""
    return (share * 100).round(1).map("{:g} %".format)


def _spread(criteria, hits: pd.DataFrame, graph: OwnershipGraph) -> pd.DataFrame:
    """Hits that ownership rules add, all criteria at once: along each relation a criterion follows,
    the companies related to an involved issuer, with the relation's action (watch where the involved
    issuer's own hit is a watch, or where a share on the way is unknown)."""
    start = hits[hits["cause_issuer_id"].notna()].rename(columns={"subject_id": "issuer_id"})
    # one start per issuer and criterion: its strongest hit
    start = start.sort_values("action", key=lambda a: a.ne(Action.EXCLUDE.value), kind="stable")
    start = start.drop_duplicates(["issuer_id", "criterion_id"])
    out = []
    for relation, (upward, control_only, via, words) in _RELATIONS.items():
        actions = {c.id: c.ownership.relations[relation].value for c in criteria if relation in c.ownership.relations}
        rows = start[start["criterion_id"].isin(actions)]
        if rows.empty:
            continue
        found = related(graph, rows, upward=upward, control_only=control_only)
        if found.empty:
            continue
        if control_only:
            sure = found["controlled"]
        else:
            floor = found["criterion_id"].map({c.id: c.ownership.minority_owners_min_share for c in criteria})
            found = found[found["share_most"] >= floor - 1e-12]
            if found.empty:
                continue
            sure = found["share_known"] >= floor[found.index] - 1e-12
        excluded = sure & found["action"].eq(Action.EXCLUDE.value)
        action = found["criterion_id"].map(actions).where(excluded, Action.WATCH.value)
        path = found["path"].where(found["path"].eq(""), " via " + found["path"])
        share = found["share_known"].where(found["share_known"].eq(found["share_most"]))
        shown = (", effective share " + _effective_percent(share)).where(share.notna(), ", effective share unknown")
        relation_note = (words + " " + found["cause_name"].fillna(found["cause_issuer_id"]) + path + shown).where(
            sure, "ownership share unknown: possibly " + words + " " + found["cause_name"].fillna("") + path
        )
        spread = found.assign(
            subject_id=found["relative_id"],
            via=via.value,
            action=action,
            evidence_note=(found["evidence_note"].fillna("").astype(str) + " [" + relation_note + "]").str.strip(),
        )
        out.append(spread[HIT_COLUMNS])
    return pd.concat(out, ignore_index=True) if out else hits[HIT_COLUMNS].iloc[:0]


def _evaluate(criteria, universe, ev: PreparedEvidence, as_of: pd.Timestamp, names: pd.Series | None = None):
    """(every criterion hit on a subject, one row per subject and criterion; the review items)."""
    criteria = list(criteria)
    names = universe.issuers.set_index("issuer_id")["issuer_name"] if names is None else names
    involvement = [c for c in criteria if c.evidence is Evidence.INVOLVEMENT]
    direct_hits, review = _involvement_hits(involvement, ev, names, as_of)
    frames = [direct_hits]
    for c in criteria:
        if c.evidence is Evidence.COUNTRY_EXPOSURE:
            frames.append(_exposure_hits(c, universe, as_of, names))
        elif c.evidence is Evidence.SOVEREIGN:
            frames.append(_sovereign_hits(c, universe, as_of))
        elif c.evidence is Evidence.ENTITY_LIST:
            frames.append(_list_hits(c, ev))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=HIT_COLUMNS), review
    direct = pd.concat(frames, ignore_index=True)
    graph = ownership_graph(ownership_links(universe.issuers, universe.ownership_links), names)
    hits = pd.concat([direct, _spread(criteria, direct, graph)], ignore_index=True)
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
    return hits.iloc[order].drop_duplicates(["subject_id", "criterion_id"]).reset_index(drop=True), review


def evaluate_criteria(
    criteria, universe, ev: PreparedEvidence, as_of: pd.Timestamp, names: pd.Series | None = None
) -> pd.DataFrame:
    """Every criterion hit on a subject, one row per subject and criterion (the strongest evidence).

    `names` is the issuers' names by issuer id, built from `universe` when not given. Rows whose
    unknown revenue share a criterion sends to review raise no hit (see :func:`evaluate_policy`).
    """
    return _evaluate(criteria, universe, ev, as_of, names)[0]


@lru_cache(maxsize=1)
def shipped_catalogue() -> dict[str, Criterion]:
    """The shipped criteria, read once per process (overrides may name any of them)."""
    return shipped_criteria()


@lru_cache(maxsize=1)
def pai14_criteria() -> tuple[Criterion, ...]:
    """The criteria that measure SFDR PAI 14: :data:`PAI14_CRITERIA` as the shipped policy
    :data:`PAI14_POLICY` applies them (read once per process)."""
    policy = load_policy(PAI14_POLICY)
    return tuple(policy.criterion(c) for c in PAI14_CRITERIA)


class PolicyHits(NamedTuple):
    """What the evaluate stage gives the screen."""

    hits: pd.DataFrame  #: the hits of the policy's criteria
    pai14_hits: pd.DataFrame  #: the hits of the PAI 14 criterion, whatever the policy
    review: pd.DataFrame  #: rows whose unknown revenue share the policy sends to review (evidence review rows)


def evaluate_policy(
    policy: Policy, universe, ev: PreparedEvidence, as_of: pd.Timestamp, names: pd.Series
) -> PolicyHits:
    """The screen's evaluate stage: the hits of the policy's criteria, the hits of the criterion that
    reproduces SFDR PAI 14 (:func:`pai14_criteria`; PAI 14 reports involvement whatever the policy
    excludes), and the review items of the policy's criteria."""
    hits, review = _evaluate(policy.criteria, universe, ev, as_of, names)
    return PolicyHits(hits, evaluate_criteria(pai14_criteria(), universe, ev, as_of, names), review)
