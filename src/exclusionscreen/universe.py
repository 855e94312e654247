"""The reference universe: issuers, securities, evidence and lists, validated at the door.

A reference-data folder holds one file per contract, named after it (``issuers``, ``securities``,
``involvement``, ``country_exposure``, ``country_lists``, ``entity_lists``, ``ownership_links``), each ``.csv`` or
``.parquet``, any of them absent when not needed. :func:`load_universe` reads and validates them and
merges in the lists bundled with exclusionscreen unless told not to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ._fast import isin, value_set
from .contracts import (
    CONTRACTS,
    CountryLists,
    EntityLists,
    conform,
    validate,
)
from .errors import ArgumentError, InputFileError
from .identifiers import normalise_identifiers
from .reference import bundled_country_lists, bundled_entity_lists, list_sources
from .vocabulary import CATEGORIES, INVOLVEMENT_TYPES, SUPPLY_CATEGORIES

__all__ = ["UNIVERSE_FILES", "Universe", "load_universe"]

UNIVERSE_FILES = {
    name: CONTRACTS[name]
    for name in ("issuers", "securities", "involvement", "country_exposure", "country_lists", "entity_lists")
}
UNIVERSE_FILES["ownership_links"] = CONTRACTS["ownership_links"]  # owners beside parent_issuer_id
#: how a control flag may be written in a file
_FLAG_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _empty(model) -> pd.DataFrame:
    return validate(conform(pd.DataFrame(), model), model, source="(empty)")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Universe:
    """Validated reference data for a screen. Build it with :func:`load_universe` or :meth:`from_frames`."""

    issuers: pd.DataFrame
    securities: pd.DataFrame
    involvement: pd.DataFrame
    country_exposure: pd.DataFrame
    country_lists: pd.DataFrame
    entity_lists: pd.DataFrame
    #: owner-owned links beside the issuers' parent_issuer_id, so an issuer may have several owners
    ownership_links: pd.DataFrame
    inputs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["kind", "path", "sha256", "rows"]))
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def from_frames(cls, *, include_bundled: bool = False, **frames: pd.DataFrame) -> Universe:
        """A universe from frames in memory, each validated against its contract."""
        unknown = set(frames) - set(UNIVERSE_FILES)
        if unknown:
            raise ArgumentError(f"unknown universe part(s) {sorted(unknown)}; expected some of {list(UNIVERSE_FILES)}")
        parts = {
            name: _prepare(name, frames[name], f"{name} (frame)") if name in frames else _empty(model)
            for name, model in UNIVERSE_FILES.items()
        }
        universe = cls(**parts)
        return universe.with_bundled_lists() if include_bundled else universe

    def add(self, *, source: str | Path = "frame", **frames: pd.DataFrame) -> Universe:
        """A new universe with rows added to some parts (e.g. ``involvement=read_sipri_top100(...)``).

        `source` names where the rows came from; when it is a file, the file and its SHA-256 are
        recorded among the universe's inputs (and so in the report's About sheet).
        """
        changes = {}
        path = Path(source)
        if path.is_file():
            added_inputs = [
                {"kind": name, "path": str(path), "sha256": file_sha256(path), "rows": len(frame)}
                for name, frame in frames.items()
            ]
            changes["inputs"] = pd.concat([self.inputs, pd.DataFrame(added_inputs)], ignore_index=True)
        for name, frame in frames.items():
            if name not in UNIVERSE_FILES:
                raise ArgumentError(f"unknown universe part {name!r}; expected one of {list(UNIVERSE_FILES)}")
            added = _prepare(name, frame, f"{name} ({source})")
            changes[name] = _concat(getattr(self, name), added, name)
        return replace(self, **changes)

    def with_bundled_lists(self) -> Universe:
        """A new universe with the country and entity lists that ship with exclusionscreen added."""
        country = validate(bundled_country_lists(), CountryLists, source="bundled country lists")
        entity = validate(bundled_entity_lists(), EntityLists, source="bundled entity lists")
        bundled = list_sources().assign(bundled=True)
        sources = pd.concat([self.sources, bundled], ignore_index=True) if len(self.sources) else bundled
        return replace(
            self,
            country_lists=_concat(self.country_lists, country, "country_lists"),
            entity_lists=_concat(self.entity_lists, entity, "entity_lists"),
            sources=sources,
        )

    def problems(self) -> list[str]:
        """References between the parts that do not resolve, and evidence outside the vocabulary.

        The screen reports each as a warning: securities of unknown issuers are not used to resolve
        holdings, unknown parents end an ownership chain, and unknown categories or involvement types
        match no criterion.
        """
        known = value_set(self.issuers["issuer_id"])
        out = []
        checks = [
            ("securities", self.securities["issuer_id"], known, "name issuer ids not in issuers"),
            ("issuers", self.issuers["parent_issuer_id"].dropna(), known, "name parents not in issuers"),
            ("ownership_links", self.ownership_links["owner_issuer_id"], known, "name owners not in issuers"),
            ("ownership_links", self.ownership_links["owned_issuer_id"], known, "name owned issuers not in issuers"),
            ("involvement", self.involvement["issuer_id"].dropna(), known, "name issuer ids not in issuers"),
            ("country_exposure", self.country_exposure["issuer_id"], known, "name issuer ids not in issuers"),
            (
                "involvement",
                self.involvement["category"],
                pd.Series(CATEGORIES),
                "have a category outside the vocabulary",
            ),
            (
                "involvement",
                self.involvement["involvement_type"],
                pd.Series(INVOLVEMENT_TYPES),
                "have an involvement_type outside the vocabulary",
            ),
            (
                "country_exposure",
                self.country_exposure["category"].dropna(),
                pd.Series(SUPPLY_CATEGORIES),
                "have a category outside the vocabulary",
            ),
        ]
        for part, values, allowed, what in checks:
            bad = values[~isin(values, allowed)]
            if len(bad):
                sample = ", ".join(map(str, bad.drop_duplicates().head(5)))
                out.append(f"{len(bad)} row(s) of {part} {what} (e.g. {sample})")
        return out

    def summary(self) -> pd.DataFrame:
        """Row counts of each part."""
        return pd.DataFrame({"part": list(UNIVERSE_FILES), "rows": [len(getattr(self, n)) for n in UNIVERSE_FILES]})

    def __repr__(self) -> str:
        counts = ", ".join(f"{n}={len(getattr(self, n)):,}" for n in UNIVERSE_FILES)
        return f"Universe({counts})"


def _concat(left: pd.DataFrame, right: pd.DataFrame, name: str) -> pd.DataFrame:
    if left.empty:
        return right
    if right.empty:
        return left
    out = pd.concat([left, right], ignore_index=True)
    return validate(out, UNIVERSE_FILES[name], source=name)


def _prepare(name: str, frame: pd.DataFrame, source: str, row_label: str = "row") -> pd.DataFrame:
    model = UNIVERSE_FILES[name]
    if name == "securities":
        frame = normalise_identifiers(frame, derive_isin=False)
    if name == "issuers" and "lei" in frame.columns:
        frame = frame.assign(lei=frame["lei"].astype("str").str.strip().str.upper())
    if name == "ownership_links" and "control" in frame.columns and not pd.api.types.is_bool_dtype(frame["control"]):
        text = frame["control"].astype("str").str.strip().str.lower()
        flag = text.map(_FLAG_WORDS).astype("boolean")
        # a word outside the table stays as written, so that the contract names its row
        frame = frame.assign(
            control=flag.astype(object).where(flag.notna() | frame["control"].isna(), frame["control"])
        )
    for column in ("country", "recipient_country"):
        if column in frame.columns:
            frame = frame.assign(**{column: frame[column].astype("str").str.strip().str.upper()})
    return validate(frame, model, source=source, row_label=row_label).reset_index(drop=True)


def _list_sources(parts: dict[str, pd.DataFrame], inputs: list[dict]) -> pd.DataFrame:
    """One row per list of the user's own list files: what it is, where from, and how recent."""
    paths = {row["kind"]: row["path"] for row in inputs}
    rows = []
    for name, kind in (("country_lists", "country"), ("entity_lists", "entity")):
        frame = parts.get(name)
        if frame is None or frame.empty:
            continue
        for list_id, group in frame.groupby("list_id", sort=True):
            latest = group["valid_from"].max()
            rows.append(
                {
                    "list_id": list_id,
                    "kind": kind,
                    "title": f"{list_id} (user file)",
                    "source": "; ".join(sorted(group["source"].dropna().unique())[:3]),
                    "source_url": next(iter(group["source_url"].dropna()), None),
                    "built_from": paths.get(name),
                    "as_of": latest,
                    "as_of_basis": "latest valid_from in the file",
                    "rows": len(group),
                    "bundled": False,
                }
            )
    return pd.DataFrame(rows)


