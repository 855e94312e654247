"""The fast lane: a typed table (Parquet, or a DataFrame) whose columns are known by name.

A table whose every column is named by ``column_map`` or the alias list, with numbers stored as
numbers and text as text, has no preamble, footer or number format to find: its columns are
mapped, cleaned once per distinct value and checked, and its report written. Anything else (a
column of numbers stored as text, an unknown or ambiguous column name) goes the messy-file way
(:func:`._build.read_holdings`), which reads each cell as the file wrote it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ._aliases import IDENTITY_COLUMNS, NUMERIC_COLUMNS, alias_index, header_key
from ._asof import implausible_as_of
from ._assets import asset_class_from_name, broadcast, normalise_asset_class, per_distinct
from ._build import WEIGHT_SUM_TOLERANCE
from ._columns import check_identifiers
from ._countries import country_codes
from ._numbers import weight_scale
from ._report import SKIPPED_COLUMNS, FileReport
from ._table import TOTAL_PATTERN

__all__ = ["read_parquet_file", "typed_columns", "read_typed"]

_TEXT = ("security_name", "ticker", "exchange", "currency", "sector", "isin", "cusip", "sedol", "lei", "identifier")
_UPPER = ("ticker", "currency")
_SAMPLE = 1000


def read_parquet_file(path: str) -> pd.DataFrame | None:
    """A Parquet file as a frame with Arrow-backed text (None if it is no readable Parquet file)."""
    try:
        return pq.read_table(path).to_pandas(types_mapper=pd.ArrowDtype).pipe(_plain_numbers)
    except Exception:  # a damaged file: the messy-file reader names the problem
        return None


def _plain_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow numbers and dates as NumPy ones; Arrow strings as pandas' string dtype."""
    out = {}
    for name, values in frame.items():
        kind = values.dtype.pyarrow_dtype if isinstance(values.dtype, pd.ArrowDtype) else None
        if kind is not None and (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
            out[name] = values.astype("float64")
        elif kind is not None and str(kind) in ("string", "large_string"):
            out[name] = values.astype("string[pyarrow]")
        elif kind is not None and pd.api.types.is_datetime64_any_dtype(values):
            out[name] = values.astype("datetime64[ns]")
        else:
            out[name] = values
    return pd.DataFrame(out)


def _is_text(values: pd.Series) -> bool:
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values.dtype):
        return True
    if pd.api.types.is_object_dtype(values.dtype):
        sample = values.head(_SAMPLE).dropna()
        return bool(sample.map(type).eq(str).all())
    return False


def typed_columns(frame: pd.DataFrame, column_map: dict[str, str | None] | None) -> dict[str, str] | None:
    """Source column -> canonical column when `frame` can take the fast lane, else None."""
    index = alias_index()
    user = {header_key(k): v for k, v in (column_map or {}).items()}
    mapping: dict[str, str] = {}
    for name in frame.columns:
        if not isinstance(name, str):
            return None
        key = header_key(name)
        canonical = user[key] if key in user else (index[key].canonical if key in index else None)
        if canonical is None:
            if key in user or name in ("source_file", "source_row"):
                continue
            return None  # an unknown column: the header words and content decide, the slow way
        if canonical in mapping.values():
            return None
        values = frame[name]
        if canonical in NUMERIC_COLUMNS and not (
            pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        ):
            return None
        if canonical in (*_TEXT, "portfolio_id", "holding_id", "asset_class", "country") and not _is_text(values):
            return None
        if canonical == "as_of" and not pd.api.types.is_datetime64_any_dtype(values):
            return None
        mapping[name] = canonical
    if not any(c in IDENTITY_COLUMNS and c != "identifier" for c in mapping.values()):
        return None
    return mapping


def _clean_distinct(distinct: pd.Series, upper: bool) -> pd.Series:
    text = distinct.str.strip()
    text = text.mask(text == "")
    return text.str.upper() if upper else text


def _clean_text(values: pd.Series, upper: bool) -> pd.Series:
    """Stripped text, empty text missing, upper-cased where asked: worked out once per distinct value."""
    codes, distinct = per_distinct(values)
    return broadcast(_clean_distinct(distinct, upper), codes, values.index)


def _total_lines(columns: dict[str, pd.Series], names: tuple[np.ndarray, pd.Series] | None) -> np.ndarray:
    """Rows named like a total ("Total", "Grand total") that carry no ISIN, CUSIP, SEDOL or LEI.

    `names` are the codes and distinct values of the security names (:func:`per_distinct`).
    """
    if names is None:
        return np.zeros(len(next(iter(columns.values()))), dtype=bool)
    codes, distinct = names
    hit = distinct.str.strip().str.match(TOTAL_PATTERN).fillna(False).to_numpy(dtype=bool)
    total = np.where(codes >= 0, hit[np.maximum(codes, 0)] if len(hit) else False, False)
    for code in ("isin", "cusip", "sedol", "lei"):
        if code in columns:
            total &= columns[code].isna().to_numpy()
    return total


