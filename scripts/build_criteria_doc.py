"""Write docs/criteria.md from the shipped criterion and policy files.

Run from the repository root after editing anything under criteria/:

    .venv/bin/python scripts/build_criteria_doc.py

With ``--check`` nothing is written; the exit code is 1 when docs/criteria.md is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exclusionscreen.criteria_doc import render_criteria_markdown
from exclusionscreen.rulefiles import shipped_criteria, shipped_policies

DOC = Path(__file__).resolve().parents[1] / "docs" / "criteria.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the page is current")
    args = parser.parse_args(argv)
    text = render_criteria_markdown(shipped_criteria(), shipped_policies())
    current = DOC.read_text(encoding="utf-8") if DOC.is_file() else None
    if args.check:
        if current != text:
            print(f"{DOC.name} is out of date; run scripts/build_criteria_doc.py", file=sys.stderr)
            return 1
        print(f"{DOC.name} is up to date")
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {DOC.relative_to(DOC.parents[1])} ({len(shipped_criteria())} criteria)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
