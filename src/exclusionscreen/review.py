"""The review stage: what an analyst must decide.

Holdings that could not be resolved to an issuer, holdings resolved with a doubtful candidate, and
evidence whose name matched a subject only doubtfully (from the evidence stage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._fast import lookup
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
    evidence = evidence_review.rename(columns={"candidate_subject_id": "candidate_issuer_id"})
    review = pd.concat([holdings, evidence], ignore_index=True)
    return review.astype({"candidate_score": float, "market_value": float, "share_of_portfolio": float})
