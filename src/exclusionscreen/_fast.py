"""Column operations the screen runs on a million rows: set membership, look-ups and distinct rows.

``Series.isin`` on pandas' string columns hashes through Python objects here and is about twenty
times slower than Arrow's ``is_in``; the screen tests membership of a million identifiers. Work that
depends only on a security (resolution, subjects, hits) is done once per distinct row and broadcast
back through integer codes. Look-ups by issuer id go through one index of the issuers' ids, whose
hash table pandas builds once, provided the keys have the index's own text type.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["distinct_rows", "isin", "joined_runs", "lookup", "spans", "value_set"]


def _arrow_text(values: pd.Series) -> pa.Array:
    """The column as an Arrow string array (without a copy when pandas already keeps it in Arrow)."""
    array = pa.array(values.astype("str").array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def value_set(allowed) -> pa.Array:
    """The distinct text values of `allowed`, ready for :func:`isin` (to test several columns against)."""
    allowed = pd.Series(list(allowed) if isinstance(allowed, set | frozenset) else allowed, dtype="str")
    return pc.unique(_arrow_text(allowed.dropna()))


def isin(values: pd.Series, allowed) -> pd.Series:
    """``values.isin(allowed)`` for text: True where a value is among `allowed` (missing is never in).

    `allowed` may be any collection of text, or a :func:`value_set`.
    """
    haystack = allowed if isinstance(allowed, pa.Array) else value_set(allowed)
    found = pc.is_in(_arrow_text(values), value_set=haystack, skip_nulls=True)
    return pd.Series(found.to_numpy(zero_copy_only=False).astype(bool), index=values.index)


def distinct_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(codes, first): a code per row, equal for rows equal in every column (missing equals missing),
    numbered in order of first appearance; and the position of each code's first row.

    ``frame.iloc[first]`` are the distinct rows and ``distinct.take(codes)`` gives every row back.
    """
    if not len(frame.columns):
        return np.zeros(len(frame), dtype=np.intp), np.zeros(min(len(frame), 1), dtype=np.intp)
    hashes = pd.util.hash_pandas_object(frame.astype("str"), index=False).to_numpy()
    codes, _ = pd.factorize(hashes)
    # codes are numbered as they first appear: the running maximum rises exactly at a first row
    rising = np.diff(np.maximum.accumulate(codes), prepend=-1) > 0
    return codes, np.flatnonzero(rising)


def spans(start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``start[i], start[i] + 1, ..., start[i] + size[i] - 1`` for every i, one after the other: the
    positions of runs of rows (a CSR table's entries, a group's members) without a Python loop."""
    size = np.asarray(size, dtype=np.int64)
    ends = np.cumsum(size)
    return np.repeat(np.asarray(start, dtype=np.int64) - (ends - size), size) + np.arange(ends[-1] if len(ends) else 0)


def lookup(keys: pd.Series, table: pd.Series) -> pd.Series:
    """``keys.map(table)`` for text keys and values, the keys first given the text type of the
    table's index (missing where the table has no such key, in the table's own type).

    pandas has two text types ("string", missing as NA, and "str", missing as NaN). Keys of the
    other one make it build a new hash table of the index on every call, which for the issuers'
    hundred thousand ids costs ten times the look-up itself.
    """
    if not len(table):  # nothing to find (pandas would still convert every key)
        return pd.Series(index=keys.index, dtype=table.dtype, name=keys.name)
    index_dtype = table.index.dtype
    if isinstance(keys.dtype, pd.StringDtype) and isinstance(index_dtype, pd.StringDtype) and keys.dtype != index_dtype:
        keys = keys.astype(index_dtype)
    return keys.map(table)


def joined_runs(groups: np.ndarray, values: np.ndarray) -> list[str]:
    """ ", "-joined `values` of each run of equal `groups` (sorted by group), one string per run."""
    if not len(groups):
        return []
    first = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    return [", ".join(values[a:b]) for a, b in zip(first, [*first[1:], len(groups)], strict=True)]
