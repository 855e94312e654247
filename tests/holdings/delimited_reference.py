"""The delimited-text reader as it was before it was made faster, kept to compare the fast one with.

It reads every record with its own loop over the csv reader (the line of each record from
``line_num``), sniffs the delimiter by parsing the sample once per candidate, checks quoting and
limits record by record and fills the grid one record at a time: slow, but plainly right.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter

import numpy as np
import pandas as pd

from exclusionscreen.errors import InputFileError
from exclusionscreen.holdings._csv import DELIMITERS, decode
from exclusionscreen.holdings._limits import DEFAULT_LIMITS, ReadLimits, limit_note
from exclusionscreen.holdings._quoting import FOLDED_RECORDS
from exclusionscreen.holdings._table import Grid

_SNIFF_CHARS = 16_384


def _check_quoting(records: list[list[str]], starts: list[int], delimiter: str, path: str) -> None:
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


def _records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    starts: list[int] = []
    line = 0
    for record in reader:
        records.append(record)
        starts.append(line + 1)
        line = reader.line_num
    return records, starts


def _delimiter(text: str) -> str:
    """The delimiter whose most common record width covers the most cells (records x width).

    Counting cells rather than records lets a table of a few wide rows outweigh a preamble of more
    "key, value" lines split by another character.
    """
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n")]  # whole lines only
    best, best_score = DELIMITERS[0], (-1, 0)
    for delimiter in DELIMITERS:
        try:
            records, _ = _records(sample, delimiter)
        except csv.Error:
            continue
        widths = Counter(len(r) for r in records if len(r) > 1 and any(c.strip() for c in r))
        width, count = widths.most_common(1)[0] if widths else (0, 0)
        score = (count * width, count)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _within(records: list[list[str]], starts: list[int], path: str, limits: ReadLimits, size: int) -> int:
    """The width of the widest record that holds something, after checking every limit.

    When the file as a whole is within every limit (its `size` in characters, its widest record,
    its longest field, its count of fields), no record can break one and the record-by-record
    check, which names the line, is not needed.
    """
    widest = max(map(len, records), default=0)
    if (
        size <= limits.max_text_chars
        and widest <= limits.max_columns
        and sum(map(len, records)) <= limits.max_cells
        and len(records) * widest <= limits.max_cells
        and (
            size <= limits.max_cell_chars
            or max(map(len, itertools.chain.from_iterable(records))) <= limits.max_cell_chars
        )
    ):
        width = widest
        while width and not any(len(r) >= width and r[width - 1] for r in records):
            width -= 1  # empty fields at the end of every record hold nothing
        return width
    width = cells = chars = 0
    for record, line in zip(records, starts, strict=True):
        used = len(record)
        while used and not record[used - 1]:
            used -= 1  # empty fields at the end of a record hold nothing
        if used > limits.max_columns:
            raise InputFileError(
                path,
                f"refused: line {line:,} has {used:,} fields ({limit_note('max_columns', limits.max_columns)})",
            )
        sizes = [len(value) for value in record[:used]]
        longest = max(sizes, default=0)
        if longest > limits.max_cell_chars:
            raise InputFileError(
                path,
                f"refused: a field on line {line:,} holds {longest:,} characters "
                f"({limit_note('max_cell_chars', limits.max_cell_chars)})",
            )
        width = max(width, used)
        cells += used
        chars += sum(sizes)
        if cells > limits.max_cells:
            raise InputFileError(
                path,
                f"refused: more than {limits.max_cells:,} fields by line {line:,} "
                f"({limit_note('max_cells', limits.max_cells)})",
            )
        if chars > limits.max_text_chars:
            raise InputFileError(
                path,
                f"refused: more than {limits.max_text_chars:,} characters by line {line:,} "
                f"({limit_note('max_text_chars', limits.max_text_chars)})",
            )
    if len(records) * width > limits.max_cells:
        raise InputFileError(
            path,
            f"refused: the file spans {len(records):,} records by {width:,} fields, {len(records) * width:,} "
            f"cells ({limit_note('max_cells', limits.max_cells)})",
        )
    return width


def read_delimited_reference(data: bytes, path: str, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[Grid, str, str]:
    """The grid of a delimited text file, its encoding and its delimiter, within `limits`."""
    text, encoding = decode(data, path)
    if not text.strip():
        raise InputFileError(path, "the file is empty")
    delimiter = _delimiter(text)
    try:
        records, starts = _records(text, delimiter)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputFileError(
                path,
                f"refused: a field holds more than {csv.field_size_limit():,} characters "
                f"({limit_note('max_cell_chars', limits.max_cell_chars)})",
            ) from None
        raise InputFileError(path, f"cannot read as delimited text: {exc}") from None
    except MemoryError:
        raise InputFileError(
            path, "this machine ran out of memory reading the file (not a sign of a damaged file)"
        ) from None
    del text
    _check_quoting(records, starts, delimiter, path)
    width = _within(records, starts, path, limits, len(data))
    dense = np.full((len(records), width), None, dtype=object)
    for position, record in enumerate(records):
        used = min(len(record), width)
        if used:
            dense[position, :used] = record[:used]
    cells = pd.DataFrame(dense, columns=range(width), dtype=object)
    rows = pd.Series(starts, index=cells.index, dtype="int64")
    return Grid(cells, rows), encoding, delimiter
