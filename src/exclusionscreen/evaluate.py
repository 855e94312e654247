"""Criteria evaluation on the subject table: which issuers (or name-only subjects) each criterion hits.

Everything here works on issuers, not holdings: criteria are applied as whole-column operations on the
evidence, ownership rules spread hits to parents and subsidiaries, and the engine joins the result to
holdings afterwards. A loop runs over criteria (a handful), never over issuers or holdings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .evidence import match_names
from .ownership import ancestors, descendants
from .rules import Criterion
from .vocabulary import Action, Evidence, Via

__all__ = ["HIT_COLUMNS", "Evidence", "PreparedEvidence", "evaluate_criteria", "prepare_evidence", "valid_on"]

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
_VIA_RANK = {Via.DIRECT: 0, Via.LIST: 1, Via.COUNTRY_EXPOSURE: 2, Via.SOVEREIGN: 3, Via.PARENT: 4, Via.SUBSIDIARY: 5}


def valid_on(frame: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Rows whose validity covers `day` (an empty valid_from means in force before any screened date)."""
    starts = frame["valid_from"].isna() | (frame["valid_from"] <= day)
    ends = frame["valid_to"].isna() | (frame["valid_to"] >= day)
    return starts & ends


@dataclass(frozen=True)
class PreparedEvidence:
    """Evidence tied to subjects, ready for every criterion of a screen."""

    involvement: pd.DataFrame
    entity_matches: pd.DataFrame
    review: pd.DataFrame
    warnings: tuple[str, ...]


def prepare_evidence(
    universe, subjects: pd.DataFrame, as_of: pd.Timestamp, *, match_threshold: float, review_threshold: float
) -> PreparedEvidence:
    """Tie involvement rows and entity-list entries valid on `as_of` to subjects."""
    warnings: list[str] = []
    reviews: list[pd.DataFrame] = []
    known = set(universe.issuers["issuer_id"])

    inv = universe.involvement.reset_index(drop=True)
    future = inv["evidence_date"].notna() & (inv["evidence_date"] > as_of)
    if future.any():
        warnings.append(f"{int(future.sum())} involvement row(s) dated after {as_of.date()} were not used")
    inv = inv[~future].assign(entry_id=lambda f: f.index.astype(str))
    by_id = inv["issuer_id"].isin(known)
    stray = inv["issuer_id"].notna() & ~by_id
    if stray.any():
        ids = ", ".join(sorted(inv.loc[stray, "issuer_id"].unique())[:10])
        warnings.append(
            f"{int(stray.sum())} involvement row(s) name issuer ids not in the universe ({ids}); "
            "their issuer_name, where given, was matched instead"
        )
    direct = inv[by_id].assign(
        subject_id=inv["issuer_id"], match_method="issuer_id", match_confidence=1.0, matched_name=pd.NA
    )
    named = inv[~by_id & inv["issuer_name"].notna()]
    matches, doubtful = match_names(
        named.rename(columns={"issuer_name": "name"})[["entry_id", "name"]],
        subjects,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
    )
    by_name = named.merge(matches, on="entry_id")
    involvement = pd.concat([direct, by_name], ignore_index=True)
    if len(doubtful):
        d = named.merge(doubtful, on="entry_id")
        reviews.append(
            pd.DataFrame(
                {
                    "kind": "involvement evidence",
                    "evidence_name": d["issuer_name"],
                    "evidence_source": d["source"],
                    "candidate_subject_id": d["subject_id"],
                    "candidate_name": d["matched_name"],
                    "candidate_score": d["match_confidence"],
                    "reason": "evidence name match below the confidence bar",
                }
            )
        )

    lists = universe.entity_lists
    lists = lists[valid_on(lists, as_of)].reset_index(drop=True)
    lists = lists.assign(entry_id=lists.index.astype(str))
    matches, doubtful = match_names(
        lists[["entry_id", "name", "aliases"]],
        subjects,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
    )
    entity_matches = lists.merge(matches, on="entry_id")
    if len(doubtful):
        d = lists.merge(doubtful, on="entry_id")
        reviews.append(
            pd.DataFrame(
                {
                    "kind": "entity list " + d["list_id"],
                    "evidence_name": d["name"],
                    "evidence_source": d["source"],
                    "candidate_subject_id": d["subject_id"],
                    "candidate_name": d["matched_name"],
                    "candidate_score": d["match_confidence"],
                    "reason": "list name match below the confidence bar",
                }
            )
        )
    review = (
        pd.concat(reviews, ignore_index=True)
        if reviews
        else pd.DataFrame(
            columns=[
                "kind",
                "evidence_name",
                "evidence_source",
                "candidate_subject_id",
                "candidate_name",
                "candidate_score",
                "reason",
            ]
        )
    )
    return PreparedEvidence(involvement, entity_matches, review, tuple(warnings))


def _frame(rows: pd.DataFrame, criterion: Criterion, via: Via, **columns) -> pd.DataFrame:
    out = pd.DataFrame(index=rows.index)
    for name in HIT_COLUMNS:
        value = columns.get(name, rows[name] if name in rows.columns else pd.NA)
        out[name] = value
    out["criterion_id"] = criterion.id
    out["criterion_version"] = criterion.version
    out["basis"] = criterion.basis.value
    out["via"] = via.value
    return out


