"""Run one reading in a child process under an address-space limit and a time limit.

The child sets ``RLIMIT_AS`` before importing anything, runs the call, and prints what it raised
as JSON; the parent waits with :func:`os.wait4`, which gives the child's own peak resident size.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

GIB = 1024**3

_CHILD = r"""
import json, resource, sys, time
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import exclusionscreen as es
from exclusionscreen.holdings import load_holdings
call = json.loads(sys.argv[2])
started = time.perf_counter()
try:
    {call}
    outcome = {{"error": None, "message": ""}}
except BaseException as exc:
    outcome = {{"error": type(exc).__name__, "message": str(exc)[:2000]}}
outcome["seconds"] = time.perf_counter() - started
print(json.dumps(outcome))
"""


@dataclass(frozen=True)
class Outcome:
    """What a sandboxed call raised (``error`` None: nothing), its time and the child's peak memory."""

    error: str | None
    message: str
    seconds: float  # the call itself, measured in the child
    wall: float  # the whole child, import included
    peak_mib: float  # the child's peak resident set
    timed_out: bool
    killed: bool  # ended by a signal (the kernel's OOM killer, a crash)


def run(statement: str, argument: object, *, address_space: int = GIB, timeout: float = 10.0) -> Outcome:
    """Run `statement` (Python, using ``call``, the JSON of `argument`) under the two limits."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD.format(call=statement), str(address_space), json.dumps(argument)],
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        timed_out = False
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                child.send_signal(signal.SIGKILL)
                pid, status, usage = os.wait4(child.pid, 0)
                timed_out = True
                break
            time.sleep(0.02)
        child.returncode = 0  # reaped above; keep Popen from waiting again
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace").strip()
    killed = os.WIFSIGNALED(status) and not timed_out
    result = json.loads(text.splitlines()[-1]) if text else {"error": None, "message": "", "seconds": wall}
    return Outcome(
        error=result["error"] if text else ("timeout" if timed_out else "killed"),
        message=result["message"],
        seconds=result["seconds"],
        wall=wall,
        peak_mib=usage.ru_maxrss / 1024,
        timed_out=timed_out,
        killed=killed,
    )


def load(path: object, *, limits: dict | None = None, address_space: int = GIB, timeout: float = 10.0) -> Outcome:
    """:func:`load_holdings` of one file in the sandbox, with :class:`ReadLimits` fields if given."""
    if limits is None:
        return run("load_holdings(call)", str(path), address_space=address_space, timeout=timeout)
    return run(
        "load_holdings(call[0], limits=es.ReadLimits(**call[1]))",
        [str(path), limits],
        address_space=address_space,
        timeout=timeout,
    )
