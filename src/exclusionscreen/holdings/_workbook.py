"""Reading .xlsx workbooks safely and sparsely, every worksheet as a :class:`Grid`.

A workbook is a zip archive of XML parts. Three kinds of hostile file are refused:

- archives that would decompress to absurd sizes (a "zip bomb"): the number of parts, the total
  their headers declare and each large part's compression ratio are checked before any part is
  parsed. Python's :mod:`zipfile` never returns more bytes than a part declares, so the declared
  sizes bound what is read;
- XML that declares a document type or entities ("billion laughs", external entities): every
  XML part but the worksheets is scanned for ``<!DOCTYPE`` and ``<!ENTITY`` and refused before
  parsing; a worksheet (the large part) is refused by its parser at the document type, before
  any entity is declared;
- small files that declare a huge table: a sheet is read cell by cell with a streaming parser
  that keeps only the cells holding something, so a cell at XFD1048576 costs one cell, not a
  grid of 17 billion. The :class:`ReadLimits` are checked while reading: columns of the widest
  row with content, cells, characters in a cell and in all cells (a shared string counted each
  time a cell uses it), and the rectangle the sheet becomes.

Values are read as openpyxl reads them with ``data_only=True`` (cached results of formulas,
numbers as int or float, dates by the cell's number format, shared and inline strings), using
its public number-format and date helpers.

Why one module of this size: the archive checks, the sparse streaming parser and the read limits
guard one another (each limit is checked where the parser meets the bytes it bounds); split, a
limit could be checked after the memory it guards was spent.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.parsers.expat
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from ..errors import InputFileError
from ._limits import DEFAULT_LIMITS, ReadLimits, limit_note
from ._table import Grid

__all__ = ["check_archive", "read_workbook"]

_RATIO_FROM = 1024 * 1024
_CHUNK = 1024 * 1024
_MAX_ROW = 1_048_576  # Excel's last row and column
_MAX_COLUMN = 16_384
_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_SHEETS = "xl/worksheets/"


class _Corrupt(Exception):
    """A part that does not follow the format; reported as a corrupt workbook."""


def check_archive(archive: zipfile.ZipFile, path: str, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Refuse an archive whose parts would decompress to absurd sizes or declare XML entities."""
    members = archive.infolist()
    if len(members) > limits.max_parts:
        raise InputFileError(
            path, f"refused: the workbook has {len(members):,} parts ({limit_note('max_parts', limits.max_parts)})"
        )
    total = sum(m.file_size for m in members)
    if total > limits.max_inflated:
        raise InputFileError(
            path,
            f"refused: the workbook would decompress to {total:,} bytes "
            f"({limit_note('max_inflated', limits.max_inflated)})",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM and ratio > limits.max_ratio:
            raise InputFileError(
                path,
                f"refused: part {member.filename} decompresses {ratio:,.0f} times its stored size; "
                f"this looks like a zip bomb ({limit_note('max_ratio', limits.max_ratio)})",
            )
    for member in members:
        # worksheets, the large parts, are checked as they are parsed (_parser refuses a DTD)
        if member.filename.endswith((".xml", ".rels", ".vml")) and not member.filename.startswith(_SHEETS):
            _scan_for_entities(archive, member, path)


def _entities(part: str) -> str:
    return (
        f"refused: part {part} declares a DTD or XML entities, which a workbook never needs "
        "(possible entity-expansion attack)"
    )


def _scan_for_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: str) -> None:
    overlap = max(len(m) for m in _MARKERS)
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _MARKERS):
                raise InputFileError(path, _entities(member.filename))
            tail = window[-overlap:]


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _elements(archive: zipfile.ZipFile, part: str, wanted: set[str]):
    """(local tag, attributes) of each element of `part` named in `wanted`, streamed and cleared."""
    with archive.open(part) as stream:
        for _, element in ElementTree.iterparse(stream, events=("end",)):
            tag = _local(element.tag)
            if tag in wanted:
                yield tag, {_local(k): v for k, v in element.attrib.items()}
            element.clear()


