"""Writes over real HTTP: each save a commit by the user who saved, optimistic
concurrency (409 with the current text, nothing lost), validation before the commit,
soft delete and restore, history, the audit trail, and a repository's own hooks and
filters never run."""

from __future__ import annotations

import json
import threading

import pytest

from gitrepo import git
from serverkit import start

SCENE = "/api/projects/ember/scenes/the-summons"
PATH = "manuscript/01-ashes/01-the-summons.md"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server, stop = start(tmp_path_factory.mktemp("server"))
    yield server
    stop()


def _repo(live):
    return live.projects / "ember"


def test_save_is_a_commit_by_the_editor_with_the_new_finding(live):
    with live.client("eddie") as c:
        scene = c.get(SCENE).json()
        text = scene["text"].replace("\n\n", "\n\nThe guard raised his musket.\n\n", 1)
        r = c.put(SCENE, json={"text": text, "revision": scene["revision"], "message": "A musket, for the test"})
        assert r.status_code == 200, r.text
        body = r.json()
    log = git(_repo(live), "log", "-1", "--format=%H|%an|%ae|%s").strip().split("|")
    assert log == [body["commit"], "Eddie Quill", "eddie@example.org", "A musket, for the test"]
    assert (_repo(live) / PATH).read_text("utf-8") == text
    assert git(_repo(live), "show", f"HEAD:{PATH}") == text
    assert git(_repo(live), "status", "--porcelain") == ""
    assert any(f["code"] == "NF301" and "musket" in f["message"] for f in body["findings"]), body["findings"]
    with live.client("vera") as c:
        findings = c.get(SCENE + "/findings").json()
        assert any(f["code"] == "NF301" for f in findings)
        history = c.get(SCENE + "/history").json()
    assert history[0]["commit"] == body["commit"] and history[0]["author"] == "Eddie Quill"


def test_a_stale_save_is_409_with_the_current_text(live):
    with live.client("eddie") as c:
        scene = c.get(SCENE).json()
        first = c.put(SCENE, json={"text": scene["text"] + "\nOne more line.\n", "revision": scene["revision"]})
        assert first.status_code == 200
        stale = c.put(SCENE, json={"text": scene["text"] + "\nMy other line.\n", "revision": scene["revision"]})
    assert stale.status_code == 409
    assert stale.json()["current"]["text"] == scene["text"] + "\nOne more line.\n"
    assert stale.json()["current"]["revision"] == first.json()["revision"]
    assert "My other line" not in (_repo(live) / PATH).read_text("utf-8")


