"""Data contracts: the frames that pass between the stages of a screen, as pandera models.

Each model lists the canonical columns of one kind of frame. Extra columns are allowed and
carried along (``strict = False``); values are coerced to the declared types. Use
:func:`validate` rather than ``Model.validate``: it runs every check (``lazy=True``), names the
frame's source, and raises :class:`~exclusionscreen.errors.ContractError` whose
``failure_cases`` lists every failing row. ``docs/data-model.md`` documents every column.

Every text column of every contract has one type, :data:`TEXT`: pandas' default string type
(``"str"``, Arrow-backed, missing values are NaN). It is what pandas itself makes of text (the
constructor, ``read_csv``, ``.str`` methods, ``concat``), so frames that pass a contract and the
frames the stages derive from them share one type and need no conversion between them.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.typing import Series

from .errors import ArgumentError, ContractError
from .vocabulary import Action, Basis, IssuerType, Status, Via

__all__ = [
    "CONTRACTS",
    "CountryExposure",
    "CountryLists",
    "EntityLists",
    "Flags",
    "FundFlags",
    "Holdings",
    "Involvement",
    "Issuers",
    "OwnershipLinks",
    "ScreenedHoldings",
    "Securities",
    "TEXT",
    "as_text",
    "conform",
    "validate",
]

_ALPHA2 = r"^[A-Z]{2}$"

#: The type of every text column: pandas' default ``"str"`` (Arrow storage, missing as NaN).
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def _dates_ordered(df: pd.DataFrame) -> pd.Series:
    return df["valid_from"].isna() | df["valid_to"].isna() | (df["valid_from"] <= df["valid_to"])


class _Contract(pa.DataFrameModel):
    class Config:
        coerce = True  # values are converted to the declared type ("7" -> 7.0)
        strict = False  # extra columns are allowed and carried along
        unique_column_names = True


class Holdings(_Contract):
    """One row per position in a portfolio, as loaded from a holdings file."""

    portfolio_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    holding_id: Series[str] = pa.Field(nullable=False, unique=True, str_length={"min_value": 1})
    security_name: Series[str] = pa.Field(nullable=True)
    isin: Series[str] = pa.Field(nullable=True)
    cusip: Series[str] = pa.Field(nullable=True)
    sedol: Series[str] = pa.Field(nullable=True)
    lei: Series[str] = pa.Field(nullable=True)
    ticker: Series[str] = pa.Field(nullable=True)
    exchange: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(nullable=True)
    currency: Series[str] = pa.Field(nullable=True)
    asset_class: Series[str] = pa.Field(nullable=True)
    quantity: Series[float] = pa.Field(nullable=True)
    market_value: Series[float] = pa.Field(nullable=True)
    weight: Series[float] = pa.Field(nullable=True, ge=-1.0, le=1.0)
    as_of: Series[pd.Timestamp] = pa.Field(nullable=True)
    identifier_issues: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="each holding needs an identifier (isin, cusip, sedol, lei, ticker) or a security_name")
    def has_identifier_or_name(cls, df: pd.DataFrame) -> pd.Series:
        cols = ["isin", "cusip", "sedol", "lei", "ticker", "security_name"]
        return df[cols].notna().any(axis=1)


class Issuers(_Contract):
    """One row per issuer (company, state, fund) that the reference data knows."""

    issuer_id: Series[str] = pa.Field(nullable=False, unique=True, str_length={"min_value": 1})
    issuer_name: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    aliases: Series[str] = pa.Field(nullable=True)
    lei: Series[str] = pa.Field(nullable=True)
    country: Series[str] = pa.Field(nullable=True, str_matches=_ALPHA2)
    issuer_type: Series[str] = pa.Field(nullable=False, isin=[t.value for t in IssuerType])
    parent_issuer_id: Series[str] = pa.Field(nullable=True)
    parent_ownership: Series[float] = pa.Field(nullable=True, ge=0.0, le=1.0)

    @pa.dataframe_check(error="parent_issuer_id must differ from issuer_id")
    def not_own_parent(cls, df: pd.DataFrame) -> pd.Series:
        return df["parent_issuer_id"].isna() | (df["parent_issuer_id"] != df["issuer_id"])


class Securities(_Contract):
    """Maps a security to the issuer that issued it (a subsidiary's bond maps to the subsidiary)."""

    isin: Series[str] = pa.Field(nullable=True)
    cusip: Series[str] = pa.Field(nullable=True)
    sedol: Series[str] = pa.Field(nullable=True)
    ticker: Series[str] = pa.Field(nullable=True)
    exchange: Series[str] = pa.Field(nullable=True)
    issuer_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})

    @pa.dataframe_check(error="each security needs an isin, cusip, sedol or ticker")
    def has_identifier(cls, df: pd.DataFrame) -> pd.Series:
        return df[["isin", "cusip", "sedol", "ticker"]].notna().any(axis=1)


