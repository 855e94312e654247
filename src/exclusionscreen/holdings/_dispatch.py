"""Which reader an input goes to: a Form N-PORT filing, or the table reader for everything else."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from ._build import read_sheets
from ._limits import DEFAULT_LIMITS, ReadLimits
from ._nport import is_nport, read_nport
from ._report import FileReport
from ._sources import read_source
from ._typed import read_parquet_file, read_typed, typed_columns

__all__ = ["is_lock_file", "read_input"]

_LOCK_PREFIXES = ("~$", ".~lock.", ".#")


def is_lock_file(path: Path) -> bool:
    """An Office owner file (``~$book.xlsx``) or an editor's lock file, present while a file is open."""
    return path.name.startswith(_LOCK_PREFIXES) or path.name.endswith("#")


def _head(item: str | Path, size: int = 4096) -> bytes:
    path = Path(item)
    if not path.is_file():
        return b""
    with path.open("rb") as handle:
        return handle.read(size)


def _sha256(item: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(item).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_input(
    item: str | Path | pd.DataFrame,
    label: str,
    portfolio_id: str,
    column_map: dict[str, str | None] | None,
    sheet: str | int | None,
    portfolio_from_file: bool,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> list[tuple[pd.DataFrame, FileReport]]:
    """The holdings of one input (without holding ids) and its report, one pair per sheet read from
    a workbook with several tables; files are read within `limits`."""
    if isinstance(item, pd.DataFrame):
        mapping = typed_columns(item, column_map)
        if mapping is not None:
            return [read_typed(item, mapping, label, "frame", portfolio_id, portfolio_from_file)]
    else:
        head = _head(item)
        if is_nport(head):
            return [read_nport(Path(item).read_bytes(), label, portfolio_id)]
        if head.startswith(b"PAR1"):
            frame = read_parquet_file(str(item))
            mapping = typed_columns(frame, column_map) if frame is not None else None
            if mapping is not None:
                return [read_typed(frame, mapping, label, "parquet", portfolio_id, portfolio_from_file, _sha256(item))]
    source = read_source(item, label, limits)
    return read_sheets(source, portfolio_id, column_map, sheet, portfolio_from_file=portfolio_from_file)
