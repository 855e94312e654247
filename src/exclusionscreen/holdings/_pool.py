"""Many files read in worker processes: the inputs of a large folder split into runs of files, each
run read by :func:`~._batch.read_inputs` in a forked worker, and the results put back in order.

The result is what :func:`~._batch.read_inputs` gives over all the inputs in this process: the same
holdings and reports in the same order, and the error of the first input, in order, that fails
(a worker's error crosses back pickled, as the same exclusionscreen error; see ``errors.py``).

Workers are forked, so they start with the modules already imported and the list of inputs in
memory: a worker is told which run to read (two numbers) and sends back the run's holdings and
reports. Frames given as inputs are read in this process. The inputs are read here instead, as
before, where forking is not possible or does not pay: no 'fork' start method, one core, fewer
than :data:`POOL_FROM` files, or a caller that is itself a multiprocessing child or a daemon
process (which may not have children).

What can go wrong, and what happens then:

- A worker dies (killed for lack of memory, a crash in a library): the workers are stopped and
  every run not yet received is read in this process, with a :class:`RuntimeWarning` naming the
  worker's exit code. The same goes for a worker's :class:`MemoryError`, and for a result or error
  that cannot cross the process boundary.
- The workers go silent (no file finished in :data:`SILENT_WAIT` seconds; a worker deadlocked
  after the fork): they are stopped and the runs not yet received are read here, with a
  :class:`RuntimeWarning`.
- The caller is interrupted (``KeyboardInterrupt``) or anything else goes wrong in this process:
  the workers are terminated (killed if they do not stop) and reaped before the exception goes on.
  Workers ignore SIGINT (a Ctrl-C at a terminal reaches the whole process group; this process
  decides), and stop when this process goes away (their end of the pipe reads end-of-file).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection, wait

import pandas as pd

from ._batch import BATCH_FILES, Result, read_inputs
from ._limits import ReadLimits

__all__ = ["POOL_FROM", "RUN_FILES", "read_in_pool", "worker_count"]

POOL_FROM = 150
"""From how many files (inputs that are not frames) a folder is read in worker processes.

A pool pays once it has two runs to read at once (so never under ``RUN_FILES + 1`` files) and
the second run outweighs its fixed costs. Measured on 2 cores with ``benchmarks/bench_load.py``'s
iShares-style files of 1,000 rows (``make_csv_folder``), CPU seconds (the machine was shared and
loaded, so the wall clock is given by the CPU it took):

- forking 2 workers, starting, stopping and reaping them: about 45 ms of CPU per worker and
  15 ms here (two runs of one small file: 410-490 ms pooled against 310-390 ms in this process);
- sending results back: 0.85 ms per file to pickle in the worker, 0.6 ms to unpickle here
  (100 files: 26 MB, against 29 ms per file to read them);
- two workers reading at once take 5-20% more CPU each than one (the caches and memory they
  share; 300 files: 8.1 s of CPU in one worker, 8.4-8.7 s in two, 7.9 s in this process).

