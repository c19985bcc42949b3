"""The search index: SQLite FTS5, kept in the project's cache folder and updated file by file.

Why SQLite FTS5: it ships with Python's standard library (no dependency, no server), ranks
with BM25, and already speaks the query language people expect — phrases (``"iron key"``),
prefixes (``prophe*``), ``AND``/``OR``/``NOT`` and ``NEAR`` — with a Unicode tokenizer that
folds case and diacritics (``Andrei`` finds *Andréi*). An index of War and Peace is a few
megabytes; a query is a B-tree lookup.

One row per non-blank line: of a scene's prose (its dialogue and its narration in two
columns, so ``--in dialogue`` is a column filter) or of a canon file. Beside it, in a plain
table, the line's position, who speaks in it, who acts in it and which canon entries it
names (from the scene's text index, the checker's own reading). A file's rows are
replaced when its content hash (and, for a scene, the canon name table and its POV)
changes; nothing else is touched. Where a scene sits in the book (order, chapter, POV)
is not stored: it is given to each query, so moving a scene re-indexes nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = 1
TOKENIZER = "unicode61 remove_diacritics 2"


def _ids(values) -> str:
    """Ids as `` a b `` so that ``LIKE '% a %'`` finds one."""
    return " " + " ".join(sorted(set(values))) + " " if values else ""


class SearchStore:
    def __init__(self, path: Path | str | None, stamp: str) -> None:
        """``path``: the database file (None: in memory); ``stamp``: the code that built it
        (a store built by other code is emptied and rebuilt)."""
        self.db = sqlite3.connect(str(path) if path is not None else ":memory:", timeout=30)
        if path is not None:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self._schema(stamp)

    def _schema(self, stamp: str) -> None:
        db = self.db
        db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE key='stamp'").fetchone()
        if row is None or row[0] != f"{SCHEMA}:{stamp}":
            for table in ("docs", "lines", "fts"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (f"{SCHEMA}:{stamp}",))
        db.execute("CREATE TABLE IF NOT EXISTS docs(path TEXT PRIMARY KEY, hash TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS lines(id INTEGER PRIMARY KEY, path TEXT NOT NULL, line INTEGER, "
                   "kind TEXT, text TEXT, speakers TEXT, actors TEXT, names TEXT)")
        db.execute("CREATE INDEX IF NOT EXISTS lines_path ON lines(path)")
        db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(dialogue, narration, tokenize='{TOKENIZER}')")
        db.commit()

    def hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT path, hash FROM docs"))

    def replace(self, path: str, digest: str, rows: list[tuple], known: bool = True) -> None:
        """The rows of one file: ``(line, kind, text, dialogue, narration, speakers, actors, names)``
        (``known``: the file may have rows already)."""
        if known:
            self.remove(path)
        db = self.db
        first = (db.execute("SELECT COALESCE(MAX(id), 0) FROM lines").fetchone()[0]) + 1
        ids = range(first, first + len(rows))
        db.executemany("INSERT INTO lines(id, path, line, kind, text, speakers, actors, names) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(i, path, line, kind, text, _ids(sp), _ids(ac), _ids(nm))
                        for i, (line, kind, text, _d, _n, sp, ac, nm) in zip(ids, rows)])
        db.executemany("INSERT INTO fts(rowid, dialogue, narration) VALUES (?, ?, ?)",
                       [(i, d, n) for i, (_l, _k, _t, d, n, _s, _a, _m) in zip(ids, rows)])
        db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?)", (path, digest))

    def remove(self, path: str) -> None:
        db = self.db
        db.execute("DELETE FROM fts WHERE rowid IN (SELECT id FROM lines WHERE path = ?)", (path,))
        db.execute("DELETE FROM lines WHERE path = ?", (path,))
        db.execute("DELETE FROM docs WHERE path = ?", (path,))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def clear_index(root) -> int:
    """Remove the search index of the project at ``root`` (``cache clear``): 1 if there was one."""
    from novelforge.cache import project_cache_dir

    removed = 0
    for suffix in ("", "-wal", "-shm"):
        path = project_cache_dir(root) / f"search.sqlite{suffix}"
        if path.is_file():
            path.unlink()
            removed += suffix == ""
    return removed
