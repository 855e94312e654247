"""Time the Excel report against the floors of XlsxWriter and openpyxl, and measure its memory.

The report is written with XlsxWriter. Two floors write the same cells (the Flags frame, header
included) with no formatting at all: XlsxWriter's ``write_row`` in its ``constant_memory`` mode (the
floor of the library the report uses) and openpyxl's write-only mode (the floor of the library it
used before; any openpyxl writer with styles and links is slower than this). The report writes its
Flags sheet with styles, number formats, status colours, links, widths, row heights, print setup,
frozen header and autofilter. All run in this process, alternately, and the best of the repeats
counts. Peak memory (resident, or traced by tracemalloc off Linux) is measured while the Flags sheet
is written, for several row counts, each in a fresh process, with the source URLs as links and as
plain text: without links it does not grow with the rows; with links it grows until Excel's cap of
65,530 links per sheet and then stays flat (XlsxWriter keeps a sheet's links until it is closed).

Every issuer, security, portfolio and source here is fictional (``Fictional Issuer 00042 plc``,
ISINs in the ``XS9`` range, example.org links).

``--quarter`` instead times a quarter of 1,000 portfolios of 1,000 holdings each (0.5 % excluded with
a source link, 2 % unresolved, 0.5 % cash, the rest clear): the summary workbook (target: under 15 s
and 20 MB) and every holding to Parquet and CSV beside it (the Parquet file is read back and its
rows counted).

Run: ``.venv/bin/python benchmarks/bench_report.py [--rows 100000] [--repeats 3] [--memory-rows 25000 50000 100000]``
or ``.venv/bin/python benchmarks/bench_report.py --quarter [--portfolios 1000] [--holdings 1000]``
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
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
            "market_value_currency": "EUR",  # as the loader records it from the files
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


def fake_quarter(portfolios: int, per_portfolio: int, seed: int = 11) -> ScreenResult:
    """`portfolios` x `per_portfolio` holdings: 0.5 % excluded (one flag each), 2 % unresolved, 0.5 % cash."""
    base = fake_result(2, seed)
    rng = np.random.default_rng(seed)
    n = portfolios * per_portfolio
    draw = rng.random(n)
    status = np.select([draw < 0.005, draw < 0.025, draw < 0.03], ["excluded", "unresolved", "not_applicable"], "clear")
    issuer = rng.integers(0, 50_000, n)
    mv = rng.uniform(1e4, 1e7, n).round(2)
    portfolio = np.repeat([f"PF{p:04d}" for p in range(portfolios)], per_portfolio)
    resolved = (status != "unresolved") & (status != "not_applicable")
    holdings = pd.DataFrame(
        {
            "portfolio_id": portfolio,
            "holding_id": [f"H{i:07d}" for i in range(n)],
            "security_name": [f"FICTIONAL ISSUER {i:05d} PLC" for i in issuer],
            "isin": [f"XS9{i:08d}0" for i in range(n)],
            "currency": "EUR",
            "market_value": mv,
            "market_value_currency": "EUR",  # as the loader records it from the files
            "share_of_portfolio": mv / pd.Series(mv).groupby(portfolio).transform("sum").to_numpy(),
            "status": status,
            "issuer_id": pd.Series([f"ISS{i:05d}" for i in issuer]).where(resolved),
            "issuer_name": pd.Series([f"Fictional Issuer {i:05d} plc" for i in issuer]).where(resolved),
            "resolution_method": np.where(resolved, "isin", np.where(status == "unresolved", "none", "not_applicable")),
            "resolution_confidence": np.where(resolved, 1.0, np.nan),
        }
    )
    excluded = holdings[holdings["status"] == "excluded"].reset_index(drop=True)
    template = base.flags.iloc[[0] * len(excluded)].reset_index(drop=True)
    flags = template.assign(
        **{c: excluded[c] for c in excluded.columns if c in template.columns},
        evidence_url=[f"https://example.org/evidence/{i}" for i in range(len(excluded))],
        holding_key="isin:" + excluded["isin"],
    )
    return replace(base, holdings=holdings, flags=flags, pai14_flags=flags.iloc[:0])


def quarter(portfolios: int, per_portfolio: int) -> None:
    result = fake_quarter(portfolios, per_portfolio)
    print(
        f"Quarter: {portfolios:,} portfolios x {per_portfolio:,} holdings = {len(result.holdings):,} holdings, "
        f"{len(result.flags):,} flags, {int((result.holdings['status'] != 'clear').sum()):,} not clear"
    )
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "quarter.xlsx"
        parquet, text = _writer.holdings_paths(target)
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        sheets = _sheets.build_sheets(result, holdings_files=(parquet.name, text.name))
        with tempfile.TemporaryDirectory(dir=tmp) as scratch:
            book = _writer._Book(result, target, Path(scratch))
            _writer.write_sheets(book, sheets)
            book.close()
        book_wall, book_cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall, cpu = time.perf_counter(), time.process_time()
        _writer.write_holdings(result, parquet, text)
        files_wall, files_cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows = pd.read_parquet(parquet, columns=["holding_id"]).shape[0]
        print(f"{'':52} {'wall s':>8} {'CPU s':>8} {'MB':>8}")
        print(
            f"{'summary workbook (target < 15 s, < 20 MB)':52} {book_wall:8.2f} {book_cpu:8.2f} "
            f"{target.stat().st_size / 1e6:8.1f}"
        )
        print(
            f"{'every holding: Parquet and CSV':52} {files_wall:8.2f} {files_cpu:8.2f} "
            f"{(parquet.stat().st_size + text.stat().st_size) / 1e6:8.1f}"
        )
        print(f"Parquet rows read back: {rows:,} of {len(result.holdings):,} holdings")


def flags_sheet(result: ScreenResult) -> _sheets.TableSheet:
    return next(s for s in _sheets.build_sheets(result) if s.name == "Flags")


def write_report_flags(result: ScreenResult, path: Path) -> None:
    """The report's Flags sheet, alone in a workbook: what the report adds per row."""
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        book = _writer._Book(result, path, Path(scratch))
        _writer.write_sheets(book, [flags_sheet(result)])
        book.close()