def _read(path: Path) -> pd.DataFrame:
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputFileError(path, f"cannot be read as {path.suffix[1:]}: {exc}") from None


def load_universe(directory: str | Path | None = None, *, include_bundled: bool = True) -> Universe:
    """Read the reference-data folder `directory`, validate every file, and add the bundled lists.

    Each file is checked against its contract; a file that breaks it raises ContractError naming the
    file and listing every bad row. With `directory` None the universe holds only the bundled lists.
    """
    parts: dict[str, pd.DataFrame] = {}
    inputs = []
    if directory is not None:
        folder = Path(directory)
        if not folder.is_dir():
            raise InputFileError(folder, "is not a folder of reference data")
        stray = sorted(
            p.name for p in folder.iterdir() if p.suffix in {".csv", ".parquet"} and p.stem not in UNIVERSE_FILES
        )
        if stray:
            expected = ", ".join(f"{n}.csv" for n in UNIVERSE_FILES)
            raise InputFileError(
                folder,
                f"holds file(s) that are not reference data: {', '.join(stray)}; a reference-data folder holds "
                f"only {expected} (or .parquet), named exactly so: rename or move the others",
            )
        for name in UNIVERSE_FILES:
            candidates = [folder / f"{name}.csv", folder / f"{name}.parquet"]
            found = [p for p in candidates if p.is_file()]
            if len(found) > 1:
                raise InputFileError(folder, f"both {found[0].name} and {found[1].name} exist; keep one")
            if found:
                path = found[0]
                frame = _read(path)
                if path.suffix == ".csv":  # errors name the line of the file (the header is line 1)
                    frame.index = pd.RangeIndex(2, len(frame) + 2)
                parts[name] = _prepare(name, frame, str(path), row_label="line" if path.suffix == ".csv" else "row")
                inputs.append({"kind": name, "path": str(path), "sha256": file_sha256(path), "rows": len(frame)})
        if not parts:
            raise InputFileError(
                folder, f"holds none of the reference files {', '.join(f'{n}.csv' for n in UNIVERSE_FILES)}"
            )
    universe = Universe(
        **{name: parts.get(name, _empty(model)) for name, model in UNIVERSE_FILES.items()},
        inputs=pd.DataFrame(inputs, columns=["kind", "path", "sha256", "rows"]),
        sources=_list_sources(parts, inputs),
    )
    return universe.with_bundled_lists() if include_bundled else universe
