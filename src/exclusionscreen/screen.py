"""The screen: holdings x universe x policy -> a ScreenResult. The only place the datasets are joined.

A recipe of named stages, each a function from frames to frames in the module named for it (see
``docs/architecture.md``): resolve, evidence, evaluate, join, overrides, restricted list, status,
review. Contracts are checked at the boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime

import pandas as pd

from ._parallel import beside
from .contracts import FUND_FLAG_COLUMNS, Flags, FundFlags, ScreenedHoldings, validate
from .errors import ArgumentError
from .evaluate import PAI14_CRITERIA, evaluate_policy, shipped_catalogue
from .evidence import tie_evidence
from .holdings import LoadReport, LoadResult
from .holdings._asof import check_as_of
from .inputs import input_files, skipped_rows
from .join import join_hits
from .lookthrough import (
    append_positions,
    attribute_review,
    counted_once,
    expand_flags,
    fund_files,
    fund_lines,
    fund_lines_affected,
    fund_position_flags,
    fund_summary,
    load_funds,
    positions_to_screen,
    stale_funds,
    underlying,
)
from .overrides import apply_overrides, decisions_in_force
from .resolve import RESOLVED_COLUMNS, broadcast, prepare_holdings, prepare_universe, resolve_securities
from .restricted import restricted_list
from .result import ScreenResult
from .review import review_rows
from .rulefiles import load_policy
from .rules import Policy
from .status import holding_status
from .units import currency_warnings, portfolio_units, with_currency
from .universe import Universe

__all__ = ["PAI14_CRITERIA", "screen"]

#: the columns the screen adds to the holdings (checked against the ScreenedHoldings contract)
_SCREEN_COLUMNS = [
    "status",
    "issuer_id",
    "issuer_name",
    "ultimate_parent_id",
    "resolution_method",
    "resolution_confidence",
    "criteria_hit",
    "reason",
]


def screen(
    holdings: pd.DataFrame | LoadResult,
    universe: Universe,
    policy: Policy | str,
    *,
    as_of=None,
    overrides=None,
    decisions=None,
    load_report: LoadReport | None = None,
    match_threshold: float = 0.90,
    review_threshold: float = 0.80,
    currency: str | Mapping[str, str] | None = None,
    funds=None,
    max_depth: int | None = None,
) -> ScreenResult:
    """Screen `holdings` against `universe` with `policy` on the date `as_of`.

    `holdings` is a frame, or what :func:`~exclusionscreen.load_holdings` returned; `load_report`
    is the report of a frame that came from it (its files' skipped rows and checksums go to the
    result, for the files still present). `overrides` and `decisions` are CSV paths or frames (see
    :mod:`exclusionscreen.overrides`). Name matches (issuer resolution by name, entity lists,
    name-only evidence) count at or above `match_threshold`; those between `review_threshold` and
    it go to ``result.review``. `currency` is the currency of the market values (an ISO 4217 code,
    or a mapping of portfolio id to code) for the portfolios whose files state none (see
    :mod:`exclusionscreen.units`).

    `funds` (a folder of fund holdings files, a mapping of fund ISIN to holdings, or
    :class:`~exclusionscreen.lookthrough.Funds`) turns on look-through: a holding that names one of
    those funds is screened through its positions as well, nested funds to `max_depth` levels (see
    :mod:`exclusionscreen.lookthrough` and ``docs/lookthrough.md``).
    """
    if not 0 < review_threshold <= match_threshold <= 1:
        raise ArgumentError("need 0 < review_threshold <= match_threshold <= 1")
    holdings, load_report = _holdings_and_report(holdings, load_report)
    holdings = with_currency(holdings, currency)
    policy = load_policy(policy)
    # look-through: each fund's positions, flattened once, join the holdings as rows of their own
    direct = len(holdings)
    fund_input = _fund_positions(funds, max_depth)
    if fund_input is not None:
        holdings = append_positions(holdings, fund_input[2])
    # resolve. The universe's side does not depend on the holdings: it is prepared in a second thread
    # while the holdings are validated. With the copy below, the two second threads save about 1 s of
    # 14 (fastest of 8 runs: 12.8 s against 13.9 s without, benchmark data on a shared 2-core machine)
    prepared, (h, codes, securities) = beside(
        lambda: prepare_universe(universe), lambda: prepare_holdings(holdings), name="universe"
    )
    day = _screening_date(as_of, h)
    warnings = _warnings(policy, universe, day, as_of is None and h["as_of"].iloc[:direct].isna().all())
    warnings += prepared.problems + _missing_lists(policy, universe)
    warnings += check_as_of(h, day) + currency_warnings(portfolio_units(h))
    decided, notes = decisions_in_force(decisions, securities, universe, day)
    warnings += notes
    thresholds = {"match_threshold": match_threshold, "review_threshold": review_threshold}
    per_security = resolve_securities(securities, universe, prepared, decisions=decided, **thresholds)
    warnings += [
        f"ownership cycle among issuers {', '.join(c)}: its links are not followed, and their ultimate parent "
        "is left as themselves"
        for c in prepared.cycles
    ]
    # evidence and evaluate; meanwhile each holding's resolution is copied from its security's in a
    # second thread (about 0.7 s of Arrow's take for a million holdings, which lets this thread run)
    resolved, (evidence, (hits, pai_hits)) = beside(
        lambda: broadcast(per_security, codes, h.index),
        lambda: _evidence_and_hits(universe, securities, per_security, prepared, policy, day, thresholds),
        name="broadcast",
    )
    warnings += evidence.warnings
    # join, overrides, restricted list, status, review
    base = h.assign(**{c: resolved[c] for c in RESOLVED_COLUMNS})
    flags = join_hits(base, codes, per_security["subject_id"], hits, prepared.names)
    flags, override_table = apply_overrides(
        flags, base, securities, overrides, universe, policy, shipped_catalogue(), day
    )
    pai_flags = join_hits(base, codes, per_security["subject_id"], pai_hits, prepared.names)
    restricted = restricted_list(hits, override_table, universe, securities, prepared.names)
    screened = holding_status(base, resolved, flags, codes, per_security)
    review = review_rows(screened, codes, per_security, evidence.review, prepared.names)
    screened, flags, pai_flags, restricted, looked = _looked_through(
        fund_input, direct, (h, codes, securities), screened, flags, pai_flags, restricted, day, review, override_table
    )
    review, override_table = looked.pop("review", review), looked.pop("overrides", override_table)
    warnings += looked.pop("warnings")
    h = h.iloc[:direct]
    flags = validate(flags.drop(columns=["_row", "subject_id"]), Flags, source="flags")
    # the holdings' own columns passed the Holdings contract on the way in; the screen's are checked here
    screened = validate(screened, ScreenedHoldings, source="screened holdings", only=_SCREEN_COLUMNS)
    return ScreenResult(
        holdings=screened,
        flags=flags,
        review=review,
        overrides=override_table,
        skipped=skipped_rows(load_report, h),
        pai14_flags=pai_flags,
        as_of=day,
        policy=policy,
        warnings=tuple(warnings),
        cycles=tuple(tuple(c) for c in prepared.cycles),
        inputs=_with_fund_files(input_files(load_report, h, universe, overrides, decisions), fund_input),
        list_sources=universe.sources,
        run_at=datetime.now(UTC).replace(microsecond=0),
        restricted=restricted,
        load_warnings=tuple(load_report.warnings) if load_report is not None else (),
        **looked,
    )


def _evidence_and_hits(universe, securities, per_security, prepared, policy, day, thresholds):
    """The evidence stage, then the evaluate stage: (the evidence, (the policy's hits, PAI 14's))."""
    evidence = tie_evidence(universe, securities, per_security, prepared, day, **thresholds)
    hits, pai_hits, unknown_shares = evaluate_policy(policy, universe, evidence, day, prepared.names)
    if len(unknown_shares):  # unknown revenue shares the policy sends to review join the evidence to review
        evidence = replace(evidence, review=pd.concat([evidence.review, unknown_shares], ignore_index=True))
    return evidence, (hits, pai_hits)


def _holdings_and_report(holdings, load_report) -> tuple[pd.DataFrame, LoadReport | None]:
    """The holdings frame and its load report, from a LoadResult or a frame and `load_report`."""
    if isinstance(holdings, LoadResult):
        if load_report is not None:
            raise ArgumentError("load_report: the holdings are a LoadResult, which carries its own report")
        return holdings.holdings, holdings.report
    if not isinstance(holdings, pd.DataFrame):
        raise ArgumentError(
            f"holdings: expected a DataFrame or what load_holdings returned, got {type(holdings).__name__}"
        )
    if load_report is not None and not isinstance(load_report, LoadReport):
        raise ArgumentError(f"load_report: expected a LoadReport, got {type(load_report).__name__}")
    return holdings, load_report


def _screening_date(value, holdings: pd.DataFrame) -> pd.Timestamp:
    """`value` as a date; by default the holdings' latest stated date, else today."""
    if value is None:
        stated = holdings["as_of"].dropna()
        return stated.max().normalize() if len(stated) else pd.Timestamp(date.today())
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        raise ArgumentError(f"as_of: {value!r} is not a date (use YYYY-MM-DD)") from None


