"""Numbers as numbers, whatever the file did to them.

Holdings files write numbers with thousands separators ("21,749,937,094.76"), decimal commas
("1.234,56", "7,15"), spaces or apostrophes as group separators ("1 234,56", "1'234.56"),
percent signs, parentheses or a trailing minus for negatives, currency symbols, and "-" or
". ." for missing. Workbooks may hold numbers as numbers or, after a person edited them, as
text. :func:`infer_format` decides, once per file, which separator is the decimal one from the
numbers themselves; :func:`parse_numbers` then reads a whole column at once. A value that does
not fit the file's format is not guessed at: it becomes missing and is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._aliases import LANGUAGE_NAMES, header_key

__all__ = [
    "no_votes",
    "MISSING_TOKENS",
    "SPACE",
    "NumberFormat",
    "ParsedNumbers",
    "WeightScale",
    "infer_format",
    "is_native_number",
    "parse_clean",
    "parse_numbers",
    "plain_numbers",
    "weight_scale",
]

MISSING_TOKENS = frozenset(
    {
        "",
        "-",
        "--",
        "---",
        "\u2013",
        "\u2014",
        ". .",
        "..",
        "...",
        "n/a",
        "na",
        "nan",
        "none",
        "null",
        "#n/a",
        "n.a.",
        "n.v.",
        "k.a.",
    }
)
"""Cell texts that mean "no value" (compared case-insensitively, after stripping)."""

# Patterns are plain strings without \s, \d or \u escapes, so that pandas can hand them to
# pyarrow's regex engine instead of running Python's re cell by cell.
SPACE = "[ \t\n\r\f\v\u00a0\u2007\u2009\u202f]"
"""A regex class of the spaces found in cells, including no-break and thin spaces."""
_GROUPING = "[ \t\n\r\f\v\u00a0\u2007\u2009\u202f'\u2019]"
_CURRENCY = "^(?:[A-Z]{3}|[$\u20ac\u00a3\u00a5])|(?:[A-Z]{3}|[$\u20ac\u00a3\u00a5])$"
_FORMULA_TEXT = r'^="(.*)"$'
_SEPARATED = r"^[-+]?[0-9.,]*[0-9][0-9.,]*$"


@dataclass(frozen=True)
class NumberFormat:
    """How a file writes numbers: its decimal and thousands separators, and why we think so."""

    decimal: str
    thousands: str
    reason: str
    conflicts: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        names = {".": "point", ",": "comma"}
        return f"decimal {names[self.decimal]}, thousands grouped by {self.thousands!r} or spaces"


@dataclass(frozen=True)
class ParsedNumbers:
    """A parsed column: the values, which cells carried a percent sign, which could not be read."""

    values: pd.Series
    percent: pd.Series
    unreadable: pd.Series


@dataclass(frozen=True)
class WeightScale:
    """Whether weights were given in percent or as fractions, why, and whether that is certain."""

    scale: str
    reason: str
    certain: bool


def is_native_number(values: pd.Series) -> pd.Series:
    """True where a cell already holds a number (a workbook cell typed as a number)."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return pd.Series(False, index=values.index)  # text and missing cells only (a CSV file)
    kinds = values.map(type)
    numeric = kinds.map(lambda k: issubclass(k, (int, float, np.number)) and not issubclass(k, bool))
    return numeric.astype(bool)


def _clean_text(values: pd.Series, plain: np.ndarray | None = None) -> pd.Series:
    """Strip group spacing, signs of currency; None where the cell means "missing". `plain`:
    which values are :func:`plain_numbers`, when known."""
    text = values.astype("string")
    plain = plain_numbers(text) if plain is None else plain
    if plain.all():
        return text  # nothing to strip, replace or mask
    if plain.any():
        out = text.copy()
        out[~plain] = _clean_text(text[~plain]).array
        return out
    text = text.str.strip()
    # '="3.42%"': a spreadsheet formula that keeps a number as text (Vanguard's CSV files)
    text = text.str.replace(_FORMULA_TEXT, r"\1", regex=True).str.strip()
    text = text.mask(text.str.lower().isin(MISSING_TOKENS))
    text = text.str.replace(_GROUPING, "", regex=True).str.replace("\u2212", "-", regex=False)
    return text.str.replace(_CURRENCY, "", regex=True)


_PLAIN = "^[0-9.,]*[0-9][0-9.,]*$"


