"""Reading a rule file's YAML: plain data only, and every refusal with its file and line.

On top of the safe loader (no tags that build Python objects, no code run), a rule file may not
hold what it never needs and what turns a small file into a large or a wrong one:

- anchors and aliases (``&name``, ``*name``): an alias bomb of a kilobyte expands to billions of
  items, and ``&r [x, *r]`` is a list that holds itself. The events are scanned before anything
  is built, so neither is ever expanded;
- a key given twice in one mapping: YAML keeps the last silently, which drops the first list;
- a date that does not exist (``applies_from: 2026-02-30``);
- nesting deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import RuleFileError, RuleProblem

__all__ = ["MAX_DEPTH", "load_yaml"]

MAX_DEPTH = 100
"""How deeply lists and mappings may nest in a rule file."""

# libyaml's parser where the build has it (same rules as yaml.safe_load, faster)
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Refused(Exception):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message, self.line = message, line


def _line(mark: yaml.Mark | None) -> int | None:
    return mark.line + 1 if mark is not None else None


class _Loader(_BASE):
    """The safe loader, refusing duplicate keys and dates that do not exist."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first: dict[Any, int | None] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                seen = key in first
            except TypeError:
                raise _Refused(
                    f"a mapping key must be plain text, got {key_node.value!r}", _line(key_node.start_mark)
                ) from None
            if seen:
                raise _Refused(
                    f"duplicate key {key!r} (first given on line {first[key]}); YAML would keep only the last",
                    _line(key_node.start_mark),
                )
            first[key] = _line(key_node.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise _Refused(f"{node.value!r} is not a valid date ({exc})", _line(node.start_mark)) from None


_Loader.add_constructor(_TIMESTAMP, _Loader.construct_yaml_timestamp)


def _scan(text: str) -> None:
    """Refuse anchors, aliases and deep nesting from the event stream, before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_BASE):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                "anchors and aliases (&name, *name) are not allowed in rule files; write the values out",
                _line(event.start_mark),
            )
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(f"lists and mappings nest more than {MAX_DEPTH} deep", _line(event.start_mark))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def load_yaml(text: str, name: str) -> tuple[Any, yaml.Node | None]:
    """The data of one YAML document and its node tree (for the line of every key).

    Raises :class:`RuleFileError` with one problem naming `name` and the line for invalid YAML,
    an anchor or alias, a duplicate key, a date that does not exist or too deep a nesting.
    """
    try:
        _scan(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except _Refused as exc:
        raise RuleFileError([RuleProblem(name, "", exc.message, exc.line)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleFileError([RuleProblem(name, "", f"not valid YAML: {problem}", _line(mark))]) from None
    return data, node
