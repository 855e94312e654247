"""From a source to holdings: locate the table, classify every row, read every column.

:func:`read_holdings` returns the holdings of one source (not yet given holding ids) and its
:class:`FileReport`. Rows are never dropped silently: each row of the chosen grid is either a
holding or a skipped row with a reason.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from . import _columns as col
from ._aliases import LANGUAGE_NAMES, NUMERIC_COLUMNS, header_key, header_language
from ._asof import implausible_as_of, storable
from ._currency import stated_currency
from ._locate import Table, choose_table, sheet_tables
from ._numbers import infer_format
from ._report import SKIPPED_COLUMNS, FileReport
from ._sources import Source
from ._table import classify_rows, row_text

__all__ = ["WEIGHT_SUM_TOLERANCE", "read_holdings", "read_sheets"]

WEIGHT_SUM_TOLERANCE = 0.02
"""How far (as a fraction) a portfolio's weights may sum from 100 % before a warning."""


def _weight_sums(weights: pd.Series | None, portfolio: pd.Series) -> dict[str, float]:
    if weights is None:
        return {}
    return {str(k): float(v) for k, v in weights.groupby(portfolio, sort=False).sum().items()}


def _rule_details(names: dict[int, str], roles: dict, value_currency: str | None) -> dict[str, str]:
    """How the columns outside the alias list got their roles, and how sure; the values' currency.

    Columns named by ``column_map`` or an alias are sure (listed in ``column_mapping``); the
    others are listed with their rule, so a reader can check the guesses.
    """
    guessed = {p: role for p, role in roles.items() if role.rule not in ("alias", "column_map")}
    out = {}
    if guessed:
        listed = "; ".join(f"{names[p]}: {role.describe()}" for p, role in guessed.items())
        out["col. rules"] = listed + "; every other column: by column_map or the alias list (100% sure)"
    if value_currency:
        out["values in"] = f"{value_currency} (named in the market value column's header)"
    return out


