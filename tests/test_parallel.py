"""The second process: work shared with a forked worker comes back in order, and no worker
is forked where it could hang (another thread running) or is turned off."""

from __future__ import annotations

import os
import threading

import pytest

from novelforge.analysis import parallel
from novelforge.analysis.parallel import beside, can_fork, in_two_processes

needs_fork = pytest.mark.skipif(not can_fork(), reason="no second core, not Linux, or workers turned off")


def _pids(jobs: list[int]) -> list[tuple[int, int]]:
    return [(job, os.getpid()) for job in jobs]


@needs_fork
def test_half_the_jobs_run_in_a_worker_and_come_back_in_order():
    big = list(range(parallel.PARALLEL_MIN_SCENES * 2))
    out = in_two_processes(_pids, big)
    assert [job for job, _pid in out] == big
    pids = {pid for _job, pid in out}
    assert os.getpid() in pids and len(pids) == 2


@needs_fork
def test_beside_runs_a_closure_the_worker_inherits_without_sending_it():
    unpicklable = threading.Lock()          # what the closure holds could not be pickled

    def theirs():
        return os.getpid(), unpicklable is not None

    (their_pid, held), mine = beside(theirs, os.getpid)
    assert held and their_pid != mine == os.getpid()


def test_few_jobs_stay_in_this_process():
    out = in_two_processes(_pids, [1, 2, 3])
    assert {pid for _job, pid in out} == {os.getpid()}


def test_no_worker_is_forked_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
        out = in_two_processes(_pids, list(range(parallel.PARALLEL_MIN_SCENES * 2)))
        assert {pid for _job, pid in out} == {os.getpid()}
        assert beside(os.getpid, os.getpid) == (os.getpid(), os.getpid())
    finally:
        stop.set()
        other.join()


def test_workers_turned_off(monkeypatch):
    monkeypatch.setenv("NOVELFORGE_WORKERS", "1")
    out = in_two_processes(_pids, list(range(parallel.PARALLEL_MIN_SCENES * 2)))
    assert {pid for _job, pid in out} == {os.getpid()}
