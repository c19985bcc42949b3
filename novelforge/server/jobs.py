"""Background jobs: an export of the book, a check report or a Writers' Room review, run
outside the request.

The queue is Huey's, with SQLite storage in ``--data/jobs.sqlite3``, consumed by a
thread inside ``novelforge serve`` or by ``novelforge worker`` in a process of its own
(:mod:`.worker`): one consumer per data folder, which holds ``jobs.consumer.lock``.
Huey's messages are written as JSON, not pickle (:class:`JsonSerializer`). What a client
sees of a job — its state, progress, message and result file — is a row of the server's
database (``jobs``), so it outlives the queue's message: a job that was running when the
server stopped is put back in the queue when it starts again, and its result files live
in ``--data/jobs/``.

States: ``queued`` → ``running`` → ``done`` or ``failed`` (with a message a novelist
understands; a bug is logged and reads "internal error").

A ``review`` is :func:`novelforge.api.review` of the whole book (the room's findings,
NF701–NF704, rendered like ``check``): its progress follows the room's three rounds
(:data:`ROOM_STAGES`), its LLM calls are recorded in the spend ledger as ``serve-review``,
and it reads and writes the CLI's answer cache, so a review the author already ran (here
or with ``novelforge review``) sends nothing again. When it is done, its message is the
room's line (scenes reviewed, findings, requests sent and from the cache, the cost), with
the budget's stop when that ended it early; no model configured fails it with that sentence.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from pathlib import Path

from novelforge.errors import NovelForgeError
from novelforge.server.projects import Projects
from novelforge.server.store import Store, new_id

log = logging.getLogger("novelforge.server")
CONSUMER_LOCK = "jobs.consumer.lock"
KINDS = ("export", "check", "review")
CHECK_FORMATS = ("json", "sarif")
REVIEW_FORMATS = CHECK_FORMATS


def formats_of(kind: str) -> tuple[str, ...]:
    """The formats a job of ``kind`` can make (an export: every format of `novelforge
    export`)."""
    if kind == "export":
        from novelforge.formats import EXPORT

        return tuple(EXPORT)
    return REVIEW_FORMATS if kind == "review" else CHECK_FORMATS

# the room's rounds (novelforge.room.run.ask's stages): the share of a review's progress
# each one covers, and what the job's message calls it while it runs
ROOM_STAGES = {"summaries": (0.0, 0.2, "summarising the story so far"),
               "review": (0.2, 0.95, "the reviewers are reading"),
               "verify": (0.95, 0.99, "the second pass is checking the errors")}
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "docx-reading": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "epub": "application/epub+zip", "md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
         "txt": "text/plain; charset=utf-8", "json": "application/json", "sarif": "application/sarif+json"}


def _serializer():
    from huey.registry import Message
    from huey.serializer import Serializer

    class JsonSerializer(Serializer):
        """Huey's task messages as JSON: a queue entry is data, never code."""

        def _serialize(self, data) -> bytes:
            if not isinstance(data, Message):
                raise TypeError("only task messages are queued")
            fields = data._asdict()
            for key, value in fields.items():
                if isinstance(value, dt.datetime):
                    fields[key] = {"datetime": value.isoformat()}
            return json.dumps(fields).encode()

        def _deserialize(self, data: bytes):
            fields = json.loads(data)
            for key, value in fields.items():
                if isinstance(value, dict) and set(value) == {"datetime"}:
                    fields[key] = dt.datetime.fromisoformat(value["datetime"])
            fields["args"] = tuple(fields.get("args") or ())
            return Message(**fields)

    return JsonSerializer()


