"""Readers generalised for the phrasings benchmark (issue #16): who a pronoun subject or a
possessive is (colours, heights, a dead character's actions), heights in a figure and at a
sentence's start, `not blue but grey`, appositions before a verb, a short scene's tense, the
first-person narrator's possessive, an item looked at after it was lost. Each reading is
tested where it fires and where it must stay silent."""

from __future__ import annotations

from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project
from tests.test_reference import findings


def test_a_pronoun_subject_owns_the_colour(tmp_path):
    assert findings(tmp_path, "Aria turned away from the window. She had blue eyes and a patient look.") == [
        "`blue eyes` contradicts canon: Aria Vell's eyes are `grey`"]
    assert findings(tmp_path, "Nobody spoke to Aria for some time. Her eyes were blue, and missed nothing.") == [
        "`eyes were blue` contradicts canon: Aria Vell's eyes are `grey`"]
    # the pronoun cannot be Aria (a man), or two women could be meant: silent
    assert findings(tmp_path, "Aria turned away from the window. He had blue eyes.") == []
    assert findings(tmp_path, "Aria looked at her grey eyes in the glass. She had blue eyes once, she said.") != []


def test_a_pronoun_subject_with_nobody_to_refer_to_stays_silent(tmp_path):
    assert findings(tmp_path, "The room was empty. She had blue eyes.") == []
    assert findings(tmp_path, "Aria turned away. She had grey eyes.") == []
    # the pronoun goes on being someone the names do not show: `She … Aria. Her hair`
    assert findings(tmp_path, "A girl sat waiting. She was older than Aria, and tall. Her eyes were blue.") == []
    assert findings(tmp_path, "A girl sat waiting. She was older than Aria. She had blue eyes.") == []


def test_a_figure_carries_its_owners_height(tmp_path):
    assert findings(tmp_path, "Aria turned, and her short, thickset figure filled the doorway.") == [
        "`her short, thickset figure` contradicts canon: Aria Vell is tall"]
    assert findings(tmp_path, "Bram’s tall figure was soon lost in the crowd.") == [
        "`’s tall figure` contradicts canon: Bram Kettering is short"]
    assert findings(tmp_path, "Aria’s tall figure was soon lost in the crowd. Bram’s short figure followed.") == []


def test_a_sentence_opening_with_a_height_describes_its_subject(tmp_path):
    assert findings(tmp_path, "Short and stout, Aria made her way through the crowd.") == [
        "`Short and stout, Aria` contradicts canon: Aria Vell is tall"]
    assert findings(tmp_path, "Short and stout, Bram made his way through the crowd.") == []
    # the height of something else: the subject is not named right after the comma
    assert findings(tmp_path, "Short as it was, the walk tired Aria.") == []


def _dead(tmp_path, prose: str) -> list[str]:
    """NF401 on a second scene after Bram's death in the first."""
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import CheckOptions, check_project

    root = tmp_path / f"d{len(list(tmp_path.iterdir()))}"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    (root / "canon/characters/aria.yaml").write_text("id: aria\nname: Aria\nattributes: {pronouns: she/her}\n", "utf-8")
    (root / "canon/characters/bram.yaml").write_text(
        "id: bram\nname: Bram\nattributes: {pronouns: he/him}\nstatus: dead\ndied_in: one\n", "utf-8")
    for name, sid, body in (("01-one.md", "one", "Bram fell from the tower."), ("02-two.md", "two", prose)):
        path = root / "manuscript/01-a" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nid: {sid}\ncharacters: [aria]\nmentions: [bram]\nstatus: draft\n---\n\n{body}\n",
                        "utf-8")
    report = check_project(load_project(root), CheckOptions(select=["NF401"], use_cache=False))
    return [d.message for d in report.diagnostics if d.path and d.path.endswith("02-two.md")]


def test_a_dead_character_acts_after_an_apposition_or_a_relative_clause(tmp_path):
    assert _dead(tmp_path, "Bram, the old sailor, crossed the room and sat down.") == [
        "Bram (`bram`) acts here (`Bram`) but died in `one`"]
    assert _dead(tmp_path, "Bram, who had said nothing all the morning, rose and went out.") == [
        "Bram (`bram`) acts here (`Bram`) but died in `one`"]
    # a list or a memory is not an action
    assert _dead(tmp_path, "Aria thought of Bram, the old sailor, and of the sea.") == []
    assert _dead(tmp_path, "Aria remembered Bram, who had loved the sea, and wept.") == []


