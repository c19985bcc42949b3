"""The git pre-commit hook that ``novelforge hooks install`` writes.

The hook is a small POSIX ``sh`` script that runs a fast, changed-only check of what is
being committed (``novelforge check --staged PROJECT``: the staged files, against HEAD; the
whole staged project for a repository's first commit) before git records a commit. It
finds NovelForge in this order:

1. the Python that ran ``novelforge hooks install`` (``python -m novelforge``), if that
   interpreter still exists and can still import NovelForge;
2. a ``novelforge`` command on ``PATH`` (so a hook committed to a shared ``core.hooksPath``
   folder also works for collaborators);
3. otherwise the hook **refuses the commit** and says how to fix it: a hook that silently
   passes when its tool has gone would let broken scenes in without anyone noticing.
   ``git commit --no-verify`` skips it once; ``novelforge hooks uninstall`` removes it.

Where hooks live: ``core.hooksPath`` when it is set (a relative path is taken from the top
of the work tree, as git does), else the ``hooks`` folder of the repository's common git
directory (shared by linked worktrees). Nothing here runs git or the repository's hooks:
the configuration is read in Python — the system, global and repository files only
(worktree configuration, ``GIT_CONFIG_COUNT`` and ``includeIf`` are not read).

Nothing here prints or exits; errors are :class:`~novelforge.vcs.repo.GitError` (exit 2).
"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from novelforge.vcs.repo import GitError

MARKER = "# installed by novelforge hooks install"
HOOK_NAME = "pre-commit"
BACKUP_SUFFIX = ".novelforge-backup"


@dataclass(frozen=True)
class HookLocation:
    """Where git looks for the hook of one repository."""

    work_tree: Path
    prefix: str            # the project folder inside the repository ("" at the root)
    hooks_dir: Path
    from_hooks_path: bool  # True when core.hooksPath chose the folder

    @property
    def hook(self) -> Path:
        return self.hooks_dir / HOOK_NAME

    @property
    def backup(self) -> Path:
        return self.hooks_dir / (HOOK_NAME + BACKUP_SUFFIX)


@dataclass(frozen=True)
class HookStatus:
    location: HookLocation
    state: str             # "absent" | "ours" | "foreign"
    project: str | None    # the project folder our hook checks, when it is ours
    executable: bool
    has_backup: bool
    current: bool = True   # ours and the same script this version's `install` would write
    python: str | None = None       # the Python our hook runs NovelForge with
    python_found: bool = True       # that Python still exists
    on_path: bool = True            # a `novelforge` command is on PATH (the hook's fallback)

    @property
    def runnable(self) -> bool:
        """Whether the hook can find NovelForge (else it refuses every commit)."""
        return self.python_found or self.on_path


@dataclass(frozen=True)
class InstallResult:
    location: HookLocation
    action: str            # "installed" | "updated" | "replaced"
    backup: Path | None    # where a replaced hook was saved


@dataclass(frozen=True)
class UninstallResult:
    location: HookLocation
    action: str            # "removed" | "absent" | "foreign"
    restored: bool         # a backed-up hook was put back


def locate(project_root: Path) -> HookLocation:
    """The hooks folder git uses for the repository around ``project_root``."""
    from novelforge.vcs.repo import GitRepo

    repo = GitRepo(project_root)
    try:
        work_tree, prefix = repo.work_tree, repo.prefix
        common = Path(getattr(repo.repo, "common_dir", None) or repo.repo.git_dir)
        if not common.is_absolute():
            common = work_tree / common
        configured = _hooks_path_setting(repo.repo)
    finally:
        repo.close()
    if configured:
        path = Path(os.path.expanduser(configured))
        if not path.is_absolute():
            path = work_tree / path
        return HookLocation(work_tree, prefix, Path(os.path.normpath(path)), True)
    return HookLocation(work_tree, prefix, Path(os.path.realpath(common)) / "hooks", False)


def _hooks_path_setting(repo) -> str | None:
    """``core.hooksPath`` from the repository's configuration files, read in Python.
    ``GIT_CONFIG_GLOBAL``/``GIT_CONFIG_NOSYSTEM`` are honoured like git does."""
    from git.config import GitConfigParser

    files: list[str] = []
    if os.environ.get("GIT_CONFIG_NOSYSTEM", "").lower() not in ("1", "true", "yes", "on"):
        files.append(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig")
    if "GIT_CONFIG_GLOBAL" in os.environ:
        files.append(os.environ["GIT_CONFIG_GLOBAL"])
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        files += [os.path.join(xdg, "git", "config"), os.path.join(os.path.expanduser("~"), ".gitconfig")]
    files.append(os.path.join(repo.common_dir if hasattr(repo, "common_dir") else repo.git_dir, "config"))
    value: str | None = None
    for name in files:
        if not name or name == os.devnull or not os.path.isfile(name):
            continue
        try:
            reader = GitConfigParser(name, read_only=True)
            found = reader.get_value("core", "hooksPath", default=None)
        except Exception:  # an unreadable file: git would complain itself
            continue
        if found not in (None, ""):
            value = str(found)       # later files win, like git
    return value


def is_ours(path: Path) -> bool:
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as fh:
            return MARKER in fh.read(4096)
    except OSError:
        return False


def status(project_root: Path) -> HookStatus:
    loc = locate(project_root)
    hook = loc.hook
    if not hook.exists():
        return HookStatus(loc, "absent", None, False, loc.backup.exists())
    executable = _on_windows() or os.access(hook, os.X_OK)
    if not is_ours(hook):
        return HookStatus(loc, "foreign", None, executable, loc.backup.exists())
    try:
        text = hook.read_text("utf-8", errors="replace")
    except OSError:
        text = ""
    project, python = _setting(text, "NOVELFORGE_PROJECT"), _setting(text, "NOVELFORGE_PYTHON")
    prefix = "" if project in (None, ".") else project.removeprefix("./")
    expected = hook_script(prefix, python) if python else None
    python_found = bool(python) and os.path.isfile(python) and (_on_windows() or os.access(python, os.X_OK))
    import shutil

    return HookStatus(loc, "ours", project, executable, loc.backup.exists(), current=text == expected,
                      python=python, python_found=python_found, on_path=shutil.which("novelforge") is not None)


def _setting(text: str, name: str) -> str | None:
    """The value the hook script gives ``name`` (``NAME=value`` at the start of a line)."""
    for line in text.splitlines():
        if line.startswith(name + "="):
            try:
                words = shlex.split(line.partition("=")[2], comments=True)
            except ValueError:
                return None
            return words[0] if words else None
    return None


def _on_windows() -> bool:
    return os.name == "nt"


def _posix_path(path: str) -> str:
    """A path as the hook's ``sh`` (Git for Windows' too) reads it: forward slashes."""
    from pathlib import PureWindowsPath

    return PureWindowsPath(path).as_posix() if _on_windows() and path else path


def hook_script(prefix: str, python: str | None = None) -> str:
    """The text of the pre-commit hook for the project at ``prefix`` inside the repository."""
    python = _posix_path(python or sys.executable or "")
    project = f"./{prefix}" if prefix else "."
    return f"""#!/bin/sh
{MARKER}
# NovelForge pre-commit hook: checks what this commit records (the staged files) - the
# scenes it changes and the scenes that depend on changed canon or contracts - before git
# records the commit.
#   skip it once:  git commit --no-verify
#   remove it:     novelforge hooks uninstall
# Rewritten by `novelforge hooks install`; edits here are lost when it runs again.

