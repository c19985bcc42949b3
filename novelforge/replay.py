"""A repeated ``novelforge check`` (or ``promises suggest``) answered from its last run,
before anything is analysed.

When ``check`` (or ``promises suggest``) runs again with the same command line, from the
same folder, with the same environment and terminal, on a project none of whose input
files changed, under the same NovelForge code, its output cannot differ from the last
run's. The last run's output (standard output and standard error, as bytes, in the order
written) and exit code are stored after it, and written back here — before typer,
pydantic or any rule is imported, which is most of what a warm run costs (issue #17: War
and Peace, bench/JUDGE_RESULTS.md).

What is compared, every time:

* the command line as typed, the current folder, the environment variables that change
  what a run prints (:data:`ENV_NAMES`, ``NOVELFORGE_*``, ``GITHUB_*``), whether each
  stream is a terminal and its size, the Python version;
* NovelForge's own files (path, size, modification time of every file of the package);
* where the project is: for the current folder and every argument naming a path, whether
  each folder on the way up holds ``novelforge.yaml`` (what finds the project);
* every input file of the project (``novelforge.yaml``, ``promises.yaml``,
  ``manuscript/``, ``canon/``, ``contracts/``, ``.novelforge/``) and every folder in them,
  as git's index compares a working tree: each file's size, modification and change times
  (to the nanosecond) and inode. Any write to a file changes its change time, which no tool
  sets back; a run is recorded only when no input changed in the :data:`SETTLE_NS` before
  it started or while it ran, so even a file system that keeps times coarsely cannot hide
  a later write inside the same tick. When any of that differs, the bytes of the files
  whose stat differs are compared instead (the record keeps every input file's path, stat
  and a hash of its bytes, so an edited scene costs one file's read, not the book's): a
  file touched, checked out again or saved unchanged, an edit undone, is still the same
  project, the record is served and takes the new times (when nothing changed in the
  :data:`SETTLE_NS` before, as when it is stored).

Never replayed: any option that asks git or a model (``--changed``, ``--base``,
``--staged``, ``--room``, ``--llm``), writes (``--update-baseline``, ``--output``,
``--accept``, ``--reject``), or opts out of caching (``--no-cache``); a project holding a symbolic link or more than
:data:`MAX_INPUT_BYTES` of input, or the old in-project cache folder; a run that ended
other than with exit code 0 or 1, or whose project was edited just before or while it
ran. Records are sealed with the analysis cache's integrity key (:mod:`novelforge.cache`)
and hold JSON, never code; a record that does not verify is ignored. At most
:data:`MAX_RECORDS` are kept; ``novelforge cache clear`` removes a project's.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any

NOT_REPLAYED = frozenset({
    "--changed", "--base", "--staged", "--room", "--estimate", "--max-cost", "--update-baseline",
    "--no-cache", "--output", "-o", "--help", "-h", "--traceback", "--version", "-V",
    "--accept", "--reject", "--llm",
})
ENV_NAMES = ("NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "COLUMNS", "LINES", "TTY_COMPATIBLE",
             "TTY_INTERACTIVE", "CLICOLOR", "CLICOLOR_FORCE", "JUPYTER_COLUMNS", "JUPYTER_LINES",
             "LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING", "PYTHONUTF8", "SOURCE_DATE_EPOCH")
ENV_PREFIXES = ("NOVELFORGE_", "GITHUB_")
INPUTS = ("novelforge.yaml", "promises.yaml", "manuscript", "canon", "contracts", ".novelforge")
MAX_INPUT_BYTES = 64 * 2**20
MAX_RECORDS = 64
SETTLE_NS = 3 * 10**9
MAGIC = b"NFR2"
FOLDER = "replay"

_code_stamp: str | None = None
_package_files: list | None = None
_scanned: tuple | None = None   # (project, its files) as this process's serve() found them


def replayable(args: list[str]) -> bool:
    """Whether a command line may be answered from a stored run: ``check``, or ``promises
    suggest`` (both read the project and write nothing but their report)."""
    if not args or not (args[0] == "check" or (args[0] == "promises" and "suggest" in args[1:])):
        return False
    for a in args[1:]:
        if a == "--":
            return False
        if a in NOT_REPLAYED or a.split("=", 1)[0] in NOT_REPLAYED:
            return False
    return True


def _hash(*parts: Any) -> str:
    return hashlib.blake2b(json.dumps(parts, ensure_ascii=False).encode("utf-8", "surrogatepass"),
                           digest_size=20).hexdigest()


def package_files() -> list[tuple[str, int, int]]:
    """``(path relative to the package, modification time, size)`` of every file of the
    installed package but byte code, walked once per process (the analysis cache's code
    fingerprint, :func:`novelforge.analysis.keys.code_fingerprint`, is made of them too)."""
    global _package_files
    if _package_files is None:
        import novelforge

        base = os.path.dirname(os.path.abspath(novelforge.__file__))
        stats = []
        for folder, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if not name.endswith((".pyc", ".pyo")):
                    st = os.stat(os.path.join(folder, name))
                    stats.append((os.path.relpath(os.path.join(folder, name), base), st.st_mtime_ns, st.st_size))
        _package_files = stats
    return _package_files


def code_stamp() -> str:
    """Changes whenever any file of the installed package changes."""
    global _code_stamp
    if _code_stamp is None:
        import novelforge

        _code_stamp = _hash(novelforge.__version__, package_files())
    return _code_stamp


def _terminal() -> list:
    out = []
    for fd in (1, 2):
        try:
            tty = os.isatty(fd)
        except OSError:
            tty = False
        size = None
        if tty:
            try:
                size = tuple(os.get_terminal_size(fd))
            except OSError:
                pass
        out.append((tty, size))
    return out


def _probes(args: list[str], cwd: str) -> tuple[list, str | None]:
    """What decides which project a command line is about, and the project that decides
    (around the first argument naming a path, else around the current folder, as
    :func:`novelforge.api.locate` finds it), or None."""
    starts = []
    out: list = []
    for a in args[1:]:
        if a.startswith("-"):
            continue
        path = os.path.join(cwd, a)
        exists, isdir = os.path.exists(path), os.path.isdir(path)
        out.append((a, exists, isdir))
        if exists:
            starts.append(path if isdir else os.path.dirname(path))
    starts.append(cwd)
    roots = []
    for start in starts:
        d = os.path.abspath(start)
        while True:
            found = os.path.isfile(os.path.join(d, "novelforge.yaml"))
            out.append((d, found))
            parent = os.path.dirname(d)
            if found:
                roots.append(os.path.realpath(d))
            if found or parent == d:
                break
            d = parent
    return out, (roots[0] if roots else None)


def request(args: list[str]) -> tuple[str, str | None]:
    """The key of a command line's record, and the project it is about (or None)."""
    cwd = os.getcwd()
    env = sorted((k, v) for k, v in os.environ.items() if k in ENV_NAMES or k.startswith(ENV_PREFIXES))
    probes, root = _probes(args, cwd)
    return _hash(args, cwd, env, _terminal(), sys.version, code_stamp(), probes), root