def _warnings(policy: Policy, universe: Universe, day: pd.Timestamp, today: bool) -> list[str]:
    """What to say about the screening date: chosen as today, outside the policy's dates, or long
    after the date of a bundled list (more than a year)."""
    out = []
    if today:
        out.append(
            f"no screening date was given and the holdings state none: screened as of today, {day.date()}; "
            "lists and evidence valid today were applied (pass as_of for the holdings' own date)"
        )
    if not policy.applies_on(day.date()):
        out.append(
            f"policy {policy.id} applies from {policy.applies_from or '-'} to "
            f"{policy.applies_until or '-'}, not on the screening date {day.date()}"
        )
    sources = universe.sources
    if sources is None or sources.empty or "as_of" not in sources.columns:
        return out
    as_of = pd.to_datetime(sources["as_of"], errors="coerce")
    bundled = sources["bundled"].fillna(True).astype(bool) if "bundled" in sources.columns else True
    old = sources[bundled & ((day - as_of) > pd.Timedelta(days=365))]
    return out + [
        f"bundled list {list_id} is dated {pd.Timestamp(date_).date()}, more than a year before the screening "
        f"date {day.date()}"
        for list_id, date_ in zip(old["list_id"], old["as_of"], strict=True)
    ]


def _missing_lists(policy: Policy, universe: Universe) -> list[str]:
    """Lists that the policy's criteria read but the universe does not hold (they can catch nothing)."""
    held = set(universe.country_lists["list_id"]) | set(universe.entity_lists["list_id"])
    return [
        f"criterion {c.id} reads list {list_id}, which the universe does not hold"
        for c in policy.criteria
        for list_id in (*c.country_lists, *c.entity_lists)
        if list_id not in held
    ]


