"""`novelforge worker`: the jobs of a data folder run in a process of their own. A server
started with --no-worker (or one that finds a worker running) leaves them to it; the
worker runs an export a client queued over HTTP; a second worker for the same data
folder is refused with one line and exit code 2; SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from gitrepo import ROOT
from serverkit import build, serve


def _worker(projects, data) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    return subprocess.Popen([sys.executable, "-m", "novelforge", "worker", "--projects", str(projects), "--data",
                             str(data)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_runs_the_jobs_the_server_queues(tmp_path):
    projects, data = build(tmp_path)
    live, stop = serve(projects, data, run_jobs=False)
    worker = _worker(projects, data)
    try:
        with live.client("vera") as c:
            job = c.post("/api/projects/ember/jobs", json={"kind": "export", "format": "md"}).json()
            time.sleep(1.0)
            assert c.get(f"/api/projects/ember/jobs/{job['id']}").json()["state"] in ("queued", "running", "done")
            assert _wait_for(lambda: c.get(f"/api/projects/ember/jobs/{job['id']}").json()["state"] == "done"), \
                worker.stderr.read() if worker.poll() is not None else "the job did not finish"
            r = c.get(f"/api/projects/ember/jobs/{job['id']}/result")
            assert r.status_code == 200 and "The Ember Crown" in r.text
        # one consumer per data folder: a second worker is refused, in one line
        second = _worker(projects, data)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 2, (out, err)
        assert "another process already runs the jobs" in err and "Traceback" not in err
        assert len([line for line in err.strip().splitlines() if line.startswith("error")]) == 1, err
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=90)
        finally:
            stop()
    assert worker.returncode == 0, worker.stderr.read()
    assert '"worker-stopped"' in worker.stderr.read()


def test_a_server_leaves_the_jobs_to_a_running_worker(tmp_path):
    projects, data = build(tmp_path)
    worker = _worker(projects, data)
    try:
        assert _wait_for(lambda: (data / "jobs.consumer.lock").exists(), 60)
        time.sleep(1.0)
        live, stop = serve(projects, data)                     # would run jobs, but the worker has the lock
        try:
            assert live.app.state.nf.jobs._thread is None
            with live.client("vera") as c:
                assert c.get("/readyz").status_code == 200
                job = c.post("/api/projects/ember/jobs", json={"kind": "check", "format": "json"}).json()
                assert _wait_for(lambda: c.get(f"/api/projects/ember/jobs/{job['id']}").json()["state"] == "done")
        finally:
            stop()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=90)
