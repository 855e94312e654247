"""Holding ids, and rows of a portfolio that hold the same position, over everything loaded at once.

Both work on the frames of every file put together (a folder is a thousand small frames), with
``sizes`` giving each file's rows in order; keys are integer codes of factorised columns, text is
built with Arrow kernels, and only the rows that need it become Python strings (no row loop).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..identifiers import _valid_isins, is_valid_cusip, is_valid_lei, is_valid_sedol

__all__ = ["duplicate_positions", "holding_ids"]

_CHECKS = {"isin": None, "cusip": is_valid_cusip, "sedol": is_valid_sedol, "lei": is_valid_lei}
_FALLBACK = ("ticker", "exchange", "security_name", "asset_class", "identifier")
_SEPARATOR = "|"  # between the parts of a fallback key
_COLON = pa.scalar(":", pa.large_string())  # between the parts of a holding id
_WIDEST = 2**62  # the largest product of code ranges combined into one int64
_COUNTED_FROM = 2**22  # pairs of codes in a range up to this (or 8 per row) are counted, not hashed


def _valid(values: pd.Series, check) -> tuple[np.ndarray, np.ndarray]:
    """Whether each value passes `check` (ISINs: in whole-column steps), once per distinct value;
    and each value's code (equal values, equal codes; -1 for missing)."""
    codes, uniques = pd.factorize(values)
    if check is None:
        ok = _valid_isins(pd.Series(uniques, dtype="string")).fillna(False).to_numpy(dtype=bool)
    else:
        ok = np.fromiter((check(str(u)) for u in uniques), dtype=bool, count=len(uniques))
    return np.where(codes >= 0, ok[np.maximum(codes, 0)] if len(ok) else False, False), codes


def _text_codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """A code per value of a column as text, missing counted as "" (as the fallback key has it);
    and how many codes there can be."""
    codes, uniques = pd.factorize(values.astype("string"))
    empty = np.flatnonzero(pd.Series(uniques, dtype="string").to_numpy(dtype=object, na_value=None) == "")
    blank = int(empty[0]) if len(empty) else len(uniques)  # missing joins "" or gets a code of its own
    return np.where(codes < 0, blank, codes).astype(np.int64), len(uniques) + 1


def _may_hold(values: pd.Series, text: str) -> bool:
    """Whether a value of the column may hold `text` (never False when one does). Arrow text is
    searched in the bytes of each chunk's values at once, several times quicker than value by
    value; other columns value by value."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return bool(values.astype("string").str.contains(text, regex=False).fillna(False).any())
    array = pa.array(values.array)
    needle = text.encode()
    for chunk in array.chunks if isinstance(array, pa.ChunkedArray) else [array]:
        _, offsets, data = chunk.buffers()[:3]
        if data is None or not len(chunk):
            continue
        wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
        bounds = np.frombuffer(offsets, dtype=np.int64 if wide else np.int32)
        start, end = int(bounds[chunk.offset]), int(bounds[chunk.offset + len(chunk)])
        if needle in memoryview(data)[start:end].tobytes():
            return True
    return False


def _fallback_codes(frame: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> np.ndarray:
    """A code per row in `rows`, equal where the `columns` (as text, missing as "") are all equal:
    the key ``ticker|exchange|name|...`` without building it, for values without the separator."""
    combined, size = np.zeros(len(rows), dtype=np.int64), 1
    for column in columns:
        codes, count = _text_codes(_rows(frame[column], rows))
        if size * count >= _WIDEST:  # re-numbered first, so the product stays an int64
            combined, found = pd.factorize(combined)
            combined, size = combined.astype(np.int64), len(found)
        combined, size = combined * count + codes, size * count
    position, _ = pd.factorize(combined)  # few distinct positions: a small hash table
    return position.astype(np.int64)


def _rows(values: pd.Series, rows: np.ndarray) -> pd.Series:
    return values if len(rows) == len(values) else values.iloc[rows]


def _fallback_keys(frame: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> pd.Series:
    """The key ``ticker|exchange|name|...`` of the rows in `rows` (missing parts as "")."""
    parts = [frame[c].iloc[rows].astype("string").fillna("") for c in columns]
    return parts[0].str.cat(parts[1:], sep=_SEPARATOR) if len(parts) > 1 else parts[0]


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
    portfolio, _ = pd.factorize(frame["portfolio_id"])
    if used == 1 and not missing.any():  # one identifier, valid in every row: its codes are the keys
        dup = _shared(portfolio, codes)
        return _found(frame, dup, key[dup])
    columns = [c for c in _FALLBACK if c in frame.columns]
    rows = np.flatnonzero(missing)
    # the key as text: of one part (its text may equal an identifier), or where a part may hold
    # the separator (two rows of different parts could then have one key)
    if len(columns) < 2 or not len(rows) or any(_may_hold(frame[c], _SEPARATOR) for c in columns):
        if columns and len(rows):
            key[missing] = _fallback_keys(frame, rows, columns).to_numpy()
        position, _ = pd.factorize(key)
        dup = _shared(portfolio, position)
        return _found(frame, dup, key[dup])
    # rows with an identifier by its codes; the others by the codes of their parts, which never
    # meet an identifier (a key of several parts holds the separator, no identifier does)
    dup = _shared(portfolio, pd.factorize(key)[0]) if len(rows) < len(frame) else np.zeros(len(frame), dtype=bool)
    # only rows that share their name (or first part) with another row of their portfolio can
    # share every part: the other parts are coded for those rows alone
    lead = "security_name" if "security_name" in columns else columns[0]
    maybe = rows[_shared(portfolio[rows], _text_codes(_rows(frame[lead], rows))[0])]
    if len(maybe):
        dup[maybe[_shared(portfolio[maybe], _fallback_codes(frame, maybe, columns))]] = True
    keys = key[dup]
    at = np.flatnonzero(dup)
    built = missing[at]
    if built.any():  # the key text only for the rows reported
        keys.iloc[np.flatnonzero(built)] = _fallback_keys(frame, at[built], columns).to_numpy()
    return _found(frame, dup, keys)


def _shared(portfolio: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Whether each row's position code (-1: none) is shared by another row of its portfolio
    (codes of the portfolio column, -1 for missing)."""
    width = int(position.max(initial=-1)) + 2
    # one integer per (portfolio, position) pair: hashing integers is cheaper than pairs of columns
    pair = portfolio.astype(np.int64) * width + (position.astype(np.int64) + 1)
    portfolios = int(portfolio.max(initial=-1)) + 1
    if portfolios * width <= max(_COUNTED_FROM, 8 * len(pair)) and not (portfolio < 0).any():
        shared = np.bincount(pair)[pair] > 1  # a small range: counted, cheaper still than hashed
    else:
        shared = pd.Series(pair).duplicated(keep=False).to_numpy()
    return shared & (position >= 0)


