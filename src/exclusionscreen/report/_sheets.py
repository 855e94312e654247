"""What each sheet of the report holds, built from the result's frames and summary methods.

Nothing here touches a spreadsheet library: a sheet is a plain description (tables of frames with a kind per
column, lines of text, a chart over a table) that :mod:`._writer` puts into cells. The Summary
draws its figures from ``result.overview()``, ``summary()``, ``criteria_summary()`` and ``pai14()``
and never recomputes them.

Why one module of this size: it describes every sheet of the report, one builder per sheet with
its column order and printed columns; each builder is short, and keeping them together keeps
the order of the workbook and its shared column kinds in one place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..display import dates_text, ownership_text
from ..pai14 import average_pai14
from ..reference import editions_in_force
from ..units import NOT_STATED, WEIGHTS_ONLY

if TYPE_CHECKING:  # the renderer reads the result's type; the result imports the renderer
    from ..result import ScreenResult

__all__ = [
    "Chart",
    "DocumentSheet",
    "Facts",
    "LEGEND",
    "Legend",
    "Line",
    "MAX_LINKS_PER_SHEET",
    "MAX_ROWS_PER_SHEET",
    "NOT_CLEAR_SHEET",
    "alerts",
    "Table",
    "TableSheet",
    "build_sheets",
    "column_kinds",
    "hidden_characters",
    "link_mask",
]

#: rows of a worksheet in Excel (header included)
MAX_ROWS_PER_SHEET = 1_048_576
#: hyperlinks Excel keeps on one worksheet ("Excel specifications and limits"); further URLs stay text.
#: The writer holds each link of a sheet until the sheet is closed, so this also bounds its memory.
MAX_LINKS_PER_SHEET = 65_530
#: the sheet of the holdings that are not clear (all holdings go to files beside the workbook)
NOT_CLEAR_SHEET = "Holdings not clear"
#: portfolios drawn in the Summary's chart (a bar each per criterion); the table beside it has them all
MAX_CHART_SERIES = 12
#: the longest link target Excel accepts
MAX_LINK_LENGTH = 2_000
#: what the status colours mean, for the legend on the Summary sheet
LEGEND: tuple[tuple[str, str], ...] = (
    ("excluded", "held security of an issuer the policy excludes (flag outcome: exclude)"),
    ("watch", "issuer to watch: a criterion asks for monitoring, not exclusion"),
    ("clear", "issuer resolved and no criterion hit"),
    ("unresolved", "no issuer found for the holding: see the Review sheet"),
    ("not_applicable", "not a security with an issuer (cash, money market, FX, futures, derivatives, collateral)"),
    ("exempt", "a flag set aside by an approved override (see Overrides)"),
)
_URL = re.compile(r"^https?://[^\s\"<>\\^`{|}]+\Z", re.IGNORECASE)
#: Unicode control (Cc) and format (Cf) characters: C0 and C1 controls, and the invisible ones that
#: change how text is shown, among them the bidirectional controls (U+061C, U+200E, U+200F,
#: U+202A-U+202E, U+2066-U+2069) with which a link's text can hide where it leads
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


# ---------------------------------------------------------------------------- descriptions


@dataclass(frozen=True)
class Table:
    """A frame written under a header row; `kinds` gives each column's kind (see ``_styles.KINDS``)."""

    frame: pd.DataFrame
    kinds: Mapping[str, str]
    labels: Mapping[str, str] = field(default_factory=dict)
    title: str | None = None
    #: on a document sheet: how many characters of a header decide the column width (it wraps)
    header_width: int | None = None
    #: on a table sheet: the leading columns a printed page shows (the others stay in the sheet,
    #: right of the print area); empty: every column is printed
    print_columns: tuple[str, ...] = ()

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


@dataclass(frozen=True)
class TableSheet:
    """A sheet holding one table: header frozen, autofilter on."""

    name: str
    table: Table


@dataclass(frozen=True)
class Line:
    """One line of text in the first column (a title, a note, a warning)."""

    text: str
    kind: str = "text"


@dataclass(frozen=True)
class Facts:
    """Label and value pairs, one a row: (label, value, kind of the value)."""

    rows: tuple[tuple[str, object, str], ...]


@dataclass(frozen=True)
class Legend:
    """The status colours and what they mean."""

    entries: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Chart:
    """A native bar chart over `table` (written just before it): one bar series per value column."""

    title: str
    table: Table
    category: str
    values: tuple[str, ...]
    axis_title: str


@dataclass(frozen=True)
class DocumentSheet:
    """A sheet read top to bottom: lines, facts, small tables and charts, separated by blank rows."""

    name: str
    blocks: tuple[Line | Facts | Legend | Table | Chart, ...]
    #: printed one page wide; otherwise wide tables run over pages at full size
    fit_width: bool = False
    #: printed on one page, upright (the Summary)
    one_page: bool = False
    #: every column at most this many characters wide, its text wrapping (a sheet of wide reference
    #: tables, printed readably one page wide); None: columns as wide as their text
    column_width: float | None = None


Sheet = TableSheet | DocumentSheet


# ---------------------------------------------------------------------------- column kinds

