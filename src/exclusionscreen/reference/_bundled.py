"""The bundled country and entity lists, their sources and dates, and validity on a date."""

from __future__ import annotations

import warnings
from functools import cache

import pandas as pd

from .._resources import data_dir
from ..contracts import CountryLists, EntityLists, validate
from ..errors import ArgumentError

__all__ = [
    "ReferenceDataWarning",
    "bundled_country_lists",
    "bundled_entity_lists",
    "editions_in_force",
    "list_editions",
    "list_sources",
    "lists_valid_on",
    "stale_lists",
    "warn_stale_lists",
]

_DATE_COLUMNS = ("valid_from", "valid_to")


class ReferenceDataWarning(UserWarning):
    """Reference data is old, incomplete or disagrees with itself; the screen still runs."""


@cache
def _read(name: str) -> pd.DataFrame:
    path = data_dir() / name
    # Only empty fields are missing: "NA" is Namibia.
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _dated(name: str) -> pd.DataFrame:
    frame = _read(name).copy()
    for column in _DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    return frame


def bundled_country_lists() -> pd.DataFrame:
    """States under a UN, EU or UK arms embargo and states rated Not Free, one row per period.

    Columns of the CountryLists contract plus ``country_name``, ``programme``,
    ``programme_title``, ``edition``, ``status``, ``valid_from_source``, ``note`` and
    ``retrieved``. An empty ``valid_from`` means in force before any screened date.
    """
    return validate(_dated("country_lists.csv"), CountryLists, source="bundled country_lists.csv")


def bundled_entity_lists() -> pd.DataFrame:
    """The US DoD 1260H list and EU Regulation 833/2014 Annex IV, names only, one row per period.

    Columns of the EntityLists contract plus ``listed_name`` (the name as printed),
    ``marker`` (a printed asterisk), ``record_id``, ``note`` and ``retrieved``. Aliases are
    separated by " | ".
    """
    return validate(_dated("entity_lists.csv"), EntityLists, source="bundled entity_lists.csv")


def list_sources() -> pd.DataFrame:
    """One row per bundled list: title, issuer, source, as-of and retrieval dates, rows, terms."""
    frame = _read("list_sources.csv").copy()
    for column in ("as_of", "retrieved"):
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    frame["rows"] = frame["rows"].astype("Int64")
    return frame


def lists_valid_on(frame: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """The rows of a country or entity list in force on `as_of` (a new frame).

    Validity is half-open: a row is in force when ``valid_from <= as_of < valid_to``, so a listing
    removed on a day is no longer in force that day. An empty ``valid_from`` means in force before
    any screened date and an empty ``valid_to`` means still in force.
    """
    for column in _DATE_COLUMNS:
        if column not in frame.columns:
            raise ArgumentError(f"lists_valid_on: the frame has no {column!r} column")
    when = pd.Timestamp(as_of)
    start = pd.to_datetime(frame["valid_from"])
    end = pd.to_datetime(frame["valid_to"])
    mask = (start.isna() | (start <= when)) & (end.isna() | (when < end))
    return frame.loc[mask].copy()


# Publications that make a list what it is on their date; removal and withdrawn notices do not.
_EDITION_KINDS = ("full edition", "additions", "snapshot")


def list_editions() -> pd.DataFrame:
    """One row per publication of each bundled list: edition, removal notice, withdrawn notice, snapshot.

    Columns ``list_id``, ``edition`` (its date), ``kind``, ``title``, ``document_url``, ``source``,
    ``note`` and ``retrieved``. A withdrawn notice is recorded and changes nothing.
    """
    frame = _read("list_editions.csv").copy()
    frame["edition"] = pd.to_datetime(frame["edition"], format="%Y-%m-%d")
    return frame


def editions_in_force(as_of: object, editions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per list, the edition in force on `as_of`: the latest edition or snapshot dated on or before it.

    Removal notices and withdrawn notices are not editions. A list whose first edition is later
    than `as_of` has no row.
    """
    table = list_editions() if editions is None else editions
    when = pd.Timestamp(as_of)
    dated = table[table["kind"].isin(_EDITION_KINDS) & (pd.to_datetime(table["edition"]) <= when)]
    latest = dated.sort_values(["list_id", "edition"], kind="stable").groupby("list_id").tail(1)
    return latest.reset_index(drop=True)


def stale_lists(as_of: object, *, max_age_days: int = 365, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The lists whose as-of date is more than `max_age_days` before `as_of`, with their age."""
    table = list_sources() if sources is None else sources.copy()
    when = pd.Timestamp(as_of)
    age = (when - pd.to_datetime(table["as_of"])).dt.days
    return table.assign(age_days=age).loc[age > max_age_days].reset_index(drop=True)


def warn_stale_lists(as_of: object, *, max_age_days: int = 365, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Warn (ReferenceDataWarning) about every list older than `max_age_days` at `as_of`."""
    old = stale_lists(as_of, max_age_days=max_age_days, sources=sources)
    if len(old):
        listed = ", ".join(f"{r.list_id} (as of {r.as_of:%Y-%m-%d}, {r.age_days} days old)" for r in old.itertuples())
        warnings.warn(
            f"bundled reference lists older than {max_age_days} days at "
            f"{pd.Timestamp(as_of):%Y-%m-%d}: {listed}; refresh them with "
            "scripts/build_reference_lists.py",
            ReferenceDataWarning,
            stacklevel=2,
        )
    return old
