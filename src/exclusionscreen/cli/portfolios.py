"""``screen --per-portfolio``: one complete report per portfolio, beside the fund-wide one.

Each portfolio's report is the fund's result cut down to that portfolio: its holdings, flags,
review items, PAI 14 flags and the rows skipped in its own files. What applies to the whole fund
stays whole: the policy, the overrides, the restricted list (a pre-trade list for every portfolio),
the input files and the reference lists used.

The warnings are those that concern the portfolio: the warnings about units are worked out again
from its own holdings (the fund's "portfolios differ in units" names the others and says nothing
of one portfolio), and a warning of the screen or of the load report that names input files of
the fund is kept only where one of them is the portfolio's own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from ..result import ScreenResult
from ..units import currency_warnings

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
    warnings = _Warnings(result)
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
        cut["warnings"], cut["load_warnings"] = warnings.of(portfolio_id, files)
        yield portfolio_id, dataclasses.replace(result, **cut)


class _Warnings:
    """The fund's warnings, sorted once by the input files they name, to be handed out per portfolio."""

    def __init__(self, result: ScreenResult) -> None:
        self.units = result.currencies().set_index("portfolio_id")["currency"]  # worked out once per result
        self.fund_units = set(currency_warnings(self.units))
        files = (
            result.holdings["source_file"].dropna().astype("str").unique()
            if "source_file" in result.holdings.columns
            else []
        )
        # a file named by its path or by its name alone; the longest first, so "a/b.csv" is not read as "b.csv"
        spellings = sorted({(s, f) for f in files for s in (f, Path(f).name) if s}, key=lambda p: -len(p[0]))
        self.named = {w: self._files(w, spellings) for w in (*result.warnings, *result.load_warnings)}
        self.screen, self.load = result.warnings, result.load_warnings

    @staticmethod
    def _files(warning: str, spellings: list[tuple[str, str]]) -> frozenset[str]:
        found, rest = set(), warning
        for spelling, file in spellings:
            if spelling in rest:
                found.add(file)
                rest = rest.replace(spelling, "\0")
        return frozenset(found)

    def of(self, portfolio_id: str, files: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(screen warnings, load warnings) for the portfolio `portfolio_id`, read from `files`."""
        own = set(map(str, files))

        def concerns(warning: str) -> bool:
            named = self.named[warning]
            return not named or bool(named & own)

        screen = [w for w in self.screen if w not in self.fund_units and concerns(w)]
        screen += currency_warnings(self.units[self.units.index == str(portfolio_id)])
        return tuple(screen), tuple(w for w in self.load if concerns(w))


def portfolio_result(result: ScreenResult, portfolio_id: str) -> ScreenResult:
    """`result` cut to the one portfolio `portfolio_id` (see the module's description)."""
    return next(portfolio_results(result, [portfolio_id]))[1]
