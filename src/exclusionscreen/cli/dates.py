"""Dates given on the command line: ISO dates, a quarter's last day, or an explicit format; never a guess.

The screening date decides which list entries and evidence apply, so a date the user could have
meant two ways is refused rather than read one way: ``09/10/2026`` is 9 October in most of Europe
and 10 September in the United States.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

__all__ = ["DateError", "parse_date"]

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_QUARTER = re.compile(r"(\d{4})-?Q(\d+)", re.IGNORECASE)
# two numbers of one or two digits and a year of four, in either order of day and month
_NUMERIC = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})([./])(\d{1,2})\2(\d{1,2})")
_HOW = "write it as YYYY-MM-DD (e.g. 2026-09-30), as a quarter (2026Q3, its last day), or give --date-format"


class DateError(ValueError):
    """A date option that is not a date, or that could be read two ways."""


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _spoken(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def quarter_end(year: int, quarter: int) -> date:
    """The last day of `quarter` (1 to 4) of `year`: 31 March, 30 June, 30 September, 31 December."""
    month = 3 * quarter
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_date(text: str, date_format: str | None = None) -> date:
    """The date `text` names.

    Accepted: an ISO date (``2026-09-30``); a quarter (``2026Q3``, ``2026-q3``), meaning its last
    day; or, when `date_format` (a ``strftime`` pattern such as ``%d/%m/%Y``) is given, text in that
    format. Anything else raises :class:`DateError`, which says how to write the date; a date such
    as ``09/10/2026`` is refused with both its readings.
    """
    value = text.strip()
    quarter = _QUARTER.fullmatch(value)
    if quarter:
        year, number = int(quarter[1]), int(quarter[2])
        if not 1 <= number <= 4:
            raise DateError(f"{text!r}: there is no quarter {number}; quarters are Q1 to Q4 (e.g. {year}Q3)")
        return quarter_end(year, number)
    if date_format is not None:
        try:
            return datetime.strptime(value, date_format).date()
        except ValueError as exc:
            raise DateError(f"{text!r} does not match --date-format {date_format!r} ({exc})") from None
    if _ISO.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise DateError(f"{text!r}: not a date ({exc}); {_HOW}") from None
    numeric = _NUMERIC.fullmatch(value)
    if numeric:
        first, sep, second, year = int(numeric[1]), numeric[2], int(numeric[3]), int(numeric[4])
        day_first, month_first = _day(year, second, first), _day(year, first, second)
        pattern = {True: f"%d{sep}%m{sep}%Y", False: f"%m{sep}%d{sep}%Y"}
        readings = [(d, pattern[d is day_first]) for d in (day_first, month_first) if d is not None]
        if not readings:
            raise DateError(f"{text!r}: not a date, read day first or month first; {_HOW}")
        if len(readings) == 2 and day_first != month_first:
            raise DateError(
                f"{text!r} is ambiguous: day first it is {_spoken(day_first)} ({day_first.isoformat()}), month "
                f"first {_spoken(month_first)} ({month_first.isoformat()}). Write the date you mean as "
                f"{day_first.isoformat()} or {month_first.isoformat()}, or give --date-format "
                f"'{pattern[True]}' or '{pattern[False]}'"
            )
        only, fmt = readings[0]
        raise DateError(
            f"{text!r} is not an ISO date; it can only be {_spoken(only)}. Write it as {only.isoformat()} "
            f"or give --date-format '{fmt}'"
        )
    year_first = _YEAR_FIRST.fullmatch(value)
    if year_first:
        found = _day(int(year_first[1]), int(year_first[3]), int(year_first[4]))
        if found is not None:
            raise DateError(f"{text!r} is not an ISO date; write it as {found.isoformat()}")
    raise DateError(f"{text!r}: not a date; {_HOW}")
