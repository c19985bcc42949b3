"""The server's database: users, memberships, refresh tokens and the audit log, in one
SQLite file under ``--data`` (never inside a manuscript).

SQLite is opened the way a server needs it: write-ahead logging (readers never wait for a
writer), ``busy_timeout`` (a writer waits for another instead of failing with "database is
locked"), ``BEGIN IMMEDIATE`` for every write (the lock is taken up front, so two writers
cannot both read and then deadlock on the upgrade), foreign keys on, one connection per
thread.

Migrations are a numbered list of SQL scripts (1: accounts and the audit log; 2: jobs);
``schema_migrations`` records which have run, and :func:`Store.migrate` runs the others
in order, each in its own transaction. A
list in the code rather than a migration framework: the schema is small, SQLite is the
only dialect, and an upgrade is then one command with nothing to install (docs/server.md,
"Upgrades"). A database newer than the code is refused rather than guessed at.

The audit log is append-only: triggers refuse an ``UPDATE`` or ``DELETE`` of its rows.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from novelforge.errors import NovelForgeError

DB_FILE = "novelforge-server.sqlite3"
BUSY_TIMEOUT_MS = 10_000
ROLES = ("owner", "editor", "viewer")

MIGRATIONS: tuple[str, ...] = (
    # 1: accounts, memberships, refresh tokens, the audit log
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL
    );
    CREATE TABLE memberships (
        project TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        role TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
        PRIMARY KEY (project, user_id)
    );
    CREATE TABLE refresh_tokens (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        family TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL,
        revoked_at REAL
    );
    CREATE INDEX refresh_family ON refresh_tokens(family);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        user_id INTEGER,
        username TEXT,
        action TEXT NOT NULL,
        project TEXT,
        object TEXT,
        commit_id TEXT,
        address TEXT,
        detail TEXT
    );
    CREATE INDEX audit_project ON audit(project, id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # 2: background jobs (novelforge.server.jobs): what clients see of each queued job
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        project TEXT NOT NULL,
        kind TEXT NOT NULL,
        format TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        progress REAL NOT NULL DEFAULT 0,
        message TEXT,
        result TEXT,
        filename TEXT,
        user_id INTEGER REFERENCES users(id),
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX jobs_project ON jobs(project, created_at);
    """,
)


