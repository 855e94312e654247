"""Country names as ISO 3166-1 alpha-2 codes ("United States" -> "US", "Deutschland" -> "DE").

The names come from ``data/country_names.csv`` (see its header for sources). A value that is
already an alpha-2 or alpha-3 code is read as one, and any other two capital letters are kept
as the code the file states (ISO 3166 leaves AA, QM-QZ, XA-XZ and ZZ to users); a name that is
not known (a region such as "European Union") stays unmapped and is reported, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd

from .._resources import data_dir
from ._numbers import MISSING_TOKENS

__all__ = ["country_codes"]

_CODE = re.compile(r"^[A-Z]{2}$")


def _key(text: str) -> str:
    value = unicodedata.normalize("NFKD", str(text)).casefold()
    value = "".join(c for c in value if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "", value)


@cache
def _names() -> dict[str, str]:
    table = pd.read_csv(data_dir() / "country_names.csv", comment="#", dtype=str, keep_default_na=False)
    codes = dict(zip(table["name"].map(_key), table["alpha2"], strict=True))
    codes.update({_key(code): code for code in table["alpha2"].unique()})
    return codes


def country_codes(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """Alpha-2 codes for `values`, and the distinct names that could not be mapped."""
    text = values.astype("string").str.strip()
    text = text.mask(text.str.lower().isin(MISSING_TOKENS - {"na"}))
    distinct = text.dropna().unique()
    names = _names()
    answers = {value: names.get(_key(value)) or (value if _CODE.match(value) else None) for value in distinct}
    unknown = sorted(value for value, code in answers.items() if code is None)
    return text.map(answers).astype("string"), unknown