class Jobs:
    def __init__(self, store: Store, data_dir: Path, projects: Projects) -> None:
        from huey import SqliteHuey

        self.store = store
        self.projects = projects
        self.folder = Path(data_dir) / "jobs"
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.huey = SqliteHuey(name="novelforge", filename=str(Path(data_dir) / "jobs.sqlite3"), results=False,
                               serializer=_serializer(), utc=True)
        self._task = self.huey.task(name="novelforge.run_job", retries=0)(self._run)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None
        self.data_dir = Path(data_dir)

    # ------------------------------------------------------------------ the queue
    def start(self, *, required: bool = False) -> bool:
        """Put back the jobs a stopped consumer left running, and start consuming; whether
        this process consumes. One process consumes a data folder's jobs at a time (a lock
        on ``--data/jobs.consumer.lock``): when another holds it (``novelforge worker``),
        ``serve`` leaves the jobs to it, and a second worker (``required``) is refused
        with :class:`~novelforge.server.store.StoreError`."""
        if not self._claim():
            if required:
                from novelforge.server.store import StoreError

                raise StoreError(f"another process already runs the jobs of `{self.data_dir}`",
                                 help="one `novelforge worker` (or `novelforge serve` without --no-worker) "
                                      "per data folder")
            log.info(json.dumps({"event": "jobs-run-elsewhere", "detail": "another process consumes the jobs"}))
            return False
        with self.store.write() as conn:
            stuck = [r["id"] for r in conn.execute("SELECT id FROM jobs WHERE state = 'running'")]
            conn.execute("UPDATE jobs SET state = 'queued', progress = 0, updated_at = ? WHERE state = 'running'",
                         (time.time(),))
        for job_id in stuck:
            self._task(job_id)
        self._stop.clear()
        self._thread = threading.Thread(target=self._consume, name="novelforge-jobs", daemon=True)
        self._thread.start()
        return True

    def _claim(self) -> bool:
        import fcntl
        import os

        fd = os.open(self.data_dir / CONSUMER_LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None
        if self._lock_fd is not None:
            import os

            os.close(self._lock_fd)             # the lock goes with it
            self._lock_fd = None

    def _consume(self) -> None:
        while not self._stop.is_set():
            try:
                task = self.huey.dequeue()
            except Exception:  # a broken queue entry: logged, the consumer goes on
                log.exception(json.dumps({"event": "job-queue-error"}))
                task = None
            if task is None:
                self._stop.wait(0.2)
                continue
            self.huey.execute(task)

    def ready(self) -> bool:
        return self._thread is None or self._thread.is_alive()

    def counts(self) -> dict[str, int]:
        rows = self.store.conn().execute("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
        counts = {"queued": 0, "running": 0, "done": 0, "failed": 0}
        counts.update({r["state"]: r["n"] for r in rows})
        return counts

    # ------------------------------------------------------------------ jobs
    def submit(self, project: str, kind: str, fmt: str, user_id: int) -> dict:
        job_id = new_id()
        now = time.time()
        with self.store.write() as conn:
            conn.execute("INSERT INTO jobs (id, project, kind, format, state, progress, user_id, created_at, "
                         "updated_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?)",
                         (job_id, project, kind, fmt, user_id, now, now))
        self._task(job_id)
        return self.get(project, job_id)

    def get(self, project: str, job_id: str) -> dict | None:
        row = self.store.conn().execute("SELECT * FROM jobs WHERE id = ? AND project = ?",
                                        (job_id, project)).fetchone()
        return _view(row) if row else None

    def list(self, project: str, limit: int = 50) -> list[dict]:
        rows = self.store.conn().execute("SELECT * FROM jobs WHERE project = ? ORDER BY created_at DESC LIMIT ?",
                                         (project, limit))
        return [_view(r) for r in rows]

    def result_path(self, project: str, job_id: str) -> tuple[Path, str, str] | None:
        row = self.store.conn().execute("SELECT * FROM jobs WHERE id = ? AND project = ? AND state = 'done'",
                                        (job_id, project)).fetchone()
        if row is None or not row["result"]:
            return None
        path = self.folder / row["result"]
        return (path, MEDIA.get(row["format"], "application/octet-stream"), row["filename"] or row["result"]) \
            if path.is_file() else None

    def _update(self, job_id: str, **fields) -> None:
        fields["updated_at"] = time.time()
        names = ", ".join(f"{k} = ?" for k in fields)
        with self.store.write() as conn:
            conn.execute(f"UPDATE jobs SET {names} WHERE id = ?", (*fields.values(), job_id))

    def _run(self, job_id: str) -> None:
        row = self.store.conn().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None or row["state"] != "queued":
            return
        self._update(job_id, state="running", progress=0)
        try:
            data, suffix, filename, message = self._work(row)
            name = f"{job_id}.{suffix}"
            (self.folder / name).write_bytes(data)
            self._update(job_id, state="done", progress=1, result=name, filename=filename, message=message)
        except NovelForgeError as exc:
            self._update(job_id, state="failed", message=str(exc)[:500])
        except Exception as exc:  # a bug: logged with its traceback, the client reads one line
            log.exception(json.dumps({"event": "job-failed", "job": job_id, "error": type(exc).__name__}))
            self._update(job_id, state="failed", message="internal error")

    def _work(self, row) -> tuple[bytes, str, str, str | None]:
        """The result's bytes, suffix and download name, and the message of the done job."""
        project = self.projects.get(row["project"])
        if project is None:
            raise NovelForgeError(f"the project `{row['project']}` is no longer served")
        fmt = row["format"]
        if row["kind"] == "check":
            from novelforge.server.scenes import rendered

            suffix = "sarif" if fmt == "sarif" else "json"
            return rendered(project, fmt).encode("utf-8"), suffix, f"{project.name}-check.{suffix}", None
        if row["kind"] == "review":
            return self._review(row, project, fmt)
        from novelforge import api

        def progress(what, done, total):
            if total:
                self._update(row["id"], progress=round(min(done / total, 1.0) * 0.99, 3), message=str(what)[:200])

        exported = api.export(project.root, fmt, write=False, progress=progress)
        suffix = (exported.format.suffix or ".bin").lstrip(".")
        return exported.data, suffix, f"{project.name}.{suffix}", None

    def _review(self, row, project, fmt: str) -> tuple[bytes, str, str, str | None]:
        """The Writers' Room on every scene, as the CLI's ``review`` runs it (the same
        caches), rendered like ``check``. Raises LLMNotConfigured without a model."""
        from novelforge import api
        from novelforge.formats import CHECK

        reached = [0.0]           # the progress never goes back (a stage not in ROOM_STAGES stays put)

        def progress(stage: str, done: int, total: int) -> None:
            low, high, what = ROOM_STAGES.get(stage, (reached[0], reached[0], stage))
            if total:
                reached[0] = max(reached[0], low + (high - low) * min(done / total, 1.0))
                self._update(row["id"], progress=round(reached[0], 3), message=f"{what}: {done} of {total}"[:200])

        report = api.review(project.root, room=api.RoomOptions(progress=progress, command="serve-review"))
        suffix = "sarif" if fmt == "sarif" else "json"
        stats = report.room
        message = api.room_line(stats) if stats is not None else None
        if stats is not None and stats.stopped:
            message = f"{message} Stopped early: {stats.stopped}"
        return CHECK.render(fmt, report).encode("utf-8"), suffix, f"{project.name}-review.{suffix}", \
            message[:500] if message else None


def _view(row) -> dict:
    return {"id": row["id"], "kind": row["kind"], "format": row["format"], "state": row["state"],
            "progress": row["progress"], "message": row["message"], "created_at": row["created_at"],
            "updated_at": row["updated_at"], "result": bool(row["result"]) and row["state"] == "done"}
