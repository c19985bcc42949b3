"""The web pages: sign in, your projects, a project's chapters and scenes, a scene to
read and edit with its findings beside it, canon entries, the promise ledger, exports to
start and download, members (given and removed by owners) and the audit log.

Plain HTML forms rendered from the templates in ``pages/`` (Jinja2, sandboxed,
autoescaped; no script, no build step, no CDN). The session is the API's: the access and
refresh tokens in cookies (``HttpOnly; Secure; SameSite=Lax``; ``Secure`` is dropped only
with ``--insecure-cookies``), the access token renewed from the refresh token when it
expires. Every form carries a CSRF token bound to the session (sign-in: to a cookie of
its own), checked before anything else is done.
"""

from __future__ import annotations

import secrets
import time
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from novelforge.server import scenes
from novelforge.server.core import ApiError, Server, mount
from novelforge.server.deps import ACCESS_COOKIE, REFRESH_COOKIE, Caller, Member, address, authenticate, server
from novelforge.server.roles import PUBLIC, SIGNED_IN, Role, rule
from novelforge.server.tokens import ACCESS_TTL, REFRESH_TTL, csrf_ok, csrf_token

router = APIRouter(prefix="/web", include_in_schema=False)
LOGIN_COOKIE = "nf_login"
PAGES = Path(__file__).parent / "pages"


class NeedsSignIn(Exception):
    pass


@lru_cache(maxsize=1)
def _env():
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(loader=FileSystemLoader(str(PAGES)), autoescape=True,
                                         undefined=StrictUndefined)


def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("user", None)
    context.setdefault("csrf", "")
    context.setdefault("title", "NovelForge")
    html = _env().get_template(template).render(**context)
    response = HTMLResponse(html, status_code=status,
                            headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                     "form-action 'self'; frame-ancestors 'none'", "Cache-Control": "no-store"})
    _apply_cookies(request, response)
    return response


def _cookie(request: Request, response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", path="/",
                        secure=server(request).settings.secure_cookies)


def _apply_cookies(request: Request, response) -> None:
    for name, value, age in getattr(request.state, "cookies", ()):
        _cookie(request, response, name, value, age)


def _see_other(request: Request, url: str) -> RedirectResponse:
    """The answer to a form that did its work: go to ``url`` (303), with any renewed
    session cookies."""
    response = RedirectResponse(url, status_code=303)
    _apply_cookies(request, response)
    return response


def _later(request: Request, name: str, value: str, age: int) -> None:
    if not hasattr(request.state, "cookies"):
        request.state.cookies = []
    request.state.cookies.append((name, value, age))


def web_caller(request: Request) -> Caller:
    """The signed-in caller of a page; renews the access token from the refresh cookie."""
    from novelforge.server.routes_auth import rotate

    srv = server(request)
    found = authenticate(srv, request.cookies.get(ACCESS_COOKIE) or _bearer(request), address(request))
    if found is None and request.cookies.get(REFRESH_COOKIE):
        try:
            tokens = rotate(srv, request.cookies[REFRESH_COOKIE], address(request))
        except ApiError:
            raise NeedsSignIn() from None
        _later(request, ACCESS_COOKIE, tokens["access_token"], ACCESS_TTL)
        _later(request, REFRESH_COOKIE, tokens["refresh_token"], REFRESH_TTL)
        found = authenticate(srv, tokens["access_token"], address(request))
    if found is None:
        raise NeedsSignIn()
    request.state.user = found.user.username
    return found


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def web_member(project: str, request: Request, who: Caller = Depends(web_caller)) -> Member:
    from novelforge.server.deps import member

    return member(project, request, who)


def _csrf(request: Request, who: Caller, given: str | None) -> None:
    if not csrf_ok(server(request).secret, who.family, given):
        raise ApiError(400, "this form has expired or did not come from this site; reload the page and try again")


def _ctx(request: Request, who: Caller, **more) -> dict:
    return {"user": who.user, "csrf": csrf_token(server(request).secret, who.family), **more}


@router.get("/login")
@rule(PUBLIC)
def login_page(request: Request, error: str | None = None):
    token = secrets.token_urlsafe(24)
    _later(request, LOGIN_COOKIE, token, 3600)
    return page(request, "login.html", title="Sign in", csrf=token, error=error)


