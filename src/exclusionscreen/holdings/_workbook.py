"""Reading .xlsx workbooks safely, every sheet as a :class:`Grid`.

A workbook is a zip archive of XML parts, so two kinds of hostile file are refused before any
part is parsed:

- archives that would decompress to absurd sizes (a "zip bomb"): the declared size of every
  member, their total, and each large member's compression ratio are checked first. Python's
  :mod:`zipfile` never returns more bytes than a member declares, so the declared sizes bound
  what is read;
- XML that declares a document type or entities ("billion laughs", external entities): every
  XML part is scanned for ``<!DOCTYPE`` and ``<!ENTITY`` and refused. openpyxl itself parses
  with defusedxml, which forbids them too; :func:`read_workbook` checks that it does.
"""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib

import openpyxl
import openpyxl.xml
import pandas as pd

from ..errors import InputFileError
from ._table import Grid

__all__ = [
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_UNCOMPRESSED",
    "check_archive",
    "read_workbook",
]

MAX_UNCOMPRESSED = 512 * 1024 * 1024
"""The most bytes all members of a workbook may decompress to together."""
MAX_RATIO = 500
"""The highest compression ratio allowed for a member larger than :data:`_RATIO_FROM`."""
MAX_MEMBERS = 10_000
_RATIO_FROM = 1024 * 1024
_CHUNK = 1024 * 1024
_MARKERS = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def check_archive(archive: zipfile.ZipFile, path: str) -> None:
    """Refuse an archive whose members would decompress to absurd sizes or declare XML entities."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputFileError(path, f"refused: the workbook has {len(members):,} parts")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise InputFileError(
            path,
            f"refused: the workbook would decompress to {total:,} bytes (limit {MAX_UNCOMPRESSED:,})",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            raise InputFileError(
                path,
                f"refused: part {member.filename} decompresses {ratio:,.0f} times its stored size "
                f"(limit {MAX_RATIO}); this looks like a zip bomb",
            )
    for member in members:
        if member.filename.endswith((".xml", ".rels", ".vml")):
            _scan_for_entities(archive, member, path)


def _scan_for_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo, path: str) -> None:
    overlap = max(len(m) for m in _MARKERS)
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _MARKERS):
                raise InputFileError(
                    path,
                    f"refused: part {member.filename} declares a DTD or XML entities, which a "
                    "workbook never needs (possible entity-expansion attack)",
                )
            tail = window[-overlap:]


def _sheet_grid(sheet) -> Grid:
    sheet.reset_dimensions()
    records = [list(values) for values in sheet.iter_rows(min_row=1, values_only=True)]
    width = max(map(len, records), default=0)
    records = [r + [None] * (width - len(r)) for r in records]
    cells = pd.DataFrame(records, dtype=object) if records else pd.DataFrame(dtype=object)
    cells.columns = range(cells.shape[1])
    cells = cells.where(cells.notna(), None)
    rows = pd.Series(range(1, len(cells) + 1), index=cells.index, dtype="int64")
    return Grid(cells, rows, sheet=sheet.title)


def read_workbook(data: bytes, path: str) -> list[Grid]:
    """Every worksheet of an .xlsx workbook as a grid, after the safety checks."""
    if not openpyxl.xml.DEFUSEDXML:
        raise InputFileError(path, "refused: openpyxl is not using defusedxml (is OPENPYXL_DEFUSEDXML set to False?)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise InputFileError(path, "a zip archive, but not an .xlsx workbook")
            check_archive(archive, path)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputFileError(path, f"truncated or corrupt workbook ({exc})") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # unsupported extensions, styles
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                return [_sheet_grid(sheet) for sheet in book.worksheets]
            finally:
                book.close()
    except InputFileError:
        raise
    except Exception as exc:  # openpyxl raises many types on damaged parts
        raise InputFileError(path, f"truncated or corrupt workbook ({type(exc).__name__}: {exc})") from None
