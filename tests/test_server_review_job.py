"""The Writers' Room as a background job, over real HTTP: a served project whose
``llm:`` points at the fake OpenAI-compatible model (tests/fakellm.py, answering like the
room's reviewers: tests/roomkit.py). The review finishes with the room's findings, its
progress moves while the room works, a review already run (by the CLI or an earlier job)
sends nothing again, a Viewer may not start one but may read it, a wrong format is 422,
and a project without a model fails with that sentence."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from fakellm import FakeLLM
from gitrepo import commit_all, git
from roomkit import Room, call, finding, kind, write_novel
from serverkit import build, serve

pytest.importorskip("litellm")

GATE = "manuscript/01-a/01-the-gate.md"
JOBS = "/api/projects/room/jobs"
REQUESTS = 3 + 4 * 3          # summaries of the scenes before the last, 4 scenes × 3 reviewers


class Gated(Room):
    """The room's answers; with ``hold`` set, each reviewer's request waits until the
    test lets it go (so the test sees the job mid-way)."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.go = threading.Event()

    def __call__(self, request):
        if self.hold and kind(request) != "summary":
            self.go.wait(8)
        return super().__call__(request)


@pytest.fixture(scope="module")
def fake():
    room = Gated()
    with FakeLLM() as server:
        server.answer(room)
        server.room = room      # type: ignore[attr-defined]
        yield server


@pytest.fixture(scope="module")
def live(tmp_path_factory, fake):
    from novelforge.server import admin

    projects, data = build(tmp_path_factory.mktemp("server"))
    prices = {"openai/fake-a": {"input": 1.0, "output": 1000.0}}   # a reply may cost about $1
    for name, url, llm in (("room", fake.url, None), ("plain", None, None),      # plain: no `llm:` at all
                           ("spent", fake.url, {"prices": prices, "budget_usd_month": 0.5})):
        root = write_novel(projects / name, url, llm=llm)
        git(root, "init", "-q")
        commit_all(root, "The room's novel")
    for who, role in (("olive", "owner"), ("eddie", "editor"), ("vera", "viewer")):
        admin.grant(data, "room", who, role)
    admin.grant(data, "plain", "eddie", "editor")
    admin.grant(data, "spent", "eddie", "editor")
    server, stop = serve(projects, data)
    yield server
    stop()


@pytest.fixture(autouse=True)
def _fresh(fake):
    fake.requests.clear()
    fake.room.findings.clear()
    fake.room.hold = False
    fake.room.go.clear()


def _wait(c, url, timeout=120, seen: list | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = c.get(url).json()
        if seen is not None:
            seen.append((job["progress"], job["message"]))
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"the job did not finish: {job}")


def _review(c, fmt="json", project="room"):
    r = c.post(f"/api/projects/{project}/jobs", json={"kind": "review", "format": fmt})
    assert r.status_code == 202, r.text
    return r.json()


def test_a_review_job_reports_the_rooms_findings_and_its_progress_moves(live, fake):
    fake.room.findings[("continuity", "the-gate")] = [finding("Her grey eyes watched the road.",
                                                              "the eyes were blue a moment ago")]
    fake.room.hold = True
    seen: list = []
    with live.client("eddie") as c:
        job = _review(c)
        assert job["kind"] == "review" and job["format"] == "json"
        url = f"{JOBS}/{job['id']}"
        deadline = time.monotonic() + 60        # the summaries are in, the reviewers are held
        while not any(m and m.startswith("the reviewers are reading") or p >= 0.2 for p, m in seen):
            assert time.monotonic() < deadline, seen
            got = c.get(url).json()
            assert got["state"] in ("queued", "running"), got
            seen.append((got["progress"], got["message"]))
            time.sleep(0.05)
        fake.room.go.set()
        done = _wait(c, url, seen=seen)
        assert done["state"] == "done" and done["progress"] == 1, done
        assert done["message"].startswith("Writers' Room: 4 of 4 scenes reviewed; 1 finding;"), done
        assert f"{REQUESTS} requests sent, 0 from the cache" in done["message"]
        got = c.get(f"{url}/result")
    assert got.status_code == 200 and got.headers["content-type"] == "application/json"
    assert "room-review.json" in got.headers["content-disposition"]
    doc = json.loads(got.content)
    (d,) = doc["diagnostics"]
    assert (d["code"], d["path"], d["line"], d["column"]) == ("NF701", GATE, 9, 28)
    assert d["message"] == "the eyes were blue a moment ago [factual-detail]"
    assert doc["summary"]["room"]["calls"] == REQUESTS and doc["summary"]["room"]["findings"] == 1
    assert fake.count == REQUESTS
    progress = [p for p, _m in seen]
    assert progress == sorted(progress), seen                            # it only moves forward
    middle = [(p, m) for p, m in seen if 0 < p < 1]
    assert middle and all(m and " of " in m for _p, m in middle), seen   # "…: 2 of 3" while it works