class Involvement(_Contract):
    """Evidence for product-based criteria: a company's involvement in a category of weapons."""

    issuer_id: Series[str] = pa.Field(nullable=True)
    issuer_name: Series[str] = pa.Field(nullable=True)
    category: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    involvement_type: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    revenue_share: Series[float] = pa.Field(nullable=True, ge=0.0, le=1.0)
    source: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    source_url: Series[str] = pa.Field(nullable=True)
    evidence_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    note: Series[str] = pa.Field(nullable=True)
    valid_to: Series[pd.Timestamp] = pa.Field(nullable=True)  # the first day the involvement no longer holds

    @pa.dataframe_check(error="each row needs an issuer_id or an issuer_name")
    def names_a_company(cls, df: pd.DataFrame) -> pd.Series:
        return df["issuer_id"].notna() | df["issuer_name"].notna()


class CountryExposure(_Contract):
    """Evidence for conduct-based criteria: what an issuer delivered to which state, and when."""

    issuer_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    recipient_country: Series[str] = pa.Field(nullable=False, str_matches=_ALPHA2)
    year: Series[pd.Int64Dtype] = pa.Field(nullable=False, ge=1900, le=2200)
    description: Series[str] = pa.Field(nullable=True)
    # what was supplied (vocabulary.SUPPLY_CATEGORIES); empty means arms
    category: Series[str] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(nullable=True)
    value_unit: Series[str] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    source_url: Series[str] = pa.Field(nullable=True)


class CountryLists(_Contract):
    """Dated membership of a state in a list (an arms embargo, a Freedom House rating)."""

    list_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    country: Series[str] = pa.Field(nullable=False, str_matches=_ALPHA2)
    valid_from: Series[pd.Timestamp] = pa.Field(nullable=True)
    valid_to: Series[pd.Timestamp] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    source_url: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="valid_from must not be after valid_to")
    def dates_ordered(cls, df: pd.DataFrame) -> pd.Series:
        return _dates_ordered(df)


class EntityLists(_Contract):
    """Dated name-only entries of official lists (military end-users, military companies)."""

    list_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    name: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    aliases: Series[str] = pa.Field(nullable=True)
    parent_name: Series[str] = pa.Field(nullable=True)
    valid_from: Series[pd.Timestamp] = pa.Field(nullable=True)
    valid_to: Series[pd.Timestamp] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    source_url: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="valid_from must not be after valid_to")
    def dates_ordered(cls, df: pd.DataFrame) -> pd.Series:
        return _dates_ordered(df)


class OwnershipLinks(_Contract):
    """Who owns how much of whom: one row per owner and owned company (an issuer may have several owners).

    ``share`` is the owner's share of the owned company (blank when unknown: an unknown share never
    makes control); ``control`` states control whatever the share (true, false or blank).
    """

    owner_issuer_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    owned_issuer_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    share: Series[float] = pa.Field(nullable=True, ge=0.0, le=1.0)
    control: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    as_of: Series[pd.Timestamp] = pa.Field(nullable=True)

    @pa.dataframe_check(error="owner_issuer_id must differ from owned_issuer_id")
    def not_own_owner(cls, df: pd.DataFrame) -> pd.Series:
        return df["owner_issuer_id"] != df["owned_issuer_id"]

    @pa.dataframe_check(error="each (owner_issuer_id, owned_issuer_id) pair is given once")
    def one_row_per_pair(cls, df: pd.DataFrame) -> pd.Series:
        return ~df.duplicated(["owner_issuer_id", "owned_issuer_id"], keep=False)


