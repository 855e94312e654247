"""What a source is (CSV, XLSX, Parquet, a frame in memory) and its grids, decided by content.

The format is read from the first bytes, not trusted from the file name: a file called
``.xlsx`` that is not a zip archive is reported as a damaged workbook, an old binary ``.xls``
or a PDF is named as such, and text is read as delimited text whatever its extension.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputFileError
from ._csv import read_delimited
from ._limits import DEFAULT_LIMITS, ReadLimits
from ._table import Grid
from ._workbook import read_workbook

__all__ = ["Source", "read_source"]

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_OTHER_BINARY = {
    b"%PDF": "a PDF document, not a spreadsheet",
    b"\x89PNG": "a PNG image, not a spreadsheet",
    b"\xff\xd8\xff": "a JPEG image, not a spreadsheet",
    b"\x1f\x8b": "a gzip archive, not a spreadsheet",
}


@dataclass(frozen=True, eq=False)
class Source:
    """One input: where it came from, its format and fingerprint, and its table-bearing grids."""

    name: str
    format: str
    grids: list[Grid]
    sha256: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


def _frame_grid(frame: pd.DataFrame) -> Grid:
    cells = frame.reset_index(drop=True).astype(object)
    cells = cells.where(cells.notna(), None)
    header = tuple(str(c) for c in cells.columns)
    cells.columns = range(cells.shape[1])
    rows = pd.Series(range(1, len(cells) + 1), index=cells.index, dtype="int64")
    return Grid(cells, rows, header=header)


def _parquet(data: bytes, name: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types on damaged files
        raise InputFileError(name, f"truncated or corrupt Parquet file ({exc})") from None


def read_source(
    source: str | Path | pd.DataFrame, label: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> Source:
    """Read one input into grids; a frame is taken as it is, a file by its content, within `limits`."""
    if isinstance(source, pd.DataFrame):
        return Source(label or "<frame>", "frame", [_frame_grid(source)])
    name = str(source)
    path = Path(source)
    if not path.exists():
        raise InputFileError(name, "no such file")
    if path.is_dir():
        raise InputFileError(name, "is a folder, not a holdings file")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data or data.isspace():  # as `not data.strip()`, without copying the file
        raise InputFileError(name, "the file is empty")
    suffix = path.suffix.lower()
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Source(name, "xlsx", read_workbook(data, name, limits), digest)
    if suffix in _WORKBOOK_SUFFIXES:
        raise InputFileError(name, "truncated or corrupt workbook (not a zip archive)")
    if data.startswith(b"PAR1"):
        return Source(name, "parquet", [_frame_grid(_parquet(data, name))], digest)
    if suffix == ".parquet":
        raise InputFileError(name, "truncated or corrupt Parquet file (no PAR1 marker)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFileError(name, "a legacy binary Excel (.xls) file; save it as .xlsx or .csv and load that")
    for magic, what in _OTHER_BINARY.items():
        if data.startswith(magic):
            raise InputFileError(name, what)
    grid, encoding, delimiter = read_delimited(data, name, limits)
    return Source(name, "csv", [grid], digest, {"encoding": encoding, "delimiter": delimiter})