_MONEY = {"market_value", "market_value_flagged", "involved_value", "total_value", "covered_value", "value"}
# with look-through, the summary's value and weight flagged directly, through funds and in total
_MONEY |= {"flagged_value_direct", "flagged_value_indirect", "flagged_value_total"}
_PERCENT = {
    "share_of_portfolio",
    "weight",
    "weight_excluded",
    "weight_watch",
    "coverage",
    "pai14_all",
    "pai14_covered",
    "revenue_share",
    "threshold",
    "revenue_threshold",
    "parent_ownership",
    "flagged_weight_direct",
    "flagged_weight_indirect",
    "flagged_weight_total",
}
_SCORE = {"resolution_confidence", "match_confidence", "candidate_score"}
_STATUS = {"status", "outcome", "action"}
_LINK = {"evidence_url", "source_url", "url"}
_COUNT = {
    "holdings",
    "excluded",
    "watch",
    "clear",
    "unresolved",
    "not_applicable",
    "holdings_excluded",
    "holdings_watch",
    "holdings_exempt",
    "holdings_affected",
    "rows",
    "source_row",
    "lookback_years",
}
_NUMBER = {"quantity"}
_DATE = {"as_of", "evidence_date", "approved_on", "expires_on", "valid_from", "valid_to", "retrieved"}
_WRAP = {"definition", "references", "reason", "override_rationale", "rationale", "evidence_note", "text", "licence"}


def _kind(name: str, dtype) -> str:
    base = name.removesuffix("_previous")
    for names, kind in (
        (_MONEY, "money"),
        (_PERCENT, "percent"),
        (_SCORE, "score"),
        (_STATUS, "status"),
        (_LINK, "link"),
        (_COUNT, "count"),
        (_NUMBER, "number"),
        (_DATE, "date"),
        (_WRAP, "wrap"),
    ):
        if base in names:
            return kind
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_integer_dtype(dtype):
        return "count"
    if pd.api.types.is_float_dtype(dtype):
        return "number"
    return "text"


def column_kinds(frame: pd.DataFrame, **overrides: str) -> dict[str, str]:
    """The kind of every column of `frame`: by its name where the report knows it, else by its dtype."""
    kinds = {c: _kind(c, frame[c].dtype) for c in frame.columns}
    kinds.update({k: v for k, v in overrides.items() if k in kinds})
    return kinds


def hidden_characters(values: pd.Series) -> pd.Series:
    """Which values hold a control or invisible format character (a bidirectional control among them)."""
    return values.astype("str").str.contains(_HIDDEN).fillna(False).astype(bool)


def link_mask(values: pd.Series) -> pd.Series:
    """Which values are web links the report may make clickable: http(s) URLs of a sane length,
    without a control or bidirectional character that could hide where the link leads."""
    text = values.astype("str")
    ok = text.str.match(_URL).fillna(False).astype(bool)
    return ok & (text.str.len() <= MAX_LINK_LENGTH).fillna(False) & ~hidden_characters(text)


def _not_linked(frame: pd.DataFrame, kinds: Mapping[str, str]) -> tuple[int, int]:
    """Source addresses in `frame`'s link columns shown as text: (with hidden characters, other)."""
    hidden = other = 0
    for column in (c for c, k in kinds.items() if k == "link"):
        text = frame[column].dropna().astype("str")
        text = text[text.str.strip() != ""]
        linked = link_mask(text)
        with_hidden = hidden_characters(text) & text.str.match(r"(?i)^\s*https?:")
        hidden += int(with_hidden.sum())
        other += int((~linked & ~with_hidden).sum())
    return hidden, other


def _ordered(frame: pd.DataFrame, first: list[str]) -> pd.DataFrame:
    lead = [c for c in first if c in frame.columns]
    return frame[lead + [c for c in frame.columns if c not in lead]]


def _table(frame: pd.DataFrame, **kw) -> Table:
    return Table(frame=frame, kinds=column_kinds(frame), **kw)


def _printed(
    frame: pd.DataFrame, columns: list[str], wrap: tuple[str, ...] = (), labels: Mapping[str, str] | None = None
) -> Table:
    """A table whose printed page shows `columns` (those present), placed first; the other columns
    follow them in the sheet, outside the print area. Columns in `wrap` wrap their text, so that a
    long name takes more lines rather than a wider column."""
    present = [c for c in columns if c in frame.columns]
    ordered = frame[present + [c for c in frame.columns if c not in present]]
    kinds = column_kinds(ordered, **{c: "wrap" for c in wrap})
    return Table(frame=ordered, kinds=kinds, labels=dict(labels or {}), print_columns=tuple(present))


# ---------------------------------------------------------------------------- units

#: the column of Flags and the holdings sheets with the unit of each row's market value: the
#: currency its file states, else its portfolio's unit ("weights only", "not stated")
VALUES_IN = "market_value_currency"


def _units(result: ScreenResult) -> pd.Series:
    return result.currencies().set_index("portfolio_id")["currency"]


