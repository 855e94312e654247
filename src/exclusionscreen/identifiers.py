"""Security and entity identifiers: check digits, completion and derivation.

ISIN (ISO 6166), CUSIP, SEDOL and LEI (ISO 17442) are checked with their own check-digit
algorithms. The frame-level helpers work once per distinct value, so a screen of a million rows
that share a few thousand securities computes a few thousand check digits.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._fast import distinct_rows

__all__ = [
    "IDENTIFIER_COLUMNS",
    "cusip_check_digit",
    "is_valid_cusip",
    "is_valid_isin",
    "is_valid_lei",
    "is_valid_sedol",
    "isin_check_digit",
    "isin_from_cusip",
    "isin_from_sedol",
    "normalise_identifiers",
    "sedol_check_digit",
]

IDENTIFIER_COLUMNS = ("isin", "cusip", "sedol", "lei")

_ISIN_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")
_CUSIP_RE = re.compile(r"^[A-Z0-9*@#]{8}[0-9]$")
_SEDOL_RE = re.compile(r"^[B-DF-HJ-NP-TV-Z0-9]{6}[0-9]$")
_LEI_RE = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_MISSING = {"", "-", "--", "N/A", "NA", "NAN", "NONE", "NULL", ". .", ".."}
_MISSING_VALUES = pa.array(sorted(_MISSING), type=pa.large_string())
#: Python's whitespace (``str.isspace``, the ``\s`` of its regular expressions: no code point
#: above U+3000 is one) as a pattern for Arrow's regular expressions, whose ``\s`` is ASCII only
_SPACES = "[" + "".join(f"\\x{{{c:x}}}" for c in range(0x3001) if chr(c).isspace()) + "]+"


def _alnum_value(char: str) -> int:
    """0-9 for digits, 10-35 for letters A-Z."""
    return int(char) if char.isdigit() else ord(char) - 55


_EXPANDED = {c: str(_alnum_value(c)) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_DOUBLED = {str(d): (2 * d) // 10 + (2 * d) % 10 for d in range(10)}  # digit sum of twice the digit
_SINGLE = {str(d): d for d in range(10)}


def isin_check_digit(body: str) -> str:
    """The check digit of the first 11 characters of an ISIN (Luhn over the expanded digits)."""
    digits = "".join([_EXPANDED.get(c) or str(_alnum_value(c)) for c in body.upper()])[::-1]
    # from the right: the rightmost digit of the body is doubled, then every other one
    total = sum([_DOUBLED[c] for c in digits[0::2]]) + sum([_SINGLE[c] for c in digits[1::2]])
    return str((10 - total % 10) % 10)


def is_valid_isin(value: str) -> bool:
    """True when `value` is a well-formed ISIN whose check digit is right."""
    return bool(_ISIN_RE.fullmatch(value)) and isin_check_digit(value[:11]) == value[11]


_DOUBLED_DIGIT = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9])


def _valid_isins(values: pd.Series) -> pd.Series:
    """:func:`is_valid_isin` for a column, in whole-column steps (missing values stay missing)."""
    valid = pd.Series(pd.NA, index=values.index, dtype="boolean")
    present = values.notna()
    if not present.any():
        return valid
    text = values[present].astype("str")
    shaped = text.str.fullmatch(_ISIN_RE.pattern).fillna(False).to_numpy(dtype=bool)
    ok = np.zeros(len(text), dtype=bool)
    if shaped.any():
        chars = np.frombuffer("".join(text[shaped].tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 12)
        value = np.where(chars >= 65, chars.astype(int) - 55, chars.astype(int) - 48)
        total = np.zeros(len(chars), dtype=int)
        position = np.zeros(len(chars), dtype=int)  # of the next digit, counted from the right of the body
        for j in range(10, -1, -1):  # Luhn from the right over the digits the letters expand to
            column = value[:, j]
            letter = column >= 10
            for digit, used in ((np.where(letter, column % 10, column), True), (column // 10, letter)):
                doubled = position % 2 == 0
                total += np.where(used, np.where(doubled, _DOUBLED_DIGIT[digit], digit), 0)
                position += used
        ok[shaped] = (10 - total % 10) % 10 == value[:, 11]
    valid[present] = ok
    return valid


def cusip_check_digit(body: str) -> str:
    """The ninth character of a CUSIP computed from its first eight."""
    extra = {"*": 36, "@": 37, "#": 38}
    total = 0
    for position, char in enumerate(body.upper()):
        value = extra[char] if char in extra else _alnum_value(char)
        if position % 2 == 1:
            value *= 2
        total += value // 10 + value % 10
    return str((10 - total % 10) % 10)


def is_valid_cusip(value: str) -> bool:
    """True when `value` is a nine-character CUSIP whose check digit is right."""
    return bool(_CUSIP_RE.fullmatch(value)) and cusip_check_digit(value[:8]) == value[8]


def sedol_check_digit(body: str) -> str:
    """The seventh character of a SEDOL computed from its first six."""
    weights = (1, 3, 1, 7, 3, 9)
    total = sum(w * _alnum_value(c) for w, c in zip(weights, body.upper(), strict=True))
    return str((10 - total % 10) % 10)


def is_valid_sedol(value: str) -> bool:
    """True when `value` is a seven-character SEDOL (no vowels) whose check digit is right."""
    return bool(_SEDOL_RE.fullmatch(value)) and sedol_check_digit(value[:6]) == value[6]


def is_valid_lei(value: str) -> bool:
    """True when `value` is a 20-character LEI that passes the ISO 7064 MOD 97-10 check."""
    if not _LEI_RE.fullmatch(value):
        return False
    return int("".join(str(_alnum_value(c)) for c in value)) % 97 == 1


def isin_from_cusip(cusip: str, country: str = "US") -> str:
    """The ISIN of a US or Canadian security from its nine-character CUSIP."""
    body = f"{country.upper()}{cusip.upper()}"
    return body + isin_check_digit(body)


def isin_from_sedol(sedol: str) -> str:
    """The ISIN of a UK security from its seven-character SEDOL (GB00 + SEDOL + check digit)."""
    body = f"GB00{sedol.upper()}"
    return body + isin_check_digit(body)


def _clean(series: pd.Series) -> pd.Series:
    """Strip, upper-case, remove inner spaces, and turn the usual placeholders into missing.

    Works on the distinct values (a million holdings share a few thousand identifiers), in
    Arrow's string kernels: whitespace is what Python counts as whitespace (:data:`_SPACES`).
    """
    codes, uniques = pd.factorize(series.astype("str"))
    text = pd.Series(uniques, dtype="str").str.strip().str.upper()
    squeezed = pc.replace_substring_regex(pa.array(text.array), _SPACES, "")
    squeezed = pc.if_else(pc.is_in(squeezed, value_set=_MISSING_VALUES), None, squeezed)
    return pd.Series(pd.array(squeezed, dtype="str").take(codes, allow_fill=True), index=series.index, dtype="str")


def _per_distinct(series: pd.Series, func) -> pd.Series:
    """Apply `func` once per distinct non-missing value and broadcast the answer back."""
    distinct = series.dropna().unique()
    if not len(distinct):  # all missing (pandas maps an empty dict slowly)
        return pd.Series(None, index=series.index, dtype=object)
    answers = {value: func(value) for value in distinct}
    return series.map(answers)


def _cusip_verdict(value: str) -> tuple[str, str | None]:
    if len(value) == 8 and re.match(r"^[A-Z0-9*@#]{8}$", value):
        return value + cusip_check_digit(value), "cusip: 8 characters, check digit completed"
    if is_valid_cusip(value):
        return value, None
    return value, f"cusip {value!r}: invalid (length or check digit)"


def normalise_identifiers(frame: pd.DataFrame, *, derive_isin: bool = True) -> pd.DataFrame:
    """Clean and check the identifier columns of a holdings or securities frame.

    Returns a new frame where `isin`, `cusip`, `sedol`, `lei` are stripped and upper-cased, an
    8-character CUSIP is completed with its check digit, a missing ISIN is derived from a
    US or Canadian CUSIP (by the `country` column) or a UK SEDOL where `derive_isin` is set, and
    the column `identifier_issues` lists, per row, every identifier that failed its check and
    every value the function derived or completed. Invalid identifiers are kept, never dropped.
    The work is done once per distinct combination of identifiers and country.
    """
    columns = [c for c in (*IDENTIFIER_COLUMNS, "country") if c in frame.columns]
    codes, first = distinct_rows(frame[columns])
    done = _normalise_rows(frame.iloc[first][columns].reset_index(drop=True), derive_isin=derive_isin)
    out = frame.copy()
    for column in (*IDENTIFIER_COLUMNS, "identifier_issues"):
        values = done[column].astype("str").array.take(codes)
        out[column] = pd.Series(values, index=frame.index, dtype="str")
    return out


def _normalise_rows(frame: pd.DataFrame, *, derive_isin: bool) -> pd.DataFrame:
    out = frame.copy()
    notes: list[pd.Series] = []
    for column in IDENTIFIER_COLUMNS:
        if column not in out.columns:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="str")
        out[column] = _clean(out[column])

    if out["cusip"].notna().any():
        original = out["cusip"]
        out["cusip"] = _per_distinct(original, lambda v: _cusip_verdict(v)[0]).astype("str")
        notes.append(_per_distinct(original, lambda v: _cusip_verdict(v)[1]).astype("str"))

    checks = {"isin": _valid_isins, "sedol": is_valid_sedol, "lei": is_valid_lei}
    # cusip is reported by _cusip_verdict above
    for column, check in checks.items():
        valid = check(out[column]) if column == "isin" else _per_distinct(out[column], check)
        bad = out[column].notna() & ~valid.fillna(True).astype(bool)
        if bad.any():  # a note of only missing values adds nothing
            notes.append((column + " " + out[column].map(repr) + ": invalid (length or check digit)").where(bad))

    # a missing ISIN is derived from a CUSIP or SEDOL: with neither, there is nothing to derive
    if derive_isin and (out["cusip"].notna().any() or out["sedol"].notna().any()):
        country = (
            out["country"].astype("str").str.strip().str.upper()
            if "country" in out.columns
            else pd.Series(pd.NA, index=out.index, dtype="str")
        )
        country = country.replace({"UNITED STATES": "US", "CANADA": "CA", "UNITED KINGDOM": "GB", "UK": "GB"})
        cusip_ok = _per_distinct(out["cusip"], is_valid_cusip).fillna(False).astype(bool)
        sedol_ok = _per_distinct(out["sedol"], is_valid_sedol).fillna(False).astype(bool)
        # A CUSIP-based ISIN takes the country prefix of the issuer: CA for Canada, else US.
        # Without a country, only a CUSIP starting with a digit is North American (CINS codes,
        # used abroad, start with a letter).
        domestic = country.isin(["US", "CA"]) | (
            country.isna() & out["cusip"].str[0].str.isdigit().fillna(False).astype(bool)
        )
        from_cusip = out["isin"].isna() & cusip_ok & domestic
        keyed = country.where(country == "CA", "US") + out["cusip"]
        out.loc[from_cusip, "isin"] = _per_distinct(keyed[from_cusip], lambda k: isin_from_cusip(k[2:], k[:2]))
        notes.append(pd.Series("isin: derived from cusip", index=out.index).where(from_cusip))
        from_sedol = out["isin"].isna() & sedol_ok & (country == "GB")
        out.loc[from_sedol, "isin"] = _per_distinct(out.loc[from_sedol, "sedol"], isin_from_sedol)
        notes.append(pd.Series("isin: derived from sedol", index=out.index).where(from_sedol))

    issues = pd.Series("", index=out.index, dtype="str")
    for note in notes:
        if note.notna().any():  # a note of only missing values adds nothing
            issues = issues + ("; " + note.astype("str")).fillna("")
    issues = issues.str.removeprefix("; ")
    out["identifier_issues"] = issues.mask(issues == "")
    return out