class StoreError(NovelForgeError):
    """A problem with the server's database or an admin command's input (exit code 2)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    name: str
    email: str
    password_hash: str
    disabled: bool


@dataclass(frozen=True)
class Member:
    project: str
    username: str
    name: str
    role: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    username: str | None
    action: str
    project: str | None
    object: str | None
    commit_id: str | None
    address: str | None
    detail: str | None

    def as_dict(self) -> dict:
        return {"id": self.id, "at": self.at, "user": self.username, "action": self.action,
                "project": self.project, "object": self.object, "commit": self.commit_id,
                "address": self.address, "detail": self.detail}


class Store:
    """The database in ``data_dir`` (created, and migrated, on first use)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.data_dir / DB_FILE
        self._local = threading.local()
        self.migrate()

    # ------------------------------------------------------------------ connection
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    def write(self):
        """A write transaction (``BEGIN IMMEDIATE``), committed on success."""
        return _Write(self.conn())

    def schema_version(self) -> int:
        conn = self.conn()
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL)")
        row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    def migrate(self) -> int:
        """Run the migrations not yet applied; the schema version after."""
        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise StoreError(f"the database `{self.path}` was written by a newer NovelForge (schema {current})",
                             help="upgrade NovelForge, or restore a backup made by this version")
        for number, script in enumerate(MIGRATIONS, start=1):
            if number <= current:
                continue
            with self.write() as conn:
                if conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (number,)).fetchone():
                    continue        # another process ran it while we waited for the lock
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (number, time.time()))
        return len(MIGRATIONS)

    def ready(self) -> bool:
        try:
            return self.conn().execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)
        except sqlite3.Error:
            return False

    # ------------------------------------------------------------------ users
    def add_user(self, username: str, name: str, email: str, password_hash: str) -> User:
        _check_username(username)
        with self.write() as conn:
            try:
                conn.execute("INSERT INTO users (username, name, email, password_hash, created_at) "
                             "VALUES (?, ?, ?, ?, ?)", (username, name or username, email, password_hash, time.time()))
            except sqlite3.IntegrityError:
                raise StoreError(f"the user `{username}` already exists") from None
        return self.user(username)

    def user(self, username: str) -> User | None:
        row = self.conn().execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        return _user(row)

    def user_by_id(self, user_id: int) -> User | None:
        return _user(self.conn().execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone())

    def users(self) -> list[User]:
        return [_user(r) for r in self.conn().execute("SELECT * FROM users ORDER BY username")]

    def set_password(self, username: str, password_hash: str) -> None:
        with self.write() as conn:
            if conn.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                            (password_hash, username)).rowcount == 0:
                raise StoreError(f"there is no user `{username}`")

    def set_disabled(self, username: str, disabled: bool = True) -> None:
        with self.write() as conn:
            row = conn.execute("SELECT id FROM users WHERE username = ?", (username,)).fetchone()
            if row is None:
                raise StoreError(f"there is no user `{username}`")
            conn.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), row["id"]))
            if disabled:
                conn.execute("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                             (time.time(), row["id"]))

    # ------------------------------------------------------------------ memberships
    def role(self, project: str, user_id: int) -> str | None:
        row = self.conn().execute("SELECT role FROM memberships WHERE project = ? AND user_id = ?",
                                  (project, user_id)).fetchone()
        return row["role"] if row else None

    def projects_of(self, user_id: int) -> dict[str, str]:
        rows = self.conn().execute("SELECT project, role FROM memberships WHERE user_id = ? ORDER BY project",
                                   (user_id,))
        return {r["project"]: r["role"] for r in rows}

    def members(self, project: str) -> list[Member]:
        rows = self.conn().execute(
            "SELECT m.project, u.username, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id "
            "WHERE m.project = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 ELSE 2 END, u.username",
            (project,))
        return [Member(**dict(r)) for r in rows]

    def grant(self, project: str, username: str, role: str) -> None:
        """Give ``username`` ``role`` in ``project`` (a new member, or a new role). The last
        owner cannot be demoted."""
        if role not in ROLES:
            raise StoreError(f"`{role}` is not a role; use owner, editor or viewer")
        with self.write() as conn:
            user = _user(conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone())
            if user is None:
                raise StoreError(f"there is no user `{username}`")
            current = conn.execute("SELECT role FROM memberships WHERE project = ? AND user_id = ?",
                                   (project, user.id)).fetchone()
            if current and current["role"] == "owner" and role != "owner":
                _keep_an_owner(conn, project, user.id)
            conn.execute("INSERT INTO memberships (project, user_id, role) VALUES (?, ?, ?) "
                         "ON CONFLICT (project, user_id) DO UPDATE SET role = excluded.role", (project, user.id, role))

    def revoke(self, project: str, username: str) -> None:
        with self.write() as conn:
            user = _user(conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone())
            current = user and conn.execute("SELECT role FROM memberships WHERE project = ? AND user_id = ?",
                                            (project, user.id)).fetchone()
            if not current:
                raise StoreError(f"`{username}` is not a member of `{project}`")
            if current["role"] == "owner":
                _keep_an_owner(conn, project, user.id)
            conn.execute("DELETE FROM memberships WHERE project = ? AND user_id = ?", (project, user.id))

    # ------------------------------------------------------------------ refresh tokens
    def add_refresh(self, token_hash: str, family: str, user_id: int, ttl: float) -> None:
        now = time.time()
        with self.write() as conn:
            conn.execute("INSERT INTO refresh_tokens (token_hash, family, user_id, created_at, expires_at) "
                         "VALUES (?, ?, ?, ?, ?)", (token_hash, family, user_id, now, now + ttl))

    def rotate_refresh(self, token_hash: str, new_hash: str, ttl: float) -> tuple[str, int | None, str | None]:
        """Use a refresh token once: ``("ok", user_id, family)`` after recording its
        successor ``new_hash``; ``("reused", user_id, family)`` when it was used or revoked
        before (the whole family is revoked now); ``("invalid", None, None)`` otherwise."""
        now = time.time()
        with self.write() as conn:
            row = conn.execute("SELECT * FROM refresh_tokens WHERE token_hash = ?", (token_hash,)).fetchone()
            if row is None:
                return "invalid", None, None
            if row["used_at"] is not None or row["revoked_at"] is not None:
                conn.execute("UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                             (now, row["family"]))
                return "reused", row["user_id"], row["family"]
            if row["expires_at"] < now:
                return "invalid", None, None
            conn.execute("UPDATE refresh_tokens SET used_at = ? WHERE id = ?", (now, row["id"]))
            conn.execute("INSERT INTO refresh_tokens (token_hash, family, user_id, created_at, expires_at) "
                         "VALUES (?, ?, ?, ?, ?)", (new_hash, row["family"], row["user_id"], now, now + ttl))
            return "ok", row["user_id"], row["family"]

    def revoke_family(self, family: str) -> None:
        with self.write() as conn:
            conn.execute("UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL",
                         (time.time(), family))

    def family_live(self, family: str) -> bool:
        """Whether a session still stands: some token of the family is neither revoked nor
        expired (an access token of a revoked family is refused)."""
        row = self.conn().execute("SELECT 1 FROM refresh_tokens WHERE family = ? AND revoked_at IS NULL "
                                  "AND expires_at > ? LIMIT 1", (family, time.time())).fetchone()
        return row is not None

    # ------------------------------------------------------------------ audit
    def audit(self, action: str, *, user: User | None = None, project: str | None = None, obj: str | None = None,
              commit: str | None = None, address: str | None = None, detail: str | None = None) -> None:
        with self.write() as conn:
            conn.execute("INSERT INTO audit (at, user_id, username, action, project, object, commit_id, address, "
                         "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (time.time(), user.id if user else None, user.username if user else None, action, project,
                          obj, commit, address, detail))

    def audit_log(self, project: str | None = None, limit: int = 200) -> list[AuditEntry]:
        if project is None:
            rows = self.conn().execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self.conn().execute("SELECT * FROM audit WHERE project = ? ORDER BY id DESC LIMIT ?",
                                       (project, limit))
        return [AuditEntry(r["id"], r["at"], r["username"], r["action"], r["project"], r["object"], r["commit_id"],
                           r["address"], r["detail"]) for r in rows]


class _Write:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind, *_exc) -> None:
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration (a trigger's body keeps its own semicolons)."""
    buffer = ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""


def _user(row) -> User | None:
    if row is None:
        return None
    return User(row["id"], row["username"], row["name"], row["email"], row["password_hash"], bool(row["disabled"]))


def _keep_an_owner(conn: sqlite3.Connection, project: str, user_id: int) -> None:
    others = conn.execute("SELECT COUNT(*) FROM memberships WHERE project = ? AND role = 'owner' AND user_id != ?",
                          (project, user_id)).fetchone()[0]
    if not others:
        raise StoreError(f"`{project}` would have no owner left",
                         help="make someone else an owner first")


def _check_username(username: str) -> None:
    import re

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", username or ""):
        raise StoreError(f"`{username}` is not a user name: letters, digits, `.`, `_` and `-`, at most 64")


def new_id() -> str:
    return secrets.token_urlsafe(16)
