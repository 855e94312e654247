"""Identifier cells as text, and a mixed "Identifier" column sorted by the shape of its values.

Checking and deriving identifiers is :func:`exclusionscreen.identifiers.normalise_identifiers`'s
work; this module only gets the text right first. A workbook cell holding a CUSIP or SEDOL as
a number has lost its leading zeros; they are put back only where the check digit confirms it.
"""

from __future__ import annotations

import pandas as pd

from ..identifiers import is_valid_cusip, is_valid_sedol
from ._numbers import MISSING_TOKENS, SPACE, is_native_number

__all__ = ["SHAPES", "identifier_text", "split_by_shape"]

SHAPES: dict[str, str] = {
    "isin": r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$",
    "lei": r"^[A-Z0-9]{18}[0-9]{2}$",
    "cusip": r"^[A-Z0-9*@#]{8}[0-9]?$",
    "sedol": r"^[B-DF-HJ-NP-TV-Z0-9]{6}[0-9]$",
}
"""The shape of each identifier; an 8-character CUSIP has lost its check digit."""

_WIDTH = {"cusip": (9, is_valid_cusip), "sedol": (7, is_valid_sedol)}


def identifier_text(values: pd.Series, kind: str | None = None) -> tuple[pd.Series, int]:
    """Identifier cells as stripped upper-case text, and how many lost zeros were restored.

    Numbers typed into a workbook become digit strings ("2588173.0" -> "2588173"); for a CUSIP
    or SEDOL column (`kind`; both for a mixed "identifier" column), zeros are added in front
    only where that makes the check digit right ("37833100" -> "037833100").
    """
    native = is_native_number(values)
    digits = pd.to_numeric(values.where(native), errors="coerce").round().astype("Int64")
    text = values.astype("string").where(~native, digits.astype("string"))
    text = text.str.strip().str.upper()
    text = text.mask(text.str.lower().isin(MISSING_TOKENS) | (text == ""))
    restored = 0
    kinds = ("cusip", "sedol") if kind == "identifier" else (kind,)
    for each in kinds:
        if each not in _WIDTH or not native.any():
            continue
        width, valid = _WIDTH[each]
        short = native & text.notna() & (text.str.len() < width)
        distinct = text[short].dropna().unique()
        fixes = {v: v.zfill(width) for v in distinct if valid(v.zfill(width)) and not valid(v)}
        fixed = short & text.isin(list(fixes))
        text = text.where(~fixed, text.map(fixes))
        restored += int(fixed.sum())
    return text, restored


def split_by_shape(values: pd.Series) -> tuple[dict[str, pd.Series], pd.Series]:
    """Values of a mixed identifier column per identifier kind, and those of no known shape."""
    text = values.astype("string").str.replace(SPACE + "+", "", regex=True)
    left = text.notna()
    parts: dict[str, pd.Series] = {}
    for kind, shape in SHAPES.items():
        hit = left & text.str.match(shape).fillna(False).astype(bool)
        if hit.any():
            parts[kind] = text.where(hit)
        left &= ~hit
    return parts, text.where(left)
