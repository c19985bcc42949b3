"""A small novel with empty scene cards for the drafting tests, in a git repository, and a
fake model that drafts (streamed) and summarises, over real HTTP (tests/fakellm.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakellm import FakeLLM, Request
from gitrepo import commit_all, git
from roomkit import CANON, llm_block

GATE = ("---\ntitle: The Gate\npov: aria\ncharacters: [aria, bram]\nwhen: day 1 morning\n"
        "summary: Aria meets Bram at the gate.\nstatus: revised\n---\n\n"
        "Aria met Bram at the gate. Her grey eyes watched the road.\n\n"
        "\u201cKeep the iron key safe,\u201d Bram said.\n")
LETTER = ("---\ntitle: The Letter   # the card\npov: aria\ncharacters: [aria, bram]\nwhen: day 2 evening\n"
          "status: outline  # not yet written\nsummary: Aria reads the letter and gives Bram the key.\n"
          "beats: [Aria reads the letter, She gives Bram the key]\ntarget_words: 300\n"
          "transfers:\n  - {item: key, from: aria, to: bram}\n---\n")
FALL = ("---\ntitle: The Fall\npov: aria\ncharacters: [aria, bram]\nwhen: day 3 night\n"
        "summary: Bram falls from the wall.\n---\n")
SCENES = {
    "manuscript/01-a/01-the-gate.md": GATE,
    "manuscript/01-a/02-the-letter.md": LETTER,
    "manuscript/01-a/03-the-fall.md": FALL,
}
PROSE = "Aria read the letter twice by the fire.\n\nThen she gave Bram the iron key, and said nothing."


def write_cards(root: Path, url: str, *, llm: dict | None = None, scenes: dict | None = None,
                repo: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    config = {"title": "Cards", "author": "T. Est", "llm": llm_block(url, **(llm or {}))}
    (root / "novelforge.yaml").write_text(json.dumps(config) + "\n", "utf-8")
    for rel, text in {**CANON, **SCENES, **(scenes or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if repo:
        (root / ".gitignore").write_text(".novelforge/\n", "utf-8")
        git(root, "init", "-q")
        commit_all(root, "cards")
    return root


def is_draft(request: Request) -> bool:
    return "You are drafting one scene" in request.body["messages"][0]["content"]


def is_repair(request: Request) -> bool:
    return is_draft(request) and "checker read your draft" in request.body["messages"][-1]["content"]


def is_summary(request: Request) -> bool:
    return "You summarise one scene" in request.body["messages"][0]["content"]


class Writer:
    """A responder: drafts (``prose``, or one per call from ``queue``) and summaries."""

    def __init__(self) -> None:
        self.prose = PROSE
        self.queue: list = []

    def __call__(self, request: Request):
        if is_summary(request):
            return {"what_happens": "What the new scene says happened.", "present": [], "changes": []}
        if self.queue:
            return self.queue.pop(0)
        return self.prose


@pytest.fixture(name="fake")
def fake_server():
    writer = Writer()
    with FakeLLM() as server:
        server.answer(writer)
        server.writer = writer      # type: ignore[attr-defined]
        yield server


def drafts(server: FakeLLM) -> list[Request]:
    return [r for r in server.requests if is_draft(r)]
