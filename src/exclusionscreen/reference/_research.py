"""The user's own research list: findings of an NGO or an analyst, read as Involvement evidence.

The template is ``exclusionscreen/data/research_list_template.csv`` (see docs/reference-data.md):
one row per finding, with the issuer (an identifier from the user's universe, or a company name
to be matched), the category and involvement type in the screen's vocabulary, the revenue share
if known, the source and the date of the evidence.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._resources import data_dir
from ..contracts import Involvement, validate
from ..errors import InputFileError
from ..vocabulary import CATEGORIES, INVOLVEMENT_TYPES

__all__ = ["CATEGORIES", "INVOLVEMENT_TYPES", "read_research_list", "research_list_template"]

COLUMNS = (
    "issuer_id",
    "issuer_name",
    "category",
    "involvement_type",
    "revenue_share",
    "source",
    "source_url",
    "evidence_date",
    "note",
)
_REQUIRED = ("category", "involvement_type", "source")


def research_list_template() -> Path:
    """The path of the shipped research list template (CSV)."""
    return data_dir() / "research_list_template.csv"


def _shares(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Fractions from '0.25' or '25%'; and a mask of values that are not shares in [0, 1]."""
    clean = text.str.strip()
    percent = clean.str.endswith("%")
    number = pd.to_numeric(clean.str.rstrip("%").str.strip(), errors="coerce")
    value = number.where(~percent, number / 100)
    bad = clean.ne("") & (value.isna() | (value < 0) | (value > 1))
    return value.where(~bad), bad


def read_research_list(path: str | Path) -> pd.DataFrame:
    """Read a research list CSV into the Involvement contract, one row per finding.

    Checks every row before reporting: each needs an issuer_id or an issuer_name, a category and
    an involvement type from the screen's vocabulary, a source, a revenue share between 0 and 1
    (``0.25`` or ``25%``) if given, and an ISO date (YYYY-MM-DD) if given. Raises InputFileError
    naming the file and every bad row (rows are numbered as lines of the file, the header is
    line 1). Extra columns are kept; ``source_file`` and ``source_row`` are added.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read as a CSV research list ({exc})") from None
    table.columns = [c.strip() for c in table.columns]
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing or not {"issuer_id", "issuer_name"} & set(table.columns):
        need = missing + ([] if {"issuer_id", "issuer_name"} & set(table.columns) else ["issuer_id or issuer_name"])
        raise InputFileError(
            path, f"missing column(s) {', '.join(need)}; the template's columns are {', '.join(COLUMNS)}"
        )
    for column in COLUMNS:
        if column not in table.columns:
            table[column] = ""
    table = table.apply(lambda c: c.str.strip())
    table["source_row"] = pd.RangeIndex(2, len(table) + 2)
    table = table[table[list(COLUMNS)].ne("").any(axis=1)]

    share, bad_share = _shares(table["revenue_share"])
    date = pd.to_datetime(
        table["evidence_date"].where(table["evidence_date"].ne("")), format="%Y-%m-%d", errors="coerce"
    )
    checks = {
        "issuer_id/issuer_name": (
            table["issuer_id"].eq("") & table["issuer_name"].eq(""),
            "needs an issuer_id or an issuer_name",
        ),
        "category": (~table["category"].isin(CATEGORIES), "is not one of " + ", ".join(CATEGORIES)),
        "involvement_type": (
            ~table["involvement_type"].isin(INVOLVEMENT_TYPES),
            "is not one of " + ", ".join(INVOLVEMENT_TYPES),
        ),
        "revenue_share": (bad_share, "is not a share between 0 and 1 (0.25 or 25%)"),
        "evidence_date": (table["evidence_date"].ne("") & date.isna(), "is not a date written YYYY-MM-DD"),
        "source": (table["source"].eq(""), "is empty; every finding needs its source"),
    }
    problems = []
    for column, (mask, message) in checks.items():
        for row, value in zip(table.loc[mask, "source_row"], table.loc[mask, column.split("/")[0]], strict=True):
            problems.append((row, f"row {row}: {column} {value!r} {message}"))
    if problems:
        lines = "\n  ".join(text for _, text in sorted(problems))
        raise InputFileError(path, f"{len(problems)} problem(s) in the research list:\n  {lines}")

    out = table.replace("", pd.NA).assign(revenue_share=share, evidence_date=date, source_file=str(path))
    return validate(out.reset_index(drop=True), Involvement, source=str(path))
