"""Hostile rule files: each one clear RuleFileError with file and line, within time and memory."""

from __future__ import annotations

import pytest

from exclusionscreen import load_criterion
from exclusionscreen.errors import RuleFileError

from . import sandbox


def _bomb(levels: int = 12) -> str:
    """The YAML "billion laughs": each level a list of nine aliases of the level before."""
    lines = ["schema_version: 1", 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


BOMB = _bomb()
CASES = {
    "bomb.yaml": (BOMB, 2, "anchors and aliases (&name, *name) are not allowed"),
    "recursive.yaml": ("schema_version: 1\nr: &r [x, *r]\n", 2, "anchors and aliases"),
    "bad_date.yaml": (
        "schema_version: 1\nid: x\nreferences:\n  - instrument: Act\n    applies_from: 2026-02-30\n",
        5,
        "'2026-02-30' is not a valid date (day is out of range for month)",
    ),
    "duplicate.yaml": (
        "schema_version: 1\nid: x\ncriteria:\n  - a\ncriteria:\n  - b\n",
        5,
        "duplicate key 'criteria' (first given on line 3)",
    ),
    "deep.yaml": ("schema_version: 1\nx: " + "[" * 150 + "]" * 150 + "\n", 2, "nest more than 100 deep"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_clear_error_with_file_and_line(tmp_path, name):
    text, line, message = CASES[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert len(text) < 2_000
    with pytest.raises(RuleFileError) as caught:
        load_criterion(path)
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (str(path), line)
    assert message in problem.message


def test_the_alias_bomb_in_a_sandbox(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")  # 9**12 strings once expanded
    outcome = sandbox.run("es.load_criterion(call)", str(path))
    assert outcome.error == "RuleFileError" and f"{path}:2:" in outcome.message, outcome
    assert outcome.seconds < 10 and outcome.peak_mib < 600
