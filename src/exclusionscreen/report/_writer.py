"""Put the report's sheets into an .xlsx file: streamed rows, styled cells, written atomically.

The workbook is opened in openpyxl's write-only mode, so rows go to disk as they are written and
memory stays flat however many rows there are. Every text cell is written as an explicit string:
text from an input file never becomes a formula, an error value or a link; only source URLs the
report itself recognises become links. The file is written to a temporary file beside the target
and moved into place when complete.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zipfile import ZIP_DEFLATED, ZipFile

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from ..errors import ReportError
from . import _sheets, _styles
from ._links import ReportExcelWriter, spool_links
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

__all__ = ["ReportError", "write_report", "write_restricted_list"]

#: rows prepared at once; bounds the memory used for cell values whatever the number of rows
CHUNK_ROWS = 4_096
#: rows looked at to fit a column's width, and the widths allowed
_WIDTH_SAMPLE = 200
_MAX_WIDTH = 60
_MAX_WRAP_WIDTH = 80
_MIN_WIDTH = 6
_MAX_TEXT = 32_767  # characters Excel keeps in a cell
# characters XML 1.0 forbids (openpyxl would refuse them)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# a spreadsheet reads text starting with one of these as a formula when it is edited or imported
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_FIRST_EXCEL_DATE = pd.Timestamp("1900-03-01")  # before it Excel's serial numbers are off by one
_NUMERIC = {"money", "number", "count", "percent", "score"}
_RIGHT_ALIGNED = _NUMERIC | {"date", "datetime"}
_LEFT = Alignment(horizontal="left", vertical="top")


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
    return target


def _atomic(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write` on a temporary file beside `target`, then move it into place; on failure leave `target` as is."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        mask = os.umask(0)
        os.umask(mask)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~mask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
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


class _Column:
    """Writes one column of a table: template cells (one per style the column uses), reused row after row.

    A template cell carries the column's style and data type; each row only sets its value. Text is
    always of type string ("s"), so a value such as ``=HYPERLINK(...)`` stays text; text that a
    spreadsheet would read as a formula when edited also gets Excel's quote prefix.
    """

    def __init__(self, ws, index: int, kind: str, links: list[int] | None = None):
        self.ws = ws
        self.index = index
        self.kind = kind
        self.links = links  # shared per sheet: [links still allowed]
        fmt = _styles.format_for(kind)
        self.plain = self._template("n" if kind in _NUMERIC or kind in ("date", "datetime") else "s", fmt)
        if kind == "bool":
            self.plain.data_type = "b"
        self.quoted = self._template("s", fmt, quote=True)
        self.text = self._template("s", None)
        self.status = {v: self._template("s", f) for v, f in _styles.STATUS_FORMATS.items()}
        self.link = self._template("s", _styles.LINK) if kind == "link" else None

    def _template(self, data_type: str, fmt: _styles.CellFormat | None, quote: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        cell.column = self.index
        if fmt is not None:
            cell.style = fmt.style_name
        if quote:
            cell.quotePrefix = True
        cell.data_type = data_type
        return cell

    def encode(self, series: pd.Series, first_row: int) -> tuple[list, list]:
        """The values of `series` (rows from `first_row`) and the cell each is written with."""
        n = len(series)
        kind = self.kind
        if kind in _NUMERIC:
            values, _ = _numbers(series)
            return values, [self.plain] * n
        if kind in ("date", "datetime"):
            serial, missing = _excel_dates(series)
            values = _objects(serial, missing)
            cells = [self.plain] * n
            early = missing & series.notna().to_numpy(dtype=bool)
            if early.any():  # before 1900-03-01: written as ISO text rather than lost
                iso = series.astype("str").to_numpy(dtype=object)
                for i in np.flatnonzero(early):
                    values[i], cells[i] = iso[i], self.text
            return values, cells
        if kind == "bool":
            values = series.astype(object).where(series.notna(), None).tolist()
            return values, [self.plain] * n
        text = _text(series)
        values = text.to_numpy(dtype=object, na_value=None).tolist()
        quoted = text.str.match(_FORMULA_START).fillna(False).to_numpy(dtype=bool)
        if kind == "status":
            cells = np.array(text.map(self.status).to_numpy(dtype=object, na_value=None), dtype=object)
            cells[pd.isna(cells)] = self.plain
        else:
            cells = np.full(n, self.plain, dtype=object)
        cells[quoted] = self.quoted
        if kind == "link":
            self._links(text, cells, first_row)
        return values, cells.tolist()

    def _links(self, text: pd.Series, cells: np.ndarray, first_row: int) -> None:
        """Link cells for the http(s) URLs, within the sheet's budget of links.

        On a sheet with a link spool (a table sheet) the cell is the column's link template and the
        link goes to the spool; elsewhere (a few links on a document sheet) each link is a new cell
        carrying openpyxl's hyperlink.
        """
        rows = np.flatnonzero(link_mask(text).to_numpy(dtype=bool))[: max(self.links[0], 0)]
        if not len(rows):
            return
        self.links[0] -= len(rows)
        letter = get_column_letter(self.index)
        targets = text.to_numpy(dtype=object)
        spool = getattr(self.ws, "_link_spool", None)
        if spool is not None:
            cells[rows] = self.link
            spool.add([f"{letter}{first_row + i}" for i in rows], targets[rows].tolist())
            return
        for i in rows:  # one new cell per link (a hyperlink belongs to one cell)
            cell = WriteOnlyCell(self.ws)
            cell.style = _styles.LINK.style_name
            cell.column, cell.row, cell.data_type = self.index, first_row + i, "s"
            cell._hyperlink = Hyperlink(ref=f"{letter}{first_row + i}", target=targets[i])
            cells[i] = cell


def _stream_cells(row: list, row_idx: int) -> Iterator[WriteOnlyCell]:
    """Replaces the write-only sheet's per-row conversion: the cells are ready, only their row is set."""
    for col_idx, cell in enumerate(row, 1):
        if cell is not None:
            cell.row = row_idx
            cell.column = col_idx
            yield cell