def test_a_dead_character_as_a_pronoun_subject(tmp_path):
    assert _dead(tmp_path, "Someone was standing by the door; it was Bram. He stepped forward.") == [
        "Bram (`bram`) acts here (`He stepped`) but died in `one`"]
    # the pronoun is Aria's, or nobody can be told: silent
    assert _dead(tmp_path, "Aria thought of Bram. She stepped forward.") == []
    assert _dead(tmp_path, "The room was empty. He stepped forward.") == []
    assert _dead(tmp_path, "Aria thought of Bram. He had been kind.") == []
    # the `he` of the sentence before goes on: someone else thinking of Bram
    assert _dead(tmp_path, "Aria came in. As he listened he did not think of Bram. He listened to her.") == []


def test_not_one_colour_but_another(tmp_path):
    assert findings(tmp_path, "Aria’s eyes were not grey but blue, and they never left the door.") == [
        "`eyes were not grey but blue` contradicts canon: Aria Vell's eyes are `grey`"]
    assert findings(tmp_path, "Aria’s eyes were not blue but grey.") == []
    assert findings(tmp_path, "Aria’s eyes were not blue.") == []


SHORT_PAST = ("Aria climbed the stair. She pushed the door open. Bram followed her up. He carried the lantern. "
              "They stood together at the parapet. She looked down at the city.\n\n"
              "“We shall wait here until the bells have rung for the last time tonight, and then we shall go "
              "down the long stair together and find the others at the gate before the watch is changed and "
              "the lamps are lit along the river wall, as we promised them we would,” said Aria.\n\n")


def test_a_short_scene_in_the_past_still_has_its_slip(tmp_path):
    from tests.test_tense_present import slips

    # six pairs in the past and one in the present: the one is a slip
    assert slips(tmp_path / "a", SHORT_PAST + "Bram sits down and takes up his pen.") == ["Bram sits"]
    # two in the present among six: no tense dominates a scene this short
    assert slips(tmp_path / "b", SHORT_PAST + "Bram sits down. Aria looks at him.") == []
    # fewer than six pairs: nothing to judge by
    few = SHORT_PAST.split(" They")[0] + "\n\n" + SHORT_PAST.split("\n\n")[1]
    assert slips(tmp_path / "c", few + "\n\nBram sits down.") == []


def _book(tmp_path, code: str, scenes: list[tuple[str, str, str]], items: str = "") -> list[str]:
    """``code``'s messages on a book of ``scenes`` (id, front matter lines, prose) with Aria
    (she) and Bram (he) in canon and ``items`` as canon/items/key.yaml."""
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import CheckOptions, check_project

    root = tmp_path / f"b{len(list(tmp_path.iterdir()))}"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    (root / "canon/characters/aria.yaml").write_text("id: aria\nname: Aria\nattributes: {pronouns: she/her}\n", "utf-8")
    (root / "canon/characters/bram.yaml").write_text("id: bram\nname: Bram\nattributes: {pronouns: he/him}\n", "utf-8")
    if items:
        (root / "canon/items").mkdir()
        (root / "canon/items/key.yaml").write_text(items, "utf-8")
    for k, (sid, front, body) in enumerate(scenes, 1):
        path = root / f"manuscript/01-a/{k:02d}-{sid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nid: {sid}\ncharacters: [aria, bram]\n{front}status: draft\n---\n\n{body}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(select=[code], use_cache=False))
    return [d.message for d in report.diagnostics if d.code == code]


FIRST_PERSON = "pov: aria\npov_mode: first\n"


def test_the_narrator_named_with_a_possessive_in_a_first_person_scene(tmp_path):
    prose = "I went down to the gate. Aria’s heart sank at the words."
    assert _book(tmp_path, "NF407", [("one", FIRST_PERSON, prose)]) == [
        "the narrator is named `Aria’s` in a first-person scene"]
    # someone else's, or the narrator's name in what someone says: silent
    assert _book(tmp_path, "NF407", [("one", FIRST_PERSON, "I went down to the gate. Bram’s heart sank.")]) == []
    assert _book(tmp_path, "NF407", [("one", FIRST_PERSON, "I went down. “Aria’s late,” said Bram.")]) == []


