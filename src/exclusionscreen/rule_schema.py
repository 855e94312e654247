"""The schema of criterion and policy files, as pydantic models.

Unknown keys are refused; each field's rule is named in its type (non-empty text, a fraction between
0 and 1, a list of lower-case identifiers, ...) with the message an analyst sees; a criterion file is
one of four models, chosen by its ``evidence`` key. :func:`explain` words pydantic's errors as rule-file
problems (key path and message). :mod:`exclusionscreen.rulefiles` reads the files, checks their
``schema_version`` first, and applies the rules no schema states (ids match file names, a policy may
only tighten).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter
from pydantic_core import PydanticCustomError

from .vocabulary import DEFAULT_SUPPLY_CATEGORY, SUPPLY_CATEGORIES, Action, Basis, Evidence, UnknownShare

__all__ = ["CRITERION_FILE", "ID_RE", "SETTINGS", "PolicyEntry", "PolicyFile", "explain"]

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?$")


def _rule(accepts, message: str, *, optional: bool = False) -> BeforeValidator:
    """A check of the value as read from YAML (None passes when `optional`); `message` may show the
    value as ``{value}``."""

    def check(value: Any) -> Any:
        if (optional and value is None) or accepts(value):
            return value
        raise PydanticCustomError("rule", message, {"value": repr(value)})

    return BeforeValidator(check)


def _text(v: Any) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _url(v: Any) -> bool:
    return _text(v) and v.strip().startswith(("https://", "http://"))


def _fraction(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1


def _years(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def _identifiers(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(w, str) and ID_RE.match(w) for w in v)


def _once(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("rule", "lists a value more than once")
    return values


def _as_date(value: Any) -> date | None:
    try:
        return value if value is None or isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise PydanticCustomError("rule", "must be a date as YYYY-MM-DD, got {value}", {"value": repr(value)}) from None


def _choice(enum: type) -> BeforeValidator:
    values = {e.value for e in enum}
    return _rule(values.__contains__, "{value} is not one of: " + ", ".join(e.value for e in enum))


def _mapping(message: str) -> BeforeValidator:
    return _rule(lambda v: isinstance(v, dict), message)


_TEXT, _FRACTION = (
    "must be non-empty text, got {value}",
    "must be a fraction between 0 and 1 (0.05 for 5 %), got {value}",
)
_strip = AfterValidator(lambda v: v if v is None else v.strip())
Text = Annotated[str, _rule(_text, _TEXT), _strip]
OptionalText = Annotated[str | None, _rule(_text, _TEXT, optional=True), _strip]
Url = Annotated[str | None, _rule(_url, "must be an http(s) address, got {value}", optional=True), _strip]
Ident = Annotated[
    str, _rule(lambda v: _text(v) and ID_RE.match(v), "must be lower-case letters, digits and _, got {value}")
]
Version = Annotated[str, _rule(lambda v: _text(v) and _VERSION_RE.match(v), "must look like 1.0 or 1.0.0, got {value}")]
Share = Annotated[float, _rule(_fraction, _FRACTION)]
OptionalShare = Annotated[float | None, _rule(_fraction, _FRACTION, optional=True)]
Years = Annotated[int, _rule(_years, "must be a whole number of at least 1, got {value}")]
OptionalYears = Annotated[int | None, _rule(_years, "must be a whole number of at least 1, got {value}", optional=True)]
UnknownShareChoice = Annotated[UnknownShare, _choice(UnknownShare)]
Words = Annotated[
    tuple[str, ...],
    _rule(_identifiers, "must be a non-empty list of lower-case identifiers (letters, digits, _), got {value}"),
    AfterValidator(_once),
]
OptionalDate = Annotated[date | None, BeforeValidator(_as_date)]
# the categories of supplied items a country-exposure criterion covers
SupplyWords = Annotated[
    tuple[str, ...],
    _rule(
        lambda v: _identifiers(v) and set(v) <= set(SUPPLY_CATEGORIES),
        "must be a non-empty list of supply categories (" + ", ".join(SUPPLY_CATEGORIES) + "), got {value}",
    ),
    AfterValidator(_once),
]
# an action per recipient list: {eu_arms_embargo_state: exclude, fh_not_free: watch}
ListActions = Annotated[
    dict[Ident, Annotated[Action, _choice(Action)]],
    _rule(
        lambda v: isinstance(v, dict) and bool(v),
        "must be a mapping of country list id to exclude or watch, got {value}",
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Reference(_Model):
    instrument: Text
    provision: OptionalText = None
    url: Url = None
    note: OptionalText = None


OptionalAction = Annotated[
    Action | None,
    _rule(
        lambda v: v in {a.value for a in Action},
        "{value} is not one of: " + ", ".join(a.value for a in Action),
        optional=True,
    ),
]


class _Ownership(_Model):
    """The relations an involved company's involvement spreads along, each with its action.

    ``minority_owners_action`` defaults to the criterion's action. ``parent_min_share`` and
    ``subsidiary_min_share`` are the former keys, still read (see ``Ownership.from_legacy``)."""

    controlling_parents: OptionalAction = None
    controlled_subsidiaries: OptionalAction = None
    minority_owners_min_share: OptionalShare = None
    minority_owners_action: OptionalAction = None
    parent_min_share: OptionalShare = None
    subsidiary_min_share: OptionalShare = None


References = Annotated[
    tuple[Annotated[_Reference, _mapping("each reference is a mapping with instrument, provision, url, note")], ...],
    _rule(lambda v: isinstance(v, list) and v, "must list at least one legal or normative reference"),
]
OwnershipMap = Annotated[
    _Ownership,
    _mapping(
        "must be a mapping with controlling_parents, controlled_subsidiaries (an action each) and/or "
        "minority_owners_min_share (a fraction) with minority_owners_action"
    ),
]


class _RuleFile(_Model):
    """What criterion and policy files share."""

    schema_version: Literal[1]
    id: Ident
    version: Version
    title: Text
    references: References
    notes: OptionalText = None


class _CriterionFile(_RuleFile):
    basis: Annotated[Basis, _choice(Basis)]
    definition: Text
    action: Annotated[Action, _choice(Action)]


class _Involvement(_CriterionFile):
    evidence: Literal[Evidence.INVOLVEMENT]
    categories: Words
    involvement_types: Words
    revenue_threshold: Share
    ownership: OwnershipMap = _Ownership()
    unknown_share: UnknownShareChoice = UnknownShare.WATCH
    max_evidence_age_years: OptionalYears = None


class _CountryExposure(_CriterionFile):
    evidence: Literal[Evidence.COUNTRY_EXPOSURE]
    # what was supplied: rows without a category are arms, and so is a criterion that names none
    categories: SupplyWords = (DEFAULT_SUPPLY_CATEGORY,)
    country_lists: Words
    # the action of a hit through each list named here; other lists take `action`
    list_actions: ListActions = None
    lookback_years: Years
    ownership: OwnershipMap = _Ownership()


class _Sovereign(_CriterionFile):
    evidence: Literal[Evidence.SOVEREIGN]
    country_lists: Words


class _EntityList(_CriterionFile):
    evidence: Literal[Evidence.ENTITY_LIST]
    entity_lists: Words
    ownership: OwnershipMap = _Ownership()


_BY_EVIDENCE = {
    Evidence.INVOLVEMENT: _Involvement,
    Evidence.COUNTRY_EXPOSURE: _CountryExposure,
    Evidence.SOVEREIGN: _Sovereign,
    Evidence.ENTITY_LIST: _EntityList,
}
CRITERION_FILE = TypeAdapter(
    Annotated[_Involvement | _CountryExposure | _Sovereign | _EntityList, Field(discriminator="evidence")]
)
# the settings each kind of criterion has (and a policy may tighten)
SETTINGS = {e: set(m.model_fields) - set(_CriterionFile.model_fields) - {"evidence"} for e, m in _BY_EVIDENCE.items()}


def _entry(value: Any) -> Any:
    return {"criterion": value} if isinstance(value, str) else value  # a bare id sets nothing


class PolicyEntry(_Model):
    """One criterion of a policy, with the settings that make it stricter (a bare id sets none)."""

    criterion: Text
    # a setting left out keeps the criterion's (the defaults are never validated; a null is refused)
    categories: Words = None
    involvement_types: Words = None
    revenue_threshold: Share = None
    ownership: OwnershipMap = None
    action: Annotated[Action, _choice(Action)] = None
    country_lists: Words = None
    list_actions: ListActions = None
    lookback_years: Years = None
    entity_lists: Words = None
    unknown_share: UnknownShareChoice = None
    max_evidence_age_years: Years = None


class PolicyFile(_RuleFile):
    description: Text
    applies_from: OptionalDate = None
    applies_until: OptionalDate = None
    # what an unknown revenue share gives under every involvement criterion the policy applies
    # (an entry's own unknown_share wins); only stricter than each criterion's
    unknown_share: UnknownShareChoice = None
    criteria: Annotated[
        tuple[
            Annotated[
                PolicyEntry,  # pydantic runs these checks last first: a bare id becomes a mapping
                _mapping("each entry is a criterion id or a mapping with 'criterion' and stricter settings"),
                BeforeValidator(_entry),
            ],
            ...,
        ],
        _rule(lambda v: isinstance(v, list) and v, "must list at least one criterion"),
    ]


# --------------------------------------------------------------------------------------------
# pydantic's errors in the words of a rule file


def _key_path(loc: Iterable) -> str:
    path = ""
    for part in loc:
        path = f"{path}[{part}]" if isinstance(part, int) else f"{path}.{part}" if path else str(part)
    return path


def explain(error: dict, data: dict, schema: TypeAdapter | type[_Model]) -> tuple[str, str]:
    """A pydantic error as (key path, message) in the words of a rule file."""
    loc, kind = list(error["loc"]), error["type"]
    model = PolicyFile
    if schema is CRITERION_FILE:
        if kind.startswith("union_tag"):
            if kind == "union_tag_not_found":
                return "", "missing required key 'evidence'"
            return "evidence", f"{data['evidence']!r} is not one of: {', '.join(e.value for e in Evidence)}"
        model = _BY_EVIDENCE[Evidence(loc.pop(0))]  # the tag pydantic puts first
    loc = [part for part in loc if not (isinstance(part, str) and "[" in part)]  # union member labels
    if kind == "missing":
        key, where = loc[-1], _key_path(loc[:-1])
        extra = (
            f" for evidence {data['evidence']!r}" if not where and key in SETTINGS.get(data.get("evidence"), ()) else ""
        )
        return where, f"missing required key {key!r}{extra}"
    if kind == "extra_forbidden":
        valid = ", ".join(sorted(_model_at(model, loc[:-1]).model_fields))
        return _key_path(loc), f"unknown key {loc[-1]!r}; valid keys here: {valid}"
    return _key_path(loc), error["msg"]


def _model_at(model: type[_Model], loc: list) -> type[_Model]:
    """The model that validates the mapping at `loc` inside `model`."""
    for part in loc:
        if isinstance(part, str):
            model = _inner_model(model.model_fields[part].annotation)
    return model


def _inner_model(annotation: Any) -> type[_Model] | None:
    if isinstance(annotation, type) and issubclass(annotation, _Model):
        return annotation
    return next((m for m in map(_inner_model, get_args(annotation)) if m is not None), None)
