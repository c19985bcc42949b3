"""The request's caller and project, as FastAPI dependencies.

:func:`caller` reads the access token (``Authorization: Bearer``, or the web page's
cookie); anything wrong with it is 401 with one message, whatever was wrong.
:func:`member` adds the project of the URL and the route's rule (:mod:`.roles`)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request

from novelforge.server.core import ApiError, Server
from novelforge.server.projects import ServedProject
from novelforge.server.roles import Role, rule_of
from novelforge.server.store import User

ACCESS_COOKIE = "nf_access"
REFRESH_COOKIE = "nf_refresh"
NOT_SIGNED_IN = "sign in first: the access token is missing, expired or not valid"


@dataclass(frozen=True)
class Caller:
    user: User
    family: str
    address: str


@dataclass(frozen=True)
class Member:
    caller: Caller
    project: ServedProject
    role: Role

    @property
    def user(self) -> User:
        return self.caller.user


def server(request: Request) -> Server:
    return request.app.state.nf


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.cookies.get(ACCESS_COOKIE)


def authenticate(srv: Server, token: str | None, where: str) -> Caller | None:
    from novelforge.server.tokens import read_access

    if not token or len(token) > 4096:
        return None
    found = read_access(srv.secret, token)
    if found is None:
        return None
    user_id, family = found
    user = srv.store.user_by_id(user_id)
    if user is None or user.disabled or not srv.store.family_live(family):
        return None
    return Caller(user, family, where)


def caller(request: Request) -> Caller:
    srv = server(request)
    found = authenticate(srv, bearer(request), address(request))
    if found is None:
        raise ApiError(401, NOT_SIGNED_IN)
    request.state.user = found.user.username
    return found


def member(project: str, request: Request, who: Caller = Depends(caller)) -> Member:
    srv = server(request)
    served = srv.projects.get(project)
    role_name = srv.store.role(project, who.user.id) if served is not None else None
    if served is None or role_name is None:
        raise ApiError(404, "not found")
    role = Role.named(role_name)
    needed = rule_of(request.scope["endpoint"])
    if not isinstance(needed, Role):        # create_app refuses such a route; never reached
        raise ApiError(404, "not found")
    if role < needed:
        raise ApiError(403, f"this needs the {needed.name.lower()} role in `{project}`; you are {role_name}")
    return Member(who, served, role)
