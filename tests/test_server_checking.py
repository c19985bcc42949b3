"""The server's check of a book (novelforge/server/checking.py): run in a checking process
with the same findings as the library's check, computed once per state of the files and
shared by the requests that ask meanwhile, a dead process replaced (then the server's own
threads), and a book that cannot be checked answered with 422, not 500."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

from gitrepo import example_repo
from novelforge import api
from novelforge.server import checking
from novelforge.server.checking import Checker, CheckFailed
from serverkit import start


@pytest.fixture()
def book(tmp_path):
    root = tmp_path / "ember"
    example_repo(root)
    return root


def _library(root) -> list[dict]:
    return [d.to_dict() for d in api.check(root).diagnostics]


def _unknown_rule(config: str) -> str:
    assert "\ncheck:\n" in config
    return config.replace("\ncheck:\n", "\ncheck:\n  select: [NOPE]\n", 1)


def _touch(root) -> None:
    """A new change time on a scene, its bytes the same."""
    scene = sorted((root / "manuscript").rglob("*.md"))[0]
    st = scene.stat()
    os.utime(scene, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_the_checking_process_gives_the_librarys_findings(book):
    checker = Checker(inline=False)
    try:
        got = checker.checked(book)
        assert checker.process.proc is not None and checker.process.proc.poll() is None
        assert got.diagnostics == _library(book)
        assert json.loads(got.report("json"))["diagnostics"] == _library(book)
        assert json.loads(got.report("sarif"))["version"] == "2.1.0"
        assert checker.checked(book) is got                       # nothing changed: the same report
        scene = next((book / "manuscript").rglob("*.md"))
        scene.write_text(scene.read_text(encoding="utf-8") + "\nThe lamp was lit by Morwen Vale.\n",
                         encoding="utf-8")
        again = checker.checked(book)
        assert again is not got and again.diagnostics == _library(book)
    finally:
        checker.close()


def test_a_dead_checking_process_is_replaced_then_the_server_checks_itself(book):
    checker = Checker(inline=False)
    try:
        first = checker.checked(book).diagnostics
        checker.process.proc.kill()
        checker.process.proc.wait()
        _touch(book)                                    # a new question, not the kept answer
        assert checker.checked(book).diagnostics == first
        assert checker.process.deaths == 1 and not checker.process.gave_up
        checker.process.proc.kill()
        checker.process.proc.wait()
        _touch(book)
        real_start = checker.process._start

        def dies_at_once():
            proc = real_start()
            proc.kill()
            proc.wait()
            return proc

        checker.process._start = dies_at_once
        assert checker.checked(book).diagnostics == first        # checked in this process
        assert checker.process.gave_up
    finally:
        checker.close()


def test_questions_asked_during_a_check_share_the_next_one(book, monkeypatch):
    """Ten requests right after a save cost one check each state, not ten."""
    real = checking.run_check
    runs = []
    first_running = threading.Event()
    release = threading.Event()

    def slow(root):
        runs.append(root)
        if len(runs) == 1:
            first_running.set()
            release.wait(30)
        return real(root)

    monkeypatch.setattr(checking, "run_check", slow)
    checker = Checker(inline=True)
    results = []
    first = threading.Thread(target=lambda: results.append(checker.checked(book)))
    first.start()
    assert first_running.wait(30)
    scene = next((book / "manuscript").rglob("*.md"))
    scene.write_text(scene.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")   # a save
    later = [threading.Thread(target=lambda: results.append(checker.checked(book))) for _ in range(10)]
    for t in later:
        t.start()
    time.sleep(0.3)
    release.set()
    for t in (first, *later):
        t.join(60)
    assert len(results) == 11
    assert len(runs) == 2                  # the first check, and one for every question after the save
    assert results[-1].diagnostics == _library(book)


def test_a_book_that_cannot_be_checked_raises_check_failed(book):
    config = book / "novelforge.yaml"
    config.write_text(_unknown_rule(config.read_text(encoding="utf-8")), encoding="utf-8")
    checker = Checker(inline=True)
    with pytest.raises(CheckFailed, match="NOPE"):
        checker.checked(book)


def test_a_book_without_scenes_has_no_findings_and_no_report(tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    (root / "novelforge.yaml").write_text("title: Empty\n", encoding="utf-8")
    got = Checker(inline=True).checked(root)
    assert got.diagnostics == []
    with pytest.raises(CheckFailed):
        got.report("json")


def test_over_http_an_uncheckable_book_is_422_with_the_reason(tmp_path):
    live, stop = start(tmp_path)
    try:
        config = live.projects / "ember" / "novelforge.yaml"
        original = config.read_text(encoding="utf-8")
        with live.client("vera") as c:
            assert c.get("/api/projects/ember/check").status_code == 200
            config.write_text(_unknown_rule(original), encoding="utf-8")
            r = c.get("/api/projects/ember/check")
            assert r.status_code == 422 and "NOPE" in r.json()["error"], r.text
            scene = c.get("/api/projects/ember/scenes").json()[0]
            r = c.get(f"/api/projects/ember/scenes/{scene['id']}/findings")
            assert r.status_code == 422 and "internal" not in r.text
            config.write_text(original, encoding="utf-8")
            assert c.get("/api/projects/ember/check").status_code == 200
    finally:
        stop()


def test_the_served_check_is_the_librarys_check(tmp_path):
    live, stop = start(tmp_path)
    try:
        with live.client("vera") as c:
            body = c.get("/api/projects/ember/check").json()
            proc = checking.checker().process.proc
            assert proc is not None and proc.poll() is None     # served by the checking process
        assert body["diagnostics"] == _library(live.projects / "ember")
    finally:
        stop()


def test_a_checking_process_that_hangs_is_killed_and_the_question_fails(book, monkeypatch):
    checker = Checker(inline=False)
    try:
        checker.checked(book)
        monkeypatch.setattr(checking, "TIMEOUT", 0.5)
        hung = checker.process.proc
        hung.send_signal(19)                        # SIGSTOP: alive, silent
        _touch(book)
        with pytest.raises(RuntimeError, match="no answer"):
            checker.checked(book)
        assert hung.poll() is not None and checker.process.deaths == 1
        _touch(book)
        monkeypatch.setattr(checking, "TIMEOUT", 600.0)
        assert checker.checked(book).diagnostics == _library(book)     # a new process answers
    finally:
        checker.close()
