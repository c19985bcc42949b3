"""The job queue in Redis, for workers on other machines: a real ``redis-server`` on
127.0.0.1 (no persistence, a temporary folder), ``serve --no-worker --queue redis://…`` over
real HTTP, and ``novelforge worker --queue …`` processes, each with a data folder of its
own (as on another machine), sharing only Redis and the projects folder.

Several jobs run once each across two workers, and the client reads their results; a
worker killed in the middle of a review (SIGKILL) loses the job to the other, which runs it
again; a job queued before a restart of serve is still there after it, and a second serve
sees it too; a job naming a project the worker does not have fails with a sentence; the
lease and its fencing against a real Redis; /readyz and /metrics; a bad or unreachable
queue is one line and exit code 2; CI installs redis-server."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gitrepo import ROOT, commit_all, git
from serverkit import build, free_port, serve
from tests.test_cli import call

REDIS = shutil.which("redis-server")
needs_redis = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed: apt-get install redis-server "
                                                       "(.ci/run does)")


def _redis_server(folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 30
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return proc, url
        except redis.RedisError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if REDIS is None:
        pytest.skip("redis-server is not installed: apt-get install redis-server (.ci/run does)")
    proc, url = _redis_server(tmp_path_factory.mktemp("redis"))
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture
def r(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    return client


class Worker:
    """``novelforge worker --queue`` in a process of its own, its log in a file."""

    def __init__(self, projects: Path, data: Path, queue: str, **env) -> None:
        self.log = data.parent / f"{data.name}.log"
        data.mkdir(parents=True, exist_ok=True)
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        self._err = open(self.log, "w", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, "-m", "novelforge", "worker", "--projects", str(projects),
                                      "--data", str(data), "--queue", queue],
                                     env={**os.environ, "PYTHONPATH": path, **env}, stdout=subprocess.DEVNULL,
                                     stderr=self._err, text=True)

    def events(self, name: str) -> list[dict]:
        out = []
        for line in self.log.read_text("utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("event") == name:
                out.append(entry)
        return out

    def started(self) -> bool:
        return bool(self.events("worker-started"))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._err.close()


def _wait_for(predicate, timeout=120, what="it did not happen"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(what)


def _finished(c, project, job_id, timeout=180):
    got = {}

    def done():
        got.update(c.get(f"/api/projects/{project}/jobs/{job_id}").json())
        return got["state"] in ("done", "failed")

    _wait_for(done, timeout, f"the job did not finish: {got}")
    return got


# ----------------------------------------------------------------------------- two workers, other machines
@needs_redis
def test_two_workers_run_each_job_once_and_the_client_downloads_the_results(tmp_path, r, redis_url):
    projects, data = build(tmp_path)
    live, stop = serve(projects, data, run_jobs=False, queue=redis_url)
    workers = [Worker(projects, tmp_path / f"machine{n}", redis_url) for n in (1, 2)]
    try:
        _wait_for(lambda: all(w.started() for w in workers), 120, "the workers did not start")
        asked = [("export", "epub"), ("export", "md"), ("check", "json"), ("export", "docx"), ("check", "sarif"),
                 ("export", "html"), ("export", "txt"), ("export", "epub")]
        with live.client("vera") as c:
            jobs = [c.post("/api/projects/ember/jobs", json={"kind": k, "format": f}).json() for k, f in asked]
            assert all(j["state"] in ("queued", "running", "done") for j in jobs), jobs   # a worker may be quick
            assert c.get("/api/projects/ember/jobs").json()[0]["id"] == jobs[-1]["id"]      # newest first
            for job in jobs:
                done = _finished(c, "ember", job["id"])
                assert done["state"] == "done" and done["progress"] == 1, done
            got = c.get(f"/api/projects/ember/jobs/{jobs[0]['id']}/result")
            assert got.status_code == 200 and got.headers["content-type"] == "application/epub+zip"
            assert 'filename="ember.epub"' in got.headers["content-disposition"]
            assert got.content[:2] == b"PK"
            assert "# Ashes" in c.get(f"/api/projects/ember/jobs/{jobs[1]['id']}/result").text
            assert json.loads(c.get(f"/api/projects/ember/jobs/{jobs[4]['id']}/result").content)["version"] == "2.1.0"
            # another project's member never sees them
        with live.client("otto") as c:
            assert c.get(f"/api/projects/other/jobs/{jobs[0]['id']}").status_code == 404
            assert c.get(f"/api/projects/ember/jobs/{jobs[0]['id']}/result").status_code == 404
    finally:
        for w in workers:
            w.stop()
        stop()
    started = [e["job"] for w in workers for e in w.events("job-started")]
    assert sorted(started) == sorted(j["id"] for j in jobs)            # each job ran once, in one worker
    assert all(w.events("job-started") for w in workers), "both workers took jobs"
    records = [r.hgetall(f"novelforge:job:{j['id']}") for j in jobs]
    assert {rec[b"attempts"] for rec in records} == {b"1"}
    assert len({rec[b"worker"] for rec in records}) == 2
    for w in workers:                                                      # nothing of theirs in their own --data
        assert not (w.log.parent / w.log.stem / "jobs.sqlite3").exists()
    assert not (data / "jobs").exists() or not any((data / "jobs").iterdir())   # nor in the server's
    assert all(w.proc.returncode == 0 for w in workers), [w.log.read_text() for w in workers]


@needs_redis
def test_a_worker_killed_mid_review_loses_the_job_to_the_other(tmp_path, r, redis_url):
    pytest.importorskip("litellm")
    from fakellm import FakeLLM
    from novelforge.server import admin
    from roomkit import Room, kind, write_novel

    class Gated(Room):
        """The room's answers; with ``hold`` set, a reviewer's request waits (so the job is
        in the middle of its run when the test kills its worker)."""

        hold = True

        def __init__(self) -> None:
            super().__init__()
            self.go = threading.Event()

        def __call__(self, request):
            if self.hold and kind(request) != "summary":
                self.go.wait(20)
            return super().__call__(request)

    projects, data = build(tmp_path)
    room = Gated()
    with FakeLLM() as fake:
        fake.answer(room)
        root = write_novel(projects / "room", fake.url)
        git(root, "init", "-q")
        commit_all(root, "The room's novel")
        admin.grant(data, "room", "eddie", "editor")
        live, stop = serve(projects, data, run_jobs=False, queue=redis_url)
        env = {"NOVELFORGE_JOB_LEASE_SECONDS": "2"}
        workers = [Worker(projects, tmp_path / f"machine{n}", redis_url, **env) for n in (1, 2)]
        try:
            _wait_for(lambda: all(w.started() for w in workers), 120, "the workers did not start")
            with live.client("eddie") as c:
                job = c.post("/api/projects/room/jobs", json={"kind": "review", "format": "json"}).json()
                url = f"/api/projects/room/jobs/{job['id']}"
                seen = []

                def reading():
                    seen.append(c.get(url).json())
                    return seen[-1]["state"] == "running" and (seen[-1]["message"] or "").startswith(
                        "the reviewers are reading")

                _wait_for(reading, 120, f"the review did not start: {seen[-3:]}")
                assert 0 < seen[-1]["progress"] < 1, seen[-1]
                pid = int(r.hget(f"novelforge:job:{job['id']}", "worker").decode().rsplit(":", 1)[1])
                (victim,) = [w for w in workers if w.proc.pid == pid]
                (other,) = [w for w in workers if w is not victim]
                victim.proc.send_signal(signal.SIGKILL)
                victim.proc.wait(timeout=30)
                room.hold = False
                room.go.set()
                done = _finished(c, "room", job["id"])
                assert done["state"] == "done", done
                assert done["message"].startswith("Writers' Room: 4 of 4 scenes reviewed"), done
                assert c.get(f"{url}/result").status_code == 200
        finally:
            for w in workers:
                w.stop()
            stop()
    record = r.hgetall(f"novelforge:job:{job['id']}")
    assert record[b"attempts"] == b"2" and record[b"worker"].endswith(f":{other.proc.pid}".encode())
    assert [e["job"] for e in other.events("job-worker-lost")] == [job["id"]]
    assert [e["job"] for e in other.events("job-started")] == [job["id"]]


# ----------------------------------------------------------------------------- restarts, many serves
@needs_redis
def test_a_job_survives_a_restart_of_serve_and_every_serve_sees_it(tmp_path, r, redis_url):
    projects, data = build(tmp_path)
    first, stop = serve(projects, data, run_jobs=False, queue=redis_url)
    with first.client("olive") as c:
        job = c.post("/api/projects/ember/jobs", json={"kind": "export", "format": "md"}).json()
    stop()
    (message,) = r.lrange("huey.redis.novelforge", 0, -1)
    assert json.loads(message)["args"] == [job["id"]]                  # JSON, never pickle
    second, stop = serve(projects, data, run_jobs=False, queue=redis_url)
    third, stop_third = serve(projects, data, run_jobs=False, queue=redis_url)
    worker = None
    try:
        with second.client("olive") as c:
            assert c.get(f"/api/projects/ember/jobs/{job['id']}").json()["state"] == "queued"
            worker = Worker(projects, tmp_path / "machine", redis_url)
            assert _finished(c, "ember", job["id"])["state"] == "done"
        with third.client("olive") as c:
            assert "# Ashes" in c.get(f"/api/projects/ember/jobs/{job['id']}/result").text
            assert c.get("/readyz").json()["checks"]["redis"] is True
            metrics = c.get("/metrics").text
            assert 'novelforge_jobs{state="done"} 1.0' in metrics
            assert 'novelforge_jobs_backend{backend="redis"} 1.0' in metrics
    finally:
        if worker is not None:
            worker.stop()
        stop_third()
        stop()


@needs_redis
def test_a_job_naming_a_project_the_worker_lacks_fails_with_a_sentence(tmp_path, r, redis_url):
    projects, data = build(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    live, stop = serve(projects, data, run_jobs=False, queue=redis_url)
    worker = Worker(elsewhere, tmp_path / "machine", redis_url)
    try:
        with live.client("vera") as c:
            job = c.post("/api/projects/ember/jobs", json={"kind": "check", "format": "json"}).json()
            done = _finished(c, "ember", job["id"])
    finally:
        worker.stop()
        stop()
    assert done["state"] == "failed", done
    assert "has no project `ember`: every worker needs the server's projects folder" in done["message"], done
    assert "Traceback" not in worker.log.read_text("utf-8")


# ----------------------------------------------------------------------------- the lease, against Redis
@needs_redis
def test_the_lease_requeues_once_then_fails_and_fences_a_stale_worker(r, redis_url):
    from novelforge.server.queue_redis import DIED, REQUEUED, RedisRecords, connect

    records = RedisRecords(connect(redis_url), lease=0.2)
    now = time.time()
    records.create({"id": "j1", "project": "ember", "kind": "check", "format": "json", "state": "queued",
                    "progress": 0, "user_id": 1, "created_at": now, "updated_at": now})
    assert records.claim("j1", "a")["state"] == "running"
    assert records.claim("j1", "b") is None                            # a second message: nothing
    assert records.recover() == []                                     # the lease holds
    assert records.counts() == {"queued": 0, "running": 1, "done": 0, "failed": 0}
    time.sleep(0.3)
    assert records.recover() == ["j1"]
    assert records.get("j1")["state"] == "queued" and records.get("j1")["message"] == REQUEUED
    assert records.claim("j1", "b")["attempts"] == 2
    assert not records.update("j1", "a", progress=0.5)                 # the first worker came back: fenced
    assert not records.finish("j1", "a", data=b"stale", state="done", progress=1)
    assert records.update("j1", "b", progress=0.5) and records.get("j1")["progress"] == 0.5
    time.sleep(0.3)
    assert records.recover() == []
    failed = records.get("j1")
    assert failed["state"] == "failed" and failed["message"] == DIED
    assert records.counts() == {"queued": 0, "running": 0, "done": 0, "failed": 1}
    assert r.ttl("novelforge:job:j1") > 6 * 86400                      # kept a week, then gone
    assert r.get("novelforge:result:j1") is None


@needs_redis
def test_readyz_says_when_redis_is_gone(tmp_path):
    proc, url = _redis_server(tmp_path / "redis")
    projects, data = build(tmp_path)
    live, stop = serve(projects, data, run_jobs=False, queue=url)
    try:
        with live.client() as c:
            assert c.get("/readyz").status_code == 200
            proc.terminate()
            proc.wait(timeout=30)
            got = c.get("/readyz")
            assert got.status_code == 503 and got.json()["checks"]["redis"] is False
            assert c.get("/metrics").status_code == 200
    finally:
        if proc.poll() is None:
            proc.kill()
        stop()


# ----------------------------------------------------------------------------- start-up errors
def _one_error(err: str) -> None:
    assert "Traceback" not in err, err
    assert len([line for line in err.strip().splitlines() if line.startswith("error")]) == 1, err


def test_a_queue_that_is_not_redis_is_one_line_and_exit_code_2(tmp_path, capsys, monkeypatch):
    for command in ("serve", "worker"):
        code, _out, err = call(capsys, command, "--projects", str(tmp_path), "--data", str(tmp_path / "data"),
                               "--queue", "http://127.0.0.1:6379/0")
        assert code == 2, err
        assert "error: the job queue `http://127.0.0.1:6379/0` is not a Redis address" in err
        assert "redis://HOST:PORT/DB" in err
        _one_error(err)
    monkeypatch.setenv("NOVELFORGE_QUEUE", "amqp://localhost")
    code, _out, err = call(capsys, "worker", "--projects", str(tmp_path), "--data", str(tmp_path / "data"))
    assert code == 2 and "`amqp://localhost` is not a Redis address" in err, err


def test_an_unreachable_redis_is_one_line_without_the_password(tmp_path, capsys):
    url = f"redis://:hunter2secret@127.0.0.1:{free_port()}/0"
    for command in ("serve", "worker"):
        code, _out, err = call(capsys, command, "--projects", str(tmp_path), "--data", str(tmp_path / "data"),
                               "--queue", url)
        assert code == 2, err
        assert "cannot reach the job queue's Redis at `redis://:***@127.0.0.1:" in err and "does not answer" in err
        assert "hunter2secret" not in err
        _one_error(err)


def test_the_worker_help_names_the_queue(capsys):
    code, out, _ = call(capsys, "worker", "--help")
    assert code == 0 and "--queue" in out and "redis://" in out


def test_ci_installs_redis_server_before_the_test_command():
    lines = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    install = next(i for i, line in enumerate(lines) if "apt-get install" in line and "redis-server" in line)
    tests = next(i for i, line in enumerate(lines) if "pytest" in line)
    assert install < tests
