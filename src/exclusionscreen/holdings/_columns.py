"""Reading the columns of a located table into holdings columns, one kind of column at a time.

Each reader takes the :class:`Columns` of a table (its cells, the rows that are holdings, which
grid column holds which canonical column) and returns new columns plus what it has to say
(warnings); none of them changes its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._fast import distinct_rows
from ..identifiers import IDENTIFIER_COLUMNS, normalise_identifiers
from ._assets import NOT_SCREENABLE, asset_class_from_name, normalise_asset_class
from ._countries import country_codes
from ._dates import find_as_of, parse_dates
from ._ids import identifier_text, split_by_shape
from ._numbers import (
    MISSING_TOKENS,
    SPACE,
    NumberFormat,
    ParsedNumbers,
    parse_numbers,
    weight_scale,
)

__all__ = [
    "Columns",
    "as_of_column",
    "asset_classes",
    "check_identifiers",
    "countries",
    "identifiers",
    "numbers",
    "parse_number_columns",
    "portfolios",
    "texts",
]

_EXAMPLES = 3
_CODES = ("isin", "cusip", "sedol", "lei")


@dataclass(frozen=True, eq=False)
class Columns:
    """A table's cells, the holding rows (`keep`), their row numbers and the mapped columns."""

    cells: pd.DataFrame
    keep: pd.Series
    rows: pd.Series
    names: dict[int, str]
    positions: dict[str, int]  # canonical -> grid column
    warnings: list[str] = field(default_factory=list)

    def has(self, canonical: str) -> bool:
        return canonical in self.positions

    def raw(self, canonical: str) -> pd.Series:
        """The cells of the holding rows in a canonical column, as the file holds them."""
        return self.cells.loc[self.keep, self.positions[canonical]]

    def name(self, canonical: str) -> str:
        return self.names[self.positions[canonical]]

    def examples(self, values: pd.Series) -> str:
        """'row 12: 'abc', ...' for the first few of `values` (indexed like the cells)."""
        pairs = list(zip(self.rows[values.index].head(_EXAMPLES), values.head(_EXAMPLES), strict=True))
        more = f" (+{len(values) - _EXAMPLES} more)" if len(values) > _EXAMPLES else ""
        return ", ".join(f"row {r}: {v!r}" for r, v in pairs) + more


def clean_text(values: pd.Series, upper: bool = False) -> pd.Series:
    """Stripped text with inner runs of spaces collapsed; placeholders such as "-" missing."""
    text = values.astype("string").str.strip().str.replace(SPACE + "+", " ", regex=True)
    text = text.mask(text.str.lower().isin(MISSING_TOKENS - {"na"}) | (text == ""))
    return text.str.upper() if upper else text


def texts(table: Columns) -> dict[str, pd.Series]:
    """Name, exchange and sector as given; ticker and currency upper-cased."""
    present = [c for c in ("security_name", "exchange", "sector", "ticker", "currency") if table.has(c)]
    if not present:
        return {}
    index = table.cells.index[table.keep]
    cleaned = clean_text(pd.concat([table.raw(c) for c in present], ignore_index=True))
    out = {}
    for i, canonical in enumerate(present):
        column = pd.Series(cleaned.iloc[i * len(index) : (i + 1) * len(index)].to_numpy(), index=index, dtype="string")
        out[canonical] = column.str.upper() if canonical in ("ticker", "currency") else column
    return out


def portfolios(table: Columns, default: str, from_file: bool) -> pd.Series:
    """Each holding's portfolio: the file's portfolio column where allowed, else `default`."""
    index = table.cells.index[table.keep]
    if from_file and table.has("portfolio_id"):
        return clean_text(table.raw("portfolio_id")).fillna(default)
    return pd.Series(default, index=index, dtype="string")


