"""The as-of date a holdings file states: in its preamble ("Fund Holdings as of Apr 06, 2023",
"Holdings: As of 10-May-2024", "Fondsposition per 30.09.2026") or in a date column.

Month names are read in English, German, French, Spanish, Italian and Dutch. A day/month order
that the date itself does not settle (03/04/2024) follows the file's number format: a file with
a decimal point is read month first, a file with a decimal comma day first.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

__all__ = ["AS_OF_WORDS", "find_as_of", "parse_date", "parse_dates"]

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "jan january januar janv janvier ene enero gen gennaio jänner jaenner",
        "feb february februar fev fevr fevrier febrero febbraio",
        "mar march marz maerz mrz mars marzo maart mrt",
        "apr april avr avril abr abril aprile",
        "may mai mayo mag maggio mei",
        "jun june juni juin junio giu giugno",
        "jul july juli juil juillet julio lug luglio",
        "aug august aout ago agosto augustus",
        "sep sept september septembre septiembre set settembre",
        "oct october oktober okt octobre octubre ott ottobre",
        "nov november novembre noviembre",
        "dec december dezember dez decembre dic diciembre dicembre",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

AS_OF_WORDS = re.compile(
    r"\b(?:as of|as at|as-of|holdings date|valuation date|report date|position date|per|stand|"
    r"stichtag|bewertungsdatum|au|en date du|a la date du|al|a fecha de|con fecha|alla data del|"
    r"peildatum|datum)\b",
    re.IGNORECASE,
)
"""Words that introduce the date a file's holdings are stated at."""

_WORD = r"([^\W\d_]{3,10})\.?"
_PATTERNS = [
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("mdy_name", re.compile(_WORD + r"\s+(\d{1,2}),?\s+(\d{4})\b")),
    ("dmy_name", re.compile(r"\b(\d{1,2})[-.\s/]*" + _WORD + r"[-.\s/]*(\d{4}|\d{2})\b")),
    ("numeric", re.compile(r"\b(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})\b")),
]


def _plain(text: str) -> str:
    value = unicodedata.normalize("NFKD", text).casefold()
    return "".join(c for c in value if not unicodedata.combining(c))


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, day_first: bool = False) -> dt.date | None:
    """The first date written in `text`, or None."""
    plain = _plain(text)
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(plain):
            groups = match.groups()
            if kind == "iso":
                found = _safe_date(int(groups[0]), int(groups[1]), int(groups[2]))
            elif kind == "mdy_name":
                month = _MONTHS.get(groups[0])
                found = month and _safe_date(int(groups[2]), month, int(groups[1]))
            elif kind == "dmy_name":
                month = _MONTHS.get(groups[1])
                found = month and _safe_date(_year(groups[2]), month, int(groups[0]))
            else:
                first, second, year = int(groups[0]), int(groups[2]), _year(groups[3])
                if groups[1] == "." or first > 12:
                    day_first_here = True
                elif second > 12:
                    day_first_here = False
                else:
                    day_first_here = day_first
                day, month = (first, second) if day_first_here else (second, first)
                found = _safe_date(year, month, day)
            if found:
                return found
    return None


def find_as_of(lines: pd.Series, day_first: bool = False) -> tuple[pd.Timestamp | None, int | None]:
    """The as-of date stated in preamble `lines` (text indexed by row number), and its row."""
    stated = lines[lines.str.contains(AS_OF_WORDS, na=False)]
    for row, text in stated.items():
        found = parse_date(text, day_first)
        if found is not None:
            return pd.Timestamp(found), int(row)
    return None, None


def parse_dates(values: pd.Series, day_first: bool = False) -> pd.Series:
    """A column of dates (text or workbook dates) as timestamps, once per distinct value."""

    def one(value: object) -> pd.Timestamp | None:
        if isinstance(value, (dt.date, pd.Timestamp)):
            return pd.Timestamp(value)
        found = parse_date(str(value), day_first)
        return pd.Timestamp(found) if found else None

    distinct = values.dropna().unique()
    answers = {value: one(value) for value in distinct}
    return pd.to_datetime(values.map(answers), errors="coerce")
