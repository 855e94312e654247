"""Put the report's sheets into an .xlsx file with XlsxWriter: streamed rows, styled cells, written atomically.

The workbook is written in XlsxWriter's ``constant_memory`` mode: each row goes to a temporary file
as soon as the next row starts, so memory stays flat however many rows there are. Links are the
exception: XlsxWriter keeps each hyperlink of a sheet until the sheet is closed (a few hundred bytes
each), and Excel keeps at most 65,530 per sheet, so memory for links is bounded by that cap.

Every text cell is written with ``write_string``: text from an input file never becomes a formula,
an error value, a number or a link; only source URLs that :func:`._sheets.link_mask` accepts become
links. The file is written to a temporary file beside the target (XlsxWriter's own temporary files
in a temporary folder beside it) and moved into place when complete; on any failure both are removed.
A run killed outright (SIGKILL, a power cut) cannot remove them: their names carry the writer's
process id, and the next write to the same target removes those whose process is gone.

Why one module of this size: it is the only code that knows XlsxWriter; every cell type, style,
link, print setting and the atomic write sit together so that no other module touches the
spreadsheet library.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xlsxwriter

from ..errors import ReportError
from . import _sheets, _styles
from ._sheets import (
    Chart,
    DocumentSheet,
    Facts,
    Legend,
    Line,
    Table,
    TableSheet,
    build_sheets,
    link_mask,
)

if TYPE_CHECKING:  # the renderer reads the result's type; the result imports the renderer
    from ..result import ScreenResult

__all__ = [
    "ReportError",
    "check_writable",
    "holdings_paths",
    "remove_stale_temporaries",
    "write_holdings",
    "write_report",
    "write_restricted_list",
    "write_sheets",
]

#: rows prepared at once; bounds the memory used for cell values whatever the number of rows
CHUNK_ROWS = 4_096
#: rows looked at to fit a column's width, and the widths allowed
_WIDTH_SAMPLE = 200
_MAX_WIDTH = 60
_MAX_WRAP_WIDTH = 80
_MIN_WIDTH = 6
#: points per line of 11-point text, for the height of a row whose cells wrap
_LINE_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0  # the tallest row Excel allows
_MAX_TEXT = 32_767  # characters Excel keeps in a cell
# characters XML 1.0 forbids (they cannot be written at all)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# a spreadsheet reads text starting with one of these as a formula when it is edited or imported
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_FIRST_EXCEL_DATE = pd.Timestamp("1900-03-01")  # before it Excel's serial numbers are off by one
_NUMERIC = {"money", "number", "count", "percent", "score"}
_RIGHT_ALIGNED = _NUMERIC | {"date", "datetime"}
# XlsxWriter's options: text is text (no guessing of numbers, formulas or links from strings)
_BOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "max_url_length": _sheets.MAX_LINK_LENGTH,
}
_PAPER_A4 = 9
#: column widths (in characters of the default font) a printed landscape A4 page holds at a scale
#: that keeps 11-point text readable: about 145 fit at 100 %, so 175 prints at about 83 % (9 points)
PRINT_WIDTH = 175
#: the widest a printed column of names or ids is made, and of long text (definitions, notes),
#: in characters: wider text wraps and takes more lines instead
_PRINT_MAX_WIDTH = 36
_PRINT_MAX_WRAP_WIDTH = 60
_PIXELS_PER_CM = 37.8


# ---------------------------------------------------------------------------- targets and files


def _check_target(result: ScreenResult, path: str | Path, suffixes: tuple[str, ...]) -> Path:
    target = Path(path).expanduser()
    if suffixes and target.suffix.lower() not in suffixes:
        raise ReportError(f"{target}: the report is an Excel workbook; give a file name ending in .xlsx")
    if target.is_dir():
        raise ReportError(f"{target}: is a folder; give a file name")
    if not target.parent.is_dir():
        raise ReportError(f"{target}: the folder {target.parent} does not exist")
    resolved = target.resolve()
    inputs = result.inputs["path"].dropna() if "path" in result.inputs.columns else []
    for item in inputs:  # a handful of input files
        if Path(str(item)).expanduser().resolve() == resolved:
            raise ReportError(f"{target}: is an input of this screen ({item}); write the report to another file")
    check_writable(target)
    return target


def check_writable(target: Path) -> None:
    """Refuse a read-only `target` (it is not silently replaced) and a folder where no file can be made."""
    if target.is_file() and not target.stat().st_mode & 0o222:
        raise ReportError(f"{target}: is read-only; make it writable or write to another file")
    try:
        fd, probe = tempfile.mkstemp(prefix=_temporary_prefix(target), suffix=".probe", dir=target.parent)
    except OSError as exc:
        raise ReportError(f"{target}: cannot write in the folder {target.parent} ({exc.strerror})") from None
    os.close(fd)
    os.unlink(probe)


#: after ``.<target name>.``, a temporary file or folder's name: ``<pid>.<random>.part`` (or ``.tmp``,
#: ``.probe``); the pid is missing in the names earlier versions made
_TEMPORARY = re.compile(r"(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}\.(?:part|tmp|probe)")
#: a temporary whose writer may still be alive is left alone for this long (the pid may be reused)
STALE_AFTER_SECONDS = 24 * 3600
#: a temporary without a pid in its name is removed when older than this
_STALE_UNKNOWN_SECONDS = 3600


def _temporary_prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:  # pid out of range: no such process
        return False
    return True


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files and folders of `target` that an earlier run left beside it (a run
    killed while writing, by SIGKILL or a power cut, runs no clean-up); returns what was removed.

    One is stale when the process named in it no longer runs, or when it is older than
    :data:`STALE_AFTER_SECONDS` (whose process may be another that got the same pid); one of this
    process is never removed here."""
    removed = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    now = time.time()
    prefix = f".{target.name}."
    for entry in entries:
        found = _TEMPORARY.fullmatch(entry.name[len(prefix) :]) if entry.name.startswith(prefix) else None
        if found is None:
            continue
        try:
            age = now - entry.lstat().st_mtime
        except OSError:
            continue
        pid = found["pid"]
        if pid is None:
            stale = age > _STALE_UNKNOWN_SECONDS
        else:
            stale = int(pid) != os.getpid() and (not _alive(int(pid)) or age > STALE_AFTER_SECONDS)
        if not stale:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        if not entry.exists():
            removed.append(entry)
    return removed


