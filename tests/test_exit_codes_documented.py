"""Every exit code (``novelforge.errors.ExitCode``) is named in the root ``--help`` and has a
row in docs/exit-codes.md: a new code cannot be added without saying what it means."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from novelforge.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent


def test_root_help_names_every_exit_code():
    out = subprocess.run([sys.executable, "-m", "novelforge", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env=dict(os.environ, COLUMNS="200")).stdout
    sentence = " ".join(out.split()).split("Exit codes:", 1)[1].split("Options", 1)[0]
    named = [int(n) for n in re.findall(r"(?:^|,) ?(\d) ", sentence.strip())]
    assert named == [int(c) for c in ExitCode], sentence
    assert "4 an LLM command stopped at the monthly budget or --max-cost" in sentence


def test_docs_have_a_row_for_every_exit_code():
    text = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    rows = [int(n) for n in re.findall(r"^\| (\d) \|", text, re.M)]
    assert rows == [int(c) for c in ExitCode]
