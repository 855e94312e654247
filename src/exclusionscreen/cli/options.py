"""What the commands share: options read the same way by each."""

from __future__ import annotations

import typer

__all__ = ["parse_column_map"]


def parse_column_map(pairs: list[str] | None) -> dict[str, str | None] | None:
    """``--map SOURCE=CANONICAL`` options as a column map for ``load_holdings`` (None when there are
    none); ``SOURCE=`` maps a column to None, which ignores it."""
    mapping: dict[str, str | None] = {}
    for pair in pairs or []:
        source, sep, target = pair.rpartition("=")
        if not sep or not source.strip():
            raise typer.BadParameter(f"{pair!r}: expected SOURCE=CANONICAL, e.g. 'Wertpapier=isin'")
        mapping[source.strip()] = target.strip() or None
    return mapping or None
