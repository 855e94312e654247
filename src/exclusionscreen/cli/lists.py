"""``exclusionscreen lists``: check the reference lists against their invariants."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputFileError
from ..reference import assert_lists_valid
from .terminal import echo, error_text

app = typer.Typer(
    help="Check the bundled reference lists (or a folder holding lists of the same layout).",
    epilog="Examples: exclusionscreen lists check; exclusionscreen lists check --data my_lists/",
    no_args_is_help=True,
)


@app.command("check")
def check(
    data: Annotated[
        Path | None,
        typer.Option(help="folder with country_lists.csv, entity_lists.csv and list_editions.csv (default: shipped)"),
    ] = None,
) -> None:
    """Check that every listing is sourced, half-open, closed by an edition or notice, and never overlaps.

    Example: exclusionscreen lists check
    """
    try:
        rows = assert_lists_valid(data)
    except InputFileError as exc:
        echo(error_text(exc), err=True)
        raise typer.Exit(1) from None
    echo(f"ok: {rows} rows of country and entity lists meet every invariant")
