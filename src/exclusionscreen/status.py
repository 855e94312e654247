"""The status stage: every holding's status, the criteria that hit it and why it is not screened.

A holding is ``not_applicable`` when it is not a security with an issuer (cash, FX, ...); else
``excluded`` when any of its flags excludes it, ``watch`` when one watches it, ``clear`` when it
resolved to an issuer (or its only flags are exempt), and ``unresolved`` otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._fast import joined_runs
from .vocabulary import Action, Status

__all__ = ["holding_status", "select_status"]

#: each status once, as the text the holdings carry; statuses are picked from it by position
_STATUSES = pd.array([s.value for s in Status], dtype="str")
_POSITION = {s: i for i, s in enumerate(Status)}
#: a flag's outcomes, strongest first: a holding's status follows its strongest flag
_OUTCOMES = (Action.EXCLUDE.value, Action.WATCH.value, "exempt")
_NAMED_ONLY = "flagged by name-keyed evidence matched to the security name"
_ENFORCED = "excluded by an enforce override"


def select_status(*choices: tuple[np.ndarray, Status], default: Status) -> pd.arrays.ArrowStringArray:
    """``np.select`` over statuses: for each row, the status of the first condition that holds, else
    `default`. Each status's text is made once and taken by position, not written a million times."""
    picked = np.select([mask for mask, _ in choices], [_POSITION[s] for _, s in choices], default=_POSITION[default])
    return _STATUSES.take(picked)


def holding_status(
    base: pd.DataFrame, resolved: pd.DataFrame, flags: pd.DataFrame, codes: np.ndarray, per_security: pd.DataFrame
) -> pd.DataFrame:
    """The screen's status stage: every holding of `base` with its status, its resolution, the
    criteria that hit it (not exempt) and the reason it is not screened.

    `resolved` is each holding's resolution (:func:`~exclusionscreen.resolve.broadcast`), `flags` the
    flags after the overrides (their ``_row`` is the holding's position), `codes` maps holdings to
    the distinct securities of `per_security` (their review reason and asset class).
    """
    n = len(base)
    rows = flags["_row"].to_numpy()
    strongest = np.full(n, len(_OUTCOMES))
    rank = flags["outcome"].map({o: r for r, o in enumerate(_OUTCOMES)}).to_numpy(dtype=int)
    np.minimum.at(strongest, rows, rank)
    excluded, watch, exempt = (strongest == _OUTCOMES.index(o) for o in _OUTCOMES)
    screenable = resolved["screenable"].to_numpy(dtype=bool)
    has_issuer = resolved["issuer_id"].notna().to_numpy()
    status = select_status(
        (~screenable, Status.NOT_APPLICABLE),
        (excluded, Status.EXCLUDED),
        (watch, Status.WATCH),
        (has_issuer | exempt, Status.CLEAR),
        default=Status.UNRESOLVED,
    )
    enforced = np.zeros(n, dtype=bool)
    enforced[rows[(flags["override"] == "enforce").fillna(False).to_numpy(dtype=bool)]] = True
    named_only = screenable & ~has_issuer & (excluded | watch)
    return base.drop(columns="subject_id").assign(
        status=pd.Series(status, index=base.index),
        resolution_method=resolved["resolution_method"],
        resolution_confidence=resolved["resolution_confidence"],
        criteria_hit=_criteria_hit(flags, base.index),
        reason=_reason(
            codes,
            per_security,
            base.index,
            unresolved=np.asarray(status == Status.UNRESOLVED.value, dtype=bool),
            not_screenable=~screenable,
            named_only=named_only,
            enforced=enforced,
        ),
    )


def _reason(codes, per_security, index, *, unresolved, not_screenable, named_only, enforced) -> pd.Series:
    """Why a holding is not screened (its security's review reason, or its asset class), or that only
    name-keyed evidence flagged it; missing for the others."""
    k = len(per_security)
    # the texts, one after the other: each security's review reason (position i), each security's
    # asset-class note (k + i), then the two texts for holdings flagged by name only (2k, 2k + 1)
    texts = pd.concat(
        [
            per_security["review_reason"],
            "not a security with an issuer (" + per_security["asset_class"].fillna("?") + ")",
            pd.Series([_NAMED_ONLY, _ENFORCED], dtype="str"),
        ],
        ignore_index=True,
    )
    pick = np.select(
        [unresolved, not_screenable, named_only & enforced, named_only],
        [codes, k + codes, 2 * k + 1, 2 * k],
        default=-1,
    )
    return pd.Series(texts.array.take(pick, allow_fill=True), index=index)


def _criteria_hit(flags: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Per holding position, the criteria (sorted, comma-separated) of its flags that are not exempt."""
    hit = flags.loc[flags["outcome"] != "exempt", ["_row", "criterion_id"]].drop_duplicates()
    hit = hit.sort_values(["_row", "criterion_id"])
    if hit.empty:
        return pd.Series(pd.NA, index=index, dtype="str")
    rows = hit["_row"].to_numpy()
    first = np.flatnonzero(np.diff(rows, prepend=-1) != 0)
    where = np.full(len(index), -1)
    where[rows[first]] = np.arange(len(first))
    joined = joined_runs(rows, hit["criterion_id"].to_numpy(dtype=object))
    return pd.Series(pd.array(joined, dtype="str").take(where, allow_fill=True), index=index)