def read_typed(
    frame: pd.DataFrame,
    mapping: dict[str, str],
    name: str,
    file_format: str,
    portfolio_id: str,
    portfolio_from_file: bool,
    sha256: str | None = None,
) -> tuple[pd.DataFrame, FileReport]:
    """The holdings of a typed table (without holding ids) and its report."""
    warnings: list[str] = []
    rows_read = len(frame)
    columns = {mapping[c]: frame[c].reset_index(drop=True) for c in mapping}
    # the names are factorised once, for the total lines, their cleaning and the asset classes
    names = per_distinct(columns["security_name"]) if "security_name" in columns else None
    total = _total_lines(columns, names)
    skipped = pd.DataFrame(
        {
            "source_file": name,
            "source_row": np.flatnonzero(total) + 1,
            "reason": "total line",
            "text": columns["security_name"][total].astype("string").to_numpy() if total.any() else [],
        },
        columns=SKIPPED_COLUMNS,
    )
    row_numbers = np.flatnonzero(~total) + 1
    if total.any():
        columns = {c: v[~total].reset_index(drop=True) for c, v in columns.items()}
        names = per_distinct(columns["security_name"])
    n = len(row_numbers)
    index = pd.RangeIndex(n)
    out = pd.DataFrame(index=index)
    from_name = None
    for canonical in _TEXT:
        if canonical == "security_name" and names is not None:
            clean_names = _clean_distinct(names[1], upper=False)
            out[canonical] = broadcast(clean_names, names[0], index)
            from_name = broadcast(asset_class_from_name(clean_names), names[0], index)
        elif canonical in columns:
            out[canonical] = _clean_text(columns[canonical], canonical in _UPPER)
    if "identifier" in out:
        warnings.append("an 'identifier' column in a typed table is kept as it is, not sorted by shape")
    for canonical in NUMERIC_COLUMNS:
        if canonical in columns:
            out[canonical] = columns[canonical].astype("float64")
    own = portfolio_from_file and "portfolio_id" in columns
    portfolio = (
        columns["portfolio_id"].astype("string").fillna(portfolio_id)
        if own
        else pd.Series(portfolio_id, index=index, dtype="string")
    )
    scale = None
    if "weight" in out:
        source = next(c for c, v in mapping.items() if v == "weight")
        scale = weight_scale(out["weight"], source, False, portfolio)
        if not scale.certain:
            warnings.append(f"weights: {scale.reason}")
        if scale.scale == "percent":
            out["weight"] = out["weight"] / 100.0
    if "asset_class" in columns:
        out["asset_class_raw"] = columns["asset_class"].astype("string")
        classes = normalise_asset_class(out["asset_class_raw"])
    else:
        classes = pd.Series(pd.NA, index=index, dtype="string")
    if from_name is not None:
        guessed = classes.isna() & from_name.notna()
        if guessed.any():
            classes = classes.fillna(from_name.where(guessed))
            warnings.append(f"asset class taken from the security name for {int(guessed.sum())} row(s)")
    out["asset_class"] = classes
    if "country" in columns:
        out["country_raw"] = columns["country"].astype("string")
        out["country"], unknown = country_codes(out["country_raw"])
        if unknown:
            warnings.append("country names without an ISO code, left missing: " + ", ".join(map(repr, unknown[:10])))
    as_of = None
    if "as_of" in columns:
        out["as_of"] = columns["as_of"]
        stated = out["as_of"].dropna().unique()
        as_of = pd.Timestamp(stated[0]) if len(stated) == 1 else None
    if "holding_id" in columns:
        out["holding_id"] = columns["holding_id"].astype("string")
    out["portfolio_id"] = portfolio
    out["source_file"] = name
    out["source_row"] = row_numbers.astype("int64")
    out = check_identifiers(out)
    if "as_of" in out:
        warnings.extend(implausible_as_of(out, row_label="row"))
    sums: dict[str, float] = {}
    if "weight" in out:
        sums = {str(k): float(v) for k, v in out["weight"].groupby(portfolio, sort=False).sum().items()}
        off = {k: v for k, v in sums.items() if abs(v - 1.0) > WEIGHT_SUM_TOLERANCE}
        if off:
            shown = ", ".join(f"{k} {v:.2%}" for k, v in list(off.items())[:5])
            warnings.append(f"{len(off)} portfolio(s) have weights summing away from 100 % (left as given): {shown}")
    else:
        warnings.append("no weight column: weights are missing")
    report = FileReport(
        path=name,
        portfolio_id=portfolio_id,
        format=file_format,
        sha256=sha256,
        sheet=None,
        sheets=(),
        header_row=None,
        table_end_row=None,
        column_mapping=dict(mapping),
        unmapped_columns=(),
        as_of=as_of,
        as_of_source=f"column {next(c for c, v in mapping.items() if v == 'as_of')!r}" if as_of is not None else None,
        locale="typed table",
        locale_reason="numbers stored as numbers (fast lane: no preamble, footer or number format to find)",
        weight_scale=scale.scale if scale else None,
        weight_scale_reason=scale.reason if scale else "no weight column",
        rows_read=rows_read,
        holdings=n,
        skipped=skipped,
        weight_sum=float(out["weight"].sum()) if "weight" in out else None,
        weight_sums=sums,
        duplicates=pd.DataFrame(),
        warnings=tuple(warnings),
    )
    return out, report