@router.post("/login")
@rule(PUBLIC)
def login_form(request: Request, username: str = Form("", max_length=128), password: str = Form("", max_length=1024),
               csrf: str = Form("", max_length=200)):
    from novelforge.server.routes_auth import sign_in

    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf):
        return login_page(request, error="The sign-in form expired; please try again.")
    try:
        tokens = sign_in(server(request), username, password, address(request))
    except ApiError as exc:
        return login_page(request, error=exc.message[:1].upper() + exc.message[1:] + ".")
    response = RedirectResponse("/web/", status_code=303)
    _cookie(request, response, ACCESS_COOKIE, tokens["access_token"], ACCESS_TTL)
    _cookie(request, response, REFRESH_COOKIE, tokens["refresh_token"], REFRESH_TTL)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
@rule(SIGNED_IN)
def logout_form(request: Request, csrf: str = Form("", max_length=200), who: Caller = Depends(web_caller)):
    _csrf(request, who, csrf)
    server(request).store.revoke_family(who.family)
    server(request).store.audit("logout", user=who.user, address=who.address)
    response = RedirectResponse("/web/login", status_code=303)
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        response.delete_cookie(name, path="/")
    return response


@router.get("/")
@rule(SIGNED_IN)
def projects_page(request: Request, who: Caller = Depends(web_caller)):
    srv: Server = server(request)
    projects = [{"name": n, "role": r} for n, r in srv.store.projects_of(who.user.id).items()
                if srv.projects.get(n) is not None]
    return page(request, "projects.html", title="Projects", projects=projects, **_ctx(request, who))


@router.get("/p/{project}")
@rule(Role.VIEWER)
def project_page(request: Request, m: Member = Depends(web_member)):
    return page(request, "project.html", title=m.project.name, name=m.project.name, role=m.role.name.lower(),
                outline=scenes.outline(m.project), **_ctx(request, m.caller))


def _scene_page(request: Request, m: Member, scene, *, text: str | None = None, revision: str | None = None,
                current: str | None = None, error: str | None = None, notice: str | None = None,
                status: int = 200):
    view = scenes.scene_view(m.project, scene)
    return page(request, "scene.html", status=status, title=view["title"], name=m.project.name, scene=view,
                role=m.role.name.lower(), can_edit=m.role >= Role.EDITOR,
                text=view["text"] if text is None else text, revision=revision or view["revision"],
                current=current, error=error, notice=notice, findings=scenes.findings(m.project, scene.path),
                **_ctx(request, m.caller))


def _find(m: Member, scene_id: str):
    found = scenes.find(m.project, scene_id) if len(scene_id) <= 200 else None
    if found is None:
        raise ApiError(404, "not found")
    return found


@router.get("/p/{project}/s/{scene_id}")
@rule(Role.VIEWER)
def scene_page(scene_id: str, request: Request, saved: int = 0, m: Member = Depends(web_member)):
    return _scene_page(request, m, _find(m, scene_id), notice="Saved." if saved else None)


@router.post("/p/{project}/s/{scene_id}")
@rule(Role.EDITOR)
def save_scene(scene_id: str, request: Request, text: str = Form(..., max_length=1024 * 1024),
               revision: str = Form(..., max_length=64), csrf: str = Form("", max_length=200),
               m: Member = Depends(web_member)):
    from novelforge.server.gitwrite import Conflict, write_file
    from novelforge.server.routes_api import _author

    _csrf(request, m.caller, csrf)
    scene = _find(m, scene_id)
    text = text.replace("\r\n", "\n")
    problems = scenes.blocking(m.project, scene.path, text)
    if problems:
        p = problems[0]
        return _scene_page(request, m, scene, text=text, revision=revision, status=422,
                           error=f"Not saved: line {p.get('line', 1)}, column {p.get('column', 1)}: {p['message']}")
    try:
        done = write_file(m.project, scene.path, text.encode("utf-8"), expected=revision, author=_author(m),
                          message=f"Edit {scene.path}")
    except Conflict as exc:
        current = (exc.current or b"").decode("utf-8", "replace")
        from novelforge.server.projects import revision as rev

        return _scene_page(request, m, scene, text=text, revision=rev(exc.current), current=current, status=409,
                           error="Not saved: someone else saved this scene after you opened it.")
    server(request).store.audit("scene-update", user=m.user, project=m.project.name, obj=scene.path,
                                commit=done.commit, address=m.caller.address)
    return _see_other(request, f"/web/p/{m.project.name}/s/{scene.id}?saved=1")


