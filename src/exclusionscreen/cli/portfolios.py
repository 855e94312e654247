"""``screen --per-portfolio``: one complete report per portfolio, beside the fund-wide one.

Each portfolio's report is the fund's result cut down to that portfolio: its holdings, flags,
review items, PAI 14 flags and the rows skipped in its own files. What applies to the whole fund
stays whole: the policy, the overrides, the restricted list (a pre-trade list for every portfolio),
the input files and the reference lists used, and the screen's warnings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..result import ScreenResult

__all__ = ["file_names", "folder_for", "portfolio_result"]

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


def _rows_of(frame: pd.DataFrame, portfolio_id: str) -> pd.DataFrame:
    if "portfolio_id" not in frame.columns:
        return frame
    return frame[(frame["portfolio_id"] == portfolio_id).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)


def portfolio_result(result: ScreenResult, portfolio_id: str) -> ScreenResult:
    """`result` for the one portfolio `portfolio_id` (see the module's description)."""
    holdings = _rows_of(result.holdings, portfolio_id)
    skipped = result.skipped
    if "source_file" in skipped.columns and "source_file" in holdings.columns:
        files = set(holdings["source_file"].dropna())
        skipped = skipped[skipped["source_file"].isin(files).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    return dataclasses.replace(
        result,
        holdings=holdings,
        flags=_rows_of(result.flags, portfolio_id),
        review=_rows_of(result.review, portfolio_id),
        pai14_flags=_rows_of(result.pai14_flags, portfolio_id),
        skipped=skipped,
    )