def test_two_editors_saving_at_once_one_wins_one_gets_409(live):
    with live.client("eddie") as c:
        scene = c.get(SCENE).json()
    results = {}

    def save(who, line):
        with live.client(who) as c:
            results[who] = c.put(SCENE, json={"text": scene["text"] + line, "revision": scene["revision"]})

    threads = [threading.Thread(target=save, args=("eddie", "\nEddie's line.\n")),
               threading.Thread(target=save, args=("olive", "\nOlive's line.\n"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {k: (v.status_code, v.text[:200]) for k, v in results.items()}
    loser = next(r for r in results.values() if r.status_code == 409)
    winner = next(who for who, r in results.items() if r.status_code == 200)
    on_disk = (_repo(live) / PATH).read_text("utf-8")
    assert loser.json()["current"]["text"] == on_disk
    assert (winner == "eddie") == ("Eddie's line" in on_disk)


def test_broken_front_matter_is_refused_with_its_position(live):
    before = git(_repo(live), "rev-parse", "HEAD").strip()
    with live.client("eddie") as c:
        scene = c.get(SCENE).json()
        broken = scene["text"].replace("title: The Summons", "title: [The Summons", 1)
        r = c.put(SCENE, json={"text": broken, "revision": scene["revision"]})
        unclosed = c.put(SCENE, json={"text": "---\ntitle: x\n\nNo closing line.\n", "revision": scene["revision"]})
    assert r.status_code == 422
    finding = r.json()["findings"][0]
    assert finding["code"] == "NF001" and finding["path"] == PATH and finding["line"] >= 2
    assert unclosed.status_code == 422 and unclosed.json()["findings"][0]["code"] == "NF002"
    assert git(_repo(live), "rev-parse", "HEAD").strip() == before


def test_create_delete_restore(live):
    new = "manuscript/01-ashes/03-the-ash-road.md"
    text = "---\nid: the-ash-road\ntitle: The Ash Road\npov: aria\n---\n\nAria walked.\n"
    with live.client("eddie") as c:
        r = c.post("/api/projects/ember/scenes", json={"path": new, "text": text})
        assert r.status_code == 201, r.text
        again = c.post("/api/projects/ember/scenes", json={"path": new, "text": text})
        assert again.status_code == 409
        scene = c.get("/api/projects/ember/scenes/the-ash-road").json()
        assert scene["text"] == text
        assert c.delete("/api/projects/ember/scenes/the-ash-road", params={"revision": "0" * 40}).status_code == 409
        gone = c.delete("/api/projects/ember/scenes/the-ash-road", params={"revision": scene["revision"]})
        assert gone.status_code == 200
        assert not (_repo(live) / new).exists()
        assert c.get("/api/projects/ember/scenes/the-ash-road").status_code == 404
        back = c.post("/api/projects/ember/scenes/restore", json={"path": new})
        assert back.status_code == 201, back.text
        assert (_repo(live) / new).read_text("utf-8") == text
        assert c.post("/api/projects/ember/scenes/restore",
                      json={"path": "manuscript/01-ashes/99-never.md"}).status_code == 404
    subjects = git(_repo(live), "log", "-3", "--format=%s").split("\n")[:3]
    assert subjects == [f"Restore {new}", f"Remove {new}", f"Add {new}"]


def test_every_write_has_an_audit_entry(live):
    with live.client("olive") as c:
        entries = c.get("/api/projects/ember/audit", params={"limit": 1000}).json()
    commits = set(git(_repo(live), "log", "--format=%H").split())
    writes = [e for e in entries if e["action"].startswith("scene-")]
    assert writes and all(e["commit"] in commits and e["user"] and e["address"] == "127.0.0.1" for e in writes)
    server_commits = [c for c in git(_repo(live), "log", "--format=%H %an").splitlines() if "Quill" in c]
    assert len(writes) == len(server_commits)
    with live.client("eddie") as c:
        assert c.get("/api/projects/ember/audit").status_code == 403


def test_check_json_sarif_promises_canon_contracts(live):
    with live.client("vera") as c:
        report = c.get("/api/projects/ember/check").json()
        assert report["version"] == 1 and report["summary"]["scenes"] > 5
        sarif = c.get("/api/projects/ember/check", params={"format": "sarif"})
        assert sarif.headers["content-type"].startswith("application/sarif+json")
        assert json.loads(sarif.text)["version"] == "2.1.0"
        assert c.get("/api/projects/ember/check", params={"format": "junit"}).status_code == 422
        ledger = c.get("/api/projects/ember/promises").json()
        assert ledger["promises"]
        canon = c.get("/api/projects/ember/canon").json()
        assert any(e["id"] == "aria" and e["kind"] == "characters" for e in canon)
        contracts = c.get("/api/projects/ember/contracts").json()
        assert any(x["id"].endswith("no-gunpowder") for x in contracts)


def test_members_last_owner_is_protected(live):
    with live.client("olive") as c:
        r = c.post("/api/projects/ember/members", json={"username": "olive", "role": "editor"})
        assert r.status_code == 409 and "no owner" in r.json()["error"]
        assert c.delete("/api/projects/ember/members/olive").status_code == 409
        assert c.post("/api/projects/ember/members", json={"username": "otto", "role": "viewer"}).status_code == 200
        assert c.delete("/api/projects/ember/members/otto").status_code == 200
        actions = [e["action"] for e in c.get("/api/projects/ember/audit").json()]
    assert "member-grant" in actions and "member-revoke" in actions


def test_hooks_and_filters_of_the_repository_never_run(live, tmp_path):
    repo = _repo(live)
    marker = tmp_path / "ran"
    hooks = repo / ".git" / "hooks"
    for hook in ("pre-commit", "post-commit", "commit-msg", "reference-transaction", "post-index-change"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}-{hook}\n")
        (hooks / hook).chmod(0o755)
    with open(repo / ".git" / "config", "a") as cfg:
        cfg.write(f"[filter \"evil\"]\n\tclean = touch {marker}-clean\n\tsmudge = touch {marker}-smudge\n"
                  f"[core]\n\tfsmonitor = touch {marker}-fsmonitor\n")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text("* filter=evil\n")
    with live.client("eddie") as c:
        scene = c.get(SCENE).json()
        r = c.put(SCENE, json={"text": scene["text"] + "\nCanary.\n", "revision": scene["revision"]})
    assert r.status_code == 200, r.text
    assert list(tmp_path.iterdir()) == []
