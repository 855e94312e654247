"""Delimited text files as a :class:`Grid`: encoding, delimiter, and the line of each record.

Preambles and footers have fewer fields than the table, and a quoted footer may run over many
lines (iShares files end with one quoted paragraph of legal text), so the file is read with
the :mod:`csv` module record by record; each record keeps the line it starts on.

The :class:`ReadLimits` are checked record by record, before the records become a rectangle:
fields in the widest record that holds something, characters in a field, fields and characters
in the file, and the rectangle itself (records times the widest width).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter

import charset_normalizer
import numpy as np
import pandas as pd

from ..errors import InputFileError
from ._limits import DEFAULT_LIMITS, ReadLimits, limit_note
from ._quoting import check_quoting
from ._table import Grid

__all__ = ["DELIMITERS", "decode", "read_delimited"]

DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 16_384
"""How much of the start of a file the delimiter is decided from (whole lines)."""

_READABLE = 0.95  # share of printable characters in text decoded as UTF-16 without a BOM


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when NUL bytes sit on every other byte as UTF-16 text puts them
    (the high byte of each Latin character), else None."""
    head = head[: len(head) // 2 * 2]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd >= 0.3 * half and even <= 0.02 * half:
        codec = "utf-16-le"
    elif even >= 0.3 * half and odd <= 0.02 * half:
        codec = "utf-16-be"
    else:
        return None
    text = head.decode(codec, errors="replace")
    readable = sum(1 for c in text if c.isprintable() or c in "\t\r\n")
    return codec if readable >= _READABLE * len(text) else None  # else binary with NULs in a row


def decode(data: bytes, path: str) -> tuple[str, str]:
    """The text of a file and how its encoding was chosen.

    A byte order mark decides; then UTF-16 without one is recognised by its NUL bytes; then
    UTF-8 is tried; any other encoding (Shift-JIS, cp1252, ...) is detected with
    charset-normalizer, and a file no encoding decodes cleanly is refused.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8 (with BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:8192]:
        wide = _utf16_without_bom(data[:8192])
        if wide is None:
            raise InputFileError(path, "not a spreadsheet or text file (it holds binary data)")
        try:
            return data.decode(wide), f"{wide} (no byte order mark; told by its NUL bytes)"
        except UnicodeDecodeError as exc:
            raise InputFileError(
                path, f"looks like UTF-16 text without a byte order mark, but byte {exc.start:,} does not decode"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputFileError(
            path,
            f"cannot tell the text encoding: byte {bad:,} is not UTF-8 and no other encoding decodes the file "
            "cleanly; save it as UTF-8 (or CSV UTF-8 in Excel) and load it again",
        )
    # Encodings that give the very same text are equivalent; of those, cp1252 is the one Windows
    # uses for Western European text, so it is named rather than, say, cp1250.
    name = "cp1252" if "cp1252" in best.could_be_from_charset else best.encoding
    language = f", {best.language} text" if best.language and best.language != "Unknown" else ""
    return str(best), f"{name} (not valid UTF-8; detected by charset-normalizer{language})"


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


def read_delimited(data: bytes, path: str, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[Grid, str, str]:
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
    check_quoting(records, starts, delimiter, path)
    width = _within(records, starts, path, limits, len(data))
    dense = np.full((len(records), width), None, dtype=object)
    for position, record in enumerate(records):
        used = min(len(record), width)
        if used:
            dense[position, :used] = record[:used]
    cells = pd.DataFrame(dense, columns=range(width), dtype=object)
    rows = pd.Series(starts, index=cells.index, dtype="int64")
    return Grid(cells, rows), encoding, delimiter
