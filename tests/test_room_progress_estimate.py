"""Two points of issue #13 the other room tests did not cover: ``summarize --estimate``
(every LLM command has it: sends nothing, counts what the cache answers) and the
progress the room reports while it runs (the bar a terminal shows is fed from it)."""

from __future__ import annotations

import json

import pytest

from roomkit import call, fake_server, write_novel  # noqa: F401

pytest.importorskip("litellm")


def test_summarize_estimate_sends_nothing_and_counts_the_cache(fake, tmp_path, capsys):
    root = write_novel(tmp_path / "novel", fake.url)
    code, out, err = call(capsys, "summarize", str(root), "--estimate")
    assert code == 0 and fake.count == 0, err
    assert out.startswith("would send 4 calls (0 answered from the cache)"), out
    code, out, err = call(capsys, "summarize", str(root), "--estimate", "--format", "json")
    assert code == 0 and fake.count == 0, err
    assert json.loads(out)["estimate"]["calls"] == 4
    call(capsys, "summarize", str(root))
    sent = fake.count
    assert sent == 4
    code, out, _err = call(capsys, "summarize", str(root), "--estimate")
    assert code == 0 and fake.count == sent and out.startswith("would send 0 calls (4 answered from the cache)"), out


def test_the_room_reports_its_progress_per_stage(fake, tmp_path):
    from novelforge import api

    root = write_novel(tmp_path / "novel", fake.url)
    seen: list[tuple[str, int, int]] = []
    options = api.RoomOptions(progress=lambda stage, done, total: seen.append((stage, done, total)))
    report = api.review(root, room=options)
    assert report.room is not None and fake.count == 15
    stages = {stage for stage, _done, _total in seen}
    assert stages == {"summaries", "review"}, seen      # the earlier scenes' summaries, then the reviews
    for stage in stages:
        ticks = [(done, total) for s, done, total in seen if s == stage]
        totals = {total for _done, total in ticks}
        assert len(totals) == 1, (stage, ticks)
        dones = [done for done, _total in ticks]
        assert dones == sorted(dones) and dones[-1] == totals.pop(), (stage, ticks)   # it reaches the end
    assert sum(total for _stage, total in {(s, t) for s, _d, t in seen}) == fake.count   # every request counted
