"""The LLM layer on the command line: `usage`, `cache stats`, `cache clear`, settings that
are findings at their line, the shared stops (not configured: exit 2; budget: exit 4),
and `check` never importing litellm."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fakellm import FakeLLM
from novelforge.llm import open_client
from test_cli import ROOT, assert_one_line_error, call, make_project

SETTINGS = "title: T\nllm:\n  model: openai/fake-a\n  prices: {openai/fake-a: {input: 1, output: 2}}\n"


@pytest.fixture
def novel(tmp_path):
    return make_project(tmp_path / "novel", config=SETTINGS)


def spend(root: Path, count: int, *, command: str = "review", priced: bool = True) -> None:
    """``count`` calls against the fake server, recorded in the ledger and the cache."""
    from pydantic import BaseModel

    from novelforge.llm import LLMSettings
    from novelforge.llm.types import Prompt, template_hash

    class Answer(BaseModel):
        ok: bool

    with FakeLLM() as server:
        server.answer({"ok": True})
        prices = {"openai/fake-a": {"input": 1, "output": 2}} if priced else {}
        settings = LLMSettings.model_validate({"model": "openai/fake-a", "api_base": server.url, "prices": prices})
        with open_client(settings, project_root=root, command=command) as client:
            client.ask_all([Prompt("t", template_hash("t"), ({"role": "user", "content": f"p{i}"},), Answer,
                                   command=command, scene=f"s{i}") for i in range(count)])


# ----------------------------------------------------------------------------- usage
def test_usage_reports_the_month_by_day_command_and_model(novel, capsys):
    spend(novel, 2, command="review")
    spend(novel, 2, command="summarize")
    code, out, err = call(capsys, "usage", str(novel), "--by", "command")
    assert code == 0 and "error" not in err, out + err
    lines = out.splitlines()
    assert lines[0].startswith(f"LLM usage of {novel} in ") and lines[0].endswith("(UTC), by command")
    assert lines[1].split() == ["command", "calls", "cached", "failed", "tokens", "in", "tokens", "out", "cost"]
    # each spend() has its own server, so its own api_base: nothing is answered from the cache
    assert [line.split()[:3] for line in lines[2:]] == [["review", "2", "0"], ["summarize", "2", "0"],
                                                        ["total", "4", "0"]], out

    code, out, _ = call(capsys, "usage", str(novel), "--by", "model", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and list(doc)[0] == "version" and doc["version"] == 1, out
    assert doc["by"] == "model" and [g["key"] for g in doc["groups"]] == ["openai/fake-a"]
    total = doc["total"]
    assert (total["calls"], total["cached"], total["failed"], total["tokens_in"]) == (4, 0, 0, 44), out
    assert total["cost"] == pytest.approx(total["calls"] * (11 + 7 * 2) / 1e6)


def test_usage_of_an_empty_month_and_the_budget(tmp_path, capsys):
    root = make_project(tmp_path / "n", config="title: T\nllm: {model: openai/x, budget_usd_month: 5}\n")
    code, out, _ = call(capsys, "usage", str(root), "--month", "2020-01")
    assert code == 0
    assert out.splitlines()[1:] == ["no calls recorded", "budget: $0.0000 of $5.00 this month ($5.00 left)"]


@pytest.mark.parametrize("args,message", [
    (["--month", "March"], "error: `--month March` is not a month; write it as YYYY-MM (2026-03)"),
    (["--by", "week"], "error: `--by week` is not a grouping; use one of: day, command, model"),
])
def test_usage_refuses_bad_options_in_one_line(novel, capsys, args, message):
    code, out, err = call(capsys, "usage", str(novel), *args)
    assert code == 2 and out == ""
    assert_one_line_error(err)
    assert err.splitlines()[0] == message


def test_usage_says_what_the_cost_leaves_out(novel, capsys):
    spend(novel, 2, priced=False)
    code, out, _ = call(capsys, "usage", str(novel), "--by", "model")
    assert code == 0
    assert out.splitlines()[2].split()[-2:] == ["$0.0000", "+?"]
    assert ("+? 2 calls to models with no known price are not in the cost (give their price under "
            "`llm: prices:`)") in out


# ----------------------------------------------------------------------------- cache
def test_cache_stats_and_clear(novel, capsys):
    spend(novel, 3)
    code, out, _ = call(capsys, "check", str(novel))           # fills the analysis cache
    code, out, _ = call(capsys, "cache", "stats", str(novel), "--format", "json")
    stores = {s["store"]: s for s in json.loads(out)["stores"]}
    assert code == 0 and stores["llm"]["entries"] == 3 and stores["index"]["entries"] > 0
    cache_home = os.environ["NOVELFORGE_CACHE_DIR"]
    assert all(s["path"].startswith(cache_home) for s in stores.values())    # never in the project

    code, out, _ = call(capsys, "cache", "stats", str(novel))
    assert code == 0 and "LLM answers (--llm): 3 entries" in out

    code, out, _ = call(capsys, "cache", "clear", str(novel), "--llm")
    assert code == 0 and out == "cleared the LLM answer cache: 3 entries\n"
    _, out, _ = call(capsys, "cache", "stats", str(novel), "--format", "json")
    stores = {s["store"]: s for s in json.loads(out)["stores"]}
    assert stores["llm"]["entries"] == 0 and stores["index"]["entries"] > 0

    spend(novel, 1)
    code, out, _ = call(capsys, "cache", "clear", str(novel), "--index")
    assert code == 0 and out.startswith("cleared the analysis cache: ") and len(out.splitlines()) == 1
    _, out, _ = call(capsys, "cache", "stats", str(novel), "--format", "json")
    assert {s["store"]: s["entries"] for s in json.loads(out)["stores"]} == {"index": 0, "llm": 1}

    call(capsys, "check", str(novel))
    code, out, _ = call(capsys, "cache", "clear", str(novel))
    assert code == 0 and out.splitlines()[0].startswith("cleared the analysis cache: ")
    assert out.splitlines()[1] == "cleared the LLM answer cache: 1 entry"
    _, out, _ = call(capsys, "usage", str(novel), "--format", "json")
    assert json.loads(out)["total"]["calls"] == 4          # the ledger is kept


def test_cache_commands_outside_a_project(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in (["cache", "stats"], ["cache", "clear"], ["usage"]):
        code, out, err = call(capsys, *args)
        assert code == 2 and out == ""
        assert_one_line_error(err)


# ----------------------------------------------------------------------------- settings
KEY = "sk-nftest-RECOGNISABLE0123456789abcdef"


def test_a_key_in_the_settings_is_an_error_at_its_line_and_never_repeated(tmp_path, capsys):
    config = (f"title: T\nllm:\n  model: openai/gpt-4o-mini\n  api_key: {KEY}\n"
              f"  fallbacks: [{KEY}]\n  anthropic_token: hunter2hunter2\n  timeout: -1\n  tmeout: 3\n")
    root = make_project(tmp_path / "n", config=config)
    code, out, err = call(capsys, "check", str(root), "--format", "json", "--no-cache")
    found = [(d["code"], d["severity"], d["line"], d["column"], d["message"])
             for d in json.loads(out)["diagnostics"] if d["path"] == "novelforge.yaml"]
    assert code == 1
    assert [f[:4] for f in found] == [("NF004", "error", 4, 12), ("NF004", "error", 5, 15),
                                      ("NF004", "error", 6, 20), ("NF004", "error", 7, 12),
                                      ("NF009", "warning", 8, 3)]
    assert all("API key does not belong in novelforge.yaml" in f[4] for f in found[:3])
    assert "did you mean `timeout`" in found[4][4]
    assert KEY not in out + err and "hunter2" not in out + err
    code, out, err = call(capsys, "check", str(root), "--no-cache", "--color", "never")    # quotes the lines
    assert code == 1 and "4 |   api_key: ***" in out and "6 |   anthropic_token: ***" in out
    assert KEY not in out + err and "hunter2" not in out + err


def test_the_settings_keep_their_defaults_and_old_keys(tmp_path):
    from novelforge.project.loader import load_config

    root = make_project(tmp_path / "n", config="title: T\nllm:\n  model: openai/gpt-4o-mini\n"
                                                "  fallbacks: [anthropic/claude-3-5-haiku]\n  budget_usd_month: 20\n"
                                                "  room: {gate: true}\n")
    project = load_config(root)
    llm = project.config.llm
    assert [d for d in project.diagnostics] == []
    assert llm.models == ["openai/gpt-4o-mini", "anthropic/claude-3-5-haiku"] and llm.budget_usd_month == 20
    assert llm.room.gate and not llm.room.verify and llm.max_concurrency == 4 and llm.cache_ttl_days == 30


# ----------------------------------------------------------------------------- the shared stops
def _script(body: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """A throwaway LLM command registered on the app in a subprocess (never in this one)."""
    code = textwrap.dedent("""
        import typer
        from novelforge.cli.app import app, main
        from novelforge.cli.llm_options import estimate_option, llm_run, max_cost_option, no_cache_option
        from novelforge.llm import BudgetExceeded, open_client

        @app.command("fake-llm")
        def fake(estimate: bool = estimate_option(), max_cost: float = max_cost_option(),
                 no_cache: bool = no_cache_option()) -> int:
        """) + textwrap.indent(textwrap.dedent(body), "    ") + "\nmain(['fake-llm', *__import__('sys').argv[1:]])\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + str(ROOT / "tests"))
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)


def test_not_configured_is_one_line_and_exit_2(tmp_path):
    result = _script("open_client(None, project_root='.', command='fake-llm')\n", tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert_one_line_error(result.stderr)
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: no model is configured: add `llm: {model: …}` to novelforge.yaml")
    assert "ollama/" in first and "api_base" in first


def test_a_budget_stop_is_one_line_and_exit_4_after_the_output(tmp_path):
    result = _script("""
        with llm_run() as run:
            raise BudgetExceeded("stopped before the next request", limit="max_cost", replies=[])
        print("the findings so far")
        return run.exit_code
    """, tmp_path)
    assert result.returncode == 4
    assert result.stdout == "the findings so far\n"
    assert result.stderr.splitlines() == ["error: stopped before the next request",
                                          "  = help: raise --max-cost, or run with --estimate first to see what "
                                          "the run would cost"]


def test_check_without_the_room_never_imports_litellm(novel, tmp_path):
    code = textwrap.dedent(f"""
        import sys
        import novelforge.cli.app
        for args in (["check", {str(novel)!r}], ["check", {str(novel)!r}, "--format", "sarif"],
                     ["usage", {str(novel)!r}], ["cache", "stats", {str(novel)!r}]):
            try:
                novelforge.cli.app.main(args)
            except SystemExit:
                pass
        print([m for m in ("litellm", "novelforge.llm.client", "novelforge.llm.provider") if m in sys.modules])
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr


def test_a_damaged_ledger_is_one_line_for_usage(novel, capsys):
    (Path(os.environ["NOVELFORGE_CACHE_DIR"]) / "usage.sqlite3").write_bytes(b"not a database" * 100)
    code, out, err = call(capsys, "usage", str(novel))
    assert code == 2 and out == ""
    assert_one_line_error(err)
    assert "the spend ledger" in err and "cannot be read" in err


def test_one_fallback_may_be_written_without_a_list(tmp_path):
    from novelforge.project.loader import load_config

    root = make_project(tmp_path / "n", config="title: T\nllm: {model: openai/a, fallbacks: openai/b}\n")
    assert load_config(root).config.llm.models == ["openai/a", "openai/b"]
