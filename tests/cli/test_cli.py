"""The real command line, run as a user runs it: a subprocess, files in tmp_path, exit codes."""

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import openpyxl
import pytest

from exclusionscreen._resources import bundled_dir

SAMPLE = bundled_dir("sample_portfolios")


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "exclusionscreen", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return run("demo", "--out", out), out


def test_demo_writes_the_report(demo):
    proc, out = demo
    assert proc.returncode == 0, proc.stderr
    report = out / "exclusion_report_2026Q3.xlsx"
    book = openpyxl.load_workbook(report, read_only=True)
    assert {"Summary", "Flags", "Holdings not clear", "Changes"} <= set(book.sheetnames)
    assert (out / "restricted_list_2026Q3.csv").read_text(encoding="utf-8").count("\n") > 5
    assert "Portfolios:" in proc.stdout and "global_equity" in proc.stdout


def test_screen_success(tmp_path):
    files = sorted((SAMPLE / "2026Q3").glob("*.*"))
    report = tmp_path / "q3.xlsx"
    proc = run(
        "screen",
        *files,
        "--universe",
        SAMPLE / "universe",
        "--policy",
        SAMPLE / "fund_policy.yaml",
        "--as-of",
        "2026-09-30",
        "--overrides",
        SAMPLE / "overrides.csv",
        "--decisions",
        SAMPLE / "decisions.csv",
        "--out",
        report,
        "--restricted-list",
        tmp_path / "restricted.csv",
        "--parquet",
        tmp_path / "result",
    )
    assert proc.returncode == 0, proc.stderr
    assert report.is_file() and (tmp_path / "restricted.csv").is_file()
    assert (tmp_path / "result" / "result.json").is_file()
    assert "excluded" in proc.stdout


def test_invalid_universe_file_exits_1_naming_file_and_row(tmp_path):
    universe = tmp_path / "universe"
    universe.mkdir()
    (universe / "issuers.csv").write_text("issuer_id,issuer_name,issuer_type\nA,Alpha,corporate\nB,Beta,bank\n")
    proc = run("screen", SAMPLE / "2026Q3" / "global_equity.csv", "--universe", universe)
    assert proc.returncode == 1
    assert "issuers.csv" in proc.stderr and "line 3: 'bank'" in proc.stderr


def test_unreadable_holdings_exit_1_naming_the_file(tmp_path):
    bad = tmp_path / "holdings.xlsx"
    bad.write_bytes(b"this is not a workbook")
    proc = run("screen", bad)
    assert proc.returncode == 1
    assert "holdings.xlsx" in proc.stderr


def test_bad_policy_exits_1_naming_the_key(tmp_path):
    policy = tmp_path / "loose.yaml"
    policy.write_text(
        "schema_version: 1\nid: loose\nversion: '1.0'\ntitle: Loose\ndescription: x\n"
        "references: [{instrument: Internal}]\n"
        "criteria:\n  - {criterion: conventional_weapons, revenue_threshold: 0.5}\n"
    )
    proc = run("screen", SAMPLE / "2026Q3" / "global_equity.csv", "--policy", policy)
    assert proc.returncode == 1
    assert "loose.yaml" in proc.stderr and "revenue_threshold" in proc.stderr and "loosen" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["screen"],  # no holdings
        ["screen", "no_such_file.csv"],
        ["screen", "x.csv", "--no-such-option"],
        ["bogus"],
        ["criteria", "show"],
    ],
)
def test_usage_errors_exit_2(args):
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr


def test_sipri_year_is_required_with_sipri_file(tmp_path):
    sipri = tmp_path / "sipri.xlsx"
    sipri.write_bytes(b"x")
    proc = run("screen", SAMPLE / "2026Q3" / "global_equity.csv", "--sipri-top100", sipri)
    assert proc.returncode == 2 and "--sipri-year" in proc.stderr


@pytest.mark.parametrize(
    "command",
    [[], ["screen"], ["demo"], ["criteria"], ["criteria", "validate"], ["holdings"], ["holdings", "inspect"]],
)
def test_help_shows_examples(command):
    proc = run(*command, "--help")
    assert proc.returncode == 0
    assert "Example" in proc.stdout


def test_python_m_and_console_script_agree():
    script = Path(sys.executable).with_name("exclusionscreen")
    if not script.exists():
        pytest.skip("console script not installed next to this interpreter")
    a = subprocess.run([script, "criteria", "list"], capture_output=True, text=True)
    b = run("criteria", "list")
    assert a.returncode == b.returncode == 0 and a.stdout == b.stdout


def test_version_prints_the_installed_version():
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"exclusionscreen {version('exclusionscreen')}"


def test_an_unknown_id_gets_the_nearest_shipped_one():
    criterion = run("criteria", "show", "cluster_munition")
    assert criterion.returncode == 1
    assert "did you mean cluster_munitions?" in criterion.stderr
    policy = run("criteria", "show", "brod")
    assert policy.returncode == 1 and "did you mean broad?" in policy.stderr
    far = run("criteria", "show", "zzzz")
    assert far.returncode == 1 and "did you mean" not in far.stderr and "shipped policies: broad" in far.stderr
