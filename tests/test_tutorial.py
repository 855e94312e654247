"""The tutorial notebook runs from start to end and finds what the sample fund's expected outcomes say."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from ipykernel.kernelspec import install as install_kernelspec
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"
EXPECTED = ROOT / "sample_portfolios" / "expected_holdings.csv"
KERNEL = "exclusionscreen-tests"
CELL_TIMEOUT = 300  # seconds; the whole notebook takes well under a minute


def test_the_tutorial_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "the tutorial has no code cells"
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> nbformat.NotebookNode:
    """The tutorial executed in a kernel of this interpreter, in a scratch folder."""
    work = tmp_path_factory.mktemp("tutorial")
    # a kernelspec of its own that runs this interpreter, whatever other python3 kernels are installed
    install_kernelspec(kernel_name=KERNEL, display_name=KERNEL, prefix=str(work / "jupyter"))
    spec_dir = work / "jupyter" / "share" / "jupyter" / "kernels"
    manager = KernelSpecManager(kernel_dirs=[str(spec_dir)])
    spec = manager.get_kernel_spec(KERNEL)
    assert spec.argv[0] in (sys.executable, "python"), spec.argv

    nb = nbformat.read(NOTEBOOK, as_version=4)
    mp = pytest.MonkeyPatch()
    mp.setenv("TMPDIR", str(work))  # the notebook writes its report into a temporary folder
    try:
        client = NotebookClient(
            nb,
            km=KernelManager(kernel_name=KERNEL, kernel_spec_manager=manager),
            timeout=CELL_TIMEOUT,
            resources={"metadata": {"path": str(work)}},
        )
        client.execute()
    finally:
        mp.undo()
    nb.metadata["scratch"] = str(work)
    return nb


def _text(cell) -> str:
    return "".join(
        out.get("text", "") if out.output_type == "stream" else out.get("data", {}).get("text/plain", "")
        for out in cell.outputs
    )


def test_every_code_cell_ran_without_error(executed):
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert not errors, errors


def test_the_tutorial_finds_the_expected_number_of_excluded_holdings(executed):
    (cell,) = [c for c in executed.cells if "key-output" in c.metadata.get("tags", [])]
    match = re.search(r"excluded holdings: (\{.*\})", _text(cell))
    assert match, _text(cell)
    found = ast.literal_eval(match.group(1))
    expected = pd.read_csv(EXPECTED)
    excluded = expected[expected["status"] == "excluded"].groupby("quarter").size().to_dict()
    assert found == excluded
    assert all(n > 0 for n in found.values())


def test_the_tutorial_gives_every_status_the_expected_count(executed):
    (cell,) = [c for c in executed.cells if "key-output" in c.metadata.get("tags", [])]
    match = re.search(r"holdings by status: (\{.*\})", _text(cell))
    assert match, _text(cell)
    found = ast.literal_eval(match.group(1))
    expected = pd.read_csv(EXPECTED).groupby(["quarter", "status"]).size().to_dict()
    assert found == expected


def test_the_tutorial_writes_the_report(executed):
    reports = list(Path(executed.metadata["scratch"]).glob("exclusionscreen-tutorial-*/exclusion_report_2026Q3.xlsx"))
    assert len(reports) == 1
    (cell,) = [c for c in executed.cells if c.get("id") == "sheets"]
    assert "Changes" in _text(cell)
