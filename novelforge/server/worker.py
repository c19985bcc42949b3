"""``novelforge worker``: the background jobs of a data folder (exports, check reports,
Writers' Room reviews) run in a process of their own, so a long export or review never
shares the server's interpreter with its requests. Start ``novelforge serve
--no-worker`` (or just ``serve``: it leaves the jobs to a worker it finds running) and
one ``novelforge worker`` with the same ``--projects`` and ``--data``; the worker takes
the queue's lock (one consumer per data folder) and runs until SIGTERM or SIGINT, then
finishes the job it is running.

With ``--queue redis://…`` the jobs are in Redis (:mod:`.queue_redis`): any number of
workers, on any machine that reaches that Redis and sees the projects folder, run them
together; such a worker does not use ``--data`` at all (no lock, no database)."""

from __future__ import annotations

import json
import logging
import signal
import threading
from pathlib import Path

log = logging.getLogger("novelforge.server")


def work(projects: Path, data: Path, *, queue: str | None = None, stop: threading.Event | None = None) -> None:
    """Run the jobs of ``data`` (or of the Redis at ``queue``) on the projects under
    ``projects`` until ``stop`` is set (or a SIGTERM/SIGINT arrives, when called in the
    main thread). Raises :class:`~novelforge.server.store.StoreError` (another process
    runs these jobs; a database from a newer version; ``queue`` not a Redis address or
    not answering)."""
    from novelforge.server.checking import checker
    from novelforge.server.jobs import Jobs
    from novelforge.server.observe import configure_logging, start_sentry
    from novelforge.server.projects import Projects
    from novelforge.server.queue_redis import shown
    from novelforge.server.store import Store

    configure_logging()
    start_sentry()
    checker().inline = True         # this is the process of its own: a check job needs no other
    stop = stop or threading.Event()
    jobs = Jobs(None if queue else Store(data), data, Projects(projects), queue=queue)
    jobs.start(required=True)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    where = {"queue": shown(queue)} if queue else {"data": str(data)}
    log.info(json.dumps({"event": "worker-started", "projects": str(projects), **where}))
    try:
        while not stop.wait(1.0):
            if not jobs.ready():
                log.error(json.dumps({"event": "worker-stopped", "detail": "the job consumer ended"}))
                break
    finally:
        jobs.stop()
        log.info(json.dumps({"event": "worker-stopped"}))
