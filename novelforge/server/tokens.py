"""Access tokens and refresh tokens.

* The signing secret is 64 random bytes made on first start in ``--data/jwt-secret``,
  mode 0600 (a secret readable by others, or too short, is refused: the server stops).
* An access token is a JWT signed with HS256 and checked with exactly that algorithm
  (``alg: none``, RS256 or anything else is refused before the signature is looked at),
  with ``exp``, ``iat``, ``sub``, ``aud`` and ``fam`` (the session) required. It lives
  :data:`ACCESS_TTL` seconds.
* A refresh token is 32 random bytes, given to the client once and stored only as its
  SHA-256 (a copy of the database signs nobody in). Each use replaces it with a new one
  of the same family; a token used twice revokes its whole family (someone has a copy).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import time
from pathlib import Path

from novelforge.server.store import StoreError

ALGORITHM = "HS256"
AUDIENCE = "novelforge"
ACCESS_TTL = 15 * 60
REFRESH_TTL = 14 * 24 * 3600
SECRET_FILE = "jwt-secret"


def load_secret(data_dir: Path) -> bytes:
    """The signing secret, made on first start."""
    path = Path(data_dir) / SECRET_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(64))
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise StoreError(f"`{path}` can be read by other users (mode {mode:o})",
                         help=f"run `chmod 600 {path}`; if others may have read it, delete it to make a new one")
    secret = path.read_bytes()
    if len(secret) < 32:
        raise StoreError(f"`{path}` holds fewer than 32 bytes", help="delete it; a new one is made on the next start")
    return secret


def issue_access(secret: bytes, user_id: int, family: str, now: float | None = None) -> str:
    import jwt

    now = int(time.time() if now is None else now)
    claims = {"sub": str(user_id), "fam": family, "aud": AUDIENCE, "iat": now, "exp": now + ACCESS_TTL}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_access(secret: bytes, token: str) -> tuple[int, str] | None:
    """(user id, session family) of a valid access token, or None for anything else."""
    import jwt

    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                            options={"require": ["exp", "iat", "sub", "aud", "fam"]})
        return int(claims["sub"]), str(claims["fam"])
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        return None


def new_refresh() -> tuple[str, str]:
    """(the token for the client, the hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh(token)


def hash_refresh(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def csrf_token(secret: bytes, family: str) -> str:
    """The CSRF token of a web session: bound to the session, checked on every form."""
    return hmac.new(secret, b"csrf:" + family.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, family: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(secret, family), given)
