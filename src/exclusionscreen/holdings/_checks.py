"""Holding ids, identifier checks and the Holdings contract, run once over everything loaded.

A folder of a thousand files is a thousand small frames: checking each one costs the same fixed
overhead a thousand times. The frames are put together once, and each file is a run of rows of
the whole (``sizes``); ids and checks are worked out over the whole. Only when the contract fails
is a file checked on its own (the files whose rows fail, in order), so that the error names the
first failing file and the line (or sheet row) as the file counts it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..contracts import Holdings, validate
from ..errors import ContractError
from ._columns import check_identifiers
from ._positions import holding_ids

__all__ = ["checked_once"]

_IDS = ("portfolio_id", "source_row", "holding_id")  # what the holding ids are made of


def _row_label(file_format: str) -> str:
    return "line" if file_format == "csv" else "row"  # as the file counts them (source_row)


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def checked_once(
    frames: list[pd.DataFrame], labels: list[str], paths: list[str], formats: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """The frames (one per file, or sheet, `labels[i]` as given) with their holding ids,
    identifiers checked, validated, as one frame; and what there is to say about the ids.

    Frames whose identifiers a reader checked already (they carry ``identifier_issues``) are not
    checked again. Raises the :class:`ContractError` of the first file that breaks the contract.
    """
    sizes = [len(frame) for frame in frames]
    checked = ["identifier_issues" in frame.columns for frame in frames]
    if all(checked) or not any(checked):
        whole = _joined(frames)
        hids, notes = holding_ids(whole, sizes, labels)
        whole = whole.assign(holding_id=hids)
        if not any(checked):
            whole = check_identifiers(whole)
        pieces = _pieces(whole, sizes, frames if all(checked) else None)
    else:  # frames of both kinds (a CSV file and a Parquet file): each kind checked as before
        parts = [frame[[c for c in _IDS if c in frame.columns]] for frame in frames]
        hids, notes = holding_ids(_joined(parts), sizes, labels)
        bounds = np.cumsum([0, *sizes])
        with_ids = [
            frame.assign(holding_id=hids.iloc[bounds[i] : bounds[i + 1]].set_axis(frame.index))
            for i, frame in enumerate(frames)
        ]
        unchecked = [i for i, done in enumerate(checked) if not done]
        done = check_identifiers(_joined([with_ids[i] for i in unchecked]))
        start = 0
        for i in unchecked:
            with_ids[i] = done.iloc[start : start + sizes[i]]
            start += sizes[i]
        whole = _joined(with_ids)
        pieces = with_ids.__getitem__
    if len(frames) == 1:
        one = validate(whole, Holdings, source=paths[0], row_label=_row_label(formats[0]))
        return one.reset_index(drop=True), notes
    try:
        return validate(whole, Holdings, source=f"{len(paths)} files", row_label="row"), notes
    except ContractError as error:
        for i in _failing_first(error.failure_cases, sizes):
            validate(pieces(i), Holdings, source=paths[i], row_label=_row_label(formats[i]))
        raise error from None


def _pieces(whole: pd.DataFrame, sizes: list[int], frames: list[pd.DataFrame] | None):
    """File `i`'s rows of `whole` as the file's own frame: its rows of the whole (index and
    columns of the whole), or, for frames checked by their reader (`frames`), the frame itself
    with its holding ids."""
    bounds = np.cumsum([0, *sizes])

    def piece(i: int) -> pd.DataFrame:
        rows = whole.iloc[bounds[i] : bounds[i + 1]]
        if frames is None:
            return rows
        return frames[i].assign(holding_id=rows["holding_id"].set_axis(frames[i].index))

    return piece


def _failing_first(cases: pd.DataFrame, sizes: list[int]) -> list[int]:
    """The files to check on their own, in order: those holding a failing row of the whole first,
    then all the others (a failure without a row, such as a whole column, can be any file's)."""
    every = list(range(len(sizes)))
    rows = pd.to_numeric(cases.get("index", pd.Series(dtype=float)), errors="coerce")
    if not len(rows) or rows.isna().any():
        return every
    bounds = np.cumsum(sizes)
    failing = np.unique(np.searchsorted(bounds, rows.to_numpy(dtype=np.int64), side="right"))
    first = [int(i) for i in failing if i < len(sizes)]
    return first + sorted(set(every) - set(first))