def _atomic(target: Path, write: Callable[[Path, Path], None]) -> Path:
    """Call `write(file, scratch)` on a temporary file and folder beside `target`, then move the file
    into place; on failure leave `target` as is and remove both. Temporaries an earlier, killed run
    left beside `target` are removed first (:func:`remove_stale_temporaries`)."""
    remove_stale_temporaries(target)
    fd, name = tempfile.mkstemp(prefix=_temporary_prefix(target), suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        scratch = Path(tempfile.mkdtemp(prefix=_temporary_prefix(target), suffix=".tmp", dir=target.parent))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        write(tmp, scratch)
        mask = os.umask(0)
        os.umask(mask)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~mask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


# ---------------------------------------------------------------------------- encoding values


def _text(series: pd.Series) -> pd.Series:
    """Text as Excel can hold it: control characters XML forbids removed, cut at 32,767 characters."""
    text = series if isinstance(series.dtype, pd.StringDtype) else series.astype("str")
    if text.str.contains(_ILLEGAL).fillna(False).any():
        text = text.str.replace(_ILLEGAL, "", regex=True)
    if (text.str.len() > _MAX_TEXT).fillna(False).any():
        text = text.str.slice(0, _MAX_TEXT)
    return text


def _objects(array: np.ndarray, missing: np.ndarray) -> list:
    out = array.astype(object)
    out[missing] = None
    return out.tolist()


def _numbers(series: pd.Series) -> tuple[list, np.ndarray]:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    missing = ~np.isfinite(values)
    return _objects(values, missing), missing


def _excel_dates(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Excel serial day numbers (dates are numbers with a date format) and which are missing or too early."""
    when = series if pd.api.types.is_datetime64_any_dtype(series.dtype) else pd.to_datetime(series, errors="coerce")
    if getattr(when.dt, "tz", None) is not None:
        when = when.dt.tz_convert("UTC").dt.tz_localize(None)
    serial = ((when - _EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype="float64", na_value=np.nan)
    early = (when < _FIRST_EXCEL_DATE).fillna(False).to_numpy(dtype=bool)
    return serial, np.isnan(serial) | early


def effective_kind(series: pd.Series, kind: str) -> str:
    """`kind`, or "text" when the column holds values that kind would lose (text in a number column)."""
    if kind in _NUMERIC and not pd.api.types.is_numeric_dtype(series.dtype):
        lost = series.notna() & pd.to_numeric(series, errors="coerce").isna()
        return "text" if lost.any() else kind
    if kind in ("date", "datetime") and not pd.api.types.is_datetime64_any_dtype(series.dtype):
        lost = series.notna() & pd.to_datetime(series, errors="coerce").isna()
        return "text" if lost.any() else kind
    if kind == "bool" and not pd.api.types.is_bool_dtype(series.dtype):
        return "text"
    return kind


# ---------------------------------------------------------------------------- cells


class _Formats:
    """The XlsxWriter formats of one workbook, each created once from a :class:`_styles.CellFormat`."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self._made: dict[tuple[str, bool, bool], object] = {}

    def get(self, cell_format: _styles.CellFormat, *, quoted: bool = False, left: bool = False):
        key = (cell_format.name, quoted, left)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self.wb.add_format(cell_format.properties(quoted=quoted, left=left))
        return made


class _Sheet:
    """One worksheet being written: its rows go out in order, and it keeps its budget of links."""

    def __init__(self, book: _Book, name: str):
        self.book = book
        self.ws = book.wb.add_worksheet(name)
        self.name = name
        self.links_left = _sheets.MAX_LINKS_PER_SHEET
        self.row = 0  # the next row to write (0-based)


class _Column:
    """Writes one column of a table: values encoded a chunk at a time, each with its method and format.

    Text is always written with ``write_string``, so a value such as ``=HYPERLINK(...)`` stays text;
    text that a spreadsheet would read as a formula when edited also gets Excel's quote prefix.
    """

    def __init__(self, sheet: _Sheet, index: int, kind: str, *, left: bool = False):
        self.sheet = sheet
        self.index = index
        self.kind = kind
        formats, ws = sheet.book.formats, sheet.ws
        base = _styles.format_for(kind)
        self.plain = formats.get(base, left=left)
        self.quoted = formats.get(base, quoted=True, left=left)
        self.text = formats.get(_styles.PLAIN, left=left)
        self.status = {v: formats.get(f) for v, f in _styles.STATUS_FORMATS.items()}
        self.link = formats.get(_styles.LINK)
        if kind in _NUMERIC or kind in ("date", "datetime"):
            self.write = ws.write_number
        elif kind == "bool":
            self.write = ws.write_boolean
        else:
            self.write = ws.write_string

    def encode(self, series: pd.Series) -> tuple[list, list, list]:
        """The values of `series`, the method that writes each and its format."""
        n = len(series)
        kind = self.kind
        ws = self.sheet.ws
        if kind in _NUMERIC:
            values, _ = _numbers(series)
            return values, [self.write] * n, [self.plain] * n
        if kind in ("date", "datetime"):
            serial, missing = _excel_dates(series)
            values = _objects(serial, missing)
            writes, cells = [self.write] * n, [self.plain] * n
            early = missing & series.notna().to_numpy(dtype=bool)
            if early.any():  # before 1900-03-01: written as ISO text rather than lost
                iso = series.astype("str").to_numpy(dtype=object)
                for i in np.flatnonzero(early):
                    values[i], writes[i], cells[i] = iso[i], ws.write_string, self.text
            return values, writes, cells
        if kind == "bool":
            values = series.astype(object).where(series.notna(), None).tolist()
            return values, [self.write] * n, [self.plain] * n
        text = _text(series)
        values = text.to_numpy(dtype=object, na_value=None).tolist()
        quoted = text.str.match(_FORMULA_START).fillna(False).to_numpy(dtype=bool)
        if kind == "status":
            cells = np.array(text.map(self.status).to_numpy(dtype=object, na_value=None), dtype=object)
            cells[pd.isna(cells)] = self.plain
        else:
            cells = np.full(n, self.plain, dtype=object)
        cells[quoted] = self.quoted
        writes = [self.write] * n
        if kind == "link":
            # judged on the text as given: an address that held a control character stays text
            rows = np.flatnonzero(link_mask(series).to_numpy(dtype=bool))[: max(self.sheet.links_left, 0)]
            self.sheet.links_left -= len(rows)
            cells[rows] = self.link
            for i in rows:
                writes[i] = self._write_link
        return values, writes, cells.tolist()

    def _write_link(self, row: int, col: int, url: str, cell_format) -> None:
        self.sheet.ws.write_url(row, col, url, cell_format, url)


def _write_value(sheet: _Sheet, col: int, value, kind: str, *, left: bool = False) -> None:
    """One cell outside a table column (titles, facts, legend) on the current row, encoded like a column."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return
    values, writes, cells = _Column(sheet, col, kind, left=left).encode(pd.Series([value]))
    if values[0] is not None:
        writes[0](sheet.row, col, values[0], cells[0])


# ---------------------------------------------------------------------------- widths and heights


def _shown_length(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == "money":
        return len(f"{value:,.2f}")
    if kind == "percent":
        return len(f"{value:.2%}")
    if kind in ("count", "number"):
        return len(f"{value:,.4f}".rstrip("0").rstrip("."))
    if kind == "score":
        return 4
    if kind == "date":
        return 10
    if kind == "datetime":
        return 19
    return max((len(line) for line in str(value).split("\n")), default=0)


def _widths(table: Table, kinds: list[str]) -> list[float]:
    sample = table.frame.head(_WIDTH_SAMPLE)
    widths = []
    for column, kind in zip(table.frame.columns, kinds, strict=True):
        shown = [_shown_length(v, kind) for v in _sample_values(sample[column], kind)]
        header = len(table.label(column))
        if table.header_width is not None:
            header = min(header, table.header_width)
        cap = _MAX_WRAP_WIDTH if kind == "wrap" else _MAX_WIDTH
        widths.append(min(cap, max(_MIN_WIDTH, header, *shown, 0) + 2))
    return widths


def _sample_values(series: pd.Series, kind: str) -> list:
    if kind in _NUMERIC:
        return _numbers(series)[0]
    if kind in ("date", "datetime", "bool"):
        return [None if pd.isna(v) else v for v in series.astype(object)]
    return _text(series).to_numpy(dtype=object, na_value=None).tolist()


def _per_line(width: float) -> int:
    """Characters of ordinary text that fit on one line of a column `width` wide (a little fewer than
    the width, which counts digits: a row is then rather too tall than too short)."""
    return max(int(width * 0.95) - 1, 4)


def _lines(text: pd.Series, width: float) -> np.ndarray:
    """Lines each text takes when wrapped in a column `width` wide (a missing value takes one)."""
    per_line = _per_line(width)
    parts = text.fillna("").astype("str").str.split("\n")
    return parts.map(lambda lines: sum(max(1, -(-len(line) // per_line)) for line in lines)).to_numpy(dtype=int)


def _heights(frame: pd.DataFrame, kinds: list[str], widths: list[float]) -> np.ndarray | None:
    """Points for each row whose wrapped cells need more than one line (0 for one line), or None."""
    wrapped = [i for i, k in enumerate(kinds) if k == "wrap"]
    if not wrapped:
        return None
    lines = np.ones(len(frame), dtype=int)
    for i in wrapped:
        lines = np.maximum(lines, _lines(frame.iloc[:, i], widths[i]))
    return np.where(lines > 1, np.minimum(lines * _LINE_HEIGHT, _MAX_ROW_HEIGHT), 0.0)


# ---------------------------------------------------------------------------- tables


def _header(sheet: _Sheet, table: Table, kinds: list[str]) -> None:
    for col, (name, kind) in enumerate(zip(table.frame.columns, kinds, strict=True)):
        _write_value(sheet, col, table.label(name), "header_number" if kind in _RIGHT_ALIGNED else "header")
    sheet.row += 1


def _write_rows(sheet: _Sheet, table: Table, kinds: list[str], widths: list[float]) -> int:
    """Stream the rows of `table` from the sheet's current row, a chunk at a time; returns the number of rows."""
    columns = [_Column(sheet, i, kind) for i, kind in enumerate(kinds)]
    frame = table.frame
    n = len(frame)
    set_row = sheet.ws.set_row
    for start in range(0, n, CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        first = sheet.row + start
        heights = _heights(chunk, kinds, widths)
        if heights is not None:
            for i in np.flatnonzero(heights):  # before the row's cells: XlsxWriter writes rows in order
                set_row(first + int(i), float(heights[i]))
        encoded = [col.encode(chunk[name]) for col, name in zip(columns, frame.columns, strict=True)]
        # each row: value, method and format of column 0, then of column 1, ...
        rows = zip(*[part for column in encoded for part in column], strict=True)
        offsets = [(c, 3 * c) for c in range(len(encoded))]
        for r, row in enumerate(rows, first):
            for c, k in offsets:
                value = row[k]
                if value is not None:
                    row[k + 1](r, c, value, row[k + 2])
    sheet.row += n
    return n


def _kinds(table: Table) -> list[str]:
    return [effective_kind(table.frame[c], table.kinds.get(c, "text")) for c in table.frame.columns]


def _print_setup(sheet: _Sheet, *, title_rows: int | None) -> None:
    """Landscape A4, one page wide, the header row on every page, the fund, date and page in the margins."""
    ws = sheet.ws
    ws.set_landscape()
    ws.set_paper(_PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    if title_rows is not None:
        ws.repeat_rows(title_rows)
    ws.set_header(sheet.book.page_header)
    ws.set_footer(f"&L{_header_text(sheet.name)}&RPage &P of &N")


def _header_text(text: str) -> str:
    """Text for a page header or footer: "&" doubled (a single one starts a code), cut short."""
    return text.replace("&", "&&")[:80]


def printed_columns(table: Table, kinds: list[str], widths: list[float]) -> tuple[int, list[str], list[float]]:
    """How many leading columns of `table` a printed page shows, and every column's kind and width.

    The candidates are ``table.print_columns`` (all columns when it is empty); text wider than a
    printed column's widest wraps at that width, and the candidates are taken in order while their
    widths add up to at most :data:`PRINT_WIDTH` (at least one column), so that the page is readable
    when fitted to one page wide."""
    candidates = len(table.print_columns) if table.print_columns else len(widths)
    kinds, widths = list(kinds), list(widths)
    total, shown = 0.0, 0
    for i in range(candidates):
        if kinds[i] == "wrap":
            widths[i] = min(widths[i], _PRINT_MAX_WRAP_WIDTH)
        elif kinds[i] == "text" and widths[i] > _PRINT_MAX_WIDTH:
            kinds[i], widths[i] = "wrap", _PRINT_MAX_WIDTH
        if shown and total + widths[i] > PRINT_WIDTH:
            break
        total += widths[i]
        shown += 1
    return shown, kinds, widths


def _write_table_sheet(book: _Book, sheet_spec: TableSheet) -> None:
    sheet = _Sheet(book, sheet_spec.name)
    ws = sheet.ws
    table = sheet_spec.table
    kinds = _kinds(table)
    shown, kinds, widths = printed_columns(table, kinds, _widths(table, kinds))
    if shown < len(kinds):  # rows as tall as their printed cells need; text beyond the page stays on one line
        kinds = kinds[:shown] + ["text" if k == "wrap" else k for k in kinds[shown:]]
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    _print_setup(sheet, title_rows=0)
    n_columns = max(len(kinds), 1)
    if shown < len(kinds):
        ws.print_area(0, 0, len(table.frame), shown - 1)
        ws.set_footer(
            f"&L{_header_text(sheet.name)}&CPrinted: the first {shown} of {n_columns} columns; "
            f"the others are in the workbook&RPage &P of &N"
        )
    _header(sheet, table, kinds)
    n = _write_rows(sheet, table, kinds, widths)
    ws.autofilter(0, 0, n, n_columns - 1)


# ---------------------------------------------------------------------------- document sheets


def _document_widths(sheet: DocumentSheet) -> dict[int, float]:
    widths: dict[int, float] = {}
    for block in sheet.blocks:
        table = block.table if isinstance(block, Chart) else block
        if isinstance(table, Table):
            kinds = _kinds(table)
            for i, w in enumerate(_widths(table, kinds)):
                if kinds[i] == "wrap":  # long text wraps at a printed column's width
                    w = min(w, _PRINT_MAX_WIDTH if sheet.column_width is None else sheet.column_width)
                widths[i] = max(widths.get(i, 0), w)
        elif isinstance(block, Facts):
            longest = max(len(label) for label, _, _ in block.rows)
            widths[0] = max(widths.get(0, 0), longest + 2)
        elif isinstance(block, Legend):
            widths[0] = max(widths.get(0, 0), max(len(s) for s, _ in block.entries) + 2)
    if sheet.column_width is not None:  # links and other unwrapped values are cut at the cell's edge
        # the first column (labels, ids) may be wider: it holds the facts' labels
        widths = {i: min(w, sheet.column_width * (1.5 if i == 0 else 1)) for i, w in widths.items()}
    return widths


def _header_height(table: Table, widths: dict[int, float]) -> float:
    """Points for a header row whose labels wrap (bold text is wider than the width's digits)."""
    lines = 1
    for i, column in enumerate(table.frame.columns):
        per_line = max(int((widths.get(i, _MIN_WIDTH) - 2) * 0.85), 4)
        lines = max(lines, len(textwrap.wrap(table.label(column), per_line)))
    return _LINE_HEIGHT * lines + 3


def _blank_between(previous, block) -> bool:
    """A blank row between blocks, but not under a heading nor between lines of notes."""
    if previous is None or (
        isinstance(previous, Line) and previous.kind in ("section", "title") and not isinstance(block, Facts)
    ):
        return False
    return not (isinstance(previous, Line) and isinstance(block, Line) and block.kind not in ("section", "title"))


def _line_height(text: str, kind: str, width: float) -> float | None:
    """Points for a line of notes that wraps across the sheet's columns (None: one line is enough)."""
    if kind not in ("note", "warning", "alert"):
        return None
    lines = sum(max(1, -(-len(part) // _per_line(width))) for part in text.split("\n"))
    size = 1.3 if kind == "alert" else 1.0
    return min(lines * _LINE_HEIGHT * size + 2, _MAX_ROW_HEIGHT) if lines > 1 or kind == "alert" else None


def _write_document_sheet(book: _Book, spec: DocumentSheet) -> None:
    sheet = _Sheet(book, spec.name)
    ws = sheet.ws
    widths = _document_widths(spec)
    for i, width in widths.items():
        ws.set_column(i, i, width)
    _print_setup(sheet, title_rows=None)
    if spec.one_page:
        ws.set_portrait()
        ws.fit_to_pages(1, 1)

    # notes span the columns of the sheet's tables, so that they wrap at the width of the page
    span = max(len(widths), 1)
    span_width = sum(widths.values()) if widths else 60.0

    previous = None
    for block in spec.blocks:
        if _blank_between(previous, block):
            sheet.row += 1
        previous = block
        if isinstance(block, Line):
            height = _line_height(block.text, block.kind, span_width)
            if block.kind in ("note", "warning", "alert") and span > 1:  # wraps across the page, not in one cell
                if height is not None:
                    ws.set_row(sheet.row, height)
                fmt = book.formats.get(_styles.format_for(block.kind))
                text = _text(pd.Series([block.text])).iloc[0]
                ws.merge_range(sheet.row, 0, sheet.row, span - 1, "", fmt)
                ws.write_string(sheet.row, 0, text, fmt)
            else:
                _write_value(sheet, 0, block.text, block.kind)
            sheet.row += 1
        elif isinstance(block, Facts):
            for label, value, kind in block.rows:
                _write_value(sheet, 0, label, "label")
                _write_value(sheet, 1, value, kind, left=True)
                sheet.row += 1
        elif isinstance(block, Legend):
            for status, meaning in block.entries:
                _write_value(sheet, 0, status, "status")
                _write_value(sheet, 1, meaning, "text")
                sheet.row += 1
        else:
            table = block.table if isinstance(block, Chart) else block
            if table.title:
                _write_value(sheet, 0, table.title, "section")
                sheet.row += 1
            ws.set_row(sheet.row, _header_height(table, widths))
            kinds = _kinds(table)
            header_row = sheet.row
            _header(sheet, table, kinds)
            _write_rows(sheet, table, kinds, [widths.get(i, _MIN_WIDTH) for i in range(len(kinds))])
            if isinstance(block, Chart):
                _add_chart(sheet, block, header_row, sheet.row - 1)


def _add_chart(sheet: _Sheet, chart_block: Chart, header_row: int, last_row: int) -> None:
    """A bar chart of `chart_block`'s table (rows `header_row` to `last_row`), placed below it."""
    columns = list(chart_block.table.frame.columns)
    chart = sheet.book.wb.add_chart({"type": "bar"})
    category = columns.index(chart_block.category)
    for name in chart_block.values:
        col = columns.index(name)
        chart.add_series(
            {
                "name": [sheet.name, header_row, col],
                "categories": [sheet.name, header_row + 1, category, last_row, category],
                "values": [sheet.name, header_row + 1, col, last_row, col],
            }
        )
    chart.set_title({"name": chart_block.title, "name_font": {"size": 12, "bold": True}})
    chart.set_x_axis({"name": chart_block.axis_title, "num_format": "0%", "major_gridlines": {"visible": True}})
    # first criterion at the top, as in the table; the value axis stays at the bottom
    chart.set_y_axis({"reverse": True, "crossing": "max"})
    chart.set_legend({"position": "bottom"})
    bars = len(chart_block.values)
    height_cm = max(7.5, (last_row - header_row) * (0.3 + 0.3 * bars) + 3)
    chart.set_size({"width": int(24 * _PIXELS_PER_CM), "height": int(height_cm * _PIXELS_PER_CM)})
    sheet.ws.insert_chart(last_row + 2, 0, chart)
    sheet.row = last_row + 2 + int(height_cm * _PIXELS_PER_CM / 20) + 1  # rows of 20 px under the chart


# ---------------------------------------------------------------------------- entry points


class _Book:
    """An XlsxWriter workbook of the report, its formats, and the page header of its sheets."""

    def __init__(self, result: ScreenResult, path: Path, scratch: Path):
        self.wb = xlsxwriter.Workbook(str(path), {**_BOOK_OPTIONS, "tmpdir": str(scratch)})
        self.formats = _Formats(self.wb)
        when = datetime.combine(result.as_of.date(), datetime.min.time())
        self.wb.set_properties(
            {
                "title": f"Exclusion screen {result.policy.id} as of {result.as_of.date()}",
                "author": "exclusionscreen",
                "created": when,
            }
        )
        title = _header_text(result.policy.title)
        self.page_header = f"&L&B{title}&RScreened as of {result.as_of.date()}"

    def close(self) -> None:
        self.wb.close()


def write_sheets(book: _Book, sheets) -> None:
    """Write `sheets` (from :func:`._sheets.build_sheets`) into `book`, in order."""
    for sheet in sheets:
        if isinstance(sheet, TableSheet):
            _write_table_sheet(book, sheet)
        else:
            _write_document_sheet(book, sheet)


def holdings_paths(path: str | Path) -> tuple[Path, Path]:
    """The Parquet and CSV files of every holding beside the workbook `path`."""
    target = Path(path).expanduser()
    return target.with_name(f"{target.stem}_holdings.parquet"), target.with_name(f"{target.stem}_holdings.csv")


def write_report(
    result: ScreenResult,
    path: str | Path,
    *,
    previous: ScreenResult | str | Path | None = None,
    all_holdings: bool = False,
    previous_quarters: tuple | list = (),
) -> Path:
    """Write the quarterly exclusion report of `result` to the .xlsx file `path`; returns the path.

    Sheets: Summary, Flags, Holdings not clear (every holding with `all_holdings`: Holdings),
    (Skipped), Review, Changes (against `previous`, a result or a folder written by
    ``ScreenResult.save``), Overrides, Criteria, About. Every holding also goes to
    ``<name>_holdings.parquet`` and ``<name>_holdings.csv`` beside the workbook (see
    :func:`write_holdings`). Each file is replaced only once the new one is complete; none may be
    one of the screen's input files. With `previous_quarters` (results or saved result folders of
    the earlier quarter ends of the reference period) the sheet PAI 14 gives the average of PAI 14
    over them and `result` (:func:`exclusionscreen.pai14_average`).
    """
    target = _check_target(result, path, (".xlsx",))
    parquet, text = holdings_paths(target)
    for other in (parquet, text):
        _check_target(result, other, ())
    sheets = build_sheets(
        result,
        previous,
        all_holdings=all_holdings,
        holdings_files=(parquet.name, text.name),
        previous_quarters=tuple(previous_quarters),
    )
    write_holdings(result, parquet, text)

    def write(tmp: Path, scratch: Path) -> None:
        book = _Book(result, tmp, scratch)
        write_sheets(book, sheets)
        book.close()

    return _atomic(target, write)


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with text that a spreadsheet would run as a formula prefixed with an apostrophe."""
    text = {
        c: _text(frame[c])
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
        and not pd.api.types.is_datetime64_any_dtype(frame[c].dtype)
    }
    return frame.assign(**{c: t.mask(t.str.match(_FORMULA_START).fillna(False), "'" + t) for c, t in text.items()})


def write_holdings(result: ScreenResult, parquet: str | Path, csv_path: str | Path | None = None) -> Path:
    """Write every screened holding (``result.holdings``) to the Parquet file `parquet` and, when
    given, to the CSV file `csv_path` (UTF-8; text a spreadsheet would run as a formula gets an
    apostrophe, as in the restricted list); returns the Parquet path."""
    frame = result.holdings.copy()
    frame.attrs = {}
    frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})
    target = _check_target(result, parquet, (".parquet",)) if str(parquet).endswith(".parquet") else None
    if target is None:
        raise ReportError(f"{parquet}: the holdings file is Parquet; give a file name ending in .parquet")
    _atomic(target, lambda tmp, scratch: frame.to_parquet(tmp, index=False))
    if csv_path is not None:
        safe = _csv_safe(frame)
        _atomic(
            _check_target(result, csv_path, ()),
            lambda tmp, scratch: safe.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"),
        )
    return target


def write_restricted_list(result: ScreenResult, path: str | Path) -> Path:
    """Write ``result.restricted_list()`` to the CSV file `path` (UTF-8, one row per security).

    Text that a spreadsheet would run as a formula when the file is opened (starting with ``=``,
    ``+``, ``-``, ``@``) is prefixed with an apostrophe; identifiers never start so.
    """
    target = _check_target(result, path, ())
    safe = _csv_safe(result.restricted_list())

    def write(tmp: Path, scratch: Path) -> None:
        safe.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)

    return _atomic(target, write)
