"""``load_holdings``: read holdings files as analysts receive them, and account for every row."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ..errors import ArgumentError, InputFileError
from ._aliases import CANONICAL
from ._checks import checked_once
from ._dispatch import is_lock_file, read_input
from ._limits import DEFAULT_LIMITS, ReadLimits
from ._pool import read_in_pool
from ._positions import duplicate_positions
from ._report import FileReport, LoadReport, LoadResult

__all__ = ["BATCH_FROM", "FILE_SUFFIXES", "PROGRESS_FROM", "load_holdings", "load_report"]

FILE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet", ".xml")
"""The files taken from a folder given to :func:`load_holdings`."""
PROGRESS_FROM = 4
"""From how many files on a progress bar is shown (on a terminal)."""
BATCH_FROM = 2
"""From how many inputs delimited files are read together (:mod:`._batch`); the holdings and
reports are the same either way, only faster for many files."""

Source = str | Path | pd.DataFrame


def _inputs(path_or_paths: Source | Sequence[Source], skipped_files: list[Path]) -> list[Source]:
    if isinstance(path_or_paths, (str, Path, pd.DataFrame)):
        items: list[Source] = [path_or_paths]
    else:
        items = list(path_or_paths)
    out: list[Source] = []
    for item in items:
        if isinstance(item, (str, Path)) and Path(item).is_dir():
            found = sorted(p for p in Path(item).iterdir() if p.is_file() and p.suffix.lower() in FILE_SUFFIXES)
            locks = [p for p in found if is_lock_file(p)]
            found = [p for p in found if not is_lock_file(p)]
            skipped_files.extend(locks)
            if not found:
                raise InputFileError(item, f"the folder holds no {', '.join(FILE_SUFFIXES)} files")
            out.extend(found)
        elif isinstance(item, (str, Path, pd.DataFrame)):
            out.append(item)
        else:
            raise ArgumentError(f"path_or_paths: expected file paths or DataFrames, got {type(item).__name__}")
    if not out:
        raise ArgumentError("path_or_paths: no files given")
    return out


def _label(item: Source, position: int, count: int) -> str:
    if isinstance(item, pd.DataFrame):
        return "<frame>" if count == 1 else f"<frame {position + 1}>"
    return str(item)


def _stem(item: Source, position: int) -> str:
    if isinstance(item, pd.DataFrame):
        return "frame" if position == 0 else f"frame-{position + 1}"
    return Path(item).stem


def _portfolio_ids(
    items: list[Source], labels: list[str], portfolio_id: str | Sequence[str] | Mapping | None
) -> tuple[list[str], list[bool], list[str]]:
    """The portfolio id of each input, whether a column in the file may override it, notes."""
    notes: list[str] = []
    stems = [_stem(item, i) for i, item in enumerate(items)]
    if isinstance(portfolio_id, str):
        return [portfolio_id] * len(items), [False] * len(items), notes
    if portfolio_id is None:
        ids, seen = [], Counter()
        for stem in stems:
            seen[stem] += 1
            ids.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
        for stem, n in seen.items():
            if n > 1:
                notes.append(f"{n} files are named {stem!r}; their portfolios are numbered")
        return ids, [True] * len(items), notes
    if isinstance(portfolio_id, Mapping):
        ids, from_file = [], []
        for label, stem in zip(labels, stems, strict=True):
            name = Path(label).name
            value = portfolio_id.get(label, portfolio_id.get(name, portfolio_id.get(stem)))
            ids.append(str(value) if value is not None else stem)
            from_file.append(value is None)
        return ids, from_file, notes
    ids = [str(v) for v in portfolio_id]
    if len(ids) != len(items):
        raise ArgumentError(f"portfolio_id: {len(ids)} ids given for {len(items)} files; give one per file")
    return ids, [False] * len(items), notes


def _check_column_map(column_map: Mapping[str, str | None] | None) -> dict[str, str | None] | None:
    if column_map is None:
        return None
    if not isinstance(column_map, Mapping):
        raise ArgumentError("column_map: expected a mapping of source column -> canonical column")
    bad = {k: v for k, v in column_map.items() if v is not None and v not in CANONICAL}
    if bad:
        raise ArgumentError(
            f"column_map: unknown canonical column(s) {', '.join(map(repr, bad.values()))} "
            f"(for {', '.join(map(repr, bad))}); valid: {', '.join(CANONICAL)}, or None to ignore"
        )
    return {str(k): v for k, v in column_map.items()}


def load_holdings(
    path_or_paths: Source | Sequence[Source],
    portfolio_id: str | Sequence[str] | Mapping[str, str] | None = None,
    column_map: Mapping[str, str | None] | None = None,
    sheet: str | int | None = None,
    *,
    progress: bool | None = None,
    limits: ReadLimits | None = None,
) -> LoadResult:
    """Read holdings files (CSV, XLSX, Parquet) or frames into the Holdings contract.

    Parameters
    ----------
    path_or_paths
        A file, a folder of files, a DataFrame, or a list of them.
    portfolio_id
        One id for every file (they form one portfolio), a list with one id per file, or a
        mapping of file (as given, or its name or stem) to id. By default each file is its own
        portfolio named after the file's stem; a portfolio column in the file is used if any.
    column_map
        Source column -> canonical column (or None to ignore the column); it wins over the
        built-in aliases.
    sheet
        The sheet of a workbook to read (name, or 0-based position); by default the sheet
        holding the holdings table.
    progress
        Show a progress bar; by default on a terminal when loading four or more files.
    limits
        The most a file may hold (:class:`ReadLimits`: columns, cells, characters, and a
        workbook's inflated size and compression ratio); by default ``ReadLimits()``. A file
        beyond a limit is refused with an :class:`InputFileError` naming the limit.

    Returns
    -------
    LoadResult
        ``(holdings, report)``. The holdings, validated against
        :class:`~exclusionscreen.contracts.Holdings`, with the extra columns ``source_file``,
        ``source_row`` (line or sheet row), ``asset_class_raw``, ``country_raw`` and others the
        file offers (``sector``, ``price``); and the :class:`LoadReport` of every file. Pass the
        pair to :func:`~exclusionscreen.screen` whole, or the frame with ``load_report=report``.

    Raises
    ------
    InputFileError
        A file is missing, empty, corrupt, not a spreadsheet, a hostile workbook, or beyond
        one of the `limits`.
    ColumnMappingError
        No table with a column that identifies a security was found.

    Examples
    --------
    >>> holdings, report = load_holdings(["IVV_holdings.csv", "spy_holdings.xlsx"])  # doctest: +SKIP
    >>> print(report)  # doctest: +SKIP
    """
    lock_files: list[Path] = []
    items = _inputs(path_or_paths, lock_files)
    labels = [_label(item, i, len(items)) for i, item in enumerate(items)]
    ids, from_file, notes = _portfolio_ids(items, labels, portfolio_id)
    notes.extend(f"{p.name}: skipped, an office or editor lock file (not holdings)" for p in lock_files)
    mapping = _check_column_map(column_map)
    if limits is None:
        limits = DEFAULT_LIMITS
    elif not isinstance(limits, ReadLimits):
        raise ArgumentError(f"limits: expected a ReadLimits, got {type(limits).__name__}")
    disable = (not progress) if progress is not None else (True if len(items) < PROGRESS_FROM else None)
    frames: list[pd.DataFrame] = []
    reports: list[FileReport] = []
    entries = list(zip(items, labels, ids, from_file, strict=True))
    read_labels: list[str] = []  # one per frame: a workbook gives a frame per sheet with a table
    with tqdm(total=len(entries), desc="Loading holdings", unit="file", disable=disable) as bar:
        if sheet is None and len(items) >= BATCH_FROM:
            read = read_in_pool(entries, mapping, limits, bar.update)
        else:
            read = []
            for item, label, pid, own in entries:
                read.append(read_input(item, label, pid, mapping, sheet, own, limits))
                bar.update(1)
    for label, pairs in zip(labels, read, strict=True):
        for frame, report in pairs:
            frames.append(frame)
            reports.append(report)
            read_labels.append(label)

    return _assembled(frames, reports, read_labels, notes, mapping)


def _assembled(
    frames: list[pd.DataFrame],
    reports: list[FileReport],
    read_labels: list[str],
    notes: list[str],
    mapping: dict[str, str | None] | None,
) -> LoadResult:
    """What was read (a frame and a report per file, or per sheet of a workbook) as one checked
    frame with its holding ids, and each report with its duplicate positions and the notes."""
    if mapping:
        found = {k for r in reports for k in r.column_mapping} | {k for r in reports for k in r.unmapped_columns}
        missing = [k for k in mapping if k not in found]
        if missing:
            notes.append(f"column_map names columns no file has: {', '.join(map(repr, missing))}")

    combined, id_notes = checked_once(frames, read_labels, [r.path for r in reports], [r.format for r in reports])
    notes.extend(id_notes)
    duplicates = duplicate_positions(combined)
    final = []
    for position, (report, mine) in enumerate(zip(reports, _per_report(duplicates, reports), strict=True)):
        extra = [f"{len(mine)} rows hold a position that another row also holds (kept)"] if len(mine) else []
        extra += notes if position == 0 else []
        final.append(dataclasses.replace(report, duplicates=mine, warnings=report.warnings + tuple(extra)))
    return LoadResult(combined, LoadReport(tuple(final)))


def _per_report(duplicates: pd.DataFrame, reports: list[FileReport]) -> list[pd.DataFrame]:
    """Each report's rows of the duplicates table: the rows of its file, and for the sheets of a
    workbook (several reports of one file) of its portfolio; grouped once, not filtered per report."""
    files = Counter(r.path for r in reports)
    empty = duplicates.iloc[:0].reset_index(drop=True)
    if not len(duplicates):
        return [empty.copy() for _ in reports]
    by_file = duplicates.groupby(duplicates["source_file"].astype(object), sort=False).indices
    by_sheet = duplicates.groupby(
        [duplicates["source_file"].astype(object), duplicates["portfolio_id"].astype(object)], sort=False
    ).indices
    out = []
    for report in reports:
        rows = by_file.get(report.path) if files[report.path] == 1 else by_sheet.get((report.path, report.portfolio_id))
        out.append(empty.copy() if rows is None else duplicates.iloc[rows].reset_index(drop=True))
    return out


def load_report(loaded: LoadResult) -> LoadReport:
    """The :class:`LoadReport` of what :func:`load_holdings` returned (its ``report``)."""
    if isinstance(loaded, LoadResult):
        return loaded.report
    if isinstance(loaded, LoadReport):
        return loaded
    raise ArgumentError(
        f"load_report: a {type(loaded).__name__} carries no load report; it did not come from load_holdings, "
        "which returns (holdings, report)"
    )
