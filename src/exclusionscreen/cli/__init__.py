"""The ``exclusionscreen`` command. Each command loads, calls the library, prints, and exits.

Exit codes: 0 when the command ran, 1 when an input was invalid (the message names the file, row
or key), 2 on a usage error.
"""

from __future__ import annotations

import io
import signal
import sys
from importlib.metadata import PackageNotFoundError, version

import typer

from . import criteria as _criteria
from . import holdings as _holdings
from . import lists as _lists
from . import screen as _screen
from .terminal import echo

app = typer.Typer(
    name="exclusionscreen",
    help="Screen portfolio holdings against weapons-related exclusion criteria.",
    epilog="Examples: exclusionscreen demo --out demo/; exclusionscreen screen q3/ --universe reference/ "
    "--policy broad --as-of 2026-09-30 --out 2026Q3_exclusions.xlsx",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        try:
            number = version("exclusionscreen")
        except PackageNotFoundError:  # a bare source tree, not installed
            number = "unknown"
        echo(f"exclusionscreen {number}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Screen portfolio holdings against weapons-related exclusion criteria."""


app.add_typer(_criteria.app, name="criteria")
app.add_typer(_holdings.app, name="holdings")
app.add_typer(_lists.app, name="lists")
app.command("screen")(_screen.screen)
app.command("demo")(_screen.demo)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM and SIGHUP end the run as Ctrl-C does, so that the writers remove their temporary files."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point of the console script and of ``python -m exclusionscreen``.

    Usage errors (an unknown option, a file that does not exist) are printed here rather than by
    the option parser, so that they too go through :func:`.terminal.clean`: a file name given on
    the command line may hold terminal escape sequences.
    """
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):  # SIGHUP is not on Windows
            signal.signal(getattr(signal, name), _terminate)
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if show is None:
            raise
        buffer = io.StringIO()
        show(file=buffer)
        echo(buffer.getvalue().rstrip("\n"), err=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except typer.Abort:
        echo("Aborted!", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