KEY = "id: key\nname: the iron key\nholder: bram\n"
LOST = ("one", "transfers: [{item: key, destroyed: true}]\n", "Bram threw the iron key into the fire.")


def test_an_item_looked_at_or_lying_there_after_it_was_destroyed(tmp_path):
    for prose in ("Bram looked at the iron key for a long moment.", "The iron key lay on the table.",
                  "The iron key was in his hand again."):
        assert [m.lower() for m in _book(tmp_path, "NF409", [LOST, ("two", "", prose)], KEY)] == [
            "`the iron key` is used here but was destroyed earlier"], prose
    # a memory of it, or the item only named: silent
    assert _book(tmp_path, "NF409", [LOST, ("two", "", "Bram thought of the iron key, and of the fire.")], KEY) == []


def test_a_speaker_describing_a_character_they_name_is_a_claim(tmp_path):
    assert findings(tmp_path, "Cato said, “I remember Aria well: a woman with blue eyes.”") == [
        "`blue eyes` in Cato's speech contradicts canon: Aria Vell's eyes are `grey`"]
    assert findings(tmp_path, "“My eyes are blue,” said Aria.") == [
        "`eyes are blue` in Aria Vell's speech contradicts canon: Aria Vell's eyes are `grey`"]
    assert findings(tmp_path, "“Aria is a short woman, and easy to miss in a crowd,” said Cato.") == [
        "`Aria is a short woman` in Cato's speech contradicts canon: Aria Vell is tall"]
    assert findings(tmp_path, "Cato said, “You will know Bram: a tall man.”") == [
        "`Bram: a tall man` in Cato's speech contradicts canon: Bram Kettering is short"]


def test_a_claim_in_speech_is_a_warning(tmp_path):
    findings(tmp_path, "“My eyes are blue,” said Aria.")
    report = check_project(load_project(tmp_path / "n0"), CheckOptions(select=["NF402"], use_cache=False))
    assert [d.severity.value for d in report.diagnostics] == ["warning"]


def test_a_reply_gives_the_colour_the_question_asked_about(tmp_path):
    assert findings(tmp_path, "“And what of Aria’s eyes?” “They were blue,” said Cato.") == [
        "`They were blue` in Cato's speech contradicts canon: Aria Vell's eyes are `grey`"]
    # the answer in a paragraph of its own; the feature after `of` and the name
    asked = "“Tell me the colour of the eyes of Aria?” asked Bram.\n\n“Blue, I think,” said Cato."
    assert findings(tmp_path, asked) == [
        "`Blue` in Cato's speech contradicts canon: Aria Vell's eyes are `grey`"]
    assert findings(tmp_path, "“What colour are Aria’s eyes?”\n\n“Why, they are a clear, light blue.”") == [
        "`they are a clear, light blue` in dialogue contradicts canon: Aria Vell's eyes are `grey`"]


def test_a_reply_stays_silent_without_a_question_about_one_named_feature(tmp_path):
    assert findings(tmp_path, "“And what of Aria’s eyes?” “They were grey,” said Cato.") == []    # agrees
    assert findings(tmp_path, "“And what of Aria’s horse?” “It was black,” said Cato.") == []     # not a feature
    assert findings(tmp_path, "“Aria’s eyes were tired.” “They were blue,” said Cato.") == []     # no question
    assert findings(tmp_path, "“What of the eyes?” “They were blue,” said Cato.") == []           # nobody named
    assert findings(tmp_path, "“And what of Aria’s eyes?” “It was blue,” said Cato.") == []      # `it`: not the eyes
    assert findings(tmp_path, "“And what of Aria’s eyes?” Cato stood up, crossed the room, poured the wine, "
                              "looked out of the window for a long while and sat down at last. “Blue,” he said.") == []


def test_speech_that_names_nobody_it_describes_stays_silent(tmp_path):
    assert findings(tmp_path, "“Aria, a man with blue eyes came to the door,” said Cato.") == []   # addressed
    assert findings(tmp_path, "“Your eyes are blue,” said Cato to Aria.") == []                    # the listener
    assert findings(tmp_path, "“My eyes are blue,” said Cato.") == []                    # no canon colour for Cato
    assert findings(tmp_path, "“I remember Aria well: a woman with grey eyes,” said Cato.") == []  # agrees
    assert findings(tmp_path, "“Bram and Aria came: a man with blue eyes,” said Cato.") == []      # two named
    assert findings(tmp_path, "“Aria is a tall woman,” said Cato. “Bram is a short man.”") == []