def _found(frame: pd.DataFrame, dup: np.ndarray, keys: pd.Series) -> pd.DataFrame:
    """The rows `dup` as the duplicates table, with each row's position key (`keys`, text)."""
    found = frame.loc[dup, ["source_file", "source_row", "portfolio_id", "holding_id"]].copy()
    found["position_key"] = keys
    return found.reset_index(drop=True)


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    """``values.astype("string")`` as one Arrow array; whole numbers cast by Arrow (the same digits)."""
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_extension_array_dtype(values.dtype):
        return pa.chunked_array([pc.cast(pa.array(values.to_numpy()), pa.large_string())])
    array = pa.array(values.astype("string").array)
    array = array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])
    array = pa.chunked_array([array.combine_chunks()]) if array.num_chunks > 1 else array
    return array.cast(pa.large_string())


def _text(values: pa.ChunkedArray, index: pd.Index) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(values), index=index)


def holding_ids(frame: pd.DataFrame, sizes: list[int], labels: list[str]) -> tuple[pd.Series, list[str]]:
    """Each holding's id (indexed like `frame`), and what there is to say about the ids.

    `frame` is every file's rows one after the other, ``sizes[i]`` rows from the file `labels[i]`.
    A file's own holding id (a ``holding_id``, position id or lot id column) is kept as it is
    where it is unique across everything loaded; otherwise the id is ``portfolio:row``, with
    the file name added where several files share a portfolio. An own id that repeats is kept
    with ``#row`` added, and the repeats are named.
    """
    if not sizes:
        return pd.Series(dtype="string"), []
    portfolios = frame["portfolio_id"].astype("string")
    pids = _arrow(portfolios)
    rows = _arrow(frame["source_row"])
    plain = pc.binary_join_element_wise(pids, rows, _COLON)
    # a portfolio is shared when rows of two or more files hold it
    file_of_row = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    codes, uniques = pd.factorize(portfolios)
    held = codes >= 0
    pairs = np.unique(codes[held].astype(np.int64) * len(sizes) + file_of_row[held])
    shared = np.bincount(pairs // len(sizes), minlength=len(uniques)) > 1
    if shared.any():
        names = [Path(label).name for label in labels]
        seen = Counter(names)
        tags = [name if seen[name] == 1 else f"{name}#{position + 1}" for position, name in enumerate(names)]
        where = held & shared[np.maximum(codes, 0)]
        at = pa.array(np.flatnonzero(where))
        tag = pa.array(np.array(tags, dtype=object)[file_of_row[where]], type=pa.large_string())
        tagged = pc.binary_join_element_wise(pids.take(at), tag, rows.take(at), _COLON)
        plain = pc.replace_with_mask(plain, pa.array(where), tagged.combine_chunks())
    ids = _text(plain, frame.index)
    if "holding_id" not in frame.columns:
        return ids, []
    own = frame["holding_id"].astype("string")  # missing in the rows of files without the column
    counts = own.value_counts()
    repeated = counts.index[counts > 1]
    if not len(repeated):
        return own.fillna(ids), []
    again = own.isin(list(repeated)).fillna(False).to_numpy(dtype=bool)
    kept = own.where(~again, own + "#" + _text(rows, frame.index))
    notes: list[str] = []
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    for i in np.unique(np.searchsorted(bounds, np.flatnonzero(again), side="right") - 1):
        mine = own.iloc[bounds[i] : bounds[i + 1]][again[bounds[i] : bounds[i + 1]]]
        shown = ", ".join(map(repr, mine.drop_duplicates().head(5)))
        notes.append(
            f"{labels[i]}: {len(mine)} rows repeat a holding id of the file (kept, with '#row' added): {shown}"
        )
    return kept.fillna(ids), notes
