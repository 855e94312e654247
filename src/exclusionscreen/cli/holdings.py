"""``exclusionscreen holdings``: read holdings files and report how every row was read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ExclusionScreenError
from ..holdings import load_holdings
from .options import parse_column_map
from .terminal import cli_words, echo, fail

app = typer.Typer(
    help="Read holdings files and report how they were read.",
    epilog="Example: exclusionscreen holdings inspect q3/fund_a.xlsx q3/fund_b.csv",
    no_args_is_help=True,
)


@app.command("inspect")
def inspect(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="CSV, XLSX or Parquet files.")],
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The workbook sheet to read (name or 0-based number).")
    ] = None,
    portfolio_id: Annotated[
        str | None,
        typer.Option("--portfolio-id", help="One portfolio id for all files (default: each file's name)."),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="SOURCE=CANONICAL",
            help="Map a column by hand, e.g. --map 'Kennung=isin'; 'SOURCE=' ignores a column.",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print errors in full.")] = False,
) -> None:
    """Print where the table was found in each file, how its columns were mapped, the as-of
    date, number format and weight scale assumed, and every row that is not a holding, with
    the reason.

    Exits 1, naming the file, when a file cannot be read.

    Example: exclusionscreen holdings inspect IVV_holdings.csv spy_holdings.xlsx --sheet holdings
    """
    try:
        _, report = load_holdings(
            files,
            portfolio_id=portfolio_id,
            column_map=parse_column_map(column),
            sheet=sheet,
            progress=False,
        )
    except ExclusionScreenError as exc:
        raise fail(exc, verbose=verbose) from None
    echo(cli_words(str(report)))
