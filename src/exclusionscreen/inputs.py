"""What a screen read: the holdings files' skipped rows and every input file, for the Skipped and
About sheets.

The load report describes every file :func:`~exclusionscreen.load_holdings` read. When the holdings
were filtered before the screen (one portfolio, equities only), only the files that still have
holdings in the screen are described, and each file's rows are those still present: its holdings
in the screen and its skipped rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .holdings import SKIPPED_COLUMNS, FileReport, LoadReport
from .universe import Universe, file_sha256

__all__ = ["INPUT_COLUMNS", "input_files", "skipped_rows"]

INPUT_COLUMNS = ["kind", "path", "sha256", "rows"]


def _present(report: LoadReport | None, holdings: pd.DataFrame) -> list[tuple[FileReport, int]]:
    """The files of `report` still present in `holdings`, each with its number of holdings there.

    Without a ``source_file`` column the holdings cannot say where they came from: every file counts,
    whole. A file that gave no holdings cannot have lost any: it counts unless the holdings were filtered.
    """
    if report is None:
        return []
    if "source_file" not in holdings.columns:
        return [(f, f.holdings) for f in report]
    counts = holdings["source_file"].astype("str").value_counts()
    kept = [(f, int(counts.get(f.path, 0))) for f in report]
    filtered = any(n < f.holdings for f, n in kept) or sum(n for _, n in kept) < len(holdings)
    return [(f, n) for f, n in kept if n or (f.holdings == 0 and not filtered)]


def skipped_rows(report: LoadReport | None, holdings: pd.DataFrame) -> pd.DataFrame:
    """The rows of the files still present in `holdings` that were not read as holdings, with why."""
    frames = [f.skipped for f, _ in _present(report, holdings) if not f.skipped.empty]
    if not frames:
        return pd.DataFrame(columns=SKIPPED_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def input_files(
    report: LoadReport | None, holdings: pd.DataFrame, universe: Universe, overrides, decisions
) -> pd.DataFrame:
    """Every file the screen read, with its SHA-256: the holdings files still present (rows: their
    holdings in the screen plus their skipped rows), the universe's files, the overrides and decisions."""
    rows = [
        {"kind": "holdings", "path": str(f.path), "sha256": f.sha256, "rows": n + len(f.skipped)}
        for f, n in _present(report, holdings)
    ]
    rows += universe.inputs.to_dict("records")
    for kind, source in (("overrides", overrides), ("decisions", decisions)):
        if source is not None and not isinstance(source, pd.DataFrame):
            path = Path(source)
            rows.append({"kind": kind, "path": str(path), "sha256": file_sha256(path), "rows": None})
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)
