"""`novelforge draft SCENE`: the author's text is never lost. A body is refused without
--force, a dirty file without --allow-dirty; a replaced body is kept and --restore brings
it back; the front matter stays byte-identical but for `status: draft`; a reply cut off
mid-stream, a budget refusal or Ctrl-C leaves the file byte-identical; the same context
twice is one call."""

from __future__ import annotations

import pytest

from draftkit import LETTER, PROSE, drafts, fake_server, write_cards  # noqa: F401  (the fixture)
from fakellm import Cut, Fail
from novelforge.draft.write import drafted_file, with_status
from roomkit import call
from test_cli import assert_one_line_error

LETTER_PATH = "manuscript/01-a/02-the-letter.md"
GATE_PATH = "manuscript/01-a/01-the-gate.md"


@pytest.fixture
def novel(tmp_path, fake):
    return write_cards(tmp_path / "novel", fake.url)


# ----------------------------------------------------------------------------- the write
def test_draft_writes_the_body_and_only_the_status_changes(novel, fake, capsys):
    code, out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 0, err
    text = (novel / LETTER_PATH).read_text("utf-8")
    expected_head = LETTER.replace("status: outline  # not yet written", "status: draft  # not yet written")
    assert text == expected_head + "\n" + PROSE + "\n"
    assert len(drafts(fake)) == 1
    assert "`the-letter`: drafted, 18 words, written to manuscript/01-a/02-the-letter.md" in err
    assert "the check finds no errors" in err
    assert "1 request sent" in err                           # the draft; the summary is extra
    assert not (novel / ".novelforge" / "drafts").exists()  # nothing was replaced


def test_the_prompt_sent_is_the_dry_runs(novel, fake, capsys):
    code, dry, _err = call(capsys, "draft", str(novel), "the-letter", "--dry-run", "--format", "json")
    import json

    messages = json.loads(dry)["messages"]
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 0, err
    sent = drafts(fake)[0].body
    assert sent["messages"] == messages and sent["stream"] is True


def test_front_matter_kept_byte_for_byte_with_crlf_and_no_status_line():
    raw = "---\r\ntitle: X  # t\r\nbeats: [a, b]\r\n---\r\n"
    out = drafted_file(raw, "One.\n\nTwo.\n")
    assert out == "---\r\ntitle: X  # t\r\nbeats: [a, b]\r\nstatus: draft\r\n---\r\n\r\nOne.\r\n\r\nTwo.\r\n"
    assert with_status("---\nstatus: 'final'   # done\n---\n", "\n") == "---\nstatus: draft   # done\n---\n"


def test_a_flow_style_front_matter_is_not_rewritten():
    from novelforge.errors import UsageError

    with pytest.raises(UsageError):
        drafted_file("---\n{title: X, status: idea}\n---\n", "Prose.")


# ----------------------------------------------------------------------------- refusals
def test_a_scene_with_prose_is_refused_without_force(novel, fake, capsys):
    before = (novel / GATE_PATH).read_bytes()
    code, out, err = call(capsys, "draft", str(novel), "the-gate")
    assert code == 2 and "already has prose" in err and "--force" in err
    assert_one_line_error(err)
    assert (novel / GATE_PATH).read_bytes() == before and fake.count == 0


def test_a_dirty_file_is_refused_without_allow_dirty(novel, fake, capsys):
    path = novel / LETTER_PATH
    path.write_text(path.read_text("utf-8").replace("target_words: 300", "target_words: 400"), "utf-8")
    before = path.read_bytes()
    code, out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 2 and "has changes that are not committed" in err and "--allow-dirty" in err
    assert_one_line_error(err)
    assert path.read_bytes() == before and fake.count == 0
    code, out, err = call(capsys, "draft", str(novel), "the-letter", "--allow-dirty")
    assert code == 0, err
    assert "target_words: 400" in path.read_text("utf-8")


def test_an_uncommitted_scene_is_refused(novel, fake, capsys):
    new = novel / "manuscript/01-a/04-new.md"
    new.write_text("---\ntitle: New\n---\n", "utf-8")
    code, _out, err = call(capsys, "draft", str(novel), "new")
    assert code == 2 and "is not committed" in err and fake.count == 0