def _fund_positions(funds, max_depth) -> tuple | None:
    """The funds read, flattened (rows, unexpanded) and their positions as holdings rows; None without funds."""
    if funds is None:
        if max_depth is not None:
            raise ArgumentError("max_depth: given without funds to look through")
        return None
    funds = load_funds(funds)
    rows, unexpanded = underlying(funds, max_depth)
    return funds, (rows, unexpanded), positions_to_screen(funds, rows)


def _looked_through(
    fund_input, direct, prepared_holdings, screened, flags, pai_flags, restricted, day, review, override_table
):
    """The look-through's part of the result: the direct holdings and flags kept apart from the funds'
    positions, whose flags are repeated for each fund line (:func:`~exclusionscreen.lookthrough.expand_flags`);
    the review rows and the overrides' counts on the positions given to the fund lines that carry them."""
    if fund_input is None:
        return screened, flags, pai_flags.drop(columns="_row"), restricted, {"warnings": []}
    funds, (rows, unexpanded), _ = fund_input
    positions = screened.iloc[direct:].reset_index(drop=True)
    h, codes, securities = prepared_holdings
    lines = fund_lines(h.iloc[:direct], codes, securities, funds, day)
    through = flags["_row"].to_numpy() >= direct
    pai_through = pai_flags["_row"].to_numpy() >= direct
    # a nested fund flagged itself for a criterion counts as a whole for it, its contents not again
    inside = flags[through]
    kept = counted_once(
        rows,
        inside["_row"].to_numpy() - direct,
        inside["criterion_id"].astype(object).to_numpy(),
        inside["outcome"].astype(object).to_numpy() != "exempt",
    )
    inside_pai = pai_flags[pai_through]
    kept_pai = counted_once(
        rows,
        inside_pai["_row"].to_numpy() - direct,
        inside_pai["criterion_id"].astype(object).to_numpy(),
        inside_pai["action"].astype(object).to_numpy() == "exclude",
    )
    per_fund = fund_position_flags(inside[kept], rows, funds, direct).drop(columns="subject_id")
    # the fund flags' own columns (their others came from the screen's flags)
    per_fund = validate(per_fund, FundFlags, source="fund flags", only=FUND_FLAG_COLUMNS)[per_fund.columns]
    fund_flags = expand_flags(per_fund, lines, len(funds))
    # PAI 14 needs only each fund's involved weight: its flags stay once per fund
    pai_fund_flags = fund_position_flags(inside_pai[kept_pai], rows, funds, direct).drop(columns=["subject_id", "_top"])
    summary = fund_summary(funds, rows, positions, lines)
    # which funds hold each excluded issuer, on the restricted list
    excluded = positions["status"].astype(object).to_numpy() == "excluded"
    carriers = (
        pd.DataFrame(
            {
                "issuer_id": positions["issuer_id"].astype(object).to_numpy()[excluded],
                "fund_id": funds.index["fund_id"].to_numpy()[rows["top"].to_numpy()[excluded]],
            }
        )
        .dropna()
        .drop_duplicates()
        .sort_values(["issuer_id", "fund_id"])
        .groupby("issuer_id")["fund_id"]
        .agg("; ".join)
    )
    if "issuer_id" in restricted.columns:
        restricted = restricted.assign(held_in_funds=restricted["issuer_id"].astype(object).map(carriers))
    notes = stale_funds(funds.index, day)
    notes += [
        f"fund {fund} holds fund {nested} ({weight:.2%}), not looked through: max_depth stops there"
        for fund, nested, weight in unexpanded.itertuples(index=False)
    ]
    missing = lines[~lines["looked_through"]]
    if len(missing):
        notes.append(
            f"{len(missing)} fund line(s) could not be looked through (no holdings file given for them), "
            f"e.g. {missing['security_name'].iloc[0]} in {missing['portfolio_id'].iloc[0]}"
        )
    screened = screened.iloc[:direct]
    direct_flags = flags[~through]
    return (
        screened,
        direct_flags,
        pai_flags[~pai_through].drop(columns="_row"),
        restricted,
        {
            "warnings": notes,
            "fund_flags": fund_flags,
            "fund_position_flags": per_fund.drop(columns="_top"),
            "pai14_fund_flags": pai_fund_flags,
            "fund_lines": lines.drop(columns=["_row", "fund"]),
            "fund_table": summary,
            # review rows and overrides' counts on the funds' positions go to the fund lines carrying them
            "review": attribute_review(review, rows, funds, lines),
            "overrides": fund_lines_affected(override_table, fund_flags, direct_flags),
        },
    )


def _with_fund_files(inputs: pd.DataFrame, fund_input) -> pd.DataFrame:
    """The result's input files, with the fund holdings files read for the look-through."""
    if fund_input is None:
        return inputs
    return pd.concat([inputs, fund_files(fund_input[0])], ignore_index=True)
