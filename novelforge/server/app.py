"""The FastAPI application: its state, middleware, error handling and routers.

FastAPI (on Starlette, served by uvicorn) because it gives an OpenAPI schema from the
route signatures, request validation through pydantic (already a NovelForge dependency)
and plain synchronous endpoints run in a thread pool, which is what the library's
blocking calls need (docs/server.md says more).
"""

from __future__ import annotations

import json
import logging
import secrets
import time

from novelforge import __version__
from novelforge.server.core import ApiError, Server, Settings, mount
from novelforge.server.roles import PUBLIC, SIGNED_IN, Role, rule_of

log = logging.getLogger("novelforge.server")


def create_app(settings: Settings):
    from contextlib import asynccontextmanager

    from fastapi import FastAPI

    from novelforge.server import observe, routes_api, routes_auth, routes_jobs, web

    observe.start_sentry()
    server = Server(settings)

    @asynccontextmanager
    async def lifespan(_app):
        from novelforge.server.checking import checker

        checker().warm()
        if settings.run_jobs:
            server.jobs.start()
        try:
            yield
        finally:
            server.jobs.stop()
            checker().close()

    app = FastAPI(title="NovelForge", version=__version__, docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json", lifespan=lifespan)
    app.state.nf = server
    _handlers(app)
    server.metrics = observe.Metrics()
    app.add_middleware(observe.RequestMiddleware, server=server)
    app.add_middleware(BodyLimit, limit=settings.max_body)
    for router in (routes_auth.router, observe.router, routes_api.router, routes_jobs.router):
        mount(app, router)
    web.install(app)
    check_rules(app)
    return app


def check_rules(app) -> None:
    """Every route has a rule (:mod:`.roles`); a route under a project needs a role."""
    from fastapi.routing import APIRoute

    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        level = rule_of(route.endpoint)
        if level is None:
            raise RuntimeError(f"the route {route.path} has no access rule (novelforge.server.roles.rule)")
        if "{project}" in route.path and not isinstance(level, Role):
            raise RuntimeError(f"the route {route.path} is inside a project but its rule is {level!r}, not a role")
        if "{project}" not in route.path and level not in (PUBLIC, SIGNED_IN):
            raise RuntimeError(f"the route {route.path} needs a role but names no project")


def _handlers(app) -> None:
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException

    from novelforge.server.checking import CheckFailed

    @app.exception_handler(ApiError)
    async def _api_error(request, exc: ApiError):
        if request.url.path.startswith("/web/"):
            from novelforge.server.web import error_page

            return error_page(request, exc.status, exc.message)
        return JSONResponse({"error": exc.message, **exc.extra}, status_code=exc.status,
                            headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None)

    @app.exception_handler(CheckFailed)
    async def _check_failed(request, exc: CheckFailed):
        message = f"the book cannot be checked: {exc}"
        if request.url.path.startswith("/web/"):
            from novelforge.server.web import error_page

            return error_page(request, 422, message)
        return JSONResponse({"error": message}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http_error(request, exc: HTTPException):
        messages = {404: "not found", 405: "method not allowed", 413: "the request body is too large"}
        return JSONResponse({"error": messages.get(exc.status_code, str(exc.detail))}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                   for e in exc.errors()]
        return JSONResponse({"error": "the request is not valid", "details": details}, status_code=422)

    @app.exception_handler(Exception)
    async def _bug(request, exc: Exception):
        rid = getattr(request.state, "request_id", "")
        log.error(json.dumps({"event": "error", "request_id": rid, "error": f"{type(exc).__name__}: {exc}"}),
                  exc_info=exc)
        return JSONResponse({"error": "internal error", "request_id": rid}, status_code=500)


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, by its Content-Length or while
    it streams."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    return await _too_large(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send) -> None:
    body = b'{"error":"the request body is too large"}'
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def request_id() -> str:
    return secrets.token_hex(8)


def now() -> float:
    return time.time()
