"""The join stage: criterion hits on subjects become flags on holdings.

Hits are joined to the few thousand distinct securities through their subjects, then repeated for the
holdings of each: the million holdings are never merged with the hits directly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._fast import lookup, spans

__all__ = ["FLAG_BASE", "join_hits"]

#: the holding columns every flag carries
FLAG_BASE = [
    "portfolio_id",
    "holding_id",
    "holding_key",
    "security_name",
    "isin",
    "subject_id",
    "issuer_id",
    "issuer_name",
    "ultimate_parent_id",
    "market_value",
    "share_of_portfolio",
]


def join_hits(
    base: pd.DataFrame, codes: np.ndarray, subject_of: pd.Series, hits: pd.DataFrame, names: pd.Series
) -> pd.DataFrame:
    """One flag per holding and criterion hit, in the order of the holdings, then criterion.

    `codes` maps each holding of `base` to its distinct security and `subject_of` each distinct
    security to its subject; `names` gives the ultimate parents' names. Every flag's outcome starts
    as its hit's action, without an override; the ``_row`` column is the holding's position in `base`.
    """
    hits = hits.reset_index(drop=True)
    subjects = pd.DataFrame({"subject_id": subject_of.to_numpy(), "_code": np.arange(len(subject_of))})
    pairs = subjects.dropna(subset=["subject_id"]).merge(
        hits[["subject_id", "criterion_id"]].assign(_hit=np.arange(len(hits))), on="subject_id", how="inner"
    )
    pairs = pairs.sort_values(["_code", "criterion_id", "_hit"], kind="stable")
    per_code = np.bincount(pairs["_code"].to_numpy(), minlength=len(subject_of))
    start = np.concatenate([[0], np.cumsum(per_code)[:-1]])
    per_row = per_code[codes]
    rows = np.flatnonzero(per_row)
    repeat = per_row[rows]
    flag_rows = np.repeat(rows, repeat)
    hit_rows = pairs["_hit"].to_numpy()[spans(start[codes[rows]], repeat)]
    left = base[FLAG_BASE].take(flag_rows).reset_index(drop=True)
    right = hits.drop(columns="subject_id").take(hit_rows).reset_index(drop=True)
    flags = pd.concat([left, right], axis=1)
    if flags["subject_id"].dtype != hits["subject_id"].dtype:  # as a join on subject_id would give it
        flags["subject_id"] = flags["subject_id"].astype(object)
    flags["ultimate_parent_name"] = lookup(flags["ultimate_parent_id"], names)
    flags["outcome"] = flags["action"]
    flags["override"] = pd.Series(pd.NA, index=flags.index, dtype="str")
    flags["override_rationale"] = pd.Series(pd.NA, index=flags.index, dtype="str")
    flags["_row"] = flag_rows
    return flags
