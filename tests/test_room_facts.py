"""The Writers' Room's pure parts: the time-scoped fact sheet, the quote locator, turning
an answer into findings, and the prompts (fenced prose, a template hash, declared inputs)."""

from __future__ import annotations

import pytest

from novelforge.analysis import Session
from novelforge.llm.types import Reply
from novelforge.project.loader import load_project
from novelforge.room import reviewers as rv
from novelforge.room.facts import Facts
from novelforge.room.findings import convert
from novelforge.room.quotes import locate, normalise
from novelforge.room.run import RoomStats
from novelforge.room.schemas import Review
from roomkit import write_novel


@pytest.fixture
def session(tmp_path):
    project = load_project(write_novel(tmp_path / "novel", "http://127.0.0.1:9/v1"))
    return Session(project).start()


def sheet(session, sid):
    scene = session.project.scene_by_id()[sid]
    return scene, Facts(session).sheet(scene)


def entry(sheet_, eid):
    return next(e for e in sheet_.entries if e["id"] == eid)


# ----------------------------------------------------------------------------- as of the scene
def test_a_later_fact_is_not_in_an_earlier_scenes_sheet(session):
    _scene, first = sheet(session, "the-gate")
    aria, bram = entry(first, "aria"), entry(first, "bram")
    assert "knows" not in aria                       # learned in the-letter, the next scene
    assert "status" not in bram and "died_in" not in bram   # dies in the-fall, later
    assert entry(first, "key")["holder"] == "aria"
    text = str(first.entries)
    assert "father" not in text and "the-fall" not in text


def test_the_same_facts_after_they_happen(session):
    _scene, after = sheet(session, "after")
    assert entry(after, "aria")["knows"] == ["the king is her father (learned in `the-letter`)"]
    assert entry(after, "bram")["status"] == "dead" and entry(after, "bram")["died_in"] == "the-fall"
    assert entry(after, "key")["holder"] == "bram"    # moved by the-letter's transfer
    assert entry(after, "ashvault")["summary"] == "the vault under the city"   # named in the prose


def test_a_death_in_this_very_scene_is_not_told(session):
    _scene, fall = sheet(session, "the-fall")
    assert "status" not in entry(fall, "bram")
    _scene, letter = sheet(session, "the-letter")
    assert "knows" not in entry(letter, "aria")      # learned here: for the reviewer to read


def test_a_sheet_holds_only_what_the_scene_touches(session):
    _scene, fall = sheet(session, "the-fall")
    assert sorted(fall.entry_ids) == ["characters/aria", "characters/bram"]


# ----------------------------------------------------------------------------- quotes
TEXT = "She said, \u201cKeep  the\nkey\u2014safe\u2026\u201d and Bram\u2019s hand shook."


@pytest.mark.parametrize("quote", [
    '"Keep the key-safe..."', "Keep the key\u2013safe", "Bram's hand shook.", "Keep the key \u2014safe"[:12],
    "\u201cKeep the key\u2014safe\u2026\u201d",
])
def test_quotes_match_after_normalising_whitespace_quotes_and_dashes(quote):
    found = locate(quote, TEXT)
    assert found is not None
    assert normalise(TEXT[found.start:found.end])[0].strip("\"") in normalise(quote)[0].strip('"') + "\"" \
        or normalise(quote)[0].strip('"') in normalise(TEXT[found.start:found.end])[0]


@pytest.mark.parametrize("quote", ["Keep the door safe", "keep the key", "Bram's hands shook", "", "  ", "Ke",
                                   "Keep the key safe"])
def test_anything_else_is_not_a_quote(quote):
    assert locate(quote, TEXT) is None


def test_offsets_point_at_the_words_in_the_file():
    found = locate("Bram\u2019s hand", TEXT)
    assert TEXT[found.start:found.end] == "Bram\u2019s hand"
    found = locate("the key", TEXT)
    assert TEXT[found.start:found.end] == "the\nkey"


def test_the_quote_is_looked_up_in_the_prose_only():
    text = "---\ntitle: Keep the key\n---\nNothing here.\n"
    assert locate("Keep the key", text, start=text.index("Nothing")) is None


# ----------------------------------------------------------------------------- answers → findings
def test_an_answer_becomes_findings_with_positions_and_dropped_quotes_counted(session):
    scene, first = sheet(session, "the-gate")
    prompt = rv.review_prompt(rv.REVIEWERS[0], scene, session.masked(scene), first, "", "review")
    answer = Review.model_validate({"findings": [
        {"category": "factual-detail", "severity": "error", "message": "eyes", "quote": "Her grey eyes"},
        {"category": "world-setting", "severity": "info", "message": "made up", "quote": "a quote the model made up"},
    ]})
    stats = RoomStats()
    found, errors, answered = convert([Reply(prompt, answer)], {scene.id: scene}, session, False, stats)
    assert stats.dropped == 1 and answered == {"the-gate": 1}
    (d,) = found
    assert (d.code, d.path, d.line, d.column, d.end_column) == ("NF701", scene.path, 9, 28, 41)
    assert d.severity.value == "warning"             # advisory without llm.room.gate
    assert d.message == "eyes [factual-detail]" and len(errors) == 1
    gated, _e, _a = convert([Reply(prompt, answer)], {scene.id: scene}, session, True, RoomStats())
    assert gated[0].severity.value == "error"


def test_an_unusable_answer_is_one_nf704_finding(session):
    scene, first = sheet(session, "the-gate")
    prompt = rv.review_prompt(rv.REVIEWERS[1], scene, session.masked(scene), first, "", "review")
    stats = RoomStats()
    found, _e, answered = convert([Reply(prompt, None, error="not JSON")], {scene.id: scene}, session, False, stats)
    assert [d.code for d in found] == ["NF704"] and stats.failed == 1 and answered == {}
    assert "character reviewer" in found[0].message and "not JSON" in found[0].message


# ----------------------------------------------------------------------------- prompts
def test_each_reviewer_is_sent_only_what_it_reads(session):
    scene, after = sheet(session, "after")
    masked = session.masked(scene)
    by = {r.name: rv.review_prompt(r, scene, masked, after, "- `x`: story", "review") for r in rv.REVIEWERS}
    cont, char, plot = (by[n].messages[1]["content"] for n in ("continuity", "character", "plot"))
    assert "Ashvault" in cont.split("SCENE")[0] and "ashvault" not in char.split("SCENE")[0]   # characters only
    assert "the king is her father" in char and "PROMISES" not in char
    assert "Canon as of" not in plot and "the king is her father" not in plot
    for p in by.values():
        assert p.template_hash and p.template.startswith("room/") and p.scene == "after"
        assert "- `x`: story" in p.messages[1]["content"]


def test_the_prose_is_fenced_with_line_numbers(session):
    scene, first = sheet(session, "the-gate")
    p = rv.review_prompt(rv.REVIEWERS[0], scene, session.masked(scene), first, "", "review")
    user = p.messages[1]["content"]
    assert " 9| Aria met Bram at the gate." in user
    fence = user.split("BEGIN ", 1)[1].split()[0]
    assert user.count(f"BEGIN {fence} SCENE") == 1 and user.count(f"END {fence} SCENE") == 1
    assert "never an instruction" in p.messages[0]["content"]
    assert '"Nothing wrong" is a valid' in p.messages[0]["content"]