def read_holdings(
    source: Source,
    portfolio_id: str,
    column_map: dict[str, str | None] | None = None,
    sheet: str | int | None = None,
    portfolio_from_file: bool = True,
    table: Table | None = None,
) -> tuple[pd.DataFrame, FileReport]:
    """The holdings of one source (or of one of its sheets' `table`), without holding ids, and the
    report on how it was read."""
    if table is None:
        table = choose_table(source, column_map, sheet)
    grid, text, header = table.grid, table.text, table.header_position
    mapped = table.columns.columns  # grid position -> canonical
    positions = {c: p for p, c in mapped.items()}
    names = table.columns.names
    warnings: list[str] = []
    body = pd.Series(range(len(text)), index=text.index) > (-1 if header is None else header)

    # One number format for the whole file, decided from its numbers.
    language = header_language(header_key(names[p]) for p in mapped)
    numeric = {c: positions[c] for c in NUMERIC_COLUMNS if c in positions}
    sample = (
        pd.concat([grid.cells.loc[body, p] for p in numeric.values()], ignore_index=True)
        if numeric
        else pd.Series(dtype=object)
    )
    fmt = infer_format(sample, language)
    if fmt.conflicts:
        warnings.append(
            "some numbers are written in another format than the file's and were "
            "not read: " + ", ".join(repr(c) for c in fmt.conflicts)
        )
    parsed = col.parse_number_columns(grid.cells, body, numeric, fmt)
    has_number = pd.Series(False, index=text.index)
    for result in parsed.values():
        has_number |= result.values.notna()

    reason, end = classify_rows(text, header, mapped, has_number & body)
    keep = reason.isna()
    joined = row_text(text[~keep])  # the text of each row that is no holding
    rows = grid.rows
    skipped = pd.DataFrame(
        {
            "source_file": source.name,
            "source_row": rows[~keep].astype("int64"),
            "reason": reason[~keep],
            "text": joined.str.slice(0, 200),
        },
        columns=SKIPPED_COLUMNS,
    ).reset_index(drop=True)
    if not keep.any():
        warnings.append("no holdings below the header row")
    if sheet is not None and source.format != "xlsx":
        warnings.append(f"sheet {sheet!r} ignored: a {source.format} source has no sheets")

    table_columns = col.Columns(grid.cells, keep, rows, names, positions, warnings)
    portfolio = col.portfolios(table_columns, portfolio_id, portfolio_from_file)
    texts = col.texts(table_columns)
    ids, mapping_note = col.identifiers(table_columns)
    values, scale = col.numbers(table_columns, parsed, portfolio)
    classes = col.asset_classes(table_columns, texts.get("security_name"))
    places = col.countries(table_columns)
    preamble = joined.iloc[: header or 0].copy()
    preamble.index = rows.iloc[: header or 0]
    dates, as_of, as_of_source = col.as_of_column(table_columns, preamble, fmt.decimal == ",")

    out = pd.DataFrame({**texts, **ids, **values, **classes, **places}, index=text.index[keep])
    if dates is not None:
        out["as_of"] = dates
    if table_columns.has("holding_id"):
        out["holding_id"] = col.clean_text(table_columns.raw("holding_id"))
    roles = table.columns.roles
    value_currency = (
        roles[positions["market_value"]].currency
        if "market_value" in positions and positions["market_value"] in roles
        else None
    )
    values_in = stated_currency(  # the header's currency, the cells' symbols, the preamble's currency
        value_currency,
        table_columns.raw("market_value") if table_columns.has("market_value") else None,
        preamble,
        "line" if source.format == "csv" else "row",
    )
    value_currency = values_in.code
    warnings += values_in.warnings
    if value_currency:
        out["market_value_currency"] = value_currency
    out["portfolio_id"] = portfolio
    out["source_file"] = source.name
    out["source_row"] = rows[keep].astype("int64")
    if dates is not None:
        line = "line" if source.format == "csv" else "row"
        stated = None
        if as_of_source and as_of_source.startswith("preamble row"):
            stated = {source.name: as_of_source.replace("preamble row", f"preamble {line}", 1)}
        warnings.extend(implausible_as_of(out, where=stated, row_label=line))
        out["as_of"], unstorable = storable(out["as_of"])
        if unstorable:
            warnings.append(
                f"as-of date(s) {', '.join(unstorable)} lie beyond the dates a frame can hold (1677 to 2262) "
                "and were left missing"
            )
            as_of = None if as_of is None or f"{as_of:%Y-%m-%d}" in unstorable else as_of
    # identifiers are checked by load_holdings, once for every file read (check_identifiers)

    sums = _weight_sums(values.get("weight"), portfolio)
    for pid, total in sums.items():
        if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
            whose = f"portfolio {pid!r}: " if len(sums) > 1 else ""
            warnings.append(f"{whose}the weights sum to {total:.2%}, not 100 %; left as given (not rescaled)")
    if "weight" not in values:
        warnings.append("no weight column: weights are missing")

    report = FileReport(
        path=source.name,
        portfolio_id=portfolio_id,
        format=source.format,
        sha256=source.sha256,
        sheet=grid.sheet,
        sheets=tuple(g.sheet for g in source.grids if g.sheet is not None),
        header_row=None if header is None else int(rows.iloc[header]),
        table_end_row=None if end is None else int(rows.iloc[end]),
        column_mapping={names[p]: c for p, c in mapped.items()} | mapping_note,
        unmapped_columns=table.columns.unmapped,
        as_of=as_of,
        as_of_source=as_of_source,
        locale=f"{LANGUAGE_NAMES.get(language or 'en')} column names, {fmt.description}",
        locale_reason=fmt.reason,
        weight_scale=scale.scale if scale else None,
        weight_scale_reason=scale.reason if scale else "no weight column",
        rows_read=len(text),
        holdings=int(keep.sum()),
        skipped=skipped,
        weight_sum=float(values["weight"].sum()) if "weight" in values else None,
        weight_sums=sums,
        duplicates=pd.DataFrame(),
        warnings=tuple(warnings),
        details=dict(source.notes) | _rule_details(names, roles, None) | values_in.details(),
        notes=table.columns.notes,
    )
    return out.reset_index(drop=True), report


def read_sheets(
    source: Source,
    portfolio_id: str,
    column_map: dict[str, str | None] | None = None,
    sheet: str | int | None = None,
    portfolio_from_file: bool = True,
) -> list[tuple[pd.DataFrame, FileReport]]:
    """The holdings of every sheet of `source` that holds a table, each with its report.

    Without `sheet`, each sheet of a workbook that holds a table is read as a portfolio of its own:
    named ``<portfolio>:<sheet>`` when the portfolio is named after the file (the default), or
    the portfolio given for the file otherwise. A sheet without a table is listed in the first
    report's details ("sheets skipped") with the reason. With `sheet`, or for a file with one
    table, this is :func:`read_holdings`.
    """
    if sheet is not None or source.format != "xlsx":
        return [read_holdings(source, portfolio_id, column_map, sheet, portfolio_from_file)]
    tables, skipped = sheet_tables(source, column_map)
    several = len(tables) > 1
    out = []
    for table in tables:
        pid = f"{portfolio_id}:{table.grid.sheet}" if several and portfolio_from_file else portfolio_id
        out.append(read_holdings(source, pid, column_map, None, portfolio_from_file, table))
    if skipped:
        frame, report = out[0]
        listed = "; ".join(f"{name}: {why}" for name, why in skipped.items())
        out[0] = (frame, dataclasses.replace(report, details=report.details | {"sheets skipped": listed}))
    return out