@router.get("/p/{project}/promises")
@rule(Role.VIEWER)
def promises_page(request: Request, m: Member = Depends(web_member)):
    html = scenes.promises_html(m.project)
    response = HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                           "img-src data:; frame-ancestors 'none'"})
    _apply_cookies(request, response)
    return response


@router.get("/p/{project}/canon")
@rule(Role.VIEWER)
def canon_page(request: Request, m: Member = Depends(web_member)):
    entries: dict[str, list[dict]] = {}
    for entry in scenes.canon(m.project):
        entries.setdefault(entry["kind"], []).append(entry)
    return page(request, "canon.html", title="Canon", name=m.project.name, kinds=entries, **_ctx(request, m.caller))


def _exports_page(request: Request, m: Member, error: str | None = None, status: int = 200):
    from novelforge.server.jobs import formats_of

    jobs = [{**j, "when": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(j["created_at"]))}
            for j in server(request).jobs.list(m.project.name, limit=20)]
    busy = any(j["state"] in ("queued", "running") for j in jobs)
    return page(request, "exports.html", status=status, title="Exports", name=m.project.name, jobs=jobs,
                formats=formats_of("export"), refresh=busy, error=error, **_ctx(request, m.caller))


@router.get("/p/{project}/exports")
@rule(Role.VIEWER)
def exports_page(request: Request, m: Member = Depends(web_member)):
    return _exports_page(request, m)


@router.post("/p/{project}/exports")
@rule(Role.VIEWER)
def start_export(request: Request, format: str = Form(..., max_length=20), csrf: str = Form("", max_length=200),
                 m: Member = Depends(web_member)):
    from novelforge.server.routes_jobs import queue

    _csrf(request, m.caller, csrf)
    try:
        queue(request, m, "export", format)
    except ApiError as exc:
        return _exports_page(request, m, error=exc.message, status=exc.status)
    return _see_other(request, f"/web/p/{m.project.name}/exports")


@router.get("/p/{project}/jobs/{job_id}/result")
@rule(Role.VIEWER)
def job_download(job_id: str, request: Request, m: Member = Depends(web_member)):
    from novelforge.server.routes_jobs import result_file

    response = result_file(request, m, job_id)
    _apply_cookies(request, response)
    return response


def _audit_page(request: Request, m: Member, *, error: str | None = None, status: int = 200):
    store = server(request).store
    entries = [{**e.as_dict(), "when": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(e.at))}
               for e in store.audit_log(m.project.name)]
    return page(request, "audit.html", status=status, title="Audit log", name=m.project.name,
                members=store.members(m.project.name), entries=entries, roles=[r.name.lower() for r in Role],
                error=error, **_ctx(request, m.caller))


@router.get("/p/{project}/audit")
@rule(Role.OWNER)
def audit_page(request: Request, m: Member = Depends(web_member)):
    return _audit_page(request, m)


@router.post("/p/{project}/members")
@rule(Role.OWNER)
def members_form(request: Request, username: str = Form(..., max_length=64), role: str = Form("", max_length=10),
                 remove: str = Form("", max_length=1), csrf: str = Form("", max_length=200),
                 m: Member = Depends(web_member)):
    """Give an account a role, or remove a member (``remove=1``); the same rules as the API."""
    from novelforge.server.routes_api import change_membership

    _csrf(request, m.caller, csrf)
    try:
        change_membership(request, m, "revoke" if remove else "grant", username.strip(), None if remove else role)
    except ApiError as exc:
        return _audit_page(request, m, error=f"Not changed: {exc.message}", status=exc.status)
    return _see_other(request, f"/web/p/{m.project.name}/audit")


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {403: "Not allowed", 404: "Not found", 400: "Please try again"}
    return page(request, "error.html", status=status, title=titles.get(status, "Not done"),
                message=message[:1].upper() + message[1:] + ".")


def install(app) -> None:
    """The pages and their error handling: a page that needs a session sends the
    browser to sign in; a refusal is a page, not JSON."""
    from fastapi.responses import RedirectResponse as Redirect

    mount(app, router)

    @app.exception_handler(NeedsSignIn)
    async def _sign_in(request, exc):
        response = Redirect("/web/login", status_code=303)
        for name in (ACCESS_COOKIE, REFRESH_COOKIE):
            response.delete_cookie(name, path="/")
        return response

    @app.get("/", include_in_schema=False)
    @rule(PUBLIC)
    def _home():
        return Redirect("/web/", status_code=303)
