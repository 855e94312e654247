"""Time ``load_holdings`` against pandas and Polars reading the same files, in one run.

Two inputs are generated into a temporary folder, deterministically from ``--seed``:

1. One Parquet file of ``--portfolios`` x ``--holdings`` rows (1,000 x 1,000 by default) with seven
   columns: portfolio_id, isin, security_name, weight (fractions), market_value, quantity,
   currency. The ISINs carry valid check digits and are drawn from a shared pool; names are
   invented (``Talvorin Dynamics 000123 plc``).
2. ``--files`` iShares-style CSV files of ``--rows`` rows (1,000 x 1,000 by default): a UTF-8 BOM,
   an eight-line preamble with the fund name and "Fund Holdings as of", a blank line, the iShares
   header (15 columns), quoted numbers with thousands separators, a cash line, and a quoted
   multi-line legal footer.

Timed, each the fastest of ``--repeats`` runs (wall clock, ``time.perf_counter``):

- Parquet: ``pandas.read_parquet`` followed by the Holdings contract check (``validate``), Polars
  ``read_parquet``, and ``load_holdings`` on the file. Target: ``load_holdings`` within 3x of pandas
  + contract and under 2 s.
- CSV folder: ``pandas.read_csv`` of every file (told where the table starts and how many rows it
  has, with ``thousands=","``: the reader is given what ``load_holdings`` has to find out), Polars
  ``read_csv`` likewise, and ``load_holdings`` on the folder. Target: within 5x of pandas and
  under 15 s.

Run: ``.venv/bin/python benchmarks/bench_load.py [--portfolios 1000 --holdings 1000 --files 1000
--rows 1000 --seed 0 --repeats 3]``. Polars comes with the ``bench`` extra. The figures depend on the
machine and on what else runs on it: each line also gives the processor time of the run (``cpu``:
this process and the worker processes it started, all threads), and the load average is printed
at the start and the end, since on a shared machine the wall clock counts the time other
processes held the cores.

Measured on 2 quiet cores (load average 0.4 at the start, 0.9 at the end), ``--repeats 3
--files 1000``, python 3.11, pandas 3.1:

- Parquet, 1M rows: pandas.read_parquet + contract 0.67 s; ``load_holdings`` 0.88 s (1.31x):
  target met.
- CSV folder, 1,000 files of 1,000 rows: pandas.read_csv 1.56 s; ``load_holdings`` 6.30 s
  (4.03x; 11.2 s of processor time over this process and two workers): target met. The same
  folder took 33.2 s (19x) before the changes below, and 193.6 s of processor time before the
  batch path.

Where the time went, and what took it out (each step checked against the per-file path or the
reader it replaced, file by file, in the tests):

- Reading a file's records (``holdings/_csv.py``): the run of fully quoted lines that makes up
  most of an iShares file is split by lines once its quoting is shown plain (two quotes per field,
  every line quoted at both ends, uniform line ends); preambles and footers still go through the
  :mod:`csv` module, whose line numbers are counted per chunk of records; an absent delimiter is
  not sniffed. About 6 ms of processor time per file to under 3.
- The stacked work over 100 files at a time (``holdings/_batch.py``): each needed column turned
  into Arrow strings once and encoded by distinct value; row classes, number formats, parsing
  (plain number texts read by Arrow's cast), text, asset classes and countries worked out per
  distinct value; header rows scored with the per-file path's own function. About 18 ms per file
  to about 7.
- After reading (``holdings/_checks.py``, ``_positions.py``): one concatenation, holding ids with
  Arrow kernels, duplicate positions from factorised codes, the contract checked once. 4.7 s to
  0.9 s for the million rows.
- Two worker processes (``holdings/_pool.py``, fork, from 150 files): each reads runs of 100
  files; a run's frames are joined before they are sent back (unpickling a thousand frames cost
  the parent 1.3 s), and the collector is paused while a worker reads.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from exclusionscreen.contracts import Holdings, validate
from exclusionscreen.holdings import load_holdings
from exclusionscreen.identifiers import isin_check_digit

try:
    import polars as pl
except ImportError:  # the comparison is shown where Polars is installed
    pl = None
try:
    import resource
except ImportError:  # not on Windows: the processor time of worker processes is left out there
    resource = None

PARQUET_TARGET = (3.0, 2.0)  # ratio to pandas + contract, seconds
CSV_TARGET = (5.0, 15.0)  # ratio to pandas.read_csv, seconds
_WORDS = "Tal Ver Mor Kel Bra Quin Zor Fen Dra Ost Lum Cal Hex Pyr Vel Nor Gal Ser Tor Wim".split()
_SECTORS = "Dynamics Systems Industries Logistics Materials Engineering Foods Analytics".split()
_ISHARES_HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Shares,Price,Location,"
    "Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)
_PREAMBLE = (
    "\ufeffiShares Synthetic Benchmark ETF\n"
    'Fund Holdings as of,"Apr 06, 2023"\n'
    'Inception Date,"May 15, 2000"\n'
    'Shares Outstanding,"743,100,000.00"\n'
    'Stock,"-"\nBond,"-"\nCash,"-"\nOther,"-"\n \n'
)
_FOOTER = (
    '\n"The content contained herein is synthetic benchmark data.\n'
    'Past performance does not guarantee future results."\n'
)
_PREAMBLE_LINES = 9  # lines before the header


def _isins(n: int, rng: np.random.Generator) -> np.ndarray:
    bodies = [f"XS{v:09d}" for v in rng.choice(10**9, size=n, replace=False)]
    return np.array([b + isin_check_digit(b) for b in bodies])


def _names(n: int) -> np.ndarray:
    return np.array(
        [f"{_WORDS[i % 20]}{_WORDS[(i // 20) % 20].lower()} {_SECTORS[i % 8]} {i:06d} plc" for i in range(n)]
    )


def make_parquet(path: Path, portfolios: int, holdings: int, rng: np.random.Generator) -> int:
    pool = max(holdings * 20, 10_000)
    isins, names = _isins(pool, rng), _names(pool)
    picks = np.concatenate([rng.choice(pool, size=holdings, replace=False) for _ in range(portfolios)])
    raw = rng.random(portfolios * holdings)
    weight = raw / np.repeat(np.add.reduceat(raw, np.arange(0, raw.size, holdings)), holdings)
    frame = pd.DataFrame(
        {
            "portfolio_id": np.repeat([f"P{p:04d}" for p in range(portfolios)], holdings),
            "isin": isins[picks],
            "security_name": names[picks],
            "weight": weight,
            "market_value": weight * 1e8,
            "quantity": np.round(rng.random(raw.size) * 1e5),
            "currency": rng.choice(["USD", "EUR", "GBP", "JPY"], size=raw.size),
        }
    )
    frame.to_parquet(path, index=False)
    return len(frame)


def make_csv_folder(folder: Path, files: int, rows: int, rng: np.random.Generator) -> int:
    folder.mkdir()
    names = _names(rows * 5)
    for f in range(files):
        pick = rng.choice(names.size, size=rows - 1, replace=False)
        raw = rng.random(rows - 1)
        weight = raw / raw.sum() * 99.5
        value = weight * 2e8
        lines = [_PREAMBLE + _ISHARES_HEADER]
        for i, (k, w, v) in enumerate(zip(pick, weight, value, strict=True)):
            lines.append(
                f'"T{k:05d}","{names[k].upper()}","{_SECTORS[k % 8]}","Equity","{v:,.2f}","{w:.2f}",'
                f'"{v:,.2f}","{(i + 1) * 1000:,.2f}","{100 + i % 50:.2f}","United States","NASDAQ","USD",'
                '"1.00","USD","-"'
            )
        lines.append(
            '"USD","USD CASH","Cash and/or Derivatives","Cash","1,000,000.00","0.50","1,000,000.00",'
            '"1,000,000.00","100.00","United States","-","USD","1.00","USD","-"'
        )
        (folder / f"fund_{f:04d}.csv").write_text("\n".join(lines) + "\n" + _FOOTER, encoding="utf-8")
    return files * rows


CPU_TIMES: dict[str, float] = {}
"""The processor time of the fastest run of each timed step: on a shared machine the wall clock
also counts the time other processes held the cores."""


def _cpu() -> float:
    """Processor time of this process and of its finished child processes (the loader's workers)."""
    if resource is None:
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def best(run: Callable[[], object], repeats: int, label: str = "") -> tuple[float, object]:
    times, cpu, result = [], [], None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), _cpu()
        result = run()
        times.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
    CPU_TIMES[label] = cpu[times.index(min(times))]
    return min(times), result


