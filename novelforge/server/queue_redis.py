"""The job records when the queue is Redis (``--queue redis://…``): many workers on several
machines and one or more ``serve`` share one Redis, and every one of them reads and writes
a job's record and its result there, never in a machine's own files.

Keys, all under ``novelforge:`` in the URL's database (Huey's own are ``huey.*.novelforge``):

* ``job:{id}`` — a hash: project, kind, format, state, progress, message, filename, the
  user who asked, created and updated times, ``attempts`` and the ``worker`` (host:pid)
  that last took it;
* ``result:{id}`` — the result's bytes;
* ``lease:{id}`` — the token of the worker running the job, with an expiry (:data:`LEASE_SECONDS`);
* ``project:{name}`` — the project's job ids by creation time (a sorted set);
* ``queued``, ``running`` (sets) and ``done``, ``failed`` (sorted by when they ended): the
  job queue gauge of ``/metrics``.

A finished job's record and result are kept :data:`KEEP_DAYS` days (a Redis expiry), then
disappear from the list; download what you want to keep.

Exactly once: Huey pops a message atomically (``BRPOP``: one consumer gets it), and a job
then moves from ``queued`` to ``running`` in one Lua script (:data:`_CLAIM`), so a second
message for the same job (a requeue racing the first) finds it running and does nothing.
Huey's Redis queue has no acknowledgement — a message a dead worker took is gone — so the
worker running a job holds a *lease*: a key with an expiry of :data:`LEASE_SECONDS`,
renewed every third of that by a thread while the job runs. Every consumer looks every
:data:`~novelforge.server.jobs.REAP_SECONDS` seconds for running jobs whose lease has expired (their worker was
killed, lost power or lost Redis) and queues them again, once; a job whose worker died on
its second attempt fails with a sentence saying so. Every write of a running job is fenced
by the lease: a worker that was stalled past its lease and comes back cannot overwrite the
job another worker took over. One window stays open: a worker killed in the instant between
taking the message and marking the job running leaves it queued; start it again.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from novelforge.server.store import StoreError

log = logging.getLogger("novelforge.server")
PREFIX = "novelforge:"
SCHEMES = ("redis", "rediss")
LEASE_SECONDS = 30.0
KEEP_DAYS = 7
MAX_ATTEMPTS = 2
CONNECT_TIMEOUT = 5.0
REQUEUED = "its worker stopped while it ran; it is queued again"
DIED = "the job stopped twice because the worker running it stopped; start it again"
FIELDS = ("id", "project", "kind", "format", "state", "progress", "message", "result", "filename", "user_id",
          "created_at", "updated_at", "attempts", "worker")

_CLAIM = """
if redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'running', 'progress', '0', 'updated_at', ARGV[4], 'worker', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
return 1
"""
_UPDATE = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[2], unpack(ARGV, 3))
return 1
"""
_RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
"""
# KEYS: job, lease, running, done-or-failed, result; ARGV: token, now, keep, id, has result, bytes, fields...
_FINISH = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if ARGV[5] == '1' then redis.call('SET', KEYS[5], ARGV[6], 'EX', ARGV[3]) end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[2], unpack(ARGV, 7))
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SREM', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[4])
redis.call('DEL', KEYS[2])
return 1
"""
# KEYS: job, lease, running, queued, failed; ARGV: id, now, max attempts, keep, requeued, died
_RECOVER = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then redis.call('SREM', KEYS[3], ARGV[1]) return 0 end
redis.call('SREM', KEYS[3], ARGV[1])
if tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0') >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'state', 'failed', 'message', ARGV[6], 'updated_at', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  redis.call('ZADD', KEYS[5], ARGV[2], ARGV[1])
  return 2
end
redis.call('HSET', KEYS[1], 'state', 'queued', 'progress', '0', 'message', ARGV[5], 'updated_at', ARGV[2])
redis.call('SADD', KEYS[4], ARGV[1])
return 1
"""


def shown(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def is_redis(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme.lower() in SCHEMES


def connect(url: str):
    """A connection pool to the Redis at ``url``, which answered a PING. Raises
    :class:`~novelforge.server.store.StoreError` (not a redis:// or rediss:// address,
    the redis package missing, no answer)."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in SCHEMES:
        raise StoreError(f"the job queue `{shown(url)[:200]}` is not a Redis address",
                         help="give --queue (or NOVELFORGE_QUEUE) as redis://HOST:PORT/DB or rediss://HOST:PORT/DB; "
                              "leave it out to keep the jobs in --data")
    try:
        import redis
    except ImportError:
        raise StoreError("a Redis job queue needs the `redis` package",
                         help="pip install 'novelforge-toolchain[server]'") from None
    try:
        pool = redis.ConnectionPool.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT,
                                             socket_timeout=LEASE_SECONDS, health_check_interval=15)
        redis.Redis(connection_pool=pool).ping()
    except (redis.RedisError, ValueError, OSError) as exc:
        reason = "it refused the password" if isinstance(exc, redis.AuthenticationError) else "it does not answer"
        raise StoreError(f"cannot reach the job queue's Redis at `{shown(url)[:200]}`: {reason}",
                         help="start redis-server there, or check the address, the password and the firewall") \
            from None
    return pool


def _s(value) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _record(raw: dict) -> dict | None:
    if not raw:
        return None
    row = {name: _s(raw.get(name.encode())) for name in FIELDS}
    row["progress"] = float(row["progress"] or 0)
    row["created_at"] = float(row["created_at"] or 0)
    row["updated_at"] = float(row["updated_at"] or 0)
    row["attempts"] = int(row["attempts"] or 0)
    row["user_id"] = int(row["user_id"]) if row["user_id"] else None
    return row


