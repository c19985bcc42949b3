"""Shared test fixtures. ``pytest --update-golden`` rewrites golden files instead of
comparing against them; review the result with ``git diff``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# litellm reads these when it is imported. NovelForge sets them before it imports litellm
# (novelforge.llm.provider.load); a test module that imports litellm itself
# (pytest.importorskip("litellm")) would otherwise make it fetch its price map from the
# network (tests/test_llm_offline.py).
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ["LITELLM_OFFLINE_MODE"] = "true"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden files with the current output")


@pytest.fixture
def golden(request):
    """``golden(path, text)``: compare ``text`` with the file at ``path`` (or rewrite it)."""
    update = request.config.getoption("--update-golden")

    def check(path: Path, text: str) -> None:
        path = Path(path)
        if update or not path.exists():
            if not update:
                pytest.fail(f"golden file {path} is missing; run pytest --update-golden")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            return
        expected = path.read_text("utf-8")
        assert text == expected, f"output differs from {path}; run pytest --update-golden and review the diff"

    return check


@pytest.fixture(autouse=True)
def _own_cache_folder(monkeypatch, tmp_path_factory):
    """Each test gets its own analysis cache folder (inherited by the commands it runs),
    never the user's ``~/.cache/novelforge``."""
    monkeypatch.setenv("NOVELFORGE_CACHE_DIR", str(tmp_path_factory.mktemp("nf-cache")))


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch):
    """The github and sarif reports put the project's folder in front of paths when
    ``GITHUB_WORKSPACE`` is set; tests that want that set it themselves."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


@pytest.fixture
def isolated_git(monkeypatch):
    """Neither the machine's git configuration nor an outer repository's variables (for
    tests that run git or NovelForge's git commands; use with ``pytest.mark.usefixtures``)."""
    import os

    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG", "GIT_CONFIG_SYSTEM"):
        monkeypatch.delenv(name, raising=False)
