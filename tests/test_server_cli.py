"""The admin commands (`users`, `members`) and `serve --help`; the command line never
imports the server's framework."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT
from tests.test_cli import call


def _run(capsys, monkeypatch, data, *args, stdin: str | None = None):
    if stdin is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return call(capsys, *args, "--data", str(data))


def test_users_and_members(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    code, out, err = _run(capsys, monkeypatch, data, "users", "add", "ada", "--name", "Ada Quill", "--email",
                          "ada@example.org", "--password-stdin", stdin="a long enough password\n")
    assert code == 0, err
    assert "Added ada (Ada Quill <ada@example.org>)." in out
    code, _out, err = _run(capsys, monkeypatch, data, "users", "add", "ada", "--password-stdin",
                           stdin="a long enough password\n")
    assert code == 2 and "already exists" in err and "Traceback" not in err
    code, _out, err = _run(capsys, monkeypatch, data, "users", "add", "bob", "--password-stdin", stdin="short\n")
    assert code == 2 and "at least 10 characters" in err
    code, out, _ = _run(capsys, monkeypatch, data, "members", "grant", "ember", "ada", "--role", "owner")
    assert code == 0 and "ada is now owner of ember." in out
    code, _out, err = _run(capsys, monkeypatch, data, "members", "revoke", "ember", "ada")
    assert code == 2 and "no owner left" in err
    code, _out, err = _run(capsys, monkeypatch, data, "members", "grant", "../etc", "ada")
    assert code == 2 and "not a project name" in err
    code, out, _ = _run(capsys, monkeypatch, data, "members", "list", "ember")
    assert "ada  owner" in out
    code, out, _ = _run(capsys, monkeypatch, data, "users", "disable", "ada")
    assert code == 0
    code, out, _ = _run(capsys, monkeypatch, data, "users", "list")
    assert "ada  Ada Quill <ada@example.org>  (disabled)" in out
    code, out, _ = _run(capsys, monkeypatch, data, "users", "passwd", "ada", "--password-stdin",
                        stdin="another long password\n")
    assert code == 0
    from novelforge.server.passwords import verify
    from novelforge.server.store import Store

    assert verify(Store(data).user("ada").password_hash, "another long password")[0]
    assert [e.action for e in Store(data).audit_log()][:2] == ["user-passwd", "user-disable"]


def test_serve_help_names_the_deployment_doc(capsys):
    code, out, _ = call(capsys, "serve", "--help")
    assert code == 0 and "docs/server.md" in out and "--projects" in out and "--allow-signup" in out
    assert "--queue" in out and "NOVELFORGE_QUEUE" in out


def test_the_command_line_does_not_import_the_server():
    code = ("import sys, novelforge.cli.app as a; a._register(); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette', 'jwt', 'argon2', "
            "'prometheus_client', 'huey', 'redis') or m.startswith('novelforge.server')]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