def scan(root: str) -> list | None:
    """Every input file of the project at ``root`` as ``(relative path, path, stat)``, in a
    fixed order, or None when the project is not one a record may stand for (a symbolic
    link, something that is neither file nor folder, more than :data:`MAX_INPUT_BYTES`,
    the legacy cache folder)."""
    if os.path.lexists(os.path.join(root, ".novelforge", "cache")):
        return None
    out: list = []
    total = 0

    def walk(rel: str, path: str) -> bool:
        nonlocal total
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError:
            return False
        for e in entries:
            sub = f"{rel}/{e.name}"
            if e.is_symlink():
                return False
            if e.is_dir(follow_symlinks=False):
                out.append((sub + "/", None, None))
                if not walk(sub, e.path):
                    return False
            elif e.is_file(follow_symlinks=False):
                st = e.stat(follow_symlinks=False)
                total += st.st_size
                out.append((sub, e.path, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)))
            else:
                return False
        return total <= MAX_INPUT_BYTES

    for name in INPUTS:
        path = os.path.join(root, name)
        if os.path.islink(path):
            return None
        if os.path.isdir(path):
            out.append((name + "/", None, None))
            if not walk(name, path):
                return None
        elif os.path.isfile(path):
            st = os.stat(path)
            total += st.st_size
            out.append((name, path, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)))
        elif os.path.lexists(path):
            return None
    return out if total <= MAX_INPUT_BYTES else None


