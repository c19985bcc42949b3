"""Errors go to Sentry when SENTRY_DSN is set: a real sentry-sdk, in a process of its own
(its set-up is process-wide), sends the exception of a 500 to a collector on 127.0.0.1,
with no cookie or body of the request; without SENTRY_DSN nothing is started."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from novelforge.server import observe

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import sys
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests"]
    from pathlib import Path
    import sentry_sdk
    from fastapi.testclient import TestClient
    from serverkit import build
    from novelforge.server import scenes
    from novelforge.server.app import create_app
    from novelforge.server.core import Settings

    projects, data = build(Path(sys.argv[2]))
    app = create_app(Settings(projects=projects, data=data, run_jobs=False))

    def broken(project):
        raise RuntimeError("a bug in the outline, for Sentry")

    scenes.outline = broken
    with TestClient(app, raise_server_exceptions=False) as client:
        token = client.post("/api/auth/login", json={"username": "vera",
                                                     "password": "correct horse battery staple"}).json()
        r = client.get("/api/projects/ember", headers={"Authorization": "Bearer " + token["access_token"]},
                       cookies={"secret_cookie": "do-not-send"})
        assert r.status_code == 500 and r.json()["error"] == "internal error", r.text
    sentry_sdk.flush(10)
    print("ok")
""")


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_a_500_is_sent_to_sentry_without_the_requests_secrets(tmp_path):
    collector = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{collector.server_address[1]}/42"
        env = {**os.environ, "SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "test"}
        run = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT), str(tmp_path)], env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0 and "ok" in run.stdout, run.stderr[-3000:]
    finally:
        collector.shutdown()
    sent = b"\n".join(_Collector.received).decode("utf-8", "replace")
    assert "a bug in the outline, for Sentry" in sent and "RuntimeError" in sent
    assert "do-not-send" not in sent and "correct horse" not in sent and "Bearer ey" not in sent
    events = [json.loads(line) for line in sent.splitlines() if line.startswith("{") and '"exception"' in line]
    assert events and all(e.get("environment") == "test" for e in events)


def test_without_sentry_dsn_nothing_starts():
    assert observe.start_sentry({}) is False
    assert observe.start_sentry({"SENTRY_DSN": "  "}) is False
