"""A real NovelForge server for the server tests: uvicorn on 127.0.0.1 on a free port,
in a thread, serving copies of the example novel as git repositories, with four
accounts (an owner, an editor and a viewer of `ember`, and `otto`, who owns only `other`)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from gitrepo import example_repo

PASSWORD = "correct horse battery staple"
USERS = {"olive": "owner", "eddie": "editor", "vera": "viewer"}


@dataclass
class Live:
    url: str
    data: Path
    projects: Path
    app: object
    tokens: dict = field(default_factory=dict)

    def client(self, who: str | None = None, **kw) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(who)}"} if who else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)

    def login(self, who: str, password: str = PASSWORD) -> dict:
        with httpx.Client(base_url=self.url, timeout=60) as c:
            r = c.post("/api/auth/login", json={"username": who, "password": password})
        assert r.status_code == 200, r.text
        return r.json()

    def token(self, who: str) -> str:
        if who not in self.tokens:
            self.tokens[who] = self.login(who)["access_token"]
        return self.tokens[who]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(tmp: Path, **settings) -> tuple[Path, Path]:
    from novelforge.server import admin

    projects, data = tmp / "projects", tmp / "data"
    projects.mkdir()
    example_repo(projects / "ember")
    example_repo(projects / "other")
    for name, role in USERS.items():
        admin.add_user(data, name, PASSWORD, name=name.title() + " Quill", email=f"{name}@example.org")
        admin.grant(data, "ember", name, role)
    admin.add_user(data, "otto", PASSWORD, name="Otto Outsider", email="otto@example.org")
    admin.grant(data, "other", "otto", "owner")
    return projects, data


def start(tmp: Path, **settings):
    """(Live, stop) for a server on a free port, over new copies of the projects."""
    return serve(*build(tmp), **settings)


def serve(projects: Path, data: Path, **settings):
    """(Live, stop) for a server of ``projects`` with the data folder ``data``."""
    import uvicorn

    from novelforge.server.app import create_app
    from novelforge.server.core import Settings

    app = create_app(Settings(projects=projects, data=data, **settings))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)

    def stop():
        server.should_exit = True
        thread.join(timeout=30)

    return Live(f"http://127.0.0.1:{port}", data, projects, app), stop