def _involvement_hits(c: Criterion, ev: PreparedEvidence, names: pd.Series) -> pd.DataFrame:
    inv = ev.involvement
    rows = inv[inv["category"].isin(c.categories) & inv["involvement_type"].isin(c.involvement_types)]
    threshold = c.revenue_threshold or 0.0
    share = rows["revenue_share"]
    if threshold > 0:
        rows = rows[share.isna() | (share >= threshold)]
        action = np.where(rows["revenue_share"].isna(), Action.WATCH.value, c.action.value)
    else:
        action = c.action.value
    cause_name = rows["matched_name"].fillna(rows["subject_id"].map(names)).fillna(rows["issuer_name"])
    return _frame(
        rows,
        c,
        Via.DIRECT,
        cause_issuer_id=rows["subject_id"].where(~rows["subject_id"].str.startswith("name:")),
        cause_name=cause_name,
        threshold=threshold,
        evidence_source=rows["source"],
        evidence_url=rows["source_url"],
        evidence_note=rows["note"],
        action=action,
    )


def _exposure_hits(c: Criterion, universe, as_of: pd.Timestamp, names: pd.Series) -> pd.DataFrame:
    ex = universe.country_exposure
    first_year = as_of.year - (c.lookback_years or 1) + 1
    ex = ex[(ex["year"] >= first_year) & (ex["year"] <= as_of.year)]
    lists = universe.country_lists[universe.country_lists["list_id"].isin(c.country_lists)]
    pairs = ex.merge(
        lists[["list_id", "country", "valid_from", "valid_to"]], left_on="recipient_country", right_on="country"
    )
    year_start = pd.to_datetime(pairs["year"].astype(str) + "-01-01")
    year_end = pd.to_datetime(pairs["year"].astype(str) + "-12-31").clip(upper=as_of)
    on_list = (pairs["valid_from"].isna() | (pairs["valid_from"] <= year_end)) & (
        pairs["valid_to"].isna() | (pairs["valid_to"] >= year_start)
    )
    pairs = pairs[on_list]
    note = (
        pairs["description"].fillna("delivery")
        + " to "
        + pairs["recipient_country"]
        + " in "
        + pairs["year"].astype(str)
    )
    return _frame(
        pairs,
        c,
        Via.COUNTRY_EXPOSURE,
        subject_id=pairs["issuer_id"],
        cause_issuer_id=pairs["issuer_id"],
        cause_name=pairs["issuer_id"].map(names),
        evidence_source=pairs["source"],
        evidence_url=pairs["source_url"],
        evidence_date=pd.to_datetime(pairs["year"].astype(str) + "-12-31"),
        evidence_note=note,
        match_method="issuer_id",
        match_confidence=1.0,
        action=c.action.value,
    )


def _sovereign_hits(c: Criterion, universe, as_of: pd.Timestamp) -> pd.DataFrame:
    issuers = universe.issuers
    states = issuers[issuers["issuer_type"] == "sovereign"]
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
        evidence_note="listed as " + m["name"] + "; matched " + m["matched_name"],
        action=c.action.value,
    )


def _spread(c: Criterion, hits: pd.DataFrame, issuers: pd.DataFrame) -> pd.DataFrame:
    """Hits that ownership rules add: parents and subsidiaries of the involved issuers."""
    start = hits[hits["cause_issuer_id"].notna()].rename(columns={"subject_id": "issuer_id"})
    out = []
    for share, walk, via in (
        (c.ownership.parent_min_share, ancestors, Via.PARENT),
        (c.ownership.subsidiary_min_share, descendants, Via.SUBSIDIARY),
    ):
        if share is None or start.empty:
            continue
        found = walk(issuers, start, share)
        if len(found):
            spread = found.drop(columns=["issuer_id"]).rename(columns={"relative_id": "subject_id"})
            spread["via"] = via.value
            spread["evidence_note"] = (
                spread["evidence_note"].fillna("").astype(str)
                + f" [{via.value} rule: owns "
                + (spread["share"] * 100).round(1).astype(str)
                + " %]"
            ).str.strip()
            out.append(spread[HIT_COLUMNS])
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=HIT_COLUMNS)


def evaluate_criteria(criteria, universe, ev: PreparedEvidence, as_of: pd.Timestamp) -> pd.DataFrame:
    """Every criterion hit on a subject, one row per subject and criterion (the strongest evidence)."""
    names = universe.issuers.set_index("issuer_id")["issuer_name"]
    frames = []
    for c in criteria:
        if c.evidence is Evidence.INVOLVEMENT:
            hits = _involvement_hits(c, ev, names)
        elif c.evidence is Evidence.COUNTRY_EXPOSURE:
            hits = _exposure_hits(c, universe, as_of, names)
        elif c.evidence is Evidence.SOVEREIGN:
            hits = _sovereign_hits(c, universe, as_of)
        else:
            hits = _list_hits(c, ev)
        if len(hits):
            frames.append(hits)
            frames.append(_spread(c, hits, universe.issuers))
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=HIT_COLUMNS)
    hits = pd.concat(frames, ignore_index=True)
    rank = pd.DataFrame(
        {
            "action_rank": (hits["action"] != Action.EXCLUDE.value).astype(int),
            "via_rank": hits["via"].map({v.value: r for v, r in _VIA_RANK.items()}),
            "share": -hits["revenue_share"].astype(float).fillna(-1.0),
            "confidence": -hits["match_confidence"].astype(float).fillna(0.0),
        }
    )
    order = np.lexsort((rank["confidence"], rank["share"], rank["via_rank"], rank["action_rank"]))
    hits = hits.iloc[order].drop_duplicates(["subject_id", "criterion_id"]).reset_index(drop=True)
    return hits
