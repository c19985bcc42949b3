"""A finished ``check`` (or ``promises suggest``) run from the ``novelforge`` command leaves
without the interpreter's tear-down (``cli.entry._quick_exit``, issue #17) only when nothing
is registered to run at exit and no other thread runs; its output and exit code are whole."""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from novelforge.cli import entry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ember-crown"


def test_only_check_and_suggest_with_a_numeric_code(monkeypatch):
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)     # other tests' threads may linger
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(sys, "getprofile", lambda: None)
    assert entry._quick_exit_allowed(["check", "x"], 0)
    assert entry._quick_exit_allowed(["check"], None)
    assert entry._quick_exit_allowed(["promises", "suggest", "x"], 1)
    # the global options wherever they stand
    assert entry._quick_exit_allowed(["--color", "never", "check", "x"], 0)
    assert entry._quick_exit_allowed(["--traceback", "promises", "suggest"], 0)
    assert entry._quick_exit_allowed(["check", "--color=always", "x"], 0)
    assert not entry._quick_exit_allowed(["--color", "never", "export", "x"], 0)
    assert not entry._quick_exit_allowed(["promises", "accept"], 0)
    assert not entry._quick_exit_allowed(["export", "x"], 0)
    assert not entry._quick_exit_allowed([], 0)
    assert not entry._quick_exit_allowed(["check"], "a message")


def test_not_when_something_runs_at_exit_or_another_thread_runs(monkeypatch):
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    monkeypatch.setattr(sys, "getprofile", lambda: None)
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 1)
    assert not entry._quick_exit_allowed(["check"], 0)
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not entry._quick_exit_allowed(["check"], 0)
    finally:
        stop.set()
        other.join()


def _run(*args: str, code: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    prog = code + "import sys\nsys.argv[0] = 'novelforge'\nfrom novelforge.cli.entry import main\nmain()\n"
    return subprocess.run([sys.executable, "-c", prog, *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_not_under_a_profiler(monkeypatch):
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)
    monkeypatch.setattr(sys, "getprofile", lambda: object())
    assert not entry._quick_exit_allowed(["check"], 0)


def test_a_profile_of_a_check_is_written(tmp_path):
    out = tmp_path / "check.prof"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "novelforge", "check", str(EXAMPLE),
                           "--format", "json", "--no-cache", "--exit-zero"], env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0


def test_the_report_and_exit_code_are_whole():
    done = _run("check", str(EXAMPLE), "--format", "json", "--no-cache")
    report = json.loads(done.stdout)
    assert done.returncode == (1 if report["summary"]["errors"] else 0)
    assert _run("check", str(EXAMPLE), "--format", "json", "--no-cache", "--exit-zero").returncode == 0


def test_an_exit_handler_still_runs():
    done = _run("check", str(EXAMPLE), "--format", "json", "--no-cache", "--exit-zero",
                code="import atexit\natexit.register(lambda: print('handler ran', file=__import__('sys').stderr))\n")
    assert done.returncode == 0 and "handler ran" in done.stderr
    json.loads(done.stdout)
