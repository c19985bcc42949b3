"""``gitwrite.write_file`` in-process on a real repository: a save starts at most two
processes (``hash-object`` before the lock, the commit script under it), the commit is
the same one the plumbing made step by step, values a user typed are never shell, the
repository's settings that name programs never run, and a refused step is WriteFailed."""

from __future__ import annotations

import subprocess
from pathlib import Path

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


def test_a_save_starts_two_processes_and_a_delete_one(project, monkeypatch):
    gitwrite.git_version()                       # asked once per process, before the first save
    started = _counting(monkeypatch)
    text = read_bytes(project, REL) + b"\nOne more line.\n"
    _save(project, text)
    assert len(started) == 2, started
    assert "hash-object" in started[0] and started[1][:2] == ["/bin/sh", "-c"]
    started.clear()
    _save(project, None, "Remove the summons")
    assert len(started) == 1 and started[0][:2] == ["/bin/sh", "-c"], started


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
    assert "novelforge serve: Edit the summons" in git(project.root, "reflog", "-1")
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


def test_the_repositorys_programs_never_run_in_the_script(project, tmp_path):
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


def test_the_hardened_settings_reach_the_script_as_git_config_variables(project):
    env = gitwrite._script_env(project, EDDIE, index=Path("/nowhere"), rel=REL, blob="", message="m")
    count = int(env["GIT_CONFIG_COUNT"])
    pairs = [f"{env[f'GIT_CONFIG_KEY_{i}']}={env[f'GIT_CONFIG_VALUE_{i}']}" for i in range(count)]
    assert tuple(pairs) == gitwrite.HARDENED_CONFIG
    assert REL not in gitwrite._COMMIT and "NF_MESSAGE" in gitwrite._COMMIT


def test_a_refused_step_is_write_failed_with_gits_words_and_nothing_changes(project):
    before = git(project.root, "rev-parse", "HEAD").strip()
    branch = git(project.root, "symbolic-ref", "HEAD").strip()
    lock = project.root / ".git" / (branch + ".lock")
    lock.write_text("held by someone else\n")
    current = read_bytes(project, REL)
    try:
        with pytest.raises(WriteFailed, match=r"(?s)main\.lock.*git update-ref failed"):
            _save(project, current + b"\nNever saved.\n")
    finally:
        lock.unlink()
    assert git(project.root, "rev-parse", "HEAD").strip() == before
    assert read_bytes(project, REL) == current
    assert not list((project.root / ".git").glob("novelforge-server-index-*"))


def test_a_git_that_would_ignore_the_hardened_settings_writes_nothing(project, monkeypatch):
    monkeypatch.setattr(gitwrite, "git_version", lambda: (2, 30))
    before = git(project.root, "rev-parse", "HEAD").strip()
    with pytest.raises(WriteFailed, match="older than 2.31"):
        _save(project, b"New text.\n")
    assert git(project.root, "rev-parse", "HEAD").strip() == before