def identifiers(table: Columns) -> tuple[dict[str, pd.Series], dict[str, str]]:
    """ISIN, CUSIP, SEDOL and LEI text; a mixed identifier column sorted by value shape.

    Returns the columns and, for a mixed column, how its mapping is to be described.
    """
    out: dict[str, pd.Series] = {}
    for canonical in (*_CODES, "identifier"):
        if table.has(canonical):
            values, restored = identifier_text(table.raw(canonical), canonical)
            out[canonical] = values
            if restored:
                table.warnings.append(
                    f"{restored} {canonical} value(s) stored as numbers had lost leading zeros; "
                    "restored where the check digit confirms"
                )
    if "identifier" not in out:
        return out, {}
    parts, unknown = split_by_shape(out["identifier"])
    for kind, values in parts.items():
        out[kind] = out[kind].fillna(values) if kind in out else values
    source = table.name("identifier")
    if unknown.notna().any():
        bad = unknown.dropna()
        table.warnings.append(
            f"column {source!r}: {len(bad)} value(s) are no ISIN, CUSIP, SEDOL or LEI; kept in "
            f"column 'identifier': {table.examples(bad)}"
        )
    kinds = " / ".join(parts) or "no known identifier"
    return out, {source: f"{kinds} (by the shape of each value)"}


def parse_number_columns(
    cells: pd.DataFrame, body: pd.Series, positions: dict[str, int], fmt: NumberFormat
) -> dict[str, ParsedNumbers]:
    """Parse every numeric column in one pass (as one long column), split back per column."""
    if not positions:
        return {}
    rows = cells.index[body]
    inside = np.asarray(body, dtype=bool)
    long = pd.concat([cells.loc[rows, p] for p in positions.values()], ignore_index=True)
    result = parse_numbers(long, fmt)
    values = result.values.to_numpy(dtype="float64")
    percent = result.percent.to_numpy(dtype=bool)
    unreadable = result.unreadable.to_numpy(dtype=bool)
    out = {}
    for i, canonical in enumerate(positions):
        part = slice(i * len(rows), (i + 1) * len(rows))

        def back(parsed: np.ndarray, fill, part=part) -> pd.Series:
            whole = np.full(len(cells), fill, dtype=parsed.dtype)
            whole[inside] = parsed[part]  # the rows outside the body get `fill`
            return pd.Series(whole, index=cells.index)

        out[canonical] = ParsedNumbers(back(values, np.nan), back(percent, False), back(unreadable, False))
    return out


def numbers(
    table: Columns, parsed: dict[str, ParsedNumbers], portfolio: pd.Series
) -> tuple[dict[str, pd.Series], object]:
    """The numeric columns of the holdings, weights as fractions, and the weight scale found."""
    out: dict[str, pd.Series] = {}
    scale = None
    for canonical, result in parsed.items():
        unreadable = result.unreadable & table.keep
        if unreadable.any():
            raw = table.cells.loc[unreadable, table.positions[canonical]]
            table.warnings.append(
                f"column {table.name(canonical)!r}: {int(unreadable.sum())} value(s) are not "
                f"numbers in this file's format and were left missing: {table.examples(raw)}"
            )
        values = result.values[table.keep]
        if len(values) and values.isna().all():
            table.warnings.append(
                f"column {table.name(canonical)!r} holds no numbers in the holding rows "
                "(a workbook saved without the results of its formulas?)"
            )
        if canonical == "weight":
            scale = weight_scale(values, table.name(canonical), bool(result.percent[table.keep].any()), portfolio)
            if not scale.certain:
                table.warnings.append(f"weights: {scale.reason}")
            values = values / 100.0 if scale.scale == "percent" else values
        out[canonical] = values.astype("float64")
    return out, scale


def asset_classes(table: Columns, names: pd.Series | None) -> dict[str, pd.Series]:
    """The vocabulary asset class, the file's own text, and classes read from names."""
    index = table.cells.index[table.keep]
    out: dict[str, pd.Series] = {}
    if table.has("asset_class"):
        out["asset_class_raw"] = clean_text(table.raw("asset_class"))
        classes = normalise_asset_class(out["asset_class_raw"])
    else:
        classes = pd.Series(pd.NA, index=index, dtype="string")
    if names is not None:
        from_name = asset_class_from_name(names)
        guessed = classes.isna() & from_name.notna()
        if guessed.any():
            classes = classes.fillna(from_name.where(guessed))
            shown = ", ".join(repr(v) for v in names[guessed].head(2))
            table.warnings.append(
                f"asset class taken from the security name for {int(guessed.sum())} row(s) (such as {shown})"
            )
    out["asset_class"] = classes
    return out