def units_text(result: ScreenResult) -> str:
    """The unit of the report's values in words: one currency, or each unit with its portfolios."""
    units = _units(result)
    if units.empty:
        return "no portfolio"
    meaning = {WEIGHTS_ONLY: "weights only (no market values)", NOT_STATED: "currency not stated"}
    groups = units.groupby(units, sort=True).groups
    if len(groups) == 1:
        unit = next(iter(groups))
        return meaning.get(unit, f"market values in {unit}")
    parts = []
    for unit, portfolios in groups.items():
        names = ", ".join(map(str, list(portfolios)[:5])) + (" ..." if len(portfolios) > 5 else "")
        parts.append(f"{meaning.get(unit, unit)}: {names}")
    return "several units, never summed together: " + "; ".join(parts)


def _unit_table(result: ScreenResult, frame: pd.DataFrame, labels: Mapping[str, str]) -> tuple[pd.DataFrame, dict]:
    """A summary frame and its labels for the report: with one unit for every portfolio its
    ``currency`` column goes and the headers of values name the unit; with several it stays."""
    units = set(_units(result))
    labels = dict(labels)
    if len(units) != 1 or "currency" not in frame.columns:
        return frame, labels
    unit = units.pop()
    suffix = {WEIGHTS_ONLY: "weights", NOT_STATED: "currency not stated"}.get(unit, unit)
    for column in frame.columns:
        if _kind(column, frame[column].dtype) == "money":
            labels[column] = f"{labels.get(column, column)} ({suffix})"
    return frame.drop(columns="currency"), labels


