"""``novelforge hooks install|uninstall|status`` on real temporary git repositories, and
the installed hook run by a real ``git commit``."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import ROOT, git, git_env, git_run
from novelforge.vcs import hooks
from test_cli import assert_one_line_error, call

CANON = "id: aria\nname: Aria Vell\naliases: [Aria]\n"
CLEAN_SCENE = "---\ntitle: The Gate\npov: aria\ncharacters: [aria]\n---\n\nAria walked to the gate and waited.\n"
CLEAN_SCENE_2 = ("---\ntitle: The Gate\npov: aria\ncharacters: [aria]\n---\n\n"
                 "Aria walked to the gate and waited for dawn.\n")
# `nobody` is no character in the canon: an error finding
ERROR_SCENE = "---\ntitle: The Gate\npov: aria\ncharacters: [aria, nobody]\n---\n\nAria walked to the gate.\n"
FOREIGN_HOOK = "#!/bin/sh\necho 'the team hook'\nexit 0\n"


pytestmark = pytest.mark.usefixtures("isolated_git")


@pytest.fixture(autouse=True)
def _novelforge_runs_from_this_checkout(monkeypatch):
    """The hooks git runs start `python -m novelforge`: this checkout, without colour."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("NO_COLOR", "1")


def make_project(root: Path, scene: str = CLEAN_SCENE) -> Path:
    (root / "canon/characters").mkdir(parents=True, exist_ok=True)
    (root / "novelforge.yaml").write_text("title: Test\n", "utf-8")
    (root / "canon/characters/aria.yaml").write_text(CANON, "utf-8")
    (root / "manuscript/01-one").mkdir(parents=True, exist_ok=True)
    (root / "manuscript/01-one/01-gate.md").write_text(scene, "utf-8")
    return root


