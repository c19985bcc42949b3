"""The job records of the embedded queue: rows of the server's database (table ``jobs``)
and result files in ``--data/jobs/``, for the one consumer of a data folder. The same
methods as :class:`~novelforge.server.queue_redis.RedisRecords`; :class:`~novelforge.server.jobs.Jobs`
uses one or the other."""

from __future__ import annotations

import time
from pathlib import Path

from novelforge.server.store import Store


class SqliteRecords:
    """The job records in the server's database (table ``jobs``) and the result files in
    ``--data/jobs/``: the embedded default, for one consumer on the server's machine."""

    backend = "sqlite"
    shared = False          # one consumer per data folder (the lock)

    def __init__(self, store: Store) -> None:
        self.store = store

    def ready(self) -> bool:
        return True

    def create(self, job: dict) -> None:
        with self.store.write() as conn:
            conn.execute("INSERT INTO jobs (id, project, kind, format, state, progress, user_id, created_at, "
                         "updated_at) VALUES (:id, :project, :kind, :format, 'queued', 0, :user_id, :created_at, "
                         ":updated_at)", job)

    def get(self, job_id: str):
        return self.store.conn().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()

    def list(self, project: str, limit: int) -> list:
        return list(self.store.conn().execute("SELECT * FROM jobs WHERE project = ? ORDER BY created_at DESC "
                                              "LIMIT ?", (project, limit)))

    def result(self, row, folder: Path) -> Path | None:
        path = folder / row["result"]
        return path if path.is_file() else None

    def counts(self) -> dict[str, int]:
        rows = self.store.conn().execute("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
        counts = {"queued": 0, "running": 0, "done": 0, "failed": 0}
        counts.update({r["state"]: r["n"] for r in rows})
        return counts

    def claim(self, job_id: str, token: str):
        with self.store.write() as conn:
            taken = conn.execute("UPDATE jobs SET state = 'running', progress = 0, updated_at = ? "
                                 "WHERE id = ? AND state = 'queued'", (time.time(), job_id)).rowcount
        return self.get(job_id) if taken else None

    def update(self, job_id: str, token: str, **fields) -> bool:
        fields["updated_at"] = time.time()
        names = ", ".join(f"{k} = ?" for k in fields)
        with self.store.write() as conn:
            conn.execute(f"UPDATE jobs SET {names} WHERE id = ?", (*fields.values(), job_id))
        return True

    def finish(self, job_id: str, token: str, *, data: bytes | None, state: str, folder: Path, **fields) -> bool:
        if data is not None:
            name = f"{job_id}.{fields.pop('suffix')}"
            (folder / name).write_bytes(data)
            fields["result"] = name
        fields.pop("suffix", None)
        return self.update(job_id, token, state=state, **fields)

    def holding(self, job_id: str, token: str):
        from contextlib import nullcontext

        return nullcontext()

    def recover(self) -> list[str]:
        """Every job left running (by the one consumer, which stopped), queued again."""
        with self.store.write() as conn:
            stuck = [r["id"] for r in conn.execute("SELECT id FROM jobs WHERE state = 'running'")]
            conn.execute("UPDATE jobs SET state = 'queued', progress = 0, updated_at = ? WHERE state = 'running'",
                         (time.time(),))
        return stuck
