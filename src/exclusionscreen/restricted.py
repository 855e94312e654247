"""The restricted-list stage: every security of every excluded issuer known to the universe, held or not.

Issuers are excluded directly or through the ownership rules (so the bonds of a financing subsidiary
of an involved parent are on it); the overrides lift exemptions and add enforcements
(:func:`~exclusionscreen.overrides.adjust_restricted`). One row per security, for a pre-trade check.
"""

from __future__ import annotations

import pandas as pd

from ._fast import isin, joined_runs, lookup
from .exchanges import listing_keys
from .overrides import adjust_restricted
from .universe import Universe
from .vocabulary import Action

__all__ = ["restricted_list"]

#: the columns that identify a security on the list
_SECURITY = ["issuer_id", "isin", "cusip", "sedol", "ticker", "exchange"]


def restricted_list(
    hits: pd.DataFrame,
    overrides: pd.DataFrame | None,
    universe: Universe,
    held_securities: pd.DataFrame,
    names: pd.Series,
) -> pd.DataFrame:
    """Securities of every issuer with an exclude hit, with the criteria (sorted) and the ways they
    reach it, less exempt overrides, plus enforced ones; ``held`` says whether a holding holds it.

    `overrides` is the overrides table of the overrides stage, `held_securities` the holdings'
    distinct securities and `names` the issuers' names by issuer id.
    """
    excluded = hits[(hits["action"] == Action.EXCLUDE.value) & ~hits["subject_id"].str.startswith("name:")]
    excluded = excluded[["subject_id", "criterion_id", "via"]].rename(columns={"subject_id": "issuer_id"})
    securities = universe.securities[_SECURITY]
    rows = securities.merge(excluded, on="issuer_id", how="inner")
    rows = adjust_restricted(rows, overrides, securities)
    rows = rows.drop_duplicates([*_SECURITY, "criterion_id", "via"])
    rows = rows.assign(_key=pd.util.hash_pandas_object(rows[_SECURITY].astype("str"), index=False).to_numpy())
    # per security: its criteria (sorted) and the ways they reach it, in the order of its criteria
    ordered = rows.sort_values(["_key", "criterion_id", "via"], kind="stable")
    criteria = ordered.drop_duplicates(["_key", "criterion_id"])
    via = ordered.drop_duplicates(["_key", "via"])
    keys = ordered["_key"].drop_duplicates().to_numpy()
    listed = rows.drop_duplicates("_key")[["_key", *_SECURITY]]  # in the universe's order
    listed = listed.assign(
        criteria=listed["_key"].map(
            pd.Series(joined_runs(criteria["_key"].to_numpy(), criteria["criterion_id"].to_numpy(dtype=object)), keys)
        ),
        via=listed["_key"].map(pd.Series(joined_runs(via["_key"].to_numpy(), via["via"].to_numpy(dtype=object)), keys)),
    )
    listed.insert(1, "issuer_name", lookup(listed["issuer_id"], names))
    listed["held"] = _held(listed, held_securities)
    out = listed.drop(columns="_key").sort_values(["issuer_id", "isin"], kind="stable")
    return out.reset_index(drop=True)


def _held(listed: pd.DataFrame, held_securities: pd.DataFrame) -> pd.Series:
    """True for a listed security that a holding names by ISIN, CUSIP, SEDOL, or ticker and exchange."""
    held = pd.Series(False, index=listed.index)
    for column in ("isin", "cusip", "sedol"):
        held |= isin(listed[column], held_securities[column])
    # exchanges compared as ISO 10383 operating MICs ("Xetra" and "XETR" agree; a bare ticker names nothing)
    ticker_key = listing_keys(listed["ticker"], listed["exchange"])
    held_tickers = listing_keys(held_securities["ticker"], held_securities["exchange"])
    return held | isin(ticker_key, held_tickers)