def _new_sheet(wb: Workbook, name: str, *, fit_width: bool):
    ws = wb.create_sheet(name)
    # cells arrive ready-made (see _Column): skip openpyxl's value-by-value type guessing, which
    # would also turn text starting with "=" into a formula; without this hook the output is the same
    if hasattr(ws, "_values_to_row"):
        ws._values_to_row = _stream_cells
    ws.page_setup.orientation = "landscape"
    if fit_width:  # a document sheet prints one page wide; a table runs over pages with its header repeated
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _cell(ws, value, kind: str, *, left: bool = False) -> WriteOnlyCell | None:
    """One cell for a value outside a table column (titles, facts, legend), encoded like a column."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    column = _Column(ws, 1, kind, links=[0])
    values, cells = column.encode(pd.Series([value]), 1)
    if values[0] is None:
        return None
    cell = cells[0]
    cell._value = values[0]
    if left:
        cell.alignment = _LEFT
    return cell


# ---------------------------------------------------------------------------- widths


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


# ---------------------------------------------------------------------------- tables


def _header(ws, table: Table, kinds: list[str]) -> list:
    return [
        _cell(ws, table.label(c), "header_number" if k in _RIGHT_ALIGNED else "header")
        for c, k in zip(table.frame.columns, kinds, strict=True)
    ]


def _write_rows(ws, table: Table, kinds: list[str], first_row: int, links: list[int]) -> int:
    """Stream the rows of `table` from `first_row`, a chunk at a time; returns the number of rows."""
    columns = [_Column(ws, i, kind, links) for i, kind in enumerate(kinds, 1)]
    frame = table.frame
    n = len(frame)
    for start in range(0, n, CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        encoded = [col.encode(chunk[name], first_row + start) for col, name in zip(columns, frame.columns, strict=True)]
        value_rows = zip(*[values for values, _ in encoded], strict=True)
        cell_rows = zip(*[cells for _, cells in encoded], strict=True)
        for values, cells in zip(value_rows, cell_rows, strict=True):
            row = []
            append = row.append
            for cell, value in zip(cells, values):  # noqa: B905 - same length by construction
                if value is None:
                    append(None)
                else:
                    cell._value = value
                    append(cell)
            ws.append(row)
    return n


def _kinds(table: Table) -> list[str]:
    return [effective_kind(table.frame[c], table.kinds.get(c, "text")) for c in table.frame.columns]


def _write_table_sheet(wb: Workbook, sheet: TableSheet) -> None:
    ws = _new_sheet(wb, sheet.name, fit_width=False)
    spool_links(ws)
    table = sheet.table
    kinds = _kinds(table)
    for i, width in enumerate(_widths(table, kinds), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:B"
    ws.append(_header(ws, table, kinds))
    n = _write_rows(ws, table, kinds, 2, [_sheets.MAX_LINKS_PER_SHEET])
    last = get_column_letter(max(len(kinds), 1))
    ws.auto_filter.ref = f"A1:{last}{n + 1}"


# ---------------------------------------------------------------------------- document sheets


def _document_widths(sheet: DocumentSheet) -> dict[int, float]:
    widths: dict[int, float] = {}
    for block in sheet.blocks:
        table = block.table if isinstance(block, Chart) else block
        if isinstance(table, Table):
            for i, w in enumerate(_widths(table, _kinds(table)), 1):
                widths[i] = max(widths.get(i, 0), w)
        elif isinstance(block, Facts):
            longest = max(len(label) for label, _, _ in block.rows)
            widths[1] = max(widths.get(1, 0), longest + 2)
        elif isinstance(block, Legend):
            widths[1] = max(widths.get(1, 0), max(len(s) for s, _ in block.entries) + 2)
    return widths


def _header_height(table: Table, widths: dict[int, float]) -> float:
    """Points for a header row whose labels wrap (bold text is wider than the width's digits)."""
    lines = 1
    for i, column in enumerate(table.frame.columns, 1):
        per_line = max(int((widths.get(i, _MIN_WIDTH) - 2) * 0.85), 4)
        lines = max(lines, len(textwrap.wrap(table.label(column), per_line)))
    return 15.0 * lines + 3


def _blank_between(previous, block) -> bool:
    """A blank row between blocks, but not under a heading nor between lines of notes."""
    if previous is None or (
        isinstance(previous, Line) and previous.kind in ("section", "title") and not isinstance(block, Facts)
    ):
        return False
    return not (isinstance(previous, Line) and isinstance(block, Line) and block.kind not in ("section", "title"))


def _write_document_sheet(wb: Workbook, sheet: DocumentSheet) -> None:
    ws = _new_sheet(wb, sheet.name, fit_width=sheet.fit_width)
    widths = _document_widths(sheet)
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = width
    row = 1
    links = [_sheets.MAX_LINKS_PER_SHEET]

    def blank():
        nonlocal row
        ws.append([])
        row += 1

    previous = None
    for block in sheet.blocks:
        if _blank_between(previous, block):
            blank()
        previous = block
        if isinstance(block, Line):
            ws.append([_cell(ws, block.text, block.kind)])
            row += 1
        elif isinstance(block, Facts):
            for label, value, kind in block.rows:
                ws.append([_cell(ws, label, "label"), _cell(ws, value, kind, left=True)])
                row += 1
        elif isinstance(block, Legend):
            for status, meaning in block.entries:
                ws.append([_cell(ws, status, "status"), _cell(ws, meaning, "note")])
                row += 1
        else:
            table = block.table if isinstance(block, Chart) else block
            if table.title:
                ws.append([_cell(ws, table.title, "section")])
                row += 1
            ws.row_dimensions[row].height = _header_height(table, widths)
            kinds = _kinds(table)
            ws.append(_header(ws, table, kinds))
            header_row = row
            row += 1
            row += _write_rows(ws, table, kinds, row, links)
            if isinstance(block, Chart):
                _add_chart(ws, block, header_row, row - 1)


def _add_chart(ws, chart_block: Chart, header_row: int, last_row: int) -> None:
    columns = list(chart_block.table.frame.columns)
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = chart_block.title
    chart.y_axis.title = chart_block.axis_title
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = chart.y_axis.majorGridlines  # keep the default gridlines
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # first criterion at the top, as in the table
    chart.y_axis.crosses = "max"  # with the categories reversed, keep the value axis at the bottom
    first = columns.index(chart_block.values[0]) + 1
    last = columns.index(chart_block.values[-1]) + 1
    data = Reference(ws, min_col=first, max_col=last, min_row=header_row, max_row=last_row)
    cats = Reference(ws, min_col=columns.index(chart_block.category) + 1, min_row=header_row + 1, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    bars = len(chart_block.values)
    chart.height = max(7.5, (last_row - header_row) * (0.3 + 0.3 * bars) + 3)  # centimetres
    chart.width = 28
    ws.add_chart(chart, f"{get_column_letter(len(columns) + 2)}{header_row}")


# ---------------------------------------------------------------------------- entry points


def _workbook(result: ScreenResult) -> Workbook:
    wb = Workbook(write_only=True)
    _styles.register(wb)
    when = datetime.combine(result.as_of.date(), datetime.min.time())
    props = wb.properties
    props.creator = "exclusionscreen"
    props.lastModifiedBy = "exclusionscreen"
    props.title = f"Exclusion screen {result.policy.id} as of {result.as_of.date()}"
    props.created = when
    props.modified = when
    return wb


def _save(wb: Workbook, path: Path) -> None:
    # openpyxl's Workbook.save stamps the modification time with the clock; the report keeps the
    # as-of date so that the same inputs give the same workbook
    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)
    try:
        ReportExcelWriter(wb, archive).save()
    finally:
        archive.close()


def _discard(wb: Workbook) -> None:
    """Close the sheets of a workbook that will not be saved and delete their temporary files."""
    for ws in wb.worksheets:
        spool = getattr(ws, "_link_spool", None)
        if spool is not None:
            spool.close()
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        for step in (getattr(ws._rows, "close", None), writer.close, writer.cleanup):
            with contextlib.suppress(Exception):
                if step is not None:
                    step()


def write_sheets(wb: Workbook, sheets) -> None:
    """Write `sheets` (from :func:`._sheets.build_sheets`) into the write-only workbook `wb`.

    Save `wb` with :func:`_save`, not ``wb.save``: the links of table sheets are written by the
    report's own workbook writer.
    """
    for sheet in sheets:
        if isinstance(sheet, TableSheet):
            _write_table_sheet(wb, sheet)
        else:
            _write_document_sheet(wb, sheet)


def write_report(result: ScreenResult, path: str | Path, *, previous: ScreenResult | str | Path | None = None) -> Path:
    """Write the quarterly exclusion report of `result` to the .xlsx file `path`; returns the path.

    Sheets: Summary, Flags, Holdings, (Skipped), Review, Changes (against `previous`, a result or
    a folder written by ``ScreenResult.save``), Overrides, Criteria, About. The file is replaced
    only once the new one is complete; `path` may not be one of the screen's input files.
    """
    target = _check_target(result, path, (".xlsx",))
    sheets = build_sheets(result, previous)

    def write(tmp: Path) -> None:
        wb = _workbook(result)
        try:
            write_sheets(wb, sheets)
            _save(wb, tmp)
        except BaseException:
            _discard(wb)
            raise

    return _atomic(target, write)


def write_restricted_list(result: ScreenResult, path: str | Path) -> Path:
    """Write ``result.restricted_list()`` to the CSV file `path` (UTF-8, one row per security).

    Text that a spreadsheet would run as a formula when the file is opened (starting with ``=``,
    ``+``, ``-``, ``@``) is prefixed with an apostrophe; identifiers never start so.
    """
    target = _check_target(result, path, ())
    frame = result.restricted_list()
    text = {
        c: _text(frame[c])
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c].dtype) and not pd.api.types.is_bool_dtype(frame[c].dtype)
    }
    safe = frame.assign(**{c: t.mask(t.str.match(_FORMULA_START).fillna(False), "'" + t) for c, t in text.items()})

    def write(tmp: Path) -> None:
        safe.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)

    return _atomic(target, write)
