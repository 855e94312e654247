"""From a file's grids to holdings: choose the sheet, find the table, read every column.

:func:`read_holdings` returns the holdings of one source (not yet given holding ids) and its
:class:`FileReport`. Rows are never dropped silently: each row of the chosen grid is either a
holding or a skipped row with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import ColumnMappingError, InputFileError
from ..identifiers import normalise_identifiers
from ._aliases import ALIASES, IDENTITY_COLUMNS, NUMERIC_COLUMNS, header_key, header_language
from ._assets import NOT_SCREENABLE, asset_class_from_name, normalise_asset_class
from ._countries import country_codes
from ._dates import find_as_of, parse_dates
from ._ids import identifier_text, split_by_shape
from ._numbers import (
    MISSING_TOKENS,
    ParsedNumbers,
    infer_format,
    parse_numbers,
    weight_scale,
)
from ._report import SKIPPED_COLUMNS, FileReport
from ._sources import Source
from ._table import ColumnChoice, Grid, cell_text, choose_columns, classify_rows, find_header
from ._table import row_text as joined_text

__all__ = ["WEIGHT_SUM_TOLERANCE", "read_holdings"]

WEIGHT_SUM_TOLERANCE = 0.02
"""How far (as a fraction) the weights of a file may sum from 100 % before a warning."""

_LANGUAGES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
              "nl": "Dutch"}
_CODES = ("isin", "cusip", "sedol", "lei")
_EXAMPLES = 3


@dataclass(frozen=True, eq=False)
class _Table:
    grid: Grid
    text: pd.DataFrame
    header_position: int | None
    columns: ColumnChoice


def _names_of(grid: Grid, text: pd.DataFrame, position: int | None) -> list[str | None]:
    if grid.header is not None:
        return list(grid.header)
    row = text.iloc[position]
    return [None if pd.isna(v) else str(v) for v in row.tolist()]


def _locate(grid: Grid, column_map: dict | None) -> tuple[_Table | None, int, tuple[str, ...]]:
    """The table of a grid (None if it has none), its header score, and the header-like row."""
    text = cell_text(grid.cells)
    if grid.header is not None:
        position, score, shown = None, len(grid.header), grid.header
    else:
        found = find_header(text, column_map)
        if found.position is None:
            return None, found.score, tuple(map(str, found.candidates))
        position, score, shown = found.position, found.score, found.candidates
    start = -1 if position is None else position
    has_data = text.iloc[start + 1:].notna().any(axis=0)
    columns = choose_columns(_names_of(grid, text, position), column_map, has_data)
    return _Table(grid, text, position, columns), score, tuple(map(str, shown))


def _aliases_tried() -> str:
    parts = []
    for canonical in IDENTITY_COLUMNS:
        names = [n for names in ALIASES[canonical].values() for n in names]
        parts.append(f"{canonical}: {', '.join(dict.fromkeys([canonical, *names]))}")
    return "; ".join(parts)


def _choose_table(source: Source, column_map: dict | None, sheet: str | int | None) -> _Table:
    grids = source.grids
    names = [g.sheet for g in grids]
    if isinstance(sheet, str) and sheet not in names and sheet.isdigit():
        sheet = int(sheet)  # "1" names the second sheet unless a sheet is called "1"
    if sheet is not None and source.format == "xlsx":
        if isinstance(sheet, int):
            if not 0 <= sheet < len(grids):
                raise InputFileError(source.name, f"no sheet number {sheet}; it has {len(grids)}")
            grids = [grids[sheet]]
        elif sheet in names:
            grids = [grids[names.index(sheet)]]
        else:
            raise InputFileError(
                source.name, f"no sheet named {sheet!r}; sheets: {', '.join(map(str, names))}"
            )
    if all(g.cells.empty or g.cells.isna().all().all() for g in grids):
        raise InputFileError(source.name, "no table found: the file holds no data")
    located = [_locate(g, column_map) for g in grids]
    usable = [(t, s) for t, s, _ in located if t is not None]
    if not usable:
        _, _, shown = max(located, key=lambda item: (item[1], len(item[2])))
        where = f" (sheets tried: {', '.join(map(str, names))})" if source.format == "xlsx" else ""
        raise ColumnMappingError(
            source.name,
            "no holdings table found: no row names a column that identifies a security"
            f"{where}. Columns found in the most table-like row: "
            f"{', '.join(shown) if shown else '(none)'}. Required: at least one of "
            f"{', '.join(IDENTITY_COLUMNS)}, plus a second known column. Aliases tried: "
            f"{_aliases_tried()}. Pass column_map={{'<your column>': '<canonical>'}} to map "
            "columns by hand.",
        )

    def rows_below(table: _Table) -> int:
        start = -1 if table.header_position is None else table.header_position
        return int(table.text.iloc[start + 1:].notna().any(axis=1).sum())

    return max(usable, key=lambda ts: (ts[1], rows_below(ts[0])))[0]


def _examples(rows: pd.Series, values: pd.Series) -> str:
    pairs = list(zip(rows.head(_EXAMPLES), values.head(_EXAMPLES), strict=True))
    more = f" (+{len(rows) - _EXAMPLES} more)" if len(rows) > _EXAMPLES else ""
    return ", ".join(f"row {r}: {v!r}" for r, v in pairs) + more


def _parse_columns(
    cells: pd.DataFrame, body: pd.Series, positions: dict[str, int], fmt
) -> dict[str, ParsedNumbers]:
    """Parse every numeric column in one pass (one long column), split back per column."""
    if not positions:
        return {}
    rows = cells.index[body]
    long = pd.concat([cells.loc[rows, p] for p in positions.values()], ignore_index=True)
    result = parse_numbers(long, fmt)
    out = {}
    for i, canonical in enumerate(positions):
        part = slice(i * len(rows), (i + 1) * len(rows))

        def back(series: pd.Series, fill, part=part) -> pd.Series:
            piece = pd.Series(series.iloc[part].to_numpy(), index=rows)
            return piece.reindex(cells.index, fill_value=fill)

        out[canonical] = ParsedNumbers(
            back(result.values, float("nan")).astype("float64"),
            back(result.percent, False).astype(bool),
            back(result.unreadable, False).astype(bool),
        )
    return out


def _clean_text(values: pd.Series, upper: bool = False) -> pd.Series:
    text = values.astype("string").str.strip().str.replace(r"\s+", " ", regex=True)
    text = text.mask(text.str.lower().isin(MISSING_TOKENS - {"na"}) | (text == ""))
    return text.str.upper() if upper else text


def _identifiers(frame: pd.DataFrame) -> pd.DataFrame:
    """Check identifiers; derive ISINs only for securities (a cash line's CUSIP names no ISIN)."""
    securities = ~frame["asset_class"].isin(list(NOT_SCREENABLE)).fillna(False).astype(bool)
    if securities.all():
        return normalise_identifiers(frame)
    parts = [normalise_identifiers(frame[securities]),
             normalise_identifiers(frame[~securities], derive_isin=False)]
    return pd.concat([p for p in parts if len(p)]).loc[frame.index]


def read_holdings(
    source: Source,
    portfolio_id: str,
    column_map: dict[str, str | None] | None = None,
    sheet: str | int | None = None,
    portfolio_from_file: bool = True,
) -> tuple[pd.DataFrame, FileReport]:
    """The holdings of one source (without holding ids) and the report on how it was read."""
    table = _choose_table(source, column_map, sheet)
    grid, text, header = table.grid, table.text, table.header_position
    mapped = table.columns.columns  # grid position -> canonical
    by_canonical = {c: p for p, c in mapped.items()}
    warnings: list[str] = list(table.columns.notes)
    start = -1 if header is None else header
    body = pd.Series(range(len(text)), index=text.index) > start

    # Numbers: one format for the whole file, decided from the numbers themselves.
    names = table.columns.names
    language = header_language(header_key(names[p]) for p in mapped)
    numeric = [c for c in NUMERIC_COLUMNS if c in by_canonical]
    cells = grid.cells
    sample = (
        pd.concat([cells.loc[body, by_canonical[c]] for c in numeric], ignore_index=True)
        if numeric else pd.Series(dtype=object)
    )
    fmt = infer_format(sample, language)
    if fmt.conflicts:
        warnings.append(
            "some numbers are written in another format than the file's and were not read: "
            + ", ".join(repr(c) for c in fmt.conflicts)
        )
    parsed = _parse_columns(cells, body, {c: by_canonical[c] for c in numeric}, fmt)
    has_number = pd.Series(False, index=text.index)
    for c in numeric:
        has_number |= parsed[c].values.notna()

    joined = joined_text(text)
    reason, end = classify_rows(text, header, mapped, has_number & body, joined)
    keep = reason.isna()
    rows = grid.rows
    skipped = pd.DataFrame(
        {
            "source_file": source.name,
            "source_row": rows[~keep].astype("int64"),
            "reason": reason[~keep],
            "text": joined[~keep].str.slice(0, 200),
        },
        columns=SKIPPED_COLUMNS,
    ).reset_index(drop=True)
    if not keep.any():
        warnings.append("no holdings below the header row")

    out = pd.DataFrame(index=text.index[keep])
    for canonical in ("security_name", "exchange", "sector"):
        if canonical in by_canonical:
            out[canonical] = _clean_text(cells.loc[keep, by_canonical[canonical]])
    for canonical in ("ticker", "currency"):
        if canonical in by_canonical:
            out[canonical] = _clean_text(cells.loc[keep, by_canonical[canonical]], upper=True)

    for canonical in (*_CODES, "identifier"):
        if canonical in by_canonical:
            values, restored = identifier_text(cells.loc[keep, by_canonical[canonical]], canonical)
            out[canonical] = values
            if restored:
                warnings.append(
                    f"{restored} {canonical} value(s) stored as numbers had lost leading zeros; "
                    "restored where the check digit confirms"
                )
    if "identifier" in out:
        parts, unknown = split_by_shape(out["identifier"])
        for kind, values in parts.items():
            out[kind] = out[kind].fillna(values) if kind in out else values
        kinds = " / ".join(parts) or "no known identifier"
        source_name = names[by_canonical["identifier"]]
        mapping_note = {source_name: f"{kinds} (by the shape of each value)"}
        if unknown.notna().any():
            bad = unknown.dropna()
            warnings.append(
                f"column {source_name!r}: {len(bad)} value(s) are no ISIN, CUSIP, SEDOL or LEI; "
                f"kept in column 'identifier': {_examples(rows[bad.index], bad)}"
            )
    else:
        mapping_note = {}

    scale = None
    for canonical, result in parsed.items():
        column_name = names[by_canonical[canonical]]
        unreadable = result.unreadable & keep
        if unreadable.any():
            raw = cells.loc[unreadable, by_canonical[canonical]]
            warnings.append(
                f"column {column_name!r}: {int(unreadable.sum())} value(s) are not numbers in this "
                f"file's format and were left missing: {_examples(rows[raw.index], raw)}"
            )
        values = result.values[keep]
        if canonical == "weight":
            scale = weight_scale(values, column_name, bool(result.percent[keep].any()))
            if not scale.certain:
                warnings.append(f"weights: {scale.reason}")
            values = values / 100.0 if scale.scale == "percent" else values
        out[canonical] = values.astype("float64")

    if "asset_class" in by_canonical:
        out["asset_class_raw"] = _clean_text(cells.loc[keep, by_canonical["asset_class"]])
        out["asset_class"] = normalise_asset_class(out["asset_class_raw"])
    else:
        out["asset_class"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if "security_name" in out:
        guessed = out["asset_class"].isna() & asset_class_from_name(out["security_name"]).notna()
        if guessed.any():
            out.loc[guessed, "asset_class"] = asset_class_from_name(out["security_name"])[guessed]
            warnings.append(
                f"asset class taken from the security name for {int(guessed.sum())} row(s) "
                f"(such as {', '.join(repr(v) for v in out.loc[guessed, 'security_name'].head(2))})"
            )

    if "country" in by_canonical:
        out["country_raw"] = _clean_text(cells.loc[keep, by_canonical["country"]])
        out["country"], unknown_countries = country_codes(out["country_raw"])
        if unknown_countries:
            warnings.append(
                "country names without an ISO code, left missing: "
                + ", ".join(repr(c) for c in unknown_countries[:10])
            )

    day_first = fmt.decimal == ","
    as_of, as_of_source = None, None
    if "as_of" in by_canonical:
        out["as_of"] = parse_dates(cells.loc[keep, by_canonical["as_of"]], day_first)
        stated = out["as_of"].dropna().unique()
        if len(stated) == 1:
            as_of = pd.Timestamp(stated[0])
        as_of_source = f"column {names[by_canonical['as_of']]!r}"
        if len(stated) > 1:
            as_of_source += f" ({len(stated)} different dates)"
    elif header is not None and header > 0:
        preamble = joined.iloc[:header].copy()
        preamble.index = rows.iloc[:header]
        as_of, row = find_as_of(preamble, day_first)
        if as_of is not None:
            as_of_source = f"preamble row {row}: {preamble[row]!r}"
            out["as_of"] = as_of

    if "portfolio_id" in by_canonical and portfolio_from_file:
        from_file = _clean_text(cells.loc[keep, by_canonical["portfolio_id"]])
        out["portfolio_id"] = from_file.fillna(portfolio_id)
    else:
        out["portfolio_id"] = portfolio_id
    out["source_file"] = source.name
    out["source_row"] = rows[keep].astype("int64")
    out = _identifiers(out)

    weight_sum = float(out["weight"].sum()) if "weight" in out else None
    if weight_sum is not None and abs(weight_sum - 1.0) > WEIGHT_SUM_TOLERANCE:
        warnings.append(
            f"the weights sum to {weight_sum:.2%}, not 100 %; left as given (not rescaled)"
        )
    if weight_sum is None:
        warnings.append("no weight column: weights are missing")

    column_mapping = {names[p]: c for p, c in table.columns.columns.items()} | mapping_note
    report = FileReport(
        path=source.name,
        portfolio_id=portfolio_id,
        format=source.format,
        sha256=source.sha256,
        sheet=grid.sheet,
        sheets=tuple(g.sheet for g in source.grids if g.sheet is not None),
        header_row=None if header is None else int(rows.iloc[header]),
        table_end_row=None if end is None else int(rows.iloc[end]),
        column_mapping=column_mapping,
        unmapped_columns=table.columns.unmapped,
        as_of=as_of,
        as_of_source=as_of_source,
        locale=f"{_LANGUAGES.get(language or 'en')} column names, {fmt.description}",
        locale_reason=fmt.reason,
        weight_scale=scale.scale if scale else None,
        weight_scale_reason=scale.reason if scale else "no weight column",
        rows_read=len(text),
        holdings=int(keep.sum()),
        skipped=skipped,
        weight_sum=weight_sum,
        duplicates=pd.DataFrame(),
        warnings=tuple(warnings),
        details=dict(source.notes),
    )
    return out.reset_index(drop=True), report
