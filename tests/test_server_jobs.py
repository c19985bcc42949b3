"""Background jobs over real HTTP: an export and a check report run outside the request,
with a state, progress and a downloadable result; a job queued when the server stopped
runs when it starts again; another project's job ids are 404."""

from __future__ import annotations

import json
import time
import zipfile
from io import BytesIO

import pytest

from serverkit import build, serve


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server, stop = serve(*build(tmp_path_factory.mktemp("server")))
    yield server
    stop()


def _wait(c, url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = c.get(url).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"the job did not finish: {job}")


def test_export_job_runs_in_the_background_and_is_downloaded(live):
    with live.client("vera") as c:
        r = c.post("/api/projects/ember/jobs", json={"kind": "export", "format": "epub"})
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["state"] in ("queued", "running", "done")
        done = _wait(c, f"/api/projects/ember/jobs/{job['id']}")
        assert done["state"] == "done" and done["progress"] == 1, done
        got = c.get(f"/api/projects/ember/jobs/{job['id']}/result")
        assert got.status_code == 200 and got.headers["content-type"] == "application/epub+zip"
        assert "ember.epub" in got.headers["content-disposition"]
        assert "mimetype" in zipfile.ZipFile(BytesIO(got.content)).namelist()
        assert any(j["id"] == job["id"] for j in c.get("/api/projects/ember/jobs").json())
        bad = c.post("/api/projects/ember/jobs", json={"kind": "export", "format": "pdf"})
        assert bad.status_code == 422 and "not a format" in bad.json()["error"]
    with live.client("otto") as c:
        assert c.get(f"/api/projects/ember/jobs/{job['id']}").status_code == 404
        assert c.get(f"/api/projects/other/jobs/{job['id']}").status_code == 404
        assert c.get(f"/api/projects/other/jobs/{job['id']}/result").status_code == 404


def test_check_job_and_the_queue_metric(live):
    with live.client("vera") as c:
        job = c.post("/api/projects/ember/jobs", json={"kind": "check", "format": "sarif"}).json()
        assert _wait(c, f"/api/projects/ember/jobs/{job['id']}")["state"] == "done"
        report = json.loads(c.get(f"/api/projects/ember/jobs/{job['id']}/result").content)
        assert report["version"] == "2.1.0"
        assert 'novelforge_jobs{state="done"}' in c.get("/metrics").text


def test_the_queue_is_json_not_pickle(live):
    import sqlite3

    rows = sqlite3.connect(live.data / "jobs.sqlite3").execute("SELECT name FROM sqlite_master").fetchall()
    assert rows        # Huey's tables exist
    from huey.registry import Message

    from novelforge.server.jobs import _serializer

    s = _serializer()
    data = s.serialize(Message("id1", "novelforge.run_job", None, 0, 0, None, ("job",), {}, None, None, None, None))
    assert json.loads(data)["args"] == ["job"]
    with pytest.raises(TypeError):
        s.serialize({"anything": "else"})


def test_a_job_queued_before_a_restart_runs_after_it(tmp_path):
    projects, data = build(tmp_path)
    first, stop = serve(projects, data, run_jobs=False)
    with first.client("olive") as c:
        job = c.post("/api/projects/ember/jobs", json={"kind": "export", "format": "md"}).json()
        time.sleep(0.5)
        assert c.get(f"/api/projects/ember/jobs/{job['id']}").json()["state"] == "queued"
    stop()
    second, stop = serve(projects, data)
    try:
        with second.client("olive") as c:
            done = _wait(c, f"/api/projects/ember/jobs/{job['id']}")
            assert done["state"] == "done"
            assert "# Ashes" in c.get(f"/api/projects/ember/jobs/{job['id']}/result").text
    finally:
        stop()