NOVELFORGE_PYTHON={shlex.quote(python)}
NOVELFORGE_PROJECT={shlex.quote(project)}

# git runs hooks from the top of the work tree; be sure of it when run by hand
top=$(git rev-parse --show-toplevel 2>/dev/null) && cd "$top" || exit 2

if [ ! -f "$NOVELFORGE_PROJECT/novelforge.yaml" ]; then
    echo "error: NovelForge could not check this commit:" \\
         "the project \\`$NOVELFORGE_PROJECT\\` is no longer in this repository" >&2
    echo "  = help: run \\`novelforge hooks install\\` in the project again, or \\`novelforge hooks uninstall\\`;" \\
         "\\`git commit --no-verify\\` skips the check once" >&2
    exit 1
fi

if [ -n "$NOVELFORGE_PYTHON" ] && [ -x "$NOVELFORGE_PYTHON" ] &&
        "$NOVELFORGE_PYTHON" -c "import novelforge" >/dev/null 2>&1; then
    set -- "$NOVELFORGE_PYTHON" -m novelforge
elif command -v novelforge >/dev/null 2>&1; then
    set -- novelforge
else
    echo "error: NovelForge could not check this commit: the novelforge command was not found" >&2
    echo "  = help: install NovelForge again (or activate its virtual environment)" \\
         "and run \\`novelforge hooks install\\`; \\`git commit --no-verify\\` skips the check once" >&2
    exit 1
