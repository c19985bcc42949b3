"""`promises suggest --llm` against the fake model: candidates judged (the ones that are
not setups left out), setups proposed with quotes verified, --estimate, no model."""

from __future__ import annotations

import json

import pytest

from roomkit import call, fake_server, kind, write_novel  # noqa: F401

pytest.importorskip("litellm")

VOW = ("manuscript/01-a/05-the-vow.md",
       "---\ntitle: The Vow\npov: aria\ncharacters: [aria]\n---\n\n"
       "\u201cI swear I will find the man who burned the forge,\u201d Aria said.\n\n"
       "Under the floor she found a locked box of black iron, and she did not open it.\n")


def novel(tmp_path, url, **kw):
    return write_novel(tmp_path / "novel", url, scenes=dict([VOW]), **kw)


def test_llm_judges_candidates_and_proposes_quoted_setups(fake, tmp_path, capsys):
    root = novel(tmp_path, fake.url)
    code, out, _err = call(capsys, "promises", "suggest", str(root), "--format", "json")
    plain = json.loads(out)
    assert plain and fake.count == 0

    def answer(request):
        k = kind(request)
        if k == "classify":
            return {"setup": True, "reason": "a vow"}
        if k == "propose":
            if "locked box" in request.text:
                return {"setups": [
                    {"quote": "a locked box of black iron", "kind": "clue", "description": "what is in the box"},
                    {"quote": "a silver box of white gold", "kind": "clue", "description": "made up"}]}
            return {"setups": []}
        return {}

    fake.answer(answer)
    code, out, err = call(capsys, "promises", "suggest", str(root), "--llm")
    assert code == 0, err
    assert "llm-the-vow-a-locked-box-of-black-iron" in out
    assert "manuscript/01-a/05-the-vow.md:9:" in out
    assert "1 dropped (the quote is not in the scene)" in err and "proposed" in err
    judged = [r for r in fake.requests if kind(r) == "classify"]
    assert len(judged) == len(plain)
    assert {c["id"] for c in plain} <= set(out.split())              # every candidate judged a setup stays
    # a second run is answered from the cache
    before = fake.count
    call(capsys, "promises", "suggest", str(root), "--llm")
    assert fake.count == before


def test_not_setups_are_left_out(fake, tmp_path, capsys):
    root = novel(tmp_path, fake.url)
    fake.answer(lambda r: {"setup": False, "reason": "a figure of speech"} if kind(r) == "classify"
                else {"setups": []})
    code, out, err = call(capsys, "promises", "suggest", str(root), "--llm", "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_estimate_and_no_model(fake, tmp_path, capsys):
    root = novel(tmp_path, fake.url)
    code, out, _err = call(capsys, "promises", "suggest", str(root), "--llm", "--estimate")
    assert code == 0 and out.startswith("would send") and fake.count == 0
    bare = write_novel(tmp_path / "bare", None, scenes=dict([VOW]))
    code, out, err = call(capsys, "promises", "suggest", str(bare), "--llm")
    assert code == 2 and "no model is configured" in err
    code, _out, err = call(capsys, "promises", "suggest", str(bare), "--estimate")
    assert code == 2 and "add --llm" in err
