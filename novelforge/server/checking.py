"""The book's check, for the server: run in a checking process of its own, computed once
for each state of the project's files, and shared by every request that asks meanwhile.

Why a process: a check is seconds of Python on a long book, and in a thread of the
server it holds the interpreter's lock, so every other request (reading a scene, the
outline) waits behind it. ``python -m novelforge.server.checking`` is started on the
first question (or by :func:`warm` when the server starts), answers one JSON line per
question on its standard output, and keeps the analysis cache warm between saves. A
checking process that dies is replaced once; if the replacement dies too, the server
checks in its own threads from then on (and logs it). ``NOVELFORGE_SERVER_CHECK=inline``
checks in the server's threads from the start. A check that gives no answer in
:data:`TIMEOUT` seconds is a bug: the process is killed and the request answers 500.

Sharing: the report of a project is kept with the stamp of its files (path, size, change
time of every file) taken before its check began. A question whose stamp matches is
answered from it; a question asked while a check runs waits, and is answered by the
first check that *began after it was asked* (that check saw every save the question
could have seen), so after a save ten simultaneous requests cost one check, not ten.

A check that cannot run because of the project's settings (``check: select: [NOPE]``)
raises :class:`CheckFailed` with the library's one-line message; a project with no
scene has no findings.
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("novelforge.server")
INLINE_ENV = "NOVELFORGE_SERVER_CHECK"
TIMEOUT = 600.0        # seconds for one check (War and Peace takes a few)


class CheckFailed(Exception):
    """The project's check could not run (its settings); the message is the user's."""


@dataclass
class Checked:
    """What one check of a project gave: the findings as dicts, and renderings by format."""

    diagnostics: list[dict]
    rendered: dict[str, str] = field(default_factory=dict)   # "json", "sarif" → the report
    failed: str | None = None          # CheckFailed's message
    nothing: str | None = None         # no scene to check: the library's message

    def report(self, fmt: str) -> str:
        """The whole report in ``fmt``; raises :class:`CheckFailed` for a book with no
        scene (as `novelforge check` refuses one)."""
        if self.nothing is not None:
            raise CheckFailed(self.nothing)
        return self.rendered[fmt]


def stamp(root) -> tuple:
    """What a check of ``root`` depends on: every file's path, size, change time and inode
    (the project's own folders; not .git or .novelforge)."""
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in (".git", ".novelforge"))
        for name in sorted(files):
            try:
                st = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            out.append((folder, name, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(out)


# ---------------------------------------------------------------------- the work itself
FORMATS = ("json", "sarif")      # the renderings the server serves


def run_check(root: str) -> Checked:
    """Check the project at ``root`` with the library API, rendered in :data:`FORMATS`."""
    from novelforge import api
    from novelforge.errors import NothingToCheck, NovelForgeError
    from novelforge.formats import CHECK

    try:
        report = api.check(root)
    except NothingToCheck as exc:
        return Checked([], nothing=str(exc))
    except NovelForgeError as exc:
        return Checked([], failed=str(exc))
    return Checked([d.to_dict() for d in report.diagnostics], {fmt: CHECK.render(fmt, report) for fmt in FORMATS})


def _answer(question: dict) -> dict:
    if question.get("warm"):
        import novelforge.api  # noqa: F401  (the imports a first check would pay)
        from novelforge.rules import registry

        registry.all_rules()
        return {"ok": True}
    got = run_check(question["root"])
    return {"ok": True, "diagnostics": got.diagnostics, "rendered": got.rendered, "failed": got.failed,
            "nothing": got.nothing}


def main() -> None:
    """The checking process: one JSON question per line on stdin, one answer per line on
    the standard output it was given (anything the library prints goes to stderr)."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = _answer(json.loads(line))
        except Exception as exc:  # a bug: the server logs it and answers 500
            import traceback

            traceback.print_exc()
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


# ---------------------------------------------------------------------- the server's side
class _Process:
    """One checking process and the lock that keeps one question at a time in it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.deaths = 0
        self.gave_up = False

    def _start(self) -> subprocess.Popen:
        import novelforge

        package_parent = str(Path(novelforge.__file__).resolve().parent.parent)
        env = dict(os.environ)
        # the same novelforge as the server's, wherever the process starts
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        env["PYTHONDONTWRITEBYTECODE"] = env.get("PYTHONDONTWRITEBYTECODE", "1")
        return subprocess.Popen([sys.executable, "-m", "novelforge.server.checking"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=None, cwd="/", env=env, text=True,
                                encoding="utf-8", bufsize=1)

    def ask(self, question: dict) -> dict | None:
        """The process's answer, or None when checking must happen inline."""
        with self.lock:
            while not self.gave_up:
                if self.proc is not None and self.proc.poll() is not None:
                    self._died()                # it ended since the last question
                    continue
                if self.proc is None:
                    self.proc = self._start()
                try:
                    self.proc.stdin.write(json.dumps(question) + "\n")
                    self.proc.stdin.flush()
                    if not select.select([self.proc.stdout], [], [], TIMEOUT)[0]:
                        self._died()            # hung: a bug, not a reason to check inline
                        raise RuntimeError(f"the checking process gave no answer in {TIMEOUT:.0f} s")
                    line = self.proc.stdout.readline()
                except (BrokenPipeError, OSError, ValueError):
                    line = ""
                if line:
                    return json.loads(line)
                self._died()
            return None

    def _died(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
        self.deaths += 1
        if self.deaths >= 2:
            self.gave_up = True
            log.error(json.dumps({"event": "checking-process-gave-up",
                                  "detail": "the checking process died twice; checking in the server's threads"}))
        else:
            log.warning(json.dumps({"event": "checking-process-died", "detail": "starting a new one"}))

    def close(self) -> None:
        with self.lock:
            proc, self.proc = self.proc, None
        if proc is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=10)
            except Exception:
                proc.kill()


@dataclass
class _Kept:
    stamp: tuple
    began: float
    checked: Checked


class Checker:
    """The reports of the served projects (one per project root), shared as the module
    docstring says."""

    def __init__(self, inline: bool | None = None) -> None:
        self.inline = os.environ.get(INLINE_ENV) == "inline" if inline is None else inline
        self.process = _Process()
        self._kept: dict[str, _Kept] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def warm(self) -> None:
        """Start the checking process and have it import the checker (in a thread: the
        server's start does not wait)."""
        if not self.inline:
            threading.Thread(target=self.process.ask, args=({"warm": True},), name="novelforge-check-warm",
                             daemon=True).start()

    def close(self) -> None:
        self.process.close()

    def checked(self, root: Path) -> Checked:
        """The check of ``root`` for its files as they are now. Raises
        :class:`CheckFailed`."""
        asked = time.monotonic()
        key = str(root)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
            kept = self._kept.get(key)
        if kept is None or not self._answers(kept, stamp(root), asked):
            with lock:
                with self._guard:
                    kept = self._kept.get(key)
                if kept is None or not self._answers(kept, None, asked):
                    now = stamp(root)
                    if kept is None or not self._answers(kept, now, asked):
                        began = time.monotonic()
                        kept = _Kept(now, began, self._run(key))
                        with self._guard:
                            self._kept[key] = kept
        if kept.checked.failed is not None:
            raise CheckFailed(kept.checked.failed)
        return kept.checked

    @staticmethod
    def _answers(kept: _Kept, now: tuple | None, asked: float) -> bool:
        """Whether ``kept`` answers a question asked at ``asked`` about the files at
        ``now`` (None: only by having begun after the question)."""
        return kept.began >= asked or (now is not None and kept.stamp == now)

    def _run(self, root: str) -> Checked:
        if not self.inline:
            answer = self.process.ask({"root": root})
            if answer is not None:
                if not answer.get("ok"):
                    raise RuntimeError(f"the checking process failed: {answer.get('error')}")
                return Checked(answer["diagnostics"], answer["rendered"], answer["failed"], answer["nothing"])
        return run_check(root)


_CHECKER: Checker | None = None
_CHECKER_LOCK = threading.Lock()


def checker() -> Checker:
    """The server process's one :class:`Checker`."""
    global _CHECKER
    with _CHECKER_LOCK:
        if _CHECKER is None:
            _CHECKER = Checker()
        return _CHECKER


if __name__ == "__main__":
    main()
