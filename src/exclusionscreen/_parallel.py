"""The one place the screen runs work in a second thread.

Much of the screen's work is in Arrow and numpy, which release the interpreter lock, so a second
thread on a second core can run meanwhile. The screen uses :func:`beside` where a benchmark showed
that it pays (see the comment at each use in :mod:`exclusionscreen.screen`); elsewhere it runs one
stage after the other.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["beside"]

A = TypeVar("A")
B = TypeVar("B")


def beside(background: Callable[[], A], foreground: Callable[[], B], *, name: str) -> tuple[A, B]:
    """(background(), foreground()): `background` in a second thread while `foreground` runs in this one.

    Neither may read what the other makes; the results do not depend on which finishes first. An
    error in `foreground` is raised at once, without waiting for `background` to end.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"exclusionscreen-{name}")
    try:
        future = pool.submit(background)
        here = foreground()
        return future.result(), here
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
