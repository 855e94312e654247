"""Choosing the table of a source: the sheet that holds the holdings (or the one named), its
header row, and its columns; or a clear error listing what was found and what was tried.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import ColumnMappingError, InputFileError
from ._aliases import ALIASES, IDENTITY_COLUMNS
from ._sources import Source
from ._table import ColumnChoice, Grid, cell_text, choose_columns, find_header

__all__ = ["Table", "choose_table", "sheet_tables"]


@dataclass(frozen=True, eq=False)
class Table:
    """The chosen grid, its cells as text, its header row (None for a frame) and columns."""

    grid: Grid
    text: pd.DataFrame
    header_position: int | None
    columns: ColumnChoice


def _names_of(grid: Grid, text: pd.DataFrame, position: int | None) -> list[str | None]:
    if grid.header is not None:
        return list(grid.header)
    row = text.iloc[position]
    return [None if pd.isna(v) else str(v) for v in row.tolist()]


def _locate(grid: Grid, column_map: dict | None) -> tuple[Table | None, int, tuple[str, ...]]:
    """The table of a grid (None if it has none), its header score, and the header-like row."""
    text = cell_text(grid.cells)
    if grid.header is not None:
        position, score, shown = None, len(grid.header), grid.header
    else:
        found = find_header(text, column_map)
        if found.position is None:
            return None, found.score, tuple(map(str, found.candidates))
        position, score, shown = found.position, found.score, found.candidates
    start = -1 if position is None else position
    has_data = text.iloc[start + 1 :].notna().any(axis=0)
    columns = choose_columns(_names_of(grid, text, position), column_map, has_data, text.iloc[start + 1 :])
    return Table(grid, text, position, columns), score, tuple(map(str, shown))


def _aliases_tried() -> str:
    parts = []
    for canonical in IDENTITY_COLUMNS:
        names = [n for names in ALIASES[canonical].values() for n in names]
        parts.append(f"{canonical}: {', '.join(dict.fromkeys([canonical, *names]))}")
    return "; ".join(parts)


def choose_table(source: Source, column_map: dict | None, sheet: str | int | None) -> Table:
    """The table of `source`: in the named sheet, else in the sheet with the best header."""
    grids = source.grids
    names = [g.sheet for g in grids]
    if isinstance(sheet, str) and sheet not in names and sheet.isdigit():
        sheet = int(sheet)  # "1" names the second sheet unless a sheet is called "1"
    if sheet is not None and source.format == "xlsx":
        if isinstance(sheet, int):
            if not 0 <= sheet < len(grids):
                raise InputFileError(source.name, f"no sheet number {sheet}; it has {len(grids)}")
            grids = [grids[sheet]]
        elif sheet in names:
            grids = [grids[names.index(sheet)]]
        else:
            raise InputFileError(source.name, f"no sheet named {sheet!r}; sheets: {', '.join(map(str, names))}")
    if all(g.header is None and (g.cells.empty or g.cells.isna().all().all()) for g in grids):
        raise InputFileError(source.name, "no table found: the file holds no data")
    located = [_locate(g, column_map) for g in grids]
    usable = [(t, s) for t, s, _ in located if t is not None]
    if not usable:
        _, _, shown = max(located, key=lambda item: (item[1], len(item[2])))
        where = f" (sheets tried: {', '.join(map(str, names))})" if source.format == "xlsx" else ""
        raise ColumnMappingError(
            source.name,
            "no holdings table found: no row names a column that identifies a security"
            f"{where}. Columns found in the most table-like row: "
            f"{', '.join(shown) if shown else '(none)'}. Required: at least one of "
            f"{', '.join(IDENTITY_COLUMNS)}, plus a second known column. Aliases tried: "
            f"{_aliases_tried()}. Pass column_map={{'<your column>': '<canonical>'}} to map "
            "columns by hand.",
        )

    def rows_below(table: Table) -> int:
        start = -1 if table.header_position is None else table.header_position
        return int(table.text.iloc[start + 1 :].notna().any(axis=1).sum())

    return max(usable, key=lambda ts: (ts[1], rows_below(ts[0])))[0]


def sheet_tables(source: Source, column_map: dict | None) -> tuple[list[Table], dict[str, str]]:
    """Every sheet of a workbook that holds a table, and why each other sheet was skipped.

    With fewer than two sheets holding a table, the one table is chosen as :func:`choose_table`
    chooses it (its error when there is none).
    """
    if source.format != "xlsx" or len(source.grids) < 2:
        return [choose_table(source, column_map, None)], {}
    tables: list[Table] = []
    skipped: dict[str, str] = {}
    for grid in source.grids:
        if grid.cells.empty or grid.cells.isna().all().all():
            skipped[str(grid.sheet)] = "empty"
            continue
        table, _, shown = _locate(grid, column_map)
        if table is None:
            found = f"; its most table-like row: {', '.join(shown)}" if shown else ""
            skipped[str(grid.sheet)] = (
                "no holdings table (no row names a column that identifies a security" + found + ")"
            )
        else:
            tables.append(table)
    if len(tables) < 2:
        return [choose_table(source, column_map, None)], skipped
    return tables, skipped