def test_a_review_already_run_by_the_cli_sends_nothing_again(live, fake, capsys):
    fake.room.findings[("plot", "the-fall")] = [finding("Bram fell from the wall", "too sudden",
                                                        severity="warning", category="timeline-plot")]
    root = Path(os.path.realpath(live.projects / "room"))
    code, out, err = call(capsys, "review", str(root), "--format", "json")
    assert code == 0, err
    assert fake.count == REQUESTS
    by_cli = json.loads(out)["diagnostics"]
    with live.client("olive") as c:
        for fmt in ("json", "sarif"):
            job = _wait(c, f"{JOBS}/{_review(c, fmt)['id']}")
            assert job["state"] == "done", job
            assert f"0 requests sent, {REQUESTS} from the cache" in job["message"], job
            assert fake.count == REQUESTS, [r.text[:80] for r in fake.requests[REQUESTS:]]
            result = c.get(f"{JOBS}/{job['id']}/result")
            if fmt == "json":
                assert json.loads(result.content)["diagnostics"] == by_cli
            else:
                sarif = json.loads(result.content)
                assert sarif["version"] == "2.1.0" and "room-review.sarif" in result.headers["content-disposition"]
                assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["NF703"]


def test_a_viewer_may_not_start_a_review_but_may_read_one(live, fake):
    with live.client("eddie") as c:
        job = _wait(c, f"{JOBS}/{_review(c)['id']}")
    with live.client("vera") as c:
        before = c.get(JOBS).json()
        r = c.post(JOBS, json={"kind": "review", "format": "json"})
        assert r.status_code == 403, r.text
        assert "costs money" in r.json()["error"] and "editor" in r.json()["error"]
        assert c.get(JOBS).json() == before                          # nothing was queued
        assert any(j["id"] == job["id"] for j in before)
        assert c.get(f"{JOBS}/{job['id']}").json()["state"] == "done"
        assert c.get(f"{JOBS}/{job['id']}/result").status_code == 200
        assert c.post(JOBS, json={"kind": "check", "format": "json"}).status_code == 202   # a check still may
    with live.client("olive") as c:
        audit = [e for e in c.get("/api/projects/room/audit").json() if e["action"] == "job-review"]
    assert audit and all(e["user"] != "vera" for e in audit)


def test_a_review_in_a_format_it_has_not_is_422(live, fake):
    with live.client("eddie") as c:
        for fmt in ("epub", "text", "html"):
            r = c.post(JOBS, json={"kind": "review", "format": fmt})
            assert r.status_code == 422, r.text
            assert r.json()["error"] == f"`{fmt}` is not a format of review; use one of: json, sarif"
        assert c.post(JOBS, json={"kind": "reviews", "format": "json"}).status_code == 422
    assert fake.count == 0


def test_a_project_without_a_model_fails_the_review_with_that_sentence(live, fake):
    with live.client("eddie") as c:
        job = _wait(c, f"/api/projects/plain/jobs/{_review(c, project='plain')['id']}")
    assert job["state"] == "failed" and job["message"] != "internal error", job
    assert job["message"].startswith("no model is configured: add `llm: {model: …}` to novelforge.yaml"), job
    assert fake.count == 0


def test_the_openapi_schema_describes_the_review(live):
    with live.client() as c:
        schema = c.get("/api/openapi.json").json()["components"]["schemas"]["JobStart"]
    assert "review" in schema["properties"]["kind"]["enum"]
    assert "review: editor or owner" in schema["properties"]["kind"]["description"]
    assert "check and review: json, sarif" in schema["properties"]["format"]["description"]
    assert "costs money" in schema["description"]


def test_a_review_the_budget_stops_is_done_with_the_reason_and_what_was_reviewed(live, fake):
    with live.client("eddie") as c:
        job = _wait(c, f"/api/projects/spent/jobs/{_review(c, project='spent')['id']}")
        assert job["state"] == "done", job
        assert job["message"].startswith("Writers' Room: 0 of 4 scenes reviewed; 0 findings;"), job
        assert "Stopped early:" in job["message"] and "budget" in job["message"], job
        doc = json.loads(c.get(f"/api/projects/spent/jobs/{job['id']}/result").content)
    assert doc["summary"]["room"]["stopped"] and doc["diagnostics"] == []
    assert fake.count == 0
