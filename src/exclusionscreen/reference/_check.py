"""Invariants of the bundled reference lists: dated, sourced, half-open, never overlapping.

``check_lists(folder)`` reads ``country_lists.csv``, ``entity_lists.csv``, ``list_editions.csv`` and
the other bundled files of facts from a folder (the shipped data by default) and returns one row
per problem, naming the file, its line, the list and the entity; ``assert_lists_valid`` raises an
InputFileError listing them all.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from .._resources import data_dir
from ..errors import InputFileError

__all__ = ["PROBLEM_COLUMNS", "assert_lists_valid", "check_lists"]

PROBLEM_COLUMNS = ["file", "line", "list_id", "entity", "check", "message"]
_FILES = ("country_lists.csv", "entity_lists.csv", "list_editions.csv")
# Every other bundled file of facts, with the columns that give each row its source and its date.
# (research_list_template.csv holds fictional example rows, not facts, and is not checked.)
_PROVENANCE = {
    "list_sources.csv": (("source",), "retrieved", "list_id"),
    "list_editions.csv": (("source",), "retrieved", "edition"),
    "sipri_country_names.csv": (("basis",), "retrieved", "name"),
    "country_names.csv": (("source", "basis"), "retrieved", "name"),
    "legal_forms.csv": (("source",), "retrieved", "form"),
    "known_names.csv": (("evidence", "url"), "retrieved", "name"),
}
# Publications whose date may close a listing: an edition that omits it or a dated removal notice.
_CLOSING = ("full edition", "additions", "removal notice")


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name)).casefold()
    return re.sub(r"[^0-9a-z]", "", text)


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / name
    if not path.is_file():
        raise InputFileError(path, "reference list file not found")
    lines = path.read_text(encoding="utf-8").splitlines()
    # comment lines above the header (country_names.csv) count in the line numbers
    skipped = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=skipped)
    return frame.assign(line_no=range(2 + skipped, len(frame) + 2 + skipped))


def _provenance(folder: Path, out: list[dict]) -> None:
    """Every row of every bundled file of facts names its source and a YYYY-MM-DD date."""
    for name, (sources, date, entity) in _PROVENANCE.items():
        frame = _read(folder, name)
        missing = [c for c in (*sources, date) if c not in frame.columns]
        if missing:
            raise InputFileError(folder / name, f"the file has no column {', '.join(missing)}")
        for row in frame.itertuples():
            where = {
                "file": name,
                "line": int(row.line_no),
                "list_id": getattr(row, "list_id", ""),
                "entity": getattr(row, entity),
            }
            for column in sources:
                if not str(getattr(row, column)).strip():
                    out.append({**where, "check": "sourced", "message": f"the row has no {column}"})
            value = str(getattr(row, date))
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) or pd.isna(pd.to_datetime(value, errors="coerce")):
                out.append({**where, "check": "sourced", "message": f"{date} {value!r} is not a YYYY-MM-DD date"})


def _problem(file: str, row, check: str, message: str, entity: str) -> dict:
    return {
        "file": file,
        "line": int(row.line_no),
        "list_id": row.list_id,
        "entity": entity,
        "check": check,
        "message": message,
    }


def _dates(frame: pd.DataFrame, file: str, entity: str, out: list[dict]) -> pd.DataFrame:
    """Parse valid_from and valid_to; report unparsable dates and ranges that are not half-open."""
    parsed = frame.copy()
    for column in ("valid_from", "valid_to"):
        parsed[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
        bad = frame[column].ne("") & parsed[column].isna()
        for row in frame[bad].itertuples():
            out.append(
                _problem(
                    file, row, "dates", f"{column} {getattr(row, column)!r} is not YYYY-MM-DD", getattr(row, entity)
                )
            )
    empty = parsed["valid_from"].notna() & parsed["valid_to"].notna() & (parsed["valid_to"] <= parsed["valid_from"])
    for row in frame[empty].itertuples():
        out.append(
            _problem(
                file,
                row,
                "half-open",
                f"valid_to {row.valid_to} is not after valid_from {row.valid_from}: the range "
                "[valid_from, valid_to) is empty",
                getattr(row, entity),
            )
        )
    return parsed


def _sourced(frame: pd.DataFrame, file: str, entity: str, out: list[dict]) -> None:
    for column in ("source", "retrieved"):
        for row in frame[frame[column].str.strip().eq("")].itertuples():
            out.append(_problem(file, row, "sourced", f"the row has no {column}", getattr(row, entity)))


def _overlaps(frame: pd.DataFrame, parsed: pd.DataFrame, file: str, keys: pd.Series, entity: str, out: list[dict]):
    """Listings of one entity on one list that share a day."""
    # open ends as dates beyond any listing, in the columns' own unit
    near = pd.Series(pd.Timestamp("1000-01-01"), index=parsed.index).astype(parsed["valid_from"].dtype)
    far = pd.Series(pd.Timestamp("9999-12-31"), index=parsed.index).astype(parsed["valid_to"].dtype)
    table = frame.assign(
        entity_key=keys, start=parsed["valid_from"].fillna(near), stop=parsed["valid_to"].fillna(far)
    ).sort_values(["list_id", "entity_key", "start"], kind="stable")
    same = table["list_id"].eq(table["list_id"].shift()) & table["entity_key"].eq(table["entity_key"].shift())
    previous_end = table["stop"].shift()
    clash = same & (table["start"] < previous_end)
    previous_line = table["line_no"].shift()
    for row, before in zip(table[clash].itertuples(), previous_line[clash], strict=True):
        out.append(
            _problem(
                file,
                row,
                "overlap",
                f"listing from {row.valid_from or '(open)'} to {row.valid_to or '(open)'} overlaps the "
                f"listing of the same entity on line {int(before)}",
                getattr(row, entity),
            )
        )


def _closed(entity: pd.DataFrame, editions: pd.DataFrame, out: list[dict]) -> None:
    """Every closed listing ends on an edition or dated notice; open ones are in the latest edition."""
    file = "entity_lists.csv"
    editioned = editions[editions["kind"].isin(_CLOSING)]
    closing = editioned.groupby("list_id")["edition"].agg(set).to_dict()
    full = editions[editions["kind"].isin(("full edition", "additions"))]
    latest = full.groupby("list_id")["edition"].max().to_dict()
    for row in entity[entity["list_id"].isin(closing)].itertuples():
        if row.valid_to and row.valid_to not in closing[row.list_id]:
            out.append(
                _problem(
                    file,
                    row,
                    "closed",
                    f"valid_to {row.valid_to} is not the date of an edition or removal notice of {row.list_id}",
                    row.name,
                )
            )
        if not row.valid_to and row.valid_from != latest[row.list_id]:
            out.append(
                _problem(
                    file,
                    row,
                    "closed",
                    f"open listing from {row.valid_from} is not in the latest edition of {row.list_id} "
                    f"({latest[row.list_id]})",
                    row.name,
                )
            )


def check_lists(folder: str | Path | None = None) -> pd.DataFrame:
    """Problems in the reference lists of `folder` (the shipped lists by default), one row each.

    Checks: every row of every bundled file of facts (the lists, their sources and editions, the
    country names, SIPRI names and legal forms) has a source and a YYYY-MM-DD retrieval date;
    dates are YYYY-MM-DD and every range ``[valid_from, valid_to)`` is non-empty; no entity (by
    normalised name) or state has two listings on one list that share a day; every entity listing
    on a list published in editions is closed on the date of an edition or a dated removal
    notice, or is open and named in the latest edition; every closed country listing cites what closed it.
    """
    where = Path(folder) if folder is not None else data_dir()
    country, entity, editions = (_read(where, name) for name in _FILES)
    out: list[dict] = []
    for frame, file, name in ((country, "country_lists.csv", "country"), (entity, "entity_lists.csv", "name")):
        _sourced(frame, file, name, out)
        parsed = _dates(frame, file, name, out)
        keys = frame[name].map(_key) if name == "name" else frame["country"] + "|" + frame.get("programme", "")
        _overlaps(frame, parsed, file, keys, name, out)
    _closed(entity, editions, out)
    _provenance(where, out)
    fh = set(editions.loc[editions["list_id"].eq("fh_not_free"), "edition"])
    for row in country[country["valid_to"].ne("")].itertuples():
        cited = (
            row.valid_to_source.strip()
            or row.scope_source.strip()
            or (row.list_id == "fh_not_free" and row.valid_to in fh)
        )
        if not cited:
            out.append(
                _problem(
                    "country_lists.csv",
                    row,
                    "closed",
                    f"valid_to {row.valid_to} cites nothing that ended the listing",
                    row.country,
                )
            )
    return pd.DataFrame(out, columns=PROBLEM_COLUMNS)


def assert_lists_valid(folder: str | Path | None = None) -> int:
    """Raise InputFileError naming every problem of :func:`check_lists`; return the rows checked."""
    where = Path(folder) if folder is not None else data_dir()
    problems = check_lists(where)
    if len(problems):
        lines = "\n".join(
            f"  {p.file}:{p.line}: {p.list_id}: {p.entity}: {p.check}: {p.message}" for p in problems.itertuples()
        )
        raise InputFileError(where, f"{len(problems)} problem(s) in the reference lists:\n{lines}")
    return sum(len(_read(where, name)) for name in _FILES[:2])
