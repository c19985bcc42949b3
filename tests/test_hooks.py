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

from novelforge.cli import app as cli_app
from novelforge.vcs import hooks

ROOT = Path(__file__).resolve().parent.parent

CANON = "id: aria\nname: Aria Vell\naliases: [Aria]\n"
CLEAN_SCENE = "---\ntitle: The Gate\npov: aria\ncharacters: [aria]\n---\n\nAria walked to the gate and waited.\n"
CLEAN_SCENE_2 = "---\ntitle: The Gate\npov: aria\ncharacters: [aria]\n---\n\nAria walked to the gate and waited for dawn.\n"
# `nobody` is no character in the canon: an error finding
ERROR_SCENE = "---\ntitle: The Gate\npov: aria\ncharacters: [aria, nobody]\n---\n\nAria walked to the gate.\n"
FOREIGN_HOOK = "#!/bin/sh\necho 'the team hook'\nexit 0\n"


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch):
    """Neither the machine's git configuration nor an outer repository's variables."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG", "GIT_CONFIG_SYSTEM"):
        monkeypatch.delenv(name, raising=False)


def git_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(extra)
    return env


def git(repo: Path, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@x", *args], cwd=repo,
                            env=env or git_env(), capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


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


def call(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli_app.main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def assert_one_line_error(err: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: "), err
    assert all(line.startswith("  = help:") for line in lines[1:]), err


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
    assert "check --changed --base HEAD" in text
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
    code, out, _ = call(capsys, "hooks", "uninstall", str(project))
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
    result = git(repo, "commit", "-q", "-m", "clean", check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    # a change that names a character the canon does not know is refused
    scene.write_text(ERROR_SCENE, "utf-8")
    git(repo, "add", "-A")
    head = git(repo, "rev-parse", "HEAD").stdout
    result = git(repo, "commit", "-q", "-m", "broken", check=False)
    assert result.returncode != 0
    report = result.stdout + result.stderr
    assert "nobody" in report
    assert "NovelForge stopped this commit" in report
    assert "Traceback" not in report
    assert git(repo, "rev-parse", "HEAD").stdout == head

    # --no-verify skips the hook, as git promises
    result = git(repo, "commit", "-q", "--no-verify", "-m", "anyway", check=False)
    assert result.returncode == 0, result.stderr
    assert git(repo, "rev-parse", "HEAD").stdout != head


def test_the_first_commit_is_checked_in_full(tmp_path, capsys):
    repo, project = make_repo(tmp_path, commit=False)
    assert call(capsys, "hooks", "install", str(project))[0] == 0
    (project / "manuscript/01-one/01-gate.md").write_text(ERROR_SCENE, "utf-8")
    git(repo, "add", "-A")
    result = git(repo, "commit", "-q", "-m", "first", check=False)
    assert result.returncode != 0
    assert "nobody" in result.stdout + result.stderr
    (project / "manuscript/01-one/01-gate.md").write_text(CLEAN_SCENE, "utf-8")
    git(repo, "add", "-A")
    result = git(repo, "commit", "-q", "-m", "first", check=False)
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
    result = git(repo, "commit", "-q", "-m", "unchecked", check=False, env=env)
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
    result = git(repo, "commit", "-q", "-m", "broken", check=False, env=env)
    assert result.returncode != 0
    assert "nobody" in result.stdout + result.stderr
