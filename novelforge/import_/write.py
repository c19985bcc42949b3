"""Write an imported project's files (from :func:`novelforge.import_.render.render_project`)
without ever losing data.

Safety: the target must not hold a project, and no file the import writes may exist
(empty files excepted). Everything is written into a temporary folder next to (or inside)
the target first and then moved into place by renames on the same file system (a new
target by one rename); if anything fails, what was moved is taken back and the temporary
folder is removed. A process that is killed cannot clean up: the next import into the
same place does (:func:`recover_stopped_imports`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from novelforge.import_ import ImportFileError
from novelforge.import_.book import Book
from novelforge.import_.render import assert_safe, render_project
from novelforge.project.layout import CONFIG_FILE


def check_target(target: Path) -> None:
    """Refuse a target that is a file or already holds a NovelForge project."""
    from novelforge.util import too_long

    problem = too_long(target)
    if problem:
        raise ImportFileError(f"cannot import into that folder: {problem}",
                              help="choose a shorter folder name with --into")
    if target.is_symlink() and not target.exists():
        raise ImportFileError(f"`{target}` is a broken link; import into a real folder")
    if target.exists() and not target.is_dir():
        raise ImportFileError(f"`{target}` exists and is not a folder")
    if (target / CONFIG_FILE).exists() or (target / CONFIG_FILE).is_symlink():
        raise ImportFileError(f"`{target}` already holds a NovelForge project (novelforge.yaml exists)",
                              help="import into a new or empty folder with --into; import never overwrites a project")


TEMP_PREFIX = ".novelforge-import-"
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-[A-Za-z0-9_]+")
_OWNER = "owner"          # inside the temporary folder: locked while its import runs
_JOURNAL = "journal.json"  # what a merge into an existing folder moves, to undo a stopped one
_TREE = "tree"             # the project as it is built


def write_project(book: Book, target: Path, canon=None, source_name: str = "",
                  notes: list[str] | None = None) -> list[str]:
    """Write the project into ``target``; return the paths written (relative, sorted).
    ``notes`` gets a sentence for each leftover of a stopped import that was cleaned up."""
    files = render_project(book, canon, source_name)
    target = Path(target).absolute()
    cleaned = recover_stopped_imports(target)
    if notes is not None:
        notes.extend(cleaned)
    check_target(target)
    if target.exists() and (target / ".gitignore").exists():
        files.pop(".gitignore", None)              # the folder's own .gitignore wins
    _check_clashes(target, files)
    parent = target if target.exists() else target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise ImportFileError(f"cannot write into `{parent}`: {exc.strerror or exc}") from None
    moved: list[Path] = []
    owner = -1
    try:
        owner = _hold(tmp / _OWNER)
        tree = tmp / _TREE
        made: set[Path] = set()
        for rel, text in files.items():
            path = tree / rel
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        if not target.exists():
            try:
                os.rename(tree, target)             # one step: the project is there, whole, or not at all
            except OSError:
                if not target.is_dir():
                    raise
                _check_clashes(target, files)       # created meanwhile: merge as below
                _journal(tmp, target, files)
                _merge(tree, target, moved)
        else:
            _journal(tmp, target, files)
            _merge(tree, target, moved)
    except ImportFileError:
        _rollback(moved)
        raise
    except OSError as exc:
        _rollback(moved)
        raise ImportFileError(f"cannot write the project into `{target}`: {exc.strerror or exc}",
                              help="nothing was left behind; check the folder's permissions and free space") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if owner >= 0:
            os.close(owner)
    return sorted(files)


def _hold(path: Path) -> int:
    """Create the owner file and lock it for as long as this process lives (``flock``: the
    lock goes when the process does, however it ends)."""
    fresh = path.with_name(path.name + ".new")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):  # pragma: no cover - no locks here: the pid in the name decides
        pass
    os.write(fd, f"{os.getpid()}\n".encode())
    os.rename(fresh, path)    # named `owner` only once locked: never seen unlocked while we live
    return fd


def _journal(tmp: Path, target: Path, files: dict[str, str]) -> None:
    """Record, before the first file moves, what a merge into ``target`` will add, so that
    the next import can undo a merge that was stopped half-way (see
    :func:`recover_stopped_imports`)."""
    import hashlib

    from novelforge.util import atomic_write

    existing_dirs = sorted({"/".join(PurePosixPath(rel).parts[:d]) for rel in files
                            for d in range(1, len(PurePosixPath(rel).parts))
                            if (target / "/".join(PurePosixPath(rel).parts[:d])).is_dir()})
    empty = sorted(rel for rel in files if (target / rel).is_file())
    record = {"version": 1, "files": {rel: hashlib.sha256(text.encode("utf-8")).hexdigest()
                                      for rel, text in files.items()},
              "empty": empty, "dirs": existing_dirs}
    atomic_write(tmp / _JOURNAL, json.dumps(record, sort_keys=True))


def recover_stopped_imports(target: Path) -> list[str]:
    """Clean up after imports into (or next to) ``target`` that were stopped (killed,
    a power cut): their temporary ``.novelforge-import-<pid>-…`` folders are removed, and
    the files a merge into an existing folder had already moved are taken back out when
    they are still exactly what the import wrote (a merge that had finished is kept).
    Only folders of ours whose process is gone are touched: the owner file inside is
    locked while its import runs (or, without locks, the process id in the name is alive).
    Returns one sentence per folder cleaned up."""
    target = Path(target).absolute()
    from novelforge.util import too_long

    if too_long(target):
        return []                       # check_target says why
    places = []
    if target.is_dir() and not target.is_symlink():
        places.append(target)
    if target.parent.is_dir():
        places.append(target.parent)
    notes = []
    for place in places:
        try:
            entries = [e for e in os.scandir(place) if e.name.startswith(TEMP_PREFIX)]
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            m = _TEMP_NAME.fullmatch(entry.name)
            if not m or not entry.is_dir(follow_symlinks=False):
                continue
            tmp = Path(entry.path)
            if not _abandoned(tmp, int(m.group(1))):
                continue
            undone = _undo_merge(tmp)
            shutil.rmtree(tmp, ignore_errors=True)
            if not tmp.exists():
                what = f", and took back the {undone} files it had moved into `{place}`" if undone else ""
                notes.append(f"removed `{entry.name}`, left by an import that was stopped{what}")
    return notes


def _abandoned(tmp: Path, pid: int) -> bool:
    owner = tmp / _OWNER
    try:
        fd = os.open(owner, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return not _alive(pid)          # stopped before it could make its owner file
    except OSError:
        return False
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        os.close(fd)
        return not _alive(pid)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False                    # its import is still running
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def _undo_merge(tmp: Path) -> int:
    """Take back what a stopped merge had moved into the folder around ``tmp``; the number
    of files taken back (0 when the merge had finished, or never started)."""
    import hashlib

    try:
        record = json.loads((tmp / _JOURNAL).read_text("utf-8"))
        files = dict(record["files"])
        empty = set(record.get("empty", []))
        kept_dirs = set(record.get("dirs", []))
    except (OSError, ValueError, KeyError, TypeError):
        return 0
    target, tree = tmp.parent, tmp / _TREE
    ours = []
    for rel, digest in files.items():
        if not isinstance(rel, str) or not isinstance(digest, str):
            return 0
        try:
            assert_safe(rel)
        except AssertionError:
            return 0
        if os.path.lexists(tree / rel):
            continue                    # never moved
        p = target / rel
        try:
            if p.is_symlink() or not p.is_file() or hashlib.sha256(p.read_bytes()).hexdigest() != digest:
                continue                # not what the import wrote: never touched
        except OSError:
            continue
        ours.append(rel)
    if len(ours) == len(files):
        return 0                        # everything had moved: the import had finished
    for rel in ours:
        p = target / rel
        try:
            if rel in empty:
                p.write_bytes(b"")      # it was an empty file before the import
            else:
                p.unlink()
        except OSError:
            pass
    dirs = sorted({"/".join(PurePosixPath(rel).parts[:d]) for rel in files
                   for d in range(1, len(PurePosixPath(rel).parts))} - kept_dirs,
                  key=lambda d: d.count("/"), reverse=True)
    for d in dirs:
        try:
            (target / d).rmdir()        # only when empty: nothing of the author's is lost
        except OSError:
            pass
    return len(ours)


def _check_clashes(target: Path, files: dict[str, str]) -> None:
    if not target.exists():
        return
    real_root = os.path.realpath(target)
    checked: set[str] = set()
    for rel in files:
        parts = PurePosixPath(rel).parts
        for depth in range(1, len(parts)):
            sub = "/".join(parts[:depth])
            if sub in checked:
                continue
            checked.add(sub)
            p = target / sub
            if p.is_symlink():
                raise ImportFileError(f"`{p}` is a link; import will not write through it",
                                      help="import into a new or empty folder with --into")
            if p.exists() and not p.is_dir():
                raise ImportFileError(f"`{p}` exists and is not a folder; import never overwrites files",
                                      help="import into a new or empty folder with --into")
        p = target / rel
        if p.is_symlink() or (p.exists() and (not p.is_file() or p.stat().st_size > 0)):
            raise ImportFileError(f"`{p}` already exists; import never overwrites files",
                                  help="import into a new or empty folder with --into")
        inside = os.path.realpath(p.parent if p.parent.exists() else target)
        if os.path.commonpath([inside, real_root]) != real_root:
            raise ImportFileError(f"`{p}` would be outside `{target}`")


def _merge(src: Path, dst: Path, moved: list[Path]) -> None:
    """Move the tree ``src`` into the existing folder ``dst`` by renames, never replacing a
    non-empty file. ``novelforge.yaml`` moves last: a folder holds a project only once
    everything else is in place."""
    for entry in sorted(os.scandir(src), key=lambda e: (e.name == CONFIG_FILE, e.name)):
        s, d = Path(entry.path), dst / entry.name
        if entry.is_dir():
            if d.is_dir() and not d.is_symlink():
                _merge(s, d, moved)
                continue
            if os.path.lexists(d):
                raise ImportFileError(f"`{d}` appeared while importing; nothing was overwritten")
            os.rename(s, d)
            moved.append(d)
        else:
            if os.path.lexists(d):
                if d.is_symlink() or not d.is_file() or d.stat().st_size > 0:
                    raise ImportFileError(f"`{d}` appeared while importing; nothing was overwritten")
                os.replace(s, d)
                moved.append(d.with_name(d.name + "\0empty"))   # rollback: empty again, not gone
                continue
            else:
                try:
                    os.link(s, d)                 # fails if `d` appeared: never replaces
                    os.unlink(s)
                except OSError:
                    if os.path.lexists(d):
                        raise ImportFileError(f"`{d}` appeared while importing; nothing was overwritten") from None
                    os.rename(s, d)
            moved.append(d)


def _rollback(moved: list[Path]) -> None:
    for p in reversed(moved):
        try:
            if p.name.endswith("\0empty"):
                p.with_name(p.name[:-6]).write_bytes(b"")
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()
        except OSError:
            pass
