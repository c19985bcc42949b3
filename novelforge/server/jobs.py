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

With ``--queue redis://…`` the queue is Huey's ``RedisHuey`` instead, with the same JSON
serializer, and a job's record and result are kept in Redis (:mod:`.queue_redis`), so that
any number of ``novelforge worker`` processes on other machines and one or more ``serve``
share them; there is no consumer lock, and a job whose worker died is put back by the
others (a lease). :class:`Jobs` is the one interface of both: the records are a
:class:`~novelforge.server.jobs_sqlite.SqliteRecords` or a
:class:`~novelforge.server.queue_redis.RedisRecords`, with the same methods, and the API
never asks which.

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
from dataclasses import dataclass
from pathlib import Path

from novelforge.errors import NovelForgeError
from novelforge.server.projects import Projects
from novelforge.server.store import Store, new_id

log = logging.getLogger("novelforge.server")
CONSUMER_LOCK = "jobs.consumer.lock"
REAP_SECONDS = 5.0           # how often a Redis consumer looks for jobs whose worker died
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


@dataclass(frozen=True)
class Result:
    """A done job's file: on disk (``path``) or its bytes (``data``)."""

    media: str
    filename: str
    path: Path | None = None
    data: bytes | None = None


class Jobs:
    """The queue and the jobs' records, on SQLite in ``--data`` (the default) or on the
    Redis at ``queue`` (:mod:`.queue_redis`); the API reads both the same way. Raises
    :class:`~novelforge.server.store.StoreError` (``queue`` not a Redis address, or no
    answer there)."""

    def __init__(self, store: Store | None, data_dir: Path, projects: Projects, queue: str | None = None) -> None:
        self.projects = projects
        self.data_dir = Path(data_dir)
        self.folder = self.data_dir / "jobs"
        self.queue = queue
        if queue:
            from huey import RedisHuey

            from novelforge.server.queue_redis import RedisRecords, connect

            pool = connect(queue)
            self.records = RedisRecords(pool)
            self.huey = RedisHuey(name="novelforge", connection_pool=pool, results=False, serializer=_serializer(),
                                  utc=True)
        else:
            from huey import SqliteHuey

            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            from novelforge.server.jobs_sqlite import SqliteRecords

            self.records = SqliteRecords(store)
            self.huey = SqliteHuey(name="novelforge", filename=str(self.data_dir / "jobs.sqlite3"), results=False,
                                   serializer=_serializer(), utc=True)
        self.backend = self.records.backend
        self._task = self.huey.task(name="novelforge.run_job", retries=0)(self._run)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None

    # ------------------------------------------------------------------ the queue
    def start(self, *, required: bool = False) -> bool:
        """Put back the jobs a stopped consumer left running, and start consuming; whether
        this process consumes. With SQLite, one process consumes a data folder's jobs at a
        time (a lock on ``--data/jobs.consumer.lock``): when another holds it (``novelforge
        worker``), ``serve`` leaves the jobs to it, and a second worker (``required``) is
        refused with :class:`~novelforge.server.store.StoreError`. With Redis, any number
        consume together, and each requeues the jobs whose worker died."""
        if not self.records.shared and not self._claim():
            if required:
                from novelforge.server.store import StoreError

                raise StoreError(f"another process already runs the jobs of `{self.data_dir}`",
                                 help="one `novelforge worker` (or `novelforge serve` without --no-worker) "
                                      "per data folder; several need --queue redis://…")
            log.info(json.dumps({"event": "jobs-run-elsewhere", "detail": "another process consumes the jobs"}))
            return False
        for job_id in self.records.recover():
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
        reaped = time.monotonic()
        while not self._stop.is_set():
            if self.records.shared and time.monotonic() - reaped > REAP_SECONDS:
                reaped = time.monotonic()
                try:
                    for job_id in self.records.recover():
                        self._task(job_id)
                except Exception:  # Redis away for a moment: the next round tries again
                    log.exception(json.dumps({"event": "job-recover-error"}))
            try:
                task = self.huey.dequeue()
            except Exception:  # a broken queue entry, or Redis away: logged, the consumer goes on
                log.exception(json.dumps({"event": "job-queue-error"}))
                self._stop.wait(1.0)
                task = None
            if task is None:
                self._stop.wait(0.2)
                continue
            self.huey.execute(task)

    def ready(self) -> bool:
        """The consumer thread (when this process has one) runs, and Redis answers."""
        return (self._thread is None or self._thread.is_alive()) and self.records.ready()

    def reachable(self) -> bool:
        return self.records.ready()

    def counts(self) -> dict[str, int]:
        return self.records.counts()

    # ------------------------------------------------------------------ jobs
    def submit(self, project: str, kind: str, fmt: str, user_id: int) -> dict:
        job_id = new_id()
        now = time.time()
        self.records.create({"id": job_id, "project": project, "kind": kind, "format": fmt, "state": "queued",
                             "progress": 0, "user_id": user_id, "created_at": now, "updated_at": now})
        self._task(job_id)
        return self.get(project, job_id)

    def _row(self, project: str, job_id: str):
        row = self.records.get(job_id)
        return row if row is not None and row["project"] == project else None

    def get(self, project: str, job_id: str) -> dict | None:
        row = self._row(project, job_id)
        return _view(row) if row else None

    def list(self, project: str, limit: int = 50) -> list[dict]:
        return [_view(r) for r in self.records.list(project, limit)]

    def result(self, project: str, job_id: str) -> Result | None:
        """The result of the done job ``job_id`` of ``project``: a file in ``--data/jobs/``
        (SQLite) or its bytes (Redis)."""
        row = self._row(project, job_id)
        if row is None or row["state"] != "done" or not row["result"]:
            return None
        found = self.records.result(row, self.folder)
        if found is None:
            return None
        media = MEDIA.get(row["format"], "application/octet-stream")
        filename = row["filename"] or f"{job_id}.bin"
        return Result(media, filename, path=found) if isinstance(found, Path) else Result(media, filename, data=found)

    def _run(self, job_id: str) -> None:
        import os
        import secrets

        token = f"{os.getpid()}:{secrets.token_hex(8)}"
        row = self.records.claim(job_id, token)
        if row is None:              # gone, or already taken (a second message for one job)
            return
        log.info(json.dumps({"event": "job-started", "job": job_id, "kind": row["kind"],
                             "attempt": row["attempts"] if "attempts" in row.keys() else 1}))

        def report(**fields) -> None:
            self.records.update(job_id, token, **fields)

        def end(state: str, data: bytes | None = None, **fields) -> None:
            self.records.finish(job_id, token, data=data, state=state, folder=self.folder, **fields)

        with self.records.holding(job_id, token):      # Redis: the lease renewed while it runs
            try:
                data, suffix, filename, message = self._work(row, report)
                end("done", data, progress=1, suffix=suffix, filename=filename, message=message)
            except NovelForgeError as exc:
                end("failed", message=str(exc)[:500])
            except Exception as exc:  # a bug: logged with its traceback, the client reads one line
                log.exception(json.dumps({"event": "job-failed", "job": job_id, "error": type(exc).__name__}))
                end("failed", message="internal error")
        log.info(json.dumps({"event": "job-ended", "job": job_id}))

    def _work(self, row, report) -> tuple[bytes, str, str, str | None]:
        """The result's bytes, suffix and download name, and the message of the done job;
        ``report(progress=…, message=…)`` while it runs."""
        project = self.projects.get(row["project"])
        if project is None and self.records.shared:
            import socket

            log.error(json.dumps({"event": "job-project-missing", "job": row["id"], "project": row["project"],
                                  "projects": str(self.projects.folder)}))
            raise NovelForgeError(f"the worker on `{socket.gethostname()}` that took this job has no project "
                                  f"`{row['project']}`: every worker needs the server's projects folder")
        if project is None:
            raise NovelForgeError(f"the project `{row['project']}` is no longer served")
        fmt = row["format"]
        if row["kind"] == "check":
            from novelforge.server.scenes import rendered

            suffix = "sarif" if fmt == "sarif" else "json"
            return rendered(project, fmt).encode("utf-8"), suffix, f"{project.name}-check.{suffix}", None
        if row["kind"] == "review":
            return self._review(row, project, fmt, report)
        from novelforge import api

        def progress(what, done, total):
            if total:
                report(progress=round(min(done / total, 1.0) * 0.99, 3), message=str(what)[:200])

        exported = api.export(project.root, fmt, write=False, progress=progress)
        suffix = (exported.format.suffix or ".bin").lstrip(".")
        return exported.data, suffix, f"{project.name}.{suffix}", None

    def _review(self, row, project, fmt: str, report) -> tuple[bytes, str, str, str | None]:
        """The Writers' Room on every scene, as the CLI's ``review`` runs it (the same
        caches), rendered like ``check``. Raises LLMNotConfigured without a model."""
        from novelforge import api
        from novelforge.formats import CHECK

        reached = [0.0]           # the progress never goes back (a stage not in ROOM_STAGES stays put)

        def progress(stage: str, done: int, total: int) -> None:
            low, high, what = ROOM_STAGES.get(stage, (reached[0], reached[0], stage))
            if total:
                reached[0] = max(reached[0], low + (high - low) * min(done / total, 1.0))
                report(progress=round(reached[0], 3), message=f"{what}: {done} of {total}"[:200])

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