def _criteria_table(result: ScreenResult, by_criterion: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``criteria_summary()`` for the Summary: one row per criterion, holdings counted across
    portfolios, and the market value flagged in a column per currency (never summed together)."""
    units = sorted(by_criterion["currency"].dropna().unique())
    if len(units) <= 1:
        return _unit_table(result, by_criterion, _LABELS)
    counts = ["holdings_excluded", "holdings_watch", "holdings_exempt"]
    out = by_criterion.groupby(["criterion_id", "title"], sort=False)[counts].sum().reset_index()
    labels = dict(_LABELS)
    for unit in units:
        if unit == WEIGHTS_ONLY:
            continue
        rows = by_criterion[by_criterion["currency"] == unit].set_index("criterion_id")["market_value_flagged"]
        column = f"market_value_flagged {unit}"
        out[column] = rows.reindex(out["criterion_id"]).to_numpy()
        labels[column] = f"Market value flagged ({NOT_STATED if unit == NOT_STATED else unit})"
        if "flagged_value_indirect" in by_criterion.columns:  # with look-through: through funds, and in all
            for name in ("flagged_value_indirect", "flagged_value_total"):
                rows = by_criterion[by_criterion["currency"] == unit].set_index("criterion_id")[name]
                out[f"{name} {unit}"] = rows.reindex(out["criterion_id"]).to_numpy()
                labels[f"{name} {unit}"] = f"{_LABELS[name]} ({unit})"
    return out, labels


def _with_unit(result: ScreenResult, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the unit of each row's market value (:data:`VALUES_IN`)."""
    if "portfolio_id" not in frame.columns:
        return frame
    unit = frame["portfolio_id"].astype("str").map(_units(result)).astype("str")
    if VALUES_IN in frame.columns:
        unit = frame[VALUES_IN].astype("str").fillna(unit)
    return frame.assign(**{VALUES_IN: unit})


# ---------------------------------------------------------------------------- data sheets

_FLAG_ORDER = [
    "portfolio_id",
    "holding_id",
    "security_name",
    "isin",
    "issuer_id",
    "issuer_name",
    "criterion_id",
    "outcome",
    "action",
    "override",
    "override_rationale",
    "via",
    "cause_issuer_id",
    "cause_name",
]
#: what a printed page of each sheet shows, most needed first (the writer prints as many as one
#: readable page width holds); every other column stays in the sheet
_FLAG_PRINT = [
    "portfolio_id",
    "security_name",
    "isin",
    "issuer_name",
    "criterion_id",
    "outcome",
    "override",
    "cause_name",
    "market_value",
    VALUES_IN,
    "share_of_portfolio",
]
_HOLDING_PRINT = [
    "portfolio_id",
    "security_name",
    "isin",
    "status",
    "criteria_hit",
    "issuer_name",
    "reason",
    "market_value",
    VALUES_IN,
    "share_of_portfolio",
]
_REVIEW_PRINT = ["kind", "portfolio_id", "security_name", "isin", "reason", "candidate_name", "candidate_score"]
_OVERRIDE_PRINT = ["issuer_id", "isin", "criterion_id", "decision", "state", "approver", "approved_on", "rationale"]
_CRITERIA_PRINT = ["criterion_id", "title", "action", "threshold", "definition"]
_SKIPPED_PRINT = ["source_file", "source_row", "reason", "text"]
_NAMES_WRAP = ("security_name", "issuer_name", "cause_name", "candidate_name", "title", "criteria_hit")
_HOLDING_ORDER = [
    "portfolio_id",
    "holding_id",
    "source_file",
    "source_row",
    "security_name",
    "status",
    "criteria_hit",
    "issuer_id",
    "issuer_name",
    "ultimate_parent_id",
    "resolution_method",
    "resolution_confidence",
    "reason",
    "isin",
    "cusip",
    "sedol",
    "lei",
    "ticker",
    "exchange",
    "identifier_issues",
    "holding_key",
    "asset_class",
    "country",
    "currency",
    "quantity",
    "market_value",
    VALUES_IN,
    "share_of_portfolio",
    "weight",
]


def _criteria_frame(result: ScreenResult) -> pd.DataFrame:
    rows = []
    for c in result.policy.criteria:  # one row per criterion of the policy (tens)
        refs = "\n".join(str(r) + (f" <{r.url}>" if r.url else "") for r in c.references)
        rows.append(
            {
                "criterion_id": c.id,
                "version": c.version,
                "title": c.title,
                "basis": c.basis.value,
                "evidence": c.evidence.value,
                "action": c.action.value,
                "definition": c.definition,
                "categories": ", ".join(c.categories),
                "involvement_types": ", ".join(c.involvement_types),
                "revenue_threshold": c.revenue_threshold,
                "threshold": c.threshold_text,
                "ownership": ownership_text(c),
                "country_lists": ", ".join(c.country_lists),
                "lookback_years": c.lookback_years,
                "entity_lists": ", ".join(c.entity_lists),
                "references": refs,
            }
        )
    frame = pd.DataFrame(rows)
    frame["revenue_threshold"] = frame["revenue_threshold"].astype("Float64")
    frame["lookback_years"] = frame["lookback_years"].astype("Int64")
    return frame


def _split(name: str, table: Table) -> list[TableSheet]:
    """One sheet, or numbered sheets when the rows do not fit on one: 'Flags', 'Flags (2)', ..."""
    per_sheet = MAX_ROWS_PER_SHEET - 1
    n = len(table.frame)
    if n <= per_sheet:
        return [TableSheet(name, table)]
    parts = []
    for i, start in enumerate(range(0, n, per_sheet), 1):
        part = Table(
            table.frame.iloc[start : start + per_sheet], table.kinds, table.labels, print_columns=table.print_columns
        )
        parts.append(TableSheet(name if i == 1 else f"{name} ({i})", part))
    return parts


def _sheet_notes(sheets: list[TableSheet], name: str) -> list[str]:
    notes = []
    if len(sheets) > 1:
        total = sum(len(s.table.frame) for s in sheets)
        notes.append(
            f"{name} has {total:,} rows, more than one Excel sheet holds ({MAX_ROWS_PER_SHEET:,} rows with the "
            f"header): it is split across the sheets {', '.join(s.name for s in sheets)}."
        )
    for sheet in sheets:
        columns = [c for c, k in sheet.table.kinds.items() if k == "link"]
        links = sum(int(link_mask(sheet.table.frame[c]).sum()) for c in columns)
        hidden, other = _not_linked(sheet.table.frame, sheet.table.kinds)
        if hidden:
            notes.append(
                f"{sheet.name}: {hidden:,} source address(es) hold a control or bidirectional character, which "
                "can make a link show one address and open another: they are shown as text, not as links."
            )
        if other:
            notes.append(
                f"{sheet.name}: {other:,} source address(es) are not http(s) web addresses (or are too long to be "
                "one): they are shown as text, not as links."
            )
        if links > MAX_LINKS_PER_SHEET:
            notes.append(
                f"{sheet.name}: {links:,} source links, more than the {MAX_LINKS_PER_SHEET:,} hyperlinks Excel keeps "
                f"on a sheet; the first {MAX_LINKS_PER_SHEET:,} are clickable, the others are plain text."
            )
    return notes


# ---------------------------------------------------------------------------- summary

_LABELS = {
    "portfolio_id": "Portfolio",
    "criterion_id": "Criterion",
    "title": "Title",
    "holdings": "Holdings",
    "market_value": "Market value",
    "weight": "Total weight",
    "excluded": "Excluded",
    "weight_excluded": "Weight excluded",
    "watch": "Watch",
    "weight_watch": "Weight watch",
    "clear": "Clear",
    "unresolved": "Unresolved",
    "not_applicable": "Not applicable",
    "coverage": "Coverage (value resolved to an issuer)",
    "involved_value": "Value involved",
    "total_value": "All investments",
    "covered_value": "Investments covered by data",
    "pai14_all": "PAI 14, share of all investments",
    "pai14_covered": "PAI 14, share of investments covered",
    "holdings_excluded": "Holdings excluded",
    "holdings_watch": "Holdings watch",
    "holdings_exempt": "Holdings exempt",
    "market_value_flagged": "Market value flagged",
    "currency": "Currency of values",
    "flagged_value_direct": "Value flagged, held directly",
    "flagged_value_indirect": "Value flagged, through funds",
    "flagged_value_total": "Value flagged, direct and through funds",
    "flagged_weight_direct": "Weight flagged, held directly",
    "flagged_weight_indirect": "Weight flagged, through funds",
    "flagged_weight_total": "Weight flagged, direct and through funds",
}
_PAI14_LABELS = {**_LABELS, "coverage": "Coverage (share of all investments)"}
_HEADER_WIDTH = 16
#: on the Summary, headers of figures wrap at fewer characters, so that its tables fit a page
_SUMMARY_HEADER_WIDTH = 10
_PORTFOLIO = "portfolio:"


def _weight_flagged(result: ScreenResult, portfolios: list[str]) -> pd.DataFrame:
    """Weight flagged (excluded + watch) per criterion of the policy and portfolio, from ``summary()``."""
    s = result.summary()
    flagged = s.assign(weight_flagged=s["weight_excluded"] + s["weight_watch"])
    wide = flagged.pivot_table(
        index="criterion_id", columns="portfolio_id", values="weight_flagged", aggfunc="sum", sort=True
    )
    crit = pd.DataFrame(
        {"criterion_id": list(result.policy.criterion_ids), "title": [c.title for c in result.policy.criteria]}
    )
    wide = wide.reindex(index=crit["criterion_id"], columns=portfolios).fillna(0.0)
    wide.columns = [_PORTFOLIO + str(c) for c in wide.columns]  # apart from criterion_id and title
    return pd.concat([crit.reset_index(drop=True), wide.reset_index(drop=True)], axis=1)


#: warnings and notes the Summary shows before pointing to the sheet Warnings (it is printed on one page)
MAX_SUMMARY_NOTES = 8
#: portfolios the Summary's tables list; with more, they are on the sheet By portfolio
MAX_SUMMARY_PORTFOLIOS = 10
WARNINGS_SHEET = "Warnings"
BY_PORTFOLIO_SHEET = "By portfolio"
#: columns of ``overview()`` the Summary leaves to the sheet By portfolio (the Summary fits one page)
_DETAIL_ONLY = ("weight", "clear", "unresolved", "not_applicable")


def _all_notes(
    result: ScreenResult, split_notes: list[str], previous: ScreenResult | None, load_warnings: tuple[str, ...]
) -> list[tuple[str, str]]:
    """Every warning and note of the Summary, with where it comes from: (source, text)."""
    notes = [("load", w) for w in load_warnings]
    notes += [("screen", w) for w in result.warnings]
    notes += [("report", n) for n in split_notes]
    skipped = len(result.skipped)
    if skipped:
        notes.append(
            (
                "load",
                f"{skipped:,} row(s) of the holdings files were not read as holdings (title blocks, notes, "
                "totals): the sheet Skipped lists each with its reason.",
            )
        )
    review = len(result.review)
    if review:
        notes.append(("screen", f"{review:,} item(s) await an analyst's decision: see the sheet Review."))
    return notes


def _notes(notes: list[tuple[str, str]], result: ScreenResult, previous: ScreenResult | None) -> list[Line]:
    """The Summary's lines of warnings and notes: the first few, then where the others are."""
    warned = [text for source, text in notes]
    if len(warned) > MAX_SUMMARY_NOTES:
        shown = warned[: MAX_SUMMARY_NOTES - 1]
        lines = [Line(w, "warning") for w in shown]
        lines.append(
            Line(
                f"{len(warned) - len(shown):,} more warning(s) and note(s) (all {len(warned):,}): see the sheet "
                f"{WARNINGS_SHEET}.",
                "warning",
            )
        )
    else:
        lines = [Line(w, "warning") for w in warned]
    if not result.warnings and not alerts(result):  # the alerts above the figures are the screen's too
        lines.insert(0, Line("No warnings from the screen."))
    if not len(result.skipped):
        lines.append(Line("No row of the holdings files was skipped on loading."))
    if previous is None:
        lines.append(Line("No previous screen was given, so the sheet Changes lists no changes."))
    else:
        lines.append(Line(f"Changes are against the screen as of {previous.as_of.date()} (sheet Changes)."))
    return lines


#: coverage (share of the value of screenable holdings resolved to an issuer) below which the
#: Summary warns that the figures say little
LOW_COVERAGE = 0.5
#: how a holding is resolved when no issuer data was given: by name against the bundled lists, or not
_NAME_ONLY = {"name_exact", "name_fuzzy", "none", "not_applicable"}


def alerts(result: ScreenResult) -> list[str]:
    """What a reader must see before any figure: no issuer data, low coverage."""
    out = []
    # the distinct methods first (a million holdings: milliseconds, not seconds of iterating them)
    methods = (
        set(result.holdings["resolution_method"].dropna().unique().astype("str")) if len(result.holdings) else set()
    )
    if methods <= _NAME_ONLY:
        by_lists = [c.id for c in result.policy.criteria if c.evidence.value in ("entity_list", "sovereign")]
        others = [c.id for c in result.policy.criteria if c.id not in by_lists]
        text = (
            "NO ISSUER DATA: no holding was matched to an issuer by an identifier (ISIN, CUSIP, SEDOL, LEI or "
            "ticker), so this screen rests on security names compared with the names on the reference lists. "
        )
        if by_lists:
            text += f"Evaluated that way: {', '.join(by_lists)}. "
        if others:
            text += (
                f"Not evaluated for want of issuer data: {', '.join(others)}. "
                "A holding counted as clear here has not been screened against these criteria."
            )
        out.append(text.strip())
    overview = result.overview()
    low = overview[overview["coverage"] < LOW_COVERAGE]  # a portfolio of cash alone has no coverage
    if len(low):
        names = ", ".join(str(p) for p in low["portfolio_id"].head(10))
        more = f" and {len(low) - 10:,} more" if len(low) > 10 else ""
        out.append(
            f"LOW COVERAGE: in {len(low):,} of {len(overview):,} portfolio(s) less than {LOW_COVERAGE:.0%} of the "
            f"value is resolved to an issuer ({names}{more}); the unresolved holdings are not screened "
            "(see the sheet Review and the column Coverage)."
        )
    return out


def _summary(
    result: ScreenResult, notes: list[tuple[str, str]], previous: ScreenResult | None
) -> tuple[DocumentSheet, DocumentSheet]:
    """The Summary (printed on one page) and the sheet By portfolio (the tables per portfolio and
    criterion, and the chart)."""
    p = result.policy
    overview = result.overview()
    pai14 = result.pai14()[
        [
            "portfolio_id",
            "currency",
            "involved_value",
            "total_value",
            "covered_value",
            "pai14_all",
            "pai14_covered",
            "coverage",
        ]
    ]
    by_criterion = result.criteria_summary()
    by_both = result.summary()
    portfolios = [str(x) for x in overview["portfolio_id"]]
    chart_table = Table(
        _weight_flagged(result, portfolios),
        kinds={"criterion_id": "id", "title": "text", **{_PORTFOLIO + p: "percent" for p in portfolios}},
        labels={"criterion_id": "Criterion", "title": "Title", **{_PORTFOLIO + p: p for p in portfolios}},
        title="Weight flagged (excluded + watch) by criterion, one column per portfolio",
        header_width=_HEADER_WIDTH,
    )
    facts = Facts(
        (
            ("As-of date", result.as_of, "date"),
            ("Policy", f"{p.title} ({p.id} v{p.version})", "text"),
            ("Values", units_text(result), "text"),
            ("Portfolios screened", len(overview), "count"),
            ("Holdings screened", len(result.holdings), "count"),
            ("Flags (holding and criterion)", len(result.flags), "count"),
            ("Items to review", len(result.review), "count"),
            ("Rows skipped on loading", len(result.skipped), "count"),
        )
    )
    overview, overview_labels = _unit_table(result, overview, _LABELS)
    pai14, pai14_labels = _unit_table(result, pai14, _PAI14_LABELS)
    by_criterion, criterion_labels = _criteria_table(result, by_criterion)
    by_both, both_labels = _unit_table(result, by_both, _LABELS)
    portfolio_table = Table(overview, column_kinds(overview), overview_labels, "Portfolios", _SUMMARY_HEADER_WIDTH)
    # on the Summary, printed on one page: what is flagged and the coverage; the total weight (a check
    # of the file) and the counts of clear, unresolved and not applicable holdings are on By portfolio
    compact = overview.drop(columns=list(_DETAIL_ONLY))
    summary_portfolios = Table(
        compact,
        column_kinds(compact),
        overview_labels,
        "Portfolios",
        _SUMMARY_HEADER_WIDTH,
    )
    pai14_table = Table(
        pai14,
        column_kinds(pai14),
        pai14_labels,
        "SFDR PAI 14: investments in companies involved in controversial weapons "
        "(anti-personnel mines, cluster munitions, chemical and biological weapons)",
        _SUMMARY_HEADER_WIDTH,
    )
    few = len(portfolios) <= MAX_SUMMARY_PORTFOLIOS
    blocks: list = [
        Line(f"Exclusion screen as of {result.as_of.date()}: {p.title}", "title"),
        *[Line(text, "alert") for text in alerts(result)],
        facts,
        Line("Warnings and notes", "section"),
        *_notes(notes, result, previous),
    ]
    if few:
        blocks += [
            summary_portfolios,
            Line(
                f"Holdings clear, unresolved and not applicable, and the total weight: sheet {BY_PORTFOLIO_SHEET}.",
                "note",
            ),
            pai14_table,
        ]
    else:
        blocks.append(
            Line(
                f"{len(portfolios):,} portfolios: their figures and PAI 14 are on the sheet {BY_PORTFOLIO_SHEET}.",
                "note",
            )
        )
    blocks += [
        Table(
            by_criterion.drop(columns="title"),
            column_kinds(by_criterion.drop(columns="title"), **{c: "money" for c in by_criterion if " " in c}),
            criterion_labels,
            "Flags by criterion (all portfolios; titles on the sheet Criteria)",
            _SUMMARY_HEADER_WIDTH,
        ),
    ]
    detail: list = [
        Line(f"By portfolio, as of {result.as_of.date()}", "title"),
        Line(f"Values: {units_text(result)}", "note"),
    ]
    detail.append(portfolio_table)
    if not few:
        detail.append(pai14_table)
    detail.append(Table(by_both, column_kinds(by_both), both_labels, "Flags by portfolio and criterion", _HEADER_WIDTH))
    detail += [Line("Status colours", "section"), Legend(LEGEND)]
    if portfolios:
        charted = tuple(_PORTFOLIO + p for p in portfolios[:MAX_CHART_SERIES])
        title = "Weight flagged by criterion"
        if len(portfolios) > MAX_CHART_SERIES:
            title += f" (first {MAX_CHART_SERIES} portfolios; the table has all)"
        detail.append(Chart(title, chart_table, "title", charted, "Share of portfolio flagged"))
    summary = DocumentSheet("Summary", tuple(blocks), fit_width=True, one_page=True)
    return summary, DocumentSheet(BY_PORTFOLIO_SHEET, tuple(detail), fit_width=True)


# ---------------------------------------------------------------------------- PAI 14 over the period

PAI14_SHEET = "PAI 14"


def _pai14_sheet(result: ScreenResult, previous_quarters: tuple) -> DocumentSheet:
    """PAI 14 averaged over this quarter and `previous_quarters`, with each quarter's figure and coverage."""
    previous = tuple(type(result).load(q) if isinstance(q, str | os.PathLike) else q for q in previous_quarters)
    average = average_pai14([*previous, result])
    dates = [c.removeprefix("coverage ") for c in average.columns if c.startswith("coverage ")]
    kinds = column_kinds(average, **{c: "percent" for c in average.columns if c.split(" ")[0] in _PAI14_FIGURES})
    labels = {
        **_PAI14_LABELS,
        "quarters": "Quarters",
        "complete": "Four quarters",
        "pai14_all": "PAI 14 average, share of all investments",
        "pai14_covered": "PAI 14 average, share of investments covered",
        "coverage": "Coverage, average",
    }
    for day in dates:
        labels |= {f"{f} {day}": f"{_PAI14_SHORT[f]} {day}" for f in _PAI14_FIGURES}
    n = len(dates)
    blocks: list = [
        Line(f"SFDR PAI 14 over the reference period: {', '.join(dates)}", "title"),
        Line(
            "The figure of each portfolio is the average of its PAI 14 figures on the quarter-end dates given "
            "(Art. 6(3) of Delegated Regulation (EU) 2022/1288: the average of impacts on 31 March, 30 June, "
            "30 September and 31 December); each quarter's figure and coverage follow.",
            "note",
        ),
    ]
    if n < 4:
        blocks.append(
            Line(
                f"Only {n} of the 4 quarter ends were given: the averages are over those {n} and are not yet the "
                "figure of the reference period.",
                "warning",
            )
        )
    blocks.append(Table(average, kinds, labels, "PAI 14 per portfolio", _HEADER_WIDTH))
    return DocumentSheet(PAI14_SHEET, tuple(blocks), fit_width=True)


_PAI14_FIGURES = ("pai14_all", "pai14_covered", "coverage")
_PAI14_SHORT = {"pai14_all": "PAI 14 all", "pai14_covered": "PAI 14 covered", "coverage": "Coverage"}


# ---------------------------------------------------------------------------- about


#: the widest column of the About sheet, in characters: longer text (addresses, hashes, titles) wraps
ABOUT_COLUMN_WIDTH = 28
#: the columns of the reference lists' table that say where a list comes from (a second table)
_SOURCE_COLUMNS = ("source", "source_url", "built_from", "issuer", "licence")


def _about_table(frame: pd.DataFrame, title: str) -> Table:
    """A table of the About sheet: its text wraps in columns at most :data:`ABOUT_COLUMN_WIDTH` wide."""
    kinds = column_kinds(frame)
    wrapped = {c: "wrap" for c, k in kinds.items() if k in ("text", "id")}
    return Table(frame=frame, kinds={**kinds, **wrapped}, title=title, header_width=_HEADER_WIDTH)


def _about(result: ScreenResult) -> DocumentSheet:
    p = result.policy
    run_at = result.run_at
    if run_at is not None and run_at.tzinfo is not None:
        run_at = pd.Timestamp(run_at).tz_convert("UTC").tz_localize(None)
    facts = [
        ("Library", f"exclusionscreen {result.library_version}", "text"),
        ("Run at (UTC)", run_at if run_at is not None else "not recorded", "datetime" if run_at else "text"),
        ("As-of date", result.as_of, "date"),
        ("Policy", p.id, "id"),
        ("Policy title", p.title, "text"),
        ("Policy version", p.version, "id"),
        ("Policy dates", dates_text(p) or "no dates of application", "text"),
        ("Policy file", Path(p.source_file).name if p.source_file else "(built in code)", "text"),
        ("Rule-set hash (SHA-256)", p.rule_hash, "id"),
    ]
    criteria = pd.DataFrame(
        {
            "criterion_id": list(p.criterion_ids),
            "version": [c.version for c in p.criteria],
            "title": [c.title for c in p.criteria],
            "rule_file": [Path(c.source_file).name if c.source_file else "" for c in p.criteria],
        }
    )
    blocks: list = [
        Line("About this report", "title"),
        Facts(tuple(facts)),
        _about_table(criteria, "Criteria applied, with their versions"),
    ]
    if len(result.inputs):
        blocks.append(_about_table(result.inputs, "Input files, with their SHA-256"))
    else:
        blocks += [
            Line("Input files, with their SHA-256", "section"),
            Line("No file was read: the holdings and the universe were given as frames.", "note"),
        ]
    if len(result.list_sources):
        sources = result.list_sources
        # in two tables of a few columns each, so that a printed page holds them at a readable size
        dates = [c for c in sources.columns if c not in _SOURCE_COLUMNS]
        blocks.append(_about_table(sources[dates], "Reference lists used, with their dates"))
        where = ["list_id", *[c for c in _SOURCE_COLUMNS if c in sources.columns]]
        blocks.append(_about_table(sources[where], "Reference lists used: their sources and licences"))
        used = editions_in_force(result.as_of)
        used = used[used["list_id"].isin(result.list_sources["list_id"])]
        blocks.append(_about_table(used, "Edition of each list in force on the as-of date"))
    else:
        blocks += [
            Line("Reference lists used, with their dates", "section"),
            Line("No bundled reference list was used.", "note"),
        ]
    return DocumentSheet("About", tuple(blocks), fit_width=True, column_width=ABOUT_COLUMN_WIDTH)


# ---------------------------------------------------------------------------- the workbook


def build_sheets(
    result: ScreenResult,
    previous: ScreenResult | str | Path | None = None,
    *,
    all_holdings: bool = False,
    holdings_files: tuple[str, ...] = (),
    load_warnings: tuple[str, ...] = (),
    previous_quarters: tuple = (),
) -> list[Sheet]:
    """Every sheet of the report, in order.

    The workbook lists the holdings that are not clear (sheet "Holdings not clear"); with
    `all_holdings` every holding (sheet "Holdings"). `holdings_files` names the files beside the
    workbook that hold every holding, for the Summary's note. `load_warnings` are the warnings of
    the load report (``LoadReport.warnings``), shown with the screen's; by default those the
    result keeps (``result.load_warnings``). With `previous_quarters` (results or saved result
    folders of the earlier quarter ends of the reference period), the sheet PAI 14 shows the average
    of PAI 14 over them and this result (:func:`exclusionscreen.pai14_average`).
    """
    if isinstance(previous, str | os.PathLike):  # a folder written by ScreenResult.save
        previous = type(result).load(previous)
    flags = _split("Flags", _printed(_ordered(_with_unit(result, result.flags), _FLAG_ORDER), _FLAG_PRINT, _NAMES_WRAP))
    every = _ordered(_with_unit(result, result.holdings), _HOLDING_ORDER)
    if not all_holdings:
        every = every[every["status"].astype("str") != "clear"]
    holdings = _split("Holdings" if all_holdings else NOT_CLEAR_SHEET, _printed(every, _HOLDING_PRINT, _NAMES_WRAP))
    review = _split("Review", _printed(result.review, _REVIEW_PRINT, _NAMES_WRAP))
    split_notes = (
        _sheet_notes(flags, "Flags") + _sheet_notes(holdings, holdings[0].name) + _sheet_notes(review, "Review")
    )
    if not all_holdings:
        where = f" are in {' and '.join(holdings_files)} beside this workbook" if holdings_files else " are not in it"
        split_notes.insert(
            0,
            f"The sheet {NOT_CLEAR_SHEET} lists the {len(holdings_frame_rows(holdings)):,} holdings that are not "
            f"clear; all {len(result.holdings):,} holdings{where}.",
        )

    notes = _all_notes(result, split_notes, previous, tuple(load_warnings) or tuple(result.load_warnings))
    summary, by_portfolio = _summary(result, notes, previous)
    sheets: list[Sheet] = [summary, *flags, *holdings]
    if len(result.skipped):
        sheets += _split("Skipped", _printed(result.skipped, _SKIPPED_PRINT))
    sheets += review
    if previous is None:
        sheets.append(
            DocumentSheet("Changes", (Line("No previous screen was given: there is nothing to compare.", "note"),))
        )
    else:
        sheets += _split("Changes", _table(result.compare(previous)))
    sheets += _fund_sheets(result)
    sheets.append(by_portfolio)
    if previous_quarters:
        sheets.append(_pai14_sheet(result, tuple(previous_quarters)))
    if len(notes) > MAX_SUMMARY_NOTES:
        frame = pd.DataFrame(notes, columns=["source", "text"])
        sheets.append(TableSheet(WARNINGS_SHEET, _printed(frame, ["source", "text"])))
    sheets.append(TableSheet("Overrides", _printed(result.overrides, _OVERRIDE_PRINT)))
    sheets.append(TableSheet("Criteria", _printed(_criteria_frame(result), _CRITERIA_PRINT, ("title",))))
    sheets.append(_about(result))
    return sheets


# ---------------------------------------------------------------------------- look-through

_FUND_PRINT = ["fund_id", "ticker", "file", "as_of", "weight_excluded", "excluded_issuers", "value_held"]
_FUND_FLAG_PRINT = ["portfolio_id", "route", "criterion_id", "market_value", "share_of_portfolio", "outcome"]


def _fund_sheets(result: ScreenResult) -> list[TableSheet]:
    """With look-through: the sheet "Funds" (each fund, the weight in it excluded, the excluded issuers
    it holds and the value held in it) and "Fund flags" (each flag through a fund, with its route)."""
    if result.fund_table.empty:
        return []
    funds = result.funds().sort_values(["weight_excluded", "fund_id"], ascending=[False, True], kind="stable")
    sheets = [TableSheet("Funds", _printed(funds, _FUND_PRINT, ("excluded_issuers",)))]
    return sheets + _split("Fund flags", _printed(result.fund_flags, _FUND_FLAG_PRINT, ("route",)))


def holdings_frame_rows(sheets: list[TableSheet]) -> pd.DataFrame:
    """The rows of a table split across `sheets`, together."""
    return pd.concat([s.table.frame for s in sheets]) if len(sheets) > 1 else sheets[0].table.frame
