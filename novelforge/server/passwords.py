"""Passwords: argon2id through argon2-cffi, with its current recommended parameters.

A hash made with other parameters (an older NovelForge, or argon2-cffi's defaults
changed) still verifies, and :func:`verify` says so, so the caller stores a new hash
made on that login (the only moment the password is known). A sign-in for an account
that does not exist verifies against a dummy hash, so both take the same time.
"""

from __future__ import annotations

from functools import lru_cache

MIN_LENGTH = 10


@lru_cache(maxsize=1)
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()        # argon2id, RFC 9106's low-memory profile


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_strength(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    return None


@lru_cache(maxsize=1)
def _dummy() -> str:
    return hash_password("not a password anybody has")


def verify(stored: str | None, password: str) -> tuple[bool, bool]:
    """(the password matches, the hash should be remade with the current parameters)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    try:
        hasher.verify(stored or _dummy(), password)
    except (VerificationError, InvalidHashError):
        return False, False
    if stored is None:
        return False, False
    return True, hasher.check_needs_rehash(stored)
