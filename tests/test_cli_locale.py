"""Reports in an ASCII locale (``LC_ALL=C`` without Python's UTF-8 mode): UTF-8 output,
never exit 3 on the first dash (found by bench/reliability/determinism.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "fixtures" / "broken-novel"
EXAMPLE = ROOT / "examples" / "ember-crown"


def run_ascii(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONUTF8", "PYTHONIOENCODING"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "novelforge", *args], env=env, capture_output=True, timeout=120)


@pytest.mark.parametrize("args", [("check", str(BROKEN), "--format", "json", "--no-cache"),
                                  ("check", str(BROKEN), "--no-cache"),
                                  ("check", str(BROKEN), "--format", "sarif", "--no-cache"),
                                  ("promises", str(EXAMPLE)),
                                  ("promises", str(EXAMPLE), "--format", "markdown")])
def test_reports_in_an_ascii_locale_are_utf8(args):
    result = run_ascii(*args)
    assert result.returncode in (0, 1), result.stderr.decode("utf-8", "replace")[-500:]
    text = result.stdout.decode("utf-8")          # UTF-8, whatever the locale says
    assert "—" in text or "’" in text or "…" in text
    if "json" in args or "sarif" in args:
        json.loads(text)
