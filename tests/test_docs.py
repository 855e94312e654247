"""The user documentation keeps up with the code: every contract column and every CLI option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import typer

from exclusionscreen.cli import app
from exclusionscreen.contracts import CONTRACTS

DOCS = Path(__file__).resolve().parents[1] / "docs"
_TYPES = {"text": "string", "float": "float64", "date": "datetime64", "integer": "Int64", "boolean": "boolean"}


def _sections(text: str) -> dict[str, str]:
    """The text under each '### Title' heading, up to the next heading."""
    parts = re.split(r"^(#{1,3}) (.+)$", text, flags=re.MULTILINE)
    return {parts[i + 1].strip(): parts[i + 2] for i in range(1, len(parts) - 2, 3) if parts[i] == "###"}


def _documented(section: str) -> dict[str, tuple[str, str]]:
    """column -> (type, required) from the rows of a section's table whose first cell is `column`."""
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z_0-9]+)` \| ([^|]*) \| ([^|]*) \|", line)
        if match:
            rows[match.group(1)] = (match.group(2).strip(), match.group(3).strip())
    return rows


@pytest.fixture(scope="module")
def data_model() -> dict[str, str]:
    return _sections((DOCS / "data-model.md").read_text(encoding="utf-8"))


def _expected(model) -> dict[str, tuple[str, bool]]:
    return {name: (str(col.dtype), not col.nullable) for name, col in model.to_schema().columns.items()}


@pytest.mark.parametrize("key", sorted(CONTRACTS))
def test_every_contract_column_is_documented_with_its_type_and_whether_it_is_required(key, data_model):
    model = CONTRACTS[key]
    assert model.__name__ in data_model, f"docs/data-model.md has no '### {model.__name__}' section"
    documented = _documented(data_model[model.__name__])
    # a contract that extends another documents only its own columns; the parent's section covers the rest
    parents = [base for base in model.__mro__[1:] if base in CONTRACTS.values()]
    inherited = {}
    for parent in parents:
        inherited.update(_documented(data_model[parent.__name__]))
    expected = _expected(model)
    own = {name: spec for name, spec in expected.items() if not any(name in _expected(p) for p in parents)}

    missing = sorted(set(expected) - set(documented) - set(inherited))
    assert not missing, f"{model.__name__}: columns missing from docs/data-model.md: {missing}"
    stale = sorted(set(documented) - set(own))
    assert not stale, f"{model.__name__}: docs/data-model.md documents columns the contract lacks: {stale}"
    for name, (dtype, required) in own.items():
        doc_type, doc_required = documented[name]
        assert doc_required == ("yes" if required else "no"), f"{model.__name__}.{name}: required is {required}"
        assert dtype.startswith(_TYPES[doc_type]), f"{model.__name__}.{name}: type {dtype}, documented {doc_type}"


def test_the_parser_finds_a_table_row():
    section = "| column | type | required |\n|---|---|---|\n| `isin` | text | no | | ISIN |\n"
    assert _documented(section) == {"isin": ("text", "no")}


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, path)
        else:
            yield path, command


def test_every_cli_command_and_option_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    commands = list(_commands(root))
    assert len(commands) >= 6
    for path, command in commands:
        title = "exclusionscreen " + " ".join(path)
        assert f"## `{title}`" in text, f"docs/cli.md has no section for {title}"
        section = text.split(f"## `{title}`", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            if param.param_type_name != "option" or param.name == "help":
                continue
            for opt in param.opts:
                assert f"`{opt}" in section, f"{title}: option {opt} is not documented in docs/cli.md"


def test_documented_statuses_match_the_vocabulary():
    from exclusionscreen.vocabulary import Status

    text = (DOCS / "methodology.md").read_text(encoding="utf-8")
    assert "\n## Statuses\n" in text
    statuses = text.split("\n## Statuses\n", 1)[1].split("\n## ", 1)[0]
    for status in Status:
        assert f"`{status.value}`" in statuses, f"status {status.value} is not described in docs/methodology.md"


def test_data_model_types_are_known():
    # the type words the page uses are the ones the test maps to dtypes
    for section in _sections((DOCS / "data-model.md").read_text(encoding="utf-8")).values():
        for doc_type, _ in _documented(section).values():
            assert doc_type in _TYPES, f"unknown type word {doc_type!r} in docs/data-model.md"


def test_frames_round_trip_through_validate():
    # the page promises that validate adds missing optional columns and keeps extra ones
    from exclusionscreen.contracts import Securities, validate

    out = validate(pd.DataFrame({"isin": ["XS0000000009"], "issuer_id": ["a"], "desk": ["x"]}), Securities)
    assert list(out.columns) == [*Securities.to_schema().columns, "desk"]
