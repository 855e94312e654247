"""Files read in worker processes give what reading them in this process gives.

Each case loads the same inputs twice: once in this process (``POOL_FROM`` out of reach), once
with the pool for every list (``POOL_FROM = 0``) and runs of a few files (``RUN_FILES``), so that
a small folder is spread over several runs and workers; then compares the holdings, every field
of every file's report, or the error raised.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import signal
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest

from exclusionscreen.errors import ColumnMappingError, InputFileError
from exclusionscreen.holdings import _pool, load_holdings
from exclusionscreen.holdings._limits import DEFAULT_LIMITS

from . import workbooks
from .conftest import FIXTURES, SHARED_HOLDINGS, needs_shared
from .test_batch import _assert_same, _ishares_like

pytestmark = pytest.mark.skipif(not _pool._may_fork(), reason="the pool needs the 'fork' start method")

PARENT = os.getpid()


@pytest.fixture
def pooled(monkeypatch):
    """Runs of two files, two workers, and a record of the runs this process read itself."""
    monkeypatch.setattr(_pool, "RUN_FILES", 2)
    monkeypatch.setattr(_pool, "worker_count", lambda: 2)
    here: list[list[str]] = []
    original = _pool.read_inputs

    def recorded(entries, *args):
        entries = list(entries)
        if os.getpid() == PARENT:  # a worker's record stays in the worker
            here.append([label for _, label, _, _ in entries])
        return original(iter(entries), *args)

    monkeypatch.setattr(_pool, "read_inputs", recorded)
    return here


def _both(monkeypatch, inputs, **kwargs):
    monkeypatch.setattr(_pool, "POOL_FROM", 10**9)
    alone = load_holdings(inputs, progress=False, **kwargs)
    monkeypatch.setattr(_pool, "POOL_FROM", 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no fallback to this process
        together = load_holdings(inputs, progress=False, **kwargs)
    return alone, together


def _errors(monkeypatch, inputs) -> list[BaseException]:
    caught = []
    for reach in (10**9, 0):
        monkeypatch.setattr(_pool, "POOL_FROM", reach)
        with pytest.raises(InputFileError) as error:
            load_holdings(inputs, progress=False)
        caught.append(error.value)
    return caught


def _fund_folder(folder: Path, files: int) -> Path:
    folder.mkdir()
    for seed in range(files):
        _ishares_like(folder / f"fund_{seed:03d}.csv", rows=20 + seed, seed=seed)
    return folder


def _mixed_folder(folder: Path) -> Path:
    """CSV, text, XLSX and Parquet files, in this order by name."""
    folder.mkdir()
    for seed in range(3):
        _ishares_like(folder / f"a_fund_{seed}.csv", rows=15, seed=seed)
    shutil.copy(FIXTURES / "fondspositionen_de.csv", folder / "b_depot.csv")
    workbooks.title_block_second_sheet(folder / "c_book.xlsx")
    pd.DataFrame(
        {"ISIN": ["US0378331005", "US5949181045"], "Name": ["APPLE INC", "MICROSOFT CORP"], "Weight": [60.0, 40.0]}
    ).to_parquet(folder / "d_table.parquet")
    shutil.copy(FIXTURES / "positions_fr.csv", folder / "e_positions.csv")
    shutil.copy(FIXTURES / "custodian_fractions.csv", folder / "f_custodian.csv")
    for seed in range(3, 6):
        _ishares_like(folder / f"g_fund_{seed}.csv", rows=15, seed=seed)
    return folder


def test_shipped_fixtures_load_alike_in_workers(monkeypatch, pooled):
    files = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".csv", ".txt") and p.name != "no_table.txt")
    _assert_same(*_both(monkeypatch, files))
    assert pooled == [[str(f) for f in files]]  # in this process, then none: every run read by a worker


def test_a_generated_folder_loads_alike_in_workers(monkeypatch, tmp_path, pooled):
    folder = _fund_folder(tmp_path / "funds", 9)
    alone, together = _both(monkeypatch, folder)
    _assert_same(alone, together)
    assert len(together.report.files) == 9 and len(pooled) == 1


def test_a_folder_of_every_format_loads_alike_in_workers(monkeypatch, tmp_path, pooled):
    alone, together = _both(monkeypatch, _mixed_folder(tmp_path / "mixed"))
    _assert_same(alone, together)
    assert {r.format for r in together.report.files} == {"csv", "xlsx", "parquet"}


def test_a_run_crosses_the_process_boundary_frame_by_frame(tmp_path):
    """The frames of a run are joined by columns and dtypes to be sent, and come back as they were,
    index included: here files with and without a preamble date (an as-of column or none), a
    workbook of several sheets, a Parquet table and a German file."""
    folder = _mixed_folder(tmp_path / "mixed")
    _ishares_like(folder / "h_undated.csv", rows=12, seed=9, as_of="no date given")
    entries = [(path, str(path), path.stem, True) for path in sorted(folder.iterdir())]
    read = _pool.read_inputs(iter(entries), None, DEFAULT_LIMITS)
    packed = _pool._packed(read)
    assert len(packed[0]) < sum(len(pairs) for pairs in read)  # alike frames were joined
    back = _pool._unpacked(pickle.loads(pickle.dumps(packed)))
    assert [len(pairs) for pairs in back] == [len(pairs) for pairs in read]
    for pairs, returned in zip(read, back, strict=True):
        for (frame, report), (frame_back, report_back) in zip(pairs, returned, strict=True):
            pd.testing.assert_frame_equal(frame_back, frame)
            pd.testing.assert_index_equal(frame_back.index, frame.index, exact=True)
            assert report_back.path == report.path and report_back.holdings == report.holdings


@needs_shared
def test_shared_files_load_alike_in_workers(monkeypatch, pooled):
    files = sorted(p for p in SHARED_HOLDINGS.iterdir() if p.is_file())
    _assert_same(*_both(monkeypatch, files))


def test_the_first_failing_file_in_order_fails_the_load_in_workers_too(monkeypatch, tmp_path, pooled):
    folder = _mixed_folder(tmp_path / "mixed")
    shutil.copy(FIXTURES / "no_table.txt", folder / "e_notes.txt")  # the 7th file, in the 4th run
    (folder / "g_fund_9.csv").write_bytes(b"")  # fails too, later: its own error must not win
    alone, together = _errors(monkeypatch, folder)
    assert type(together) is type(alone) is ColumnMappingError
    assert together == alone and str(together) == str(alone)
    assert "e_notes.txt" in str(together)
    assert "Traceback" in str(together.__cause__)  # where the worker raised it


def test_a_failing_file_in_the_first_run_fails_the_load_in_workers_too(monkeypatch, tmp_path, pooled):
    folder = _fund_folder(tmp_path / "funds", 7)
    (folder / "fund_001.csv").write_bytes(b"")
    alone, together = _errors(monkeypatch, folder)
    assert together == alone and "fund_001.csv" in str(together)


def test_frames_given_are_read_in_this_process_and_in_order(monkeypatch, tmp_path, pooled):
    folder = _fund_folder(tmp_path / "funds", 5)
    frame = pd.DataFrame({"ISIN": ["US0378331005"], "Weight": [100.0]})
    inputs = [frame, *sorted(folder.iterdir())[:3], frame, *sorted(folder.iterdir())[3:]]
    _assert_same(*_both(monkeypatch, inputs))
    assert pooled[-2:] == [["<frame 1>"], ["<frame 5>"]]  # the files went to the workers


def test_progress_counts_every_input_once(monkeypatch, tmp_path, pooled):
    folder = _fund_folder(tmp_path / "funds", 7)
    entries = [(p, str(p), p.stem, True) for p in sorted(folder.iterdir())]
    for reach in (10**9, 0):
        monkeypatch.setattr(_pool, "POOL_FROM", reach)
        steps: list[int] = []
        _pool.read_in_pool(entries, None, DEFAULT_LIMITS, steps.append)
        assert sum(steps) == 7
    assert len(steps) == 7  # one step per file from the workers


@pytest.mark.parametrize("files", [3, 4])
def test_the_pool_is_used_from_pool_from_files_on(monkeypatch, tmp_path, pooled, files):
    monkeypatch.setattr(_pool, "POOL_FROM", 4)
    entries = [(p, str(p), p.stem, True) for p in sorted(_fund_folder(tmp_path / "funds", files).iterdir())]
    frames = [pd.DataFrame({"ISIN": ["US0378331005"], "Weight": [100.0]})] * 5
    entries += [(f, f"<frame {i}>", f"frame-{i}", True) for i, f in enumerate(frames)]  # frames do not count
    _pool.read_in_pool(entries, None, DEFAULT_LIMITS, lambda n: None)
    read_here = sum(len(labels) for labels in pooled)
    assert read_here == (5 if files == 4 else files + 5)


def test_one_core_reads_in_this_process(monkeypatch, tmp_path, pooled):
    monkeypatch.setattr(_pool, "POOL_FROM", 0)
    monkeypatch.setattr(_pool, "worker_count", lambda: 1)
    load_holdings(_fund_folder(tmp_path / "funds", 5), progress=False)
    assert [len(labels) for labels in pooled] == [5]


def test_one_run_reads_in_this_process(monkeypatch, tmp_path, pooled):
    monkeypatch.setattr(_pool, "POOL_FROM", 0)
    monkeypatch.setattr(_pool, "RUN_FILES", 5)
    load_holdings(_fund_folder(tmp_path / "funds", 5), progress=False)
    assert [len(labels) for labels in pooled] == [5]


def test_without_fork_reads_in_this_process(monkeypatch, tmp_path, pooled):
    monkeypatch.setattr(_pool, "POOL_FROM", 0)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    load_holdings(_fund_folder(tmp_path / "funds", 5), progress=False)
    assert [len(labels) for labels in pooled] == [5]


def _load_in_child(folder: Path, conn) -> None:
    try:
        conn.send((_pool._may_fork(), load_holdings(folder, progress=False)))
    except BaseException as exc:
        conn.send((None, exc))


@pytest.mark.parametrize("daemon", [True, False])
def test_a_caller_inside_a_worker_process_reads_in_that_process(monkeypatch, tmp_path, daemon):
    monkeypatch.setattr(_pool, "POOL_FROM", 0)
    monkeypatch.setattr(_pool, "RUN_FILES", 1)
    folder = _fund_folder(tmp_path / "funds", 4)
    mine, theirs = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(target=_load_in_child, args=(folder, theirs), daemon=daemon)
    child.start()
    may_fork, loaded = mine.recv()
    child.join()
    assert may_fork is False, loaded
    _assert_same(load_holdings(folder, progress=False), loaded)


def _failing_in_workers(monkeypatch, failure: str, victim: str) -> None:
    """Make the workers fail on the run holding `victim`: killed, out of memory, or an error that
    cannot be unpickled here."""
    original = _pool.read_inputs

    def failing(entries, *args):
        entries = list(entries)
        if os.getpid() != PARENT and any(Path(label).name == victim for _, label, _, _ in entries):
            if failure == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            if failure == "memory":
                raise MemoryError
            if failure == "stuck":
                time.sleep(60)  # as a deadlocked worker: nothing sent
            raise _Unpicklable("a", "b")
        return original(iter(entries), *args)

    monkeypatch.setattr(_pool, "read_inputs", failing)


class _Unpicklable(Exception):
    def __init__(self, first, second):
        super().__init__(first)


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        ("killed", f"a worker process stopped with exit code {-signal.SIGKILL}"),
        ("memory", "a worker ran out of memory"),
        ("unpicklable", "a result could not be received"),
        ("stuck", "no worker process finished a file for 1 s"),
    ],
)
def test_a_failing_worker_falls_back_to_this_process(monkeypatch, tmp_path, pooled, failure, said):
    monkeypatch.setattr(_pool, "SILENT_WAIT", 1.0)
    folder = _fund_folder(tmp_path / "funds", 9)
    monkeypatch.setattr(_pool, "POOL_FROM", 10**9)
    alone = load_holdings(folder, progress=False)
    _failing_in_workers(monkeypatch, failure, "fund_004.csv")
    monkeypatch.setattr(_pool, "POOL_FROM", 0)
    with pytest.warns(RuntimeWarning, match=said):
        together = load_holdings(folder, progress=False)
    _assert_same(alone, together)
    assert any("fund_004.csv" in " ".join(labels) for labels in pooled[1:])  # its run was read here
    assert multiprocessing.active_children() == []
    steps: list[int] = []
    entries = [(p, str(p), p.stem, True) for p in sorted(folder.iterdir())]
    with pytest.warns(RuntimeWarning, match=said):
        _pool.read_in_pool(entries, None, DEFAULT_LIMITS, steps.append)
    assert sum(steps) == 9  # the files read twice counted once


def test_an_interrupt_leaves_no_worker_behind(monkeypatch, tmp_path, pooled):
    folder = _fund_folder(tmp_path / "funds", 9)
    entries = [(p, str(p), p.stem, True) for p in sorted(folder.iterdir())]
    monkeypatch.setattr(_pool, "POOL_FROM", 0)
    seen: list[int] = []

    def interrupted(n: int) -> None:
        seen.extend(child.pid for child in multiprocessing.active_children())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _pool.read_in_pool(entries, None, DEFAULT_LIMITS, interrupted)
    assert len(seen) == 2
    assert multiprocessing.active_children() == []
    for pid in seen:
        with pytest.raises(ChildProcessError):  # reaped, not a zombie or still running
            os.waitpid(pid, os.WNOHANG)
