"""The analysis cache in ``.novelforge/cache``: values keyed by content hashes.

A thin wrapper over :mod:`diskcache` that batches writes into one transaction and never
fails a run: a cache that cannot be opened, read or written only costs speed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CACHE_DIR = ".novelforge/cache"


class ProjectCache:
    def __init__(self, root: Path) -> None:
        self.path = Path(root) / CACHE_DIR
        self._cache: Any = None
        self._failed = False
        self._pending: dict[str, Any] = {}
        self.hits = 0

    def _open(self) -> Any:
        if self._cache is None and not self._failed:
            try:
                import diskcache

                self._cache = diskcache.Cache(str(self.path), size_limit=2**30,
                                              eviction_policy="least-recently-stored")
            except Exception:
                self._failed = True
        return self._cache

    def get(self, key: str) -> Any:
        if key in self._pending:
            return self._pending[key]
        cache = self._open()
        if cache is None:
            return None
        try:
            value = cache.get(key)
        except Exception:
            return None
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
                        cache.set(key, value)
            except Exception:
                pass
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._cache is not None:
            try:
                self._cache.close()
            except Exception:
                pass
            self._cache = None

    def __enter__(self) -> "ProjectCache":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
