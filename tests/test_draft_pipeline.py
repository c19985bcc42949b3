"""`novelforge draft`: the check and the repair loop (the findings sent back, at most N
times, the result what the check says), `--next`, and `--chapter` (each new scene's
summary feeding the next, stopping at the first scene that fails its check)."""

from __future__ import annotations

import pytest

from draftkit import drafts, fake_server, is_repair, write_cards  # noqa: F401  (the fixture)
from roomkit import call

CONTRACT = {"contracts/world.yaml": ("no-muskets:\n  type: forbid\n  terms: [musket]\n  severity: error\n"
                                     "  message: The world has no gunpowder\n")}
BAD = "Aria loaded the musket and read the letter."
GOOD = "Aria read the letter by the fire, and then she gave Bram the iron key."
LETTER_PATH = "manuscript/01-a/02-the-letter.md"
FALL_PATH = "manuscript/01-a/03-the-fall.md"


@pytest.fixture
def novel(tmp_path, fake):
    return write_cards(tmp_path / "novel", fake.url, scenes=CONTRACT)


def test_without_repair_the_findings_are_reported_and_the_draft_written(novel, fake, capsys):
    fake.writer.prose = BAD
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 1
    assert "the check still finds 1 error" in err
    assert "NF301 `musket` is forbidden: The world has no gunpowder" in err
    assert (novel / LETTER_PATH).read_text("utf-8").endswith(BAD + "\n")
    assert len(drafts(fake)) == 1


def test_repair_sends_the_findings_back_and_the_check_decides(novel, fake, capsys):
    fake.writer.queue += [BAD, GOOD]
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--repair", "3")
    assert code == 0, err
    sent = drafts(fake)
    assert len(sent) == 2 and is_repair(sent[1])
    repair = sent[1].body["messages"]
    assert repair[-2] == {"role": "assistant", "content": BAD}
    assert "NF301 forbidden-term: `musket` is forbidden: The world has no gunpowder" in repair[-1]["content"]
    assert f'"{BAD}"' in repair[-1]["content"]           # the paragraph it is in
    assert repair[:2] == sent[0].body["messages"]
    assert "the check finds no errors after 1 repair" in err
    assert (novel / LETTER_PATH).read_text("utf-8").endswith(GOOD + "\n")


def test_repair_stops_at_n_and_reports_what_remains(novel, fake, capsys):
    fake.writer.prose = BAD
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--repair", "2")
    assert code == 1
    assert len(drafts(fake)) == 3                          # the draft and two repairs, no more
    assert "the check still finds 1 error after 2 repairs" in err


def test_the_model_saying_it_fixed_it_is_not_enough(novel, fake, capsys):
    fake.writer.queue += [BAD, "I have fixed it. " + BAD]
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--repair", "1")
    assert code == 1 and "the check still finds 1 error after 1 repair" in err


def test_next_drafts_the_first_empty_scene_in_reading_order(novel, fake, capsys):
    fake.writer.prose = GOOD
    code, _out, err = call(capsys, "draft", str(novel), "--next")
    assert code == 0, err
    assert "`the-letter`: drafted" in err
    assert (novel / FALL_PATH).read_text("utf-8").rstrip().endswith("---")      # the next one untouched


def test_chapter_drafts_in_order_and_feeds_each_summary_to_the_next(novel, fake, capsys):
    fake.writer.queue += [GOOD, "Bram fell from the wall in the dark."]
    code, _out, err = call(capsys, "draft", str(novel), "--chapter", "1")
    assert code == 0, err
    sent = drafts(fake)
    assert len(sent) == 2
    second = sent[1].body["messages"][1]["content"]
    # the model's summary of the new scene, not the card's, and its last paragraph
    assert "- `the-letter` (The Letter): What the new scene says happened." in second
    assert GOOD in second
    assert (novel / FALL_PATH).read_text("utf-8").endswith("Bram fell from the wall in the dark.\n")


def test_chapter_stops_at_the_first_scene_that_fails_its_check(novel, fake, capsys):
    fake.writer.prose = BAD
    before = (novel / FALL_PATH).read_bytes()
    code, _out, err = call(capsys, "draft", str(novel), "--chapter", "01-a", "--repair", "1")
    assert code == 1
    assert len(drafts(fake)) == 2                          # the-letter and its one repair
    assert "`the-letter`: drafted" in err and "the-fall" not in err
    assert (novel / FALL_PATH).read_bytes() == before


def test_chapter_refuses_every_dirty_scene_before_sending_anything(novel, fake, capsys):
    path = novel / FALL_PATH
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    code, _out, err = call(capsys, "draft", str(novel), "--chapter", "1")
    assert code == 2 and "03-the-fall.md` has changes" in err and fake.count == 0


def test_an_unknown_chapter_and_nothing_to_draft(novel, fake, capsys):
    code, _out, err = call(capsys, "draft", str(novel), "--chapter", "9")
    assert code == 2 and "`9` is not a chapter" in err
    fake.writer.prose = GOOD
    call(capsys, "draft", str(novel), "--chapter", "1")
    code, _out, err = call(capsys, "draft", str(novel), "--next")
    assert code == 2 and "nothing to draft" in err


def test_json_says_what_each_scene_came_to(novel, fake, capsys):
    import json

    fake.writer.prose = BAD
    code, out, _err = call(capsys, "draft", str(novel), "the-letter", "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["version"] == 1 and doc["stopped"] is None
    (scene,) = doc["scenes"]
    assert scene["scene"] == "the-letter" and scene["written"] is True
    assert [e["code"] for e in scene["errors"]] == ["NF301"]


def test_a_front_matter_error_is_reported_but_not_sent_for_repair(tmp_path, fake, capsys):
    from draftkit import LETTER

    bad_card = LETTER.replace("characters: [aria, bram]", "characters: [aria, bram, nobody]")
    novel = write_cards(tmp_path / "novel", fake.url, scenes={**CONTRACT, LETTER_PATH: bad_card})
    fake.writer.prose = GOOD
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--repair", "2")
    assert len(drafts(fake)) == 1                          # nothing a new draft could fix
    assert code == 1 and "nobody" in err


def test_the_model_comes_from_the_option_then_the_draft_settings(tmp_path, fake, capsys):
    fake.writer.prose = GOOD
    novel = write_cards(tmp_path / "novel", fake.url, llm={"draft": {"model": "openai/fake-drafter"}})
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 0, err and drafts(fake)[-1].model == "fake-drafter"
    assert drafts(fake)[-1].model == "fake-drafter"
    (novel / LETTER_PATH).write_text((novel / LETTER_PATH).read_text("utf-8").split("\n---\n")[0] + "\n---\n")
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--model", "openai/fake-b", "--allow-dirty")
    assert code == 0, err
    assert drafts(fake)[-1].model == "fake-b"


def test_the_api_names_resolve_in_any_order():
    from novelforge import api

    assert isinstance(api.DraftOptions(), object) and callable(api.draft) and callable(api.prepare_draft)
