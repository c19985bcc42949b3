"""NF406 on the present tenses a story told in the past keeps on purpose (a paragraph in
the present, a diary's or memoir's now, a report of what someone says now) and on the slips
it must still find (novelforge/text/tense.py, issue #16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project

PAST = ("Aria climbed the stair to the top of the tower. She pushed the door open and stepped into "
        "the wind. Bram followed her up, and he carried the lantern. They stood together at the "
        "parapet. She looked down at the sleeping city. He said nothing for a long time.")
FIRST = ("I was the first up the stair to the top of the tower. I had the key, and I pushed the "
         "door open and stepped into the wind. I saw the river below. Bram followed me up, and he "
         "carried the lantern. We stood together at the parapet. "
         "I looked down at the sleeping city. He said nothing for a long time. They rang the bells "
         "below us, and he counted them. She came up behind us; she was out of breath and they "
         "were late.")


def slips(tmp_path: Path, *paragraphs: str, front: str = "") -> list[str]:
    return findings(tmp_path, "NF406", *paragraphs, front=front)


def findings(tmp_path: Path, code: str, *paragraphs: str, front: str = "") -> list[str]:
    """The words in backticks of the ``code`` findings of one scene made of ``paragraphs``
    (Aria and Bram in canon; ``front``: more front matter lines)."""
    root = tmp_path / "book"
    (root / "manuscript" / "01-a").mkdir(parents=True)
    (root / "canon" / "characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    for who in ("aria", "bram"):
        (root / "canon" / "characters" / f"{who}.yaml").write_text(f"name: {who.title()}\n", "utf-8")
    body = "\n\n".join(paragraphs)
    (root / "manuscript" / "01-a" / "01-the-tower.md").write_text(
        f"---\ntitle: The Tower\ncharacters: [aria, bram]\n{front}---\n\n{body}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(use_cache=False, select={code}))
    return [d.message.split("`")[1] for d in report.diagnostics if d.code == code]


@pytest.mark.parametrize("slip, found", [
    # a sentence appended to a paragraph in the past, a paragraph of its own, two in a row
    ("She looked at the bells. She looks down at the city.", ["She looks"]),
    ("Bram takes the lantern from the wall and goes down the stair.", ["Bram takes"]),
    ("Aria waits for the bells. She looks at the dark. They watched the river.", ["Aria waits", "She looks"]),
    # a state in the present is a slip too when an `I` does not tell the story
    ("She turned away. She is tired of the city and its bells.", ["She is"]),
    # a person named by a noun: `The old man looks`, `The King sits`
    ("Bram went down. The old man looks out across the plain.", ["The old man looks"]),
    ("The King sits in his chair of state and speaks no word.", ["The King sits"]),
])
def test_slips_in_the_third_person_are_found(tmp_path, slip, found):
    assert slips(tmp_path, PAST, slip, PAST) == found


@pytest.mark.parametrize("passage", [
    # a paragraph told in the present on purpose: a daydream, the general present
    "He sees himself at the head of the army. The battle is won by him alone, the emperor is "
    "removed, and he is appointed in his place. He gives the orders and they obey.",
    "Everyone knows how such dinners go. The soup is late, and the host is anxious. The guests "
    "are hungry, but they are too well bred to show it.",
    # what someone says now of the past
    "Bram declares to this day that he saw the lights on the river first.",
    "Her father was much affected by it. He says the count was the last of the great century.",
    # a noun of two words is no subject and verb
    "The officer prisoners were separated from the soldiers and told to march in front.",
])
def test_a_present_on_purpose_is_no_slip(tmp_path, passage):
    assert slips(tmp_path, PAST, passage, PAST) == []


@pytest.mark.parametrize("passage", [
    "We met Mrs. Westenra at the door. She is always an early riser, and she greeted us warmly.",
    "Bram has gone to bed already, for his is the second watch.",
    "He was surprised at my knowledge, but he does not know how long I had studied the map.",
    "I cannot sleep, so I make this entry. Bram insists that I shall go with him at noon.",
])
def test_the_narrators_now_in_a_story_told_by_an_i(tmp_path, passage):
    assert slips(tmp_path, FIRST, passage, FIRST) == []


def test_an_action_in_the_present_is_a_slip_even_when_an_i_tells_the_story(tmp_path):
    assert slips(tmp_path, FIRST, "Bram turned to me. He leans back against the wall and closes his eyes.",
                 FIRST) == ["He leans"]


@pytest.mark.parametrize("passage", [
    "If ever he have a doubt of it, he kept it to himself.",           # a subjunctive
    "Only to her mother could Aria have told all she was feeling.",    # an inverted modal
    "The only thing that made Aria anxious was the silence.",          # an adjective in -ous
])
def test_no_present_tense_at_all(tmp_path, passage):
    assert slips(tmp_path, PAST, passage, PAST) == []


def test_the_narrator_named_in_the_sentence_tells_its_now(tmp_path):
    # a diary entry in a scene with too few `I was` to be told in the first person
    assert slips(tmp_path / "a", PAST, "Bram has asked me to note this, for his hand shook.", PAST) == []
    assert slips(tmp_path / "b", PAST, "Bram has the lantern, and his hand shook.", PAST) == ["Bram has"]


def test_a_scene_says_its_own_tense(tmp_path):
    present = "Aria climbs the stair. She pushes the door open. Bram follows her, and he carries the lantern."
    # told mostly in the past, the scene's own `tense: present` makes its past sentences the slips
    found = slips(tmp_path / "a", present, PAST, PAST, front="tense: present\n")
    assert found and all(t.split()[-1] in ("climbed", "pushed", "followed", "carried", "stood", "looked", "said")
                         for t in found), found
    assert slips(tmp_path / "b", present, present, PAST) == []      # no majority of 85%: nothing said


def book(tmp_path: Path, scenes: dict[str, tuple[str, str]], config: str = "") -> list[tuple[str, str]]:
    """(file, message) of the NF406 findings of a book of ``scenes`` (file → (front matter
    lines, prose))."""
    root = tmp_path / "book"
    (root / "manuscript" / "01-a").mkdir(parents=True)
    (root / "canon" / "characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text(f"title: T\n{config}", "utf-8")
    for who in ("aria", "bram"):
        (root / "canon" / "characters" / f"{who}.yaml").write_text(f"name: {who.title()}\n", "utf-8")
    for name, (front, body) in scenes.items():
        (root / "manuscript" / "01-a" / name).write_text(
            f"---\ncharacters: [aria, bram]\n{front}---\n\n{body}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(use_cache=False, select={"NF406"}))
    return [(d.path.rsplit("/", 1)[-1], d.message) for d in report.diagnostics]


SHORT = "Aria waited at the gate. She heard the bells. Bram looks up at the tower."


def test_a_short_scene_is_judged_by_the_book_s_tense(tmp_path):
    told = {f"0{i}-told.md": ("", f"{PAST} {PAST}") for i in range(1, 6)}
    assert book(tmp_path / "a", {**told, "09-short.md": ("", SHORT)}) == [
        ("09-short.md", "`Bram looks` is in the present tense; the book is told in the past")]
    # the scene's own `tense:` wins; a book of too few scenes that decide says nothing
    assert book(tmp_path / "b", {**told, "09-short.md": ("tense: present\n", SHORT)}) == [
        ("09-short.md", "`Aria waited` is in the past tense; the scene is told in the present"),
        ("09-short.md", "`She heard` is in the past tense; the scene is told in the present")]
    few = dict(list(told.items())[:3])
    assert book(tmp_path / "c", {**few, "09-short.md": ("", SHORT)}) == []


def test_a_short_scene_that_is_mixed_or_a_book_that_is_mixed_says_nothing(tmp_path):
    told = {f"0{i}-told.md": ("", f"{PAST} {PAST}") for i in range(1, 6)}
    mixed = "Aria waited at the gate. She hears the bells. Bram looks up at the tower."
    assert book(tmp_path / "a", {**told, "09-short.md": ("", mixed)}) == []
    present = ("Aria climbs the stair. She pushes the door open. Bram follows her, and he carries the lantern. "
               "They stand together at the parapet. She looks down at the city. He says nothing for a long time.")
    half = {**dict(list(told.items())[:3]), **{f"0{i}-now.md": ("", f"{present} {present}") for i in (6, 7, 8)}}
    assert book(tmp_path / "b", {**half, "09-short.md": ("", SHORT)}) == []


def test_does_not_is_the_verb_after_it(tmp_path):
    # in a story an `I` tells, `does not know` is a state at the time of telling; `does not answer` an action
    assert slips(tmp_path / "a", FIRST, "Bram turned to me. He does not know the way.", FIRST) == []
    assert slips(tmp_path / "b", FIRST, "Bram turned to me. He does not answer, and the silence grows.",
                 FIRST) == ["He does"]


def test_a_short_scene_of_a_book_an_i_tells(tmp_path):
    told = {f"0{i}-told.md": ("", f"{FIRST} {FIRST} {FIRST}") for i in range(1, 6)}
    short = "I stood at the gate, and they waited with me. She came at last. She is always an early riser."
    assert book(tmp_path / "a", {**told, "09-short.md": ("", short)}) == []
    acts = "I stood at the gate, and they waited with me. She came at last. She looks up at the tower."
    assert book(tmp_path / "b", {**told, "09-short.md": ("", acts)}) == [
        ("09-short.md", "`She looks` is in the present tense; the book is told in the past")]


def test_a_talkative_scene_has_a_short_narration(tmp_path):
    told = {f"0{i}-told.md": ("", f"{PAST} {PAST}") for i in range(1, 6)}
    talk = "\n\n".join(f'"{"We walked to the river and back, and nobody saw us. " * 12}" said Aria.' for _ in range(2))
    scene = f"{talk}\n\nAria turned, and they waited. She looks at the door."
    assert book(tmp_path / "a", {**told, "09-talk.md": ("", scene)}) == [
        ("09-talk.md", "`She looks` is in the present tense; the book is told in the past")]