def file_digest(path: str, st: tuple) -> str | None:
    """A hash of one file's bytes, or None when it cannot be read, is a symbolic link by
    now, or is not as :func:`scan` saw it (``st``: written since, its size, times or inode
    differ)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
        try:
            now = os.fstat(fd)
            if (now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino) != st:
                return None
            chunks = []
            left = now.st_size + 1
            while left > 0:
                chunk = os.read(fd, left)
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except (OSError, UnicodeError):
        return None
    data = b"".join(chunks)
    if len(data) != now.st_size:
        return None
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _row(rel: str, st: tuple | None, digest: str | None) -> list:
    return [rel] if st is None else [rel, *st, digest]


def content_rows(files: list) -> list | None:
    """:func:`scan`'s list as a record keeps it: ``[relative path]`` for a folder,
    ``[relative path, size, modification time, change time, inode, hash of the bytes]``
    for a file; None when a file cannot be read or was written since the scan."""
    rows: list = []
    for rel, path, st in files:
        digest = None if path is None else file_digest(path, st)
        if path is not None and digest is None:
            return None
        rows.append(_row(rel, st, digest))
    return rows


def restamped(files: list, rows: Any) -> list | None:
    """A record's :func:`content_rows` with the stats :func:`scan` found now, when the
    project holds the bytes they describe (the same folders and files in the same order;
    a file whose stat is the record's is not read, as git's index trusts it, and only a
    file whose stat differs is read and hashed, so an edit of one scene costs one file's
    read, not the book's); else None."""
    if not isinstance(rows, list) or len(rows) != len(files):
        return None
    out = []
    for (rel, path, st), row in zip(files, rows):
        if not isinstance(row, list) or not row or row[0] != rel or (len(row) == 1) != (path is None):
            return None
        if path is not None and tuple(row[1:5]) != st and (len(row) != 6 or file_digest(path, st) != row[5]):
            return None
        out.append(_row(rel, st, row[-1] if path is not None else None))
    return out


def settled(files: list, since_ns: int) -> bool:
    """Whether no file changed (its change time, which no tool sets back) in the
    :data:`SETTLE_NS` before ``since_ns`` or after it: then no write during a run that
    started at ``since_ns`` can have left a file's stat as it was, even where the file
    system keeps times coarsely."""
    return all(st is None or st[2] < since_ns - SETTLE_NS for _rel, _path, st in files)


def _home_and_key(create: bool):
    from novelforge.cache import KEY_FILE, UnsafeCacheFolder, _load_key, _private_dir, cache_home

    home = cache_home()
    try:
        if not create and not os.path.isfile(os.path.join(home, KEY_FILE)):
            return None
        _private_dir(home)
        folder = home / FOLDER
        _private_dir(folder)
        return folder, _load_key(home)
    except (OSError, UnsafeCacheFolder):
        return None


def _read(path, key: bytes) -> dict | None:
    from novelforge.cache import _unseal

    try:
        with open(path, "rb") as f:
            blob = f.read()
    except OSError:
        return None
    payload = _unseal(key, os.path.basename(path), MAGIC, blob)
    if payload is None:
        return None
    try:
        record = json.loads(payload)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def serve(args: list[str]) -> int | None:
    """Write the stored output of this command line and return its exit code, or None
    when there is nothing to replay (the command then runs as usual)."""
    global _scanned
    _scanned = None
    if not replayable(args):
        return None
    try:
        found = _home_and_key(create=False)
        if found is None:
            return None
        folder, key = found
        name, root = request(args)
        record = _read(folder / name, key)
        if root is None or record is None or record.get("root") != root:
            return None
        files = scan(root)
        _scanned = (root, files)
        if files is None:
            return None
        chunks, code = record.get("chunks"), record.get("code")
        if code not in (0, 1) or not isinstance(chunks, list):
            return None
        rows = restamped(files, record.get("contents"))
        if rows is None:
            return None
        if rows != record["contents"]:
            import time

            if settled(files, time.time_ns()):      # the same bytes: the record takes the new times
                record["contents"] = rows
                _write(folder, name, key, json.dumps(record).encode())
        import base64

        data = [(int(n), base64.b64decode(raw)) for n, raw in chunks]
    except Exception:                   # a cache never breaks a run: it only costs speed
        return None
    try:
        for stream, raw in data:
            out = sys.stdout if stream == 1 else sys.stderr
            out.flush()
            out.buffer.write(raw)
            out.buffer.flush()
    except BrokenPipeError:
        pass
    return code


# ---------------------------------------------------------------------- recording
class _Tee:
    """A text stream that writes through and remembers the bytes it was given."""

    def __init__(self, stream, number: int, chunks: list) -> None:
        self._stream, self._number, self._chunks = stream, number, chunks
        self.buffer = _BufferTee(stream.buffer, number, chunks) if hasattr(stream, "buffer") else None

    def write(self, text: str) -> int:
        self._chunks.append((self._number, text.encode(self._stream.encoding or "utf-8",
                                                         self._stream.errors or "strict")))
        return self._stream.write(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _BufferTee:
    def __init__(self, buffer, number: int, chunks: list) -> None:
        self._buffer, self._number, self._chunks = buffer, number, chunks

    def write(self, data) -> int:
        self._chunks.append((self._number, bytes(data)))
        return self._buffer.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


class Recorder:
    """Captures what a replayable run writes; it is stored when the run ends if
    :func:`offer` (called by the command once it has written a whole report) confirmed the
    project and no input file changed just before or while it ran."""

    active: "Recorder | None" = None

    def __init__(self, args: list[str]) -> None:
        self.args = list(args)
        self.chunks: list = []
        import time

        self.started = time.time_ns()
        self.name, self.root = request(self.args)
        self.offered = False
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout = _Tee(sys.stdout, 1, self.chunks)      # type: ignore[assignment]
        sys.stderr = _Tee(sys.stderr, 2, self.chunks)      # type: ignore[assignment]
        Recorder.active = self

    @classmethod
    def start(cls, args: list[str]) -> "Recorder | None":
        if not replayable(args):
            return None
        try:
            return cls(args)
        except Exception:
            return None

    def finish(self, code: Any) -> None:
        sys.stdout, sys.stderr = self._saved
        Recorder.active = None
        if code not in (0, 1) or not self.offered:
            return
        try:
            if _scanned is not None and _scanned[0] == self.root and _scanned[1] is not None \
                    and not settled(_scanned[1], self.started):
                # a file was written just before the run (seen by serve): it still was, as a
                # change time never goes back
                return
            files = scan(self.root)
            if files is None or not settled(files, self.started):     # written just before or while it ran
                return
            found = _home_and_key(create=True)
            if found is None:
                return
            import base64

            folder, key = found
            chunks = [(n, base64.b64encode(raw).decode("ascii")) for n, raw in self.chunks if raw]
            contents = content_rows(files)        # None when a file was written since the scan
            if contents is None:
                return
            payload = json.dumps({"root": self.root, "contents": contents,
                                  "code": code, "chunks": chunks}).encode()
            _write(folder, self.name, key, payload)
            _prune(folder)
        except Exception:
            pass


def offer(root) -> None:
    """Called by the command after writing a whole report of the project at ``root``: this
    run may be replayed (when it is the project the command line was found to name)."""
    rec = Recorder.active
    if rec is not None and rec.root is not None and os.path.realpath(root) == rec.root:
        rec.offered = True


def _write(folder, name: str, key: bytes, payload: bytes) -> None:
    from novelforge.cache import _seal

    tmp = folder / f".{name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.write(fd, _seal(key, name, MAGIC, payload))
    finally:
        os.close(fd)
    os.replace(tmp, folder / name)


def _prune(folder) -> None:
    entries = []
    for entry in os.scandir(folder):
        if not entry.name.startswith("."):
            entries.append((entry.stat().st_mtime_ns, entry.path))
    for _mtime, path in sorted(entries, reverse=True)[MAX_RECORDS:]:
        try:
            os.unlink(path)
        except OSError:
            pass


def clear(root) -> int:
    """Remove the stored runs of the project at ``root``; how many were removed."""
    found = _home_and_key(create=False)
    if found is None:
        return 0
    folder, key = found
    real = os.path.realpath(root)
    removed = 0
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        record = _read(entry.path, key)
        if record is None or record.get("root") == real:
            try:
                os.unlink(entry.path)
                removed += record is not None
            except OSError:
                pass
    return removed
