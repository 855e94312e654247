"""Criteria evaluation on the subject table: which issuers (or name-only subjects) each criterion hits.

Everything here works on issuers, not holdings: criteria are applied as whole-column operations on the
evidence, ownership rules spread hits to parents and subsidiaries, and the engine joins the result to
holdings afterwards. A loop runs over criteria (a handful), never over issuers or holdings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._fast import isin, lookup, value_set
from .evidence import match_names, subject_index
from .names import NameIndex
from .ownership import ancestors, descendants
from .rules import Criterion
from .vocabulary import Action, Evidence, Via

__all__ = [
    "HIT_COLUMNS",
    "Evidence",
    "PreparedEvidence",
    "evaluate_criteria",
    "match_list_identifiers",
    "prepare_evidence",
    "valid_on",
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
_VIA_RANK = {Via.DIRECT: 0, Via.LIST: 1, Via.COUNTRY_EXPOSURE: 2, Via.SOVEREIGN: 3, Via.PARENT: 4, Via.SUBSIDIARY: 5}


def valid_on(frame: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Rows in force on `day`: ``valid_from <= day < valid_to`` (half-open; empty dates are open)."""
    starts = frame["valid_from"].isna() | (frame["valid_from"] <= day)
    ends = frame["valid_to"].isna() | (frame["valid_to"] > day)
    return starts & ends


@dataclass(frozen=True)
class PreparedEvidence:
    """Evidence tied to subjects, ready for every criterion of a screen."""

    involvement: pd.DataFrame
    entity_matches: pd.DataFrame
    review: pd.DataFrame
    warnings: tuple[str, ...]


_MATCH_COLUMNS = ["entry_id", "entry_name", "subject_id", "matched_name", "match_method", "match_confidence"]


def _split_ids(lists: pd.DataFrame, column: str) -> pd.DataFrame:
    """(entry_id, value) for every value of a " | "-joined identifier column of entity-list rows."""
    if column not in lists.columns:
        return pd.DataFrame(columns=["entry_id", "value"])
    values = lists[["entry_id", column]].dropna()
    values = values.assign(value=values[column].astype(str).str.split("|")).explode("value")
    values["value"] = values["value"].str.strip().str.upper()
    return values.loc[values["value"].ne(""), ["entry_id", "value"]]


def match_list_identifiers(lists: pd.DataFrame, identifiers: pd.DataFrame) -> pd.DataFrame:
    """Entity-list entries matched to subjects by ISIN, then by ticker with exchange code.

    `lists` holds entries with ``entry_id``, ``name`` and optional ``isins`` and ``tickers``
    (" | "-joined; a ticker is written with its exchange code, ``0728 HK``). `identifiers` has
    ``subject_id``, ``isin``, ``ticker`` and ``exchange`` (any may be missing). An entry matched
    by ISIN is not matched again by ticker. Returns the columns of a name match, with
    ``match_method`` ``isin`` or ``ticker_exchange`` and confidence 1.0.
    """
    found = []
    isins = _split_ids(lists, "isins")
    ids = identifiers.assign(
        isin=identifiers["isin"].astype("string").str.strip().str.upper(),
        ticker=(
            identifiers["ticker"].astype("string").str.strip().str.upper()
            + " "
            + identifiers["exchange"].astype("string").str.strip().str.upper()
        ),
    )
    by_isin = isins.merge(ids[["subject_id", "isin"]].dropna(), left_on="value", right_on="isin")
    found.append(by_isin.assign(match_method="isin"))
    tickers = _split_ids(lists, "tickers")
    tickers = tickers[~tickers["entry_id"].isin(by_isin["entry_id"])]
    by_ticker = tickers.merge(ids[["subject_id", "ticker"]].dropna(), left_on="value", right_on="ticker")
    found.append(by_ticker.assign(match_method="ticker_exchange"))
    out = pd.concat(found, ignore_index=True)
    names = lists.set_index("entry_id")["name"]
    return (
        out.assign(
            entry_name=out["entry_id"].map(names),
            matched_name=out["value"],
            match_confidence=1.0,
        )
        .drop_duplicates(["entry_id", "subject_id"])[_MATCH_COLUMNS]
        .reset_index(drop=True)
    )