NARRATED = ("I went down to the gate before the others were awake, and I waited there while the light came. "
            "I had not slept; I had walked the walls and counted the fires in the valley. ") * 3


def test_a_scene_without_pov_is_judged_against_the_books_narrator(tmp_path):
    """A scene with no `pov:` in a book whose first-person scenes are told by Aria: Aria
    acting under her name is a slip (NF407), and Aria listed but never named is not a
    missing character (NF203)."""
    book = [("one", "pov: aria\n", NARRATED + "Bram came at dawn."),
            ("two", "pov: aria\n", NARRATED + "Bram said nothing.")]
    slip = ("three", "", NARRATED + "Aria walked to the door and Bram followed.")
    assert _book(tmp_path, "NF407", [*book, slip]) == [
        "the narrator `Aria` acts under their own name in a first-person scene"]
    unnamed = ("three", "", NARRATED + "Bram followed me to the door.")
    assert _book(tmp_path, "NF203", [*book, unnamed]) == []


def _knowing(tmp_path, scenes: list[tuple[str, str, str]]) -> list[str]:
    """NF404's messages on a book where Aria learns of the vault in its last scene."""
    root = tmp_path / f"k{len(list(tmp_path.iterdir()))}"
    (root / "canon/characters").mkdir(parents=True)
    (root / "novelforge.yaml").write_text("title: T\n", "utf-8")
    (root / "canon/characters/aria.yaml").write_text(
        "id: aria\nname: Aria\nattributes: {pronouns: she/her}\nknows:\n"
        "  - {fact: the vault is under the mill, learned_in: last, keywords: [the vault]}\n", "utf-8")
    (root / "canon/characters/bram.yaml").write_text("id: bram\nname: Bram\nattributes: {pronouns: he/him}\n",
                                                      "utf-8")
    for k, (sid, front, body) in enumerate([*scenes, ("last", "", NARRATED)], 1):
        path = root / f"manuscript/01-a/{k:02d}-{sid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nid: {sid}\ncharacters: [aria, bram]\n{front}status: draft\n---\n\n{body}\n", "utf-8")
    report = check_project(load_project(root), CheckOptions(select=["NF404"], use_cache=False))
    return [d.message for d in report.diagnostics]


def test_said_i_in_a_scene_without_pov_is_the_books_narrator(tmp_path):
    told = [("one", "pov: aria\n", NARRATED + "Bram came at dawn."),
            ("two", "pov: aria\n", NARRATED + "Bram said nothing.")]
    said = ("three", "", NARRATED + "“We must look for the vault,” said I. Bram shook his head.")
    assert _knowing(tmp_path, [*told, said]) == [
        "Aria says `the vault` before learning that the vault is under the mill (in `last`)"]
    # `I said` before the quote, too
    said = ("three", "", NARRATED + "The fire was low. I turned and said, “We must look for the vault.”")
    assert _knowing(tmp_path, [*told, said]) == [
        "Aria says `the vault` before learning that the vault is under the mill (in `last`)"]


def test_said_i_without_one_narrator_of_the_book_is_nobodys(tmp_path):
    said = ("three", "", NARRATED + "“We must look for the vault,” said I.")
    # the first-person scenes are told by two people, or by Bram: not Aria's line
    assert _knowing(tmp_path, [("one", "pov: aria\n", NARRATED), ("two", "pov: bram\n", NARRATED), said]) == []
    assert _knowing(tmp_path, [("one", "pov: bram\n", NARRATED), ("two", "pov: bram\n", NARRATED), said]) == []
    # a third-person book: `said I` is a quotation's narrator, nobody the canon knows
    third = "Aria walked to the gate before the others were awake, and waited there while the light came. " * 8
    assert _knowing(tmp_path, [("one", "pov: aria\n", third), ("two", "pov: aria\n", third), said]) == []


