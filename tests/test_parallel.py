"""The second process: work shared with a forked worker comes back in order, and no worker
is forked where it could hang (another thread running) or is turned off."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from novelforge.analysis import parallel
from novelforge.analysis.parallel import beside, can_fork, in_two_processes

needs_fork = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux") or os.environ.get("NOVELFORGE_WORKERS") == "1",
    reason="no second core, not Linux, or workers turned off")


@pytest.fixture(autouse=True)
def _alone(request, monkeypatch):
    """The tests that fork run as if this process had one thread: an earlier test of the
    suite (a server's) may leave one behind, which would turn the worker off."""
    if request.node.get_closest_marker("skipif") is not None:
        monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)


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


def _dies() -> int:
    os._exit(3)                      # a worker killed (out of memory, a signal) mid-work


@needs_fork
def test_a_worker_that_dies_has_its_share_done_here():
    calls = []

    def theirs():
        calls.append(os.getpid())
        if len(calls) == 1 and os.getpid() != parent:
            _dies()
        return "theirs"

    parent = os.getpid()
    assert beside(theirs, lambda: "mine") == ("theirs", "mine")
    assert calls == [parent]         # the worker's call died with it; this one is the redo


def test_an_error_of_this_process_share_is_raised_once():
    runs = []

    def mine():
        runs.append(1)
        raise ValueError("mine failed")

    with pytest.raises(ValueError, match="mine failed"):
        beside(lambda: "theirs", mine)
    assert runs == [1]
