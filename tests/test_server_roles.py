"""Roles over real HTTP: every route of the application, called as every role, from the
route table itself (a new route without a rule cannot start the app; a new route inside
a project is called here by every role without anyone adding it to this file)."""

from __future__ import annotations

import re
import time

import pytest

from novelforge.server.roles import PUBLIC, SIGNED_IN, Role, rule_of
from serverkit import start

SCENE_ID = "the-summons"
SCENE_PATH = "manuscript/01-ashes/01-the-summons.md"
STALE = "0" * 40
# values for the path parameters, and for each write a body that the auth layer lets
# through to a refusal that changes nothing (a stale revision, a file that exists, an
# account that does not): so one project serves every role's call
PARAMS = {"project": "ember", "scene_id": SCENE_ID, "username": "nobody-here"}
BODIES = {
    ("PUT", "/api/projects/{project}/scenes/{scene_id}"): {"text": "---\ntitle: X\n---\n\nText.\n",
                                                           "revision": STALE},
    ("POST", "/api/projects/{project}/scenes"): {"path": SCENE_PATH, "text": "---\ntitle: X\n---\n\nText.\n"},
    ("POST", "/api/projects/{project}/scenes/restore"): {"path": SCENE_PATH},
    ("POST", "/api/projects/{project}/members"): {"username": "nobody-here", "role": "viewer"},
    ("POST", "/api/projects/{project}/jobs"): {"kind": "export", "format": "not-a-format"},
    ("POST", "/api/auth/login"): {"username": "nobody-here", "password": "x"},
    ("POST", "/api/auth/refresh"): {"refresh_token": "made-up"},
    ("POST", "/api/auth/signup"): {"username": "x", "password": "x"},
}
QUERY = {("DELETE", "/api/projects/{project}/scenes/{scene_id}"): {"revision": STALE}}
WHO = {"anonymous": None, "outsider": "otto", "viewer": "vera", "editor": "eddie", "owner": "olive"}
LEVEL = {"viewer": Role.VIEWER, "editor": Role.EDITOR, "owner": Role.OWNER}
# these end the session the other calls use; tested in test_server_auth and test_server_browser
SKIP_CALLS = {("POST", "/api/auth/logout"), ("POST", "/web/logout")}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server, stop = start(tmp_path_factory.mktemp("server"))
    yield server
    stop()


def _routes(app):
    from fastapi.routing import APIRoute

    for route in app.routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path, rule_of(route.endpoint)


def _expected(level, who: str, path: str) -> str:
    if level == PUBLIC:
        return "allowed"
    if who == "anonymous":
        return "303" if path.startswith("/web/") else "401"
    if level == SIGNED_IN:
        return "allowed"
    if who == "outsider":
        return "404"
    return "allowed" if LEVEL[who] >= level else "403"


def test_role_by_endpoint_matrix(live):
    with live.client("olive") as c:     # a job whose id the job routes are called with
        job = c.post("/api/projects/ember/jobs", json={"kind": "check", "format": "json"}).json()
        for _ in range(300):
            if c.get(f"/api/projects/ember/jobs/{job['id']}").json()["state"] in ("done", "failed"):
                break
            time.sleep(0.2)
    PARAMS["job_id"] = job["id"]
    calls = 0
    rows = list(_routes(live.app))
    assert len(rows) >= 20
    for method, path, level in rows:
        assert level is not None, f"{method} {path} has no rule"
        if (method, path) in SKIP_CALLS:
            continue
        url = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: PARAMS[m.group(1)], path)
        for who, account in WHO.items():
            if path.startswith("/api/auth/login") and who != "anonymous":
                continue          # repeated wrong sign-ins would only test the rate limit
            with live.client(account) as c:
                r = c.request(method, url, json=BODIES.get((method, path)), params=QUERY.get((method, path)))
            calls += 1
            want = _expected(level, who, path)
            got = r.status_code
            assert got < 500, (method, path, who, got, r.text)
            if want == "allowed":
                assert got not in (401, 403, 404) or (path, got) == ("/api/auth/signup", 404) \
                    or (path == "/api/auth/login" and got == 401) or (path == "/api/auth/refresh" and got == 401), \
                    (method, path, who, got, r.text)
            else:
                assert got == int(want), (method, path, who, got, r.text)
            if got == 404 and who == "outsider" and path.startswith("/api/"):
                assert r.json() == {"error": "not found"}
    assert calls > 80


def test_a_route_without_a_rule_stops_the_app(tmp_path):
    from fastapi import FastAPI

    from novelforge.server.app import check_rules

    app = FastAPI()

    @app.get("/api/projects/{project}/new-thing")
    def new_thing(project: str):
        return {}

    with pytest.raises(RuntimeError, match="no access rule"):
        check_rules(app)


def test_another_projects_ids_are_404_like_missing_ones(live):
    with live.client("otto") as c:
        mine = c.get("/api/projects/other/scenes/the-summons")
        assert mine.status_code == 200
        theirs = c.get("/api/projects/ember/scenes/the-summons")
        missing = c.get("/api/projects/no-such-project/scenes/the-summons")
        no_scene = c.get("/api/projects/other/scenes/no-such-scene")
    assert theirs.status_code == missing.status_code == no_scene.status_code == 404
    assert theirs.json() == missing.json() == no_scene.json()


def test_traversal_ids_are_refused(live):
    with live.client("olive") as c:
        for bad in ("../other", "..%2Fother", "%2e%2e", ".git"):
            r = c.get(f"/api/projects/{bad}/scenes")
            assert r.status_code == 404, (bad, r.status_code)
        for path in ("manuscript/../novelforge.yaml", "../other/manuscript/01-ashes/x.md", "/etc/passwd",
                     "manuscript/01-ashes/.hidden.md", "manuscript/x.md", "canon/characters/aria.yaml",
                     "manuscript/01-ashes/a\\b.md"):
            r = c.post("/api/projects/ember/scenes", json={"path": path, "text": "Text.\n"})
            assert r.status_code == 422, (path, r.status_code, r.text)
            assert "Traceback" not in r.text


def test_a_symlink_out_of_the_project_is_refused(live):
    outside = live.projects.parent / "outside"
    outside.mkdir(exist_ok=True)
    (live.projects / "ember" / "manuscript" / "zz-link").symlink_to(outside, target_is_directory=True)
    try:
        with live.client("olive") as c:
            r = c.post("/api/projects/ember/scenes", json={"path": "manuscript/zz-link/01-escape.md",
                                                            "text": "Text.\n"})
        assert r.status_code == 422 and "link" in r.json()["error"]
        assert list(outside.iterdir()) == []
    finally:
        (live.projects / "ember" / "manuscript" / "zz-link").unlink()