def plain_numbers(text: pd.Series) -> np.ndarray:
    """Texts of digits and separators only, a digit among them ("1,234.5"): cleaning leaves them
    as they are, and they are read without signs, brackets or percent (Arrow's regex engine, whose
    ``$`` is the end of the text)."""
    if not len(text):
        return np.zeros(0, bool)
    arrow = pa.array(text.astype("string").array)
    return pc.match_substring_regex(arrow, _PLAIN).fill_null(False).to_numpy(zero_copy_only=False)


def _separator_votes(token: str) -> str | None:
    """Which separator one number token shows to be the decimal one, if it shows any."""
    token = token.lstrip("+-")
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        return "." if token.rfind(".") > token.rfind(",") else ","
    if not dots and not commas:
        return None
    sep = "." if dots else ","
    other = "," if sep == "." else "."
    if dots + commas > 1:  # the same separator twice can only group thousands
        return other
    left, right = token.split(sep)
    if len(right) != 3 or left in ("", "0") or len(left) > 3:
        return sep
    return None  # "1,234" or "1.234": either reading works


def infer_format(values: pd.Series, language: str | None = None) -> NumberFormat:
    """Decide the decimal separator of a file from the distinct number texts in `values`.

    A token with both separators, the same separator twice, or one separator not followed by
    exactly three digits settles it. When no token settles it, the language of the column
    names decides (English: decimal point; German, French, Spanish, Italian, Dutch: comma).
    """
    native = is_native_number(values)
    if bool(native.any()) and not bool(values[~native].notna().any()):
        return NumberFormat(".", ",", "the workbook stores the numbers as numbers")
    text = _clean_text(values[~native].dropna())
    text = text.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.replace("%", "", regex=False)
    text = text.str.rstrip("-")
    tokens = pd.Series(text.dropna().unique(), dtype="string")
    tokens = tokens[tokens.str.match(_SEPARATED)]
    votes = tokens.map(_separator_votes).dropna()
    counts = votes.value_counts()
    if counts.empty:
        return no_votes(language)
    decimal = str(counts.idxmax())
    examples = tokens[votes.index[votes == decimal]].head(2).tolist()
    name = "point" if decimal == "." else "comma"
    why = f"decimal {name}: numbers such as {', '.join(repr(e) for e in examples)}"
    against = tokens[votes.index[votes != decimal]].head(3).tolist()
    return NumberFormat(decimal, "," if decimal == "." else ".", why, tuple(against))


def parse_numbers(values: pd.Series, fmt: NumberFormat) -> ParsedNumbers:
    """Read a column of numbers written in `fmt`; natively typed numbers pass through."""
    native = is_native_number(values)
    out = pd.to_numeric(values.where(native), errors="coerce").astype("float64")
    text = _clean_text(values.where(~native))
    parsed = parse_clean(text, fmt)
    out = out.where(native, parsed.values)
    unreadable = text.notna() & out.isna()
    return ParsedNumbers(out, parsed.percent & out.notna(), unreadable.fillna(False).astype(bool))


def parse_clean(text: pd.Series, fmt: NumberFormat, plain: np.ndarray | None = None) -> ParsedNumbers:
    """Read number texts already cleaned (:func:`_clean_text`), written in `fmt`; the plain ones
    (:func:`plain_numbers`, given or worked out) without looking for signs, brackets or percent."""
    plain = plain_numbers(text) if plain is None else plain
    if plain.all():
        return _parse_plain(text, fmt)
    if not plain.any():
        return _parse_any(text, fmt)
    parts = [(plain, _parse_plain(text[plain], fmt)), (~plain, _parse_any(text[~plain], fmt))]
    values, percent, unreadable = np.full(len(text), np.nan), np.zeros(len(text), bool), np.zeros(len(text), bool)
    for where, part in parts:
        values[where] = part.values.to_numpy(dtype="float64")
        percent[where] = part.percent.to_numpy(dtype=bool)
        unreadable[where] = part.unreadable.to_numpy(dtype=bool)
    index = text.index
    return ParsedNumbers(
        pd.Series(values, index=index), pd.Series(percent, index=index), pd.Series(unreadable, index=index)
    )


