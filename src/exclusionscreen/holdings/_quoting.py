"""A quote that never closes folds the rest of a CSV file into one field: refuse it, naming the line.

A quoted field may span lines (iShares files end with a quoted paragraph of legal text), so a
field with line breaks is no error in itself. It is one when the lines folded into it look like
the table's own records: at least :data:`FOLDED_RECORDS` of them hold as many delimiters as the
table's usual record.
"""

from __future__ import annotations

from collections import Counter

from ..errors import InputFileError

__all__ = ["FOLDED_RECORDS", "check_quoting"]

FOLDED_RECORDS = 2
"""How many table-like lines inside one field make it an unclosed quote."""


def check_quoting(records: list[list[str]], starts: list[int], delimiter: str, path: str) -> None:
    """Raise :class:`InputFileError` at the line where a quote opens and never closes."""
    widths = Counter(len(r) for r in records if len(r) > 1)
    if not widths:
        return
    width = widths.most_common(1)[0][0]
    # Only a record that runs over several lines can hold a line break (a blank line is a record).
    spans = [i for i in range(len(records) - 1) if starts[i + 1] - starts[i] > 1]
    if records and records[-1]:
        spans.append(len(records) - 1)
    for record, line in ((records[i], starts[i]) for i in spans):
        for field in record:
            if "\n" not in field and "\r" not in field:
                continue
            folded = sum(1 for part in field.splitlines()[1:] if part.count(delimiter) >= width - 1 >= 1)
            if folded >= FOLDED_RECORDS:
                raise InputFileError(
                    path,
                    f"line {line}: a quote opens and does not close, so {folded} following lines that look "
                    "like records were folded into one field; close the quote (or double a quote inside a "
                    "field) and load again",
                )
