"""Work split between this process and one forked worker, on a machine with two cores."""

from __future__ import annotations

import os
import sys
import threading
from typing import Callable

PARALLEL_MIN_SCENES = 40


def can_fork() -> bool:
    """Whether a forked worker may share the work: Linux, a second core, one thread (a fork
    of a process with other threads — a server's — can inherit a lock another thread held,
    and hang), not a worker itself (its share is already half), and not turned off
    (``NOVELFORGE_WORKERS=1``)."""
    return (not _IN_WORKER and (os.cpu_count() or 1) >= 2 and sys.platform.startswith("linux")
            and os.environ.get("NOVELFORGE_WORKERS") != "1" and threading.active_count() == 1)


def beside(theirs: Callable[[], object], mine: Callable[[], object]) -> tuple[object, object]:
    """``(theirs(), mine())``, ``theirs`` run in a forked worker while this process runs
    ``mine`` (its answer is sent back pickled); both here, one after the other, when no
    worker can be forked (:func:`can_fork`) or it cannot start. When the worker fails (or
    dies), its share is done here after ``mine``; an error of ``mine`` is raised as it is."""
    global _THEIRS
    if not can_fork():
        return theirs(), mine()
    _THEIRS = theirs            # the worker inherits it when it is forked: nothing is sent
    try:
        try:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            future = pool.submit(_inherited)
        except Exception:  # no fork, no worker: everything here
            return theirs(), mine()
        try:
            ours = mine()
            try:
                other = future.result()
            except Exception:       # the worker's error (or its death): its share is done here
                other = theirs()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        _THEIRS = None
    return other, ours


_THEIRS: Callable[[], object] | None = None
_IN_WORKER = False


def _inherited() -> object:
    global _IN_WORKER
    _IN_WORKER = True
    return _THEIRS()  # type: ignore[misc]


def in_two_processes(work, jobs: list) -> list:
    """``work(jobs)``, with half of the jobs done in a forked worker process at the same
    time when there are many and a worker can be forked (:func:`can_fork`)."""
    if len(jobs) < PARALLEL_MIN_SCENES or not can_fork():
        return work(jobs)
    # alternate jobs so both halves get a fair share of long and short scenes
    theirs, mine = jobs[0::2], jobs[1::2]
    other, ours = beside(lambda: work(theirs), lambda: work(mine))
    out = []
    for i in range(len(jobs)):
        out.append(other[i // 2] if i % 2 == 0 else ours[i // 2])  # type: ignore[index]
    return out
