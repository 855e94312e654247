"""A quote that never closes folds the rest of a CSV file into one field: refuse it, naming the line.

A quoted field may span lines (iShares files end with a quoted paragraph of legal text), so a
field with line breaks is no error in itself. It is one when the lines folded into it look like
the table's own records: at least :data:`FOLDED_RECORDS` of them hold as many delimiters as the
table's usual record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..errors import InputFileError

__all__ = ["FOLDED_RECORDS", "check_quoting", "spanning"]

FOLDED_RECORDS = 2
"""How many table-like lines inside one field make it an unclosed quote."""


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
    widths = Counter(lengths[lengths > 1].tolist())
    if not widths:
        return
    width = widths.most_common(1)[0][0]
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
