"""Rows of a portfolio that hold the same position, found with factorised keys (no row loop)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from ..identifiers import _valid_isins, is_valid_cusip, is_valid_lei, is_valid_sedol

__all__ = ["duplicate_positions", "holding_ids"]

_CHECKS = {"isin": None, "cusip": is_valid_cusip, "sedol": is_valid_sedol, "lei": is_valid_lei}
_FALLBACK = ("ticker", "exchange", "security_name", "asset_class", "identifier")


def _valid(values: pd.Series, check) -> tuple[np.ndarray, np.ndarray]:
    """Whether each value passes `check` (ISINs: in whole-column steps), once per distinct value;
    and each value's code (equal values, equal codes; -1 for missing)."""
    codes, uniques = pd.factorize(values)
    if check is None:
        ok = _valid_isins(pd.Series(uniques, dtype="string")).fillna(False).to_numpy(dtype=bool)
    else:
        ok = np.fromiter((check(str(u)) for u in uniques), dtype=bool, count=len(uniques))
    return np.where(codes >= 0, ok[np.maximum(codes, 0)] if len(ok) else False, False), codes


def duplicate_positions(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of the same portfolio that hold the same security.

    The same valid identifier (ISIN, else CUSIP, SEDOL, LEI) makes the same position; rows
    without one are compared by ticker, exchange, name and asset class together.
    """
    key = pd.Series(pd.NA, index=frame.index, dtype="string")
    used = 0
    for column, check in _CHECKS.items():
        if column in frame.columns and frame[column].notna().any():  # an empty column adds no key
            values = frame[column].astype("string")
            ok, codes = _valid(values, check)
            valid = values.where(ok)
            key = valid if not used else key.fillna(valid)
            used += 1
    missing = key.isna().to_numpy()
    if used == 1 and not missing.any():  # one identifier, valid in every row: its codes are the keys
        return _duplicates(frame, codes, key)
    parts = [frame.loc[missing, c].astype("string").fillna("") for c in _FALLBACK if c in frame.columns]
    if parts and missing.any():
        fallback = parts[0].str.cat(parts[1:], sep="|") if len(parts) > 1 else parts[0]
        key[missing] = fallback
    position, _ = pd.factorize(key)
    return _duplicates(frame, position, key)


def _duplicates(frame: pd.DataFrame, position: np.ndarray, key: pd.Series) -> pd.DataFrame:
    """The rows whose position code (-1: none) another row of their portfolio shares."""
    portfolio, _ = pd.factorize(frame["portfolio_id"])
    # one integer per (portfolio, position) pair: hashing integers is cheaper than pairs of columns
    pair = portfolio.astype(np.int64) * (int(position.max(initial=-1)) + 2) + (position.astype(np.int64) + 1)
    dup = pd.Series(pair).duplicated(keep=False).to_numpy() & (position >= 0)
    found = frame.loc[dup, ["source_file", "source_row", "portfolio_id", "holding_id"]].copy()
    found["position_key"] = key[dup]
    return found.reset_index(drop=True)


def holding_ids(frames: list[pd.DataFrame], labels: list[str]) -> tuple[list[pd.Series], list[str]]:
    """Each holding's id, and what there is to say about the ids.

    A file's own holding id (a ``holding_id``, position id or lot id column) is kept as it is
    where it is unique across everything loaded; otherwise the id is ``portfolio:row``, with
    the file name added where several files share a portfolio. An own id that repeats is kept
    with ``#row`` added, and the repeats are named.
    """
    files_per_id: dict[str, int] = {}
    for frame in frames:
        for pid in pd.unique(frame["portfolio_id"]):
            files_per_id[pid] = files_per_id.get(pid, 0) + 1
    shared_ids = {pid for pid, n in files_per_id.items() if n > 1}
    names = [Path(label).name for label in labels]
    seen = Counter(names)
    tags = [name if seen[name] == 1 else f"{name}#{position + 1}" for position, name in enumerate(names)]
    # every frame's ids in one pass over all rows (a folder is a thousand small frames)
    sizes = [len(frame) for frame in frames]
    if not frames:
        return [], []
    pids = pd.concat([frame["portfolio_id"] for frame in frames], ignore_index=True).astype("string")
    rows = pd.concat([frame["source_row"] for frame in frames], ignore_index=True).astype("string")
    plain = pids + ":" + rows
    if shared_ids:
        shared = pids.isin(list(shared_ids))
        tag = pd.Series(np.repeat(np.array(tags, dtype=object), sizes), dtype="string")
        plain = plain.where(~shared, pids + ":" + tag + ":" + rows)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    out: list[pd.Series] = [
        plain.iloc[bounds[i] : bounds[i + 1]].set_axis(frame.index) for i, frame in enumerate(frames)
    ]
    notes: list[str] = []
    given = [f["holding_id"].astype("string") if "holding_id" in f.columns else None for f in frames]
    if any(g is not None for g in given):
        every = pd.concat([g for g in given if g is not None], ignore_index=True).dropna()
        counts = every.value_counts()
        repeated = set(counts.index[counts > 1])
        for i, own in enumerate(given):
            if own is None:
                continue
            again = own.isin(list(repeated)).fillna(False).astype(bool)
            kept = own.where(~again, own + "#" + frames[i]["source_row"].astype("string"))
            out[i] = kept.fillna(out[i])
            if again.any():
                shown = ", ".join(map(repr, own[again].drop_duplicates().head(5)))
                notes.append(
                    f"{labels[i]}: {int(again.sum())} rows repeat a holding id of the file "
                    f"(kept, with '#row' added): {shown}"
                )
    return out, notes
