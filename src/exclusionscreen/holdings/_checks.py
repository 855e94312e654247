"""Identifier checks and the Holdings contract, run once over everything loaded, not file by file.

A folder of a thousand files is a thousand small frames: checking each one costs the same fixed
overhead a thousand times. The frames are put together first and checked in one pass; only when
the contract fails is each file checked on its own, so that the error names the file and the
line (or sheet row) as the file counts it.
"""

from __future__ import annotations

import pandas as pd

from ..contracts import Holdings, validate
from ..errors import ContractError
from ._columns import check_identifiers

__all__ = ["checked_once"]


def _row_label(file_format: str) -> str:
    return "line" if file_format == "csv" else "row"  # as the file counts them (source_row)


def checked_once(
    frames: list[pd.DataFrame], holding_ids: list[pd.Series], paths: list[str], formats: list[str]
) -> pd.DataFrame:
    """The frames with their holding ids, identifiers checked, validated, as one frame.

    Frames whose identifiers a reader checked already (they carry ``identifier_issues``) are not
    checked again. Raises the :class:`ContractError` of the first file that breaks the contract.
    """
    with_ids = [frame.assign(holding_id=hid) for frame, hid in zip(frames, holding_ids, strict=True)]
    unchecked = [i for i, frame in enumerate(with_ids) if "identifier_issues" not in frame.columns]
    if unchecked:
        sizes = [len(with_ids[i]) for i in unchecked]
        joined = pd.concat([with_ids[i] for i in unchecked], ignore_index=True)
        done = check_identifiers(joined)
        start = 0
        for i, size in zip(unchecked, sizes, strict=True):
            with_ids[i] = done.iloc[start : start + size]
            start += size
    if len(with_ids) == 1:
        return validate(with_ids[0], Holdings, source=paths[0], row_label=_row_label(formats[0])).reset_index(drop=True)
    combined = pd.concat(with_ids, ignore_index=True)
    try:
        return validate(combined, Holdings, source=f"{len(paths)} files", row_label="row")
    except ContractError as whole:
        for frame, path, file_format in zip(with_ids, paths, formats, strict=True):
            validate(frame, Holdings, source=path, row_label=_row_label(file_format))
        raise whole from None
