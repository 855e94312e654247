"""SFDR PAI 14 over a reference period: the average of the figures of four quarter-end screens.

Article 6(3) of Commission Delegated Regulation (EU) 2022/1288 asks for each principal adverse
impact "as the average of impacts on 31 March, 30 June, 30 September and 31 December" of the
reference period (the wording as quoted in secondary sources; the official text could not be
read here). :func:`exclusionscreen.pai14_average` (results or saved folders) and
:func:`average_pai14` (results) take the screens of those dates (results, or folders written by
``ScreenResult.save``) and gives, per portfolio, the mean of the quarter figures of
:meth:`ScreenResult.pai14` and each quarter's figure and coverage beside it.

With fewer than four quarters the mean is over the quarters given, ``quarters`` says how many,
and ``complete`` is False: it is not yet the figure the regulation asks for. A portfolio absent
from a quarter is averaged over the quarters it is in (``quarters`` counts them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .errors import ArgumentError

if TYPE_CHECKING:  # the result imports the report, which shows this average: no import at run time
    from .result import ScreenResult

__all__ = ["QUARTERS_PER_PERIOD", "average_pai14"]

#: the quarter-end figures the regulation averages over a reference period
QUARTERS_PER_PERIOD = 4
_FIGURES = ("pai14_all", "pai14_covered", "coverage")


def average_pai14(results: Sequence[ScreenResult]) -> pd.DataFrame:
    """Per portfolio, PAI 14 averaged over the quarters given (at most four, one per calendar
    quarter, within one year), with each quarter's figure and coverage.

    Columns: ``portfolio_id``, ``currency``, ``quarters`` (quarters the portfolio is in),
    ``complete`` (in four quarters), ``pai14_all``, ``pai14_covered`` and ``coverage`` (the means of
    the quarter figures), then per quarter (as of date ``D``) ``pai14_all D``, ``pai14_covered D``
    and ``coverage D``.
    """
    if len(results) == 0:
        raise ArgumentError("quarters: give a list of one to four quarter-end results or saved result folders")
    results = sorted(results, key=lambda r: r.as_of)
    if len(results) > QUARTERS_PER_PERIOD:
        raise ArgumentError(f"quarters: {len(results)} results given; the average is over at most four quarter ends")
    periods = [r.as_of.to_period("Q") for r in results]
    for a, b, ra in zip(periods, periods[1:], results, strict=False):
        if a == b:
            raise ArgumentError(
                f"quarters: two results fall in the quarter {a} (as of {ra.as_of.date()}); give one per quarter"
            )
    if (periods[-1] - periods[0]).n >= QUARTERS_PER_PERIOD:
        raise ArgumentError(
            f"quarters: as of {results[0].as_of.date()} to {results[-1].as_of.date()} spans more than four quarters"
        )
    frames = []
    for r in results:
        figures = r.pai14()[["portfolio_id", "currency", *_FIGURES]]
        frames.append(figures.assign(as_of=r.as_of))
    long = pd.concat(frames, ignore_index=True)
    grouped = long.groupby("portfolio_id", sort=True)
    out = pd.DataFrame(
        {
            "currency": grouped["currency"].agg(lambda c: ", ".join(sorted(set(c.dropna().astype("str"))))),
            "quarters": grouped.size().astype("int64"),
        }
    )
    out["complete"] = out["quarters"] == QUARTERS_PER_PERIOD
    for figure in _FIGURES:
        out[figure] = grouped[figure].mean()
    for r in results:
        day = f"{r.as_of.date()}"
        one = long[long["as_of"] == r.as_of].set_index("portfolio_id")
        for figure in _FIGURES:
            out[f"{figure} {day}"] = one[figure].reindex(out.index)
    return out.reset_index()