fi

# the staged files against HEAD (the first commit of a repository: the whole staged project)
"$@" check --staged "$NOVELFORGE_PROJECT"
status=$?
if [ "$status" -ne 0 ]; then
    echo "" >&2
    echo "NovelForge stopped this commit; nothing was committed. Fix what it found above and commit again" >&2
    echo "(\\`git commit --no-verify\\` commits anyway, this once)." >&2
fi
exit "$status"
"""


def install(project_root: Path, *, force: bool = False, python: str | None = None) -> InstallResult:
    """Write the pre-commit hook. A hook NovelForge did not write is replaced only with
    ``force``, and then kept as ``pre-commit.novelforge-backup``."""
    loc = locate(project_root)
    hook, backup = loc.hook, loc.backup
    action = "installed"
    saved: Path | None = None
    if hook.is_symlink() or hook.exists():
        if hook.is_symlink() or not is_ours(hook):
            if not force:
                raise GitError(f"`{hook}` is a pre-commit hook NovelForge did not write; it was left alone",
                               help="rerun with --force to replace it (it is kept as "
                                    f"`{backup.name}`), or call `novelforge check --changed` from it")
            if backup.exists() or backup.is_symlink():
                if not _same_hook(hook, backup):
                    raise GitError(f"`{backup}` already exists, so the current hook cannot be backed up",
                                   help="move that backup away first")
                # else: an earlier `install --force` saved this very hook and was stopped
            else:
                try:
                    _save_backup(hook, backup)
                except OSError as exc:
                    raise GitError(f"cannot back up `{hook}`: {exc.strerror or exc}") from None
            action, saved = "replaced", backup
        else:
            action = "updated"
    _write_executable(hook, hook_script(loc.prefix, python))
    return InstallResult(loc, action, saved)


def uninstall(project_root: Path) -> UninstallResult:
    """Remove our hook (never another one) and put back a hook ``install --force`` saved."""
    loc = locate(project_root)
    hook, backup = loc.hook, loc.backup
    if not (hook.exists() or hook.is_symlink()):
        return UninstallResult(loc, "absent", False)
    if hook.is_symlink() or not is_ours(hook):
        return UninstallResult(loc, "foreign", False)
    try:
        # one rename puts the saved hook back over ours: at every moment there is a hook
        restored = backup.exists() and not backup.is_symlink()
        if restored:
            os.replace(backup, hook)
        else:
            hook.unlink()
    except OSError as exc:
        raise GitError(f"cannot remove `{hook}`: {exc.strerror or exc}") from None
    return UninstallResult(loc, "removed", restored)


def _write_executable(path: Path, text: str) -> None:
    from novelforge.util import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text, mode=0o755)   # executable before it takes the hook's name
    except OSError as exc:
        raise GitError(f"cannot write the hook `{path}`: {exc.strerror or exc}",
                       help="check that the hooks folder is writable") from None
    if _on_windows():
        return   # no execute bit on Windows: Git for Windows runs the hook by its #! line
    mode = path.stat().st_mode
    if not mode & stat.S_IXUSR:  # a file system that ignores modes (some network mounts)
        raise GitError(f"`{path}` could not be made executable, so git would not run it")


def _save_backup(hook: Path, backup: Path) -> None:
    """Keep the current hook as ``backup`` while it stays in place: a second name for the
    same file (a hard link; a copy where links are not possible), so that a process
    stopped at any moment leaves the hook, and the backup is never half a file."""
    try:
        os.link(hook, backup, follow_symlinks=False)
        return
    except FileExistsError:
        raise
    except OSError:
        pass
    if hook.is_symlink():
        os.symlink(os.readlink(hook), backup)
        return
    from novelforge.util import atomic_write

    atomic_write(backup, hook.read_bytes(), mode=hook.stat().st_mode & 0o7777)


def _same_hook(hook: Path, backup: Path) -> bool:
    """Whether ``backup`` is the current hook (the same file, or the same bytes or link)."""
    try:
        a, b = os.lstat(hook), os.lstat(backup)
        if os.path.samestat(a, b):
            return True
        if stat.S_ISLNK(a.st_mode) and stat.S_ISLNK(b.st_mode):
            return os.readlink(hook) == os.readlink(backup)
        if stat.S_ISREG(a.st_mode) and stat.S_ISREG(b.st_mode) and a.st_size == b.st_size:
            return hook.read_bytes() == backup.read_bytes()
    except OSError:
        return False
    return False
