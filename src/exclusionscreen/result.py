"""The result of a screen: every holding with its status, the flags and their evidence, the review.

Built once by :func:`exclusionscreen.screen`; the summary tables here feed the notebook view, the
command-line print-out and the Excel report alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from ._fast import isin
from .contracts import as_text
from .display import result_html, result_text
from .errors import ArgumentError, InputFileError
from .pai14 import average_pai14
from .report import write_report
from .rules import Policy
from .units import WEIGHTS_ONLY, portfolio_units
from .vocabulary import Status

__all__ = ["ScreenResult", "pai14_average"]

_FLAG_KEY = ["portfolio_id", "holding_key", "criterion_id"]
_COMPARED = ["outcome", "action", "via", "cause_name", "revenue_share"]
#: with look-through, the summary's value and weight flagged directly, through funds and in total
EXPOSURE_COLUMNS = [
    "flagged_value_direct",
    "flagged_value_indirect",
    "flagged_value_total",
    "flagged_weight_direct",
    "flagged_weight_indirect",
    "flagged_weight_total",
]
_EXPOSURE_NAMES = ["direct_value", "indirect_value", "total_value", "direct_weight", "indirect_weight", "total_weight"]
_FUND_FLAG_KEY = ["portfolio_id", "holding_key", "position", "criterion_id"]
#: a change of a position's weight in a portfolio through a fund line, at or above which compare() lists it
FUND_EXPOSURE_CHANGE = 0.0001
_LOOKTHROUGH_FRAMES = ("fund_flags", "fund_position_flags", "pai14_fund_flags", "fund_lines", "fund_table")


@dataclass(frozen=True)
class ScreenResult:
    """Everything a screen found. Frames are plain pandas; summaries are computed on demand."""

    holdings: pd.DataFrame
    flags: pd.DataFrame
    review: pd.DataFrame
    overrides: pd.DataFrame
    skipped: pd.DataFrame
    pai14_flags: pd.DataFrame
    as_of: pd.Timestamp
    policy: Policy
    warnings: tuple[str, ...] = ()
    cycles: tuple[tuple[str, ...], ...] = ()
    inputs: pd.DataFrame = field(default_factory=pd.DataFrame)
    list_sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    run_at: datetime | None = None
    library_version: str = field(default_factory=lambda: _version())
    restricted: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the load report's warnings (``LoadReport.warnings``) of the files screened
    load_warnings: tuple[str, ...] = ()
    #: look-through (empty without funds): flags of the funds' positions per fund line (the columns
    #: that say what and how much) and once per fund (with all their evidence), PAI 14's per fund,
    #: the portfolios' fund lines and the funds (see :mod:`exclusionscreen.lookthrough`)
    fund_flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    fund_position_flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    pai14_fund_flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    fund_lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    fund_table: pd.DataFrame = field(default_factory=pd.DataFrame)

    def __post_init__(self) -> None:
        # every text column of every table in the contracts' one text type (contracts.TEXT)
        for name in ("holdings", "flags", "review", "overrides", "skipped", "pai14_flags", "inputs", "restricted"):
            object.__setattr__(self, name, as_text(getattr(self, name)))
        for name in _LOOKTHROUGH_FRAMES:
            object.__setattr__(self, name, as_text(getattr(self, name)))

    # ------------------------------------------------------------------ summaries

    def overview(self) -> pd.DataFrame:
        """Per portfolio: holdings, market value and its currency, excluded / watch counts and weights, coverage.

        ``currency`` is the unit of the portfolio's values (see :meth:`currencies`); a portfolio
        of weights only has no market value (missing), its figures are weights."""
        h = self.holdings
        portfolios = self._portfolios()
        mv = self._values(portfolios)
        share = h["share_of_portfolio"].fillna(0.0)
        state, states = pd.factorize(h["status"])  # once, not one text comparison per status

        def status_is(status: Status) -> np.ndarray:
            return state == (states.get_loc(status.value) if status.value in states else -2)

        screenable = ~status_is(Status.NOT_APPLICABLE)
        resolved = h["issuer_id"].notna().to_numpy()
        excluded, watch = status_is(Status.EXCLUDED), status_is(Status.WATCH)
        sums = self._per_portfolio(
            pd.DataFrame(
                {
                    "market_value": mv,
                    "weight": share,
                    "weight_excluded": share.where(excluded, 0.0),
                    "weight_watch": share.where(watch, 0.0),
                    "_screenable_value": mv.where(screenable, 0.0),
                    "_resolved_value": mv.where(screenable & resolved, 0.0),
                }
            ),
            portfolios,
        )
        codes, ids = portfolios
        positions = ids.get_indexer(sums.index)

        def count(rows: np.ndarray) -> np.ndarray:
            return np.bincount(codes[rows & (codes >= 0)], minlength=len(ids)).astype(np.int64)[positions]

        out = pd.DataFrame(
            {
                "currency": self.currencies().set_index("portfolio_id")["currency"].reindex(sums.index),
                "holdings": count(np.ones(len(h), dtype=bool)),
                "market_value": sums["market_value"],
                "weight": sums["weight"],
                "excluded": count(excluded),
                "weight_excluded": sums["weight_excluded"],
                "watch": count(watch),
                "weight_watch": sums["weight_watch"],
                "clear": count(status_is(Status.CLEAR)),
                "unresolved": count(status_is(Status.UNRESOLVED)),
                "not_applicable": count(~screenable),
            },
            index=sums.index,
        )
        out["coverage"] = sums["_resolved_value"] / sums["_screenable_value"].where(sums["_screenable_value"] != 0)
        out["market_value"] = out["market_value"].where(out["currency"] != WEIGHTS_ONLY)
        return out.reset_index()

    def currencies(self) -> pd.DataFrame:
        """Per portfolio, the unit of its values: the currency of its market values (from the file's
        header, the form, or the ``currency`` given to the screen), ``"not stated"``,
        ``"weights only"`` (no market values: figures are weights) or ``"mixed: ..."``."""
        return self._units.reset_index()

    @cached_property
    def _units(self) -> pd.Series:
        # once per result: every summary and sheet asks (about 1 s for a million holdings)
        return portfolio_units(self.holdings)

    def summary(self) -> pd.DataFrame:
        """Per portfolio and criterion: holdings, market value (with its ``currency``; missing for a
        portfolio of weights only) and weight flagged (excluded, watch, exempt); with funds looked
        through, also the value and weight flagged directly, through funds and in total."""
        f = self.flags
        columns = [
            "portfolio_id",
            "criterion_id",
            "holdings_excluded",
            "holdings_watch",
            "holdings_exempt",
            "market_value_flagged",
            "currency",
            "weight_excluded",
            "weight_watch",
        ]
        if f.empty:
            return self._with_exposure(pd.DataFrame(columns=columns))
        share = f["share_of_portfolio"].fillna(0.0)
        frame = pd.DataFrame(
            {
                "portfolio_id": f["portfolio_id"],
                "criterion_id": f["criterion_id"],
                "holdings_excluded": (f["outcome"] == "exclude").astype(int),
                "holdings_watch": (f["outcome"] == "watch").astype(int),
                "holdings_exempt": (f["outcome"] == "exempt").astype(int),
                "market_value_flagged": f["market_value"].fillna(0.0).where(f["outcome"] != "exempt", 0.0),
                "weight_excluded": share.where(f["outcome"] == "exclude", 0.0),
                "weight_watch": share.where(f["outcome"] == "watch", 0.0),
            }
        )
        out = frame.groupby(["portfolio_id", "criterion_id"], sort=True).sum().reset_index()
        units = self.currencies().set_index("portfolio_id")["currency"]
        out["currency"] = out["portfolio_id"].astype("str").map(units).astype("str")
        out["market_value_flagged"] = out["market_value_flagged"].where(out["currency"] != WEIGHTS_ONLY)
        return self._with_exposure(out[columns])

    def _with_exposure(self, out: pd.DataFrame) -> pd.DataFrame:
        """With funds looked through: :meth:`summary` with the value and weight flagged (excluded or
        watch) held directly, through funds and in total (:data:`EXPOSURE_COLUMNS`, from
        :meth:`exposure`), and a row for each portfolio and criterion flagged only through funds."""
        if self.fund_table.empty:
            return out
        exposure = self.exposure().rename(columns=dict(zip(_EXPOSURE_NAMES, EXPOSURE_COLUMNS, strict=True)))
        keys = ["portfolio_id", "criterion_id"]
        out = out.astype({k: object for k in keys}).merge(
            exposure.astype({k: object for k in keys}), on=keys, how="outer", sort=True
        )
        counts = ["holdings_excluded", "holdings_watch", "holdings_exempt"]
        out = out.fillna(
            {c: 0 for c in counts} | {c: 0.0 for c in ["weight_excluded", "weight_watch", *EXPOSURE_COLUMNS]}
        )
        out = out.astype({c: "int64" for c in counts})
        units = self.currencies().set_index("portfolio_id")["currency"]
        out["currency"] = out["portfolio_id"].astype("str").map(units).astype("str")
        money = ["market_value_flagged", *(c for c in EXPOSURE_COLUMNS if "_value_" in c)]
        fill = out["currency"] != WEIGHTS_ONLY
        for column in money:
            out[column] = out[column].fillna(0.0).where(fill)
        return out.astype({k: "str" for k in keys}).reset_index(drop=True)

    def criteria_summary(self) -> pd.DataFrame:
        """Per criterion of the policy, across portfolios: holdings flagged and market value flagged.

        Market values of portfolios in different currencies are never added up: with portfolios in
        several units (currencies, "weights only"), there is one row per criterion and unit
        (``currency``); with one, one row per criterion."""
        s = self.summary()
        rows = pd.DataFrame(
            {"criterion_id": list(self.policy.criterion_ids), "title": [c.title for c in self.policy.criteria]}
        )
        units = pd.Index(sorted(self.currencies()["currency"].unique()), name="currency", dtype="str")
        if len(units) == 0:
            units = pd.Index([WEIGHTS_ONLY], name="currency", dtype="str")
        grid = rows.merge(pd.DataFrame({"currency": units}), how="cross")
        counts = ["holdings_excluded", "holdings_watch", "holdings_exempt"]
        if s.empty:
            out = grid.assign(**{c: 0 for c in counts}, market_value_flagged=0.0)
        else:
            totals = s.groupby(["criterion_id", "currency"])[[*counts, "market_value_flagged"]].sum(min_count=1)
            out = grid.merge(totals, left_on=["criterion_id", "currency"], right_index=True, how="left")
            out = out.fillna({c: 0 for c in counts} | {"market_value_flagged": 0.0}).astype(
                {c: "int64" for c in counts}
            )
        out["market_value_flagged"] = out["market_value_flagged"].where(out["currency"] != WEIGHTS_ONLY)
        values = [c for c in EXPOSURE_COLUMNS if "_value_" in c and c in s.columns]  # with look-through
        if values:
            sums = s.groupby(["criterion_id", "currency"])[values].sum(min_count=1) if len(s) else None
            for column in values:
                found = out.join(sums[column], on=["criterion_id", "currency"])[column] if sums is not None else 0.0
                out[column] = pd.Series(found, index=out.index).fillna(0.0).where(out["currency"] != WEIGHTS_ONLY)
        return out[["criterion_id", "title", *counts, "market_value_flagged", *values, "currency"]].reset_index(
            drop=True
        )

    def _portfolios(self) -> tuple[np.ndarray, pd.Index]:
        """Each holding's portfolio as a number (-1 where missing), and the portfolio ids in order."""
        codes, ids = pd.factorize(self.holdings["portfolio_id"], sort=True)
        return codes, pd.Index(ids, name="portfolio_id")

    @staticmethod
    def _per_portfolio(frame: pd.DataFrame, portfolios: tuple[np.ndarray, pd.Index]) -> pd.DataFrame:
        """Sums of the columns of `frame` (one row per holding) per portfolio, in portfolio order."""
        codes, ids = portfolios
        sums = frame.drop(columns="portfolio_id", errors="ignore").groupby(codes).sum()
        sums = sums[sums.index >= 0]  # holdings without a portfolio belong to none
        return sums.set_axis(ids[sums.index.to_numpy()])

    def _values(self, portfolios: tuple[np.ndarray, pd.Index] | None = None) -> pd.Series:
        """Each holding's value: its market value, or its weight where its portfolio gives no market values."""
        h = self.holdings
        codes, _ = self._portfolios() if portfolios is None else portfolios
        given = h["market_value"].notna().to_numpy()
        group = codes + 1  # holdings without a portfolio (code -1) make a group of their own
        has_values = (np.bincount(group[given], minlength=group.max(initial=-1) + 1) > 0)[group]
        return h["market_value"].where(has_values, h["share_of_portfolio"]).fillna(0.0)

    def pai14(self) -> pd.DataFrame:
        """SFDR PAI 14: share of investments in companies involved in the manufacture or selling of
        anti-personnel mines, cluster munitions, chemical or biological weapons, per portfolio (the
        criterion ``pai14_controversial_weapons`` as the policy ``sfdr_pai14`` applies it).

        ``pai14_all`` divides the value of involved investments by all investments (every holding);
        ``pai14_covered`` divides the involved investments among those covered by data (screenable
        holdings resolved to an issuer of the universe) by the covered investments; ``coverage`` is
        the covered share of all investments. Values are market values, or weights where a portfolio
        gives none (``currency`` says which: a currency code, or "weights only"). Overrides do not
        change PAI 14: it reports involvement.
        """
        h = self.holdings
        portfolios = self._portfolios()
        value = self._values(portfolios)
        involved_ids = self.pai14_flags.loc[self.pai14_flags["action"] == "exclude", "holding_id"]
        investee = h["status"] != Status.NOT_APPLICABLE.value
        involved = isin(h["holding_id"], involved_ids) & investee
        covered = investee & h["issuer_id"].notna()
        frame = pd.DataFrame(
            {
                "portfolio_id": h["portfolio_id"],
                "involved_value": value.where(involved, 0.0),
                "total_value": value,
                "involved_covered_value": value.where(involved & covered, 0.0),
                "covered_value": value.where(covered, 0.0),
            }
        )
        out = self._per_portfolio(frame, portfolios)
        out["pai14_all"] = out["involved_value"] / out["total_value"].where(out["total_value"] != 0)
        out["pai14_covered"] = out["involved_covered_value"] / out["covered_value"].where(out["covered_value"] != 0)
        out["coverage"] = out["covered_value"] / out["total_value"].where(out["total_value"] != 0)
        out = self._pai14_through_funds(out, value, involved)
        out.insert(0, "currency", self.currencies().set_index("portfolio_id")["currency"].reindex(out.index))
        return out.reset_index()

    # ------------------------------------------------------------------ look-through

    def _pai14_through_funds(self, out: pd.DataFrame, value: pd.Series, involved: pd.Series) -> pd.DataFrame:
        """PAI 14 split into direct and indirect (through funds) involvement, per portfolio.

        A fund line's indirect involvement is its value times the weight in the fund of the positions
        involved (each position once, whatever the criteria; ``pai14_fund_flags`` holds them once per
        fund); a fund line involved itself counts directly and not again. The indirect value joins
        ``involved_value`` and ``pai14_all``.
        """
        out["involved_direct_value"] = out["involved_value"]
        out["involved_indirect_value"] = 0.0
        f = self.pai14_fund_flags
        lines = self.fund_lines
        if not f.empty and not lines.empty:
            involved_positions = f[f["action"] == "exclude"].drop_duplicates(["fund_id", "position_id"])
            fund_share = involved_positions.groupby(involved_positions["fund_id"].astype(object))["fund_weight"].sum()
            h = self.holdings
            line_value = pd.Series(value.to_numpy(), index=h["holding_id"].astype(object))
            line_involved = pd.Series(np.asarray(involved, dtype=bool), index=line_value.index)
            seen = lines[lines["looked_through"].astype(bool)]
            keys = seen["holding_id"].astype(object)
            share = seen["fund_id"].astype(object).map(fund_share).fillna(0.0).to_numpy()
            through = line_value.reindex(keys).to_numpy() * share
            through = np.where(line_involved.reindex(keys).to_numpy(dtype=bool), 0.0, through)
            indirect = pd.Series(through).groupby(seen["portfolio_id"].astype(object).to_numpy()).sum()
            out["involved_indirect_value"] = indirect.reindex(out.index).fillna(0.0).to_numpy()
            out["involved_value"] = out["involved_direct_value"] + out["involved_indirect_value"]
            total = out["total_value"].where(out["total_value"] != 0)
            out["pai14_all"] = out["involved_value"] / total
        total = out["total_value"].where(out["total_value"] != 0)
        out["pai14_direct"] = out["involved_direct_value"] / total
        out["pai14_indirect"] = out["involved_indirect_value"] / total
        return out

    def exposure(self) -> pd.DataFrame:
        """Per portfolio and criterion: the market value and weight flagged (excluded or watch, not
        exempt) held directly, held through funds (look-through), and in total. A fund line flagged
        itself for a criterion counts as a whole, directly, and its positions not again for it."""
        columns = ["portfolio_id", "criterion_id"]
        parts = []
        for kind, f in (("direct", self.flags), ("indirect", self._fund_flags_not_flagged_whole())):
            if f.empty:
                continue
            counted = f["outcome"] != "exempt"
            parts.append(
                pd.DataFrame(
                    {
                        "portfolio_id": f["portfolio_id"].astype(object),
                        "criterion_id": f["criterion_id"].astype(object),
                        f"{kind}_value": f["market_value"].fillna(0.0).where(counted, 0.0),
                        f"{kind}_weight": f["share_of_portfolio"].fillna(0.0).where(counted, 0.0),
                    }
                )
            )
        names = ["direct_value", "indirect_value", "total_value", "direct_weight", "indirect_weight", "total_weight"]
        if not parts:
            return pd.DataFrame(columns=columns + names)
        out = pd.concat(parts).groupby(columns, sort=True).sum()
        out = out.reindex(columns=[c for c in names if not c.startswith("total")], fill_value=0.0).fillna(0.0)
        out["total_value"] = out["direct_value"] + out["indirect_value"]
        out["total_weight"] = out["direct_weight"] + out["indirect_weight"]
        return out.reset_index()[columns + names]

    def _fund_flags_not_flagged_whole(self) -> pd.DataFrame:
        """The fund flags, without those of a fund line flagged itself (not exempt) for the same
        criterion: that line counts as a whole, directly, and its contents not again."""
        f, d = self.fund_flags, self.flags
        if f.empty or d.empty:
            return f
        key = ["portfolio_id", "holding_id", "criterion_id"]
        whole = d.loc[d["outcome"] != "exempt", key].astype(object).drop_duplicates()
        if whole.empty:
            return f
        seen = pd.MultiIndex.from_frame(f[key].astype(object)).isin(pd.MultiIndex.from_frame(whole))
        return f[~seen]

    def lookthrough_coverage(self) -> pd.DataFrame:
        """Per portfolio: its fund lines, how many and what share of their value were looked through,
        and the oldest fund file's date and its gap in days to the screening date."""
        columns = ["portfolio_id", "fund_lines", "looked_through", "fund_value", "looked_through_value"]
        columns += ["coverage", "oldest_fund_as_of", "max_as_of_gap_days"]
        lines = self.fund_lines
        if lines.empty:
            return pd.DataFrame(columns=columns)
        seen = lines["looked_through"].astype(bool)
        frame = pd.DataFrame(
            {
                "portfolio_id": lines["portfolio_id"].astype(object),
                "fund_lines": 1,
                "looked_through": seen.astype(int),
                "fund_value": lines["market_value"].fillna(0.0),
                "looked_through_value": lines["market_value"].fillna(0.0).where(seen, 0.0),
                "oldest_fund_as_of": pd.to_datetime(lines["fund_as_of"]),
                "max_as_of_gap_days": lines["as_of_gap_days"],
            }
        )
        out = frame.groupby("portfolio_id", sort=True).agg(
            fund_lines=("fund_lines", "sum"),
            looked_through=("looked_through", "sum"),
            fund_value=("fund_value", "sum"),
            looked_through_value=("looked_through_value", "sum"),
            oldest_fund_as_of=("oldest_fund_as_of", "min"),
            max_as_of_gap_days=("max_as_of_gap_days", "max"),
        )
        by_value = out["looked_through_value"] / out["fund_value"].where(out["fund_value"] != 0)
        out["coverage"] = by_value.fillna(out["looked_through"] / out["fund_lines"])
        return out.reset_index()[columns]

    def funds(self) -> pd.DataFrame:
        """Per fund looked through: its identity, file and date, the weight in it that is excluded or on
        watch, the excluded issuers it holds, and the value the portfolios hold in it and, of that, excluded."""
        return self.fund_table.copy()

    def sources(self) -> pd.DataFrame:
        """Every reference list used, with its as-of date, and every input file with its SHA-256."""
        return self.list_sources.copy()

    def restricted_list(self) -> pd.DataFrame:
        """Every security of every excluded issuer known to the universe, held today or not.

        Issuers are excluded directly or through the ownership rules (so the bonds of a financing
        subsidiary of an involved parent are on it); exempt overrides take issuers or securities off.
        One row per security, for loading into a pre-trade check.
        """
        return self.restricted.copy()

    def to_excel(self, path: str | Path, *, previous: ScreenResult | str | Path | None = None) -> Path:
        """Write the quarterly exclusion report workbook to `path` (see :mod:`exclusionscreen.report`)."""
        return write_report(self, path, previous=previous)

    # ------------------------------------------------------------------ quarter on quarter

    def compare(self, previous: ScreenResult | str | Path) -> pd.DataFrame:
        """New, cleared and changed flags, status changes, and holdings that appeared or left; with
        look-through, flags through fund lines new, cleared, changed or whose weight in the portfolio
        moved by :data:`FUND_EXPOSURE_CHANGE` (one basis point) or more, per fund line and issuer.

        Holdings are matched across quarters by portfolio and ``holding_key`` (the security's first
        identifier, else its name). Returns one row per change with a ``change`` column.
        """
        prev = ScreenResult.load(previous) if not isinstance(previous, ScreenResult) else previous
        cur_f = self.flags.drop_duplicates(_FLAG_KEY)
        old_f = prev.flags.drop_duplicates(_FLAG_KEY)
        keep = _FLAG_KEY + ["security_name", "issuer_name"] + _COMPARED
        merged = cur_f[keep].merge(old_f[keep], on=_FLAG_KEY, how="outer", suffixes=("", "_previous"), indicator=True)
        merged["security_name"] = merged["security_name"].fillna(merged["security_name_previous"])
        merged["issuer_name"] = merged["issuer_name"].fillna(merged["issuer_name_previous"])
        changed = pd.Series(False, index=merged.index)
        both = merged["_merge"] == "both"
        for column in _COMPARED:
            a, b = merged[column], merged[f"{column}_previous"]
            changed |= both & ~((a == b).fillna(False) | (a.isna() & b.isna()))
        merged["change"] = pd.Series(pd.NA, index=merged.index, dtype="str")
        merged.loc[merged["_merge"] == "left_only", "change"] = "new_flag"
        merged.loc[merged["_merge"] == "right_only", "change"] = "cleared_flag"
        merged.loc[changed, "change"] = "changed_flag"
        flag_changes = merged[merged["change"].notna()].drop(
            columns=["_merge", "security_name_previous", "issuer_name_previous"]
        )

        hk = ["portfolio_id", "holding_key"]
        cur_h = self.holdings.drop_duplicates(hk)[hk + ["security_name", "status"]]
        old_h = prev.holdings.drop_duplicates(hk)[hk + ["security_name", "status"]]
        hm = cur_h.merge(old_h, on=hk, how="outer", suffixes=("", "_previous"), indicator=True)
        hm["security_name"] = hm["security_name"].fillna(hm["security_name_previous"])
        hm["change"] = pd.Series(pd.NA, index=hm.index, dtype="str")
        hm.loc[hm["_merge"] == "left_only", "change"] = "holding_added"
        hm.loc[hm["_merge"] == "right_only", "change"] = "holding_removed"
        hm.loc[(hm["_merge"] == "both") & (hm["status"] != hm["status_previous"]), "change"] = "status_changed"
        holding_changes = hm[hm["change"].notna()].drop(columns=["_merge", "security_name_previous"])
        out = pd.concat([flag_changes, holding_changes, self._fund_flag_changes(prev)], ignore_index=True)
        order = [
            "change",
            "portfolio_id",
            "holding_key",
            "security_name",
            "issuer_name",
            "criterion_id",
            "status_previous",
            "status",
        ]
        order += [c for c in out.columns if c not in order]
        out = out.reindex(columns=order)
        return out.sort_values(
            ["change", "portfolio_id", "holding_key", "criterion_id"], kind="stable", na_position="first"
        ).reset_index(drop=True)

    def _fund_indirect(self) -> pd.DataFrame:
        """The fund flags summed per portfolio, fund line (by its ``holding_key``), issuer (else the
        position's name) and criterion: the value and weight flagged through the line, and its outcome."""
        f = self.fund_flags
        columns = [*_FUND_FLAG_KEY, "fund_id", "security_name", "issuer_name", "outcome", "action"]
        if f.empty:
            return pd.DataFrame(columns=[*columns, "indirect_value", "indirect_weight"])
        keys = self.holdings.drop_duplicates(["portfolio_id", "holding_id"]).set_index(["portfolio_id", "holding_id"])
        line = pd.MultiIndex.from_arrays([f["portfolio_id"].astype(object), f["holding_id"].astype(object)])
        frame = pd.DataFrame(
            {
                "portfolio_id": f["portfolio_id"].astype(object).to_numpy(),
                "holding_key": keys["holding_key"].reindex(line).astype(object).to_numpy(),
                "position": f["issuer_id"].astype(object).fillna(f["security_name"].astype(object)).to_numpy(),
                "criterion_id": f["criterion_id"].astype(object).to_numpy(),
                "fund_id": f["fund_id"].astype(object).to_numpy(),
                "security_name": f["security_name"].astype(object).to_numpy(),
                "issuer_name": f["issuer_name"].astype(object).to_numpy(),
                "outcome": f["outcome"].astype(object).to_numpy(),
                "action": f["action"].astype(object).to_numpy(),
                "indirect_value": f["market_value"].fillna(0.0).to_numpy(dtype=float),
                "indirect_weight": f["share_of_portfolio"].fillna(0.0).to_numpy(dtype=float),
            }
        )
        grouped = frame.groupby(_FUND_FLAG_KEY, sort=False, dropna=False)
        first = grouped[["fund_id", "security_name", "issuer_name", "outcome", "action"]].first()
        return first.join(grouped[["indirect_value", "indirect_weight"]].sum()).reset_index()

    def _fund_flag_changes(self, prev: ScreenResult) -> pd.DataFrame:
        """Changes through funds: a position flagged through a fund line that was not (``new_fund_flag``)
        or no longer is (``cleared_fund_flag``), its outcome or action changed (``changed_fund_flag``),
        or its weight in the portfolio moved by :data:`FUND_EXPOSURE_CHANGE` or more
        (``fund_exposure_changed``), with the value and weight before and after."""
        cur, old = self._fund_indirect(), prev._fund_indirect()
        if cur.empty and old.empty:
            return pd.DataFrame()
        m = cur.merge(old, on=_FUND_FLAG_KEY, how="outer", suffixes=("", "_previous"), indicator=True)
        for column in ("fund_id", "security_name", "issuer_name"):
            m[column] = m[column].fillna(m[f"{column}_previous"])
        both = m["_merge"] == "both"
        moved = (m["indirect_weight"] - m["indirect_weight_previous"]).abs() >= FUND_EXPOSURE_CHANGE
        changed = both & ((m["outcome"] != m["outcome_previous"]) | (m["action"] != m["action_previous"]))
        m["change"] = pd.Series(pd.NA, index=m.index, dtype="str")
        m.loc[m["_merge"] == "left_only", "change"] = "new_fund_flag"
        m.loc[m["_merge"] == "right_only", "change"] = "cleared_fund_flag"
        m.loc[both & moved.fillna(False), "change"] = "fund_exposure_changed"
        m.loc[changed, "change"] = "changed_fund_flag"
        for column in ("indirect_value", "indirect_weight"):  # nothing flagged is zero, not unknown
            m[column] = m[column].fillna(0.0)
            m[f"{column}_previous"] = m[f"{column}_previous"].fillna(0.0)
        drop = ["_merge", "position", "fund_id_previous", "security_name_previous", "issuer_name_previous"]
        return m[m["change"].notna()].drop(columns=drop)

    # ------------------------------------------------------------------ persistence

    _FRAMES = (
        "holdings",
        "flags",
        "review",
        "overrides",
        "skipped",
        "pai14_flags",
        "inputs",
        "list_sources",
        "restricted",
        *_LOOKTHROUGH_FRAMES,
    )

    def save(self, directory: str | Path) -> Path:
        """Write the result to a folder of Parquet files plus ``result.json``; returns the folder."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        for name in self._FRAMES:
            frame = getattr(self, name).copy()
            frame.attrs = {}
            frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})
            frame.to_parquet(folder / f"{name}.parquet", index=False)
        meta = {
            "as_of": str(self.as_of.date()),
            "policy": self.policy.to_record(),
            "rule_hash": self.policy.rule_hash,
            "warnings": list(self.warnings),
            "cycles": [list(c) for c in self.cycles],
            "run_at": self.run_at.isoformat() if self.run_at else None,
            "library_version": self.library_version,
            "load_warnings": list(self.load_warnings),
        }
        (folder / "result.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, directory: str | Path) -> ScreenResult:
        """Read a result written by :meth:`save`."""
        folder = Path(directory)
        meta_path = folder / "result.json"
        if not meta_path.is_file():
            raise InputFileError(folder, "is not a saved screen result (no result.json)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        frames = {}
        for name in cls._FRAMES:
            path = folder / f"{name}.parquet"
            frames[name] = pd.read_parquet(path) if path.is_file() else pd.DataFrame()
        policy = Policy.from_record(meta["policy"])
        if policy.rule_hash != meta.get("rule_hash"):
            raise InputFileError(meta_path, "the saved rules do not match their recorded hash")
        return cls(
            **frames,
            as_of=pd.Timestamp(meta["as_of"]),
            policy=policy,
            warnings=tuple(meta.get("warnings", ())),
            cycles=tuple(tuple(c) for c in meta.get("cycles", ())),
            run_at=datetime.fromisoformat(meta["run_at"]) if meta.get("run_at") else None,
            library_version=meta.get("library_version", ""),
            load_warnings=tuple(meta.get("load_warnings", ())),
        )

    # ------------------------------------------------------------------ display

    def __str__(self) -> str:
        return result_text(self)

    def _repr_html_(self) -> str:
        return result_html(self)

    def __repr__(self) -> str:
        counts = self.holdings["status"].value_counts()
        parts = ", ".join(f"{s.value}={int(counts.get(s.value, 0))}" for s in Status)
        return (
            f"ScreenResult(as_of={self.as_of.date()}, policy={self.policy.id!r}, "
            f"holdings={len(self.holdings)}, flags={len(self.flags)}, {parts})"
        )


def pai14_average(quarters: Sequence[ScreenResult | str | Path]) -> pd.DataFrame:
    """SFDR PAI 14 per portfolio averaged over the quarter-end screens `quarters` (results, or
    folders written by :meth:`ScreenResult.save`; at most four, one per calendar quarter, within a
    year), with each quarter's figure and coverage: see :func:`.pai14.average_pai14`.

    With fewer than four quarters the mean is over those given, and ``complete`` is False.
    """
    if isinstance(quarters, str | Path) or not isinstance(quarters, Sequence):
        raise ArgumentError("quarters: give a list of one to four quarter-end results or saved result folders")
    results = []
    for i, item in enumerate(quarters):
        if isinstance(item, str | Path):
            item = ScreenResult.load(item)
        if not isinstance(item, ScreenResult):
            raise ArgumentError(
                f"quarters[{i}]: expected a ScreenResult or a saved result folder, got {type(item).__name__}"
            )
        results.append(item)
    return average_pai14(results)


def _version() -> str:
    try:
        return version("exclusionscreen")
    except PackageNotFoundError:  # pragma: no cover
        return "0.0.0"
