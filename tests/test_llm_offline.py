"""litellm never reaches for the network when it is imported or used the way NovelForge
uses it (issue #13: tests never touch the network; ``LITELLM_OFFLINE_MODE`` and
``LITELLM_LOCAL_MODEL_COST_MAP`` are set before the import). Each case runs in a fresh
interpreter whose sockets refuse, and record, every host but 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

pytest.importorskip("litellm")

GUARD = textwrap.dedent("""
    import socket
    LOCAL = ("127.0.0.1", "::1", "localhost")
    attempts = []
    real_connect, real_gai = socket.socket.connect, socket.getaddrinfo
    def connect(self, address):
        if not (isinstance(address, tuple) and address[0] in LOCAL):
            attempts.append(str(address))
            raise OSError("the network is off in this test")
        return real_connect(self, address)
    def getaddrinfo(host, *args, **kwargs):
        if host not in LOCAL:
            attempts.append(str(host))
            raise socket.gaierror("the network is off in this test")
        return real_gai(host, *args, **kwargs)
    socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
""")


def _attempts(code: str, env: dict[str, str]) -> str:
    script = GUARD + textwrap.dedent(code) + "\nprint('ATTEMPTS', attempts)\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_novelforges_use_of_litellm_stays_offline():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LITELLM_")}   # NovelForge sets them
    out = _attempts("""
        from novelforge.llm import provider
        provider.load()
        provider.count_tokens("openai/gpt-4o-mini", [{"role": "user", "content": "Hello."}])
        assert provider.local_price("openai/gpt-4o-mini") is not None
    """, env)
    assert out == "ATTEMPTS []"


def test_the_test_suite_imports_litellm_offline():
    # conftest.py sets the variables before any test module imports litellm itself
    assert os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] == "True" and os.environ["LITELLM_OFFLINE_MODE"] == "true"
    assert _attempts("import litellm", dict(os.environ)) == "ATTEMPTS []"
