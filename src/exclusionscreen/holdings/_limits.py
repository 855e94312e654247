"""How much a holdings file may hold before reading it stops: :class:`ReadLimits`.

A small file can declare a huge table (a cell at XFD1048576, a line of 100,000 fields, one long
string that ten thousand cells point at, a sheet that inflates five hundred times). The readers
keep only the cells that hold something and check these limits while they read, so memory stays
a small multiple of what the file really holds. Each limit, when hit, is an
:class:`~exclusionscreen.errors.InputFileError` that names the file and the limit; pass
``limits=ReadLimits(...)`` to :func:`~exclusionscreen.holdings.load_holdings` to raise it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["DEFAULT_LIMITS", "ReadLimits", "limit_note"]


@dataclass(frozen=True, kw_only=True)
class ReadLimits:
    """The most a holdings file may hold; every field can be raised for a file that needs it."""

    max_columns: int = 1_024
    """Columns of the widest row that holds something (cells at the right that are empty do not count)."""
    max_cells: int = 5_000_000
    """Cells that hold something, in a file (all sheets together); also the most cells of the
    rectangle a sheet or CSV becomes (rows down to the last that holds something, times columns)."""
    max_cell_chars: int = 32_767
    """Characters in one cell or CSV field (Excel's own limit for a cell)."""
    max_text_chars: int = 100_000_000
    """Characters of all cells of a file together, a shared string counted each time a cell uses it."""
    max_inflated: int = 256 * 1024 * 1024
    """Bytes all parts of a workbook decompress to together, as the archive declares them."""
    max_ratio: int = 100
    """How many times its stored size a workbook part over 1 MiB may decompress to."""
    max_parts: int = 10_000
    """Parts (files inside the zip archive) of a workbook."""

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"ReadLimits.{item.name}: expected a positive whole number, got {value!r}")


def limit_note(name: str, value: int) -> str:
    """How a limit is named in an error: which field, its value, and how to raise it."""
    return f"limit ReadLimits.{name}={value:,}; pass load_holdings(..., limits=ReadLimits({name}=...)) to raise it"


DEFAULT_LIMITS = ReadLimits()
"""The limits used when none are given."""
