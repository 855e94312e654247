"""Plain-text and HTML renderings of criteria, policies and results, for the CLI and notebooks.

HTML escapes every value that comes from a file; the plain-text form is always available first.
"""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING

import pandas as pd

from .vocabulary import Evidence

if TYPE_CHECKING:  # the renderer reads the model's types; the model imports the renderer
    from .result import ScreenResult
    from .rules import Criterion, Policy

__all__ = [
    "criterion_text",
    "dates_text",
    "evidence_rules_text",
    "frame_html",
    "ownership_text",
    "policy_html",
    "policy_text",
]


def _criterion_lines(c: Criterion) -> list[tuple[str, str]]:
    rows = [
        ("id", c.id),
        ("version", c.version),
        ("title", c.title),
        ("basis", c.basis.value),
        ("evidence", c.evidence.value),
        ("action", c.action.value),
        ("definition", c.definition),
    ]
    if c.categories:
        rows.append(("categories", ", ".join(c.categories)))
    if c.involvement_types:
        rows.append(("involvement types", ", ".join(c.involvement_types)))
    if c.revenue_threshold is not None:
        rows.append(("revenue threshold", c.threshold_text))
    if c.country_lists:
        rows.append(("country lists", ", ".join(c.country_lists)))
    if c.list_actions:
        rows.append(("list actions", ", ".join(f"{k}: {v.value}" for k, v in c.list_actions)))
    if c.lookback_years:
        rows.append(("look-back", f"{c.lookback_years} years"))
    if c.entity_lists:
        rows.append(("entity lists", ", ".join(c.entity_lists)))
    rows.append(("ownership", ownership_text(c)))
    if evidence_rules_text(c):
        rows.append(("evidence rules", evidence_rules_text(c)))
    for ref in c.references:
        rows.append(("reference", str(ref) + (f" <{ref.url}>" if ref.url else "")))
    if c.notes:
        rows.append(("notes", c.notes))
    return rows


def ownership_text(c: Criterion) -> str:
    """The ownership rules of a criterion in words."""
    if c.evidence is Evidence.SOVEREIGN:
        return "not applicable (states)"
    o, parts = c.ownership, []
    if o.controlling_parents is not None:
        parts.append(f"controlling parents of an involved company: {o.controlling_parents.value}")
    if o.controlled_subsidiaries is not None:
        parts.append(f"subsidiaries an involved company controls: {o.controlled_subsidiaries.value}")
    if o.minority_owners_min_share is not None:
        action = (o.minority_owners_action or c.action).value
        parts.append(f"owners of >= {o.minority_owners_min_share:.0%} of an involved company: {action}")
    return "; ".join(parts) if parts else "involved company only"


def evidence_rules_text(c: Criterion) -> str:
    """The criterion's settings for unknown revenue shares and old evidence in words, or '' when both
    are the defaults (an unknown share gives watch; evidence does not age)."""
    parts = []
    if c.unknown_share.value != "watch":
        parts.append(f"an unknown revenue share gives {c.unknown_share.value}")
    if c.max_evidence_age_years is not None:
        parts.append(f"evidence older than {c.max_evidence_age_years} years gives watch")
    return "; ".join(parts)


def dates_text(p: Policy) -> str:
    """The dates a policy applies, in words, or '' when it has none."""
    if not (p.applies_from or p.applies_until):
        return ""
    return f"Applies from {p.applies_from or '(no start)'} to {p.applies_until or '(no end)'}"


def criterion_text(c: Criterion) -> str:
    """A criterion as aligned plain text."""
    width = 18
    out = []
    for key, value in _criterion_lines(c):
        wrapped = textwrap.wrap(value, 90 - width) or [""]
        out.append(f"{key:<{width}}{wrapped[0]}")
        out.extend(" " * width + line for line in wrapped[1:])
    return "\n".join(out)


def policy_text(p: Policy) -> str:
    """A policy and the effective settings of each criterion it applies, as plain text."""
    lines = [f"{p.title} ({p.id} v{p.version})", p.description]
    if dates_text(p):
        lines.append(dates_text(p))
    lines.extend(f"Reference: {r}" for r in p.references)
    if p.notes:
        lines.append(f"Notes: {p.notes}")
    lines.append(f"Rule-set hash: {p.rule_hash}")
    lines.append("")
    for c in p.criteria:
        lines.append(
            f"- {c.id} v{c.version}: {c.title}, {c.action.value}"
            + (f", {c.threshold_text}" if c.threshold_text else "")
        )
    return "\n".join(lines)