# ----------------------------------------------------------------------------- backups, restore
def test_force_keeps_the_replaced_body_and_restore_brings_it_back(novel, fake, capsys):
    path = novel / GATE_PATH
    original = path.read_bytes()
    fake.writer.prose = PROSE = "Aria waited at the gate until the road was empty."
    code, _out, err = call(capsys, "draft", str(novel), "the-gate", "--force")
    assert code == 0, err
    backup = novel / ".novelforge/drafts/the-gate/1.md"
    assert backup.read_bytes() == original
    assert "kept as .novelforge/drafts/the-gate/1.md" in err
    drafted = path.read_text("utf-8")
    assert drafted.endswith(PROSE + "\n") and "status: draft" in drafted
    code, _out, err = call(capsys, "draft", str(novel), "--restore", "the-gate")
    assert code == 0, err
    restored = path.read_text("utf-8")
    # the body comes back; the front matter is the current one (status: draft)
    assert restored == original.decode().replace("status: revised", "status: draft")
    assert (novel / ".novelforge/drafts/the-gate/2.md").read_text("utf-8") == drafted   # undoable
    code, _out, err = call(capsys, "draft", str(novel), "--restore", "the-gate", "7")
    assert code == 2 and "has no backup 7" in err


def test_restore_without_a_backup_is_one_line(novel, capsys):
    code, _out, err = call(capsys, "draft", str(novel), "--restore", "the-letter")
    assert code == 2 and "no drafted-over body" in err
    assert_one_line_error(err)


