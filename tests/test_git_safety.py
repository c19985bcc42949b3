"""Untrusted checkouts: no NovelForge command may run a program that a repository's own
configuration names (fsmonitor, filters, textconv, external diff, pager, hooks, gpg).

The canary repository's configuration makes every such program create a marker file.
The test first proves the canary works (plain ``git status`` trips it), then runs every
git-reading command NovelForge has and checks that no marker appeared."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gitrepo import GIT_ENV, commit_all, edit, example_repo, git
from test_cli import call

SUMMONS = "manuscript/01-ashes/01-the-summons.md"


def canary(tmp_path: Path) -> tuple[Path, Path]:
    repo = example_repo(tmp_path / "book")
    marks = tmp_path / "marks"
    marks.mkdir()
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("pre-commit", "post-checkout", "post-merge", "pre-push", "reference-transaction",
                 "post-index-change", "fsmonitor-watchman"):
        script = hooks / name
        script.write_text(f"#!/bin/sh\ntouch '{marks}/hook-{name}'\n")
        script.chmod(0o755)
    mark = f"{marks}/"
    config = f"""
[core]
\tfsmonitor = "touch '{mark}fsmonitor'; false"
\tpager = "touch '{mark}pager'; cat"
\thooksPath = {hooks}
\tsshCommand = "touch '{mark}ssh'"
\teditor = "touch '{mark}editor'"
\taskPass = "touch '{mark}askpass'"
[filter "evil"]
\tclean = "touch '{mark}clean'; cat"
\tsmudge = "touch '{mark}smudge'; cat"
\tprocess = "touch '{mark}process'"
\trequired = true
[diff]
\texternal = "touch '{mark}diff-external'"
[diff "evil"]
\ttextconv = "touch '{mark}textconv'; cat"
[log]
\tshowSignature = true
[gpg]
\tprogram = "touch '{mark}gpg'"
[credential]
\thelper = "!touch '{mark}credential'"
[uploadpack]
\tpackObjectsHook = "touch '{mark}packobjects'"
"""
    # history with the attributes committed, before the configuration turns hostile
    (repo / ".gitattributes").write_text("* filter=evil diff=evil\n")
    commit_all(repo, "attributes")
    git(repo, "branch", "side")
    with open(repo / ".git/config", "a", encoding="utf-8") as fh:
        fh.write(config)
    for p in marks.iterdir():
        p.unlink()
    return repo, marks


def test_the_canary_works(tmp_path):
    """Without this, the test below could pass by accident."""
    repo, marks = canary(tmp_path)
    edit(repo / SUMMONS, "\n\n", "\n\nA line.\n\n", count=1)
    subprocess.run(["git", "status"], cwd=repo, capture_output=True, env=dict(os.environ, **GIT_ENV), timeout=60)
    assert {p.name for p in marks.iterdir()} & {"fsmonitor", "process", "clean"}


def test_no_command_runs_the_repositorys_programs(tmp_path, capsys):
    repo, marks = canary(tmp_path)
    edit(repo / SUMMONS, "\n\n", "\n\nA musket leaned by the door.\n\n", count=1)
    edit(repo / "canon/characters/aria.yaml", "hair: black", "hair: red")
    commands = [
        ["check", str(repo), "--changed"],
        ["check", str(repo), "--changed", "--base", "side", "--format", "sarif"],
        ["check", str(repo), "--staged"],
        ["impact", str(repo)],
        ["impact", str(repo), "--base", "HEAD~1", "--format", "json"],
        ["impact", str(repo), "--set", "aria.eyes=green"],
    ]
    from novelforge.cli.app import _register, app

    _register()
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    if "canon" in names:
        commands += [["canon", "diff", "--project", str(repo)],
                     ["canon", "diff", "HEAD~1..HEAD", "--project", str(repo), "--format", "markdown"],
                     ["canon", "log", "aria", "--project", str(repo)]]
    for args in commands:
        code, _out, err = call(capsys, *args)
        assert code in (0, 1), (args, err)
        assert not list(marks.iterdir()), (args, sorted(p.name for p in marks.iterdir()))


def test_hardened_options_reach_every_git_process(tmp_path):
    from novelforge.vcs.repo import HARDENED_CONFIG, GitRepo

    repo = example_repo(tmp_path / "book")
    with GitRepo(repo) as r:
        args = r.repo.git._persistent_git_options
        for setting in HARDENED_CONFIG:
            assert args[args.index(setting) - 1] == "-c"
        # and the object reader uses the same git
        assert r.repo.odb._git is r.repo.git


@pytest.mark.parametrize("name", ["../evil.md", ".git/config", "a/../../b", "/abs", "C:/x", "a\\b"])
def test_unsafe_tree_paths_are_never_written(name):
    from novelforge.vcs.worktree import safe_tree_path

    assert not safe_tree_path(name)
