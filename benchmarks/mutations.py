"""Mutation check of the core rules: does the test suite notice when a rule is broken?

Each mutation below changes one rule of the package in a small way that a careless edit could
make (``<`` for ``<=``, a threshold off by one, a branch dropped). For each, the script copies the
package to a temporary folder, applies the change to the copy, runs the tests that cover the rule
against the copy and reports whether they fail (the mutation is *killed*) or pass (it *survives*:
the rule is not pinned by any test). The working tree is never changed.

    .venv/bin/python benchmarks/mutations.py [--only NAME ...] [--list]

It prints one line per mutation and a total; the goal is 0 surviving. A mutation whose text is no
longer found in the code is reported as *stale* (the code moved: update the mutation).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "exclusionscreen"


@dataclass(frozen=True)
class Mutation:
    """One broken rule: in `file` (relative to the package), `old` (found exactly once) becomes `new`."""

    name: str
    area: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTATIONS: list[Mutation] = []


def _copy_tree(target: Path) -> Path:
    """A copy of what the package needs to run from a source tree: src, criteria, sample data, pyproject."""
    shutil.copytree(ROOT / "src", target / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("criteria", "sample_portfolios"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target / "src" / "exclusionscreen"


def _apply(package: Path, mutation: Mutation) -> bool:
    path = package / mutation.file
    text = path.read_text(encoding="utf-8")
    if text.count(mutation.old) != 1:
        return False
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
    return True


def run(mutation: Mutation, python: str) -> tuple[str, float]:
    """'killed', 'survived' or 'stale', and the seconds the tests took."""
    with tempfile.TemporaryDirectory(prefix="exclusionscreen-mutant-") as tmp:
        package = _copy_tree(Path(tmp))
        if not _apply(package, mutation):
            return "stale", 0.0
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *mutation.tests]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        took = time.perf_counter() - start
        return ("survived" if done.returncode == 0 else "killed"), took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="run only the mutations with these names")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    if args.list:
        for m in chosen:
            print(f"{m.area:<14} {m.name:<44} {m.file}")
        return 0
    counts = {"killed": 0, "survived": 0, "stale": 0}
    print(f"{len(chosen)} mutations of the core rules, each against the tests that cover it\n")
    for m in chosen:
        outcome, took = run(m, sys.executable)
        counts[outcome] += 1
        print(f"{outcome:<9} {m.area:<14} {m.name:<44} {took:6.1f} s")
    print(f"\n{counts['killed']} killed, {counts['survived']} surviving, {counts['stale']} stale")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
