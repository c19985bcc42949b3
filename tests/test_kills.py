"""Every writer survives a kill (issue #11): a process that dies at any moment leaves the
target whole (its previous bytes or the new ones) and no temporary file, or the next run
of the same command cleans up and finishes. The processes here really die (``os._exit``
at a chosen moment: no ``finally``, no cleanup), and the harness kills real commands with
SIGKILL at random moments."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import ROOT, git, git_env
from novelforge.util import atomic_write
from test_cli import call


def die_in(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh Python that is expected to die with exit status 9."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=git_env(), timeout=120)
    assert done.returncode == 9, done.stdout + done.stderr
    return done


# ----------------------------------------------------------------------------- atomic_write
def test_a_writer_killed_while_writing_leaves_no_file(tmp_path):
    target = tmp_path / "book.epub"
    target.write_bytes(b"old")
    die_in("import os\n"
           "import novelforge.util as u\n"
           "real = os.write\n"
           "def write(fd, data):\n"
           "    real(fd, bytes(data[:1000]))\n"
           "    os._exit(9)\n"
           "u.os.write = write\n"
           f"u.atomic_write({str(target)!r}, b'n' * 5_000_000)\n")
    assert os.listdir(tmp_path) == ["book.epub"] and target.read_bytes() == b"old"


def test_a_writer_killed_before_its_rename_is_cleaned_up_by_the_next_write(tmp_path):
    target = tmp_path / "baseline.json"
    target.write_text("old", "utf-8")
    die_in("import os\n"
           "import novelforge.util as u\n"
           "u.os.replace = lambda *a, **k: os._exit(9)\n"
           f"u.atomic_write({str(target)!r}, 'new')\n")
    left = sorted(os.listdir(tmp_path))
    assert len(left) == 2 and left[0].startswith(".baseline.json.") and left[0].endswith(".tmp")
    assert target.read_text("utf-8") == "old"
    atomic_write(target, "newer")
    assert os.listdir(tmp_path) == ["baseline.json"] and target.read_text("utf-8") == "newer"


def test_a_temporary_file_a_live_writer_holds_is_left_alone(tmp_path):
    held = tmp_path / ".out.txt.abcdefgh.tmp"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, time\n"
         f"fd = os.open({str(held)!r}, os.O_CREAT | os.O_WRONLY)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        (tmp_path / ".out.txt.zzzzzzzz.tmp").write_text("stale")      # no one holds it
        (tmp_path / ".out.txt.notours.tmp").write_text("a user's file")
        atomic_write(tmp_path / "out.txt", "x")
        assert sorted(os.listdir(tmp_path)) == [".out.txt.abcdefgh.tmp", ".out.txt.notours.tmp", "out.txt"]
    finally:
        holder.kill()
        holder.wait()


def test_the_mode_is_set_before_the_file_takes_its_name(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def replace(src, dst, **kw):
        seen.append(stat.S_IMODE(os.stat(src, dir_fd=kw.get("src_dir_fd")).st_mode))
        return real(src, dst, **kw)

    monkeypatch.setattr(os, "replace", replace)
    (tmp_path / "hook").write_text("old")          # replaced: a rename, after the mode is set
    atomic_write(tmp_path / "hook", "#!/bin/sh\n", mode=0o755)
    assert seen == [0o755] and stat.S_IMODE((tmp_path / "hook").stat().st_mode) == 0o755


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="O_TMPFILE is Linux's")
def test_on_linux_the_temporary_file_has_no_name_while_it_is_written(tmp_path, monkeypatch):
    import novelforge.util as util

    def named(*_a, **_k):
        raise AssertionError("a named temporary file was written")

    monkeypatch.setattr(util, "_write_named", named)
    atomic_write(tmp_path / "new.txt", "one")                  # new: linked under its name
    atomic_write(tmp_path / "new.txt", "two")                  # replaced: linked, renamed
    assert os.listdir(tmp_path) == ["new.txt"] and (tmp_path / "new.txt").read_text() == "two"


# ----------------------------------------------------------------------------- init
def test_an_init_killed_half_way_is_finished_by_running_it_again(tmp_path, capsys):
    target = tmp_path / "novel"
    die_in("import sys\n"
           "import novelforge.util as u\n"
           "real, n = u.atomic_write, [0]\n"
           "def write(*a, **k):\n"
           "    n[0] += 1\n"
           "    if n[0] > 3: import os; os._exit(9)\n"
           "    return real(*a, **k)\n"
           "u.atomic_write = write\n"
           "from novelforge.cli.app import main\n"
           f"main(['init', {str(target)!r}, '--title', 'Half'])\n")
    assert len([p for p in target.rglob("*") if p.is_file()]) == 3
    assert not (target / "novelforge.yaml").exists()          # written last: not a project yet
    code, _out, err = call(capsys, "init", str(target), "--title", "Half")
    assert code == 0, err
    fresh = tmp_path / "fresh"
    assert call(capsys, "init", str(fresh), "--title", "Half")[0] == 0

    def tree(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert tree(target) == tree(fresh)
    code, _out, err = call(capsys, "init", str(target))      # now it is a project: refused as before
    assert code == 2 and "already holds" in err


def test_init_with_a_name_over_255_bytes_is_a_one_line_error(tmp_path, capsys):
    code, _out, err = call(capsys, "init", str(tmp_path / ("q" * 300)))
    assert code == 2 and "more than the 255" in err and "internal error" not in err
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- hooks
@pytest.mark.usefixtures("isolated_git")
def test_hooks_install_killed_after_the_backup_keeps_a_hook_and_finishes_on_the_next_run(tmp_path, capsys):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "novelforge.yaml").write_text("title: T\n", "utf-8")
    hook = repo / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho team\n", "utf-8")
    hook.chmod(0o755)
    die_in("import os\n"
           "import novelforge.util as u\n"
           "real = u.atomic_write\n"
           "def write(path, *a, **k):\n"
           "    if str(path).endswith('pre-commit'): os._exit(9)\n"
           "    return real(path, *a, **k)\n"
           "u.atomic_write = write\n"
           f"os.chdir({str(repo)!r})\n"
           "from novelforge.cli.app import main\n"
           "main(['hooks', 'install', '--force'])\n")
    assert hook.read_text("utf-8") == "#!/bin/sh\necho team\n"           # never without a hook
    assert os.access(hook, os.X_OK)
    code, _out, err = call(capsys, "hooks", "install", str(repo), "--force")
    assert code == 0, err
    assert "novelforge" in hook.read_text("utf-8") and os.access(hook, os.X_OK)
    assert (hook.parent / "pre-commit.novelforge-backup").read_text("utf-8") == "#!/bin/sh\necho team\n"
    assert call(capsys, "hooks", "uninstall", str(repo))[0] == 0
    assert hook.read_text("utf-8") == "#!/bin/sh\necho team\n"
    assert not (hook.parent / "pre-commit.novelforge-backup").exists()


# ----------------------------------------------------------------------------- the harness
def test_the_kills_harness():
    sys.path.insert(0, str(ROOT))
    from bench.reliability import kills

    outcome = kills.run(count=2, seed=11)
    assert outcome.ok, outcome.failures
    assert any(what.startswith("all commands") for what, _ in outcome.figures)