def _relations(archive: zipfile.ZipFile, part: str, names: set[str]) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of the part `part`, read from its .rels part."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in names:
        return {}
    out = {}
    for _, attrs in _elements(archive, rels, {"Relationship"}):
        if attrs.get("TargetMode") == "External":
            continue
        target = attrs.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[attrs.get("Id", "")] = (attrs.get("Type", ""), target)
    return out


@dataclass
class _Book:
    """What reading the sheets needs: their names and parts, the shared strings, the date styles."""

    sheets: list[tuple[str, str]]
    strings: list[str] = field(default_factory=list)
    dates: set[int] = field(default_factory=set)
    timedeltas: set[int] = field(default_factory=set)
    epoch: object = CALENDAR_WINDOWS_1900


class _Budget:
    """What the whole file may still hold: cells and characters, counted as they are read."""

    def __init__(self, limits: ReadLimits, path: str):
        self.limits, self.path = limits, path
        self.cells = 0
        self.chars = 0

    def take(self, cells: int, chars: int, where) -> None:
        """Count cells and characters; `where` (called only on failure) says where reading stopped."""
        self.cells += cells
        self.chars += chars
        if self.cells > self.limits.max_cells:
            raise InputFileError(
                self.path,
                f"refused: more than {self.limits.max_cells:,} cells hold something ({where()}; "
                f"{limit_note('max_cells', self.limits.max_cells)})",
            )
        if self.chars > self.limits.max_text_chars:
            raise InputFileError(
                self.path,
                f"refused: the cells hold more than {self.limits.max_text_chars:,} characters together, "
                f"a shared string counted each time a cell uses it ({where()}; "
                f"{limit_note('max_text_chars', self.limits.max_text_chars)})",
            )

    def cell_text(self, size: int, where: str) -> None:
        if size > self.limits.max_cell_chars:
            raise InputFileError(
                self.path,
                f"refused: {where} holds more than {self.limits.max_cell_chars:,} characters "
                f"({limit_note('max_cell_chars', self.limits.max_cell_chars)})",
            )


def _parser(start, end, data, part: str, path: str) -> xml.parsers.expat.XMLParserType:
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 65_536
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data

    def no_doctype(*_args) -> None:
        raise InputFileError(path, _entities(part))

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    return parser


