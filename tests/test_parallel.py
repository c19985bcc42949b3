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


@needs_fork
def test_a_worker_forks_no_worker_of_its_own():
    (theirs, _mine) = beside(can_fork, lambda: None)
    assert theirs is False and can_fork()


@needs_fork
def test_a_forked_worker_never_touches_the_cache_database(tmp_path):
    """An SQLite connection must not cross a fork: in the worker the parent's cache holds
    only the writes pending at the fork, and what the worker stores is dropped."""
    from novelforge.cache import ProjectCache

    (tmp_path / "novel").mkdir()
    cache = ProjectCache(tmp_path / "novel", home=tmp_path / "home")
    cache.set("stored", [1])
    cache.flush()
    cache.set("pending", [2])

    def theirs():
        seen = (cache.get("stored"), cache.get("pending"))
        cache.set("from-worker", [3])
        cache.flush()
        cache.close()
        return seen

    seen, _mine = beside(theirs, lambda: None)
    assert seen == (None, [2])
    cache.flush()
    assert cache.get("stored") == [1] and cache.get("pending") == [2] and cache.get("from-worker") is None
    cache.close()
    with ProjectCache(tmp_path / "novel", home=tmp_path / "home") as again:
        assert again.get("pending") == [2] and again.get("from-worker") is None


@needs_fork
def test_scene_rules_shared_with_a_worker_give_the_findings_of_one_process(tmp_path, monkeypatch):
    """A cold check runs half the scenes' rules in the worker: the same findings, in the
    same order, as one process (the broken novel raises every rule), with or without a cache."""
    import json
    import shutil
    from pathlib import Path

    from novelforge import api
    from novelforge.formats import CHECK
    from novelforge.rules import engine

    novel = tmp_path / "novel"
    shutil.copytree(Path(__file__).parent / "fixtures" / "broken-novel", novel)
    monkeypatch.setenv("NOVELFORGE_CACHE_DIR", str(tmp_path / "cache"))
    real = engine._scene_findings
    log = tmp_path / "pids"

    def logged(ctx, scene, groups):
        with log.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return real(ctx, scene, groups)

    monkeypatch.setattr(engine, "_scene_findings", logged)

    def findings(**options) -> list:
        return json.loads(CHECK.render("json", api.check(paths=[str(novel)], **options)))["diagnostics"]

    monkeypatch.setenv("NOVELFORGE_WORKERS", "1")
    alone = findings(use_cache=False)
    assert len(set(log.read_text().split())) == 1
    log.unlink()
    monkeypatch.delenv("NOVELFORGE_WORKERS")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_SCENES", 2)
    assert findings(use_cache=False) == alone
    ran = log.read_text().split()
    assert len(set(ran)) == 2 and str(os.getpid()) in ran
    log.unlink()
    assert findings() == alone                    # cold, with a cache
    assert len(set(log.read_text().split())) == 2
    log.unlink()
    assert findings() == alone and not log.exists()   # warm: every scene's findings from the cache


@needs_fork
def test_an_error_in_the_worker_has_its_share_done_here():
    calls = []

    def theirs():
        calls.append(os.getpid())
        if os.getpid() != parent:
            raise RuntimeError("worker failed")
        return "theirs"

    parent = os.getpid()
    assert beside(theirs, lambda: "mine") == ("theirs", "mine")
    assert calls == [parent]


@needs_fork
def test_an_error_here_stops_the_worker_at_once(monkeypatch):
    import time

    forked = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)

    def theirs():
        time.sleep(60)
        return "late"

    def mine():
        raise ValueError("mine failed")

    started = time.monotonic()
    with pytest.raises(ValueError, match="mine failed"):
        beside(theirs, mine)
    assert time.monotonic() - started < 30 and len(forked) == 1
    with pytest.raises(ChildProcessError):     # stopped and reaped: no child left behind
        os.waitpid(forked[0], os.WNOHANG)
