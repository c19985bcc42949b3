"""The spend ledger: one SQLite row per attempt (sent or answered from the cache).

It lives in the user's cache folder (``$NOVELFORGE_CACHE_DIR``, else e.g.
``~/.cache/novelforge``) as ``usage.sqlite3``, never in a project: a checkout cannot plant
or rewrite it, and ``novelforge cache clear`` never touches it. Rows name the project by
its real path. No row holds a prompt, an answer or a key: time, project, command, scene,
purpose, model, tokens, cost, cached, ok and a short, redacted error.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from novelforge.llm.types import Usage

FILE = "usage.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    month TEXT NOT NULL,
    project TEXT NOT NULL,
    command TEXT NOT NULL,
    scene TEXT,
    purpose TEXT NOT NULL,
    model TEXT,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    cost REAL,
    cached INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS calls_project_month ON calls (project, month);
"""


def ledger_path(home: Path | None = None) -> Path:
    from novelforge.cache import cache_home

    return (home or cache_home()) / FILE


def now() -> datetime:
    return datetime.now(timezone.utc)


def this_month() -> str:
    return now().strftime("%Y-%m")


def project_key(root: Path | str) -> str:
    return os.path.realpath(root)


class Ledger:
    """The ledger, opened on first use; thread-safe. A ledger that cannot be opened or
    written raises (:class:`OSError`, :class:`sqlite3.Error`, or
    :class:`~novelforge.cache.UnsafeCacheFolder`); the client turns that into a warning."""

    def __init__(self, home: Path | None = None, *, project: Path | str | None = None) -> None:
        self.home = home
        self.project = project        # a ledger inside this folder is refused (a checkout could plant it)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            from novelforge.cache import UnsafeCacheFolder, _private_dir, cache_home, inside

            home = self.home or cache_home()
            if self.project is not None and inside(home, Path(self.project)):
                raise UnsafeCacheFolder(f"the cache folder {home} is inside the project")
            _private_dir(home)
            path = ledger_path(home)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
            os.close(fd)
            db = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
            # a row per cached answer too: without WAL every row would wait for the disk
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def record(self, project: str, row: Usage) -> None:
        with self._lock:
            db = self._open()
            db.execute("INSERT INTO calls (at, month, project, command, scene, purpose, model, tokens_in, "
                       "tokens_out, cost, cached, ok, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (row.when, row.when[:7], project, row.command, row.scene, row.purpose, row.model,
                        row.tokens_in, row.tokens_out, row.cost, int(row.cached), int(row.ok),
                        row.extra.get("error")))

    def spent(self, project: str, month: str) -> float:
        """What ``project`` spent in ``month`` (``YYYY-MM``), in USD (unpriced calls count 0)."""
        with self._lock:
            db = self._open()
            (total,) = db.execute("SELECT COALESCE(SUM(cost), 0) FROM calls WHERE project = ? AND month = ?",
                                  (project, month)).fetchone()
        return float(total)

    def rows(self, project: str, month: str) -> list[Usage]:
        with self._lock:
            db = self._open()
            cur = db.execute("SELECT at, command, scene, purpose, model, tokens_in, tokens_out, cost, cached, ok, "
                             "error FROM calls WHERE project = ? AND month = ? ORDER BY id", (project, month))
            out = [Usage(when=r[0], command=r[1], scene=r[2], purpose=r[3], model=r[4], tokens_in=r[5],
                         tokens_out=r[6], cost=r[7], cached=bool(r[8]), ok=bool(r[9]),
                         extra={"error": r[10]} if r[10] else {}) for r in cur.fetchall()]
        return out

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


@dataclass
class Group:
    """One line of ``novelforge usage``: the calls of one day, command or model."""

    key: str
    calls: int = 0            # requests sent
    cached: int = 0           # answered from the cache
    failed: int = 0           # sent, no usable answer
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    unpriced: int = 0         # sent to a model with no known price (cost unknown)

    def add(self, row: Usage) -> None:
        if row.cached:
            self.cached += 1
            return
        self.calls += 1
        self.failed += 0 if row.ok else 1
        self.tokens_in += row.tokens_in
        self.tokens_out += row.tokens_out
        if row.cost is None:
            self.unpriced += 1
        else:
            self.cost += row.cost

    def as_dict(self) -> dict:
        return {"key": self.key, "calls": self.calls, "cached": self.cached, "failed": self.failed,
                "tokens_in": self.tokens_in, "tokens_out": self.tokens_out, "cost": round(self.cost, 6),
                "unpriced": self.unpriced}


def group(rows: list[Usage], by: str) -> tuple[list[Group], Group]:
    """The rows grouped by ``day``, ``command`` or ``model`` (sorted), and the total."""
    groups: dict[str, Group] = {}
    total = Group("total")
    for row in rows:
        key = {"day": row.when[:10], "command": row.command or "-", "model": row.model or "-"}[by]
        groups.setdefault(key, Group(key)).add(row)
        total.add(row)
    return [groups[k] for k in sorted(groups)], total
