"""``exclusionscreen criteria``: list, show and validate criterion and policy files."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer

from ..display import criterion_text, policy_text
from ..errors import RuleFileError
from ..rulefiles import load_policy, shipped_criteria, shipped_policies, validate_rule_files
from .terminal import echo, error_text

app = typer.Typer(
    help="List, show and validate criteria and policies.",
    epilog="Examples: exclusionscreen criteria list; exclusionscreen criteria show broad; "
    "exclusionscreen criteria validate my_policy.yaml",
    no_args_is_help=True,
)


@app.command("list")
def list_criteria() -> None:
    """List the shipped criteria and policies.

    Example: exclusionscreen criteria list
    """
    try:
        criteria = shipped_criteria()
        policies = shipped_policies()
    except RuleFileError as exc:
        echo(error_text(exc), err=True)
        raise typer.Exit(1) from None
    echo(f"Criteria ({len(criteria)}):")
    width = max(len(c) for c in criteria)
    for c in criteria.values():
        threshold = f"  [{c.threshold_text}]" if c.threshold_text else ""
        echo(f"  {c.id:<{width}}  v{c.version}  {c.basis.value:<7}  {c.action.value:<7}  {c.title}{threshold}")
    echo(f"\nPolicies ({len(policies)}):")
    width = max(len(p) for p in policies)
    for p in policies.values():
        dates = ""
        if p.applies_from or p.applies_until:
            dates = f"  (applies {p.applies_from or '...'} to {p.applies_until or '...'})"
        echo(f"  {p.id:<{width}}  v{p.version}  {len(p.criteria):>2} criteria  {p.title}{dates}")


@app.command("show")
def show(ident: str = typer.Argument(..., metavar="ID", help="A criterion or policy id.")) -> None:
    """Show one criterion or policy in full.

    Examples: exclusionscreen criteria show cluster_munitions;
    exclusionscreen criteria show broad
    """
    try:
        criteria = shipped_criteria()
        if ident in criteria:
            echo(criterion_text(criteria[ident]))
            return
        close = difflib.get_close_matches(ident, list(criteria), n=1)
        if close and not Path(ident).suffix:
            echo(f"error: no criterion or policy {ident!r}; did you mean {close[0]}?", err=True)
            raise typer.Exit(1)
        echo(policy_text(load_policy(ident)))
    except RuleFileError as exc:
        echo(error_text(exc), err=True)
        raise typer.Exit(1) from None


@app.command("validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Criterion or policy files, or folders of them.")],
    criteria_dir: Annotated[
        Path | None,
        typer.Option("--criteria-dir", help="Where a policy's criteria are looked up (default: shipped)."),
    ] = None,
) -> None:
    """Check rule files; print every problem with its file, line and key path.

    Exits 1 when any file has a problem.

    Example: exclusionscreen criteria validate my_criteria/ my_policy.yaml
    """
    try:
        problems = validate_rule_files(paths, criteria_dir=criteria_dir)
    except RuleFileError as exc:
        problems = exc.problems
    for problem in problems:
        echo(str(problem), err=True)
    if problems:
        echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(1)
    echo(f"OK: {len(paths)} path(s) checked, no problems.")