def countries(table: Columns) -> dict[str, pd.Series]:
    """ISO alpha-2 country codes and the file's own text."""
    if not table.has("country"):
        return {}
    raw = clean_text(table.raw("country"))
    codes, unknown = country_codes(raw)
    if unknown:
        table.warnings.append(
            "country names without an ISO code, left missing: " + ", ".join(repr(c) for c in unknown[:10])
        )
    return {"country_raw": raw, "country": codes}


def as_of_column(
    table: Columns, preamble: pd.Series, day_first: bool
) -> tuple[pd.Series | None, pd.Timestamp | None, str | None]:
    """The as-of dates (a date column, else the preamble's date), the file's date, and where."""
    index = table.cells.index[table.keep]
    if table.has("as_of"):
        dates = parse_dates(table.raw("as_of"), day_first)
        stated = dates.dropna().unique()
        where = f"column {table.name('as_of')!r}"
        if len(stated) > 1:
            return dates, None, where + f" ({len(stated)} different dates)"
        return dates, (pd.Timestamp(stated[0]) if len(stated) else None), where
    found, row = find_as_of(preamble, day_first)
    if found is None:
        return None, None, None
    return pd.Series(found, index=index), found, f"preamble row {row}: {preamble[row]!r}"


def check_identifiers(frame: pd.DataFrame) -> pd.DataFrame:
    """Check identifiers; derive ISINs only for securities (a cash line's CUSIP names no ISIN).

    The work is done once per distinct combination of identifiers, country and asset class (once
    in all where no row has an identifier); a column the checks leave as it was (the usual case:
    clean, valid identifiers) is kept rather than rebuilt row by row.
    """
    keys = [c for c in (*IDENTIFIER_COLUMNS, "country", "asset_class") if c in frame.columns]
    if any(frame[c].notna().any() for c in IDENTIFIER_COLUMNS if c in frame.columns):
        codes, first = distinct_rows(frame[keys])
    else:  # no identifier in any row: nothing to check or derive, whatever the country or class
        codes, first = np.zeros(len(frame), dtype=np.intp), np.zeros(min(len(frame), 1), dtype=np.intp)
    if len(first) == len(frame):
        return _check_distinct(frame)
    small = frame[keys].iloc[first].reset_index(drop=True)
    done = _check_distinct(small)
    changed = {}
    blank: dict[str, pd.Series] = {}  # one all-missing column serves every empty one of its type
    for column in (*IDENTIFIER_COLUMNS, "identifier_issues"):
        after = done[column]
        if column in small.columns and after.equals(small[column].astype(after.dtype)):
            changed[column] = frame[column].astype(after.dtype)
        elif after.isna().all():
            if str(after.dtype) not in blank:
                blank[str(after.dtype)] = pd.Series(pd.NA, index=frame.index, dtype=after.dtype)
            changed[column] = blank[str(after.dtype)]
        else:
            changed[column] = pd.Series(after.array.take(codes), index=frame.index, dtype=after.dtype)
    return frame.assign(**changed)


def _check_distinct(frame: pd.DataFrame) -> pd.DataFrame:
    out = normalise_identifiers(frame)
    derived = out["identifier_issues"].str.contains("isin: derived from", regex=False)
    undo = derived.fillna(False).astype(bool) & out["asset_class"].isin(list(NOT_SCREENABLE))
    if undo.any():
        out.loc[undo, "isin"] = pd.NA
        notes = (
            out.loc[undo, "identifier_issues"]
            .str.replace(r"(?:; )?isin: derived from [a-z]+", "", regex=True)
            .str.removeprefix("; ")
        )
        out.loc[undo, "identifier_issues"] = notes.mask(notes == "")
    return out