class Flags(_Contract):
    """The engine's output: one row per holding and criterion hit, with the evidence behind it."""

    portfolio_id: Series[str] = pa.Field(nullable=False)
    holding_id: Series[str] = pa.Field(nullable=False)
    security_name: Series[str] = pa.Field(nullable=True)
    isin: Series[str] = pa.Field(nullable=True)
    issuer_id: Series[str] = pa.Field(nullable=True)
    issuer_name: Series[str] = pa.Field(nullable=True)
    ultimate_parent_id: Series[str] = pa.Field(nullable=True)
    ultimate_parent_name: Series[str] = pa.Field(nullable=True)
    criterion_id: Series[str] = pa.Field(nullable=False)
    criterion_version: Series[str] = pa.Field(nullable=False)
    basis: Series[str] = pa.Field(nullable=False, isin=[b.value for b in Basis])
    via: Series[str] = pa.Field(nullable=False, isin=[v.value for v in Via])
    cause_issuer_id: Series[str] = pa.Field(nullable=True)
    cause_name: Series[str] = pa.Field(nullable=True)
    category: Series[str] = pa.Field(nullable=True)
    involvement_type: Series[str] = pa.Field(nullable=True)
    revenue_share: Series[float] = pa.Field(nullable=True)
    threshold: Series[float] = pa.Field(nullable=True)
    recipient_country: Series[str] = pa.Field(nullable=True)
    list_id: Series[str] = pa.Field(nullable=True)
    match_method: Series[str] = pa.Field(nullable=True)
    match_confidence: Series[float] = pa.Field(nullable=True, ge=0.0, le=1.0)
    evidence_source: Series[str] = pa.Field(nullable=True)
    evidence_url: Series[str] = pa.Field(nullable=True)
    evidence_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    action: Series[str] = pa.Field(nullable=False, isin=[a.value for a in Action])
    override: Series[str] = pa.Field(nullable=True, isin=["exempt", "enforce"])
    override_rationale: Series[str] = pa.Field(nullable=True)
    outcome: Series[str] = pa.Field(nullable=False, isin=["exclude", "watch", "exempt"])


class FundFlags(_Contract):
    """Look-through: one row per fund line and flag on a position of that fund (``result.fund_flags``)."""

    portfolio_id: Series[str] = pa.Field(nullable=False)
    holding_id: Series[str] = pa.Field(nullable=False)
    fund_id: Series[str] = pa.Field(nullable=False)
    route: Series[str] = pa.Field(nullable=False)
    fund_file: Series[str] = pa.Field(nullable=True)
    fund_as_of: Series[pd.Timestamp] = pa.Field(nullable=True)
    fund_weight: Series[float] = pa.Field(nullable=False)
    position_id: Series[str] = pa.Field(nullable=False)
    security_name: Series[str] = pa.Field(nullable=True)
    isin: Series[str] = pa.Field(nullable=True)
    issuer_id: Series[str] = pa.Field(nullable=True)
    issuer_name: Series[str] = pa.Field(nullable=True)
    criterion_id: Series[str] = pa.Field(nullable=False)
    via: Series[str] = pa.Field(nullable=False, isin=[v.value for v in Via])
    action: Series[str] = pa.Field(nullable=False, isin=[a.value for a in Action])
    outcome: Series[str] = pa.Field(nullable=False, isin=["exclude", "watch", "exempt"])
    market_value: Series[float] = pa.Field(nullable=True)
    share_of_portfolio: Series[float] = pa.Field(nullable=True)


#: the columns a fund's position flag adds to a flag
FUND_FLAG_COLUMNS = ["fund_id", "route", "fund_file", "fund_as_of", "fund_weight", "position_id"]


class ScreenedHoldings(Holdings):
    """Every input holding, once, with its status and how its issuer was resolved."""

    status: Series[str] = pa.Field(nullable=False, isin=[s.value for s in Status])
    issuer_id: Series[str] = pa.Field(nullable=True)
    issuer_name: Series[str] = pa.Field(nullable=True)
    ultimate_parent_id: Series[str] = pa.Field(nullable=True)
    resolution_method: Series[str] = pa.Field(nullable=False)
    resolution_confidence: Series[float] = pa.Field(nullable=True, ge=0.0, le=1.0)
    criteria_hit: Series[str] = pa.Field(nullable=True)
    reason: Series[str] = pa.Field(nullable=True)


