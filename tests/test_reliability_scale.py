"""The scale harness (bench/reliability/scale.py) scaled down: 1,000 tiny scenes, a 12 MB
scene (over the 10 MB default limit, and read with the limit raised), a scene 30 folders
below manuscript/, a 20,000-line scene. Full size: ``python -m bench.reliability --only scale``."""

from __future__ import annotations

import pytest

from bench.reliability import scale

pytestmark = pytest.mark.skipif(not any(scale.CORPUS.glob("*.txt")), reason="corpus novels not available")


@pytest.mark.parametrize("case", scale.CASES)
def test_scale_case_holds(case):
    outcome = scale.run(1000, seed=0, cases=(case,))
    assert outcome.ok, "\n".join(outcome.failures)
    assert any(what.endswith(": check") for what, _ in outcome.figures)


def test_sizes_scale_down_but_stay_over_the_default_limit():
    assert scale.sizes(None) == {"big_mb": 50, "scenes": 10_000, "depth": 30, "lines": 100_000}
    small = scale.sizes(1000)
    assert small == {"big_mb": 12, "scenes": 1000, "depth": 30, "lines": 20_000}
    assert small["big_mb"] * 1_000_000 > 10_000_000


def test_a_scene_missing_from_the_output_is_a_failure(tmp_path):
    case = scale.Case("c", "c", tmp_path, markers=[1, 2, 3], too_large=["manuscript/01/01-big.md"])
    run = scale.Run("export md", 0, None, 0.1, 1, b"", "Wrote book.md")
    data = f"{scale.marker(1)} and {scale.marker(3)}".encode()
    problems = scale.judge_export(case, "md", run, data)
    assert any("left out 1 of 3" in p and scale.marker(2) in p for p in problems)
    assert any("without naming it" in p for p in problems)
    named = scale.Run("export md", 0, None, 0.1, 1, b"", "warning: `manuscript/01/01-big.md` was left out")
    everything = " ".join(scale.marker(n) for n in (1, 2, 3)).encode()
    assert scale.judge_export(case, "md", named, everything) == []


def test_exit_codes_signals_timeouts_tracebacks_and_memory_are_failures(tmp_path):
    case = scale.Case("c", "c", tmp_path)
    ok = scale.Run("check", 1, None, 0.1, 2**20, b"", "")
    assert scale.judge_process(case, ok) == []
    assert scale.judge_process(case, scale.Run("check", 3, None, 0.1, 1, b"", "internal error: x"))
    assert scale.judge_process(case, scale.Run("check", 2, None, 0.1, 1, b"", "error: y"))
    assert scale.judge_process(case, scale.Run("check", None, 9, 0.1, 1, b"", ""))
    assert scale.judge_process(case, scale.Run("check", None, 9, 61, 1, b"", "", timed_out=True))
    assert scale.judge_process(case, scale.Run("check", 0, None, 0.1, 1, b"", "Traceback (most recent call last):\n x"))
    assert scale.judge_process(case, scale.Run("check", 0, None, 0.1, scale.MEMORY_LIMIT + 1, b"", ""))


def test_a_report_that_drops_a_scene_is_a_failure(tmp_path):
    report = tmp_path / "check.json"
    report.write_text('{"summary": {"scenes": 1}, "diagnostics": []}', "utf-8")
    case = scale.Case("c", "c", tmp_path, markers=[1, 2])
    assert any("counted 1 scene(s), expected 2" in p for p in scale.judge_check(case, report))
    big = scale.Case("c", "c", tmp_path, markers=[1], too_large=["manuscript/a/01-x.md"])
    assert any("NF006" in p for p in scale.judge_check(big, report))


def test_measured_run_reports_time_memory_and_kills_on_timeout(tmp_path):
    import sys

    hog = "x = bytearray(200 * 2**20); x[::4096] = b'a' * len(x[::4096])"
    run = scale.run_measured("hog", [sys.executable, "-c", hog], tmp_path, {})
    assert run.code == 0 and run.rss > 150 * 2**20
    slow = scale.run_measured("sleep", [sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, {},
                              timeout=0.5)
    assert slow.timed_out and slow.code is None and slow.seconds < 10


def test_corpus_text_is_prose(tmp_path):
    import random

    paragraphs = scale.corpus_paragraphs()
    assert len(paragraphs) > 1000
    lines = scale.prose_lines(paragraphs, random.Random(1), 500)
    assert len(lines) == 500 and "" in lines
    assert not any("Gutenberg" in p for p in paragraphs[:50])


def test_a_deep_scene_may_be_reported_instead_of_read(tmp_path):
    bottom = "manuscript/01-level/02-level/03-level/04-level/01-at-the-bottom.md"
    case = scale.Case("c", "c", tmp_path, markers=[1, 2], reportable={2: bottom})
    report = tmp_path / "check.json"
    report.write_text('{"summary": {"scenes": 1}, "diagnostics": []}', "utf-8")
    assert scale.judge_check(case, report)                  # dropped silently
    report.write_text('{"summary": {"scenes": 1}, "diagnostics": [{"code": "NF008", "path": '
                      '"manuscript/01-level/02-level/03-level/04-level", "message": "too deep"}]}', "utf-8")
    assert scale.judge_check(case, report) == []            # reported
    report.write_text('{"summary": {"scenes": 2}, "diagnostics": []}', "utf-8")
    assert scale.judge_check(case, report) == []            # read
    only_first = scale.marker(1).encode()
    silent = scale.Run("export md", 0, None, 0.1, 1, b"", "Wrote book.md")
    assert scale.judge_export(case, "md", silent, only_first)
    said = scale.Run("export md", 0, None, 0.1, 1, b"", f"warning: `{bottom}` was left out")
    assert scale.judge_export(case, "md", said, only_first) == []
