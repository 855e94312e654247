"""Unsafe output paths are refused by the command line before anything is read or screened, with
the path named; a read-only report is not replaced."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exclusionscreen.report import ReportError, write_report


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "exclusionscreen", *map(str, args)], capture_output=True, text=True, timeout=300
    )


@pytest.fixture()
def folder(tmp_path, sample_folder) -> Path:
    """A holdings folder (one quarter of the fictional fund) and a policy file, in tmp_path."""
    shutil.copytree(sample_folder / "2026Q3", tmp_path / "q3")
    shutil.copy(sample_folder / "fund_policy.yaml", tmp_path / "policy.yaml")
    return tmp_path


def refused(proc, path: Path, words: str) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert str(path) in proc.stderr and words in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Screened" not in proc.stdout and "excluded" not in proc.stdout  # refused before the screen ran


def test_the_policy_file_is_never_overwritten(folder):
    policy = folder / "policy.yaml"
    before = policy.read_bytes()
    proc = run("screen", folder / "q3", "--policy", policy, "--restricted-list", policy)
    refused(proc, policy, "is an input of this screen")
    assert policy.read_bytes() == before


def test_two_outputs_on_one_path(folder):
    target = folder / "report.xlsx"
    proc = run("screen", folder / "q3", "--out", target, "--restricted-list", target)
    refused(proc, target, "given for both --out and --restricted-list")
    assert not target.exists()


@pytest.mark.parametrize("option", ["--out", "--restricted-list", "--parquet"])
def test_no_output_inside_a_holdings_folder(folder, option):
    name = {"--out": "report.xlsx", "--restricted-list": "restricted.csv", "--parquet": "result"}[option]
    target = folder / "q3" / name
    proc = run("screen", folder / "q3", option, target)
    refused(proc, target, "is inside the holdings folder")
    assert not target.exists()


def test_a_read_only_report_is_refused_before_the_screen(folder):
    target = folder / "report.xlsx"
    target.write_bytes(b"last quarter")
    target.chmod(0o444)
    proc = run("screen", folder / "q3", "--out", target)
    refused(proc, target, "is read-only")
    assert target.read_bytes() == b"last quarter"


def test_write_report_refuses_a_read_only_file(hostile_result, tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"x")
    target.chmod(0o444)
    with pytest.raises(ReportError, match="is read-only"):
        write_report(hostile_result, target)
    assert target.read_bytes() == b"x"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