def _review_rows(kind, doubtful: pd.DataFrame) -> pd.DataFrame:
    """Doubtful evidence matches as review rows."""
    return pd.DataFrame(
        {
            "kind": kind,
            "evidence_name": doubtful["entry_name"],
            "evidence_source": doubtful["source"],
            "candidate_subject_id": doubtful["subject_id"],
            "candidate_name": doubtful["matched_name"],
            "candidate_score": doubtful["match_confidence"],
            "reason": doubtful["reason"],
        }
    )


def prepare_evidence(
    universe,
    subjects: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    match_threshold: float,
    review_threshold: float,
    index: NameIndex | None = None,
    identifiers: pd.DataFrame | None = None,
) -> PreparedEvidence:
    """Tie involvement rows and entity-list entries valid on `as_of` to subjects.

    `index` is the subjects' :func:`~exclusionscreen.evidence.subject_index`, built here when not given.
    Entity-list entries that carry ISINs or tickers match first by those, against the universe's
    securities and `identifiers` (``subject_id``, ``isin``, ``ticker``, ``exchange`` of subjects
    that are not issuers of the universe); only the entries left are matched by name.
    """
    index = subject_index(subjects) if index is None else index
    warnings: list[str] = []
    reviews: list[pd.DataFrame] = []
    known = value_set(universe.issuers["issuer_id"])

    inv = universe.involvement.reset_index(drop=True)
    future = inv["evidence_date"].notna() & (inv["evidence_date"] > as_of)
    if future.any():
        warnings.append(f"{int(future.sum())} involvement row(s) dated after {as_of.date()} were not used")
    inv = inv[~future].assign(entry_id=lambda f: f.index.astype(str))
    by_id = isin(inv["issuer_id"], known)
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
        index=index,
    )
    by_name = named.merge(matches, on="entry_id")
    involvement = pd.concat([direct, by_name], ignore_index=True)
    if len(doubtful):
        d = named.merge(doubtful, on="entry_id")
        reviews.append(_review_rows("involvement evidence", d))

    lists = universe.entity_lists
    lists = lists[valid_on(lists, as_of)].reset_index(drop=True)
    lists = lists.assign(entry_id=lists.index.astype(str))
    securities = universe.securities
    known_ids = securities[securities["issuer_id"].notna()].rename(columns={"issuer_id": "subject_id"})
    id_columns = ["subject_id", "isin", "ticker", "exchange"]
    parts = [known_ids.reindex(columns=id_columns)]
    if identifiers is not None:
        parts.append(identifiers.reindex(columns=id_columns))
    by_id = match_list_identifiers(lists, pd.concat(parts, ignore_index=True))
    matches, doubtful = match_names(
        lists.loc[~lists["entry_id"].isin(by_id["entry_id"]), ["entry_id", "name", "aliases"]],
        subjects,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        index=index,
    )
    entity_matches = lists.merge(pd.concat([by_id, matches], ignore_index=True), on="entry_id")
    if len(doubtful):
        d = lists.merge(doubtful, on="entry_id")
        reviews.append(_review_rows("entity list " + d["list_id"], d))
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
            out[name] = pd.Series(value, index=rows.index, dtype="object")
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
        pairs["valid_to"].isna() | (pairs["valid_to"] > year_start)
    )
    pairs = pairs[on_list]
    note = (
        pairs["description"].fillna("delivery")
        + " (recipient "
        + pairs["recipient_country"]
        + ", "
        + pairs["year"].astype(str)
        + ")"
    )
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
        action=c.action.value,
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
        parent = m["parent_name"].astype("string")
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
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=HIT_COLUMNS)


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
