"""Names an evidence source's companies are also known by: a small bundled table, every row sourced.

SIPRI prints short names ("HII", "ST Engineering") and the name of the year ("Raytheon Technologies"
for 2022, "RTX" for 2023), while holdings files print legal names, often of a later year.
``data/known_names.csv`` gives, per source and printed name, another name of the same company (a
legal name, a former or later name) with the public record that says so and the day it was checked.
Only such rows are there: a name that no public record ties to the company is not guessed.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .._resources import data_dir

__all__ = ["known_names", "known_names_for"]

_COLUMNS = ["source", "name", "known_name", "relation", "evidence", "url", "retrieved"]


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return pd.read_csv(data_dir() / "known_names.csv", dtype=str, keep_default_na=False)[_COLUMNS]


def known_names(source: str | None = None) -> pd.DataFrame:
    """The bundled table of other names (columns source, name, known_name, relation, evidence, url,
    retrieved), for one `source` (``sipri_top100``) or all."""
    table = _table()
    return (table if source is None else table[table["source"].eq(source)]).reset_index(drop=True)


def known_names_for(names: pd.Series, source: str) -> pd.Series:
    """For each name printed by `source`, its other names joined by " | ", or missing when the table
    has none. Names are compared exactly, as the source prints them (surrounding spaces aside)."""
    table = known_names(source)
    joined = table.groupby("name", sort=False)["known_name"].agg(" | ".join)
    return names.astype("string").str.strip().map(joined).astype("string")
