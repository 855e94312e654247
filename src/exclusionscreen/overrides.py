"""Overrides: an analyst's documented decision to exempt a flag or to enforce an exclusion.

An overrides file has the columns ``issuer_id`` or ``isin`` (which one the override is about),
``criterion_id``, ``decision`` (exempt or enforce), ``rationale``, ``approver``, ``approved_on`` and
``expires_on`` (empty: no expiry). An override that names an unknown issuer, security or criterion is
an error; an expired one no longer applies and is listed as expired.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import OverrideError

__all__ = ["OVERRIDE_COLUMNS", "read_overrides", "check_overrides", "read_decisions"]

OVERRIDE_COLUMNS = [
    "issuer_id",
    "isin",
    "criterion_id",
    "decision",
    "rationale",
    "approver",
    "approved_on",
    "expires_on",
]
DECISION_COLUMNS = ["holding_key", "issuer_id", "decision", "decided_by", "decided_on", "note"]


def _read_table(source, kind: str, columns: list[str], required: list[str]) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        frame, name = source.copy(), f"{kind} (frame)"
    else:
        path = Path(source)
        name = str(path)
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise OverrideError(f"{name}: cannot be read as CSV: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise OverrideError(f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.NA
    frame = frame.astype({c: "string" for c in columns})
    for column in columns:
        frame[column] = frame[column].str.strip()
    return frame, name


def _dates(frame: pd.DataFrame, name: str, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        parsed = pd.to_datetime(out[column], errors="coerce", format="ISO8601")
        bad = out[column].notna() & parsed.isna()
        if bad.any():
            rows = ", ".join(str(i + 2) for i in out.index[bad][:5])
            raise OverrideError(f"{name}: column {column!r} must hold dates as YYYY-MM-DD (line(s) {rows})")
        out[column] = parsed
    return out


def read_overrides(source) -> pd.DataFrame:
    """Read an overrides CSV (or frame), checking its columns, decisions and dates; lines are named on error."""
    frame, name = _read_table(
        source, "overrides", OVERRIDE_COLUMNS, ["criterion_id", "decision", "rationale", "approver"]
    )
    problems = []
    line = frame.index + 2  # header is line 1
    neither = frame["issuer_id"].isna() & frame["isin"].isna()
    problems += [f"line {n}: names neither an issuer_id nor an isin" for n in line[neither]]
    bad = ~frame["decision"].str.lower().isin(["exempt", "enforce"]).fillna(False).astype(bool)
    problems += [
        f"line {n}: decision {v!r} is not exempt or enforce"
        for n, v in zip(line[bad], frame["decision"][bad], strict=True)
    ]
    for column in ("criterion_id", "rationale", "approver"):
        empty = frame[column].isna()
        problems += [f"line {n}: {column} is empty" for n in line[empty]]
    if problems:
        raise OverrideError(f"{name}: " + "; ".join(problems))
    frame["decision"] = frame["decision"].str.lower()
    frame["source_line"] = line
    frame.attrs["source"] = name
    return _dates(frame, name, ["approved_on", "expires_on"])


def check_overrides(
    overrides: pd.DataFrame, *, issuers: pd.Series, isins: pd.Series, criteria: set[str], catalogue: set[str]
) -> None:
    """Raise OverrideError listing every override that names an unknown issuer, security or criterion."""
    name = overrides.attrs.get("source", "overrides")
    line = "line " + overrides["source_line"].astype(str)
    problems = []
    bad = overrides["issuer_id"].notna() & ~overrides["issuer_id"].isin(issuers)
    problems += list(line[bad] + ": unknown issuer_id '" + overrides["issuer_id"][bad] + "'")
    bad = overrides["isin"].notna() & ~overrides["isin"].isin(isins)
    problems += list(
        line[bad] + ": unknown isin '" + overrides["isin"][bad] + "' (not in the universe's securities or the holdings)"
    )
    bad = ~overrides["criterion_id"].isin(criteria | catalogue)
    known = ", ".join(sorted(criteria | catalogue))
    problems += list(line[bad] + ": unknown criterion_id '" + overrides["criterion_id"][bad] + f"'; known: {known}")
    if problems:
        raise OverrideError(f"{name}: " + "; ".join(problems))


def read_decisions(source) -> pd.DataFrame:
    """Read a review-decisions CSV (or frame): holding_key, issuer_id, decision (confirmed|rejected), who, when."""
    frame, name = _read_table(
        source, "decisions", DECISION_COLUMNS, ["holding_key", "issuer_id", "decision", "decided_by", "decided_on"]
    )
    frame["decision"] = frame["decision"].str.lower()
    bad = ~frame["decision"].isin(["confirmed", "rejected"]).fillna(False).astype(bool)
    if bad.any():
        lines = ", ".join(str(i + 2) for i in frame.index[bad][:5])
        raise OverrideError(f"{name}: decision must be confirmed or rejected (line(s) {lines})")
    return _dates(frame, name, ["decided_on"])