def test_a_backup_folder_that_is_a_link_is_refused(novel, fake, capsys, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (novel / ".novelforge").mkdir(exist_ok=True)
    (novel / ".novelforge" / "drafts").symlink_to(outside)
    before = (novel / GATE_PATH).read_bytes()
    code, _out, err = call(capsys, "draft", str(novel), "the-gate", "--force")
    assert code == 2 and "is a link" in err
    assert (novel / GATE_PATH).read_bytes() == before and list(outside.iterdir()) == []


# ----------------------------------------------------------------------------- nothing lost
def test_a_reply_cut_off_mid_stream_leaves_the_file_byte_identical(novel, fake, capsys):
    fake.writer.queue.append(Cut(PROSE, after=20))
    path = novel / LETTER_PATH
    before = path.read_bytes()
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 1
    assert "not drafted, the file is as it was" in err and "broke off" in err
    assert path.read_bytes() == before
    assert not (novel / ".novelforge" / "drafts").exists()
    # nothing was cached: the next run asks again, and writes
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 0, err and len(drafts(fake)) == 2


def test_a_cut_reply_is_retried_when_retries_allow(tmp_path, fake, capsys):
    novel = write_cards(tmp_path / "novel", fake.url, llm={"retries": 1})
    fake.writer.queue.append(Cut(PROSE, after=12))
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 0, err
    assert "the reply broke off" in err and "asking again" in err
    assert (novel / LETTER_PATH).read_text("utf-8").endswith(PROSE + "\n")


def test_a_failing_server_leaves_the_file(novel, fake, capsys):
    fake.writer.queue.append(Fail(500))
    before = (novel / LETTER_PATH).read_bytes()
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 1 and (novel / LETTER_PATH).read_bytes() == before


def test_a_budget_refusal_sends_nothing_and_leaves_the_file(tmp_path, fake, capsys):
    prices = {"openai/fake-a": {"input": 1000, "output": 1000}}
    novel = write_cards(tmp_path / "novel", fake.url, llm={"prices": prices})
    before = (novel / LETTER_PATH).read_bytes()
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--max-cost", "0.01")
    assert code == 4 and "stopped before the next request" in err
    assert fake.count == 0 and (novel / LETTER_PATH).read_bytes() == before


def test_ctrl_c_mid_reply_leaves_the_file(novel, fake, capsys, monkeypatch):
    from novelforge.llm import provider

    real = provider.stream

    def interrupted(*args, on_text, **kw):
        def piece(text):
            on_text(text)
            raise KeyboardInterrupt
        return real(*args, on_text=piece, **kw)

    monkeypatch.setattr(provider, "stream", interrupted)
    before = (novel / LETTER_PATH).read_bytes()
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 130 and (novel / LETTER_PATH).read_bytes() == before


# ----------------------------------------------------------------------------- the cache
def test_the_same_context_twice_is_one_call(tmp_path, fake, capsys):
    novel = write_cards(tmp_path / "novel", fake.url)
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--allow-dirty")
    assert code == 0, err
    first = (novel / LETTER_PATH).read_text("utf-8")
    # the same card again (the body emptied): the answer comes from the cache
    (novel / LETTER_PATH).write_text(LETTER.replace("status: outline", "status: draft"), "utf-8")
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--allow-dirty")
    assert code == 0, err
    assert len(drafts(fake)) == 1 and "1 from the cache" in err
    assert (novel / LETTER_PATH).read_text("utf-8") == first
    (novel / LETTER_PATH).write_text(LETTER, "utf-8")
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--allow-dirty", "--no-cache")
    assert code == 0, err and len(drafts(fake)) == 2


def test_estimate_sends_nothing(novel, fake, capsys):
    code, out, err = call(capsys, "draft", str(novel), "the-letter", "--estimate")
    assert code == 0, err
    assert "would send 1 call" in out and fake.count == 0


def test_no_model_is_one_line_exit_2(tmp_path, capsys):
    from roomkit import write_novel

    novel = write_novel(tmp_path / "bare", None, scenes={"manuscript/01-a/05-card.md": "---\ntitle: Card\n---\n"})
    code, _out, err = call(capsys, "draft", str(novel), "card", "--allow-dirty")
    assert code == 2 and "no model is configured" in err


def test_a_file_edited_while_the_model_writes_is_left_as_it_is(novel, fake):
    from novelforge import api
    from novelforge.draft.run import DraftOptions

    path = novel / LETTER_PATH
    edited = LETTER + "\nThe author typed this meanwhile.\n"

    def meanwhile(_piece: str) -> None:
        path.write_text(edited, "utf-8")

    run = api.draft(novel, "the-letter", options=DraftOptions(on_text=meanwhile))
    (result,) = run.results
    assert not result.written and "changed on disk" in result.failed
    assert path.read_text("utf-8") == edited


def test_outside_git_the_draft_is_written_and_says_so(tmp_path, fake, capsys):
    novel = write_cards(tmp_path / "novel", fake.url, repo=False)
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 0, err
    assert "not in a git repository" in err


def test_a_stream_that_ends_without_finishing_is_not_written(novel, fake, capsys, monkeypatch):
    from novelforge.llm import provider

    class Chunk:
        usage = None

        def __init__(self, text):
            self.choices = [type("C", (), {"delta": type("D", (), {"content": text})(), "finish_reason": None})()]

    class FakeLite:
        @staticmethod
        def completion(**_kw):
            return iter([Chunk("Aria read"), Chunk(" the letter")])

    monkeypatch.setattr(provider, "load", lambda: FakeLite)
    before = (novel / LETTER_PATH).read_bytes()
    code, _out, err = call(capsys, "draft", str(novel), "the-letter")
    assert code == 1 and "ended before the model finished it" in err
    assert (novel / LETTER_PATH).read_bytes() == before


def test_a_byte_order_mark_and_crlf_are_kept_end_to_end(novel, fake, capsys):
    path = novel / LETTER_PATH
    path.write_bytes(b"\xef\xbb\xbf" + LETTER.replace("\n", "\r\n").encode("utf-8"))
    code, _out, err = call(capsys, "draft", str(novel), "the-letter", "--allow-dirty")
    assert code == 0, err
    data = path.read_bytes()
    head = LETTER.replace("status: outline", "status: draft").replace("\n", "\r\n")
    assert data == b"\xef\xbb\xbf" + (head + "\r\n" + PROSE.replace("\n", "\r\n") + "\r\n").encode("utf-8")