def test_without_one_narrator_a_scene_without_pov_is_not_judged(tmp_path):
    # the first-person scenes are told by two people: no book narrator
    book = [("one", "pov: aria\n", NARRATED + "Bram came at dawn."),
            ("two", "pov: bram\n", NARRATED + "Aria said nothing.")]
    slip = ("three", "", NARRATED + "Aria walked to the door and Bram followed.")
    assert _book(tmp_path, "NF407", [*book, slip]) == []
    # Aria, listed and never named, is reported when no narrator covers her
    unnamed = ("three", "", NARRATED + "Bram followed me to the door.")
    assert _book(tmp_path, "NF203", [*book, unnamed]) == [
        "Aria (`aria`) is listed in `characters` but never named in the scene"]
    # a third-person book: Aria walking is narration, not a slip
    third = [("one", "pov: aria\n", "Aria went down to the gate. " * 30), ("two", "pov: aria\n", "Aria waited. " * 40)]
    assert _book(tmp_path, "NF407", [*third, slip]) == []


def test_a_first_person_pov_need_not_be_named_in_a_first_person_book(tmp_path):
    """`pov:` without `pov_mode: first` in a book told in the first person (NF203)."""
    scenes = [("one", "pov: aria\n", NARRATED + "Bram came at dawn."),
              ("two", "pov: aria\n", NARRATED + "Then Bram left.")]
    assert _book(tmp_path, "NF203", scenes) == []
    named_other = [("one", "pov: aria\npov_mode: third\n", "The gate was shut. Bram came at dawn.")]
    assert _book(tmp_path, "NF203", named_other) == [
        "Aria (`aria`) is listed in `characters` but never named in the scene"]


TOLD_BY_ME = ("I came down to the yard at dawn. Aria was already there, and she turned when she heard me. "
              "Bram walked to the gate. He opened it and he went out. She watched him go. "
              "He came back at noon. She said nothing. He sat down by the fire.")


def test_the_narrators_presents_of_telling_do_not_hide_a_slip(tmp_path):
    """A scene told in the past whose closing lines are the narrator's present (`Aria is
    married now`): those presents are no votes against the past, so the slip is found."""
    from tests.test_tense_present import slips

    now = "That was long ago. Aria is married now, and she is happy; Bram is a judge, and he has grey hair."
    assert slips(tmp_path / "a", TOLD_BY_ME, "Then Aria looks at the fire for a long while.", now,
                 front="pov_mode: first\n") == ["Aria looks"]
    # the same scene with its slip put right says nothing
    assert slips(tmp_path / "b", TOLD_BY_ME, "Then Aria looked at the fire for a long while.", now,
                 front="pov_mode: first\n") == []
    # a scene that moves into the historic present is not a past scene with slips
    present = ("Aria rises and goes to the door. She opens it, and Bram comes in. He sits down and he waits. "
               "She takes up her pen.")
    assert slips(tmp_path / "c", TOLD_BY_ME, present, front="pov_mode: first\n") == []


def test_an_item_asked_for_in_speech_after_it_was_destroyed(tmp_path):
    for prose in ("“Bring me the iron key,” said Aria.", "Aria said, “Let me have the iron key once more.”",
                  "“Hand him the iron key,” said Aria."):
        assert _book(tmp_path, "NF409", [LOST, ("two", "", prose)], KEY) == [
            "`the iron key` is asked for here but was destroyed earlier"], prose
    # talk of it that does not ask for it, or a request before it was lost: silent
    for prose in ("“Where is the iron key?” asked Aria.", "“Bram burned the iron key,” said Aria.",
                  "“I miss the iron key,” said Aria."):
        assert _book(tmp_path, "NF409", [LOST, ("two", "", prose)], KEY) == [], prose
    assert _book(tmp_path, "NF409", [("zero", "", "“Bring me the iron key,” said Aria."), LOST], KEY) == []


def test_an_item_asked_for_in_speech_is_a_warning(tmp_path):
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import CheckOptions, check_project

    _book(tmp_path, "NF409", [LOST, ("two", "", "“Bring me the iron key,” said Aria.")], KEY)
    root = sorted(tmp_path.iterdir())[-1]
    found = [d for d in check_project(load_project(root), CheckOptions(select=["NF409"], use_cache=False)).diagnostics
             if "asked for" in d.message]
    assert [d.severity.value for d in found] == ["warning"]