def _feed(archive: zipfile.ZipFile, part: str, parser: xml.parsers.expat.XMLParserType) -> None:
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _shared_strings(archive: zipfile.ZipFile, part: str, budget: _Budget) -> list[str]:
    """The shared-string table: each ``<si>``'s text runs joined, phonetic runs left out."""
    strings: list[str] = []
    pieces: list[str] = []
    state = {"si": False, "t": False, "rPh": False, "size": 0}
    limits = budget.limits

    def start(name: str, _attrs) -> None:
        tag = name.rpartition(":")[2]
        if tag == "si":
            state["si"], state["size"] = True, 0
            pieces.clear()
        elif tag == "t":
            state["t"] = state["si"] and not state["rPh"]
        elif tag == "rPh":
            state["rPh"] = True

    def data(text: str) -> None:
        if state["t"]:
            state["size"] += len(text)
            budget.cell_text(state["size"], f"shared string {len(strings) + 1:,}")
            pieces.append(text)

    def end(name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "t":
            state["t"] = False
        elif tag == "rPh":
            state["rPh"] = False
        elif tag == "si":
            state["si"] = False
            strings.append("".join(pieces).replace("x005F_", ""))  # as openpyxl reads them
            if len(strings) > limits.max_cells:
                raise InputFileError(
                    budget.path,
                    f"refused: the shared-string table has more than {limits.max_cells:,} strings "
                    f"({limit_note('max_cells', limits.max_cells)})",
                )

    _feed(archive, part, _parser(start, end, data, part, budget.path))
    total = sum(map(len, strings))
    if total > limits.max_text_chars:
        raise InputFileError(
            budget.path,
            f"refused: the shared strings hold {total:,} characters "
            f"({limit_note('max_text_chars', limits.max_text_chars)})",
        )
    return strings


def _styles(archive: zipfile.ZipFile, part: str, book: _Book) -> None:
    """Which cell styles show numbers as dates or durations (as openpyxl decides it)."""
    custom: dict[int, str] = {}
    position = 0
    in_xfs = False
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if tag == "cellXfs":
                in_xfs = event == "start"
            elif event == "end" and tag == "numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and tag == "xf" and in_xfs:
                number = int(element.get("numFmtId", "0"))
                fmt = custom[number] if number in custom else builtin_format_code(number)
                if is_date_format(fmt):
                    book.dates.add(position)
                if is_timedelta_format(fmt):
                    book.timedeltas.add(position)
                position += 1
            if event == "end":
                element.clear()


def _book(archive: zipfile.ZipFile, path: str, budget: _Budget) -> _Book:
    names = set(archive.namelist())
    main = next(
        (target for kind, target in _relations(archive, "", names).values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    if main not in names:
        raise InputFileError(path, "a zip archive, but not an .xlsx workbook")
    relations = _relations(archive, main, names)
    sheets: list[tuple[str, str]] = []
    epoch = CALENDAR_WINDOWS_1900
    for tag, attrs in _elements(archive, main, {"sheet", "workbookPr"}):
        if tag == "workbookPr":
            if attrs.get("date1904", "").lower() in ("1", "true"):
                epoch = CALENDAR_MAC_1904
            continue
        kind, target = relations.get(attrs.get("id", ""), ("", ""))
        if kind.endswith("/worksheet"):
            if target not in names:
                raise _Corrupt(f"sheet {attrs.get('name')!r} names the missing part {target}")
            sheets.append((attrs.get("name", ""), target))
        if len(sheets) > budget.limits.max_parts:
            raise _Corrupt("more sheets than parts")
    book = _Book(sheets, epoch=epoch)
    for kind, target in relations.values():
        if target not in names:
            continue
        if kind.endswith("/sharedStrings"):
            book.strings = _shared_strings(archive, target, budget)
        elif kind.endswith("/styles"):
            _styles(archive, target, book)
    return book


_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    number = _COLUMNS.get(letters)
    if number is None:
        number = 0
        for ch in letters.upper():
            number = number * 26 + ord(ch) - 64
        _COLUMNS[letters] = number
    return number


def _column_name(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number(text: str) -> int | float:
    return float(text) if ("." in text or "E" in text or "e" in text) else int(text)


class _Sheet:
    """The cells of one worksheet that hold something, read with a streaming parser."""

    def __init__(self, book: _Book, title: str, budget: _Budget):
        self.book, self.title, self.budget = book, title, budget
        self.limits = budget.limits
        self.rows: list[int] = []
        self.columns: list[int] = []
        self.values: list[object] = []
        self.row = 0
        self.column = 0
        self.type = "n"
        self.style = 0
        self.pieces: list[str] = []
        self.size = 0
        self.collect = False
        self.in_cell = self.in_inline = self.in_phonetic = False
        self.has_value = False

    def where(self) -> str:
        return f"sheet {self.title!r}, cell {_column_name(self.column)}{self.row}"

    def start(self, name: str, attrs: dict) -> None:
        tag = name.rpartition(":")[2]
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                match = _REF.match(ref)
                if match is None:
                    raise _Corrupt(f"sheet {self.title!r}: cell reference {ref[:20]!r}")
                self.column, self.row = _column(match[1]), int(match[2])
            else:
                self.column += 1
            if not (1 <= self.row <= _MAX_ROW and 1 <= self.column <= _MAX_COLUMN):
                raise _Corrupt(f"sheet {self.title!r}: a cell outside the sheet (row {self.row}, column {self.column})")
            self.type = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style else 0
            self.in_cell, self.has_value, self.size = True, False, 0
            self.pieces.clear()
        elif not self.in_cell:
            if tag == "row":
                number = attrs.get("r")
                self.row = int(number) if number else self.row + 1
                self.column = 0
        elif tag == "v":
            self.collect = self.type != "inlineStr"
            self.has_value = True
        elif tag == "is":
            self.in_inline = True
            self.has_value = True
        elif tag == "rPh":
            self.in_phonetic = True
        elif tag == "t":
            self.collect = self.in_inline and not self.in_phonetic

    def data(self, text: str) -> None:
        if self.collect:
            self.size += len(text)
            if self.size > self.limits.max_cell_chars:
                self.budget.cell_text(self.size, self.where())
            self.pieces.append(text)

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag in ("v", "t"):
            self.collect = False
        elif tag == "is":
            self.in_inline = False
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "c":
            self.in_cell = False
            if self.has_value:
                self._keep("".join(self.pieces))

    def _keep(self, text: str) -> None:
        kind = self.type
        if kind == "inlineStr":
            value: object = text
        elif not text:
            return
        elif kind == "n":
            value = _number(text)
            if self.style in self.book.dates:
                try:
                    value = from_excel(value, self.book.epoch, timedelta=self.style in self.book.timedeltas)
                except (OverflowError, ValueError):
                    value = "#VALUE!"
        elif kind == "s":
            index = int(text)
            if not 0 <= index < len(self.book.strings):
                raise _Corrupt(f"{self.where()} refers to shared string {index}, of {len(self.book.strings)}")
            value = self.book.strings[index]
        elif kind == "b":
            value = bool(int(text))
        elif kind == "d":
            value = from_ISO8601(text)
        else:  # "str" (a formula's text), "e" (an error such as #N/A)
            value = text
        if value == "":
            return
        if self.column > self.limits.max_columns:
            raise InputFileError(
                self.budget.path,
                f"refused: {self.where()} holds something in column {self.column:,} "
                f"({limit_note('max_columns', self.limits.max_columns)})",
            )
        chars = len(value) if isinstance(value, str) else 0
        if chars > self.limits.max_cell_chars:
            self.budget.cell_text(chars, self.where())
        budget = self.budget
        budget.cells += 1
        budget.chars += chars
        if budget.cells > budget.limits.max_cells or budget.chars > budget.limits.max_text_chars:
            budget.take(0, 0, self.where)
        self.rows.append(self.row)
        self.columns.append(self.column)
        self.values.append(value)

    def grid(self) -> Grid:
        """The rectangle from A1 to the last row and widest column that hold something."""
        height = max(self.rows, default=0)
        width = max(self.columns, default=0)
        if height * width > self.limits.max_cells:
            raise InputFileError(
                self.budget.path,
                f"refused: sheet {self.title!r} spans {height:,} rows by {width:,} columns, "
                f"{height * width:,} cells ({limit_note('max_cells', self.limits.max_cells)})",
            )
        dense = np.full((height, width), None, dtype=object)
        if self.values:
            values = np.empty(len(self.values), dtype=object)
            values[:] = self.values
            dense[np.asarray(self.rows) - 1, np.asarray(self.columns) - 1] = values
        cells = pd.DataFrame(dense, columns=range(width), dtype=object)
        rows = pd.Series(range(1, height + 1), index=cells.index, dtype="int64")
        return Grid(cells, rows, sheet=self.title)


def _read_sheet(archive: zipfile.ZipFile, book: _Book, title: str, part: str, budget: _Budget) -> Grid:
    sheet = _Sheet(book, title, budget)
    _feed(archive, part, _parser(sheet.start, sheet.end, sheet.data, part, budget.path))
    return sheet.grid()


def read_workbook(data: bytes, path: str, limits: ReadLimits = DEFAULT_LIMITS) -> list[Grid]:
    """Every worksheet of an .xlsx workbook as a grid, after the safety checks, within `limits`."""
    budget = _Budget(limits, path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if not any(name.startswith("xl/") or name == "_rels/.rels" for name in names):
                raise InputFileError(path, "a zip archive, but not an .xlsx workbook")
            check_archive(archive, path, limits)
            book = _book(archive, path, budget)
            return [_read_sheet(archive, book, title, part, budget) for title, part in book.sheets]
    except InputFileError:
        raise
    except MemoryError:
        raise InputFileError(
            path,
            "this machine ran out of memory reading the workbook (not a sign of a damaged file); "
            "lower the ReadLimits or free memory",
        ) from None
    except (
        _Corrupt,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ElementTree.ParseError,
        xml.parsers.expat.ExpatError,
        ValueError,
        KeyError,
        IndexError,
    ) as exc:
        raise InputFileError(path, f"truncated or corrupt workbook ({type(exc).__name__}: {exc})") from None
