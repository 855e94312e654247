"""Reading and validating criterion and policy files.

Rule files are YAML read with the safe loader (no code in a rule file is ever run; no anchors,
aliases or duplicate keys, see ``_yaml``), parsed once into plain data and the line of every key.
The ``schema_version`` is checked before anything else; the schema itself is declared as pydantic
models in :mod:`~exclusionscreen.rule_schema` (unknown keys refused, each field's rule named in its
type, one model per kind of evidence, chosen by the ``evidence`` key), and each problem pydantic
finds becomes a :class:`~exclusionscreen.errors.RuleProblem` naming the file, the key path and the
line. A policy may only make a criterion stricter; a policy that loosens one is rejected with a
message saying which criterion, which key and how.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from ._resources import bundled_dir
from ._yaml import load_yaml
from .errors import RuleFileError, RuleProblem
from .rule_schema import CRITERION_FILE, ID_RE, SETTINGS, PolicyEntry, PolicyFile, explain
from .rules import Criterion, Ownership, Policy, Reference
from .vocabulary import SUPPLY_CATEGORIES, Action, Evidence, UnknownShare

__all__ = [
    "SCHEMA_VERSION",
    "load_catalogue",
    "load_criterion",
    "load_policy",
    "shipped_criteria",
    "shipped_policies",
    "validate_rule_files",
]

SCHEMA_VERSION = 1
_LISTS = ("categories", "involvement_types", "country_lists", "entity_lists")


# --------------------------------------------------------------------------------------------
# rule files with the line of every key


class _Document:
    """A rule file's data with the line of every key path, and the problems found in it."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self.problems: list[RuleProblem] = []
        self.lines: dict[str, int] = {}
        self.data: Any = None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problem("", f"cannot read the file: {exc}")
            return
        try:
            self.data, node = load_yaml(text, self.name)  # plain data; no anchors, duplicate keys, bad dates
        except RuleFileError as exc:
            self.problems.extend(exc.problems)
            return
        if node is not None:
            self._index(node, "")

    def _index(self, node: yaml.Node, prefix: str) -> None:
        self.lines.setdefault(prefix, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = _join(prefix, key.value)
                self.lines[path] = key.start_mark.line + 1
                self._index(value, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, f"{prefix}[{i}]")

    def problem(self, key_path: str, message: str, line: int | None = None) -> None:
        self.problems.append(RuleProblem(self.name, key_path, message, self._line(key_path) if line is None else line))

    def _line(self, key_path: str) -> int | None:
        """The line of `key_path`, or of its nearest parent the file has (a bare list item)."""
        path = key_path
        while path and path not in self.lines:
            parent = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", path)
            path = "" if parent == path else parent
        return self.lines.get(path)

    def validate(self, kind: str, schema: TypeAdapter | type[BaseModel]):
        """The file's data as `schema`, or None after recording every problem; the schema_version and
        the id (lower-case, the file's name) are checked here once for every kind of rule file."""
        data = self.data
        if self.problems:
            return None
        where, message = "", None
        if not isinstance(data, dict):
            message = f"a {kind} file must be a YAML mapping of keys, got {type(data).__name__}"
        elif "schema_version" not in data:
            message = f"missing required key 'schema_version' (this library reads version {SCHEMA_VERSION})"
        elif data["schema_version"] != SCHEMA_VERSION:
            where = "schema_version"
            message = f"schema_version {data['schema_version']!r} is not supported; this library reads {SCHEMA_VERSION}"
        if message:  # nothing else is checked before the version is known
            self.problem(where, message)
            return None
        ident = data.get("id")
        if isinstance(ident, str) and ID_RE.match(ident) and ident != self.path.stem:
            self.problem("id", f"id {ident!r} must match the file name {self.path.name!r}")
        try:
            model = schema.validate_python(data) if isinstance(schema, TypeAdapter) else schema.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.problem(*explain(error, data, schema))
            return None
        return None if self.problems else model


def _join(prefix: str, key: object) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


# --------------------------------------------------------------------------------------------
# criteria


def _parse_criterion(doc: _Document) -> Criterion | None:
    model = doc.validate("criterion", CRITERION_FILE)
    if model is None:
        return None
    fields = {key: getattr(model, key) for key in type(model).model_fields if key != "schema_version"}
    fields["references"] = tuple(Reference(**r.model_dump()) for r in model.references)
    if "ownership" in fields:
        settings = _ownership_settings(doc, "ownership", model.ownership, model.action)
        if settings.get("minority_owners_min_share") is not None and settings.get("minority_owners_action") is None:
            settings["minority_owners_action"] = model.action
        fields["ownership"] = Ownership(**settings)
    if "list_actions" in fields:
        fields["list_actions"] = tuple((model.list_actions or {}).items())
        _check_list_actions(doc, fields["list_actions"], model.country_lists, "list_actions")
    if doc.problems:
        return None
    return Criterion(**fields, source_file=doc.name)


def _check_list_actions(doc: _Document, actions: Iterable, lists: tuple[str, ...], prefix: str) -> None:
    """Each list given an action must be one the criterion reads."""
    for list_id, _ in actions:
        if list_id not in lists:
            doc.problem(
                _join(prefix, list_id),
                f"gives an action to list {list_id!r}, which is not among country_lists ({', '.join(lists)})",
            )


def _ownership_settings(doc: _Document, prefix: str, model: BaseModel, action: Action) -> dict[str, Any]:
    """The ownership keys a file sets, in today's keys: the former ``parent_min_share`` and
    ``subsidiary_min_share`` are read with the criterion's `action` (``Ownership.from_legacy``)."""
    given = model.model_fields_set
    out = {k: getattr(model, k) for k in given if k not in _LEGACY_OWNERSHIP}
    legacy = {k: getattr(model, k) for k in given & set(_LEGACY_OWNERSHIP)}
    share = legacy.get("subsidiary_min_share")
    if share is not None and share < 0.5:
        doc.problem(
            _join(prefix, "subsidiary_min_share"),
            f"a subsidiary share below 50 % ({share:g}) is no longer read: subsidiaries are followed when "
            "controlled; write controlled_subsidiaries: <action>",
        )
    for key, relation in _LEGACY_OWNERSHIP.items():
        if key in legacy and legacy[key] is None:  # a null former key stops following its relation
            out.setdefault(relation, None)
    converted = Ownership.from_legacy(action, **{k: v for k, v in legacy.items() if v is not None})
    return {**converted, **out}


#: the former ownership keys and the relation each now stands for
_LEGACY_OWNERSHIP = {"parent_min_share": "controlling_parents", "subsidiary_min_share": "controlled_subsidiaries"}
_RELATIONS = ("controlling_parents", "controlled_subsidiaries", "minority_owners_action")


def load_criterion(path: str | Path) -> Criterion:
    """Read and validate one criterion file; raise RuleFileError listing every problem."""
    doc = _Document(Path(path))
    criterion = _parse_criterion(doc)
    if criterion is None:
        raise RuleFileError(doc.problems)
    return criterion


def load_catalogue(directory: str | Path | None = None) -> dict[str, Criterion]:
    """Every criterion in `directory` (default: the shipped ``criteria/``), by id."""
    folder = Path(directory) if directory is not None else bundled_dir("criteria")
    criteria, problems = {}, []
    for path in sorted(folder.glob("*.yaml")):
        doc = _Document(path)
        criterion = _parse_criterion(doc)
        problems.extend(doc.problems)
        if criterion is not None:
            criteria[criterion.id] = criterion
    if problems:
        raise RuleFileError(problems)
    if not criteria:
        raise RuleFileError([RuleProblem(str(folder), "", "no criterion files (*.yaml) found")])
    return criteria


def shipped_criteria() -> dict[str, Criterion]:
    """The criteria that ship with exclusionscreen, by id."""
    return load_catalogue()


# --------------------------------------------------------------------------------------------
# policies


def _loosening(key: str, old: Any, new: Any) -> str | None:
    """How setting `key` from `old` to `new` loosens a criterion, or None when it does not."""
    if key == "revenue_threshold" and new > old:
        return f"raises the revenue threshold from {old:g} to {new:g}"
    if key in _LISTS and (missing := [v for v in old if v not in new]):
        return f"drops {', '.join(missing)}"
    if key == "lookback_years" and new < old:
        return f"shortens the look-back from {old} to {new} years"
    if key == "action" and old is Action.EXCLUDE and new is Action.WATCH:
        return "turns exclude into watch"
    if key == "unknown_share" and UnknownShare(new).rank < UnknownShare(old).rank:
        return f"turns what an unknown revenue share gives from {old} into {new} (review < watch < exclude)"
    if key == "max_evidence_age_years" and old is None:
        return f"sets a maximum evidence age of {new} years, past which evidence gives only watch"
    if key == "max_evidence_age_years" and new < old:
        return f"shortens the maximum evidence age from {old} to {new} years"
    if key == "list_actions" and (
        eased := [k for k, v in new.items() if old[k] is Action.EXCLUDE and v is Action.WATCH]
    ):
        return f"turns exclude into watch for list(s) {', '.join(eased)}"
    if key.endswith("_min_share") and old is not None and new is None:
        return f"removes the ownership share of {old:g}"
    if key.endswith("_min_share") and old is not None and new > old:
        return f"raises the ownership share from {old:g} to {new:g}"
    if key in _RELATIONS and old is not None and new is None:
        return f"stops following {key.removesuffix('_action').replace('_', ' ')}"
    if key in _RELATIONS and old is Action.EXCLUDE and new is Action.WATCH:
        return f"turns exclude into watch for {key.removesuffix('_action').replace('_', ' ')}"
    return None


def _tighten(doc: _Document, base: Criterion, entry: PolicyEntry, prefix: str) -> Criterion:
    """Apply a policy entry to a criterion, recording a problem for every loosening."""
    settings = {}
    for key in sorted(entry.model_fields_set - {"criterion"}, key=list(PolicyEntry.model_fields).index):
        if key not in SETTINGS[base.evidence] | {"action"}:
            doc.problem(
                _join(prefix, key), f"criterion {base.id!r} (evidence {base.evidence.value!r}) has no {key!r} to set"
            )
        elif key == "ownership":  # each relation or share given sets that one alone
            given = _ownership_settings(doc, _join(prefix, "ownership"), entry.ownership, base.action)
            settings.update({f"ownership.{k}": v for k, v in given.items()})
        else:
            settings[key] = getattr(entry, key)
    changes: dict[str, Any] = {}
    for path, new in settings.items():
        key = path.removeprefix("ownership.")
        old = getattr(base.ownership if key != path else base, key)
        if key == "list_actions":  # each list's action before the policy: its own, else the criterion's
            old = {k: base.list_action(k) for k in new}
        if key == "categories" and base.evidence is Evidence.COUNTRY_EXPOSURE and set(new) - set(SUPPLY_CATEGORIES):
            unknown = ", ".join(v for v in new if v not in SUPPLY_CATEGORIES)
            doc.problem(
                _join(prefix, path), f"{unknown} not among the supply categories ({', '.join(SUPPLY_CATEGORIES)})"
            )
            continue
        how = _loosening(key, old, new)
        if how:
            message = f"would loosen criterion {base.id!r}: {how}; a policy may only make a criterion stricter"
            doc.problem(_join(prefix, path), message)
        elif key == "list_actions":
            changes[key] = tuple({**dict(base.list_actions), **new}.items())
        elif key in _LISTS:
            changes[key] = old + tuple(v for v in new if v not in old)
        else:
            changes[path] = new
    if "list_actions" in changes:
        lists = changes.get("country_lists", base.country_lists)
        _check_list_actions(doc, entry.list_actions.items(), lists, _join(prefix, "list_actions"))
    shares = {k.removeprefix("ownership."): changes.pop(k) for k in list(changes) if k.startswith("ownership.")}
    action = changes.get("action", base.action)
    if action is not base.action:  # relations that took the criterion's action follow it when tightened
        shares = {**{k: action for k in _RELATIONS if getattr(base.ownership, k) is base.action}, **shares}
    if shares:
        ownership = replace(base.ownership, **shares)
        if ownership.minority_owners_min_share is not None and ownership.minority_owners_action is None:
            ownership = replace(ownership, minority_owners_action=action)
        changes["ownership"] = ownership
    return replace(base, **changes) if changes else base


def _policy_unknown_share(doc: _Document, criterion: Criterion, value: UnknownShare) -> Criterion:
    """`criterion` with the policy-wide unknown_share (involvement criteria only), recording a problem
    where it would loosen the criterion."""
    if criterion.evidence is not Evidence.INVOLVEMENT:
        return criterion
    how = _loosening("unknown_share", criterion.unknown_share, value)
    if how:
        doc.problem(
            "unknown_share",
            f"would loosen criterion {criterion.id!r}: {how}; a policy may only make a criterion stricter",
        )
        return criterion
    return replace(criterion, unknown_share=UnknownShare(value))


def _parse_policy(doc: _Document, catalogue: dict[str, Criterion]) -> Policy | None:
    model = doc.validate("policy", PolicyFile)
    if model is None:
        return None
    if model.applies_from and model.applies_until and model.applies_from > model.applies_until:
        doc.problem("applies_until", f"{model.applies_until} is before applies_from {model.applies_from}")
    chosen: dict[str, Criterion] = {}
    for i, entry in enumerate(model.criteria):
        path, cid = f"criteria[{i}].criterion", entry.criterion
        if cid in chosen:
            doc.problem(path, f"criterion {cid!r} is listed twice")
        elif cid not in catalogue:
            doc.problem(path, f"unknown criterion {cid!r}; known criteria: {', '.join(sorted(catalogue))}")
        else:
            chosen[cid] = _tighten(doc, catalogue[cid], entry, f"criteria[{i}]")
            if model.unknown_share is not None and "unknown_share" not in entry.model_fields_set:
                chosen[cid] = _policy_unknown_share(doc, chosen[cid], model.unknown_share)
    if doc.problems:
        return None
    skip = {"schema_version", "criteria", "unknown_share"}  # the criteria carry the effective unknown_share
    fields = {key: getattr(model, key) for key in PolicyFile.model_fields if key not in skip}
    fields["references"] = tuple(Reference(**r.model_dump()) for r in model.references)
    return Policy(**fields, criteria=tuple(chosen.values()), source_file=doc.name)


def _policies(paths: Iterable[Path], catalogue: dict[str, Criterion], problems: list[RuleProblem]) -> dict[str, Policy]:
    policies = {}
    for path in paths:
        doc = _Document(path)
        policy = _parse_policy(doc, catalogue)
        problems.extend(doc.problems)
        if policy is not None:
            policies[policy.id] = policy
    return policies


def shipped_policies() -> dict[str, Policy]:
    """The policies that ship with exclusionscreen, by id."""
    problems: list[RuleProblem] = []
    policies = _policies(sorted((bundled_dir("criteria") / "policies").glob("*.yaml")), shipped_criteria(), problems)
    if problems:
        raise RuleFileError(problems)
    return policies


def load_policy(name_or_path: str | Path | Policy, *, criteria_dir: str | Path | None = None) -> Policy:
    """A shipped policy by id (``"broad"``), or a policy file at a path.

    A policy file's criteria are looked up in `criteria_dir` when given, else in the shipped
    catalogue. Raises RuleFileError naming the file and key of every problem.
    """
    if isinstance(name_or_path, Policy):
        return name_or_path
    path = Path(name_or_path)
    catalogue = load_catalogue(criteria_dir) if criteria_dir is not None else shipped_criteria()
    if not path.suffix and not path.exists():
        shipped = bundled_dir("criteria") / "policies" / f"{path.name}.yaml"
        if not shipped.is_file():
            names = sorted(p.stem for p in shipped.parent.glob("*.yaml"))
            close = difflib.get_close_matches(path.name, names, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            message = f"no shipped policy of that name; {hint}shipped policies: {', '.join(names)}"
            raise RuleFileError([RuleProblem(str(name_or_path), "", message)])
        path = shipped
    if not path.is_file():
        raise RuleFileError([RuleProblem(str(path), "", "no such file")])
    problems: list[RuleProblem] = []
    policies = _policies([path], catalogue, problems)
    if problems:
        raise RuleFileError(problems)
    return next(iter(policies.values()))


def validate_rule_files(paths: Iterable[str | Path], *, criteria_dir: str | Path | None = None) -> list[RuleProblem]:
    """Check criterion and policy files (or folders of them); return every problem found.

    A file whose mapping has a ``criteria`` key is a policy. A policy's criteria are looked up among
    the criterion files given, then in `criteria_dir` (default: the shipped catalogue).
    """
    files: list[Path] = []
    problems: list[RuleProblem] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(p.rglob("*.yaml")) + sorted(p.rglob("*.yml")))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(RuleProblem(str(p), "", "no such file or folder"))
    docs = [_Document(p) for p in files]
    policy_docs = [d for d in docs if not d.problems and isinstance(d.data, dict) and "criteria" in d.data]
    catalogue: dict[str, Criterion] = {}
    for doc in docs:
        if doc not in policy_docs:
            criterion = _parse_criterion(doc)
            problems.extend(doc.problems)
            if criterion is not None:
                catalogue[criterion.id] = criterion
    if policy_docs:
        base = load_catalogue(criteria_dir) if criteria_dir is not None else _shipped_or_empty()
        for doc in policy_docs:
            _parse_policy(doc, {**base, **catalogue})
            problems.extend(doc.problems)
    return problems


def _shipped_or_empty() -> dict[str, Criterion]:
    try:
        return shipped_criteria()
    except (RuleFileError, FileNotFoundError):
        return {}
