"""A small novel for the Writers' Room tests, and a fake model that answers like the
room's reviewers (by the instructions it is sent), over real HTTP (tests/fakellm.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fakellm import FakeLLM, Request
from novelforge.cli import app as cli_app

SCENES = {
    "manuscript/01-a/01-the-gate.md": (
        "---\ntitle: The Gate\npov: aria\ncharacters: [aria, bram]\nmentions: [key]\nwhen: day 1 morning\n---\n\n"
        "Aria met Bram at the gate. Her grey eyes watched the road.\n\n"
        "\u201cKeep the iron key safe,\u201d Bram said \u2014 and gave her nothing else.\n"),
    "manuscript/01-a/02-the-letter.md": (
        "---\ntitle: The Letter\npov: aria\ncharacters: [aria, bram]\nwhen: day 2 evening\n"
        "transfers:\n  - {item: key, from: aria, to: bram}\n---\n\n"
        "The letter said the king was her father. Aria read it twice, then gave Bram the iron key.\n"),
    "manuscript/01-a/03-the-fall.md": (
        "---\ntitle: The Fall\npov: aria\ncharacters: [aria, bram]\nwhen: day 3 night\n---\n\n"
        "Bram fell from the wall and did not rise again.\n"),
    "manuscript/02-b/01-after.md": (
        "---\ntitle: After\npov: aria\ncharacters: [aria]\nmentions: [bram, key]\nwhen: day 9 morning\n---\n\n"
        "Aria walked alone to the Ashvault.\n\nShe thought of her father, the king, and of Bram.\n"),
}
CANON = {
    "canon/characters/aria.yaml": ("name: Aria\nattributes: {eyes: grey}\n"
                                   "knows:\n  - fact: the king is her father\n    learned_in: the-letter\n"),
    "canon/characters/bram.yaml": "name: Bram\nstatus: dead\ndied_in: the-fall\n",
    "canon/items/key.yaml": "name: iron key\nholder: aria\n",
    "canon/locations/ashvault.yaml": "name: Ashvault\nsummary: the vault under the city\n",
}


def llm_block(url: str, **extra) -> dict:
    block = {"model": "openai/fake-a", "api_base": url, "retry_backoff": 0.01, "timeout": 10, "retries": 0,
             "max_concurrency": 2}
    block.update(extra)
    return block


def write_novel(root: Path, url: str | None, *, llm: dict | None = None, scenes: dict | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    config = {"title": "Room", "author": "T. Est"}
    if url is not None:
        config["llm"] = llm_block(url, **(llm or {}))
    (root / "novelforge.yaml").write_text(json.dumps(config) + "\n", "utf-8")
    for rel, text in {**CANON, **SCENES, **(scenes or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


# ----------------------------------------------------------------------------- what the fake says
def kind(request: Request) -> str:
    system = request.body["messages"][0]["content"]
    for word, name in (("You summarise", "summary"), ("continuity reviewer", "continuity"),
                       ("character reviewer", "character"), ("plot reviewer", "plot"), ("the sceptic", "verify"),
                       ("A pattern matcher found", "classify"), ("list the setups", "propose")):
        if word in system:
            return name
    return "other"


def scene_id(request: Request) -> str | None:
    m = re.search(r"^Scene `([^`]+)`", request.body["messages"][1]["content"], re.M)
    return m.group(1) if m else None


def scene_block(request: Request) -> str:
    """The text between the SCENE fence lines of the user message."""
    user = request.body["messages"][1]["content"]
    m = re.search(r"^BEGIN (DATA-\w+) SCENE\n(.*?)^END \1 SCENE$", user, re.S | re.M)
    return m.group(2) if m else ""


class Room:
    """A responder: summaries, and per (reviewer, scene) the findings to report."""

    def __init__(self) -> None:
        self.findings: dict[tuple[str, str], list[dict]] = {}
        self.raw: dict[tuple[str, str], str] = {}
        self.stands = True

    def __call__(self, request: Request):
        k = kind(request)
        if k == "summary":
            first = scene_block(request).strip().split("\n")[0]
            return {"what_happens": f"Summary of: {first[:40]}", "present": [], "changes": []}
        if k == "verify":
            return {"stands": self.stands, "reason": "checked"}
        sid = scene_id(request)
        if (k, sid) in self.raw:
            return self.raw[(k, sid)]
        return {"findings": self.findings.get((k, sid), [])}


def finding(quote: str, message: str = "a contradiction", severity: str = "error",
            category: str = "factual-detail") -> dict:
    return {"category": category, "severity": severity, "message": message, "quote": quote}


@pytest.fixture(name="fake")
def fake_server():
    room = Room()
    with FakeLLM() as server:
        server.answer(room)
        server.room = room      # type: ignore[attr-defined]
        yield server


def call(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli_app.main(["--color", "never", *args])
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def of(server: FakeLLM, what: str) -> list[Request]:
    return [r for r in server.requests if kind(r) == what]
