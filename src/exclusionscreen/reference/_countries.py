"""Country names as SIPRI prints them, mapped to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from .._resources import data_dir

__all__ = ["sipri_country_codes"]

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def _normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name).translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("'", "")
    return re.sub(r"[^0-9a-z*]+", " ", text).strip()


@lru_cache(maxsize=1)
def _mapping() -> dict[str, str | None]:
    table = pd.read_csv(data_dir() / "sipri_country_names.csv", dtype=str, keep_default_na=False)
    return {_normalise(n): (c or None) for n, c in zip(table["name"], table["country"], strict=True)}


def sipri_country_codes(names: pd.Series) -> tuple[pd.Series, list[str]]:
    """ISO alpha-2 codes for SIPRI country names, and the names that are not known at all.

    Names SIPRI marks with ``*`` (non-state actors) or ``**`` (organisations), and names known
    not to be states ("Trans-European", "unknown recipient(s)"), get a missing code without
    being reported as unknown. Works once per distinct name.
    """
    mapping = _mapping()
    distinct = pd.Series(pd.unique(names.dropna().astype(str).str.strip()))
    keys = distinct.map(_normalise)
    known = keys.isin(mapping.keys()) | distinct.str.endswith("*")
    codes = keys.map(mapping).where(known, None)
    lookup = dict(zip(distinct, codes, strict=True))
    out = names.astype("string").str.strip().map(lookup).astype("string")
    return out, sorted(distinct[~known])
