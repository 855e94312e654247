"""Time the screening engine against a DuckDB implementation of the same joins, and measure its memory.

A deterministic synthetic universe (100,000 fictional issuers by default, their securities, parent
links, involvement evidence, country exposure, the bundled country and entity lists plus a few
fictional entity-list entries) and 1,000 portfolios of 1,000 holdings drawn from a shared pool of
securities are screened with the ``broad`` policy (every shipped criterion). The same data then go
through a reference written in DuckDB SQL from the documented rules (docs/methodology.md), reading
only the criteria's settings: resolution by ISIN, ticker with exchange and exact normalised name;
involvement x criteria scope with shares summed per source and year, unknown shares, evidence that
ended (valid_to) or aged; country exposure by supply category with each list's action; sovereigns;
entity lists by exact name with pooled aliases and the lists' places; control along chains and
minority owners; PAI 14 from its own criterion; join back to holdings, status per holding and the
summaries. The reference does no fuzzy matching and no legal-form check: it is a floor for the joins,
and the full run is compared on what the engine did not match fuzzily.

Every issuer, security and portfolio is fictional: names are invented words with a serial number
(``Talvorin Bexmark Dynamics 000123 plc``), sovereign issuers are named ``Sovereign bond issuer KP
(synthetic)``, evidence sources read ``synthetic benchmark data``. Country codes and the bundled
lists are real; the synthetic rows only say which fictional issuer delivered where.

Measurement: the data are generated once; the engine and the reference then each run in a fresh
child process forked from that state (same inputs, same warmed-up library caches, neither inherits
the other's freed memory). Time is wall-clock (``time.perf_counter``). Memory is the high-water mark
of the process's resident set (Linux ``VmHWM``, reset through ``/proc/self/clear_refs`` at the start
of each stage) minus the resident set when the run started, i.e. the most memory the run held on top
of its inputs at any moment of the stage, whatever allocated it (pandas, Arrow, DuckDB, rapidfuzz).
Where that reset is not available the figures are the process's lifetime peak and are marked so.

Engine and reference run ``--repeats`` times (3 by default), alternately, and the fastest run of
each is reported: on a shared machine a slow spell inflates single runs by up to a third.

Run: ``.venv/bin/python benchmarks/bench_screen.py [--portfolios 1000 --holdings 1000 --issuers 100000
--pool 20000 --seed 0 --repeats 3]``. ``--profile FILE`` writes a cProfile of the engine's ``screen()`` call.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import os
import pickle
import platform
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sql_names import suffix_pattern as _suffix_pattern

import exclusionscreen as xs
from exclusionscreen.evaluate import PAI14_CRITERIA, PAI14_POLICY
from exclusionscreen.identifiers import isin_check_digit
from exclusionscreen.resolve import NOT_SCREENABLE
from exclusionscreen.rules import Policy
from exclusionscreen.vocabulary import Evidence

#: the module (the package exports its screen() function under the same name)
screen_module = importlib.import_module("exclusionscreen.screen")

AS_OF = pd.Timestamp("2026-09-30")
POLICY = "broad"
SOURCE = "synthetic benchmark data"
TARGET_SECONDS = 5.0
TARGET_RATIO = 2.0

# ---------------------------------------------------------------------------------------------- data

_FIRST = "Tal Ver Mor Kel Bra Quin Zor Fen Dra Ost Lum Cal Hex Pyr Vel Nor Gal Ser Tor Wim".split()
_SECOND = (
    "vorin mark dale wick thorne vane moor crest holt ridge gard ford lyn mere stead ton brook fell haven worth".split()
)
_SECTOR = (
    "Dynamics Systems Industries Logistics Materials Engineering Foods Textiles Analytics Energy Marine Optics "
    "Chemicals Aerospace Retail Shipping"
).split()
_FORM = "plc Ltd AG SA Inc NV Oyj AB SpA GmbH".split()
_COUNTRY = "GB US DE FR JP NL SE CH CA AU IT ES FI DK NO".split()
_EXCHANGE = "XLON XNYS XETR XPAR XTKS XAMS XSTO".split()
#: recipients of the synthetic deliveries: listed (embargoed or Not Free) and unlisted states
_RECIPIENTS = "BY RU KP MM IR SD VE SA AE CN SS LY NO DK NZ FI CA JP IE PT".split()
#: sovereign issuers: states on the bundled embargo lists and states on none
_SOVEREIGN = "KP RU BY IR MM VE SD LY DE FR JP US GB NO CA AU".split()
_OUT_OF_SCOPE_TYPES = ["dual_use_components", "delivery_systems", "services", "sale"]


def _words(rng: np.random.Generator, n: int) -> np.ndarray:
    first = np.asarray(_FIRST)[rng.integers(0, len(_FIRST), n)]
    second = np.asarray(_SECOND)[rng.integers(0, len(_SECOND), n)]
    return np.char.add(first, second)


def _isins(prefix: np.ndarray, body: np.ndarray) -> np.ndarray:
    """Valid ISINs from 2-letter prefixes and 9-character bodies (check digit per distinct body)."""
    stem = np.char.add(prefix.astype(str), body.astype(str))
    return np.asarray([s + isin_check_digit(s) for s in stem], dtype=object)


def _typo(names: pd.Series) -> pd.Series:
    """A one-letter slip in the first word (the third letter dropped): a fuzzy, not an exact, match."""
    return names.str.slice(0, 2) + names.str.slice(3)


@dataclass
class Dataset:
    """A screen's inputs: the holdings frame and the universe's parts as plain frames."""

    holdings: pd.DataFrame
    issuers: pd.DataFrame
    securities: pd.DataFrame
    involvement: pd.DataFrame
    country_exposure: pd.DataFrame
    entity_lists: pd.DataFrame
    pool: pd.DataFrame

    def universe(self) -> xs.Universe:
        return xs.Universe.from_frames(
            issuers=self.issuers,
            securities=self.securities,
            involvement=self.involvement,
            country_exposure=self.country_exposure,
            entity_lists=self.entity_lists,
            include_bundled=True,
        )


def generate(portfolios: int, holdings: int, issuers: int, pool: int, seed: int, *, fuzzy: bool = True) -> Dataset:
    """The synthetic data set; the same arguments give the same frames.

    With `fuzzy` False no holding or evidence name is a misspelling, so every match is exact and the
    engine and the reference must agree flag for flag.
    """
    rng = np.random.default_rng(seed)
    n = issuers
    ids = np.char.add("ISS", np.char.zfill(np.arange(n).astype(str), 6))
    serial = np.char.zfill(np.arange(n).astype(str), 6)
    core = pd.Series(_words(rng, n)) + " " + pd.Series(_words(rng, n)) + " "
    core = core + pd.Series(np.asarray(_SECTOR)[rng.integers(0, len(_SECTOR), n)]) + " " + serial
    form = pd.Series(np.asarray(_FORM)[rng.integers(0, len(_FORM), n)])
    issuer_type = np.full(n, "corporate", dtype=object)
    country = np.asarray(_COUNTRY)[rng.integers(0, len(_COUNTRY), n)].astype(object)
    n_sov = min(len(_SOVEREIGN), max(n // 1000, 1))
    sov = rng.choice(n, n_sov, replace=False)
    issuer_type[sov] = "sovereign"
    country[sov] = _SOVEREIGN[:n_sov]
    name = (core + " " + form).to_numpy(dtype=object)
    name[sov] = [f"Sovereign bond issuer {c} (synthetic)" for c in _SOVEREIGN[:n_sov]]
    # aliases: the first two words and the serial, for one issuer in ten
    aliases = pd.Series(core.str.split(" ").str[:2].str.join(" ") + " " + serial).where(rng.random(n) < 0.1)
    aliases[sov] = np.nan

    # ownership: 2 % top parents, 3 % mid-level companies under them, 7 % leaves under either
    corporate = np.setdiff1d(np.arange(n), sov)
    order = rng.permutation(corporate)
    n_top, n_mid, n_leaf = int(n * 0.02), int(n * 0.03), int(n * 0.07)
    top, mid, leaf = order[:n_top], order[n_top : n_top + n_mid], order[n_top + n_mid : n_top + n_mid + n_leaf]
    parent = np.full(n, None, dtype=object)
    if n_top:
        parent[mid] = ids[top[rng.integers(0, n_top, n_mid)]]
        above = np.concatenate([top, mid])
        parent[leaf] = ids[above[rng.integers(0, len(above), n_leaf)]]
    share = np.where(pd.notna(parent), rng.choice([1.0, 0.8, 0.6, 0.51, 0.3, np.nan], n), np.nan)
    issuers_frame = pd.DataFrame(
        {
            "issuer_id": ids,
            "issuer_name": name,
            "aliases": aliases,
            "country": country,
            "issuer_type": issuer_type,
            "parent_issuer_id": parent,
            "parent_ownership": share,
        }
    )

    # securities: 1-3 per issuer (2-3 bonds per sovereign)
    count = rng.integers(1, 4, n)
    count[sov] = np.maximum(count[sov], 2)
    owner = np.repeat(np.arange(n), count)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    body = np.char.add(np.char.add("B", serial[owner]), np.char.zfill(k.astype(str), 2))
    securities_frame = pd.DataFrame(
        {
            "isin": _isins(country[owner], body),
            "ticker": np.char.add(np.char.add("Q", serial[owner]), np.asarray(list("ABC"))[k]),
            "exchange": np.asarray(_EXCHANGE)[owner % len(_EXCHANGE)],
            "issuer_id": ids[owner],
        }
    )

    # involvement: 3 % of companies, 1-3 rows each, most in scope of a criterion, some not
    involvement_criteria = [c for c in xs.shipped_criteria().values() if c.evidence is Evidence.INVOLVEMENT]
    categories = [c.categories[0] for c in involvement_criteria]
    types_of = {c.categories[0]: list(c.involvement_types) for c in involvement_criteria}
    weight = np.array(
        [8.0 if c == "conventional_weapons" else 2.0 if c == "nuclear_weapons" else 1.0 for c in categories]
    )
    involved = rng.choice(corporate, int(n * 0.03), replace=False)
    who = np.repeat(involved, rng.integers(1, 4, len(involved)))
    category = np.asarray(categories)[rng.choice(len(categories), len(who), p=weight / weight.sum())]
    in_scope = rng.random(len(who)) < 0.85
    kind = [
        rng.choice(types_of[c]) if s else rng.choice(_OUT_OF_SCOPE_TYPES)
        for c, s in zip(category, in_scope, strict=True)
    ]
    arms = category == "conventional_weapons"
    kind = np.where(arms, "arms_revenue", kind)
    revenue = np.where(arms, rng.uniform(0.0, 0.5, len(who)), rng.uniform(0.0, 0.3, len(who)))
    revenue = np.where(rng.random(len(who)) < np.where(arms, 0.1, 0.6), np.nan, revenue).round(4)
    days = rng.integers(0, 1500, len(who))
    days[rng.random(len(who)) < 0.01] = -30  # a few rows dated after the screening date
    # the rules of issue 17, from a generator of their own so that the draws above stay as they were:
    # a second provider (shares of two sources are not added up), involvement that ended before, on or
    # after the screening date (valid_to half-open), rows of one source and year that add up
    rules = np.random.default_rng(seed + 17)
    source = np.where(rules.random(len(who)) < 0.2, SOURCE + " (second provider)", SOURCE)
    evidence_date = AS_OF - pd.to_timedelta(days, unit="D")
    ended = np.asarray([AS_OF - pd.Timedelta(days=10), AS_OF, AS_OF + pd.Timedelta(days=1)])
    valid_to = pd.Series(ended[rules.integers(0, 3, len(who))]).where(rules.random(len(who)) < 0.06)
    valid_to = valid_to.where(valid_to.isna() | (valid_to >= evidence_date))
    involvement_frame = pd.DataFrame(
        {
            "issuer_id": ids[who],
            "issuer_name": np.nan,
            "category": category,
            "involvement_type": kind,
            "revenue_share": revenue,
            "source": source,
            "evidence_date": evidence_date,
            "valid_to": pd.to_datetime(valid_to),
        }
    )
    # pairs of arms-revenue rows below the 5 % threshold on their own that reach it together (some exactly
    # at 5 %): of the same source and year (added up), of two sources, or of two years (not added up)
    pair = involvement_frame[
        (involvement_frame["category"] == "conventional_weapons")
        & involvement_frame["revenue_share"].notna()
        & (rules.random(len(who)) < 0.3)
    ]
    low = rules.uniform(0.025, 0.045, len(pair)).round(4)
    other = (0.05 - low + rules.choice([0.0, 0.005], len(pair))).round(4)
    how_paired = rules.choice(["same", "source", "year"], len(pair), p=[0.5, 0.25, 0.25])
    twin = pair.assign(
        revenue_share=other,
        source=np.where(how_paired == "source", SOURCE + " (second provider)", pair["source"]),
        evidence_date=pair["evidence_date"].where(how_paired != "year", pair["evidence_date"] - pd.Timedelta(days=400)),
    )
    twin = twin.assign(source=np.where((how_paired == "source") & (pair["source"] != SOURCE), SOURCE, twin["source"]))
    involvement_frame.loc[pair.index, "revenue_share"] = low
    involvement_frame = pd.concat([involvement_frame, twin], ignore_index=True)

    # the holdings' pool of securities, and how each is presented in holdings files
    sov_secs = np.flatnonzero(np.isin(owner, sov))
    others = np.setdiff1d(np.arange(len(owner)), sov_secs)
    chosen = np.concatenate([sov_secs, rng.choice(others, max(pool - len(sov_secs), 0), replace=False)])
    chosen = rng.permutation(chosen)
    m = len(chosen)
    kinds = np.array(["isin", "ticker", "name_exact", "name_fuzzy", "unknown"])
    p = np.array([0.89, 0.04, 0.03, 0.02 if fuzzy else 0.0, 0.02])
    how = kinds[rng.choice(len(kinds), m, p=p / p.sum())]
    sec = securities_frame.iloc[chosen].reset_index(drop=True)
    holder = owner[chosen]
    base_name = pd.Series(name[holder])
    security_name = (base_name.str.upper() + " ORD").to_numpy(dtype=object)
    exact = how == "name_exact"
    with_alias = exact & aliases.iloc[holder].notna().to_numpy()
    security_name[exact] = (
        core.iloc[holder[exact]].str.upper() + " " + form.iloc[holder[exact]].str.upper() + " ORD SHS"
    ).to_numpy()
    security_name[with_alias] = aliases.iloc[holder[with_alias]].str.upper().to_numpy()
    fuzzy_rows = how == "name_fuzzy"
    security_name[fuzzy_rows] = _typo(base_name[fuzzy_rows]).to_numpy()
    unknown = how == "unknown"
    u_serial = np.char.zfill(np.flatnonzero(unknown).astype(str), 6)
    security_name[unknown] = np.char.add(np.char.add("Unlisted Venture ", u_serial), " LLP").astype(object)
    isin = sec["isin"].to_numpy(dtype=object)
    isin[unknown] = _isins(np.full(unknown.sum(), "XS"), np.char.add("U", np.char.zfill(u_serial, 8)))
    isin[(how != "isin") & ~unknown] = None
    ticker = np.where(how == "ticker", sec["ticker"].to_numpy(dtype=object), None)
    exchange = np.where(how == "ticker", sec["exchange"].to_numpy(dtype=object), None)
    asset = np.where(issuer_type[holder] == "sovereign", "fixed_income", "equity")
    pool_frame = pd.DataFrame(
        {
            "security_name": security_name,
            "isin": isin,
            "ticker": ticker,
            "exchange": exchange,
            "asset_class": asset,
            "presented_by": how,
            "issuer_id": ids[holder],
        }
    )
    cash = pd.DataFrame(
        {
            "security_name": ["Cash USD", "EUR/USD forward"],
            "isin": None,
            "ticker": None,
            "exchange": None,
            "asset_class": ["cash", "fx"],
            "presented_by": "cash",
            "issuer_id": None,
        }
    )
    pool_frame = pd.concat([pool_frame, cash], ignore_index=True)

    # name-only evidence: involvement rows that name a company instead of giving its issuer id
    named = rng.choice(involved, max(len(involved) // 20, 1), replace=False)
    named_kind = rng.choice(["exact", "alias", "fuzzy", "orphan"], len(named), p=[0.5, 0.1, 0.25, 0.15])
    if not fuzzy:
        named_kind[named_kind == "fuzzy"] = "exact"
    evidence_name = core.iloc[named].str.upper().to_numpy(dtype=object)
    has_alias = (named_kind == "alias") & aliases.iloc[named].notna().to_numpy()
    evidence_name[has_alias] = aliases.iloc[named[has_alias]].to_numpy()
    typo = named_kind == "fuzzy"
    evidence_name[typo] = _typo(core.iloc[named[typo]]).to_numpy()
    orphan_names = pool_frame.loc[pool_frame["presented_by"] == "unknown", "security_name"].to_numpy()
    to_orphan = np.flatnonzero(named_kind == "orphan")[: len(orphan_names)]
    evidence_name[to_orphan] = orphan_names[rng.choice(len(orphan_names), len(to_orphan), replace=False)]
    by_name = involvement_frame.sample(len(named), random_state=seed).reset_index(drop=True)
    by_name = by_name.assign(issuer_id=np.nan, issuer_name=evidence_name)
    involvement_frame = pd.concat([involvement_frame, by_name], ignore_index=True)

    # country exposure: 1.5 % of companies, 1-4 deliveries each over the last eight years
    exporters = rng.choice(corporate, int(n * 0.015), replace=False)
    sender = np.repeat(exporters, rng.integers(1, 5, len(exporters)))
    exposure_frame = pd.DataFrame(
        {
            "issuer_id": ids[sender],
            "recipient_country": np.asarray(_RECIPIENTS)[rng.integers(0, len(_RECIPIENTS), len(sender))],
            "year": AS_OF.year - rng.integers(0, 8, len(sender)),
            "description": "delivery of military equipment",
            "source": SOURCE,
        }
    )
    # what was supplied: mostly unstated (arms), some arms, some cyber-surveillance items
    supplied = np.asarray([None, "arms", "cyber_surveillance"], dtype=object)
    exposure_frame["category"] = supplied[rules.choice(3, len(exposure_frame), p=[0.6, 0.2, 0.2])]

    # entity lists: a few fictional companies named as entries (the bundled entries are added too)
    listed = rng.choice(corporate, max(n // 2000, 1), replace=False)
    entity_frame = pd.DataFrame(
        {
            "list_id": np.where(np.arange(len(listed)) % 2 == 0, "us_dod_1260h", "eu_833_annex_iv"),
            "name": core.iloc[listed].to_numpy(),
            "aliases": aliases.iloc[listed].to_numpy(),
            "valid_from": pd.Timestamp("2024-01-01"),
            "source": SOURCE + " (fictional entry)",
        }
    )

    # holdings: each portfolio draws from the pool, popular securities far more often (Zipf-like)
    n_cash = 2
    draw = holdings - n_cash
    pick_p = 1.0 / np.arange(1, m + 1) ** 0.6
    pick_p /= pick_p.sum()
    rows = np.concatenate(
        [np.concatenate([rng.choice(m, draw, replace=False, p=pick_p), [m, m + 1]]) for _ in range(portfolios)]
    )
    portfolio = np.repeat(np.char.add("P", np.char.zfill(np.arange(portfolios).astype(str), 4)), holdings)
    position = np.tile(np.char.zfill(np.arange(holdings).astype(str), 4), portfolios)
    held = pool_frame.iloc[rows].reset_index(drop=True)
    holdings_frame = pd.DataFrame(
        {
            "portfolio_id": portfolio,
            "holding_id": np.char.add(np.char.add(portfolio, "-"), position),
            "security_name": held["security_name"],
            "isin": held["isin"],
            "ticker": held["ticker"],
            "exchange": held["exchange"],
            "asset_class": held["asset_class"],
            "currency": "USD",
            "market_value": rng.lognormal(13.0, 1.5, len(rows)).round(2),
            "as_of": AS_OF,
        }
    )
    str_columns = [
        "portfolio_id",
        "holding_id",
        "security_name",
        "isin",
        "ticker",
        "exchange",
        "asset_class",
        "currency",
    ]
    holdings_frame = holdings_frame.astype({c: "str" for c in str_columns})
    return Dataset(
        holdings_frame, issuers_frame, securities_frame, involvement_frame, exposure_frame, entity_frame, pool_frame
    )


# ---------------------------------------------------------------------------------------------- memory


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    raise KeyError(field)


def _can_reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        _status_kb("VmHWM:")
        return True
    except OSError:
        return False


class Meter:
    """Wall time and resident-memory high-water of a block, relative to the RSS when a run starts."""

    def __init__(self) -> None:
        self.exact = sys.platform.startswith("linux") and _can_reset_peak()
        self.base_mb = self.rss_mb()
        self.run_peak_mb = self.base_mb

    def rss_mb(self) -> float:
        if self.exact:
            return _status_kb("VmRSS:") / 1024
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / scale

    def _peak_mb(self) -> float:
        return _status_kb("VmHWM:") / 1024 if self.exact else self.rss_mb()

    def _reset(self) -> None:
        self.run_peak_mb = max(self.run_peak_mb, self._peak_mb())  # covers whatever ran since the last reset
        if self.exact:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
                fh.write("5")

    def measure(self, func: Callable, *args, **kwargs):
        """(result, seconds, peak MB above the run's starting RSS) of one call."""
        self._reset()
        start = time.perf_counter()
        result = func(*args, **kwargs)
        seconds = time.perf_counter() - start
        peak = self._peak_mb()
        self.run_peak_mb = max(self.run_peak_mb, peak)
        return result, seconds, peak - self.base_mb

    def whole_run_mb(self) -> float:
        self.run_peak_mb = max(self.run_peak_mb, self._peak_mb())
        return self.run_peak_mb - self.base_mb


# ---------------------------------------------------------------------------------------------- engine

#: the functions screen() calls, by the stage they belong to (time is charged to the outermost call);
#: ``beside`` counts only for the universe's side run beside the holdings' contract
ENGINE_STAGES = {
    "beside": ("resolution", "holdings contract | issuer names, parents"),
    "resolve_securities": ("resolution", "resolve issuers (identifiers, names)"),
    "tie_evidence": ("resolution", "evidence: subjects, name-keyed rows and lists"),
    "evaluate_policy": ("evaluation", "evaluate criteria (policy and PAI 14)"),
    "join_hits": ("evaluation", "join hits to holdings, overrides"),
    "apply_overrides": ("evaluation", "join hits to holdings, overrides"),
    "restricted_list": ("evaluation", "restricted list"),
    "holding_status": ("evaluation", "status per holding, review"),
    "review_rows": ("evaluation", "status per holding, review"),
    "validate": ("evaluation", "output contracts (Flags, ScreenedHoldings)"),
}


class StageClock:
    """Wraps the functions screen() calls so that each stage's time and peak memory are recorded."""

    def __init__(self, meter: Meter) -> None:
        self.meter = meter
        self.seconds: dict[str, float] = {}
        self.peak: dict[str, float] = {}
        self.depth = 0
        self.saved: dict[str, Callable] = {}

    def _wrap(self, name: str, func: Callable) -> Callable:
        label = ENGINE_STAGES[name][1]

        def timed(*args, **kwargs):
            if self.depth or (name == "beside" and kwargs.get("name") != "universe"):
                return func(*args, **kwargs)
            self.depth += 1
            try:
                result, seconds, peak = self.meter.measure(func, *args, **kwargs)
            finally:
                self.depth -= 1
            self.seconds[label] = self.seconds.get(label, 0.0) + seconds
            self.peak[label] = max(self.peak.get(label, 0.0), peak)
            return result

        return timed

    def __enter__(self) -> StageClock:
        for name in ENGINE_STAGES:
            if hasattr(screen_module, name):
                self.saved[name] = getattr(screen_module, name)
                setattr(screen_module, name, self._wrap(name, self.saved[name]))
        return self

    def __exit__(self, *exc) -> None:
        for name, func in self.saved.items():
            setattr(screen_module, name, func)


def _summaries(result):
    return result.overview(), result.summary(), result.pai14()


def run_engine(data: Dataset, universe: xs.Universe, *, profile: str | None = None, keep: bool = False) -> dict:
    """Screen with the broad policy; stage figures, totals and (with `keep`) the flags and statuses."""
    gc.collect()
    meter = Meter()
    cpu = time.process_time()
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
    with StageClock(meter) as clock:
        result, seconds, peak = meter.measure(xs.screen, data.holdings, universe, POLICY, as_of=AS_OF)
    if profile:
        profiler.disable()
        profiler.dump_stats(profile)
    summaries, s_seconds, s_peak = meter.measure(_summaries, result)
    stages = [
        (ENGINE_STAGES[name][0], label, clock.seconds.get(label, 0.0), clock.peak.get(label, 0.0))
        for name, (_, label) in ENGINE_STAGES.items()
    ]
    stages = list(dict.fromkeys(stages))
    accounted = sum(clock.seconds.values())
    stages.append(("evaluation", "other code in screen()", seconds - accounted, float("nan")))
    stages.append(("summary", "overview(), summary(), pai14()", s_seconds, s_peak))
    out = {
        "stages": stages,
        "screen_seconds": seconds,
        "screen_peak": peak,
        "total_seconds": seconds + s_seconds,
        "total_cpu": time.process_time() - cpu,
        "total_peak": meter.whole_run_mb(),
        "exact_memory": meter.exact,
        "flags": len(result.flags),
        "status": result.holdings["status"].value_counts().to_dict(),
        "methods": result.holdings["resolution_method"].value_counts().to_dict(),
        "review": len(result.review),
    }
    if keep:
        out["flag_rows"] = result.flags[["holding_id", "criterion_id", "action", "via", "match_method"]].copy()
        out["holding_rows"] = result.holdings[["holding_id", "status", "resolution_method", "issuer_id"]].copy()
        out["pai14"] = summaries[2][["portfolio_id", "pai14_all"]].copy()
        involved = result.pai14_flags.loc[result.pai14_flags["action"] == "exclude", "holding_id"]
        out["pai14_holdings"] = involved.drop_duplicates().tolist()
    return out


# ---------------------------------------------------------------------------------------------- reference


#: criteria of the PAI 14 reproduction carry this prefix in the reference's tables, so that they are
#: evaluated in the same pass as the policy's criteria and kept apart from its flags
PAI_PREFIX = "pai14:"
#: the supply category of a country-exposure row that names none, and of a criterion that names none
#: (docs/methodology.md, country exposure)
DEFAULT_SUPPLY = "arms"
#: lists that place every entity in one country, and where a security of a company of that country may
#: also be placed (the plausibility rule of name matching, docs/limits.md): a name match to a subject
#: placed elsewhere raises no flag
LIST_PLACES = {"us_dod_1260h": "CN", "us_ns_cmic": "CN"}
PLACES_OF = {"CN": ("CN", "HK", "MO", "KY", "BM", "VG", "US")}


def _criteria_tables(policy: Policy, pai: Policy, pai_ids: list[str]) -> dict[str, pd.DataFrame]:
    """The rules as tables: the policy's criteria, and the PAI 14 criteria as `pai` applies them (ids
    prefixed with :data:`PAI_PREFIX`). Settings are read from the criteria; what they mean is in SQL."""
    criteria = [(c.id, c) for c in policy.criteria] + [(PAI_PREFIX + i, pai.criterion(i)) for i in pai_ids]
    scope = pd.DataFrame(
        [
            (
                cid,
                cat,
                t,
                c.revenue_threshold or 0.0,
                c.action.value,
                c.unknown_share.value,
                c.max_evidence_age_years,
            )
            for cid, c in criteria
            if c.evidence is Evidence.INVOLVEMENT
            for cat in c.categories
            for t in c.involvement_types
        ],
        columns=["criterion_id", "category", "involvement_type", "threshold", "action", "unknown_share", "max_age"],
    ).astype({"max_age": "Int64"})
    own_action = {cid: dict(c.list_actions) for cid, c in criteria}
    lists = pd.DataFrame(
        [
            (cid, c.evidence.value, name, c.lookback_years or 1, own_action[cid].get(name, c.action).value)
            for cid, c in criteria
            for name in c.country_lists + c.entity_lists
        ],
        columns=["criterion_id", "evidence", "list_id", "lookback", "action"],
    )
    supplied = pd.DataFrame(
        [
            (cid, cat)
            for cid, c in criteria
            if c.evidence is Evidence.COUNTRY_EXPOSURE
            for cat in (c.categories or (DEFAULT_SUPPLY,))
        ],
        columns=["criterion_id", "category"],
    )
    relations = [c.ownership.relations for _, c in criteria]
    ownership = pd.DataFrame(
        [
            (
                cid,
                r.get("controlling_parents"),
                r.get("controlled_subsidiaries"),
                c.ownership.minority_owners_min_share if "minority_owners" in r else None,
                r.get("minority_owners"),
            )
            for (cid, c), r in zip(criteria, relations, strict=True)
        ],
        columns=["criterion_id", "parents", "subsidiaries", "minority_min", "minority_action"],
    ).astype({"parents": str, "subsidiaries": str, "minority_min": float, "minority_action": str})
    places = pd.DataFrame(
        [(list_id, place) for list_id, country in LIST_PLACES.items() for place in PLACES_OF.get(country, (country,))],
        columns=["list_id", "place"],
    )
    return {
        "scope": scope,
        "crit_lists": lists,
        "crit_supplied": supplied,
        "crit_ownership": ownership,
        "list_places": places,
    }


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _resolution_sql(not_screenable: list[str]) -> str:
    off = ", ".join(_sql_text(v) for v in not_screenable)
    pattern = _suffix_pattern()
    suffix = _sql_text(getattr(pattern, "pattern", pattern))
    return f"""
CREATE OR REPLACE MACRO clean_name(s) AS regexp_replace(trim(regexp_replace(replace(replace(
    upper(strip_accents(s)), '&', ' AND '), '.', ''), '[^A-Z0-9]+', ' ', 'g')), '^THE\\s+', '');
CREATE OR REPLACE MACRO strip_forms(c) AS nullif(coalesce(nullif(trim(regexp_replace(' ' || c, {suffix}, '')), ''),
    c), '');
-- every name once: holdings' security names, issuer names and aliases, evidence and list names
CREATE OR REPLACE TEMP TABLE issuer_names AS
    SELECT issuer_id, trim(issuer_name) AS name FROM issuers
    UNION ALL
    SELECT issuer_id, trim(unnest(string_split(aliases, '|'))) FROM issuers WHERE aliases IS NOT NULL;
-- entries in force on the screening date: valid_from <= as_of < valid_to (half-open)
CREATE OR REPLACE TEMP TABLE list_entries AS
    SELECT row_number() OVER () AS entry_id, *,
           lower(regexp_replace(name, '[^\\p{{L}}\\p{{N}}]+', '', 'g')) AS name_key FROM entity_lists
    WHERE (valid_from IS NULL OR valid_from <= DATE '{AS_OF.date()}')
      AND (valid_to IS NULL OR valid_to > DATE '{AS_OF.date()}');
-- an entry's names: its own, and the aliases of every entry (any list or edition) printing the same name
CREATE OR REPLACE TEMP TABLE list_names AS
    WITH aliases AS (
        SELECT DISTINCT name_key, trim(unnest(string_split(aliases, '|'))) AS alias
        FROM list_entries WHERE aliases IS NOT NULL)
    SELECT entry_id, list_id, trim(name) AS name, false AS is_alias FROM list_entries
    UNION ALL
    SELECT e.entry_id, e.list_id, a.alias, true FROM list_entries e JOIN aliases a USING (name_key)
    WHERE a.alias <> '';
CREATE OR REPLACE TEMP TABLE name_norm AS
    SELECT name, strip_forms(clean_name(name)) AS norm FROM (
        SELECT DISTINCT name FROM (
            SELECT security_name AS name FROM holdings UNION ALL SELECT name FROM issuer_names
            UNION ALL SELECT trim(issuer_name) FROM involvement UNION ALL SELECT name FROM list_names)
        WHERE name IS NOT NULL);
-- identifier and name keys that name exactly one issuer
CREATE OR REPLACE TEMP TABLE by_isin AS
    SELECT isin, min(issuer_id) AS issuer_id FROM securities WHERE isin IS NOT NULL
    GROUP BY isin HAVING count(DISTINCT issuer_id) = 1;
CREATE OR REPLACE TEMP TABLE by_ticker AS
    SELECT upper(ticker) || '|' || upper(exchange) AS k, min(issuer_id) AS issuer_id FROM securities
    WHERE ticker IS NOT NULL AND exchange IS NOT NULL GROUP BY k HAVING count(DISTINCT issuer_id) = 1;
CREATE OR REPLACE TEMP TABLE issuer_norms AS
    SELECT DISTINCT i.issuer_id, n.norm FROM issuer_names i JOIN name_norm n USING (name) WHERE n.norm IS NOT NULL;
CREATE OR REPLACE TEMP TABLE by_name AS
    SELECT norm, min(issuer_id) AS issuer_id FROM issuer_norms GROUP BY norm HAVING count(DISTINCT issuer_id) = 1;
CREATE OR REPLACE TEMP TABLE resolved AS
    WITH r AS (
        SELECT h.portfolio_id, h.holding_id, h.market_value,
               coalesce(lower(trim(h.asset_class)) NOT IN ({off}), true) AS screenable,
               coalesce(bi.issuer_id, bt.issuer_id, bn.issuer_id) AS found_id,
               CASE WHEN bi.issuer_id IS NOT NULL THEN 'isin' WHEN bt.issuer_id IS NOT NULL THEN 'ticker_exchange'
                    WHEN bn.issuer_id IS NOT NULL THEN 'name_exact' ELSE 'none' END AS method,
               nn.norm
        FROM holdings h
        LEFT JOIN by_isin bi ON bi.isin = upper(trim(h.isin))
        LEFT JOIN by_ticker bt ON bt.k = upper(h.ticker) || '|' || upper(h.exchange)
        LEFT JOIN name_norm nn ON nn.name = h.security_name
        LEFT JOIN by_name bn ON bn.norm = nn.norm)
    SELECT portfolio_id, holding_id, market_value, screenable,
           market_value / sum(market_value) OVER (PARTITION BY portfolio_id) AS share_of_portfolio,
           CASE WHEN screenable THEN found_id END AS issuer_id,
           CASE WHEN NOT screenable THEN 'not_applicable' ELSE method END AS method,
           CASE WHEN NOT screenable THEN NULL WHEN found_id IS NOT NULL THEN found_id
                WHEN norm IS NOT NULL THEN 'name:' || norm END AS subject_id
    FROM r;
-- subjects known by name: issuers (names and aliases) and holdings no issuer covers
CREATE OR REPLACE TEMP TABLE subjects AS
    SELECT issuer_id AS subject_id, norm FROM issuer_norms
    UNION
    SELECT DISTINCT subject_id, substr(subject_id, 6) FROM resolved WHERE subject_id LIKE 'name:%';
-- where each subject is placed: an issuer's country, else the ISIN prefix of a holding no issuer covers;
-- codes ISO 3166 leaves to its users (and an ISIN's XS) place nothing
CREATE OR REPLACE TEMP TABLE subject_places AS
    SELECT subject_id, place FROM (
        SELECT issuer_id AS subject_id, upper(country) AS place FROM issuers WHERE country IS NOT NULL
        UNION ALL
        SELECT r.subject_id, min(upper(substr(trim(h.isin), 1, 2)))
        FROM resolved r JOIN holdings h USING (holding_id)
        WHERE r.subject_id LIKE 'name:%' AND h.isin IS NOT NULL AND h.isin NOT IN ('', 'None', 'nan')
        GROUP BY r.subject_id)
    WHERE NOT regexp_full_match(place, 'AA|Q[M-Z]|X[A-Z]|ZZ');
"""


def _evaluation_sql() -> str:
    day = f"DATE '{AS_OF.date()}'"
    return f"""
-- involvement rows in use: dated on or before the screening date (or undated), not ended by it
-- (valid_to is the first day the involvement no longer holds)
CREATE OR REPLACE TEMP TABLE evidence AS
    WITH inv AS (
        SELECT row_number() OVER () AS entry_id, * FROM involvement
        WHERE (evidence_date IS NULL OR evidence_date <= {day}) AND (valid_to IS NULL OR valid_to > {day})),
    known AS (SELECT issuer_id FROM issuers)
    SELECT entry_id, issuer_id AS subject_id, category, involvement_type, revenue_share, source, evidence_date
    FROM inv WHERE issuer_id IN (SELECT issuer_id FROM known)
    UNION ALL
    SELECT DISTINCT inv.entry_id, s.subject_id, category, involvement_type, revenue_share, source, evidence_date
    FROM inv JOIN name_norm n ON n.name = trim(inv.issuer_name) JOIN subjects s ON s.norm = n.norm
    WHERE inv.issuer_id IS NULL OR inv.issuer_id NOT IN (SELECT issuer_id FROM known);
-- evidence in scope of each criterion; a row dated more than the criterion's maximum age before the
-- screening date is aged (exactly N years old is within the limit)
CREATE OR REPLACE TEMP TABLE in_scope AS
    SELECT e.subject_id, e.revenue_share, e.source, e.evidence_date, s.criterion_id, s.threshold,
           s.action AS criterion_action, s.unknown_share,
           coalesce(e.evidence_date IS NOT NULL AND s.max_age IS NOT NULL
                    AND e.evidence_date < {day} - to_years(s.max_age::INTEGER), false) AS aged
    FROM evidence e JOIN scope s USING (category, involvement_type);
CREATE OR REPLACE TEMP TABLE direct AS
    -- threshold 0: every row hits; an aged row gives watch
    SELECT subject_id, criterion_id, CASE WHEN aged THEN 'watch' ELSE criterion_action END AS action,
           'direct' AS via, revenue_share
    FROM in_scope WHERE threshold = 0
    UNION ALL
    -- threshold above 0, share unknown: what the criterion's unknown_share says (review: no flag)
    SELECT subject_id, criterion_id, CASE WHEN aged THEN 'watch' ELSE unknown_share END, 'direct', NULL
    FROM in_scope WHERE threshold > 0 AND revenue_share IS NULL AND unknown_share <> 'review'
    UNION ALL
    -- threshold above 0: known shares summed per subject, criterion, source and year (undated rows of a
    -- source together); a sum that reaches the threshold only with aged rows gives watch
    SELECT subject_id, criterion_id,
           CASE WHEN coalesce(round(sum(revenue_share) FILTER (WHERE NOT aged), 10), -1) >= any_value(threshold)
                THEN any_value(criterion_action) ELSE 'watch' END,
           'direct', round(sum(revenue_share), 10)
    FROM in_scope WHERE threshold > 0 AND revenue_share IS NOT NULL
    GROUP BY subject_id, criterion_id, source, year(evidence_date)
    HAVING round(sum(revenue_share), 10) >= any_value(threshold)
    UNION ALL
    -- deliveries of a category the criterion reads, in its look-back years, to a state on one of its lists
    -- during the year (half-open list validity); the action of the list it came through
    SELECT x.issuer_id, c.criterion_id, c.action, 'country_exposure', NULL
    FROM country_exposure x
    JOIN crit_supplied k ON k.category = coalesce(x.category, '{DEFAULT_SUPPLY}')
    JOIN crit_lists c ON c.criterion_id = k.criterion_id AND c.evidence = 'country_exposure'
         AND x.year BETWEEN year({day}) - c.lookback + 1 AND year({day})
    JOIN country_lists l ON l.list_id = c.list_id AND l.country = x.recipient_country
    WHERE (l.valid_from IS NULL OR l.valid_from <= least(make_date(x.year::BIGINT, 12, 31), {day}))
      AND (l.valid_to IS NULL OR l.valid_to > make_date(x.year::BIGINT, 1, 1))
    UNION ALL
    SELECT i.issuer_id, c.criterion_id, c.action, 'sovereign', NULL
    FROM issuers i JOIN country_lists l ON l.country = i.country
    JOIN crit_lists c ON c.evidence = 'sovereign' AND c.list_id = l.list_id
    WHERE i.issuer_type = 'sovereign'
      AND (l.valid_from IS NULL OR l.valid_from <= {day}) AND (l.valid_to IS NULL OR l.valid_to > {day})
    UNION ALL
    -- list entries by exact normalised name; an alias of five characters or fewer is not enough; a subject
    -- placed outside the one country a list places its entities in is not flagged
    SELECT DISTINCT s.subject_id, c.criterion_id, c.action, 'list', NULL
    FROM list_names ln JOIN name_norm n ON n.name = ln.name JOIN subjects s ON s.norm = n.norm
    JOIN crit_lists c ON c.evidence = 'entity_list' AND c.list_id = ln.list_id
    LEFT JOIN subject_places p ON p.subject_id = s.subject_id
    WHERE NOT (ln.is_alias AND length(n.norm) <= 5)
      AND (p.place IS NULL OR ln.list_id NOT IN (SELECT list_id FROM list_places)
           OR EXISTS (SELECT 1 FROM list_places lp WHERE lp.list_id = ln.list_id AND lp.place = p.place));
-- ownership: control (>= 50 %) is followed along chains; an unknown share never makes control and gives
-- watch; minority owners by economic share (products along each path, summed over the paths)
-- links: the links file, and each issuer's parent where the file does not give the same pair; control
-- is a share of at least 50 % or a true control flag
CREATE OR REPLACE TEMP TABLE edges AS
    WITH links AS (
        SELECT owned_issuer_id AS child, owner_issuer_id AS parent, share, coalesce(control, false) AS flag
        FROM ownership_links
        UNION ALL
        SELECT issuer_id, parent_issuer_id, parent_ownership, false FROM issuers i
        WHERE parent_issuer_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM ownership_links o
            WHERE o.owned_issuer_id = i.issuer_id AND o.owner_issuer_id = i.parent_issuer_id))
    SELECT child, parent, share, flag OR coalesce(share >= 0.5, false) AS ctl,
           share IS NULL AND NOT flag AS unk
    FROM links;
CREATE OR REPLACE TEMP TABLE spread AS
    WITH RECURSIVE
    start AS (
        SELECT d.subject_id, d.criterion_id, min(d.action) AS action,
               any_value(o.parents) AS parents, any_value(o.subsidiaries) AS subsidiaries,
               any_value(o.minority_min) AS minority_min, any_value(o.minority_action) AS minority_action
        FROM direct d JOIN crit_ownership o USING (criterion_id) WHERE d.subject_id NOT LIKE 'name:%'
        GROUP BY d.subject_id, d.criterion_id),
    up(start_id, criterion_id, rel, sure, depth) AS (
        SELECT subject_id, criterion_id, subject_id, true, 0 FROM start WHERE parents IS NOT NULL
        UNION ALL
        SELECT u.start_id, u.criterion_id, e.parent, u.sure AND e.ctl, u.depth + 1
        FROM up u JOIN edges e ON e.child = u.rel
        WHERE (e.ctl OR e.unk) AND e.parent <> u.start_id AND u.depth < 25),
    down(start_id, criterion_id, rel, sure, depth) AS (
        SELECT subject_id, criterion_id, subject_id, true, 0 FROM start WHERE subsidiaries IS NOT NULL
        UNION ALL
        SELECT d.start_id, d.criterion_id, e.child, d.sure AND e.ctl, d.depth + 1
        FROM down d JOIN edges e ON e.parent = d.rel
        WHERE (e.ctl OR e.unk) AND e.child <> d.start_id AND d.depth < 25),
    owners(start_id, criterion_id, rel, lo, hi, depth) AS (
        SELECT subject_id, criterion_id, subject_id, 1.0, 1.0, 0 FROM start WHERE minority_min IS NOT NULL
        UNION ALL
        SELECT o.start_id, o.criterion_id, e.parent, o.lo * coalesce(e.share, 0), o.hi * coalesce(e.share, 1),
               o.depth + 1
        FROM owners o JOIN edges e ON e.child = o.rel
        WHERE e.parent <> o.start_id AND o.depth < 25 AND o.hi * coalesce(e.share, 1) > 0)
    SELECT u.rel AS subject_id, u.criterion_id,
           CASE WHEN bool_or(u.sure) AND any_value(s.action) = 'exclude' AND any_value(s.parents) = 'exclude'
                THEN 'exclude' ELSE 'watch' END AS action, 'parent' AS via, NULL::DOUBLE AS revenue_share
    FROM up u JOIN start s ON s.subject_id = u.start_id AND s.criterion_id = u.criterion_id
    WHERE u.depth > 0 GROUP BY u.start_id, u.rel, u.criterion_id
    UNION ALL
    SELECT d.rel, d.criterion_id,
           CASE WHEN bool_or(d.sure) AND any_value(s.action) = 'exclude' AND any_value(s.subsidiaries) = 'exclude'
                THEN 'exclude' ELSE 'watch' END, 'subsidiary', NULL
    FROM down d JOIN start s ON s.subject_id = d.start_id AND s.criterion_id = d.criterion_id
    WHERE d.depth > 0 GROUP BY d.start_id, d.rel, d.criterion_id
    UNION ALL
    SELECT o.rel, o.criterion_id,
           CASE WHEN sum(o.lo) >= any_value(s.minority_min) - 1e-12 AND any_value(s.action) = 'exclude'
                     AND any_value(s.minority_action) = 'exclude' THEN 'exclude' ELSE 'watch' END, 'parent', NULL
    FROM owners o JOIN start s ON s.subject_id = o.start_id AND s.criterion_id = o.criterion_id
    WHERE o.depth > 0 GROUP BY o.start_id, o.rel, o.criterion_id
    HAVING sum(o.hi) >= any_value(s.minority_min) - 1e-12;
-- one hit per subject and criterion: exclude before watch, then by how it arose, then by revenue share
CREATE OR REPLACE TEMP TABLE hits AS
    SELECT subject_id, criterion_id,
           arg_min(action, (action <> 'exclude', CASE via WHEN 'direct' THEN 0 WHEN 'list' THEN 1
               WHEN 'country_exposure' THEN 2 WHEN 'sovereign' THEN 3 WHEN 'parent' THEN 4 ELSE 5 END,
               -coalesce(revenue_share, -1.0))) AS action,
           arg_min(via, (action <> 'exclude', CASE via WHEN 'direct' THEN 0 WHEN 'list' THEN 1
               WHEN 'country_exposure' THEN 2 WHEN 'sovereign' THEN 3 WHEN 'parent' THEN 4 ELSE 5 END,
               -coalesce(revenue_share, -1.0))) AS via
    FROM (SELECT * FROM direct UNION ALL SELECT * FROM spread)
    GROUP BY subject_id, criterion_id;
CREATE OR REPLACE TEMP TABLE flags AS
    SELECT r.portfolio_id, r.holding_id, r.issuer_id, h.criterion_id, h.action, h.via, r.market_value,
           r.share_of_portfolio
    FROM resolved r JOIN hits h USING (subject_id) WHERE h.criterion_id NOT LIKE '{PAI_PREFIX}%';
-- PAI 14: exclude hits of its criteria as its own policy applies them, whatever the screen's policy
CREATE OR REPLACE TEMP TABLE pai_flags AS
    SELECT DISTINCT r.holding_id FROM resolved r JOIN hits h USING (subject_id)
    WHERE h.criterion_id LIKE '{PAI_PREFIX}%' AND h.action = 'exclude';
CREATE OR REPLACE TEMP TABLE status AS
    SELECT r.portfolio_id, r.holding_id, r.market_value, r.share_of_portfolio, r.issuer_id, r.method,
           CASE WHEN NOT r.screenable THEN 'not_applicable' WHEN f.best = 'exclude' THEN 'excluded'
                WHEN f.best = 'watch' THEN 'watch' WHEN r.issuer_id IS NOT NULL THEN 'clear'
                ELSE 'unresolved' END AS status
    FROM resolved r
    LEFT JOIN (SELECT holding_id, min(action) AS best FROM flags GROUP BY holding_id) f USING (holding_id);
"""


def _summary_sql() -> dict[str, str]:
    return {
        "overview": """
SELECT portfolio_id, count(*) AS holdings, sum(coalesce(market_value, 0)) AS market_value,
       count(*) FILTER (WHERE status = 'excluded') AS excluded,
       sum(share_of_portfolio) FILTER (WHERE status = 'excluded') AS weight_excluded,
       count(*) FILTER (WHERE status = 'watch') AS watch,
       sum(share_of_portfolio) FILTER (WHERE status = 'watch') AS weight_watch,
       count(*) FILTER (WHERE status = 'clear') AS clear,
       count(*) FILTER (WHERE status = 'unresolved') AS unresolved,
       count(*) FILTER (WHERE status = 'not_applicable') AS not_applicable,
       sum(market_value) FILTER (WHERE status <> 'not_applicable' AND issuer_id IS NOT NULL)
           / sum(market_value) FILTER (WHERE status <> 'not_applicable') AS coverage
FROM status GROUP BY portfolio_id ORDER BY portfolio_id""",
        "summary": """
SELECT portfolio_id, criterion_id, count(*) FILTER (WHERE action = 'exclude') AS holdings_excluded,
       count(*) FILTER (WHERE action = 'watch') AS holdings_watch, sum(market_value) AS market_value_flagged,
       sum(share_of_portfolio) FILTER (WHERE action = 'exclude') AS weight_excluded,
       sum(share_of_portfolio) FILTER (WHERE action = 'watch') AS weight_watch
FROM flags GROUP BY portfolio_id, criterion_id ORDER BY portfolio_id, criterion_id""",
        "pai14": """
WITH involved AS (SELECT holding_id FROM pai_flags)
SELECT s.portfolio_id,
       sum(s.market_value) FILTER (WHERE i.holding_id IS NOT NULL AND s.status <> 'not_applicable')
           / sum(s.market_value) AS pai14_all,
       sum(s.market_value) FILTER (WHERE s.status <> 'not_applicable' AND s.issuer_id IS NOT NULL)
           / sum(s.market_value) AS coverage
FROM status s LEFT JOIN involved i USING (holding_id) GROUP BY s.portfolio_id ORDER BY s.portfolio_id""",
    }


def _fetch(con, sql: str) -> pd.DataFrame:
    """A query's result as a pandas frame, through Arrow (strings stay Arrow-backed)."""
    return con.sql(sql).to_arrow_table().to_pandas()


def run_reference(data: Dataset, universe: xs.Universe, *, keep: bool = False) -> dict:
    """The same screen as DuckDB SQL; stage figures, totals and (with `keep`) the flags and statuses."""
    import duckdb
    import pyarrow as pa

    gc.collect()
    meter = Meter()
    cpu = time.process_time()
    policy = xs.load_policy(POLICY)
    pai = xs.load_policy(PAI14_POLICY)
    not_screenable = sorted(NOT_SCREENABLE)
    stages = []
    con = duckdb.connect()

    def resolution():
        tables = {
            "holdings": data.holdings,
            "issuers": universe.issuers,
            "securities": universe.securities,
            "involvement": universe.involvement,
            "country_exposure": universe.country_exposure,
            "country_lists": universe.country_lists,
            "entity_lists": universe.entity_lists,
            "ownership_links": universe.ownership_links,
            **_criteria_tables(policy, pai, list(PAI14_CRITERIA)),
        }
        for name, frame in tables.items():  # handed over as Arrow: pandas' Arrow-backed strings are not copied
            con.register(name, pa.Table.from_pandas(frame, preserve_index=False))
        con.execute(_resolution_sql(not_screenable))

    def evaluation():
        con.execute(_evaluation_sql())
        # the deliverables as pandas frames, as the engine returns them
        return _fetch(con, "SELECT * FROM flags"), _fetch(con, "SELECT * FROM status")

    def summary():
        return {name: _fetch(con, sql) for name, sql in _summary_sql().items()}

    _, seconds, peak = meter.measure(resolution)
    stages.append(("resolution", "register frames; names, identifiers, subjects", seconds, peak))
    (flags, status), seconds, peak = meter.measure(evaluation)
    stages.append(("evaluation", "evidence, spread, hits, flags, status -> pandas", seconds, peak))
    summaries, seconds, peak = meter.measure(summary)
    stages.append(("summary", "overview, summary, PAI 14 -> pandas", seconds, peak))
    out = {
        "stages": stages,
        "total_seconds": sum(s[2] for s in stages),
        "total_cpu": time.process_time() - cpu,
        "total_peak": meter.whole_run_mb(),
        "exact_memory": meter.exact,
        "flags": len(flags),
        "status": status["status"].value_counts().to_dict(),
        "methods": status["method"].value_counts().to_dict(),
    }
    if keep:
        out["flag_rows"] = flags[["holding_id", "criterion_id", "action", "via"]].copy()
        out["holding_rows"] = status[["holding_id", "status", "method", "issuer_id"]].copy()
        out["pai14"] = summaries["pai14"][["portfolio_id", "pai14_all"]].copy()
        out["pai14_holdings"] = _fetch(con, "SELECT holding_id FROM pai_flags")["holding_id"].tolist()
    con.close()
    return out


# ---------------------------------------------------------------------------------------------- running


def in_child(func: Callable, *args, fork: bool = True, **kwargs):
    """Run `func` in a process forked from this one and return its (picklable) result."""
    if not fork or not hasattr(os, "fork"):
        return func(*args, **kwargs)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        code = 0
        try:
            payload = pickle.dumps(("ok", func(*args, **kwargs)))
        except BaseException as exc:  # reported to the parent, which raises it
            import traceback

            payload = pickle.dumps(("error", f"{exc!r}\n{traceback.format_exc()}"))
            code = 1
        with os.fdopen(write, "wb") as fh:
            fh.write(payload)
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        payload = fh.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(payload)
    if kind == "error":
        raise RuntimeError(f"child process failed: {value}")
    return value


#: how the engine matched what the reference does not match: fuzzy names
FUZZY_METHODS = ("name_fuzzy",)


def compare(engine: dict, reference: dict, *, leave_out_fuzzy: bool = False) -> dict:
    """Flags and statuses of the two runs side by side, and where they differ.

    With `leave_out_fuzzy`, the holdings that the engine resolved by a fuzzy name match, or flagged
    through evidence it matched fuzzily, are left out of the comparison of flags and statuses (the
    reference matches names exactly only); how many is reported. PAI 14 is then compared on the
    portfolios none of whose left-out holdings is involved in either run.
    """
    key = ["holding_id", "criterion_id"]
    e_flags, r_flags = engine["flag_rows"], reference["flag_rows"]
    e_holdings, r_holdings = engine["holding_rows"], reference["holding_rows"]
    left_out = pd.Index([])
    if leave_out_fuzzy:
        by_name = e_holdings.loc[e_holdings["resolution_method"].isin(FUZZY_METHODS), "holding_id"]
        by_evidence = e_flags.loc[e_flags["match_method"].isin(FUZZY_METHODS), "holding_id"]
        left_out = pd.Index(pd.concat([by_name, by_evidence]).unique())
        e_flags = e_flags[~e_flags["holding_id"].isin(left_out)]
        r_flags = r_flags[~r_flags["holding_id"].isin(left_out)]
        e_holdings = e_holdings[~e_holdings["holding_id"].isin(left_out)]
        r_holdings = r_holdings[~r_holdings["holding_id"].isin(left_out)]
    flags = e_flags.merge(r_flags, on=key, how="outer", suffixes=("", "_ref"), indicator=True)
    only_engine = flags[flags["_merge"] == "left_only"]
    only_reference = flags[flags["_merge"] == "right_only"]
    both = flags[flags["_merge"] == "both"]
    action_differs = both[both["action"] != both["action_ref"]]
    status = e_holdings.merge(r_holdings, on="holding_id", suffixes=("", "_ref"))
    status_differs = status[status["status"] != status["status_ref"]]
    pai = engine["pai14"].merge(reference["pai14"], on="portfolio_id", suffixes=("", "_ref"))
    if leave_out_fuzzy:  # portfolios whose PAI 14 a left-out holding may move
        moved = set(engine["pai14_holdings"]) | set(reference["pai14_holdings"])
        touched = {h.split("-")[0] for h in left_out if h in moved}
        pai = pai[~pai["portfolio_id"].isin(touched)]
    pai_gap = float((pai["pai14_all"].fillna(0) - pai["pai14_all_ref"].fillna(0)).abs().max())
    # the holdings PAI 14 counts as involved, in every portfolio (but for those left out)
    e_pai = set(engine["pai14_holdings"]).difference(left_out)
    r_pai = set(reference["pai14_holdings"]).difference(left_out)
    return {
        "pai_holdings_differ": len(e_pai ^ r_pai),
        "left_out": len(left_out),
        "pai_portfolios": len(pai),
        "engine_flags": len(e_flags),
        "reference_flags": len(r_flags),
        "only_engine": only_engine,
        "only_reference": only_reference,
        "action_differs": action_differs,
        "status_differs": status_differs,
        "status_rows": status,
        "pai_gap": pai_gap,
    }


def _print_comparison(title: str, c: dict, *, expect_equal: bool) -> None:
    same = not (
        len(c["only_engine"])
        or len(c["only_reference"])
        or len(c["action_differs"])
        or len(c["status_differs"])
        or c["pai_gap"] > 1e-9
        or c["pai_holdings_differ"]
    )
    print(
        f"{title}: engine flags {c['engine_flags']:,}, reference flags {c['reference_flags']:,}; "
        f"only in engine {len(c['only_engine']):,}, only in reference {len(c['only_reference']):,}, "
        f"action differs {len(c['action_differs']):,}, status differs {len(c['status_differs']):,}, "
        f"largest PAI 14 gap {c['pai_gap']:.2e} ({c['pai_portfolios']:,} portfolios), "
        f"PAI 14 involved holdings differ {c['pai_holdings_differ']:,}"
        + (f"; {c['left_out']:,} holdings matched fuzzily by the engine left out" if c["left_out"] else "")
        + " -> "
        + ("CONSISTENT" if same else ("DISCREPANCY" if expect_equal else "differs"))
    )
    if not same:
        status = c["status_rows"]
        methods = status.set_index("holding_id")["resolution_method"]
        if len(c["only_engine"]):
            why = c["only_engine"].assign(resolution=c["only_engine"]["holding_id"].map(methods))
            print("  flags only in the engine, by resolution method and evidence match method:")
            table = why.groupby(["resolution", "match_method"], dropna=False).size()
            print("    " + table.to_string().replace("\n", "\n    "))
        if len(c["only_reference"]):
            print("  flags only in the reference (first 10):")
            print("    " + c["only_reference"].head(10).to_string().replace("\n", "\n    "))
        if len(c["status_differs"]):
            print("  status differences, engine -> reference, by engine resolution method:")
            table = c["status_differs"].groupby(["resolution_method", "status", "status_ref"]).size()
            print("    " + table.to_string().replace("\n", "\n    "))


def _mb(value: float) -> str:
    return "-" if value != value else f"{value:,.0f}"


def _print_table(engine: dict, reference: dict) -> None:
    ref_by_stage = {s[0]: s for s in reference["stages"]}
    print(f"\n{'stage':<48} {'engine s':>9} {'engine MB':>10} {'ref s':>8} {'ref MB':>8} {'ratio':>7}")
    print("-" * 95)
    for group in ("resolution", "evaluation", "summary"):
        rows = [s for s in engine["stages"] if s[0] == group]
        for _, label, seconds, peak in rows:
            print(f"  {label:<46} {seconds:>9.2f} {_mb(peak):>10}")
        e_seconds = sum(s[2] for s in rows)
        e_peak = max((s[3] for s in rows if s[3] == s[3]), default=float("nan"))
        _, r_label, r_seconds, r_peak = ref_by_stage[group]
        print(
            f"{group.upper() + ' (ref: ' + r_label + ')':<48.48} {e_seconds:>9.2f} {_mb(e_peak):>10} "
            f"{r_seconds:>8.2f} {_mb(r_peak):>8} {e_seconds / r_seconds:>6.1f}x"
        )
    ratio = engine["total_seconds"] / reference["total_seconds"]
    print("-" * 95)
    print(f"{'screen() call alone':<48} {engine['screen_seconds']:>9.2f} {_mb(engine['screen_peak']):>10}")
    print(
        f"{'WHOLE SCREEN (screen() + summaries)':<48} {engine['total_seconds']:>9.2f} "
        f"{_mb(engine['total_peak']):>10} {reference['total_seconds']:>8.2f} {_mb(reference['total_peak']):>8} "
        f"{ratio:>6.1f}x"
    )
    print(f"{'  CPU seconds, all threads':<48} {engine['total_cpu']:>9.2f} {'':>10} {reference['total_cpu']:>8.2f}")
    fast = engine["total_seconds"] < TARGET_SECONDS
    close = ratio <= TARGET_RATIO
    print(
        f"\nverdict: {engine['total_seconds']:.2f} s vs target < {TARGET_SECONDS:.0f} s -> "
        f"{'MET' if fast else 'MISSED'}; {ratio:.1f}x the reference vs target <= {TARGET_RATIO:.0f}x -> "
        f"{'MET' if close else 'MISSED'}"
    )


def _print_load(when: str) -> None:
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        busy = " (other work is running: wall-clock figures are inflated)" if load > 0.5 else ""
        print(f"load average {when}: {load:.2f} over the last minute{busy}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portfolios", type=int, default=1000)
    parser.add_argument("--holdings", type=int, default=1000, help="holdings per portfolio")
    parser.add_argument("--issuers", type=int, default=100_000)
    parser.add_argument("--pool", type=int, default=20_000, help="distinct securities the portfolios draw from")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the engine's screen() call")
    parser.add_argument("--no-check", action="store_true", help="skip the small engine-reference agreement run")
    parser.add_argument("--no-fork", action="store_true", help="run engine and reference in this process")
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of engine and reference, alternately; the fastest of each counts"
    )
    args = parser.parse_args(argv)
    fork = not args.no_fork

    print(
        f"python {platform.python_version()}, pandas {pd.__version__}, {os.cpu_count()} CPU(s), "
        f"{platform.system()} {platform.machine()}, exclusionscreen from {Path(xs.__file__).parent}"
    )
    _print_load("at the start")
    # warms the library's caches (rule files, legal forms, contracts, lazy imports) in this process, so
    # that every child forked from it starts warm, before anything is timed
    warm = generate(2, 20, 200, 50, args.seed)
    xs.screen(warm.holdings, warm.universe(), POLICY, as_of=AS_OF)
    if not args.no_check:
        small = generate(50, 200, 5_000, 2_000, args.seed + 1, fuzzy=False)
        u = small.universe()
        engine = in_child(run_engine, small, u, keep=True, fork=fork)
        reference = in_child(run_reference, small, u, keep=True, fork=fork)
        _print_comparison(
            "agreement on a small run with exact names only (50 x 200 holdings, 5,000 issuers)",
            compare(engine, reference),
            expect_equal=True,
        )

    start = time.perf_counter()
    data = generate(args.portfolios, args.holdings, args.issuers, args.pool, args.seed)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    universe = data.universe()
    validated = time.perf_counter() - start
    h = data.holdings
    distinct = h[["security_name", "isin", "ticker", "exchange"]].drop_duplicates()
    print(
        f"\ndata: {len(h):,} holdings in {h['portfolio_id'].nunique():,} portfolios, {len(distinct):,} distinct "
        f"securities ({h.memory_usage(deep=True).sum() / 2**20:,.0f} MB); {universe!r}"
    )
    print(
        "holdings presented by: "
        + ", ".join(f"{k} {v:,}" for k, v in data.pool.iloc[:-2]["presented_by"].value_counts().items())
        + " (pool), plus cash/FX"
    )
    print(f"generated in {generated:.1f} s; universe validated in {validated:.1f} s (not part of the screen)")

    engine = reference = None
    for _ in range(max(args.repeats, 1)):  # alternately, so that a slow spell of the machine hits both
        e = in_child(run_engine, data, universe, profile=args.profile, keep=True, fork=fork)
        r = in_child(run_reference, data, universe, keep=True, fork=fork)
        print(f"run: engine {e['total_seconds']:.2f} s, reference {r['total_seconds']:.2f} s")
        engine = e if engine is None or e["total_seconds"] < engine["total_seconds"] else engine
        reference = r if reference is None or r["total_seconds"] < reference["total_seconds"] else reference
    exact = engine["exact_memory"] and reference["exact_memory"]
    print(
        "\nseconds: wall clock. MB: peak resident memory during the stage above the process's resident memory "
        "when the run began"
        + ("" if exact else " (LIFETIME PEAK: this platform cannot reset the high-water mark)")
        + ". Ratio: engine / reference. Reference: DuckDB SQL, exact names only, no fuzzy matching."
    )
    _print_table(engine, reference)
    _print_load("at the end")
    print(f"\nengine statuses: {engine['status']}\nreference statuses: {reference['status']}")
    print(f"engine resolution: {engine['methods']}\nreference resolution: {reference['methods']}")
    print(f"engine review rows: {engine['review']:,}")
    _print_comparison(
        "full run, but for what the engine matched fuzzily",
        compare(engine, reference, leave_out_fuzzy=True),
        expect_equal=True,
    )
    if args.profile:
        print(f"\ncProfile of screen() written to {Path(args.profile)}")


if __name__ == "__main__":
    main()