So for ``100 + k`` files, two workers take about ``1.1 t(100)`` plus 0.1 s against ``t(100 + k)``
in this process: even at k = 10-15 files (about 110-115 files) while reading costs 29 ms a file,
and at k = 15-20 once it costs 8-10 ms a file (the fixed costs do not shrink with it). At 150
files the gain is a quarter, and it is a fifth or more whatever the reading costs; below it the
gain is too small to risk on a busy machine, where a second process gains nothing (measured at a
load of 3-5 on 2 cores: 101-200 files pooled took 0.9-1.4 times the in-process wall time).
"""
RUN_FILES = BATCH_FILES
"""How many inputs a worker reads at a time: as many as :mod:`._batch` stacks together, so the
stacks stay as large as in one process, and small enough that the workers share a folder evenly
and this process unpickles one run while the workers read the next."""
STOP_WAIT = 5.0
"""Seconds a terminated worker is given to exit before it is killed."""
SILENT_WAIT = 600.0
"""Seconds the busy workers may all go without finishing a file before they are taken for stuck
(a forked child can deadlock on a lock another thread of this process held at the fork, as in a
notebook's kernel); the files left are then read in this process. A file within the
:class:`ReadLimits` reads in well under a minute."""

_STOPPED = "a worker process stopped"

Entry = tuple[object, str, str, bool]
Advance = Callable[[int], object]


class _RemoteTraceback(Exception):
    """The traceback of an error raised in a worker process (set as the error's ``__cause__``)."""

    def __str__(self) -> str:
        return self.args[0]


def worker_count() -> int:
    """The cores this process may run on."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _may_fork() -> bool:
    """Whether this process may fork workers: the platform has 'fork', and this process is neither
    a multiprocessing child nor a daemon process (daemonic processes may not have children)."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and multiprocessing.parent_process() is None
        and not multiprocessing.current_process().daemon
    )


def _counted(entries: Iterable[Entry], advance: Advance) -> Iterator[Entry]:
    """The entries, advancing the progress by one as each is taken up (as a tqdm bar iterated)."""
    for entry in entries:
        yield entry
        advance(1)


def _runs(entries: Sequence[Entry]) -> list[tuple[int, int, bool]]:
    """``(start, stop, in_worker)`` runs of the entries, in order: frames in this process, files in
    runs of at most :data:`RUN_FILES`."""
    runs: list[tuple[int, int, bool]] = []
    start = 0
    for place in range(1, len(entries) + 1):
        ends = place == len(entries)
        frame = isinstance(entries[place - 1][0], pd.DataFrame)
        if not ends:
            changes = isinstance(entries[place][0], pd.DataFrame) != frame
            ends = changes or (not frame and place - start == RUN_FILES)
        if ends:
            runs.append((start, place, not frame))
            start = place
    return runs


def read_in_pool(
    entries: Sequence[Entry], column_map: dict[str, str | None] | None, limits: ReadLimits, advance: Advance
) -> list[Result]:
    """What :func:`~._batch.read_inputs` gives for `entries`, read in worker processes where that
    pays; `advance(n)` is called as `n` more inputs are read (a progress bar's ``update``)."""
    files = sum(not isinstance(entry[0], pd.DataFrame) for entry in entries)
    runs = _runs(entries)
    workers = min(worker_count(), sum(in_worker for *_, in_worker in runs))
    if files < POOL_FROM or workers < 2 or not _may_fork():
        return read_inputs(_counted(entries, advance), column_map, limits)
    return _Pool(entries, runs, column_map, limits, advance).read(workers)


class _Pool:
    """Forked workers reading runs of files, and the runs' outcomes as they come back."""

    def __init__(self, entries, runs, column_map, limits, advance: Advance):
        self.entries = entries
        self.runs = runs
        self.column_map = column_map
        self.limits = limits
        self.advance = advance
        self.outcomes: dict[int, tuple[bool, object]] = {}  # run -> (read, result or error)
        self.counted = [0] * len(runs)  # inputs of each run the progress has counted

    def _step(self, run: int) -> Advance:
        def step(n: int) -> None:
            self.counted[run] += n
            self.advance(n)

        return step

    def _here(self, run: int) -> None:
        """Read `run` in this process, counting on the progress the inputs not counted yet."""
        start, stop, _ = self.runs[run]
        already = self.counted[run]
        step = self._step(run)

        def advance(n: int) -> None:
            nonlocal already
            skip = min(already, n)
            already -= skip
            if n - skip:
                step(n - skip)

        try:
            self.outcomes[run] = (
                True,
                read_inputs(_counted(self.entries[start:stop], advance), self.column_map, self.limits),
            )
        except Exception as exc:
            self.outcomes[run] = (False, exc)

    def _settled(self) -> bool:
        """Whether the outcome is known: every run read, or a run failed after all before it were read."""
        for run in range(len(self.runs)):
            if run not in self.outcomes:
                return False
            if not self.outcomes[run][0]:
                return True
        return True

    def _result(self) -> list[Result]:
        out: list[Result] = []
        for run in range(len(self.runs)):
            read, value = self.outcomes[run]
            if not read:
                raise value
            out.extend(value)
        return out

    def read(self, count: int) -> list[Result]:
        context = multiprocessing.get_context("fork")
        pipes = [context.Pipe() for _ in range(count)]
        ours = [mine for mine, _ in pipes]
        processes: list = []
        try:
            broken = self._start(context, pipes, processes)
            if not broken:
                broken = self._gather(ours, processes)
            if broken:
                _stop(processes)
                warnings.warn(
                    f"Reading holdings files in worker processes failed ({broken}); "
                    "the files left are read in this process",
                    RuntimeWarning,
                    stacklevel=4,
                )
            for run in range(len(self.runs)):
                if self._settled():
                    break
                if run not in self.outcomes:
                    self._here(run)
        finally:
            for conn in ours:
                try:
                    conn.send(None)
                except OSError:
                    pass
            _stop(processes)
            for conn in ours:
                conn.close()
        return self._result()

    def _start(self, context, pipes: list[tuple[Connection, Connection]], processes: list) -> str | None:
        """Fork the workers; what went wrong, if anything."""
        try:
            for worker, (_, theirs) in enumerate(pipes):
                process = context.Process(
                    target=_work,
                    args=(theirs, [c for pipe in pipes for c in pipe if c is not theirs], self),
                    name=f"exclusionscreen-reader-{worker}",
                    daemon=True,
                )
                process.start()
                processes.append(process)
        except OSError as exc:  # no more processes or memory to fork with
            return f"a worker process could not be started: {exc}"
        finally:
            for _, theirs in pipes:
                theirs.close()
        return None

    def _gather(self, ours: list[Connection], processes: list) -> str | None:
        """Hand out the runs, read the frames here meanwhile, and take the outcomes as they come
        until the result is settled; what went wrong, if anything."""
        todo = [run for run, (*_, in_worker) in enumerate(self.runs) if in_worker]
        busy: dict[int, int] = {}  # worker -> the run it reads
        for worker, conn in enumerate(ours):
            if todo:
                busy[worker] = todo.pop(0)
                conn.send(busy[worker])
        for run, (*_, in_worker) in enumerate(self.runs):
            if not in_worker:
                self._here(run)
        while busy and not self._settled():
            watched = [ours[w] for w in busy] + [processes[w].sentinel for w in busy]
            ready = set(wait(watched, timeout=SILENT_WAIT))
            if not ready:
                return f"no worker process finished a file for {SILENT_WAIT:g} s"
            for worker in list(busy):
                conn, process = ours[worker], processes[worker]
                if conn in ready or process.sentinel in ready:
                    problem = self._receive(worker, conn, busy, todo)
                    if problem is None and worker in busy and process.sentinel in ready and not conn.poll():
                        problem = _STOPPED
                    if problem == _STOPPED:
                        process.join(STOP_WAIT)  # it is exiting: its end of the pipe is closed
                        return f"{problem} with exit code {process.exitcode}"
                    if problem:
                        return problem
        return None

    def _receive(self, worker: int, conn: Connection, busy: dict[int, int], todo: list[int]) -> str | None:
        """Take what `worker` has sent so far, handing it the next run when it is done with one;
        what went wrong, if anything."""
        while worker in busy and conn.poll():  # data, or end-of-file once the worker is gone
            try:
                kind, run, value = conn.recv()
            except EOFError:
                return _STOPPED
            except Exception as exc:  # a result or error that does not unpickle here
                return f"a result could not be received: {exc!r}"
            if kind == "progress":
                self._step(run)(value)
                continue
            if kind == "read":
                self.outcomes[run] = (True, _unpacked(value))
            elif kind == "failed" and not isinstance(value[0], MemoryError):
                self.outcomes[run] = (False, _with_trace(*value))
            elif kind == "failed":
                return "a worker ran out of memory"
            else:
                return "a worker's result could not be sent"
            busy.pop(worker)
            if todo:
                busy[worker] = todo.pop(0)
                try:
                    conn.send(busy[worker])
                except OSError:
                    return _STOPPED
        return None


def _packed(results: list[Result]) -> tuple:
    """A run's results made cheap to send: the frames of equal columns and dtypes (a folder's files
    alike give one group) joined into one frame, with each frame's place and index.

    A thousand frames of fourteen Arrow columns cost fourteen thousand arrays to pickle and unpickle;
    measured on 2 cores (1,000 files of ``benchmarks/bench_load.py``), unpickling the runs took 1.3 s
    of this process's CPU, which the workers need while they read.
    """
    groups: dict[tuple, list[tuple[int, int]]] = {}  # columns and dtypes -> (input, frame) places
    for i, pairs in enumerate(results):
        for j, (frame, _) in enumerate(pairs):
            key = (tuple(frame.columns), tuple(map(str, frame.dtypes)))
            groups.setdefault(key, []).append((i, j))
    joined = []
    for places in groups.values():
        frames = [results[i][j][0] for i, j in places]
        whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        joined.append((whole, places, [f.index for f in frames]))
    reports = [[report for _, report in pairs] for pairs in results]
    return joined, reports


def _unpacked(packed: tuple) -> list[Result]:
    """The results :func:`_packed` made cheap to send, frame by frame as they were."""
    joined, reports = packed
    frames: dict[tuple[int, int], pd.DataFrame] = {}
    for whole, places, indexes in joined:
        start = 0
        for place, index in zip(places, indexes, strict=True):
            frame = whole.iloc[start : start + len(index)]
            frame.index = index
            frames[place] = frame
            start += len(index)
    return [[(frames[i, j], report) for j, report in enumerate(pairs)] for i, pairs in enumerate(reports)]


def _with_trace(error: BaseException, trace: str) -> BaseException:
    error.__cause__ = _RemoteTraceback(trace)
    return error


def _stop(processes: list) -> None:
    """Terminate the workers still running and reap them all (killing those that do not stop)."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(STOP_WAIT)
        if process.exitcode is None:
            process.kill()
            process.join()


def _work(conn: Connection, inherited: list[Connection], pool: _Pool) -> None:
    """A worker: read the runs it is sent, send back progress and each run's outcome; stop when
    sent ``None`` or when the parent goes away.

    The cyclic garbage collector is paused while a run is read and resumes after it: reading makes
    millions of short-lived strings and lists, freed by their reference counts, whose allocation
    kept setting off collections that found nothing to collect. Measured on 2 quiet cores with the
    1,000 iShares-style files of ``benchmarks/bench_load.py``: the workers' CPU 20.2 and 19.8 s
    paused against 21.2 and 22.0 s not, the whole load 6.7-6.8 s against 7.1-7.3 s, and the
    workers' peak memory unchanged (777-788 MB against 786-805 MB).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for other in inherited:  # so that this worker sees end-of-file when the parent goes away
        other.close()
    while True:
        try:
            run = conn.recv()
        except EOFError:
            return
        if run is None:
            return
        start, stop, _ = pool.runs[run]

        def advance(n: int, run: int = run) -> None:
            conn.send(("progress", run, n))

        gc.disable()  # see _work's note on the collector
        try:
            message = (
                "read",
                run,
                _packed(read_inputs(_counted(pool.entries[start:stop], advance), pool.column_map, pool.limits)),
            )
        except Exception as exc:
            message = ("failed", run, (exc, traceback.format_exc()))
        finally:
            gc.enable()
        try:
            conn.send(message)
        except (BrokenPipeError, EOFError):
            return
        except Exception:  # not picklable: the parent reads this run itself
            conn.send(("unsent", run, None))
