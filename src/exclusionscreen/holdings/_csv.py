"""Delimited text files as a :class:`Grid`: encoding, delimiter, and the line of each record.

Preambles and footers have fewer fields than the table, and a quoted footer may run over many
lines (iShares files end with one quoted paragraph of legal text), so the file is read with
the :mod:`csv` module into records, and each record keeps the line it starts on. The reader
counts lines itself; only a stretch of records that holds a line break inside a field is
followed record by record, so a table of one record per line costs little more than the parse.

The :class:`ReadLimits` are checked before the records become a rectangle: fields in the widest
record that holds something, characters in a field, fields and characters in the file, and the
rectangle itself (records times the widest width). A file well within them is checked as a whole;
one that is not is checked record by record, so the error names the line.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

import charset_normalizer
import numpy as np
import pandas as pd

from ..errors import InputFileError
from ._limits import DEFAULT_LIMITS, ReadLimits, limit_note
from ._quoting import check_quoting, spanning
from ._table import Grid

__all__ = ["DELIMITERS", "decode", "read_delimited"]

DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 16_384
"""How much of the start of a file the delimiter is decided from (whole lines)."""

_CHUNK = 128
"""Records read at a time; a chunk whose records take more lines than records is followed record by record."""

_QUOTED_LINES = 16
"""Fewer lines of quoted fields than this are left to the csv module with the rest."""
_SENTINEL = "x"
"""A line added after the lines read before a run of quoted lines: a record of its own unless a quote is open."""

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
        return str(memoryview(data)[3:], "utf-8", "replace"), "utf-8 (with BOM)"  # no copy of the bytes
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


def _line_breaks(text: str, crlf: bool) -> int:
    """Line ends in `text` as :class:`io.StringIO` with ``newline=""`` counts them (CRLF is one)."""
    if not crlf:
        return text.count("\n")
    return text.count("\n") + text.count("\r") - text.count("\r\n")


@dataclass(frozen=True)
class _Lines:
    """The pieces of a text between line feeds: its characters as numbers, where each piece starts,
    and where its content ends (before a carriage return that ends it, and before the line feed)."""

    chars: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, text: str) -> _Lines:
        if text.isascii():
            chars = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        else:
            chars = np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
        feeds = np.flatnonzero(chars == ord("\n"))
        starts = np.concatenate(([0], feeds + 1))
        ends = np.concatenate((feeds, [chars.size]))
        if chars.size and chars[-1] == ord("\n"):
            starts, ends = starts[:-1], ends[:-1]  # nothing after the last line feed
        ends = ends - (chars[np.maximum(ends - 1, 0)] == ord("\r")) * (ends > starts)
        return cls(chars, starts, ends)

    def longest(self) -> int:
        return int((self.ends - self.starts).max(initial=0))


def _quoted_run(lines: _Lines) -> tuple[int, int, int, int] | None:
    """The longest run of lines that each start and end with a quote, as the offset of its first
    character, the offset after its last, its count of lines and the offset of the line after it;
    None when shorter than :data:`_QUOTED_LINES`."""
    chars, starts, ends = lines.chars, lines.starts, lines.ends
    quote = ord('"')
    quoted = (ends - starts >= 2) & (chars[np.minimum(starts, chars.size - 1)] == quote)
    quoted &= chars[np.maximum(ends - 1, 0)] == quote
    edges = np.flatnonzero(np.diff(np.concatenate(([0], quoted.view(np.int8), [0]))))
    if not edges.size:
        return None
    first, stop = edges[0::2], edges[1::2]
    longest = int(np.argmax(stop - first))
    count = int(stop[longest] - first[longest])
    if count < _QUOTED_LINES:
        return None
    after = int(starts[stop[longest]]) if stop[longest] < starts.size else chars.size
    return int(starts[first[longest]]), int(ends[stop[longest] - 1]), count, after


def _records(text: str, delimiter: str, lines: _Lines) -> tuple[list[list[str]], np.ndarray]:
    """The records of `text` and the line each starts on.

    Most of a holdings file is often one run of lines whose every field is quoted and holds no
    quote or line break (iShares quotes every field). Such a line is a record whose fields lie
    between the quotes and the delimiters: the run is split with :meth:`str.split`, after making
    sure of it (every line starts and ends with a quote, and the run holds two quotes per field
    found, so no field holds a quote). The lines before it, and after it, are read by the csv
    module; those before it must not leave a quote open (a line added after them must come out
    as a record of its own), else the whole text is read by the csv module.
    """
    crlf = "\r" in text
    eol = "\r\n" if crlf else "\n"
    run = _quoted_run(lines) if not crlf or text.count("\r") == text.count("\r\n") else None
    if run is None:
        return _records_csv(text, delimiter)
    first, last, count, after = run
    inner = text[first + 1 : last - 1]  # the run without its first and last quote
    if crlf and inner.count(f'"{eol}"') != count - 1:  # a bare line feed, or a carriage return, inside
        return _records_csv(text, delimiter)
    table = list(map(str.split, inner.split(f'"{eol}"'), itertools.repeat(f'"{delimiter}"')))
    del inner
    quotes = int(np.count_nonzero(lines.chars[first:last] == ord('"')))
    longest = int((lines.ends - lines.starts)[np.searchsorted(lines.starts, first) :][:count].max())
    if quotes != 2 * sum(map(len, table)) or longest > csv.field_size_limit():
        return _records_csv(text, delimiter)
    head = text[:first]
    records: list[list[str]] = []
    starts = np.zeros(0, dtype=np.int64)
    if head:
        try:
            records, starts = _records_by_line(head + _SENTINEL, delimiter)
        except csv.Error:
            return _records_csv(text, delimiter)
        if records[-1] != [_SENTINEL]:  # a quote opened before the run runs on into it
            return _records_csv(text, delimiter)
        records.pop()
        starts = starts[:-1]
    before = _line_breaks(head, crlf)
    tail, tail_starts = _records_csv(text[after:], delimiter)
    records += table
    records += tail
    starts = np.concatenate(
        (starts, np.arange(before + 1, before + count + 1, dtype=np.int64), tail_starts + (before + count))
    )
    return records, starts


def _records_csv(text: str, delimiter: str) -> tuple[list[list[str]], np.ndarray]:
    """The records of `text` read by the csv module, and the line each starts on.

    A line break inside a record can only sit in a quoted field, which keeps it; so a chunk of
    records that took as many lines as it holds records has one record per line, and in a chunk
    that took more, the line breaks in each record's fields say how many lines it took (the last
    record of a file may end in an open quote, where a final line break starts no line). Counts
    that do not add up send the text to the reader's own count, record by record.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    crlf = "\r" in text
    records: list[list[str]] = []
    starts: list[np.ndarray] = []
    line = over = 0  # lines read so far; chunks whose line breaks outnumber their lines
    while chunk := list(itertools.islice(reader, _CHUNK)):
        lines = reader.line_num - line
        if over or lines < len(chunk):
            return _records_by_line(text, delimiter)
        if lines == len(chunk):
            starts.append(np.arange(line + 1, line + lines + 1, dtype=np.int64))
        else:
            taken = np.fromiter((1 + _line_breaks("".join(r), crlf) for r in chunk), dtype=np.int64, count=len(chunk))
            before = np.cumsum(taken) - taken
            if before[-1] >= lines or taken.sum() < lines:
                return _records_by_line(text, delimiter)
            over = int(taken.sum() > lines)  # only the file's last record may say so
            starts.append(line + 1 + before)
        records += chunk
        line = reader.line_num
    return records, np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)


