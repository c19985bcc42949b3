"""Letters and diary entries set as plain paragraphs (novelforge/text/documents.py): the
reader itself, and NF407 and NF406 leaving them alone while still finding slips beside them."""

from __future__ import annotations

from pathlib import Path

from novelforge.text.documents import document_paragraphs
from novelforge.text.index import paragraphs
from test_tense_present import PAST
from test_tense_present import findings as scene_findings


def docs(*paras: str) -> list[int]:
    text = "\n\n".join(paras) + "\n"
    return sorted(document_paragraphs(text, paragraphs(text, 0)))


def test_a_dated_paragraph_is_a_diary_entry():
    assert docs(PAST, "December 4. Today the boy would not dress, and I tried threats.", PAST) == [1]
    assert docs("_3 October._--As I must do something or go mad, I write this diary.") == [0]
    assert docs("Monday, 12th May. We left at dawn.", "December 4 was a cold day.", "May I come?") == [0]


def test_a_letter_runs_from_its_salutation_to_its_signature():
    letter = ["My dear Pierre,", "I tried to write sooner. I am well.", "Yours ever,", "Anna", PAST]
    assert docs(PAST, *letter) == [1, 2, 3, 4]
    assert docs(PAST, "Dear Sir, I received your note and I answered it at once.", PAST) == [1]   # no close
    assert docs("Dear me, how cold it was, she thought.", PAST) == []
    assert docs("“My dear Pierre,” said Anna.", PAST) == []                                    # speech


def findings(tmp_path: Path, code: str, *paragraphs: str) -> list[str]:
    return scene_findings(tmp_path, code, *paragraphs, front="pov: aria\n")


def test_nf407_leaves_a_diary_and_a_letter_alone_and_finds_the_slip(tmp_path):
    diary = "December 4. Today the boy would not dress. I tried threats, but he only grew angrier."
    assert findings(tmp_path / "a", "NF407", PAST, diary, PAST) == []
    assert findings(tmp_path / "b", "NF407", PAST, diary.split(". ", 1)[1], PAST) == ["I tried"]
    letter = ["My dear Bram,", "I waited for you at the gate, and I saw the lights.", "Yours ever,", "Aria"]
    assert findings(tmp_path / "c", "NF407", PAST, *letter, PAST) == []
    assert findings(tmp_path / "d", "NF407", PAST, letter[1], PAST) == ["I waited"]


def test_nf407_leaves_the_authors_own_voice_alone(tmp_path):
    essay = "If I examine an act I performed a moment ago, my action appears to me free."
    assert findings(tmp_path / "a", "NF407", PAST, essay, PAST) == []
    assert findings(tmp_path / "b", "NF407", PAST, "I performed the rite a moment ago.", PAST) == ["I performed"]
    slip = "I watched the old man go, and I confess that my heart sank."     # the past first: a slip
    assert findings(tmp_path / "c", "NF407", PAST, slip, PAST) == ["I watched"]


def test_nf406_leaves_a_diary_entry_in_its_own_tense(tmp_path):
    entry = "December 4. Bram is asleep. He sleeps badly, and she watches him from the door."
    assert findings(tmp_path / "a", "NF406", PAST, PAST, entry, PAST) == []
    assert findings(tmp_path / "b", "NF406", PAST, PAST, entry.split(". ", 1)[1], PAST)


def test_a_date_heading_opens_an_entry_that_runs_while_it_speaks_in_the_first_person():
    entry = ["Moscow, 17th November", "I have just returned from my benefactor.", "He received me at once."]
    assert docs(PAST, *entry, PAST, "I saw the lights.") == [1, 2, 3]          # the narration resumes
    days = ["24th November", "Got up at eight, went to my duties.", "27th November", "I got up late."]
    assert docs(*days) == [0, 1, 2, 3]
    assert docs("Moscow was cold in November.", "I saw the lights.") == []        # a sentence, not a heading


def test_a_document_the_narration_introduces():
    assert docs(PAST + " This is what he noted in his diary:", "I went to see him, and he received me.", PAST) == [1]
    assert docs("Mary wrote to her friend Julie in Petersburg.", "Sorrow is our common lot, my dear friend.",
                "I am well.", "MARY", PAST) == [1, 2, 3]
    assert docs(PAST, "I saw the lights.") == []                                   # no writing told of
    assert docs("He wrote nothing that day.", "“I will not,” she said.", PAST) == []   # speech is no document


def test_a_letter_without_a_close_runs_while_it_speaks_to_its_reader():
    letter = ["Monsieur mon frère,", "Yesterday I learned that your troops crossed the frontier.",
              "(signed) Alexander.", PAST]
    assert docs(PAST, *letter) == [1, 2, 3]
    assert docs(PAST, "Dear and precious Friend, your letter gave me delight.", "I saw my brother.",
                "Adieu, dear friend.", PAST) == [1, 2, 3]


def test_nf407_leaves_an_entry_under_a_date_heading_alone_and_finds_the_slip_after(tmp_path):
    entry = ["Moscow, 17th November", "I went to my benefactor, and he received me."]
    assert findings(tmp_path / "a", "NF407", PAST, *entry, PAST) == []
    assert findings(tmp_path / "b", "NF407", PAST, *entry, PAST, "I watched the old man go.") == ["I watched"]
    assert findings(tmp_path / "c", "NF407", PAST, "Moscow was cold.", entry[1], PAST) == ["I went"]
