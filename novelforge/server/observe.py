"""Operations: a request id and one JSON log line per request, Prometheus metrics,
``/healthz`` (the process answers) and ``/readyz`` (the database is migrated, the
projects folder readable, the job queue's Redis reachable), and errors sent to Sentry when ``SENTRY_DSN`` is set."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from novelforge.server.roles import PUBLIC, rule

log = logging.getLogger("novelforge.server")
router = APIRouter(tags=["operations"])
_RID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        try:
            data = json.loads(message)
        except ValueError:
            data = {"message": message}
        if not isinstance(data, dict):
            data = {"message": message}
        out = {"ts": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name, **data}
        if record.exc_info and record.levelno >= logging.ERROR:
            out["traceback"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


SENTRY_DSN = "SENTRY_DSN"


def start_sentry(environ=None) -> bool:
    """Send errors (a 500's exception, a failed job's traceback: every ERROR log line with
    one) to Sentry when ``SENTRY_DSN`` is set and ``sentry-sdk`` is installed (the
    ``sentry`` extra). No request body, cookie, token or user data is sent
    (sentry-sdk 2: ``send_default_pii`` off; 3: ``data_collection`` with user, cookies,
    headers and query strings off; both: no request bodies and no local variables of the
    stack's frames, which hold the request's headers); ``SENTRY_ENVIRONMENT`` and ``SENTRY_TRACES_SAMPLE_RATE``
    (default 0: no performance traces) are read too. Whether it started."""
    import os

    environ = os.environ if environ is None else environ
    dsn = environ.get(SENTRY_DSN, "").strip()
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        log.warning(json.dumps({"event": "sentry-not-installed", "detail": "SENTRY_DSN is set but sentry-sdk is "
                                "not installed: pip install 'novelforge-toolchain[server,sentry]'"}))
        return False
    from novelforge import __version__

    try:
        rate = float(environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0)
    except ValueError:
        rate = 0.0
    options = {"dsn": dsn, "release": f"novelforge@{__version__}", "environment": environ.get("SENTRY_ENVIRONMENT"),
               "max_request_body_size": "never", "traces_sample_rate": rate}
    if int(str(getattr(sentry_sdk, "VERSION", "2")).split(".")[0]) >= 3:
        # sentry-sdk 3 names what it collects in one option: no user, cookies, headers
        # (the bearer token), bodies, query strings or local variables
        off = {"mode": "off"}
        options["data_collection"] = {"user_info": False, "cookies": off, "http_headers": {"request": off},
                                      "http_bodies": [], "url_query_params": off, "stack_frame_variables": False}
    else:
        options.update(send_default_pii=False, include_local_variables=False)
    sentry_sdk.init(**options)
    log.info(json.dumps({"event": "sentry-started"}))
    return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in ("novelforge.server", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


class Metrics:
    """The server's own registry (not the process-global one: tests start several apps)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter("novelforge_http_requests_total", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("novelforge_http_request_seconds", "Time to answer an HTTP request",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.jobs = Gauge("novelforge_jobs", "Background jobs by state", ["state"], registry=self.registry)
        self.backend = Gauge("novelforge_jobs_backend", "Where the job queue is (sqlite or redis)", ["backend"],
                             registry=self.registry)

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)


class RequestMiddleware:
    """Request id (``X-Request-ID`` kept when it is sane), security headers, a JSON log
    line and the metrics of every request."""

    def __init__(self, app, server) -> None:
        self.app = app
        self.server = server

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = dict(scope.get("headers", ())).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _RID.fullmatch(given) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = {"code": 500}

        async def sending(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = list(message.get("headers", []))
                headers += [(b"x-request-id", rid.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope.get("method", "")
            metrics = self.server.metrics
            if metrics is not None:
                metrics.requests.labels(method, template, str(status["code"])).inc()
                metrics.latency.labels(method, template).observe(elapsed)
            state = scope.get("state", {})
            log.info(json.dumps({"event": "request", "request_id": rid, "method": method, "path": scope.get("path"),
                                 "route": template, "status": status["code"], "ms": round(elapsed * 1000, 2),
                                 "user": state.get("user")}))


@router.get("/healthz")
@rule(PUBLIC)
def healthz() -> dict:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz")
@rule(PUBLIC)
def readyz(request: Request):
    """The database is migrated and answers, the projects folder can be read, the job
    consumer (when this process has one) runs, and the Redis of a Redis queue answers."""
    srv = request.app.state.nf
    checks = {"database": srv.store.ready(), "projects": srv.projects.folder.is_dir()}
    jobs = getattr(srv, "jobs", None)
    if jobs is not None:
        checks["jobs"] = jobs.ready()
        if jobs.backend == "redis":
            checks["redis"] = jobs.reachable()
    ok = all(checks.values())
    return JSONResponse({"status": "ok" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503)


@router.get("/metrics")
@rule(PUBLIC)
def metrics(request: Request) -> Response:
    """Prometheus metrics: requests, latency, the job queue (its backend, and its jobs by
    state, read from the queue's records: every serve of one Redis shows the same)."""
    srv = request.app.state.nf
    jobs = getattr(srv, "jobs", None)
    if jobs is not None:
        srv.metrics.backend.labels(jobs.backend).set(1)
        try:
            counts = jobs.counts()
        except Exception:  # Redis away: the gauges keep their last values, /readyz says why
            log.warning(json.dumps({"event": "metrics-jobs-unavailable"}))
            counts = {}
        for state, count in counts.items():
            srv.metrics.jobs.labels(state).set(count)
    return Response(srv.metrics.render(), media_type="text/plain; version=0.0.4")
