"""The review stage: what an analyst must decide.

Holdings that could not be resolved to an issuer, holdings resolved with a doubtful candidate, and
evidence whose name matched a subject only doubtfully (from the evidence stage), each tied to the
holdings of that subject: one row per holding and candidate entity, however many editions of a list
name it, the rows with most at stake (market value, then weight) first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._fast import isin as isin_
from ._fast import lookup
from .names import normalise_names
from .vocabulary import Status

__all__ = ["review_rows"]


def review_rows(
    screened: pd.DataFrame,
    codes: np.ndarray,
    per_security: pd.DataFrame,
    evidence_review: pd.DataFrame,
    names: pd.Series,
) -> pd.DataFrame:
    """The screen's review stage: one row per unresolved or doubtful holding of `screened` (kind
    ``holding``), then the doubtful evidence matches.

    `codes` maps the holdings to the distinct securities of `per_security` (their review reason and
    candidate issuer); `names` gives the candidates' names by issuer id.
    """
    doubtful = per_security["candidate_issuer_id"].notna().to_numpy()[codes]
    need = screened["status"].eq(Status.UNRESOLVED.value).to_numpy() | doubtful
    rows = screened[need]
    resolved = per_security[["review_reason", "candidate_issuer_id", "candidate_score"]].take(codes[need])
    resolved = resolved.set_axis(rows.index)
    holdings = pd.DataFrame(
        {
            "kind": "holding",
            "portfolio_id": rows["portfolio_id"],
            "holding_id": rows["holding_id"],
            "holding_key": rows["holding_key"],
            "security_name": rows["security_name"],
            "isin": rows["isin"],
            "ticker": rows["ticker"],
            "market_value": rows["market_value"],
            "share_of_portfolio": rows["share_of_portfolio"],
            "reason": resolved["review_reason"],
            "candidate_issuer_id": resolved["candidate_issuer_id"],
            "candidate_name": lookup(resolved["candidate_issuer_id"], names),
            "candidate_score": resolved["candidate_score"],
        }
    )
    evidence = _evidence_rows(
        screened, per_security["subject_id"].take(codes).set_axis(screened.index), evidence_review
    )
    review = pd.concat([holdings, evidence], ignore_index=True)
    review = review.astype({"candidate_score": float, "market_value": float, "share_of_portfolio": float})
    order = np.lexsort((-review["share_of_portfolio"].fillna(-np.inf), -review["market_value"].fillna(-np.inf)))
    return review.iloc[order].reset_index(drop=True)


_HOLDING_COLUMNS = [
    "portfolio_id",
    "holding_id",
    "holding_key",
    "security_name",
    "isin",
    "ticker",
    "market_value",
    "share_of_portfolio",
]


def _evidence_rows(screened: pd.DataFrame, subject_of: pd.Series, evidence_review: pd.DataFrame) -> pd.DataFrame:
    """Doubtful evidence matches, one row per holding of the candidate subject and evidence entity (by
    kind and normalised name): the best score's row, with every source that names the entity."""
    evidence = evidence_review.rename(columns={"candidate_subject_id": "candidate_issuer_id"})
    if evidence.empty:
        return evidence.reindex(columns=[*evidence.columns, *_HOLDING_COLUMNS])
    held = screened[_HOLDING_COLUMNS].assign(_subject=subject_of.astype("string"))
    held = held[held["_subject"].notna() & isin_(held["_subject"], evidence["candidate_issuer_id"])]
    rows = evidence.assign(_subject=evidence["candidate_issuer_id"].astype("string")).merge(
        held, on="_subject", how="left"
    )
    entity = normalise_names(rows["evidence_name"]).fillna(rows["evidence_name"].astype("string"))
    key = [rows["kind"].astype("string"), entity, rows["candidate_issuer_id"].astype("string")]
    key += [rows["portfolio_id"].astype("string"), rows["holding_id"].astype("string")]
    group = pd.Series(pd.MultiIndex.from_arrays([k.fillna("") for k in key]).factorize()[0], index=rows.index)
    sources = (
        rows["evidence_source"].astype("string").groupby(group).agg(lambda s: " | ".join(dict.fromkeys(s.dropna())))
    )
    best = rows.assign(_group=group).sort_values("candidate_score", ascending=False, kind="stable")
    best = best.drop_duplicates("_group").sort_index()
    best["evidence_source"] = best["_group"].map(sources).astype("string")
    return best.drop(columns=["_subject", "_group"])
