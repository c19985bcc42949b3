"""bench/room runs end to end against the fake model (the plumbing: building the seeded
projects, reviewing the injected scenes, scoring, counting dropped quotes)."""

from __future__ import annotations

import pytest

from conftest import CORPUS

pytest.importorskip("litellm")


@pytest.mark.skipif(not (CORPUS / "a_study_in_scarlet.txt").is_file(), reason="the shared corpus is not here")
def test_the_room_bench_runs_on_the_fake_model(capsys, tmp_path):
    from bench.room.run import RESULTS, main

    before = RESULTS.read_text("utf-8") if RESULTS.exists() else None
    assert main(["--fake", "--novel", "a_study_in_scarlet", "--max-scenes", "2", "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "**Fake model (scripted answers on 127.0.0.1): these numbers measure the plumbing" in out
    row = next(line for line in out.splitlines() if line.startswith("| a_study_in_scarlet |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # the scripted character reviewer always quotes words that are not in the scene
    dropped, given = cells[4].split(" (")[0].split(" of ")
    assert int(dropped) > 0 and int(dropped) * 2 == int(given)
    assert int(cells[6]) > 0 and cells[5] == "0"                 # calls sent, no unusable answer
    assert "| **overall** |" in out
    assert (RESULTS.read_text("utf-8") if RESULTS.exists() else None) == before   # a fake run writes nothing
