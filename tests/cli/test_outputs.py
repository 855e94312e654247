"""What the command line leaves on disk: one report per portfolio on request, a clean error for a
folder it cannot write, and no temporary file after a run is killed while writing."""

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import time

import openpyxl
import pytest

from exclusionscreen._resources import bundled_dir
from exclusionscreen.cli.portfolios import file_names, portfolio_results
from exclusionscreen.report._writer import STALE_AFTER_SECONDS, remove_stale_temporaries
from exclusionscreen.result import ScreenResult
from exclusionscreen.units import currency_warnings, portfolio_units

SAMPLE = bundled_dir("sample_portfolios")
REPORT_FILES = ["report.xlsx", "report_holdings.csv", "report_holdings.parquet"]


def run(*args, script=None, env=None):
    head = [sys.executable, "-c", script] if script else [sys.executable, "-m", "exclusionscreen"]
    return subprocess.run([*head, *map(str, args)], capture_output=True, text=True, timeout=300, env=env)


def screen_args(target):
    return [
        "screen",
        SAMPLE / "2026Q3",
        "--universe",
        SAMPLE / "universe",
        "--policy",
        SAMPLE / "fund_policy.yaml",
        "--as-of",
        "2026-09-30",
        "--out",
        target,
    ]


# ---------------------------------------------------------------------------- demo --out


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder regardless")
def test_demo_into_a_read_only_folder_is_a_clean_error_naming_it(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = run("demo", "--out", folder)
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 1
    assert str(folder) in proc.stderr and "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert list(folder.iterdir()) == []


def test_demo_where_no_folder_can_be_made_is_a_clean_error_naming_it(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    proc = run("demo", "--out", blocker / "demo")
    assert proc.returncode == 1
    assert str(blocker) in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")


# ---------------------------------------------------------------------------- --per-portfolio


def test_portfolio_file_names_are_safe_and_unique():
    names = file_names(["Global Equity", "global_equity", "../etc/passwd", "CON", "", "fonds/ä", ".hidden", "a" * 300])
    assert list(names.values()) == [
        "Global_Equity.xlsx",
        "global_equity_2.xlsx",  # unique on a file system that ignores case
        "etc_passwd.xlsx",
        "_CON.xlsx",
        "portfolio.xlsx",
        "fonds.xlsx",
        "hidden.xlsx",
        "a" * 80 + ".xlsx",
    ]


def sheet_rows(path, sheet):
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    return rows


def test_per_portfolio_writes_one_complete_report_per_portfolio(tmp_path):
    proc = run(
        *screen_args(tmp_path / "report.xlsx"),
        "--per-portfolio",
        "--restricted-list",
        tmp_path / "r.csv",
        "--parquet",
        tmp_path / "result",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Wrote 3 portfolio report(s)" in proc.stdout
    assert "units" not in proc.stdout  # EUR in every file: the equity file says so in its preamble
    folder = tmp_path / "report_portfolios"
    workbooks = sorted(p.name for p in folder.glob("*.xlsx"))
    assert workbooks == ["corporate_bonds.xlsx", "global_equity.xlsx", "multi_asset.xlsx"]
    assert sorted(p.name for p in folder.iterdir() if p.suffix != ".xlsx") == sorted(
        f"{w[:-5]}_holdings.{ext}" for w in workbooks for ext in ("csv", "parquet")
    )
    fund_flags = sheet_rows(tmp_path / "report.xlsx", "Flags")
    column = fund_flags[0].index(next(c for c in fund_flags[0] if c and "ortfolio" in c))
    counted = 0
    for workbook in workbooks:
        rows = sheet_rows(folder / workbook, "Flags")
        assert rows[0] == fund_flags[0]  # the same report, cut to one portfolio
        assert {r[column] for r in rows[1:]} <= {workbook[:-5]}
        counted += len(rows) - 1
        summary = " ".join(str(c) for r in sheet_rows(folder / workbook, "Summary") for c in r if c is not None)
        assert workbook[:-5] in summary
        assert not [
            p for p in ("corporate_bonds", "global_equity", "multi_asset") if p != workbook[:-5] and p in summary
        ]
    assert counted == len(fund_flags) - 1 > 0  # every flag in exactly one portfolio's report

    # the same cut in frames: each row of the fund in exactly one portfolio; none for one it does not hold
    result = ScreenResult.load(tmp_path / "result")
    parts = dict(portfolio_results(result, ["multi_asset", "corporate_bonds", "global_equity", "new_fund"]))
    for name in ("holdings", "flags", "review", "pai14_flags", "skipped"):
        assert sum(len(getattr(p, name)) for p in parts.values()) == len(getattr(result, name)) > 0, name
    assert set(parts["multi_asset"].flags["portfolio_id"]) == {"multi_asset"}
    assert len(parts["new_fund"].holdings) == len(parts["new_fund"].flags) == len(parts["new_fund"].skipped) == 0
    assert parts["new_fund"].restricted.equals(result.restricted)  # the fund's list, for every portfolio

    # the warnings: each portfolio's own, worked out again for units, kept for its files, whole otherwise
    holdings = result.holdings.copy()
    holdings["market_value_currency"] = holdings["portfolio_id"].map({"corporate_bonds": "EUR", "multi_asset": "USD"})
    holdings.loc[holdings.index[holdings["portfolio_id"].eq("multi_asset")][0], "market_value_currency"] = "GBP"
    files = holdings.groupby("portfolio_id")["source_file"].first().map(lambda f: f.rsplit("/", 1)[-1])
    mixed, differ = currency_warnings(portfolio_units(holdings))
    assert mixed.startswith("portfolio multi_asset states market values in several") and "corporate_bonds" in differ
    as_of, general = f"{files['global_equity']}, line 2: as-of date 1901-01-01 is before 1990", "no issuer data"
    skipped, footer = f"{files['multi_asset']}: 2 rows skipped", f"{files['corporate_bonds']}: a footer"
    fund = dataclasses.replace(
        result, holdings=holdings, warnings=(mixed, differ, as_of, general), load_warnings=(skipped, footer)
    )
    parts = dict(portfolio_results(fund, ["multi_asset", "corporate_bonds", "global_equity"]))
    assert parts["global_equity"].warnings == (as_of, general) and parts["global_equity"].load_warnings == ()
    assert parts["corporate_bonds"].warnings == (general,) and parts["corporate_bonds"].load_warnings == (footer,)
    assert parts["multi_asset"].warnings == (general, mixed) and parts["multi_asset"].load_warnings == (skipped,)


def test_per_portfolio_needs_out_and_its_folder_is_checked_before_the_screen(tmp_path):
    assert run("screen", SAMPLE / "2026Q3", "--per-portfolio").returncode == 2
    (tmp_path / "report_portfolios").write_text("a file where the folder goes")
    proc = run(*screen_args(tmp_path / "report.xlsx"), "--per-portfolio")
    assert proc.returncode == 1 and "report_portfolios (--per-portfolio): is a file" in proc.stderr
    assert not (tmp_path / "report.xlsx").exists()


# ---------------------------------------------------------------------------- temporaries


def test_stale_temporaries_of_the_target_are_removed_and_others_kept(tmp_path):
    target = tmp_path / "report.xlsx"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    old = time.time() - STALE_AFTER_SECONDS - 60
    made = {
        f".report.xlsx.{dead_pid}.abcd_123.part": True,  # its writer is gone
        f".report.xlsx.{dead_pid}.abcd_124.tmp/": True,
        ".report.xlsx.k2j4h5g6.part": False,  # an earlier version's name, recent: it may still be writing
        ".report.xlsx.k2j4h5g7.part@old": True,  # ...and old
        f".report.xlsx.{os.getppid()}.abcd_125.part": False,  # a live writer (the test runner's parent)
        f".report.xlsx.{os.getppid()}.abcd_126.part@old": True,  # ...but a day old: the pid was reused
        f".report.xlsx.{os.getpid()}.abcd_127.part": False,  # this process's own
        f".other.xlsx.{dead_pid}.abcd_128.part": False,  # another target's
        f".report.xlsx_holdings.csv.{dead_pid}.abcd_129.part": False,
        "report.xlsx.part": False,  # not a temporary's name
        f".report.xlsx.{dead_pid}.abcd_130.bak": False,
    }
    for spec in made:
        name = spec.removesuffix("@old").removesuffix("/")
        path = tmp_path / name
        if spec.endswith("/"):
            path.mkdir()
            (path / "xlsxwriter_sheet1.xml").write_text("x")
        else:
            path.write_text("x")
        if spec.endswith("@old"):
            os.utime(path, (old, old))
    removed = remove_stale_temporaries(target)
    gone = {spec.removesuffix("@old").removesuffix("/") for spec, stale in made.items() if stale}
    assert {p.name for p in removed} == gone
    assert {p.name for p in tmp_path.iterdir()} == {
        spec.removesuffix("@old").removesuffix("/") for spec, stale in made.items() if not stale
    }


KILLED_WHILE_WRITING = textwrap.dedent(
    """
    import os, signal, sys
    from exclusionscreen.cli import main
    from exclusionscreen.report import _writer

    def write_some_then_die(book, sheets):
        _writer._write_table_sheet(book, next(s for s in sheets if isinstance(s, _writer.TableSheet)))
        leftovers = [p for p in os.listdir(os.path.dirname(sys.argv[-1])) if p.startswith(".")]
        print("temporaries:", *leftovers, flush=True)
        os.kill(os.getpid(), signal.SIG{name})

    _writer.write_sheets = write_some_then_die
    sys.argv[0] = "exclusionscreen"
    main()
    """
)


@pytest.mark.parametrize("name", ["KILL", "TERM"])
def test_no_temporary_file_remains_after_a_run_killed_while_writing(tmp_path, name):
    target = tmp_path / "report.xlsx"
    first = run(*screen_args(target))
    assert first.returncode == 0, first.stderr
    before = target.read_bytes()
    system_tmp = tmp_path.parent / f"{tmp_path.name}_system_tmp"  # nothing may land in the system's folder
    system_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(system_tmp)}
    killed = run(*screen_args(target), script=KILLED_WHILE_WRITING.replace("{name}", name), env=env)
    assert killed.returncode == (-signal.SIGKILL if name == "KILL" else 128 + signal.SIGTERM), killed.stderr
    # while writing, its temporaries were beside the target: a .part file and XlsxWriter's folder
    shown = killed.stdout.split("temporaries:")[1].split()
    assert any(p.endswith(".part") for p in shown) and any(p.endswith(".tmp") for p in shown), killed.stdout
    assert target.read_bytes() == before  # the previous report is whole
    assert list(system_tmp.iterdir()) == []
    left = sorted(p.name for p in tmp_path.iterdir())
    if name == "KILL":  # nothing can clean up after SIGKILL: the next run does
        assert any(n.endswith(".part") for n in left) and any(n.endswith(".tmp") for n in left), left
        again = run(*screen_args(target))
        assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == REPORT_FILES
