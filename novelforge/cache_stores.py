"""The stores beside the analysis cache: the LLM layer's answers, kept as JSON
(:class:`JsonStore`), and what ``novelforge cache info`` and ``cache clear`` do to any
store (:func:`store_stats`, :func:`clear_store`).

They live where the analysis cache lives and are kept the same way (``novelforge/cache.py``
explains the threat model): outside the project, in private folders, every value
HMAC-sealed. Only the decoder differs: a payload here is ``MAGIC_JSON + HMAC tag + UTF-8
JSON``, so decoding can build dicts, lists, text and numbers and nothing else.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from novelforge.cache import (
    UnsafeCacheFolder,  # noqa: F401  (what api/llm.py catches, with clear_store)
    _hardened_disk,
    _load_key,
    _private_dir,
    _seal,
    _unseal,
    cache_home,
    inside,
    project_cache_dir,
)

MAGIC_JSON = b"NFJ1"
STORES = ("index", "llm")     # `novelforge cache clear --index|--llm`


def encode_json(key: bytes, name: str, value: Any) -> bytes:
    import json

    return _seal(key, name, MAGIC_JSON, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def decode_json(key: bytes, name: str, blob: Any) -> Any:
    """The JSON value in ``blob``, or None when it is not ours, not intact or not JSON."""
    import json

    payload = _unseal(key, name, MAGIC_JSON, blob)
    if payload is None:
        return None
    try:
        return json.loads(payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def store_dir(root: Path | str, store: str, home: Path | None = None) -> Path:
    """Where the project's ``store`` (one of :data:`STORES`) lives."""
    if store == "index":
        return project_cache_dir(root, home)
    if store not in STORES:
        raise ValueError(f"no cache store called {store}")
    return (home or cache_home()) / store / project_cache_dir(root, home).name


def _open_diskcache(path: Path) -> Any:
    import diskcache

    return diskcache.Cache(str(path), size_limit=2**30, eviction_policy="least-recently-stored",
                           disk=_hardened_disk(), disk_min_file_size=2**62)


def _remove_database(path: Path) -> None:
    """Delete a damaged store's database files (in a private folder of ours)."""
    for name in ("cache.db", "cache.db-wal", "cache.db-shm"):
        try:
            (path / name).unlink()
        except FileNotFoundError:
            pass


class JsonStore:
    """One project's store of JSON values with an expiry (the LLM answers). Thread-safe;
    each :meth:`set` is written at once (an answer cost money). Anything wrong with the
    store costs only the answers in it: a damaged entry is a miss, a folder that cannot
    be trusted turns the store off (``problem`` says why), and a database that is no
    longer one is started again, empty."""

    def __init__(self, root: Path | str, store: str = "llm", home: Path | str | None = None) -> None:
        import threading

        self.root = Path(root)
        self.store = store
        self.home = Path(home) if home is not None else None
        self.path: Path | None = None
        self.problem: str | None = None
        self._cache: Any = None
        self._key: bytes | None = None
        self._failed = False
        self._lock = threading.Lock()

    def _open(self) -> Any:
        if self._cache is None and not self._failed:
            try:
                home = self.home or cache_home()
                if inside(home, self.root):
                    raise UnsafeCacheFolder(f"the cache folder {home} is inside the project")
                _private_dir(home)
                self._key = _load_key(home)
                self.path = store_dir(self.root, self.store, home)
                _private_dir(self.path.parent)
                _private_dir(self.path)
                try:
                    self._cache = _open_diskcache(self.path)
                except sqlite3.DatabaseError:      # not a database any more: start it again
                    _remove_database(self.path)
                    self._cache = _open_diskcache(self.path)
            except Exception as exc:
                self.problem = str(exc) or type(exc).__name__
                self._failed = True
        return self._cache

    def get(self, key: str) -> Any:
        with self._lock:
            cache = self._open()
            if cache is None:
                return None
            try:
                blob = cache.get(key)
            except Exception:
                return None
            return decode_json(self._key, key, blob) if blob is not None else None

    def set(self, key: str, value: Any, expire: float | None = None) -> None:
        with self._lock:
            cache = self._open()
            if cache is None:
                return
            try:
                cache.set(key, encode_json(self._key, key, value), expire=expire)
            except Exception:
                pass

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                try:
                    self._cache.close()
                except Exception:
                    pass
                self._cache = None

    def __enter__(self) -> "JsonStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def store_stats(root: Path | str, store: str, home: Path | None = None) -> dict:
    """``{"path", "exists", "entries", "bytes"}`` of one store; a store never made is empty
    (and is not created by asking)."""
    path = store_dir(root, store, home)
    out = {"store": store, "path": str(path), "exists": path.is_dir(), "entries": 0, "bytes": 0, "problem": None}
    if not out["exists"] or not (path / "cache.db").is_file():
        return out
    try:
        _private_dir(path)
        cache = _open_diskcache(path)
        try:
            out["entries"] = len(cache)
            out["bytes"] = int(cache.volume())
        finally:
            cache.close()
    except Exception as exc:          # reported, never fatal: the next run rebuilds or skips it
        out["problem"] = str(exc) or type(exc).__name__
    return out


def clear_store(root: Path | str, store: str, home: Path | None = None) -> int:
    """Empty one store; the number of entries removed (0 for a store never made)."""
    path = store_dir(root, store, home)
    if not (path / "cache.db").is_file():
        return 0
    _private_dir(path)
    try:
        cache = _open_diskcache(path)
    except sqlite3.DatabaseError:             # damaged: clearing it is starting it again
        _remove_database(path)
        return 0
    try:
        return int(cache.clear())
    finally:
        cache.close()
