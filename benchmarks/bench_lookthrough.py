"""Time a screen with fund look-through against the same screen without it, side by side in one run.

The synthetic data of ``bench_screen.py`` (fictional issuers, securities and evidence; 1,000 portfolios
of 1,000 holdings by default) plus 50 fictional funds of 3,000 positions each, drawn from the same pool
of securities, with lognormal market values (so weights come from market values, as in a fund file
without a weight column). In every portfolio 5 holdings are replaced by lines of 5 of the 50 funds
(``Synthetic look-through fund 07``, fictional ISINs). Both screens get exactly these holdings; the
look-through screen is also given the funds (``screen(..., funds={isin: frame})``).

Measurement: each screen runs in a child process forked from the state after the data were generated
and the library warmed up; time is wall-clock; the two alternate ``--repeats`` times (2 by default)
and the fastest of each counts. The target: look-through within 2x of the screen without it.

Run: ``.venv/bin/python benchmarks/bench_lookthrough.py [--portfolios 1000 --holdings 1000 --funds 50
--positions 3000 --per-portfolio 5 --repeats 2]``.

Measured with the defaults on a 2-core machine shared with other developers' test suites (load
average 8 to 10 throughout, so every figure is noisy), fastest of 2 each:

- the merged look-through, before the review, overrides, summary and nested-fund changes: without
  22.65 s, with 31.90 s (945,040 flags through funds): 1.41x;
- with them (review rows of fund positions given to the 5,000 fund lines, nested fund lines
  screened, counted once): without 17.95 s, with 27.21 s: 1.52x. A run in between gave 18.63 s and
  36.61 s (1.97x) under the same load: the spread is the machine's, not the code's.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd
from bench_screen import AS_OF, POLICY, generate, in_child

import exclusionscreen as xs
from exclusionscreen.identifiers import isin_check_digit

TARGET_RATIO = 2.0


def add_funds(holdings: pd.DataFrame, pool: pd.DataFrame, funds: int, positions: int, per_portfolio: int, seed: int):
    """(holdings with `per_portfolio` lines of each portfolio replaced by fund lines, {fund ISIN: positions})."""
    rng = np.random.default_rng(seed)
    bodies = [f"XS9LTFUND{n:02d}" for n in range(funds)]
    isins = [b + isin_check_digit(b) for b in bodies]
    securities = pool.iloc[:-2]  # the pool without its cash and FX rows
    frames = {}
    for n, isin in enumerate(isins):
        rows = rng.choice(len(securities), positions, replace=False)
        held = securities.iloc[rows].reset_index(drop=True)
        frames[isin] = pd.DataFrame(
            {
                "security_name": held["security_name"],
                "isin": held["isin"],
                "ticker": held["ticker"],
                "exchange": held["exchange"],
                "asset_class": held["asset_class"],
                "market_value": rng.lognormal(15.0, 1.2, positions).round(2),
                "as_of": AS_OF - pd.Timedelta(days=30 + n),
            }
        ).astype({c: "str" for c in ("security_name", "isin", "ticker", "exchange", "asset_class")})
    h = holdings.copy()
    first = h.groupby("portfolio_id").cumcount().to_numpy() < per_portfolio  # each portfolio's first lines
    chosen = np.concatenate(
        [rng.choice(funds, per_portfolio, replace=False) for _ in range(h["portfolio_id"].nunique())]
    )
    names = np.array([f"Synthetic look-through fund {n:02d}" for n in range(funds)], dtype=object)
    h.loc[first, "isin"] = np.asarray(isins, dtype=object)[chosen]
    h.loc[first, "security_name"] = names[chosen]
    h.loc[first, ["ticker", "exchange"]] = np.nan
    h.loc[first, "asset_class"] = "fund"
    return h, frames


def run(holdings, universe, funds) -> dict:
    start = time.perf_counter()
    r = xs.screen(holdings, universe, POLICY, as_of=AS_OF, funds=funds)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "flags": len(r.flags),
        "fund_flags": len(r.fund_flags),
        "pai14_all_mean": float(r.pai14()["pai14_all"].mean()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--portfolios", type=int, default=1000)
    parser.add_argument("--holdings", type=int, default=1000)
    parser.add_argument("--issuers", type=int, default=100_000)
    parser.add_argument("--pool", type=int, default=20_000)
    parser.add_argument("--funds", type=int, default=50)
    parser.add_argument("--positions", type=int, default=3000, help="positions per fund")
    parser.add_argument("--per-portfolio", type=int, default=5, help="fund lines per portfolio")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, pandas {pd.__version__}, {os.cpu_count()} CPU(s)")
    warm = generate(2, 20, 200, 50, args.seed)
    xs.screen(warm.holdings, warm.universe(), POLICY, as_of=AS_OF)
    data = generate(args.portfolios, args.holdings, args.issuers, args.pool, args.seed)
    universe = data.universe()
    holdings, funds = add_funds(data.holdings, data.pool, args.funds, args.positions, args.per_portfolio, args.seed)
    print(
        f"data: {len(holdings):,} holdings in {holdings['portfolio_id'].nunique():,} portfolios, "
        f"{(holdings['asset_class'] == 'fund').sum():,} fund lines; {len(funds)} funds of {args.positions:,} "
        f"positions; {universe!r}"
    )
    best = {"without": None, "with": None}
    for _ in range(max(args.repeats, 1)):
        without = in_child(run, holdings, universe, None)
        with_ = in_child(run, holdings, universe, funds)
        print(f"run: without look-through {without['seconds']:.2f} s, with {with_['seconds']:.2f} s")
        for key, value in (("without", without), ("with", with_)):
            if best[key] is None or value["seconds"] < best[key]["seconds"]:
                best[key] = value
    ratio = best["with"]["seconds"] / best["without"]["seconds"]
    print(
        f"\nfastest: without {best['without']['seconds']:.2f} s ({best['without']['flags']:,} flags), "
        f"with {best['with']['seconds']:.2f} s ({best['with']['flags']:,} flags, "
        f"{best['with']['fund_flags']:,} flags through funds)"
    )
    print(
        f"mean PAI 14 (all investments): without {best['without']['pai14_all_mean']:.4%}, "
        f"with {best['with']['pai14_all_mean']:.4%}"
    )
    verdict = "within" if ratio <= TARGET_RATIO else "NOT within"
    print(f"look-through / without: {ratio:.2f}x, {verdict} the {TARGET_RATIO:.0f}x target")


if __name__ == "__main__":
    main()
