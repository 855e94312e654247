"""Is the as-of date a file states a plausible one? Warnings naming the file and the line.

A date read from a preamble or a date column can be a typing slip (1901 for 2019, 2999) or a
date the parser read wrongly; screening such holdings on their own date silently gives wrong
results. Two checks, both warnings (the date is kept as the file states it):

- when loading (:func:`implausible_as_of`): a date before 1990, or more than a year after
  today;
- when screening (:func:`check_as_of`, for the engine to call with its screening date): a date
  before 1990, or more than a year before or after the screening date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["AS_OF_WINDOW_DAYS", "EARLIEST_AS_OF", "check_as_of", "implausible_as_of", "storable"]

EARLIEST_AS_OF = pd.Timestamp("1990-01-01")
"""An as-of date before this day is taken for a mistake."""
AS_OF_WINDOW_DAYS = 365
"""How many days an as-of date may lie after today (loading) or from the screening date (screening)."""

_SHOWN = 3


def _stamp(value: object) -> pd.Timestamp | None:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp


def storable(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """The dates as ``datetime64[ns]`` (what the contract holds), and those that do not fit its
    range (1677-09-21 to 2262-04-11) and were left missing, as text."""
    codes, distinct = pd.factorize(values)
    stamps = [_stamp(value) for value in distinct]
    fits = [s is not None and pd.Timestamp.min <= s <= pd.Timestamp.max for s in stamps]
    kept = pd.array([s.as_unit("ns") if ok else pd.NaT for s, ok in zip(stamps, fits, strict=True)] + [pd.NaT])
    out = pd.Series(pd.DatetimeIndex(kept[codes]).as_unit("ns"), index=values.index)
    return out, [f"{s:%Y-%m-%d}" for s, ok in zip(stamps, fits, strict=True) if s is not None and not ok]


def _day(value: object, what: str) -> pd.Timestamp:
    day = pd.Timestamp(value)
    if pd.isna(day):
        raise ValueError(f"{what}: expected a date, got {value!r}")
    return day.normalize()


def _out_of_range(
    holdings: pd.DataFrame,
    low: pd.Timestamp,
    high: pd.Timestamp | None,
    reasons: tuple[str, str, str],
    where: Mapping[str, str] | None,
    row_label: str,
) -> list[str]:
    """One warning per file and date outside [`low`, `high`]; `reasons` for too early (before
    1990), too early (window) and too late."""
    if "as_of" not in holdings.columns or holdings.empty:
        return []
    # once per distinct date, each as a Timestamp of its own resolution (2999 is no error here)
    codes, distinct = pd.factorize(holdings["as_of"])
    stamps = [_stamp(value) for value in distinct]
    kinds = np.array(
        [
            0 if d is None else 1 if d < EARLIEST_AS_OF else 2 if d < low else 3 if high is not None and d > high else 0
            for d in stamps
        ]
        + [0],
        dtype=np.int8,
    )
    kind = pd.Series(kinds[codes], index=holdings.index)  # code -1 (missing) takes the last, 0
    early, window_early = kind == 1, kind == 2
    bad = kind > 0
    dates = pd.Series([stamps[c] if c >= 0 else None for c in codes], index=holdings.index, dtype=object)
    if not bad.any():
        return []
    files = holdings["source_file"] if "source_file" in holdings.columns else pd.Series("holdings", index=dates.index)
    rows = holdings["source_row"] if "source_row" in holdings.columns else pd.Series(dates.index + 1, index=dates.index)
    found = pd.DataFrame({"file": files[bad].astype(str), "date": dates[bad], "row": rows[bad]})
    found["why"] = reasons[2]
    found.loc[early[bad], "why"] = reasons[0]
    found.loc[window_early[bad], "why"] = reasons[1]
    out = []
    for (file, date, why), group in found.groupby(["file", "date", "why"], sort=False):
        stated = (where or {}).get(file)
        if stated:
            place = stated
        else:
            lines = group["row"].head(_SHOWN).astype(int).astype(str).tolist()
            more = f" (+{len(group) - _SHOWN} more)" if len(group) > _SHOWN else ""
            place = f"{row_label}{'s' if len(group) > 1 else ''} {', '.join(lines)}{more}"
        out.append(f"{file}: as-of date {date:%Y-%m-%d} ({place}) {why}; check the date in the file")
    return out


def implausible_as_of(
    holdings: pd.DataFrame,
    *,
    today: object = None,
    where: Mapping[str, str] | None = None,
    row_label: str = "line",
) -> list[str]:
    """Warnings for as-of dates before 1990 or more than a year after `today` (by default the
    system date), one per file and date, naming the line: `where` (file -> where the file states
    its date, such as its preamble line) or else the ``source_row`` of the rows with the date."""
    day = _day(dt.date.today() if today is None else today, "today")
    high = day + pd.Timedelta(days=AS_OF_WINDOW_DAYS)
    reasons = ("is before 1990", "is before 1990", f"is more than a year after today ({day:%Y-%m-%d})")
    return _out_of_range(holdings, EARLIEST_AS_OF, high, reasons, where, row_label)


def check_as_of(holdings: pd.DataFrame, screening_date: object, *, row_label: str = "line") -> list[str]:
    """Warnings for as-of dates of `holdings` (as loaded: ``as_of``, ``source_file``,
    ``source_row``) before 1990, or more than a year before or after `screening_date`."""
    day = _day(screening_date, "screening_date")
    window = pd.Timedelta(days=AS_OF_WINDOW_DAYS)
    reasons = (
        "is before 1990",
        f"is more than a year before the screening date ({day:%Y-%m-%d})",
        f"is more than a year after the screening date ({day:%Y-%m-%d})",
    )
    return _out_of_range(holdings, day - window, day + window, reasons, None, row_label)