def make_repo(tmp_path: Path, subfolder: str = "", commit: bool = True) -> tuple[Path, Path]:
    """(repository, project folder): a git repository holding a small clean project."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    project = make_project(repo / subfolder if subfolder else repo)
    (repo / ".gitignore").write_text(".novelforge/\n**/.novelforge/\n", "utf-8")
    if commit:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "start")
    return repo, project


# ----------------------------------------------------------------------------- install
def test_install_writes_an_executable_hook_with_our_marker(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    code, out, err = call(capsys, "hooks", "install", str(project))
    assert code == 0, err
    hook = repo / ".git/hooks/pre-commit"
    assert "Installed the NovelForge pre-commit hook in .git/hooks/pre-commit" in out
    assert "--no-verify" in out
    assert stat.S_IMODE(hook.stat().st_mode) == 0o755
    text = hook.read_text("utf-8")
    assert text.startswith("#!/bin/sh\n")
    assert hooks.MARKER in text
    assert 'check --staged "$NOVELFORGE_PROJECT"' in text
    assert "--changed" not in text     # the files on disk are not what is committed
    assert "NOVELFORGE_PROJECT=." in text
    assert sys.executable in text
    # the script is valid POSIX sh
    assert subprocess.run(["sh", "-n", str(hook)]).returncode == 0

    code, out, _ = call(capsys, "hooks", "status", str(project))
    assert code == 0 and "Installed:" in out

    code, out, _ = call(capsys, "hooks", "install", str(project))   # again: ours, so updated
    assert code == 0 and "Updated" in out
    assert not (repo / ".git/hooks/pre-commit.novelforge-backup").exists()


def test_install_records_a_project_in_a_subfolder(tmp_path, capsys, monkeypatch):
    repo, project = make_repo(tmp_path, subfolder="books/first novel")
    monkeypatch.chdir(project / "manuscript")     # found by walking up, like every command
    code, out, err = call(capsys, "hooks", "install")
    assert code == 0, err
    text = (repo / ".git/hooks/pre-commit").read_text("utf-8")
    assert "NOVELFORGE_PROJECT='./books/first novel'" in text
    assert hooks.status(project).project == "./books/first novel"


def test_a_foreign_hook_is_never_overwritten_without_force(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text(FOREIGN_HOOK, "utf-8")
    hook.chmod(0o755)

    code, out, err = call(capsys, "hooks", "install", str(project))
    assert code == 2
    assert_one_line_error(err)
    assert "did not write" in err and "--force" in err
    assert hook.read_text("utf-8") == FOREIGN_HOOK
    code, out, _ = call(capsys, "hooks", "status", str(project))
    assert code == 0 and "Not installed" in out

    code, out, _ = call(capsys, "hooks", "uninstall", str(project))
    assert code == 0 and "left alone" in out
    assert hook.read_text("utf-8") == FOREIGN_HOOK

    code, out, err = call(capsys, "hooks", "install", "--force", str(project))
    assert code == 0, err
    backup = repo / ".git/hooks/pre-commit.novelforge-backup"
    assert backup.read_text("utf-8") == FOREIGN_HOOK
    assert "pre-commit.novelforge-backup" in out
    assert hooks.is_ours(hook)

    # uninstall removes ours and puts the team's hook back
    code, out, _ = call(capsys, "hooks", "uninstall", str(project))
    assert code == 0 and "Removed" in out and "back in place" in out
    assert hook.read_text("utf-8") == FOREIGN_HOOK
    assert not backup.exists()


def test_force_never_overwrites_an_earlier_backup(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text(FOREIGN_HOOK, "utf-8")
    (repo / ".git/hooks/pre-commit.novelforge-backup").write_text("#!/bin/sh\n# older\n", "utf-8")
    code, _out, err = call(capsys, "hooks", "install", "--force", str(project))
    assert code == 2
    assert_one_line_error(err)
    assert hook.read_text("utf-8") == FOREIGN_HOOK


def test_uninstall_removes_only_our_hook(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    code, out, _ = call(capsys, "hooks", "uninstall", str(project))
    assert code == 0 and "nothing to do" in out
    call(capsys, "hooks", "install", str(project))
    sample = repo / ".git/hooks/pre-push"
    sample.write_text(FOREIGN_HOOK, "utf-8")
    code, out, _ = call(capsys, "hooks", "uninstall", str(project))
    assert code == 0 and "Removed" in out
    assert not (repo / ".git/hooks/pre-commit").exists()
    assert sample.read_text("utf-8") == FOREIGN_HOOK
    code, out, _ = call(capsys, "hooks", "status", str(project))
    assert "Not installed" in out


@pytest.mark.parametrize("setting", ["relative", "absolute"])
def test_core_hooks_path_is_respected(tmp_path, capsys, setting):
    repo, project = make_repo(tmp_path)
    folder = repo / ".githooks" if setting == "relative" else tmp_path / "shared-hooks"
    git(repo, "config", "core.hooksPath", ".githooks" if setting == "relative" else str(folder))
    code, out, err = call(capsys, "hooks", "install", str(project))
    assert code == 0, err
    assert hooks.is_ours(folder / "pre-commit")
    assert not (repo / ".git/hooks/pre-commit").exists()
    assert "core.hooksPath" in out
    code, out, err = call(capsys, "hooks", "uninstall", str(project))
    assert code == 0, err
    where = ".githooks/pre-commit" if setting == "relative" else str(folder / "pre-commit")
    assert out == f"Removed the NovelForge pre-commit hook from {where}.\n"
    assert not (folder / "pre-commit").exists()


def test_hooks_outside_a_git_repository_is_a_one_line_error(tmp_path, capsys):
    project = make_project(tmp_path / "novel")
    code, _out, err = call(capsys, "hooks", "install", str(project))
    assert code == 2
    assert_one_line_error(err)
    assert "not inside a git repository" in err


def test_an_unwritable_hooks_folder_is_a_one_line_error(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    (repo / "blocker").write_text("a file, not a folder\n", "utf-8")
    git(repo, "config", "core.hooksPath", "blocker/hooks")
    code, _out, err = call(capsys, "hooks", "install", str(project))
    assert code == 2
    assert_one_line_error(err)
    assert "cannot write the hook" in err


def test_the_project_must_exist(tmp_path, capsys):
    code, _out, err = call(capsys, "hooks", "install", str(tmp_path / "missing"))
    assert code == 2
    assert_one_line_error(err)


# ----------------------------------------------------------------------------- git commit runs it
def test_git_commit_runs_the_hook(tmp_path, capsys):
    repo, project = make_repo(tmp_path, subfolder="novel")
    assert call(capsys, "hooks", "install", str(project))[0] == 0
    scene = project / "manuscript/01-one/01-gate.md"

    # a clean change is committed
    scene.write_text(CLEAN_SCENE_2, "utf-8")
    git(repo, "add", "-A")
    result = git_run(repo, "commit", "-q", "-m", "clean")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    # a change that names a character the canon does not know is refused
    scene.write_text(ERROR_SCENE, "utf-8")
    git(repo, "add", "-A")
    head = git(repo, "rev-parse", "HEAD")
    result = git_run(repo, "commit", "-q", "-m", "broken")
    assert result.returncode != 0
    report = result.stdout + result.stderr
    assert "nobody" in report
    assert "NovelForge stopped this commit" in report
    assert "Traceback" not in report
    assert git(repo, "rev-parse", "HEAD") == head

    # --no-verify skips the hook, as git promises
    result = git_run(repo, "commit", "-q", "--no-verify", "-m", "anyway")
    assert result.returncode == 0, result.stderr
    assert git(repo, "rev-parse", "HEAD") != head


def test_the_first_commit_is_checked_in_full(tmp_path, capsys):
    repo, project = make_repo(tmp_path, commit=False)
    assert call(capsys, "hooks", "install", str(project))[0] == 0
    (project / "manuscript/01-one/01-gate.md").write_text(ERROR_SCENE, "utf-8")
    git(repo, "add", "-A")
    result = git_run(repo, "commit", "-q", "-m", "first")
    assert result.returncode != 0
    assert "nobody" in result.stdout + result.stderr
    (project / "manuscript/01-one/01-gate.md").write_text(CLEAN_SCENE, "utf-8")
    git(repo, "add", "-A")
    result = git_run(repo, "commit", "-q", "-m", "first")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_novelforge_refuses_the_commit_and_says_how_to_fix_it(tmp_path):
    repo, project = make_repo(tmp_path)
    hooks.install(project, python=str(tmp_path / "gone" / "python3"))
    # a PATH with git and nothing else: no novelforge anywhere
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git"))
    env = git_env(PATH=str(bin_dir))
    (project / "manuscript/01-one/01-gate.md").write_text(CLEAN_SCENE_2, "utf-8")
    git(repo, "add", "-A", env=env)
    result = git_run(repo, "commit", "-q", "-m", "unchecked", env=env)
    assert result.returncode != 0
    assert "the novelforge command was not found" in result.stderr
    assert "novelforge hooks install" in result.stderr
    assert "--no-verify" in result.stderr


def test_the_hook_falls_back_to_novelforge_on_path(tmp_path):
    repo, project = make_repo(tmp_path)
    hooks.install(project, python=str(tmp_path / "gone" / "python3"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "novelforge"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m novelforge "$@"\n', "utf-8")
    shim.chmod(0o755)
    env = git_env(PATH=str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    (project / "manuscript/01-one/01-gate.md").write_text(ERROR_SCENE, "utf-8")
    git(repo, "add", "-A", env=env)
    result = git_run(repo, "commit", "-q", "-m", "broken", env=env)
    assert result.returncode != 0
    assert "nobody" in result.stdout + result.stderr


# ----------------------------------------------------------------------------- what is committed
BROKEN_FRONT_MATTER = "---\ntitle: [The Gate\npov: aria\n---\n\nAria walked to the gate.\n"


def test_the_hook_checks_the_staged_files_not_the_files_on_disk(tmp_path, capsys):
    repo, project = make_repo(tmp_path, subfolder="novel")
    assert call(capsys, "hooks", "install", str(project))[0] == 0
    scene = project / "manuscript/01-one/01-gate.md"
    head = git(repo, "rev-parse", "HEAD")

    # broken front matter staged, the good text back on disk: the commit would record the
    # broken file, so it is refused
    scene.write_text(BROKEN_FRONT_MATTER, "utf-8")
    git(repo, "add", "-A")
    scene.write_text(CLEAN_SCENE_2, "utf-8")
    result = git_run(repo, "commit", "-q", "-m", "broken in the index")
    assert result.returncode != 0, result.stdout + result.stderr
    assert "NovelForge stopped this commit" in result.stderr
    assert "01-gate.md" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert git(repo, "rev-parse", "HEAD") == head

    # the reverse: a broken draft on disk, not staged, does not block an unrelated commit
    git(repo, "add", "-A")                    # the good text is staged now
    git(repo, "commit", "-q", "-m", "clean")  # (the hook passes)
    scene.write_text(BROKEN_FRONT_MATTER, "utf-8")
    (project / "canon/characters/aria.yaml").write_text(CANON.replace("[Aria]", "[Aria, Vell]"), "utf-8")
    git(repo, "add", "novel/canon/characters/aria.yaml")
    result = git_run(repo, "commit", "-q", "-m", "another name for Aria")
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["novel/canon/characters/aria.yaml"]


def test_the_first_commit_checks_the_staged_project(tmp_path, capsys):
    repo, project = make_repo(tmp_path, commit=False)
    assert call(capsys, "hooks", "install", str(project))[0] == 0
    scene = project / "manuscript/01-one/01-gate.md"
    scene.write_text(ERROR_SCENE, "utf-8")
    git(repo, "add", "-A")
    scene.write_text(CLEAN_SCENE, "utf-8")    # clean on disk, broken in the index
    result = git_run(repo, "commit", "-q", "-m", "first")
    assert result.returncode != 0
    assert "nobody" in result.stdout + result.stderr


# ----------------------------------------------------------------------------- Windows, status
def test_windows_has_no_execute_bit(tmp_path, monkeypatch):
    repo, project = make_repo(tmp_path)
    # a file system that keeps no modes: the hook stays 0600
    monkeypatch.setattr(hooks.os, "chmod", lambda *a, **k: None)
    with pytest.raises(hooks.GitError, match="could not be made executable"):
        hooks.install(project)
    monkeypatch.setattr(hooks, "_on_windows", lambda: True)
    result = hooks.install(project, python="C:\\Program Files\\Python312\\python.exe")
    assert result.action in ("installed", "updated")
    text = result.location.hook.read_text("utf-8")
    assert "NOVELFORGE_PYTHON='C:/Program Files/Python312/python.exe'" in text
    assert hooks.status(project).executable


def test_status_says_when_the_hook_is_out_of_date(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    assert call(capsys, "hooks", "install", str(project))[0] == 0
    code, out, _ = call(capsys, "hooks", "status", str(project))
    assert code == 0 and "differs" not in out and "refused" not in out
    hook = repo / ".git/hooks/pre-commit"
    # a hook written by an older version: same marker, another command
    hook.write_text(hook.read_text("utf-8").replace('check --staged "$NOVELFORGE_PROJECT"',
                                                    'check --changed --base HEAD "$NOVELFORGE_PROJECT"'), "utf-8")
    code, out, _ = call(capsys, "hooks", "status", str(project))
    assert code == 0
    assert "It differs from the hook this version of NovelForge writes" in out
    assert "run `novelforge hooks install` to update it" in out
    assert call(capsys, "hooks", "install", str(project))[0] == 0
    assert "differs" not in call(capsys, "hooks", "status", str(project))[1]


def test_status_warns_when_the_next_commit_would_be_refused(tmp_path, capsys, monkeypatch):
    repo, project = make_repo(tmp_path)
    gone = str(tmp_path / "gone" / "python3")
    hooks.install(project, python=gone)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))      # no novelforge command anywhere
    code, out, _ = call(capsys, "hooks", "status", str(project))
    assert code == 0
    assert f"The next commit will be refused: the Python the hook runs NovelForge with (`{gone}`) is gone" in out
    assert "differs" not in out    # the script itself is what this version writes

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "novelforge").write_text("#!/bin/sh\n", "utf-8")
    (bin_dir / "novelforge").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    code, out, _ = call(capsys, "hooks", "status", str(project))
    assert "refused" not in out and "uses the `novelforge` command on PATH instead" in out