CONTRACTS: dict[str, type[_Contract]] = {
    "holdings": Holdings,
    "issuers": Issuers,
    "securities": Securities,
    "involvement": Involvement,
    "country_exposure": CountryExposure,
    "country_lists": CountryLists,
    "entity_lists": EntityLists,
    "ownership_links": OwnershipLinks,
    "flags": Flags,
    "fund_flags": FundFlags,
    "screened_holdings": ScreenedHoldings,
}


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every column that holds only text (Python strings or another string type) in
    :data:`TEXT`, the contracts' text type; other columns, and the caller's frame, are left as they are.

    The result's tables that no contract describes (review, overrides, skipped rows, inputs) pass
    through it, so every text column a user sees has one type.
    """
    changed = {
        column: values.astype(TEXT)
        for column, values in frame.items()
        if (values.dtype == object or (isinstance(values.dtype, pd.StringDtype) and values.dtype != TEXT))
        and pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
    }
    return frame.assign(**changed) if changed else frame


def conform(frame: pd.DataFrame, model: type[_Contract]) -> pd.DataFrame:
    """A new frame with every column of `model`, missing ones added empty in their type, in contract order.

    Extra columns follow the contract's columns in their original order.
    """
    schema = model.to_schema().columns
    columns = list(schema)
    # missing columns come empty in their declared type, so validation has nothing to convert
    added = {c: pd.Series(index=frame.index, dtype=schema[c].dtype.type) for c in columns if c not in frame.columns}
    out = frame.assign(**added) if added else frame.copy(deep=False)  # the caller's frame is never changed
    return out[columns + [c for c in frame.columns if c not in columns]]


_MAX_LISTED = 20


def validate(
    frame: pd.DataFrame,
    model: type[_Contract],
    *,
    source: str = "frame",
    row_label: str = "row",
    only: list[str] | None = None,
) -> pd.DataFrame:
    """Validate `frame` against `model`, adding missing optional columns, and return a new frame.

    Every check runs before anything is reported. On failure raises ContractError whose message
    names `source`, each failing column and check, and the first rows and values that fail, and
    whose ``failure_cases`` holds them all. A frame with a ``source_row`` column (holdings as
    loaded) has its rows named by it, as the file counts them (``row_label`` "line" for a text
    file), and ``failure_cases`` gets a ``source_row`` column.

    `only` limits the checks to those columns of the contract (and leaves out its checks across
    columns): for a stage that adds these columns to a frame whose other columns passed a contract
    already, such as the screen's holdings, a million rows that were checked when they came in.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentError(f"{source}: expected a pandas DataFrame, got {type(frame).__name__}")
    if only is not None:
        return _validate_columns(frame, model, only, source=source, row_label=row_label)
    required = [
        name for name, column in model.to_schema().columns.items() if not column.nullable and name not in frame.columns
    ]
    if required:
        found = ", ".join(map(str, frame.columns)) or "(none)"
        cases = pd.DataFrame({"column": required, "check": "column_in_dataframe", "failure_case": required})
        raise ContractError(
            model.__name__,
            source,
            cases,
            f"{source}: missing required column(s) {', '.join(required)} for the "
            f"{model.__name__} contract; columns found: {found}",
        )
    conformed = conform(frame, model)
    # a unique column shown unique already needs no second check (pandera's hashes every string)
    shown = tuple(
        name for name, column in model.to_schema().columns.items() if column.unique and _surely_unique(conformed[name])
    )
    try:
        # in place: `conformed` is this call's own frame, so pandera's deep copy of it would copy
        # every numeric column for nothing (copy-on-write keeps the caller's frame as it was)
        return _without_unique(model, shown).validate(conformed, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        cases = _source_rows(exc.failure_cases.copy(), frame)
        raise ContractError(model.__name__, source, cases, _describe(model, source, cases, row_label)) from None


#: from this many rows a unique column is first tested by fingerprints (below, pandera's check is as quick)
_FINGERPRINT_FROM = 10_000
#: the longest value (in characters, ASCII) a fingerprint covers
_FINGERPRINT_WIDTH = 64
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it loses nothing


def _surely_unique(values: pd.Series) -> bool:
    """True when every value of the text column `values` is present and no two are equal.

    Told from one 64-bit fingerprint per value and an integer sort, not a hash table of a
    million strings. Equal values have equal fingerprints, so distinct fingerprints prove
    distinct values; False only means "not shown" (a missing value, text that is not ASCII or
    is long, a small column, two fingerprints alike), and the contract's own check then runs
    and names the duplicates. Only Arrow-backed text qualifies: the contract's coercion to
    :data:`TEXT` leaves its values as they are.
    """
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return False
    if len(values) < _FINGERPRINT_FROM or values.hasnans:
        return False
    array = pyarrow.array(values.array)
    if isinstance(array, pyarrow.ChunkedArray):
        array = array.combine_chunks()
    if not pc.all(pc.string_is_ascii(array)).as_py():  # one byte per character: the padding below is exact
        return False
    lengths = pc.binary_length(array).to_numpy().astype(np.uint64)
    width = -(-int(lengths.max()) // 8) * 8
    if not 0 < width <= _FINGERPRINT_WIDTH:
        return False
    padded = pc.utf8_rpad(array, width=width, padding=" ").cast(pyarrow.binary(width))
    words = np.frombuffer(
        padded.buffers()[1], dtype=np.uint64, count=len(padded) * width // 8, offset=padded.offset * width
    ).reshape(len(padded), width // 8)
    fingerprint = lengths  # the length tells "a" from "a " once both are padded
    for column in words.T:
        fingerprint = (fingerprint ^ column) * _MIX
    ordered = np.sort(fingerprint)
    return not bool((ordered[1:] == ordered[:-1]).any())


@cache
def _without_unique(model: type[_Contract], columns: tuple[str, ...]) -> pa.DataFrameSchema | type[_Contract]:
    """`model`'s schema without the uniqueness check of `columns` (shown by :func:`_surely_unique`)."""
    if not columns:
        return model
    return model.to_schema().update_columns({name: {"unique": False} for name in columns})


def _validate_columns(
    frame: pd.DataFrame, model: type[_Contract], columns: list[str], *, source: str, row_label: str
) -> pd.DataFrame:
    full = model.to_schema()
    unknown = [c for c in columns if c not in full.columns]
    if unknown:
        raise ArgumentError(f"{model.__name__} has no column(s) {', '.join(unknown)}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        cases = pd.DataFrame({"column": missing, "check": "column_in_dataframe", "failure_case": missing})
        raise ContractError(
            model.__name__, source, cases, f"{source}: missing column(s) {', '.join(missing)} for {model.__name__}"
        )
    schema = pa.DataFrameSchema({c: full.columns[c] for c in columns}, coerce=True, strict=False, name=model.__name__)
    frame = conform(frame, model)
    try:
        checked = schema.validate(frame[columns], lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = _source_rows(exc.failure_cases.copy(), frame)
        raise ContractError(model.__name__, source, cases, _describe(model, source, cases, row_label)) from None
    return frame.assign(**{c: checked[c] for c in columns})


def _source_rows(cases: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Add the file's own row (``source_row``) of each failing row, where the frame records it."""
    if "source_row" not in frame.columns or not frame.index.is_unique:
        return cases
    rows = frame["source_row"]
    known = cases["index"].notna() & cases["index"].isin(rows.index)
    cases["source_row"] = pd.Series(pd.NA, index=cases.index, dtype="Int64")
    cases.loc[known, "source_row"] = rows.reindex(cases.loc[known, "index"]).to_numpy()
    return cases


def _describe(model: type[_Contract], source: str, cases: pd.DataFrame, row_label: str = "row") -> str:
    lines = [f"{source}: {len(cases)} value(s) break the {model.__name__} contract"]
    if "source_row" in cases.columns:  # name rows as the file counts them
        cases = cases.assign(
            index=cases["source_row"].astype(object).where(cases["source_row"].notna(), cases["index"])
        )
    row_level = cases["schema_context"].eq("DataFrameSchema") & cases["index"].notna()
    for check, group in cases[row_level].groupby("check", sort=False):
        rows = list(dict.fromkeys(group["index"].tolist()))
        more = f" (+{len(rows) - 10} more)" if len(rows) > 10 else ""
        lines.append(f"  - {check}: {row_label}s {', '.join(map(str, rows[:10]))}{more}")
    per_column = cases[~row_level].fillna({"column": "(frame)"})
    for (column, check), group in per_column.groupby(["column", "check"], sort=False, dropna=False):
        pairs = list(zip(group["index"].tolist(), group["failure_case"].tolist(), strict=True))
        sample = ", ".join(f"{v!r}" if pd.isna(r) else f"{row_label} {r}: {v!r}" for r, v in pairs[:5])
        more = f" (+{len(pairs) - 5} more)" if len(pairs) > 5 else ""
        lines.append(f"  - column {column!r}, check {check}: {sample}{more}")
        if len(lines) > _MAX_LISTED:
            lines.append("  - ... see ContractError.failure_cases for the rest")
            break
    return "\n".join(lines)
