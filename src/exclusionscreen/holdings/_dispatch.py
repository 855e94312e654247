"""Which reader an input goes to: a Form N-PORT filing, or the table reader for everything else."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._build import read_holdings
from ._nport import is_nport, read_nport
from ._report import FileReport
from ._sources import read_source

__all__ = ["read_input"]


def _head(item: str | Path, size: int = 4096) -> bytes:
    path = Path(item)
    if not path.is_file():
        return b""
    with path.open("rb") as handle:
        return handle.read(size)


def read_input(
    item: str | Path | pd.DataFrame,
    label: str,
    portfolio_id: str,
    column_map: dict[str, str | None] | None,
    sheet: str | int | None,
    portfolio_from_file: bool,
) -> tuple[pd.DataFrame, FileReport]:
    """The holdings of one input (without holding ids) and its report."""
    if not isinstance(item, pd.DataFrame) and is_nport(_head(item)):
        return read_nport(Path(item).read_bytes(), label, portfolio_id)
    source = read_source(item, label)
    return read_holdings(source, portfolio_id, column_map, sheet, portfolio_from_file=portfolio_from_file)
