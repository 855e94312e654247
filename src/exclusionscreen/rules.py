"""Criteria and policies as plain frozen values. They know nothing of pandas; the engine applies
them.

A :class:`Criterion` is read from one file under ``criteria/``; a :class:`Policy` selects criteria
and may only make them stricter. Both are built by :mod:`exclusionscreen.rulefiles`, which
validates the files first.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date

from .display import policy_html
from .errors import ArgumentError
from .vocabulary import Action, Basis, Evidence, UnknownShare

__all__ = ["Criterion", "Ownership", "Policy", "Reference"]


@dataclass(frozen=True)
class Reference:
    """A legal or normative text a criterion or policy rests on."""

    instrument: str
    provision: str | None = None
    url: str | None = None
    note: str | None = None

    def __str__(self) -> str:
        return ", ".join(part for part in (self.instrument, self.provision) if part)


@dataclass(frozen=True)
class Ownership:
    """Which companies an involved company's involvement also catches, each relation with its action.

    controlling_parents: companies that control the involved company, directly or through companies
    they control (control: a share of at least 50 % or a control flag, at every link).
    controlled_subsidiaries: companies the involved company controls, directly or through others.
    minority_owners_min_share / minority_owners_action: owners whose economic share of the involved
    company (shares multiplied along each path, summed over the paths) is at least this share.
    ``None`` means the relation is not followed.
    """

    controlling_parents: Action | None = None
    controlled_subsidiaries: Action | None = None
    minority_owners_min_share: float | None = None
    minority_owners_action: Action | None = None

    def __post_init__(self) -> None:
        for key in ("controlling_parents", "controlled_subsidiaries", "minority_owners_action"):
            value = getattr(self, key)
            if value is not None and not isinstance(value, Action):
                object.__setattr__(self, key, Action(value))

    @property
    def relations(self) -> dict[str, Action]:
        """The relations followed, by name, with their action."""
        out = {
            "controlling_parents": self.controlling_parents,
            "controlled_subsidiaries": self.controlled_subsidiaries,
            "minority_owners": self.minority_owners_action if self.minority_owners_min_share is not None else None,
        }
        return {k: v for k, v in out.items() if v is not None}

    @classmethod
    def from_legacy(cls, action: Action, **keys: float | None) -> dict:
        """The settings that the former keys ``parent_min_share`` and ``subsidiary_min_share`` stand for,
        with the criterion's `action`: a parent share of 50 % or more reads as controlling parents, a
        lower one adds minority owners at that share; a subsidiary share reads as controlled
        subsidiaries (a subsidiary share below 50 % is refused by the rule-file reader)."""
        out: dict = {}
        parent = keys.get("parent_min_share")
        if parent is not None:
            out["controlling_parents"] = action
            if parent < 0.5:
                out["minority_owners_min_share"], out["minority_owners_action"] = parent, action
        if keys.get("subsidiary_min_share") is not None:
            out["controlled_subsidiaries"] = action
        return out


@dataclass(frozen=True)
class Criterion:
    """One exclusion criterion, as read from its rule file (and possibly tightened by a policy)."""

    id: str
    version: str
    title: str
    basis: Basis
    evidence: Evidence
    definition: str
    references: tuple[Reference, ...]
    action: Action
    categories: tuple[str, ...] = ()
    involvement_types: tuple[str, ...] = ()
    revenue_threshold: float | None = None
    ownership: Ownership = field(default_factory=Ownership)
    country_lists: tuple[str, ...] = ()
    lookback_years: int | None = None
    entity_lists: tuple[str, ...] = ()
    # (list id, action) for the country lists whose hits take another action than `action`
    list_actions: tuple[tuple[str, Action], ...] = ()
    source_file: str | None = field(default=None, compare=False)
    notes: str | None = field(default=None, compare=False)
    #: what a row with an unknown revenue share gives under a threshold above 0 (involvement criteria)
    unknown_share: UnknownShare = UnknownShare.WATCH
    #: evidence older than this many years gives watch instead of the criterion's action (None: no limit)
    max_evidence_age_years: int | None = None

    def list_action(self, list_id: str) -> Action:
        """The action of a hit through country list `list_id`: its own where the criterion sets one."""
        return dict(self.list_actions).get(list_id, self.action)

    @property
    def threshold_text(self) -> str:
        """The revenue threshold in words: 'any involvement', '>= 5%', or '' where none applies."""
        if self.revenue_threshold is None:
            return ""
        if self.revenue_threshold == 0:
            return "any involvement"
        return f">= {self.revenue_threshold:.0%}"

    def as_record(self) -> dict:
        """A JSON-ready dict of the rule (without the file it came from or its notes)."""
        record = asdict(self)
        record.pop("source_file")
        record.pop("notes")
        for key in ("basis", "evidence", "action", "unknown_share"):
            record[key] = str(record[key])
        record["list_actions"] = {k: str(v) for k, v in self.list_actions}
        if not self.list_actions:  # absent rather than empty: the rule hash of other criteria is unchanged
            del record["list_actions"]
        # settings left at their defaults are not written, so that rule hashes of criteria that do not
        # use them stay what they were before the settings existed
        for key, default in _RECORD_DEFAULTS.items():
            if record[key] == default:
                del record[key]
        return record

    @classmethod
    def from_record(cls, record: dict) -> Criterion:
        """The criterion written by :meth:`as_record`."""
        fields = dict(record)
        fields["basis"], fields["evidence"] = Basis(fields["basis"]), Evidence(fields["evidence"])
        fields["action"] = Action(fields["action"])
        fields["unknown_share"] = UnknownShare(fields.get("unknown_share", UnknownShare.WATCH.value))
        fields["references"] = tuple(Reference(**r) for r in fields["references"])
        ownership = dict(fields["ownership"])
        legacy = {k: ownership.pop(k) for k in ("parent_min_share", "subsidiary_min_share") if k in ownership}
        fields["ownership"] = Ownership(**ownership, **Ownership.from_legacy(fields["action"], **legacy))
        fields["list_actions"] = tuple((k, Action(v)) for k, v in fields.get("list_actions", {}).items())
        for key in ("categories", "involvement_types", "country_lists", "entity_lists"):
            fields[key] = tuple(fields[key])
        return cls(**fields)


_RECORD_DEFAULTS = {"unknown_share": UnknownShare.WATCH.value, "max_evidence_age_years": None}


@dataclass(frozen=True)
class Policy:
    """A named selection of criteria, each possibly made stricter, with the dates it applies."""

    id: str
    version: str
    title: str
    description: str
    references: tuple[Reference, ...]
    criteria: tuple[Criterion, ...]
    applies_from: date | None = None
    applies_until: date | None = None
    source_file: str | None = field(default=None, compare=False)
    notes: str | None = field(default=None, compare=False)

    def to_record(self) -> dict:
        """A JSON-ready dict of the policy with its effective criteria, as a saved result keeps it."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "references": [asdict(r) for r in self.references],
            "applies_from": self.applies_from.isoformat() if self.applies_from else None,
            "applies_until": self.applies_until.isoformat() if self.applies_until else None,
            "criteria": [c.as_record() for c in self.criteria],
        }

    @classmethod
    def from_record(cls, record: dict) -> Policy:
        """The policy written by :meth:`to_record` (same rules, same rule hash)."""
        return cls(
            id=record["id"],
            version=record["version"],
            title=record["title"],
            description=record["description"],
            references=tuple(Reference(**r) for r in record["references"]),
            criteria=tuple(Criterion.from_record(c) for c in record["criteria"]),
            applies_from=date.fromisoformat(record["applies_from"]) if record["applies_from"] else None,
            applies_until=date.fromisoformat(record["applies_until"]) if record["applies_until"] else None,
        )

    def criterion(self, criterion_id: str) -> Criterion:
        """The policy's (possibly tightened) version of one criterion."""
        for item in self.criteria:
            if item.id == criterion_id:
                return item
        known = ", ".join(c.id for c in self.criteria)
        raise ArgumentError(f"policy {self.id!r} has no criterion {criterion_id!r}; it has: {known}")

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def rule_hash(self) -> str:
        """SHA-256 of the policy's effective rules: changes whenever any applied rule changes."""
        payload = {
            "policy": {"id": self.id, "version": self.version},
            "applies_from": str(self.applies_from) if self.applies_from else None,
            "applies_until": str(self.applies_until) if self.applies_until else None,
            "criteria": [c.as_record() for c in self.criteria],
        }
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def applies_on(self, day: date) -> bool:
        """True when `day` falls within the policy's dates of application."""
        if self.applies_from and day < self.applies_from:
            return False
        return not (self.applies_until and day > self.applies_until)

    def __repr__(self) -> str:
        return f"Policy({self.id!r}, version={self.version!r}, criteria={list(self.criterion_ids)})"

    def _repr_html_(self) -> str:
        return policy_html(self)