def pandas_parquet(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    frame["holding_id"] = frame["portfolio_id"] + ":" + pd.RangeIndex(1, len(frame) + 1).astype(str)
    return validate(frame, Holdings)


def pandas_csv(files: list[Path], rows: int) -> int:
    total = 0
    for path in files:
        frame = pd.read_csv(path, skiprows=_PREAMBLE_LINES, nrows=rows, thousands=",", encoding="utf-8-sig")
        total += len(frame)
    return total


def polars_csv(files: list[Path], rows: int) -> int:
    total = 0
    for path in files:
        frame = pl.read_csv(path, skip_rows=_PREAMBLE_LINES, n_rows=rows, encoding="utf8-lossy", infer_schema=False)
        total += frame.height
    return total


def line(label: str, seconds: float, reference: float | None = None) -> str:
    ratio = f"{seconds / reference:6.2f}x" if reference else "       "
    cpu = f"   (cpu {CPU_TIMES[label]:.3f} s)" if label in CPU_TIMES else ""
    return f"  {label:<44}{seconds:8.3f} s  {ratio}{cpu}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--portfolios", type=int, default=1000)
    parser.add_argument("--holdings", type=int, default=1000)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip", choices=["parquet", "csv"], default=None, help="leave one part out")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"python {platform.python_version()}, pandas {pd.__version__}, cpus {os.cpu_count()}")
    print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"polars {pl.__version__}" if pl else "polars not installed: its column is left out")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if args.skip != "parquet":
            path = tmp_path / "holdings.parquet"
            n = make_parquet(path, args.portfolios, args.holdings, rng)
            print(f"\nParquet: {n:,} rows ({args.portfolios} portfolios x {args.holdings}), seven columns")
            base, _ = best(lambda: pandas_parquet(path), args.repeats, "pandas.read_parquet + Holdings contract")
            print(line("pandas.read_parquet + Holdings contract", base))
            if pl:
                t, _ = best(lambda: pl.read_parquet(path), args.repeats, "polars.read_parquet")
                print(line("polars.read_parquet", t, base))
            t, loaded = best(lambda: load_holdings(path, portfolio_id=None).holdings, args.repeats, "load_holdings")
            assert len(loaded) == n, (len(loaded), n)
            ok = t <= PARQUET_TARGET[0] * base and t <= PARQUET_TARGET[1]
            print(
                line("load_holdings", t, base)
                + f"   target {PARQUET_TARGET[0]:g}x and {PARQUET_TARGET[1]:g} s: "
                + ("met" if ok else "MISSED")
            )
        if args.skip != "csv":
            folder = tmp_path / "csv"
            n = make_csv_folder(folder, args.files, args.rows, rng)
            files = sorted(folder.iterdir())
            print(f"\nCSV folder: {args.files} iShares-style files of {args.rows} rows ({n:,} holdings)")
            base, counted = best(
                lambda: pandas_csv(files, args.rows), args.repeats, "pandas.read_csv (told where the table is)"
            )
            assert counted == n, (counted, n)
            print(line("pandas.read_csv (told where the table is)", base))
            if pl:
                t, _ = best(
                    lambda: polars_csv(files, args.rows), args.repeats, "polars.read_csv (told where the table is)"
                )
                print(line("polars.read_csv (told where the table is)", t, base))
            t, loaded = best(
                lambda: load_holdings(folder, progress=False).holdings,
                max(1, args.repeats - 1),
                "load_holdings (finds the table itself)",
            )
            assert len(loaded) == n, (len(loaded), n)
            ok = t <= CSV_TARGET[0] * base and t <= CSV_TARGET[1]
            print(
                line("load_holdings (finds the table itself)", t, base)
                + f"   target {CSV_TARGET[0]:g}x and {CSV_TARGET[1]:g} s: "
                + ("met" if ok else "MISSED")
            )
    print("\nload average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
