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


def test_nf407_a_narrating_me_or_my_in_the_past(tmp_path):
    assert findings(tmp_path / "a", "NF407", PAST, "It seemed to me that Aria had grown older in a single night.",
                    PAST) == ["me"]
    assert findings(tmp_path / "b", "NF407", PAST, "Nobody told me what Aria said to them.", PAST) == ["me"]
    assert findings(tmp_path / "c", "NF407", PAST, "To my mind, Aria was right to say nothing.", PAST) == ["my"]


def test_nf407_a_me_or_my_that_is_no_slip_stays_silent(tmp_path):
    assert findings(tmp_path / "a", "NF407", PAST, "Dear me, how cold it was, and my dear Aria shivered.",
                    PAST) == []                                                       # idioms
    assert findings(tmp_path / "b", "NF407", PAST, "Human dignity tells me that each of us was a man.", PAST) == []
    assert findings(tmp_path / "c", "NF407", PAST, "My action seems to me free. I see that I raised my arm.",
                    PAST) == []                                                       # the author's present
    assert findings(tmp_path / "d", "NF407", PAST, "It would be too painful to me, she had written.", PAST) == []
    letter = ["My dear Bram,", "You were kind to me when I needed it.", "Yours ever,", "Aria"]
    assert findings(tmp_path / "e", "NF407", PAST, *letter, PAST) == []


def test_nf407_the_narrator_in_the_present_earlier_in_the_paragraph(tmp_path):
    essay = "Can I lift my arm? I lift it. The arm I then lifted is no longer the same."
    assert findings(tmp_path / "a", "NF407", PAST, essay, PAST) == []
    assert findings(tmp_path / "b", "NF407", PAST, "The arm I lifted was no longer the same.", PAST) == ["I lifted"]


def test_nf406_a_diary_told_in_the_past_has_its_own_slip(tmp_path):
    entry = ("December 4. Got up at eight and went to my duties. Bram had left early, and the countess "
             "had visitors. I ate alone and went to bed. Bram does not answer, and the silence grows.")
    assert findings(tmp_path / "a", "NF406", PAST, PAST, entry, PAST) == ["Bram does"]
    present = "December 4. Bram is asleep. He sleeps badly, and she watches him. I was tired."
    assert findings(tmp_path / "b", "NF406", PAST, PAST, present, PAST) == []


def test_nf407_me_in_verse_or_at_the_end_of_a_broken_speech_stays_silent(tmp_path):
    verse = "Aske me no more whether doth stray\nThe golden atomes of the day;"
    assert findings(tmp_path / "a", "NF407", PAST, verse, PAST) == []
    tail = "and little for my health it was, had I then withstood them.”"
    assert findings(tmp_path / "b", "NF407", PAST, tail, PAST) == []
    assert findings(tmp_path / "c", "NF407", PAST, tail[:-1], PAST) == ["my"]