def _parse_plain(text: pd.Series, fmt: NumberFormat) -> ParsedNumbers:
    """:func:`_parse_any` of texts of digits and separators: no percent, bracket or sign."""
    d, t = re.escape(fmt.decimal), re.escape(fmt.thousands)
    shape = f"^(?:[0-9]{{1,3}}(?:{t}[0-9]{{3}})+|[0-9]*)(?:{d}[0-9]*)?$"
    valid = text.str.match(shape).fillna(False).astype(bool)
    literal = text.str.replace(fmt.thousands, "", regex=False).str.replace(fmt.decimal, ".", regex=False)
    # digits with at most one point: Arrow's cast reads them as float() does, correctly rounded
    parsed = pc.cast(pa.array(literal.where(valid).array), pa.float64()).to_numpy(zero_copy_only=False)
    parsed = pd.Series(parsed, index=text.index, dtype="float64")
    unreadable = text.notna() & parsed.isna()
    return ParsedNumbers(parsed, pd.Series(False, index=text.index), unreadable.fillna(False).astype(bool))


def _parse_any(text: pd.Series, fmt: NumberFormat) -> ParsedNumbers:
    percent = text.str.contains("%", regex=False).fillna(False).astype(bool)
    text = text.str.replace("%", "", regex=False)
    negative = (text.str.startswith("(") & text.str.endswith(")")).fillna(False).astype(bool)
    text = text.where(~negative, text.str.slice(1, -1))
    trailing_minus = (text.str.endswith("-") & (text.str.len() > 1)).fillna(False).astype(bool)
    text = text.where(~trailing_minus, text.str.slice(0, -1))
    d, t = re.escape(fmt.decimal), re.escape(fmt.thousands)
    shape = f"^[-+]?(?:[0-9]{{1,3}}(?:{t}[0-9]{{3}})+|[0-9]*)(?:{d}[0-9]*)?(?:[eE][-+]?[0-9]+)?$"
    valid = (text.str.match(shape) & text.str.contains("[0-9]")).fillna(False).astype(bool)
    literal = text.str.replace(fmt.thousands, "", regex=False).str.replace(fmt.decimal, ".", regex=False)
    parsed = pd.to_numeric(literal.where(valid), errors="coerce").astype("float64")
    parsed = parsed.where(~(negative | trailing_minus), -parsed.abs())
    unreadable = text.notna() & parsed.isna()
    return ParsedNumbers(parsed, percent & parsed.notna(), unreadable.fillna(False).astype(bool))


def weight_scale(
    weights: pd.Series, header: str, percent_signs: bool, portfolio: pd.Series | None = None
) -> WeightScale:
    """Whether `weights` (as read) are percentages or fractions, and why.

    The column name or a percent sign settles it; otherwise the values do: a weight above 1, or
    a portfolio whose weights sum to more than 1.5, means percent. With several portfolios in
    one file (`portfolio`), the largest portfolio sum counts.
    """
    if "pct" in header_key(header):
        return WeightScale("percent", f"the column {header!r} is labelled in percent", True)
    if percent_signs:
        return WeightScale("percent", "the values carry a percent sign", True)
    values = weights.dropna()
    if values.empty:
        return WeightScale("fraction", "no weights given", False)
    groups = portfolio.reindex(values.index) if portfolio is not None else None
    sums = values.groupby(groups).sum() if groups is not None else pd.Series([values.sum()])
    total, largest = float(sums.max()), float(values.abs().max())
    whose = "a portfolio's weights sum" if len(sums) > 1 else "the weights sum"
    if largest > 1.0:
        return WeightScale("percent", f"the largest weight, {largest:g}, is above 1", True)
    if total > 1.5:
        return WeightScale("percent", f"{whose} to {total:.4g}, too much for fractions", True)
    if total >= 0.5:
        return WeightScale("fraction", f"{whose} to {total:.4g}, close to 1", True)
    return WeightScale(
        "fraction",
        f"every weight is at most 1 and {whose} to {total:.4g}: could be either; assumed fractions",
        False,
    )


def no_votes(language: str | None) -> NumberFormat:
    """The number format of a file whose numbers show no decimal separator: a decimal point, or a
    decimal comma when the column names are in a language that writes one."""
    decimal = "." if language in (None, "en") else ","
    if language in (None, "en"):
        why = "no number shows its decimal separator; assumed a decimal point"
    else:
        why = (
            f"no number shows its decimal separator; assumed a decimal comma from the "
            f"{LANGUAGE_NAMES.get(language, language)} column names"
        )
    return NumberFormat(decimal, "," if decimal == "." else ".", why)