def frame_html(frame, caption: str = "") -> str:
    """An escaped HTML table of a small frame."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        body.append("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _fmt(value) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def policy_html(p: Policy) -> str:
    """A policy as an escaped HTML block for notebooks."""
    table = pd.DataFrame(
        [
            {
                "criterion": c.id,
                "version": c.version,
                "title": c.title,
                "basis": c.basis.value,
                "action": c.action.value,
                "threshold": c.threshold_text,
                "ownership": ownership_text(c),
            }
            for c in p.criteria
        ]
    )
    dates = f"<p>{html.escape(dates_text(p))}</p>" if dates_text(p) else ""
    return (
        f"<div><h4>{html.escape(p.title)} ({html.escape(p.id)} v{html.escape(p.version)})</h4>"
        f"<p>{html.escape(p.description)}</p>{dates}{frame_html(table)}</div>"
    )


def _pct(value) -> str:
    try:
        if value is None or pd.isna(value):
            return "-"
    except (TypeError, ValueError):
        pass
    return f"{value:.2%}"


def _value(value, unit) -> str:
    """A portfolio's market value with its unit; "weights only" where it has none."""
    if value is None or pd.isna(value):
        return "weights only" if unit == "weights only" else "-"
    return f"{value:,.0f}" + ("" if unit in (None, "not stated") or pd.isna(unit) else f" {unit}")


def result_tables(result: ScreenResult) -> dict:
    """The summary tables a result is shown with, built once for text, HTML and the CLI."""
    overview = result.overview().merge(
        result.pai14()[["portfolio_id", "pai14_all", "pai14_covered"]], on="portfolio_id", how="left"
    )
    portfolios = pd.DataFrame(
        {
            "portfolio": overview["portfolio_id"],
            "holdings": overview["holdings"],
            "market value": [
                _value(v, unit) for v, unit in zip(overview["market_value"], overview["currency"], strict=True)
            ],
            "excluded": overview["excluded"].astype(str) + " (" + overview["weight_excluded"].map(_pct) + ")",
            "watch": overview["watch"].astype(str) + " (" + overview["weight_watch"].map(_pct) + ")",
            "unresolved": overview["unresolved"],
            "coverage": overview["coverage"].map(_pct),
            "PAI 14": overview["pai14_all"].map(_pct),
        }
    )
    counts = ["holdings_excluded", "holdings_watch", "holdings_exempt"]
    crit = result.criteria_summary().groupby("criterion_id", sort=False)[counts].sum().reset_index()  # over units
    crit = crit[(crit["holdings_excluded"] + crit["holdings_watch"] + crit["holdings_exempt"]) > 0]
    criteria = pd.DataFrame(
        {
            "criterion": crit["criterion_id"],
            "excluded": crit["holdings_excluded"].astype(int),
            "watch": crit["holdings_watch"].astype(int),
            "exempt": crit["holdings_exempt"].astype(int),
        }
    )
    return {"portfolios": portfolios, "criteria": criteria}


def _text_table(frame) -> str:
    if frame.empty:
        return "  (none)"
    cells = [list(map(str, frame.columns))] + [
        [_fmt(v) if not isinstance(v, str) else v for v in row] for row in frame.itertuples(index=False)
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def result_text(result: ScreenResult) -> str:
    """A screen result as plain text: per portfolio, per criterion, warnings."""
    tables = result_tables(result)
    lines = [
        f"Screen as of {result.as_of.date()} with policy {result.policy.id} v{result.policy.version}",
        f"{len(result.holdings):,} holdings, {len(result.flags):,} flags, {len(result.review):,} items to review",
        "",
        "Portfolios:",
        _text_table(tables["portfolios"]),
        "",
        "Criteria hit:",
        _text_table(tables["criteria"]),
    ]
    if len(result.skipped):
        lines += ["", f"{len(result.skipped):,} file rows were not holdings (preamble, footer, totals...)"]
    if result.warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in result.warnings]
    return "\n".join(lines)


def result_html(result: ScreenResult) -> str:
    """A screen result as escaped HTML for notebooks, from the same tables as :func:`result_text`."""
    tables = result_tables(result)
    head = (
        f"<h4>Screen as of {html.escape(str(result.as_of.date()))} with policy "
        f"{html.escape(result.policy.id)} v{html.escape(result.policy.version)}</h4>"
        f"<p>{len(result.holdings):,} holdings, {len(result.flags):,} flags, "
        f"{len(result.review):,} items to review</p>"
    )
    warn = ""
    if result.warnings:
        warn = "<ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings) + "</ul>"
    return (
        f"<div>{head}{frame_html(tables['portfolios'], 'Portfolios')}"
        f"{frame_html(tables['criteria'], 'Criteria hit')}{warn}</div>"
    )
