"""The analysis cache: values keyed by content hashes, kept where no repository can write.

Threat model (docs/security.md): a repository is untrusted input. Earlier versions kept
this cache in ``.novelforge/cache`` inside the project, as a diskcache store whose values
diskcache unpickles, so a repository that committed a crafted store ran code on the
machine of whoever checked it. Now three independent layers stand in the way:

1. **Outside the working tree.** The cache lives in the user's cache folder
   (``$NOVELFORGE_CACHE_DIR``, else the platform's, e.g. ``~/.cache/novelforge``), one
   sub-folder per project named by a hash of the project's real path. Nothing a checkout
   contains decides where it is, and a cache folder inside the project is refused. The
   folder is created private (0700) and not used when another user owns it or can write
   to it. ``.novelforge/cache`` in a project is never opened: the CLI warns about it.
2. **Integrity.** Every value is stored as ``MAGIC + HMAC-SHA256(key, name + payload) +
   payload``; the key (32 random bytes, file mode 0600) lives in the cache folder, never in
   a project. A value whose tag does not verify is a miss and is never decoded.
3. **A decoder that builds data only.** Payloads are pickles (protocol 5, for speed on
   long books), read back by an unpickler that resolves no global outside a short allow
   list of NovelForge's own plain data classes: whatever a payload says, it can construct
   those classes and builtin containers, and call nothing else. diskcache itself is given a
   ``Disk`` that stores and accepts bytes only (no pickled rows, no value files), so no row
   of its database is unpickled either.

A value that decodes but lacks the expected shape is a miss too (the callers pass a
``shape`` check). A cache that cannot be opened, read or written only costs speed.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import pickle
import stat
from pathlib import Path
from typing import Any, Callable

from novelforge.project.layout import LEGACY_CACHE_DIR

CACHE_ENV = "NOVELFORGE_CACHE_DIR"
LEGACY_DIR = LEGACY_CACHE_DIR   # where 0.1 kept it; never read now
MAGIC = b"NFC1"
KEY_FILE = "hmac.key"
_TAG = 32

# The classes a cached value may contain, besides builtin containers and scalars. A
# TextIndex is pickled as builtin values (tuples, packed offsets) and builds its own
# parts (Mention, Dialogue…) from them when it is read, so they need not be named here.
ALLOWED = {
    ("novelforge.diagnostics", "Diagnostic"),
    ("novelforge.diagnostics", "Severity"),
    ("novelforge.text.model", "TextIndex"),
    ("novelforge.project.record", "Record"),     # a validated document (project/record.py)
    ("datetime", "date"),                        # dates and times a document's values hold
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
}


class _DataOnly(pickle.Unpickler):
    """An unpickler that can build the :data:`ALLOWED` classes and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in ALLOWED:
            import importlib

            return getattr(importlib.import_module(module), name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def _tag(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(key, name.encode("utf-8", "surrogatepass") + b"\0" + payload, hashlib.sha256).digest()


def _seal(key: bytes, name: str, magic: bytes, payload: bytes) -> bytes:
    return magic + _tag(key, name, payload) + payload


def _unseal(key: bytes, name: str, magic: bytes, blob: Any) -> bytes | None:
    """The payload of ``blob``, or None when it is not ours or not intact."""
    if not isinstance(blob, (bytes, bytearray, memoryview)):
        return None
    blob = bytes(blob)
    if len(blob) < len(magic) + _TAG or not blob.startswith(magic):
        return None
    tag, payload = blob[len(magic):len(magic) + _TAG], blob[len(magic) + _TAG:]
    return payload if hmac.compare_digest(tag, _tag(key, name, payload)) else None


def encode(key: bytes, name: str, value: Any) -> bytes:
    return _seal(key, name, MAGIC, pickle.dumps(value, protocol=5))


def decode(key: bytes, name: str, blob: Any) -> Any:
    """The value in ``blob``, or None when it is not ours, not intact or not plain data."""
    payload = _unseal(key, name, MAGIC, blob)
    if payload is None:
        return None
    try:
        return _DataOnly(io.BytesIO(payload)).load()
    except Exception:
        return None


# ---------------------------------------------------------------------- where it lives
def cache_home() -> Path:
    """The folder that holds every project's cache (and the integrity key)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser().absolute()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("novelforge", appauthor=False))


def project_cache_dir(root: Path | str, home: Path | None = None) -> Path:
    """The cache folder of the project at ``root``: named after its real path's hash."""
    real = os.path.realpath(root)
    digest = hashlib.blake2b(real.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(real).name)[:40] or "project"
    return (home or cache_home()) / "projects" / f"{name}-{digest}"


class UnsafeCacheFolder(Exception):
    """The cache folder cannot be trusted; the run goes on without a cache."""


def _private_dir(path: Path) -> None:
    """Create ``path`` (mode 0700 for what is made here) and check that it is ours alone."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = path.stat()
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeCacheFolder(f"{path} is not a folder")
    if hasattr(os, "getuid"):
        if st.st_uid != os.getuid():
            raise UnsafeCacheFolder(f"{path} belongs to another user")
        if st.st_mode & 0o022:
            raise UnsafeCacheFolder(f"other users can write to {path}")


def _load_key(home: Path) -> bytes:
    """The integrity key, made on first use (32 random bytes, mode 0600)."""
    path = home / KEY_FILE
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        key = os.urandom(32)
        tmp = home / f".{KEY_FILE}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)       # first writer wins; a racing run reads the winner's key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _load_key(home)
    try:
        st = os.fstat(fd)
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o077):
            raise UnsafeCacheFolder(f"{path} is readable or owned by someone else")
        key = os.read(fd, 64)
    finally:
        os.close(fd)
    if len(key) != 32:
        raise UnsafeCacheFolder(f"{path} is not a NovelForge cache key")
    return key


def inside(path: Path, root: Path) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def legacy_warnings(root: Path | str) -> list[str]:
    """What to tell the author about state folders in the project that are never read."""
    root = Path(root)
    legacy = root / LEGACY_DIR
    if not (legacy.exists() or legacy.is_symlink()):
        return []
    text = (f"`{LEGACY_DIR}` is not read: NovelForge keeps its cache outside the project now "
            "(a cache inside a repository could carry code); delete the folder")
    if _tracked(root, LEGACY_DIR):
        text += f", and take it out of git with `git rm -r --cached {LEGACY_DIR}`"
    return [text]


def _tracked(root: Path, rel: str) -> bool:
    """Whether git tracks anything under ``rel`` (False when there is no repository)."""
    try:
        from novelforge.vcs.repo import GitRepo

        with GitRepo(root) as repo:
            return repo.tracks(rel)
    except Exception:
        return False


# ---------------------------------------------------------------------- the store
def _hardened_disk():
    """A diskcache ``Disk`` that keeps bytes in the database and accepts nothing else."""
    import diskcache

    class BytesOnlyDisk(diskcache.Disk):
        def put(self, key):
            if not isinstance(key, str):
                raise TypeError("cache keys are text")
            return super().put(key)

        def get(self, key, raw):
            if not raw:
                raise ValueError("a pickled key in the cache")
            return super().get(key, raw)

        def store(self, value, read, key=diskcache.core.UNKNOWN):
            if not isinstance(value, bytes):
                raise TypeError("cache values are bytes")
            return 0, diskcache.core.MODE_RAW, None, __import__("sqlite3").Binary(value)

        def fetch(self, mode, filename, value, read):
            if mode != diskcache.core.MODE_RAW or filename is not None:
                raise ValueError("a cache row that is not raw bytes")
            return bytes(value)

        def remove(self, file_path):
            return None   # values never live in files; a row naming one is not followed

    return BytesOnlyDisk


class ProjectCache:
    """The cache of one project. ``get``/``set`` take text keys and plain values; writes
    are batched into one transaction by :meth:`flush` (and on close).

    A process forked from the one that made it (the analysis's second worker) never
    touches its database — an SQLite connection must not cross a fork: there it is a
    cache that holds only the writes pending at the fork, and what it is given is lost."""

    def __init__(self, root: Path | str, home: Path | str | None = None) -> None:
        self.root = Path(root)
        self.home = Path(home) if home is not None else None
        self.path: Path | None = None
        self._cache: Any = None
        self._key: bytes | None = None
        self._failed = False
        self._pending: dict[str, Any] = {}
        self.hits = 0
        self.problem: str | None = None   # why the cache is off, for --verbose style reports
        self._pid = os.getpid()

    def _open(self) -> Any:
        if self._pid != os.getpid():      # a forked worker: the parent's connection is not ours
            return None
        if self._cache is None and not self._failed:
            try:
                home = self.home or cache_home()
                if inside(home, self.root):
                    raise UnsafeCacheFolder(f"the cache folder {home} is inside the project")
                _private_dir(home)
                self._key = _load_key(home)
                self.path = project_cache_dir(self.root, home)
                _private_dir(self.path)
                import diskcache

                # cull_limit=0: no eviction query inside every set (half of a cold
                # run's cache write); flush culls once, after its transaction.
                self._cache = diskcache.Cache(str(self.path), size_limit=2**30,
                                              eviction_policy="least-recently-stored",
                                              disk=_hardened_disk(), disk_min_file_size=2**62,
                                              cull_limit=0)
            except Exception as exc:
                self.problem = str(exc) or type(exc).__name__
                self._failed = True
        return self._cache

    def get(self, key: str, shape: Callable[[Any], bool] | None = None) -> Any:
        """The value stored under ``key``, or None: missing, damaged, not plain data, or
        (with ``shape``) not of the shape the caller expects."""
        if key in self._pending:
            return self._pending[key]
        cache = self._open()
        if cache is None:
            return None
        try:
            blob = cache.get(key)
        except Exception:
            return None
        value = decode(self._key, key, blob) if blob is not None else None
        if value is not None and shape is not None:
            try:
                ok = bool(shape(value))
            except Exception:
                ok = False
            if not ok:
                value = None
        if value is not None:
            self.hits += 1
        return value

    def set(self, key: str, value: Any) -> None:
        self._pending[key] = value

    def flush(self) -> None:
        if not self._pending:
            return
        cache = self._open()
        if cache is not None:
            try:
                with cache.transact():
                    for key, value in self._pending.items():
                        cache.set(key, encode(self._key, key, value))
                cache.cull()      # the size limit, kept once per batch of writes
            except Exception:
                pass
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._cache is not None and self._pid == os.getpid():
            try:
                self._cache.close()
            except Exception:
                pass
            self._cache = None

    def __enter__(self) -> "ProjectCache":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# ---------------------------------------------------------------------- shapes
def list_of(kind: type) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, list) and all(isinstance(x, kind) for x in v)


# The LLM response store (JSON payloads) and the administration of every store (`cache
# info`, `cache clear`) live in novelforge/cache_stores.py, which builds on this module.
