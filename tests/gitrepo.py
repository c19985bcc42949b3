"""Real temporary git repositories for the git-workflow tests, isolated from the
machine's git configuration (no global or system config, fixed author and dates)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ember-crown"

GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Ada Author", "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Author", "GIT_COMMITTER_EMAIL": "ada@example.org",
    "GIT_TERMINAL_PROMPT": "0",
}


def git_env(**extra: str) -> dict[str, str]:
    """An environment for git and for NovelForge run as a program (``python -m novelforge``,
    a hook): no ``GIT_*`` variable of the outer process, this checkout importable, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_ENV, NO_COLOR="1", PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(extra)
    return env


def git_run(repo: Path, *args: str, date: str | None = None, env: dict | None = None,
            timeout: int = 120) -> subprocess.CompletedProcess:
    """Run git (and whatever hook it runs) and return the result, whatever the exit code."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}   # no outer GIT_DIR
    full.update(GIT_ENV, **(env or {}))
    if date:
        full["GIT_AUTHOR_DATE"] = full["GIT_COMMITTER_DATE"] = date
    return subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=repo, env=full,
                          capture_output=True, text=True, timeout=timeout)


def git(repo: Path, *args: str, date: str | None = None, env: dict | None = None) -> str:
    out = git_run(repo, *args, date=date, env=env, timeout=60)
    if out.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def commit_all(repo: Path, message: str, date: str | None = None) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def example_repo(target: Path, source: Path = EXAMPLE) -> Path:
    """A git repository whose first commit is a copy of ``source`` (the example novel)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".novelforge"))
    git(target, "init", "-q")
    commit_all(target, "The Ember Crown, first draft", date="2026-01-05T10:00:00+00:00")
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), "utf-8")