def _plain_rows(frame: pd.DataFrame):
    return frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)


def write_floor(result: ScreenResult, path: Path) -> None:
    """The same cells with XlsxWriter's constant_memory mode and no formatting: the fastest it can go."""
    frame = result.flags
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    ws = wb.add_worksheet("Flags")
    ws.write_row(0, 0, list(frame.columns))
    for r, row in enumerate(_plain_rows(frame), 1):
        ws.write_row(r, 0, row)
    wb.close()


def write_openpyxl_floor(result: ScreenResult, path: Path) -> None:
    """The same cells with openpyxl's write-only mode and no formatting: the fastest openpyxl can go."""
    frame = result.flags
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Flags")
    ws.append(list(frame.columns))
    for row in _plain_rows(frame):
        ws.append(row)
    wb.save(path)


def best_time(func, result: ScreenResult, folder: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (CPU time is what a busy machine disturbs least)."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    func(result, folder / f"{func.__name__}.xlsx")
    return time.perf_counter() - wall, time.process_time() - cpu


def _child_peak(n_flags: int, links: bool) -> None:
    """In a fresh process: peak resident memory (MB) added while the Flags sheet is written."""
    result = fake_result(n_flags)
    if not links:  # the same text, but not a web address: no links
        result = replace(result, flags=result.flags.assign(evidence_url=result.flags["evidence_url"].str[8:]))
    gc.collect()
    with tempfile.TemporaryDirectory() as tmp:
        if Path("/proc/self/clear_refs").exists():  # Linux: reset the high-water mark, then read it
            Path("/proc/self/clear_refs").write_text("5")
            before = _status_kb("VmRSS")
            write_report_flags(result, Path(tmp) / "memory.xlsx")
            peak = _status_kb("VmHWM") - before
            print(peak / 1024)
        else:  # elsewhere: Python allocations only
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            write_report_flags(result, Path(tmp) / "memory.xlsx")
            print((tracemalloc.get_traced_memory()[1] - base) / 1e6)


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def peak_memory(n_flags: int, links: bool) -> float:
    flag = [] if links else ["--no-links"]
    done = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(n_flags), *flag], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="flag rows for the timing (default 100,000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each writer; the best counts")
    parser.add_argument(
        "--memory-rows",
        type=int,
        nargs="*",
        default=[25_000, 50_000, 100_000],
        help="row counts at which to measure peak memory",
    )
    parser.add_argument("--quarter", action="store_true", help="time the summary workbook of a large quarter")
    parser.add_argument("--portfolios", type=int, default=1_000, help="portfolios of the --quarter run")
    parser.add_argument("--holdings", type=int, default=1_000, help="holdings per portfolio of the --quarter run")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-links", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        _child_peak(args.memory_child, links=not args.no_links)
        return
    if args.quarter:
        quarter(args.portfolios, args.holdings)
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        result = fake_result(args.rows)
        cells = result.flags.shape[0] * result.flags.shape[1]
        links = int(_sheets.link_mask(result.flags["evidence_url"]).sum())
        print(
            f"Flags: {len(result.flags):,} rows x {result.flags.shape[1]} columns = {cells:,} cells, "
            f"{links:,} source URLs (links kept: {min(links, _sheets.MAX_LINKS_PER_SHEET):,})"
        )
        writers = {
            "floor (XlsxWriter constant_memory, no formatting)": write_floor,
            "openpyxl floor (write-only, no formatting)": write_openpyxl_floor,
            "report (Flags sheet, styled, XlsxWriter)": write_report_flags,
        }
        best = {name: [float("inf")] * 2 for name in writers}
        for _ in range(args.repeats):  # alternate, so that a slow spell of the machine hits all
            for name, func in writers.items():
                best[name] = [min(a, b) for a, b in zip(best[name], best_time(func, result, folder), strict=True)]
        print(f"{'':52} {'wall s':>8} {'CPU s':>8}")
        for name, (wall, cpu) in best.items():
            print(f"{name:52} {wall:8.2f} {cpu:8.2f}")
        floor, openpyxl_floor, report = best.values()
        print(
            f"ratio report / XlsxWriter floor: wall {report[0] / floor[0]:.2f}, CPU {report[1] / floor[1]:.2f} "
            f"(target <= 1.30); best of {args.repeats}"
        )
        print(
            f"ratio report / openpyxl floor: wall {report[0] / openpyxl_floor[0]:.2f}, "
            f"CPU {report[1] / openpyxl_floor[1]:.2f}"
        )
        del result
    print(f"{'peak memory added while writing':52} {'MB':>8} {'no links':>9}")
    for n in args.memory_rows:
        print(f"{f'{n:,} flag rows':52} {peak_memory(n, True):8.1f} {peak_memory(n, False):9.1f}")


if __name__ == "__main__":
    main()
