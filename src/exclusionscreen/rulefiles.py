"""Reading and validating criterion and policy files.

Rule files are YAML read with the safe loader (no code in a rule file is ever run; no anchors,
aliases or duplicate keys, see ``_yaml``). The
``schema_version`` is checked before anything else; unknown keys are rejected with the list of
valid ones; every problem names the file, the key path and, where the parser knows it, the line. A
policy may only make a criterion stricter; a policy that loosens one is rejected with a message
saying which criterion, which key and how.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ._resources import bundled_dir
from ._yaml import load_yaml
from .errors import RuleFileError, RuleProblem
from .rules import Criterion, Ownership, Policy, Reference
from .vocabulary import Action, Basis, Evidence

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
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?$")

_COMMON_KEYS = {
    "schema_version",
    "id",
    "version",
    "title",
    "basis",
    "evidence",
    "definition",
    "references",
    "action",
    "notes",
}
_KEYS_BY_EVIDENCE = {
    Evidence.INVOLVEMENT: {"categories", "involvement_types", "revenue_threshold", "ownership"},
    Evidence.COUNTRY_EXPOSURE: {"country_lists", "lookback_years", "ownership"},
    Evidence.SOVEREIGN: {"country_lists"},
    Evidence.ENTITY_LIST: {"entity_lists", "ownership"},
}
_REQUIRED_BY_EVIDENCE = {
    Evidence.INVOLVEMENT: {"categories", "involvement_types", "revenue_threshold"},
    Evidence.COUNTRY_EXPOSURE: {"country_lists", "lookback_years"},
    Evidence.SOVEREIGN: {"country_lists"},
    Evidence.ENTITY_LIST: {"entity_lists"},
}
_REFERENCE_KEYS = {"instrument", "provision", "url", "note"}
_OWNERSHIP_KEYS = {"parent_min_share", "subsidiary_min_share"}
_POLICY_KEYS = {
    "schema_version",
    "id",
    "version",
    "title",
    "description",
    "references",
    "applies_from",
    "applies_until",
    "criteria",
    "notes",
}
_POLICY_ENTRY_KEYS = {
    "criterion",
    "categories",
    "involvement_types",
    "revenue_threshold",
    "ownership",
    "action",
    "country_lists",
    "lookback_years",
    "entity_lists",
}


# --------------------------------------------------------------------------------------------
# YAML with line numbers


class _Document:
    """A parsed YAML document with the line of every key path, for pointing errors at lines."""

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
                path = f"{prefix}.{key.value}" if prefix else str(key.value)
                self.lines[path] = key.start_mark.line + 1
                self._index(value, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, f"{prefix}[{i}]")

    def problem(self, key_path: str, message: str, line: int | None = None) -> None:
        if line is None:
            line = self._line(key_path)
        self.problems.append(RuleProblem(self.name, key_path, message, line))

    def _line(self, key_path: str) -> int | None:
        """The line of `key_path`, or of its nearest parent the file has (a bare list item)."""
        path = key_path
        while path and path not in self.lines:
            parent = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", path)
            path = "" if parent == path else parent
        return self.lines.get(path)


# --------------------------------------------------------------------------------------------
# field readers: each returns the value or None after recording a problem


def _known_keys(doc: _Document, mapping: dict, allowed: set[str], prefix: str) -> None:
    for key in mapping:
        if key not in allowed:
            valid = ", ".join(sorted(allowed))
            doc.problem(_join(prefix, key), f"unknown key {key!r}; valid keys here: {valid}")


def _join(prefix: str, key: object) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _text(doc: _Document, mapping: dict, key: str, prefix: str = "", required: bool = True):
    value = mapping.get(key)
    if value is None:
        if required:
            where = _join(prefix, key) if key in mapping else prefix
            doc.problem(where, f"missing required key {key!r}")
        return None
    if not isinstance(value, str) or not value.strip():
        doc.problem(_join(prefix, key), f"must be non-empty text, got {value!r}")
        return None
    return value.strip()


def _choice(doc: _Document, mapping: dict, key: str, enum: type, prefix: str = ""):
    value = _text(doc, mapping, key, prefix)
    if value is None:
        return None
    try:
        return enum(value)
    except ValueError:
        options = ", ".join(e.value for e in enum)
        doc.problem(_join(prefix, key), f"{value!r} is not one of: {options}")
        return None


def _share(doc: _Document, mapping: dict, key: str, prefix: str = "", required: bool = False):
    if key not in mapping or mapping[key] is None:
        if required:
            doc.problem(prefix, f"missing required key {key!r}")
        return None
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        doc.problem(_join(prefix, key), f"must be a fraction between 0 and 1 (0.05 for 5 %), got {value!r}")
        return None
    return float(value)


def _words(doc: _Document, mapping: dict, key: str, prefix: str = "", required: bool = True):
    if key not in mapping:
        if required:
            doc.problem(prefix, f"missing required key {key!r}")
        return None
    value = mapping[key]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and _ID_RE.match(v) for v in value):
        doc.problem(
            _join(prefix, key),
            f"must be a non-empty list of lower-case identifiers (letters, digits, _), got {value!r}",
        )
        return None
    if len(set(value)) != len(value):
        doc.problem(_join(prefix, key), "lists a value more than once")
    return tuple(value)


def _positive_int(doc: _Document, mapping: dict, key: str, prefix: str = ""):
    if key not in mapping:
        return None
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        doc.problem(_join(prefix, key), f"must be a whole number of at least 1, got {value!r}")
        return None
    return value


def _date(doc: _Document, mapping: dict, key: str, prefix: str = ""):
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        doc.problem(_join(prefix, key), f"must be a date as YYYY-MM-DD, got {value!r}")
        return None


def _references(doc: _Document, mapping: dict, prefix: str = "") -> tuple[Reference, ...]:
    value = mapping.get("references")
    if not isinstance(value, list) or not value:
        doc.problem(
            _join(prefix, "references") if "references" in mapping else prefix,
            "must list at least one legal or normative reference",
        )
        return ()
    refs = []
    for i, item in enumerate(value):
        path = _join(prefix, f"references[{i}]")
        if not isinstance(item, dict):
            doc.problem(path, "each reference is a mapping with instrument, provision, url, note")
            continue
        _known_keys(doc, item, _REFERENCE_KEYS, path)
        instrument = _text(doc, item, "instrument", path)
        provision = _text(doc, item, "provision", path, required=False)
        url = _text(doc, item, "url", path, required=False)
        if url and not url.startswith(("https://", "http://")):
            doc.problem(_join(path, "url"), f"must be an http(s) address, got {url!r}")
        note = _text(doc, item, "note", path, required=False)
        if instrument:
            refs.append(Reference(instrument, provision, url, note))
    return tuple(refs)


def _ownership(doc: _Document, mapping: dict, prefix: str = "") -> Ownership | None:
    if "ownership" not in mapping:
        return None
    value = mapping["ownership"]
    path = _join(prefix, "ownership")
    if not isinstance(value, dict):
        doc.problem(path, "must be a mapping with parent_min_share and/or subsidiary_min_share")
        return None
    _known_keys(doc, value, _OWNERSHIP_KEYS, path)
    return Ownership(
        _share(doc, value, "parent_min_share", path),
        _share(doc, value, "subsidiary_min_share", path),
    )


def _header(doc: _Document, kind: str) -> dict | None:
    """Check the document is a mapping with the right schema_version; return it or None."""
    data = doc.data
    if doc.problems:
        return None
    if not isinstance(data, dict):
        doc.problem("", f"a {kind} file must be a YAML mapping of keys, got {type(data).__name__}")
        return None
    if "schema_version" not in data:
        doc.problem(
            "",
            f"missing required key 'schema_version' (this library reads version {SCHEMA_VERSION})",
        )
        return None
    if data["schema_version"] != SCHEMA_VERSION:
        doc.problem(
            "schema_version",
            f"schema_version {data['schema_version']!r} is not supported; this library reads {SCHEMA_VERSION}",
        )
        return None
    return data


# --------------------------------------------------------------------------------------------
# criteria


def _parse_criterion(doc: _Document) -> Criterion | None:
    data = _header(doc, "criterion")
    if data is None:
        return None
    evidence = _choice(doc, data, "evidence", Evidence)
    allowed = _COMMON_KEYS | (_KEYS_BY_EVIDENCE[evidence] if evidence else set())
    _known_keys(doc, data, allowed, "")
    ident = _text(doc, data, "id")
    if ident and not _ID_RE.match(ident):
        doc.problem("id", f"must be lower-case letters, digits and _, got {ident!r}")
    if ident and doc.path.stem != ident:
        doc.problem("id", f"id {ident!r} must match the file name {doc.path.name!r}")
    version = _text(doc, data, "version")
    if version and not _VERSION_RE.match(version):
        doc.problem("version", f"must look like 1.0 or 1.0.0, got {version!r}")
    fields = {
        "id": ident,
        "version": version,
        "title": _text(doc, data, "title"),
        "basis": _choice(doc, data, "basis", Basis),
        "evidence": evidence,
        "definition": _text(doc, data, "definition"),
        "references": _references(doc, data),
        "action": _choice(doc, data, "action", Action),
        "notes": _text(doc, data, "notes", required=False),
    }
    if evidence:
        for key in sorted(_REQUIRED_BY_EVIDENCE[evidence] - set(data)):
            doc.problem("", f"missing required key {key!r} for evidence {evidence.value!r}")
        present = _KEYS_BY_EVIDENCE[evidence] & set(data)  # other keys were reported as unknown
        for key in ("categories", "involvement_types", "country_lists", "entity_lists"):
            if key in present:
                fields[key] = _words(doc, data, key)
        if "revenue_threshold" in present:
            fields["revenue_threshold"] = _share(doc, data, "revenue_threshold", required=True)
        if "lookback_years" in present:
            fields["lookback_years"] = _positive_int(doc, data, "lookback_years")
        ownership = _ownership(doc, data) if "ownership" in present else None
        if ownership is not None:
            fields["ownership"] = ownership
    if doc.problems:
        return None
    return Criterion(**fields, source_file=doc.name)


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
    criteria: dict[str, Criterion] = {}
    problems: list[RuleProblem] = []
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


def _tighten(doc: _Document, base: Criterion, entry: dict, prefix: str) -> Criterion:
    """Apply a policy entry to a criterion, recording a problem for every loosening."""
    changes: dict[str, Any] = {}
    cid = base.id

    def loosen(key: str, how: str) -> None:
        doc.problem(
            _join(prefix, key),
            f"would loosen criterion {cid!r}: {how}; a policy may only make a criterion stricter",
        )

    def not_applicable(key: str) -> None:
        doc.problem(
            _join(prefix, key),
            f"criterion {cid!r} (evidence {base.evidence.value!r}) has no {key!r} to set",
        )

    allowed_here = _KEYS_BY_EVIDENCE[base.evidence] | {"action"}
    for key in entry:
        if key in _POLICY_ENTRY_KEYS and key not in allowed_here and key != "criterion":
            not_applicable(key)

    if "revenue_threshold" in entry and "revenue_threshold" in allowed_here:
        value = _share(doc, entry, "revenue_threshold", prefix)
        if value is not None and base.revenue_threshold is not None:
            if value > base.revenue_threshold:
                loosen(
                    "revenue_threshold",
                    f"raises the revenue threshold from {base.revenue_threshold:g} to {value:g}",
                )
            changes["revenue_threshold"] = value
    for key in ("categories", "involvement_types", "country_lists", "entity_lists"):
        if key in entry and key in allowed_here:
            value = _words(doc, entry, key, prefix)
            if value is not None:
                missing = [v for v in getattr(base, key) if v not in value]
                if missing:
                    loosen(key, f"drops {', '.join(missing)}")
                old = tuple(getattr(base, key))
                changes[key] = old + tuple(v for v in value if v not in old)
    if "lookback_years" in entry and "lookback_years" in allowed_here:
        value = _positive_int(doc, entry, "lookback_years", prefix)
        if value is not None and base.lookback_years is not None:
            if value < base.lookback_years:
                loosen(
                    "lookback_years",
                    f"shortens the look-back from {base.lookback_years} to {value} years",
                )
            changes["lookback_years"] = value
    if "action" in entry:
        value = _choice(doc, entry, "action", Action, prefix)
        if value is not None:
            if base.action is Action.EXCLUDE and value is Action.WATCH:
                loosen("action", "turns exclude into watch")
            changes["action"] = value
    if "ownership" in entry and "ownership" in allowed_here:
        value = _ownership(doc, entry, prefix)
        if value is not None:
            merged = {}
            for key in ("parent_min_share", "subsidiary_min_share"):
                old = getattr(base.ownership, key)
                new = getattr(value, key)
                given = entry["ownership"]
                removed = key in given and given[key] is None
                if key not in given or (new is None and not removed):  # absent, or invalid
                    merged[key] = old
                elif old is not None and (removed or new > old):
                    how = (
                        f"removes the ownership share of {old:g}"
                        if new is None
                        else f"raises the ownership share from {old:g} to {new:g}"
                    )
                    loosen(f"ownership.{key}", how)
                    merged[key] = old
                else:
                    merged[key] = new
            changes["ownership"] = Ownership(**merged)
    return _replace(base, changes)


def _replace(base: Criterion, changes: dict[str, Any]) -> Criterion:
    return replace(base, **changes) if changes else base


def _parse_policy(doc: _Document, catalogue: dict[str, Criterion]) -> Policy | None:
    data = _header(doc, "policy")
    if data is None:
        return None
    _known_keys(doc, data, _POLICY_KEYS, "")
    ident = _text(doc, data, "id")
    if ident and not _ID_RE.match(ident):
        doc.problem("id", f"must be lower-case letters, digits and _, got {ident!r}")
    if ident and doc.path.stem != ident:
        doc.problem("id", f"id {ident!r} must match the file name {doc.path.name!r}")
    version = _text(doc, data, "version")
    if version and not _VERSION_RE.match(version):
        doc.problem("version", f"must look like 1.0 or 1.0.0, got {version!r}")
    applies_from = _date(doc, data, "applies_from")
    applies_until = _date(doc, data, "applies_until")
    if applies_from and applies_until and applies_from > applies_until:
        doc.problem("applies_until", f"{applies_until} is before applies_from {applies_from}")
    entries = data.get("criteria")
    chosen: list[Criterion] = []
    if not isinstance(entries, list) or not entries:
        doc.problem("criteria" if "criteria" in data else "", "must list at least one criterion")
        entries = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        path = f"criteria[{i}]"
        if isinstance(entry, str):
            entry = {"criterion": entry}
        if not isinstance(entry, dict):
            doc.problem(
                path,
                "each entry is a criterion id or a mapping with 'criterion' and stricter settings",
            )
            continue
        _known_keys(doc, entry, _POLICY_ENTRY_KEYS, path)
        cid = _text(doc, entry, "criterion", path)
        if cid is None:
            continue
        if cid in seen:
            doc.problem(_join(path, "criterion"), f"criterion {cid!r} is listed twice")
            continue
        seen.add(cid)
        if cid not in catalogue:
            known = ", ".join(sorted(catalogue))
            doc.problem(_join(path, "criterion"), f"unknown criterion {cid!r}; known criteria: {known}")
            continue
        chosen.append(_tighten(doc, catalogue[cid], entry, path))
    fields = dict(
        id=ident,
        version=version,
        title=_text(doc, data, "title"),
        description=_text(doc, data, "description"),
        references=_references(doc, data),
        applies_from=applies_from,
        applies_until=applies_until,
        notes=_text(doc, data, "notes", required=False),
    )
    if doc.problems:
        return None
    return Policy(**fields, criteria=tuple(chosen), source_file=doc.name)


def shipped_policies() -> dict[str, Policy]:
    """The policies that ship with exclusionscreen, by id."""
    catalogue = shipped_criteria()
    folder = bundled_dir("criteria") / "policies"
    policies, problems = {}, []
    for path in sorted(folder.glob("*.yaml")):
        doc = _Document(path)
        policy = _parse_policy(doc, catalogue)
        problems.extend(doc.problems)
        if policy is not None:
            policies[policy.id] = policy
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
            names = ", ".join(sorted(p.stem for p in shipped.parent.glob("*.yaml")))
            message = f"no shipped policy of that name; shipped policies: {names}"
            raise RuleFileError([RuleProblem(str(name_or_path), "", message)])
        path = shipped
    if not path.is_file():
        raise RuleFileError([RuleProblem(str(path), "", "no such file")])
    doc = _Document(path)
    policy = _parse_policy(doc, catalogue)
    if policy is None:
        raise RuleFileError(doc.problems)
    return policy


def _kind(path: Path, data: Any) -> str:
    if isinstance(data, dict) and "criteria" in data:
        return "policy"
    return "criterion"


def validate_rule_files(paths: Iterable[str | Path], *, criteria_dir: str | Path | None = None) -> list[RuleProblem]:
    """Check criterion and policy files (or folders of them); return every problem found.

    A policy's criteria are looked up among the criterion files given, then in `criteria_dir`
    (default: the shipped catalogue).
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
    catalogue: dict[str, Criterion] = {}
    policy_docs: list[_Document] = []
    for doc in docs:
        if doc.problems:
            problems.extend(doc.problems)
            continue
        if _kind(doc.path, doc.data) == "policy":
            policy_docs.append(doc)
            continue
        criterion = _parse_criterion(doc)
        problems.extend(doc.problems)
        if criterion is not None:
            catalogue[criterion.id] = criterion
    if policy_docs:
        base = load_catalogue(criteria_dir) if criteria_dir is not None else _shipped_or_empty()
        base.update(catalogue)
        for doc in policy_docs:
            _parse_policy(doc, base)
            problems.extend(doc.problems)
    return problems


def _shipped_or_empty() -> dict[str, Criterion]:
    try:
        return shipped_criteria()
    except (RuleFileError, FileNotFoundError):
        return {}
