"""``/api/auth``: sign in, refresh, sign out, who am I, and sign up (when allowed)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from novelforge.server.core import ApiError, Server
from novelforge.server.deps import Caller, address, caller, server
from novelforge.server.roles import PUBLIC, SIGNED_IN, rule

router = APIRouter(prefix="/api/auth", tags=["auth"])

WRONG = "wrong user name or password"
SLOW_DOWN = "too many failed sign-ins; wait a few minutes and try again"


class Login(BaseModel):
    username: str = Field(max_length=128)
    password: str = Field(max_length=1024)


class Refresh(BaseModel):
    refresh_token: str = Field(max_length=512)


class Signup(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=320)


def tokens_for(srv: Server, user_id: int, family: str | None = None) -> dict:
    from novelforge.server.store import new_id
    from novelforge.server.tokens import ACCESS_TTL, REFRESH_TTL, issue_access, new_refresh

    family = family or new_id()
    token, hashed = new_refresh()
    srv.store.add_refresh(hashed, family, user_id, REFRESH_TTL)
    return {"access_token": issue_access(srv.secret, user_id, family), "token_type": "bearer",
            "expires_in": ACCESS_TTL, "refresh_token": token}


def sign_in(srv: Server, username: str, password: str, where: str) -> dict:
    """The tokens of a new session, or ApiError 401/429 (the same words whether or not
    the account exists)."""
    from novelforge.server.passwords import hash_password, verify

    if srv.limiter.blocked(username, where):
        srv.store.audit("login-blocked", obj=username[:64], address=where)
        raise ApiError(429, SLOW_DOWN)
    user = srv.store.user(username) if username else None
    ok, rehash = verify(user.password_hash if user else None, password)
    if not ok or user is None or user.disabled:
        srv.limiter.failed(username, where)
        srv.store.audit("login-failed", obj=username[:64], address=where)
        raise ApiError(401, WRONG)
    srv.limiter.succeeded(username)
    if rehash:
        srv.store.set_password(user.username, hash_password(password))
    srv.store.audit("login", user=user, address=where)
    return tokens_for(srv, user.id)


def rotate(srv: Server, refresh_token: str, where: str) -> dict:
    from novelforge.server.tokens import REFRESH_TTL, hash_refresh, issue_access, new_refresh

    token, hashed = new_refresh()
    outcome, user_id, family = srv.store.rotate_refresh(hash_refresh(refresh_token), hashed, REFRESH_TTL)
    user = srv.store.user_by_id(user_id) if user_id is not None else None
    if outcome == "reused":
        srv.store.audit("refresh-reuse", user=user, address=where, detail="the session was ended")
    if outcome != "ok" or user is None or user.disabled:
        raise ApiError(401, "the refresh token is not valid; sign in again")
    from novelforge.server.tokens import ACCESS_TTL

    return {"access_token": issue_access(srv.secret, user.id, family), "token_type": "bearer",
            "expires_in": ACCESS_TTL, "refresh_token": token}


@router.post("/login")
@rule(PUBLIC)
def login(body: Login, request: Request) -> dict:
    """Sign in: an access token (15 minutes) and a refresh token (use it once)."""
    return sign_in(server(request), body.username, body.password, address(request))


@router.post("/refresh")
@rule(PUBLIC)
def refresh(body: Refresh, request: Request) -> dict:
    """A new access token and a new refresh token for a refresh token (each is good once;
    a second use ends the session)."""
    return rotate(server(request), body.refresh_token, address(request))


@router.post("/logout")
@rule(SIGNED_IN)
def logout(request: Request, who: Caller = Depends(caller)) -> dict:
    """End this session: its refresh tokens and access tokens stop working."""
    srv = server(request)
    srv.store.revoke_family(who.family)
    srv.store.audit("logout", user=who.user, address=who.address)
    return {"ok": True}


@router.get("/me")
@rule(SIGNED_IN)
def me(request: Request, who: Caller = Depends(caller)) -> dict:
    """The account signed in and its projects with roles."""
    srv = server(request)
    u = who.user
    return {"username": u.username, "name": u.name, "email": u.email, "projects": srv.store.projects_of(u.id)}


@router.post("/signup")
@rule(PUBLIC)
def signup(body: Signup, request: Request) -> dict:
    """Create an account (only with `novelforge serve --allow-signup`)."""
    from novelforge.server.passwords import check_strength, hash_password
    from novelforge.server.store import StoreError

    srv = server(request)
    if not srv.settings.allow_signup:
        raise ApiError(404, "not found")
    problem = check_strength(body.password)
    if problem:
        raise ApiError(422, problem)
    try:
        user = srv.store.add_user(body.username, body.name or body.username,
                                  body.email or f"{body.username}@novelforge.invalid", hash_password(body.password))
    except StoreError:
        raise ApiError(422, "choose another user name") from None
    srv.store.audit("signup", user=user, address=address(request))
    return tokens_for(srv, user.id)
