"""A quote that never closes folds the rest of a CSV file into one field: refuse it, naming the line.

A quoted field may span lines (iShares files end with a quoted paragraph of legal text), so a
field with line breaks is no error in itself. It is one when the lines folded into it look like
the table's own records: at least :data:`FOLDED_RECORDS` of them hold as many delimiters as the
table's usual record.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InputFileError

__all__ = ["FOLDED_RECORDS", "check_quoting", "spanning", "usual_width"]

FOLDED_RECORDS = 2
"""How many table-like lines inside one field make it an unclosed quote."""


def usual_width(lengths: np.ndarray) -> int | None:
    """The most common length of the records of more than one field (of those tied, the first seen);
    None when every record has one field or none."""
    wide = lengths[lengths > 1]
    if not wide.size:
        return None
    counts = np.bincount(wide)
    tied = np.flatnonzero(counts == counts.max())
    return int(tied[0]) if tied.size == 1 else int(wide[np.isin(wide, tied)][0])


def spanning(records: list[list[str]], starts: Sequence[int] | np.ndarray) -> list[int]:
    """The records that may run over several lines: those the next record starts more than a line
    after, and the last one if it holds a field (a blank line is a record of no field)."""
    spans = np.flatnonzero(np.diff(np.asarray(starts)) > 1).tolist()
    if records and records[-1]:
        spans.append(len(records) - 1)
    return spans


def check_quoting(
    records: list[list[str]],
    starts: Sequence[int] | np.ndarray,
    delimiter: str,
    path: str,
    lengths: np.ndarray | None = None,
) -> None:
    """Raise :class:`InputFileError` at the line where a quote opens and never closes.

    `lengths` are the records' lengths when the caller has them already.
    """
    if lengths is None:
        lengths = np.fromiter(map(len, records), dtype=np.intp, count=len(records))
    width = usual_width(lengths)
    if width is None:
        return
    for i in spanning(records, starts):
        for field in records[i]:
            if "\n" not in field and "\r" not in field:
                continue
            folded = sum(1 for part in field.splitlines()[1:] if part.count(delimiter) >= width - 1 >= 1)
            if folded >= FOLDED_RECORDS:
                raise InputFileError(
                    path,
                    f"line {int(starts[i])}: a quote opens and does not close, so {folded} following lines that look "
                    "like records were folded into one field; close the quote (or double a quote inside a "
                    "field) and load again",
                )
