"""``gitwrite.write_file`` in-process on a real repository: a save starts two processes
(``fast-import``, then ``update-index`` for the checkout's index), the commit is the
user's on top of HEAD, saves that wait meanwhile are committed together (one commit
each), values a user typed are never shell, the repository's settings that name programs
never run, and a refused step is WriteFailed."""

from __future__ import annotations

import subprocess

import pytest

from gitrepo import example_repo, git
from novelforge.server import gitwrite
from novelforge.server.gitwrite import Author, Conflict, WriteFailed, write_file
from novelforge.server.projects import BadPath, ServedProject, read_bytes, revision

REL = "manuscript/01-ashes/01-the-summons.md"
EDDIE = Author("Eddie Quill", "eddie@example.org")


@pytest.fixture
def project(tmp_path) -> ServedProject:
    return ServedProject("ember", example_repo(tmp_path / "ember"))


@pytest.fixture
def started(monkeypatch) -> list[list[str]]:
    return _counting(monkeypatch)


def _counting(monkeypatch) -> list[list[str]]:
    """The argv of every process started from now on (subprocess.run and Popen alike)."""
    seen: list[list[str]] = []
    real = subprocess.Popen

    class Counting(real):
        def __init__(self, args, *a, **kw):
            seen.append(list(args))
            super().__init__(args, *a, **kw)

    monkeypatch.setattr(subprocess, "Popen", Counting)
    return seen


def _save(project, data: bytes | None, message: str = "Save", author: Author = EDDIE, rel: str = REL):
    return write_file(project, rel, data, expected=revision(read_bytes(project, rel)), author=author, message=message)


def test_a_save_or_a_delete_starts_two_processes(project, monkeypatch):
    started = _counting(monkeypatch)
    text = read_bytes(project, REL) + b"\nOne more line.\n"
    _save(project, text)
    assert len(started) == 2, started
    assert "fast-import" in started[0] and "update-index" in started[1]
    started.clear()
    _save(project, None, "Remove the summons")
    assert len(started) == 2 and "fast-import" in started[0], started


def test_saves_waiting_for_the_lock_are_committed_together_one_commit_each(project, monkeypatch):
    import threading

    before = git(project.root, "rev-parse", "HEAD").strip()
    rels = [f"manuscript/01-ashes/9{i}-new.md" for i in range(6)]
    gate = threading.Event()
    real = gitwrite._commit_all
    batches = []

    def held(proj, batch):
        gate.wait(30)                   # the first save holds the lock until the rest wait for it
        batches.append(len(batch))
        real(proj, batch)

    monkeypatch.setattr(gitwrite, "_commit_all", held)
    done = {}
    authors = [Author(f"Writer {i}", f"w{i}@example.org") for i in range(6)]

    def save(i):
        done[i] = write_file(project, rels[i], f"---\ntitle: New {i}\n---\n\nText {i}.\n".encode(),
                             expected=None, author=authors[i], message=f"Add scene {i}")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    threads[0].start()
    import time

    time.sleep(0.3)
    for t in threads[1:]:
        t.start()
    time.sleep(0.5)
    gate.set()
    for t in threads:
        t.join(60)
    assert sorted(done) == list(range(6))
    assert batches[0] == 1 and sum(batches) == 6 and len(batches) <= 3     # the five that waited went together
    log = git(project.root, "log", "--format=%H %an %s", f"{before}..HEAD").splitlines()
    assert len(log) == 6 and {line.split(" ", 1)[0] for line in log} == {w.commit for w in done.values()}
    for i in range(6):
        sha = done[i].commit
        assert git(project.root, "log", "-1", "--format=%an <%ae>|%s", sha) == \
            f"Writer {i} <w{i}@example.org>|Add scene {i}\n"
        assert git(project.root, "diff-tree", "--no-commit-id", "--name-only", "-r", sha) == rels[i] + "\n"
    assert git(project.root, "status", "--porcelain") == ""


def test_in_one_batch_a_second_save_of_the_same_revision_is_a_conflict(project):
    current = read_bytes(project, REL)
    first = gitwrite._Save(REL, project.root / REL, current + b"\nFirst.\n", revision(current), EDDIE, "First")
    second = gitwrite._Save(REL, project.root / REL, current + b"\nSecond.\n", revision(current), EDDIE, "Second")
    follows = gitwrite._Save(REL, project.root / REL, current + b"\nFirst.\nThird.\n",
                             revision(current + b"\nFirst.\n"), EDDIE, "Third")
    with gitwrite.project_lock(project):
        gitwrite._commit_all(project, [first, second, follows])
    assert first.written and follows.written and isinstance(second.error, Conflict)
    assert second.error.current == current + b"\nFirst.\n"          # the text the first save left
    assert read_bytes(project, REL) == current + b"\nFirst.\nThird.\n"
    assert git(project.root, "log", "-2", "--format=%s") == "Third\nFirst\n"
    assert all(s.done for s in (first, second, follows))