class RedisRecords:
    """The job records in Redis (the module's docstring): the same methods as
    :class:`~novelforge.server.jobs_sqlite.SqliteRecords`."""

    backend = "redis"
    shared = True          # several consumers at once, on several machines

    def __init__(self, pool, *, lease: float | None = None) -> None:
        import redis

        self.redis = redis.Redis(connection_pool=pool)
        self.lease_seconds = lease or float(os.environ.get("NOVELFORGE_JOB_LEASE_SECONDS") or LEASE_SECONDS)
        self.keep = KEEP_DAYS * 86400
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self._claim = self.redis.register_script(_CLAIM)
        self._update = self.redis.register_script(_UPDATE)
        self._renew = self.redis.register_script(_RENEW)
        self._finish = self.redis.register_script(_FINISH)
        self._recover = self.redis.register_script(_RECOVER)

    @staticmethod
    def key(*parts: str) -> str:
        return PREFIX + ":".join(parts)

    def ready(self) -> bool:
        try:
            return bool(self.redis.ping())
        except Exception:
            return False

    # ------------------------------------------------------------------ what clients read
    def create(self, job: dict) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.key("job", job["id"]), mapping={k: ("" if v is None else str(v)) for k, v in job.items()})
        pipe.zadd(self.key("project", job["project"]), {job["id"]: job["created_at"]})
        pipe.sadd(self.key("queued"), job["id"])
        pipe.execute()

    def get(self, job_id: str) -> dict | None:
        return _record(self.redis.hgetall(self.key("job", job_id)))

    def list(self, project: str, limit: int) -> list[dict]:
        ids = [_s(i) for i in self.redis.zrevrange(self.key("project", project), 0, limit * 2 - 1)]
        pipe = self.redis.pipeline(transaction=False)
        for job_id in ids:
            pipe.hgetall(self.key("job", job_id))
        rows, gone = [], []
        for job_id, raw in zip(ids, pipe.execute()):
            row = _record(raw)
            (rows if row else gone).append(row or job_id)
        if gone:                           # kept past KEEP_DAYS: their records expired
            self.redis.zrem(self.key("project", project), *gone)
        return rows[:limit]

    def result(self, row: dict, folder) -> bytes | None:
        return self.redis.get(self.key("result", row["id"]))

    def counts(self) -> dict[str, int]:
        pipe = self.redis.pipeline(transaction=False)
        pipe.scard(self.key("queued"))
        pipe.scard(self.key("running"))
        for state in ("done", "failed"):
            pipe.zremrangebyscore(self.key(state), "-inf", time.time() - self.keep)
            pipe.zcard(self.key(state))
        queued, running, _, done, _, failed = pipe.execute()
        return {"queued": queued, "running": running, "done": done, "failed": failed}

    # ------------------------------------------------------------------ what workers write
    def claim(self, job_id: str, token: str) -> dict | None:
        ok = self._claim(keys=[self.key("job", job_id), self.key("lease", job_id), self.key("queued"),
                               self.key("running")],
                         args=[job_id, token, int(self.lease_seconds * 1000), time.time(), self.worker])
        return self.get(job_id) if ok else None

    def update(self, job_id: str, token: str, **fields) -> bool:
        flat = [x for k, v in fields.items() for x in (k, "" if v is None else str(v))]
        return bool(self._update(keys=[self.key("job", job_id), self.key("lease", job_id)],
                                 args=[token, time.time(), *flat]))

    def finish(self, job_id: str, token: str, *, data: bytes | None, state: str, folder=None, **fields) -> bool:
        fields = {"state": state, **fields, **({"result": "1"} if data is not None else {})}
        flat = [x for k, v in fields.items() for x in (k, "" if v is None else str(v))]
        ok = self._finish(keys=[self.key("job", job_id), self.key("lease", job_id), self.key("running"),
                                self.key(state), self.key("result", job_id)],
                          args=[token, time.time(), self.keep, job_id, "1" if data is not None else "0",
                                data if data is not None else b"", *flat])
        if not ok:
            log.warning(json.dumps({"event": "job-lease-lost", "job": job_id,
                                    "detail": "another worker took the job over; this one's result is dropped"}))
        return bool(ok)

    def holding(self, job_id: str, token: str) -> "_Lease":
        return _Lease(self, job_id, token)

    def recover(self) -> list[str]:
        """The running jobs whose lease expired, queued again (their ids, for the queue);
        the ones on their last attempt failed."""
        again = []
        for raw in self.redis.smembers(self.key("running")):
            job_id = _s(raw)
            done = self._recover(keys=[self.key("job", job_id), self.key("lease", job_id), self.key("running"),
                                       self.key("queued"), self.key("failed")],
                                 args=[job_id, time.time(), MAX_ATTEMPTS, self.keep, REQUEUED, DIED])
            if done:
                log.warning(json.dumps({"event": "job-worker-lost", "job": job_id,
                                        "detail": "queued again" if done == 1 else "failed"}))
            if done == 1:
                again.append(job_id)
        return again


class _Lease:
    """While a job runs, its lease renewed every third of its length."""

    def __init__(self, records: RedisRecords, job_id: str, token: str) -> None:
        self.records, self.job_id, self.token = records, job_id, token
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="novelforge-job-lease", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _renew(self) -> None:
        records = self.records
        while not self._stop.wait(records.lease_seconds / 3):
            try:
                if not records._renew(keys=[records.key("lease", self.job_id)],
                                      args=[self.token, int(records.lease_seconds * 1000)]):
                    log.warning(json.dumps({"event": "job-lease-lost", "job": self.job_id}))
                    return
            except Exception:  # Redis away for a moment: the next round tries again
                log.warning(json.dumps({"event": "job-lease-renew-failed", "job": self.job_id}))
