"""Time the Excel report against the floor of openpyxl's write-only mode, and measure its memory.

The floor writes the same cells (the Flags frame, header included) with openpyxl's write-only mode
and no formatting at all; the report writes its Flags sheet with styles, number formats, status
colours, links, widths, frozen header and autofilter. Both run in this process, alternately, and
the best of the repeats counts. Peak memory is traced (tracemalloc) while the Flags sheet is written
for two row counts: it should not grow with the rows.

Every issuer, security, portfolio and source here is fictional (``Fictional Issuer 00042 plc``,
ISINs in the ``XS9`` range, example.org links).

Run: ``.venv/bin/python benchmarks/bench_report.py [--rows 100000] [--repeats 2] [--memory-rows 50000 100000]``
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from exclusionscreen.report import _sheets, _writer
from exclusionscreen.result import ScreenResult
from exclusionscreen.rulefiles import load_policy

AS_OF = pd.Timestamp("2026-09-30")


def fake_result(n_flags: int, seed: int = 7) -> ScreenResult:
    """A result with `n_flags` flag rows (two criteria per holding) over fictional issuers."""
    rng = np.random.default_rng(seed)
    policy = load_policy("broad")
    criteria = list(policy.criterion_ids)
    n_hold = max(n_flags // 2, 1)
    hold_ids = np.arange(n_hold)
    issuer = rng.integers(0, max(n_hold // 4, 1), n_hold)
    portfolio = np.array([f"PF{p:02d}" for p in range(20)])[hold_ids % 20]
    names = pd.Series(issuer).map(lambda i: f"Fictional Issuer {i:05d} plc")
    isin = pd.Series(hold_ids).map(lambda i: f"XS9{i:08d}0")
    mv = rng.uniform(1e4, 1e7, n_hold).round(2)
    holdings = pd.DataFrame(
        {
            "portfolio_id": portfolio,
            "holding_id": [f"H{i:07d}" for i in hold_ids],
            "security_name": names.str.upper(),
            "isin": isin,
            "market_value": mv,
            "share_of_portfolio": mv / pd.Series(mv).groupby(portfolio).transform("sum").to_numpy(),
            "status": "excluded",
            "issuer_id": [f"ISS{i:05d}" for i in issuer],
            "issuer_name": names,
            "resolution_method": "isin",
            "resolution_confidence": 1.0,
        }
    )
    rows = np.repeat(hold_ids, 2)[:n_flags]
    h = holdings.iloc[rows].reset_index(drop=True)
    crit = np.array(criteria)[(rows * 7 + np.arange(n_flags)) % len(criteria)]
    flags = pd.DataFrame(
        {
            "portfolio_id": h["portfolio_id"],
            "holding_id": h["holding_id"],
            "security_name": h["security_name"],
            "isin": h["isin"],
            "issuer_id": h["issuer_id"],
            "issuer_name": h["issuer_name"],
            "ultimate_parent_id": h["issuer_id"],
            "ultimate_parent_name": h["issuer_name"],
            "criterion_id": crit,
            "criterion_version": "1.0.0",
            "basis": "product",
            "via": np.where(np.arange(n_flags) % 3 == 0, "parent", "direct"),
            "cause_issuer_id": h["issuer_id"],
            "cause_name": h["issuer_name"],
            "category": crit,
            "involvement_type": "production",
            "revenue_share": np.where(np.arange(n_flags) % 4 == 0, 0.12, np.nan),
            "threshold": 0.0,
            "recipient_country": pd.Series([None] * n_flags, dtype="str"),
            "list_id": pd.Series([None] * n_flags, dtype="str"),
            "match_method": "issuer_id",
            "match_confidence": 1.0,
            "evidence_source": "Fictional research note",
            "evidence_url": [f"https://example.org/evidence/{i % 3000}" for i in range(n_flags)],
            "evidence_date": pd.Timestamp("2026-03-31"),
            "action": "exclude",
            "override": pd.Series([None] * n_flags, dtype="str"),
            "override_rationale": pd.Series([None] * n_flags, dtype="str"),
            "outcome": "exclude",
            "holding_key": "isin:" + h["isin"],
            "market_value": h["market_value"],
            "share_of_portfolio": h["share_of_portfolio"],
            "evidence_note": pd.Series([None] * n_flags, dtype="str"),
        }
    )
    empty = pd.DataFrame()
    return ScreenResult(
        holdings=holdings,
        flags=flags,
        review=empty,
        overrides=empty,
        skipped=pd.DataFrame(columns=["source_file", "source_row", "reason", "text"]),
        pai14_flags=flags.iloc[:0],
        as_of=AS_OF,
        policy=policy,
    )


def flags_sheet(result: ScreenResult) -> _sheets.TableSheet:
    return next(s for s in _sheets.build_sheets(result) if s.name == "Flags")


def write_report_flags(result: ScreenResult, path: Path) -> None:
    """The report's Flags sheet, alone in a workbook: what the report adds per row."""
    wb = _writer._workbook(result)
    _writer.write_sheets(wb, [flags_sheet(result)])
    _writer._save(wb, path)


def write_floor(result: ScreenResult, path: Path) -> None:
    """The same cells with openpyxl's write-only mode and no formatting: the fastest openpyxl can go."""
    frame = result.flags
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Flags")
    ws.append(list(frame.columns))
    values = frame.astype(object).where(frame.notna(), None)
    for row in values.itertuples(index=False, name=None):
        ws.append(row)
    wb.save(path)


def best_time(func, result: ScreenResult, folder: Path, repeats: int) -> float:
    best = float("inf")
    for i in range(repeats):
        gc.collect()
        start = time.perf_counter()
        func(result, folder / f"{func.__name__}_{i}.xlsx")
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(result: ScreenResult, folder: Path) -> float:
    """Peak memory (MB) allocated while the report's Flags sheet is written, beyond what was there before."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    write_report_flags(result, folder / "memory.xlsx")
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="flag rows for the timing (default 100,000)")
    parser.add_argument("--repeats", type=int, default=2, help="timed runs of each writer; the best counts")
    parser.add_argument("--memory-rows", type=int, nargs="*", default=[50_000, 100_000],
                        help="row counts at which to trace peak memory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        result = fake_result(args.rows)
        cells = result.flags.shape[0] * result.flags.shape[1]
        print(f"Flags: {len(result.flags):,} rows x {result.flags.shape[1]} columns = {cells:,} cells")
        floor = report = float("inf")
        for _ in range(args.repeats):  # alternate, so that a slow spell of the machine hits both
            floor = min(floor, best_time(write_floor, result, folder, 1))
            report = min(report, best_time(write_report_flags, result, folder, 1))
        print(f"floor  (openpyxl write-only, no formatting): {floor:8.2f} s  ({cells / floor:,.0f} cells/s)")
        print(f"report (Flags sheet, styled):                {report:8.2f} s  ({cells / report:,.0f} cells/s)")
        print(f"ratio report / floor: {report / floor:.2f}  (target <= 1.30)")
        del result
        for n in args.memory_rows:
            result = fake_result(n)
            print(f"peak memory writing {n:>9,} flag rows: {peak_memory(result, folder):8.1f} MB")
            del result


if __name__ == "__main__":
    main()
