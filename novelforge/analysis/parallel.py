"""Work split between this process and one forked worker, on a machine with two cores."""

from __future__ import annotations

import os
import signal
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
    ``mine`` (its answer is sent back pickled through a pipe); both here, one after the
    other, when no worker can be forked (:func:`can_fork`) or it cannot start. When the
    worker fails (or dies), its share is done here after ``mine``; an error of ``mine`` is
    raised as it is (the worker is stopped first).

    A bare ``os.fork`` and a pipe, not a process pool: the pool's threads and queues cost
    about 6 ms a call on a process holding a book's indexes (half of the whole), and a cold
    check shares three pieces of work."""
    if not can_fork():
        return theirs(), mine()
    try:
        read, write = os.pipe()
    except OSError:
        return theirs(), mine()
    try:
        pid = os.fork()
    except OSError:              # no fork (out of processes, of memory): everything here
        os.close(read)
        os.close(write)
        return theirs(), mine()
    if pid == 0:                 # the worker: its share, sent back, and gone without clean-up
        _work(theirs, read, write)
    os.close(write)
    try:
        ours = mine()
    except BaseException:
        _stop(pid, read)
        raise
    ok, other = _collect(pid, read)
    if not ok:                   # the worker's error (or its death): its share is done here
        other = theirs()
    return other, ours


_IN_WORKER = False


def _work(theirs: Callable[[], object], read: int, write: int) -> None:
    """In the forked worker: ``theirs()`` pickled into ``write``, then ``os._exit`` (no
    atexit handler, no buffered output of the parent flushed twice, no database closed)."""
    global _IN_WORKER
    code = 1
    try:
        os.close(read)
        _IN_WORKER = True
        import pickle

        blob = pickle.dumps(theirs(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as out:
            out.write(blob)
        code = 0
    except BaseException:
        pass
    finally:
        os._exit(code)


def _collect(pid: int, read: int) -> tuple[bool, object]:
    """The worker's answer: ``(True, value)``, or ``(False, None)`` when it failed or died."""
    import pickle

    try:
        with os.fdopen(read, "rb") as pipe:
            blob = pipe.read()
    finally:
        status = _reap(pid)
    if status != 0 or not blob:
        return False, None
    try:
        return True, pickle.loads(blob)
    except Exception:
        return False, None


def _stop(pid: int, read: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    os.close(read)
    _reap(pid)


def _reap(pid: int) -> int:
    """Wait for the worker; its exit status (a signal counts as a failure)."""
    while True:
        try:
            _pid, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return -1
        except InterruptedError:
            continue
        return os.waitstatus_to_exitcode(status)


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