def test_the_commit_is_the_users_on_top_of_head_and_the_checkout_stays_clean(project):
    before = git(project.root, "rev-parse", "HEAD").strip()
    text = read_bytes(project, REL) + b"\nOne more line.\n"
    written = _save(project, text, "Edit the summons")
    assert written.commit == git(project.root, "rev-parse", "HEAD").strip()
    assert written.revision == revision(text)
    assert git(project.root, "rev-parse", "HEAD^").strip() == before
    assert git(project.root, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s") == \
        "Eddie Quill <eddie@example.org>|Eddie Quill <eddie@example.org>|Edit the summons\n"
    assert git(project.root, "diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD") == REL + "\n"
    assert git(project.root, "cat-file", "blob", f"HEAD:{REL}").encode() == text
    assert (project.root / REL).read_bytes() == text
    assert git(project.root, "status", "--porcelain") == ""      # the repository's own index was updated
    _save(project, None, "Remove the summons")
    assert not (project.root / REL).exists()
    assert git(project.root, "ls-tree", "HEAD", "--", REL) == ""
    assert git(project.root, "status", "--porcelain") == ""
    assert not list((project.root / ".git").glob("novelforge-server-index-*"))


def test_a_first_commit_in_a_repository_without_one(tmp_path):
    root = tmp_path / "new"
    root.mkdir()
    git(root, "init", "-q")
    project = ServedProject("new", root)
    written = write_file(project, "novelforge.yaml", b"title: New\n", expected=None, author=EDDIE, message="Begin")
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(root, "log", "-1", "--format=%H %P").strip() == written.commit     # no parent
    assert git(root, "status", "--porcelain") == ""


def test_a_stale_revision_is_a_conflict_and_commits_nothing(project):
    before = git(project.root, "rev-parse", "HEAD").strip()
    current = read_bytes(project, REL)
    with pytest.raises(Conflict) as exc:
        write_file(project, REL, b"New text.\n", expected="0" * 40, author=EDDIE, message="Stale")
    assert exc.value.current == current
    assert git(project.root, "rev-parse", "HEAD").strip() == before


SHELL = ["$(touch {m}-dollar)", "`touch {m}-tick`", "'; touch {m}-single; '", "\"; touch {m}-double; \"",
         "x\ntouch {m}-newline\n", "$NF_PATH ${{NF_BLOB}} \\ * ~ ; | & > {m}-redirect"]


def test_a_message_and_an_author_are_committed_literally_and_run_nothing(project, tmp_path):
    marker = tmp_path / "ran"
    message = "Edit " + " ".join(s.format(m=marker) for s in SHELL)
    author = Author("Eve $(touch " + str(marker) + "-author) `id`", "eve+$(id)@example.org")
    written = _save(project, read_bytes(project, REL) + b"\nLiteral.\n", message, author)
    raw = git(project.root, "cat-file", "commit", written.commit)
    assert raw.split("\n\n", 1)[1] == message + "\n"
    assert git(project.root, "log", "-1", "--format=%an|%ae") == f"{author.name}|{author.email}\n"
    assert list(tmp_path.glob("ran*")) == []


def test_a_path_with_shell_in_it_is_refused_before_any_process(project, started, tmp_path):
    marker = tmp_path / "ran"
    for rel in (f"manuscript/01-ashes/$(touch {marker}).md", "manuscript/01-ashes/`id`.md",
                "manuscript/01-ashes/a'b.md", "manuscript/01-ashes/a\nb.md", "manuscript/01-ashes/-rf.md"):
        with pytest.raises(BadPath):
            write_file(project, rel, b"Text.\n", expected=None, author=EDDIE, message="New")
    assert started == [] and list(tmp_path.glob("ran*")) == []


def test_the_repositorys_programs_never_run(project, tmp_path):
    marker = tmp_path / "ran"
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("reference-transaction", "post-index-change", "pre-commit", "post-commit"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}-{hook}\n")
        (hooks / hook).chmod(0o755)
    with open(project.root / ".git" / "config", "a") as cfg:
        cfg.write(f"[core]\n\thooksPath = {hooks}\n\tfsmonitor = touch {marker}-fsmonitor\n"
                  f"[filter \"evil\"]\n\tclean = touch {marker}-clean\n")
    (project.root / ".git" / "info").mkdir(exist_ok=True)
    (project.root / ".git" / "info" / "attributes").write_text("* filter=evil\n")
    _save(project, read_bytes(project, REL) + b"\nCanary.\n")
    _save(project, None)
    assert list(tmp_path.glob("ran*")) == []


def test_the_hardened_settings_reach_every_git_process(project, started):
    _save(project, read_bytes(project, REL) + b"\nHardened.\n")
    for argv in started:
        given = [argv[i + 1] for i, a in enumerate(argv) if a == "-c"]
        assert tuple(given) == gitwrite.HARDENED_CONFIG, argv


def test_a_refused_step_is_write_failed_with_gits_words_and_nothing_changes(project):
    before = git(project.root, "rev-parse", "HEAD").strip()
    branch = git(project.root, "symbolic-ref", "HEAD").strip()
    lock = project.root / ".git" / (branch + ".lock")
    lock.write_text("held by someone else\n")
    current = read_bytes(project, REL)
    try:
        with pytest.raises(WriteFailed, match=r"(?s)fast-import.*main\.lock"):
            _save(project, current + b"\nNever saved.\n")
    finally:
        lock.unlink()
    assert git(project.root, "rev-parse", "HEAD").strip() == before
    assert read_bytes(project, REL) == current
    assert not list((project.root / ".git").glob("novelforge-server-index-*"))


def test_a_detached_head_is_not_written(project):
    sha = git(project.root, "rev-parse", "HEAD").strip()
    git(project.root, "checkout", "-q", "--detach", sha)
    with pytest.raises(WriteFailed, match="not on a branch"):
        _save(project, read_bytes(project, REL) + b"\nNever.\n")
    assert git(project.root, "rev-parse", "HEAD").strip() == sha
