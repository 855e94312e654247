"""``screen --per-portfolio``: one complete report per portfolio, beside the fund-wide one.

Each portfolio's report is the fund's result cut down to that portfolio: its holdings, flags,
review items, PAI 14 flags and the rows skipped in its own files. What applies to the whole fund
stays whole: the policy, the overrides, the restricted list (a pre-trade list for every portfolio),
the input files and the reference lists used, and the screen's warnings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..result import ScreenResult

__all__ = ["file_names", "folder_for", "portfolio_result", "portfolio_results"]

# names Windows refuses for a file, whatever the extension
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: characters kept of a portfolio id in its file name (the rest of the name fits any file system)
MAX_NAME = 80


def folder_for(report: Path) -> Path:
    """The folder of the per-portfolio reports beside the fund-wide `report`: ``<name>_portfolios``."""
    return report.with_name(f"{report.stem}_portfolios")


def _safe(portfolio_id: str) -> str:
    name = _UNSAFE.sub("_", portfolio_id).strip("._-")[:MAX_NAME].rstrip("._-")
    if not name:
        name = "portfolio"
    if name.split(".")[0].lower() in _RESERVED:
        name = f"_{name}"
    return name


def file_names(portfolio_ids: Iterable[str]) -> dict[str, str]:
    """A file name (``<id>.xlsx``) for each portfolio id: only letters, digits, ``.``, ``_`` and ``-``,
    never hidden, and unique even on a file system that ignores case (``_2``, ``_3``... added)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for portfolio_id in portfolio_ids:
        base = _safe(str(portfolio_id))
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name.lower())
        out[portfolio_id] = f"{name}.xlsx"
    return out


def _groups(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The row positions of each portfolio in `frame` (found once, not once per portfolio)."""
    if "portfolio_id" not in frame.columns or frame.empty:
        return {}
    return {key: rows for key, rows in frame.groupby("portfolio_id", sort=False, dropna=True).indices.items()}


def portfolio_results(result: ScreenResult, ids: Iterable[str] | None = None) -> Iterator[tuple[str, ScreenResult]]:
    """Each portfolio of `ids` (default: those of `result`, in the order its holdings come) and the
    result cut to it, with no rows for a portfolio it does not hold: see the module's description.
    The frames are grouped once, so a thousand portfolios cost one pass."""
    names = ("holdings", "flags", "review", "pai14_flags")
    groups = {name: _groups(getattr(result, name)) for name in names}
    skipped = result.skipped
    by_file = (
        skipped.groupby("source_file", sort=False).indices
        if "source_file" in skipped.columns and not skipped.empty
        else {}
    )
    empty = np.array([], dtype=np.intp)
    for portfolio_id in dict.fromkeys(result.holdings["portfolio_id"].dropna()) if ids is None else ids:
        cut = {}
        for name in names:
            frame = getattr(result, name)
            if "portfolio_id" in frame.columns:
                cut[name] = frame.iloc[groups[name].get(portfolio_id, empty)].reset_index(drop=True)
        files = cut["holdings"]["source_file"].dropna().unique() if "source_file" in cut["holdings"] else []
        rows = np.sort(np.concatenate([empty, *(by_file[f] for f in files if f in by_file)]))
        if by_file:
            cut["skipped"] = skipped.iloc[rows].reset_index(drop=True)
        yield portfolio_id, dataclasses.replace(result, **cut)


def portfolio_result(result: ScreenResult, portfolio_id: str) -> ScreenResult:
    """`result` cut to the one portfolio `portfolio_id` (see the module's description)."""
    return next(portfolio_results(result, [portfolio_id]))[1]
