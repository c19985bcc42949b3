"""Accounts and tokens over real HTTP: sign in, refresh rotation, sign out, rate limits,
and every kind of bad token answered 401 (never a 5xx)."""

from __future__ import annotations

import base64
import json
import os
import stat
import time

import jwt
import pytest

from serverkit import PASSWORD, start


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    server, stop = start(tmp_path_factory.mktemp("server"))
    yield server
    stop()


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _me(live, token):
    with live.client() as c:
        return c.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_sign_in_and_me(live):
    tokens = live.login("vera")
    r = _me(live, tokens["access_token"])
    assert r.status_code == 200
    assert r.json()["username"] == "vera" and r.json()["projects"] == {"ember": "viewer"}


def test_wrong_password_and_unknown_account_read_the_same(live):
    with live.client() as c:
        a = c.post("/api/auth/login", json={"username": "vera", "password": "not her password"})
        b = c.post("/api/auth/login", json={"username": "nobody-at-all", "password": "not her password"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json() == {"error": "wrong user name or password"}


def test_the_secret_file_is_private(live):
    mode = stat.S_IMODE(os.stat(live.data / "jwt-secret").st_mode)
    assert mode == 0o600


def _secret(live) -> bytes:
    return (live.data / "jwt-secret").read_bytes()


def _claims(**over):
    now = int(time.time())
    claims = {"sub": "1", "fam": "x", "aud": "novelforge", "iat": now, "exp": now + 600}
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def test_token_attacks_are_401(live):
    good = live.login("olive")["access_token"]
    header, payload, signature = good.split(".")
    claims = jwt.decode(good, options={"verify_signature": False})
    attacks = {
        "alg none": _b64({"alg": "none", "typ": "JWT"}) + "." + payload + ".",
        "alg none upper": _b64({"alg": "None", "typ": "JWT"}) + "." + payload + ".",
        "tampered payload": header + "." + _b64({**claims, "sub": "2"}) + "." + signature,
        "tampered signature": header + "." + payload + "." + signature[:-4] + ("AAAA" if signature[-4:] != "AAAA"
                                                                               else "BBBB"),
        "expired": jwt.encode({**claims, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
                              _secret(live), algorithm="HS256"),
        "wrong audience": jwt.encode({**claims, "aud": "someone-else"}, _secret(live), algorithm="HS256"),
        "no exp": jwt.encode({k: v for k, v in claims.items() if k != "exp"}, _secret(live), algorithm="HS256"),
        "no sub": jwt.encode({k: v for k, v in claims.items() if k != "sub"}, _secret(live), algorithm="HS256"),
        "HS512 with the secret": jwt.encode(claims, _secret(live), algorithm="HS512"),
        "other secret": jwt.encode(claims, b"x" * 64, algorithm="HS256"),
        "garbage": "not.a.token",
        "empty": "e30",
        "huge": "a" * 10000,
        "sub not a number": jwt.encode({**claims, "sub": "olive"}, _secret(live), algorithm="HS256"),
    }
    # HS/RS confusion: an RS256 token, and an HS256 token signed with a public key as the secret
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    attacks["RS256"] = jwt.encode(claims, key, algorithm="RS256")
    forged_header = _b64({"alg": "HS256", "typ": "JWT"})
    import hashlib
    import hmac

    body = forged_header + "." + payload
    sig = base64.urlsafe_b64encode(hmac.new(public_pem, body.encode(), hashlib.sha256).digest()).rstrip(b"=")
    attacks["HS256 keyed with a public key"] = body + "." + sig.decode()
    for name, token in attacks.items():
        r = _me(live, token)
        assert r.status_code == 401, (name, r.status_code, r.text)
        assert "traceback" not in r.text.lower()
    assert _me(live, good).status_code == 200


def test_refresh_rotates_and_reuse_ends_the_session(live):
    first = live.login("eddie")
    with live.client() as c:
        r = c.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert r.status_code == 200
        second = r.json()
        assert second["refresh_token"] != first["refresh_token"]
        assert _me(live, second["access_token"]).status_code == 200
        # the first token again: someone has a copy, so the whole family ends
        again = c.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert again.status_code == 401
        assert c.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401
        assert _me(live, second["access_token"]).status_code == 401
        assert c.post("/api/auth/refresh", json={"refresh_token": "made-up"}).status_code == 401
    from novelforge.server.store import Store

    assert any(e.action == "refresh-reuse" and e.username == "eddie" for e in Store(live.data).audit_log())


def test_logout_revokes(live):
    tokens = live.login("vera")
    with live.client() as c:
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert c.post("/api/auth/logout", headers=auth).status_code == 200
        assert _me(live, tokens["access_token"]).status_code == 401
        assert c.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_login_rate_limit_per_account_says_nothing_about_the_account(live):
    with live.client() as c:
        codes = [c.post("/api/auth/login", json={"username": "ghost", "password": "wrong password"}).status_code
                 for _ in range(6)]
        assert codes[:5] == [401] * 5 and codes[5] == 429
        # the right password is refused too while the account is locked
        for _ in range(5):
            c.post("/api/auth/login", json={"username": "otto", "password": "wrong password"})
        r = c.post("/api/auth/login", json={"username": "otto", "password": PASSWORD})
        assert r.status_code == 429
    from novelforge.server.store import Store

    assert sum(e.action == "login-failed" for e in Store(live.data).audit_log(limit=1000)) >= 10


def test_signup_is_off_by_default(live):
    with live.client() as c:
        r = c.post("/api/auth/signup", json={"username": "newbie", "password": "a long enough password"})
    assert r.status_code == 404


def test_rehash_on_login_when_parameters_change(live):
    from argon2 import PasswordHasher

    from novelforge.server.store import Store

    store = Store(live.data)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    store.set_password("olive", weak)
    live.login("olive")
    assert store.user("olive").password_hash != weak
    assert "m=8192" not in store.user("olive").password_hash


def test_health_ready_metrics(live):
    with live.client() as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        r = c.get("/readyz")
        assert r.status_code == 200 and r.json()["checks"]["database"] is True
        text = c.get("/metrics").text
        assert "novelforge_http_requests_total" in text and 'route="/healthz"' in text
        assert c.get("/healthz").headers["x-request-id"]


def test_body_size_limit(live):
    with live.client("olive") as c:
        r = c.post("/api/auth/login", content=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                   headers={"content-type": "application/json"})
    assert r.status_code == 413