def _records_by_line(text: str, delimiter: str) -> tuple[list[list[str]], np.ndarray]:
    """The records of `text` and their lines, asking the reader for its line after every record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    starts: list[int] = []
    line = 0
    for record in reader:
        records.append(record)
        starts.append(line + 1)
        line = reader.line_num
    return records, np.array(starts, dtype=np.int64)


def _score(records: list[list[str]]) -> tuple[int, int]:
    widths = Counter(len(r) for r in records if len(r) > 1 and any(c.strip() for c in r))
    width, count = widths.most_common(1)[0] if widths else (0, 0)
    return count * width, count


def _delimiter(text: str) -> str:
    """The delimiter whose most common record width covers the most cells (records x width).

    Counting cells rather than records lets a table of a few wide rows outweigh a preamble of more
    "key, value" lines split by another character. A candidate is parsed only when it could win:
    one absent from the sample leaves every record one field wide and scores nothing, and one
    whose count in the sample is under half the best score so far cannot reach it (a record of n
    fields holds n - 1 delimiters, and n <= 2 (n - 1)).
    """
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n")]  # whole lines only
    fits = len(sample) <= csv.field_size_limit()  # no field of the sample can pass the csv module's limit
    present = [delimiter for delimiter in DELIMITERS if delimiter in sample]
    if fits and present == [DELIMITERS[0]]:
        return DELIMITERS[0]  # the others score nothing, and the first wins a tie
    best, best_score = DELIMITERS[0], (-1, 0)
    for delimiter in DELIMITERS:
        present = sample.count(delimiter)
        if not present and fits:
            score = (0, 0)
        elif 2 * present < best_score[0]:
            continue
        else:
            try:
                score = _score(list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)))
            except csv.Error:
                continue
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _within(
    records: list[list[str]],
    starts: np.ndarray,
    path: str,
    limits: ReadLimits,
    size: int,
    lengths: np.ndarray,
    longest_line: int,
) -> int:
    """The width of the widest record that holds something, after checking every limit.

    When the file as a whole is within every limit (its `size` in characters, its widest record,
    its longest field, its count of fields), no record can break one and the record-by-record
    check, which names the line, is not needed. A field of a record on one line is no longer than
    the `longest_line`, so only the fields of records over several lines are measured then.
    """
    widest = int(lengths.max(initial=0))
    if (
        size <= limits.max_text_chars
        and widest <= limits.max_columns
        and int(lengths.sum()) <= limits.max_cells
        and len(records) * widest <= limits.max_cells
        and (
            size <= limits.max_cell_chars
            or (
                longest_line <= limits.max_cell_chars
                and all(
                    max(map(len, records[i]), default=0) <= limits.max_cell_chars for i in spanning(records, starts)
                )
            )
            or max(map(len, itertools.chain.from_iterable(records))) <= limits.max_cell_chars
        )
    ):
        width = widest
        while width and not any(map(itemgetter(width - 1), itertools.compress(records, (lengths >= width).tolist()))):
            width -= 1  # empty fields at the end of every record hold nothing
        return width
    width = cells = chars = 0
    for record, line in zip(records, starts.tolist(), strict=True):
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


def _dense(records: list[list[str]], lengths: np.ndarray, width: int) -> np.ndarray:
    """The records as a rectangle of `width` columns: shorter ones padded with None, longer ones cut.

    When most records have the width, the few others are padded and all are laid out at once;
    else (a file of many short lines and a few wide ones) the records are laid out by length.
    """
    n = len(records)
    uneven = np.flatnonzero(lengths != width).tolist()
    if len(uneven) * 8 <= n:
        rows = list(records)
        for i in uneven:
            record = rows[i]
            rows[i] = record[:width] if len(record) > width else record + [None] * (width - len(record))
        return np.fromiter(itertools.chain.from_iterable(rows), dtype=object, count=n * width).reshape(n, width)
    dense = np.full((n, width), None, dtype=object)
    for length in np.unique(lengths).tolist():
        used = min(length, width)
        if used:
            at = np.flatnonzero(lengths == length)
            group = (records[i] for i in at.tolist()) if length == used else (records[i][:used] for i in at.tolist())
            cells = np.fromiter(itertools.chain.from_iterable(group), dtype=object, count=at.size * used)
            dense[at, :used] = cells.reshape(at.size, used)
    return dense


def read_delimited(data: bytes, path: str, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[Grid, str, str]:
    """The grid of a delimited text file, its encoding and its delimiter, within `limits`."""
    text, encoding = decode(data, path)
    if not text or text.isspace():  # as `not text.strip()`, without copying the text
        raise InputFileError(path, "the file is empty")
    delimiter = _delimiter(text)
    try:
        lines = _Lines.of(text)
        records, starts = _records(text, delimiter, lines)
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
    longest_line = lines.longest()
    del text, lines
    lengths = np.fromiter(map(len, records), dtype=np.intp, count=len(records))
    check_quoting(records, starts, delimiter, path, lengths)
    width = _within(records, starts, path, limits, len(data), lengths, longest_line)
    cells = pd.DataFrame(_dense(records, lengths, width), columns=pd.RangeIndex(width), dtype=object, copy=False)
    rows = pd.Series(starts.astype(np.int64, copy=False), index=cells.index, copy=False)
    return Grid(cells, rows), encoding, delimiter
