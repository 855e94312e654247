"""What the commands print, and how: every line goes through :func:`clean` on its way to the terminal.

Text printed by the CLI often comes from the user's files (file names, security names, column
headers, cells quoted in an error). A terminal obeys escape sequences in that text: it could
recolour or clear the screen, rewrite the window title, move the cursor back over a warning, or
(``\\r``) overwrite a line with another. :func:`clean` removes them, so a file shows as text.

Library errors speak to Python callers (``column_map=``, ``as_of:``); :func:`error_text` says the
same to a CLI user in the option's words (``--map``, ``--as-of``) and keeps it short, pointing to
``--verbose`` for the full list of problems.
"""

from __future__ import annotations

import re

import typer

__all__ = ["clean", "cli_words", "echo", "error_text", "fail"]

# escape sequences, removed whole: CSI (ESC [ or the C1 byte 0x9b, parameters, one final byte);
# OSC, DCS, SOS, PM and APC strings (ESC ] P X ^ _ or their C1 bytes, up to BEL or the string
# terminator ESC \ or 0x9c, or to the end of the text when unterminated); any other ESC + one byte
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]?"
)
# what is left of the C0 and C1 control characters (not newline and tab), DEL, and the Unicode
# controls that reorder or hide text on screen (bidirectional overrides and isolates)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: an error longer than this many lines shows its first lines and a count (all with --verbose)
MAX_LINES = 12
#: and a line longer than this many characters is cut, with a count of what was left out
MAX_LINE = 600
_KEEP_END = 160

# library wording -> CLI wording: arguments of Python functions named as the options that set them
_OPTION_WORDS: list[tuple[re.Pattern, str]] = [
    (
        re.compile(r"Pass column_map=\{'<your column>': '<canonical>'\} to map columns by hand\."),
        "Map a column by hand with --map 'YOUR COLUMN=CANONICAL', e.g. --map 'Kennung=isin'.",
    ),
    (re.compile(r"\bcolumn_map\b(=\S*)?"), "--map"),
    (re.compile(r"\bportfolio_id\b(?=[:=])=?"), "--portfolio-id"),
    (re.compile(r"\bpass as_of\b"), "give --as-of"),
    (re.compile(r"^as_of:", re.MULTILINE), "--as-of:"),
    (re.compile(r"\bmatch_threshold\b"), "--match-threshold"),
    (re.compile(r"\breview_threshold\b"), "--review-threshold"),
    (re.compile(r"\bpath_or_paths:"), "HOLDINGS:"),
    (re.compile(r"(?<=valid: )(.*), or None to ignore"), r"\1, or nothing to ignore the column ('SOURCE=')"),
    (re.compile(r"\binclude_bundled=False\b"), "--no-bundled-lists"),
    (re.compile(r"\ball_holdings=True\b"), "--holdings-in-workbook"),
]
# the alias list of the no-identifier error: long, and only needed when mapping by hand
_ALIASES = re.compile(r" Aliases tried: (?P<list>.*?\.)(?= Map a column| Pass column_map|$)", re.DOTALL)


def clean(text: object) -> str:
    """`text` without terminal escape sequences and control characters (newline and tab are kept)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", str(text)))


def echo(text: object = "", *, err: bool = False) -> None:
    """Print `text`, cleaned, on standard output (standard error with `err`)."""
    typer.echo(clean(text), err=err)


def cli_words(text: str) -> str:
    """`text` of a library error or warning with Python argument names replaced by the CLI's options."""
    for pattern, words in _OPTION_WORDS:
        text = pattern.sub(words, text)
    return text


def error_text(exc: BaseException | str, *, verbose: bool = False) -> str:
    """The message of `exc` for a CLI user: in the options' words, cleaned, and (unless `verbose`)
    at most :data:`MAX_LINES` lines of at most about :data:`MAX_LINE` characters (the middle of a
    longer line is left out), with a count of what was left out."""
    text = cli_words(str(exc))
    if not verbose:
        aliases = _ALIASES.search(text)
        if aliases:
            count = aliases["list"].count(",") + aliases["list"].count(";") + 1
            tried = f" ({count} known column names were tried: --verbose lists them.)"
            text = text[: aliases.start()] + tried + text[aliases.end() :]
    text = clean(text)
    if verbose:
        return text
    lines = text.split("\n")
    shown = []
    for line in lines[:MAX_LINES]:
        if len(line) > MAX_LINE:  # the start says what is wrong, the end often what to do
            cut = len(line) - MAX_LINE
            line = (
                f"{line[: MAX_LINE - _KEEP_END]} [... {cut:,} characters: --verbose shows them ...] {line[-_KEEP_END:]}"
            )
        shown.append(line)
    if len(lines) > MAX_LINES:
        shown.append(f"... and {len(lines) - MAX_LINES:,} more line(s): run with --verbose to see them all")
    return "\n".join(shown)


def fail(exc: BaseException | str, *, verbose: bool = False, code: int = 1) -> typer.Exit:
    """Print ``error: <message>`` on standard error; the exit to raise (``raise fail(exc) from None``)."""
    echo(f"error: {error_text(exc, verbose=verbose)}", err=True)
    return typer.Exit(code)
