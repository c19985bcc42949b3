"""The LLM layer's client against a fake OpenAI-compatible server on 127.0.0.1 (real HTTP,
through litellm): cache, fallbacks, retries, budget, structured answers, concurrency,
timeouts, the ledger, and no key anywhere."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from pydantic import BaseModel

from fakellm import Fail, FakeLLM, Slow
from novelforge.errors import ExitCode
from novelforge.llm import BudgetExceeded, LLMNotConfigured, LLMSettings, open_client
from novelforge.llm.types import Prompt, template_hash

pytest.importorskip("litellm")


class Answer(BaseModel):
    findings: list[str]


def prompt(text: str = "The rain fell.", *, template: str = "review v1", **kw) -> Prompt:
    return Prompt("review", template_hash(template),
                  ({"role": "system", "content": "You review one scene."}, {"role": "user", "content": text}),
                  Answer, command="review", **kw)


def settings(server: FakeLLM, **kw) -> LLMSettings:
    data = {"model": "openai/fake-a", "api_base": server.url, "retry_backoff": 0.01, "timeout": 10, "retries": 0}
    data.update(kw)
    return LLMSettings.model_validate(data)


PRICED = {"openai/fake-a": {"input": 1.0, "output": 2.0}, "openai/fake-b": {"input": 1.0, "output": 2.0}}


@pytest.fixture
def server():
    with FakeLLM() as fake:
        fake.answer(lambda request: {"findings": [request.text.splitlines()[-1]]})
        yield fake


@pytest.fixture
def root(tmp_path):
    (tmp_path / "novelforge.yaml").write_text("title: T\n", "utf-8")
    return tmp_path


def client(server, root, *, use_cache=True, max_cost=None, command="review", **kw):
    return open_client(settings(server, **kw), project_root=root, command=command, use_cache=use_cache,
                       max_cost=max_cost)


def ledger_rows() -> list[dict]:
    path = Path(os.environ["NOVELFORGE_CACHE_DIR"]) / "usage.sqlite3"
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM calls ORDER BY id")]
    db.close()
    return rows


# ----------------------------------------------------------------------------- answers
def test_an_answer_is_parsed_into_the_schema_and_recorded(server, root):
    with client(server, root, prices=PRICED) as c:
        reply = c.ask(prompt("one", scene="01-gate", purpose="continuity"))
        assert reply.value == Answer(findings=["one"]) and reply.error is None
        assert reply.model == "openai/fake-a" and not reply.cached
        assert (reply.tokens_in, reply.tokens_out) == (11, 7)
        assert reply.cost == pytest.approx((11 * 1 + 7 * 2) / 1e6)
        assert c.sent == 1 and c.spent == pytest.approx(reply.cost)
    body = server.requests[0].body
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["required"] == ["findings"]
    assert body["temperature"] == 0 and body["max_tokens"] == 1024
    [row] = ledger_rows()
    assert row["project"] == os.path.realpath(root)
    assert (row["command"], row["scene"], row["purpose"], row["model"]) == ("review", "01-gate", "continuity",
                                                                           "openai/fake-a")
    assert (row["tokens_in"], row["tokens_out"], row["cached"], row["ok"]) == (11, 7, 0, 1)
    assert row["cost"] == pytest.approx(reply.cost)


def test_the_second_run_is_answered_from_the_cache_with_no_request(server, root):
    prompts = [prompt(f"scene {i}") for i in range(3)]
    with client(server, root) as c:
        first = c.ask_all(prompts)
    assert server.count == 3
    with client(server, root) as c:
        second = c.ask_all(prompts)
        assert c.sent == 0 and c.cached == 3
    assert server.count == 3                      # nothing reached the server
    assert [r.value for r in second] == [r.value for r in first]
    assert all(r.cached and r.cost == 0 for r in second)
    assert [r["cached"] for r in ledger_rows()] == [0, 0, 0, 1, 1, 1]


def test_what_changes_the_answer_changes_the_cache_key(server, root):
    with client(server, root) as c:
        c.ask(prompt("x"))
        c.ask(prompt("x", template="review v2"))        # the template's text changed
        c.ask(prompt("y"))                               # the messages changed
    with client(server, root, temperature=0.7) as c:
        c.ask(prompt("x"))                               # a parameter changed
    with client(server, root, model="openai/fake-b") as c:
        c.ask(prompt("x"))                               # the model changed
    assert server.count == 5


def test_no_cache_neither_reads_nor_writes(server, root):
    with client(server, root) as c:
        c.ask(prompt("x"))
    with client(server, root, use_cache=False) as c:
        assert not c.ask(prompt("x")).cached           # not read
        c.ask(prompt("new"))
    with client(server, root) as c:
        assert not c.ask(prompt("new")).cached         # not written
    assert server.count == 4


def test_a_damaged_cache_entry_is_a_miss(server, root):
    from novelforge.cache_stores import store_dir

    with client(server, root) as c:
        c.ask(prompt("x"))
    db = sqlite3.connect(store_dir(root, "llm") / "cache.db")
    (blob,) = db.execute("SELECT value FROM Cache").fetchone()
    forged = bytes(blob).replace(b'"x"', b'"forged"')
    assert forged != bytes(blob)
    db.execute("UPDATE Cache SET value = ?", (forged,))
    db.commit()
    db.close()
    with client(server, root) as c:
        reply = c.ask(prompt("x"))
    assert not reply.cached and reply.value == Answer(findings=["x"]) and server.count == 2


def test_a_fenced_answer_from_a_server_that_ignores_the_schema_is_read(server, root):
    server.script("fake-a", 'Here you are:\n```json\n{"findings": ["fenced"]}\n```\nHope it helps.')
    with client(server, root) as c:
        reply = c.ask(prompt())
    assert reply.value == Answer(findings=["fenced"]) and server.count == 1


def test_a_malformed_answer_is_retried_once_with_the_error_then_reported(server, root):
    server.answer('{"findings": "not a list"')
    with client(server, root) as c:
        reply = c.ask(prompt())
    assert reply.value is None and "did not match the expected form" in reply.error
    assert server.count == 2
    retry = server.requests[1].text
    assert "could not be read" in retry and "findings" in retry
    with client(server, root) as c:                 # a failure is not cached
        c.ask(prompt())
    assert server.count == 4


def test_a_retry_that_parses_is_the_answer(server, root):
    server.script("fake-a", "no JSON here", {"findings": ["second"]})
    with client(server, root) as c:
        reply = c.ask(prompt())
    assert reply.value == Answer(findings=["second"]) and reply.error is None and server.count == 2
    assert reply.tokens_in == 22          # both attempts counted


# ----------------------------------------------------------------------------- failures
@pytest.mark.parametrize("status", [500, 429])
def test_the_fallback_answers_when_the_first_model_fails(server, root, status):
    server.script("fake-a", Fail(status), Fail(status))
    with client(server, root, fallbacks=["openai/fake-b"], retries=1) as c:
        reply = c.ask(prompt())
    assert reply.value is not None and reply.model == "openai/fake-b"
    assert [r.model for r in server.requests] == ["fake-a", "fake-a", "fake-b"]
    assert [(r["model"], r["ok"]) for r in ledger_rows()] == [("openai/fake-a", 0), ("openai/fake-a", 0),
                                                               ("openai/fake-b", 1)]


def test_a_rate_limit_is_retried_on_the_same_model(server, root):
    server.script("fake-a", Fail(429))
    with client(server, root, fallbacks=["openai/fake-b"], retries=2) as c:
        reply = c.ask(prompt())
    assert reply.model == "openai/fake-a" and server.count == 2


def test_when_every_model_fails_the_reply_says_why(server, root):
    server.answer(Fail(500, "the model is down"))
    with client(server, root, fallbacks=["openai/fake-b"]) as c:
        reply = c.ask(prompt())
    assert reply.value is None
    assert "openai/fake-a" in reply.error and "openai/fake-b" in reply.error and "\n" not in reply.error
    assert server.count == 2


def test_a_timeout_falls_back_and_is_reported(server, root):
    server.script("fake-a", Slow(3, {"findings": ["late"]}))
    with client(server, root, timeout=0.5, fallbacks=["openai/fake-b"]) as c:
        reply = c.ask(prompt())
    assert reply.model == "openai/fake-b" and reply.value is not None
    server.script("fake-a", Slow(3, {"findings": ["late"]}))
    with client(server, root, timeout=0.5, use_cache=False) as c:
        reply = c.ask(prompt())
    assert reply.value is None and "no answer within 0.5 s" in reply.error


def test_concurrency_is_bounded_and_replies_keep_the_prompts_order(server, root):
    server.answer(lambda request: Slow(0.2, {"findings": [request.text.splitlines()[-1]]}))
    prompts = [prompt(f"scene {i}") for i in range(8)]
    seen = []
    with client(server, root, max_concurrency=2) as c:
        replies = c.ask_all(prompts, progress=seen.append)
    assert server.max_in_flight == 2
    assert [r.value.findings[0] for r in replies] == [f"scene {i}" for i in range(8)]
    assert len(seen) == 8


# ----------------------------------------------------------------------------- budget
def test_max_cost_refuses_before_sending(server, root):
    with client(server, root, prices=PRICED, max_cost=0.0001) as c:
        with pytest.raises(BudgetExceeded) as exc:
            c.ask(prompt())
    assert server.count == 0
    assert exc.value.exit_code == ExitCode.BUDGET == 4 and exc.value.limit == "max_cost"
    assert "cost cap" in str(exc.value) and "\n" not in str(exc.value)


def test_a_run_stopped_at_the_cap_keeps_the_replies_received(server, root):
    # each request may cost up to (prompt tokens + 1024 × 2) / 1e6 ≈ $0.00207 and costs (11 + 1000 × 2) / 1e6:
    # after two answers ($0.00402 spent) the third could pass the cap
    server.tokens_out = 1000
    with client(server, root, prices=PRICED, max_cost=0.0045, max_concurrency=1) as c:
        with pytest.raises(BudgetExceeded) as exc:
            c.ask_all([prompt(f"scene {i}") for i in range(5)])
    assert len(exc.value.replies) == server.count == 2
    assert all(r.value is not None for r in exc.value.replies)


def test_the_monthly_budget_counts_what_the_project_spent_before(server, root):
    from novelforge.llm.ledger import Ledger, now, project_key
    from novelforge.llm.types import Usage

    ledger = Ledger()
    ledger.record(project_key(root), Usage(when=now().isoformat(), command="review", scene=None, purpose="",
                                           model="openai/fake-a", tokens_in=1, tokens_out=1, cost=4.999,
                                           cached=False, ok=True))
    ledger.close()
    with client(server, root, prices=PRICED, budget_usd_month=5) as c:
        with pytest.raises(BudgetExceeded) as exc:
            c.ask(prompt())
    assert server.count == 0 and exc.value.limit == "budget" and "$5.00 budget" in str(exc.value)
    with client(server, root, prices=PRICED, budget_usd_month=6) as c:
        assert c.ask(prompt()).value is not None


def test_a_model_without_a_price_cannot_be_limited_and_says_so_once(server, root):
    with client(server, root, max_cost=0.0001) as c:
        replies = c.ask_all([prompt("a"), prompt("b")])
        assert all(r.value is not None and r.cost is None for r in replies)
        assert len(c.warnings) == 1 and "no known price" in c.warnings[0]
    assert server.count == 2


def test_a_known_model_is_priced_from_litellms_local_map(server, root):
    with client(server, root, model="openai/gpt-4o-mini") as c:
        assert c.price("openai/gpt-4o-mini") == pytest.approx((0.15, 0.6))
        assert c.ask(prompt()).cost == pytest.approx((11 * 0.15 + 7 * 0.6) / 1e6)


def test_an_estimate_sends_nothing_and_counts_the_cache(server, root):
    with client(server, root, prices=PRICED) as c:
        c.ask(prompt("cached"))
    with client(server, root, prices=PRICED) as c:
        est = c.estimate([prompt("cached"), prompt("new 1"), prompt("new 2", max_tokens=100)])
    assert server.count == 1
    assert (est.calls, est.cached, est.tokens_out_max) == (2, 1, 1124)
    assert est.tokens_in > 0 and est.cost_max == pytest.approx((est.tokens_in * 1 + 1124 * 2) / 1e6)
    with client(server, root) as c:
        assert c.estimate([prompt("new 3")]).cost_max is None


# ----------------------------------------------------------------------------- set-up
def test_without_a_model_the_message_says_how_to_configure_one(root):
    with pytest.raises(LLMNotConfigured) as exc:
        open_client(LLMSettings(), project_root=root, command="review")
    text = str(exc.value)
    assert exc.value.exit_code == ExitCode.USAGE == 2 and "\n" not in text
    assert "novelforge.yaml" in text and "ollama/" in text and "api_base" in text and "OPENAI_API_KEY" in text


FAKE_KEY = "sk-nftest-RECOGNISABLE0123456789abcdef"


def test_no_api_key_in_any_file_the_run_wrote_nor_in_an_error(server, root, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    server.script("fake-a", Fail(401, f"invalid key {FAKE_KEY}"), Fail(500, f"oops {FAKE_KEY}"))
    with client(server, root, prices=PRICED, fallbacks=["openai/fake-b"]) as c:
        failed = c.ask(prompt("one"))
        ok = c.ask(prompt("two"))
    assert ok.value is not None
    assert server.requests[-1].headers.get("authorization") == f"Bearer {FAKE_KEY}"   # the key was in play
    texts = [failed.error or "", ok.error or "", failed.text, *(json.dumps(r) for r in ledger_rows())]
    assert not any(FAKE_KEY in t for t in texts)
    for folder in (Path(os.environ["NOVELFORGE_CACHE_DIR"]), root):
        for path in folder.rglob("*"):
            if path.is_file():
                assert FAKE_KEY.encode() not in path.read_bytes(), path


def test_a_provider_without_its_key_stops_the_command_before_sending(root, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    settings_ = LLMSettings.model_validate({"model": "anthropic/claude-3-5-haiku-latest"})
    with open_client(settings_, project_root=root, command="review") as c:
        with pytest.raises(LLMNotConfigured) as exc:
            c.ask_all([prompt("a"), prompt("b")])
        assert c.sent == 0
    assert str(exc.value) == ("no API key for `anthropic/claude-3-5-haiku-latest`: set ANTHROPIC_API_KEY in the "
                              "environment (never in novelforge.yaml)")
    assert exc.value.exit_code == 2


def test_provider_errors_are_short_and_nothing_is_printed(server, root, capfd):
    server.script("fake-a", Fail(400, "the request was bad"))
    with client(server, root) as c:
        assert c.ask(prompt()).error == "no model answered — openai/fake-a: 400: the request was bad"
    with open_client(LLMSettings.model_validate({"model": "openai/fake-a", "api_base": "http://127.0.0.1:9/v1",
                                                 "retries": 0}), project_root=root, command="review") as c:
        assert c.ask(prompt()).error == "no model answered — openai/fake-a: could not reach the server"
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_cache_database_that_is_not_one_is_started_again(server, root):
    from novelforge.cache_stores import store_dir

    with client(server, root) as c:
        c.ask(prompt("x"))
    (store_dir(root, "llm") / "cache.db").write_bytes(b"this is not a database" * 100)
    with client(server, root) as c:
        assert not c.ask(prompt("x")).cached and c.warnings == []
    with client(server, root) as c:
        assert c.ask(prompt("x")).cached
    assert server.count == 2


def test_a_cache_folder_that_cannot_be_trusted_is_off_and_said_once(server, root):
    from novelforge.cache_stores import store_dir

    with client(server, root) as c:
        c.ask(prompt("x"))
    os.chmod(store_dir(root, "llm"), 0o777)             # other users could write to it
    try:
        with client(server, root) as c:
            replies = c.ask_all([prompt("x"), prompt("y")])
            assert not any(r.cached for r in replies)
            assert len(c.warnings) == 1 and "the LLM answer cache is off" in c.warnings[0]
    finally:
        os.chmod(store_dir(root, "llm"), 0o700)
    assert server.count == 3


def test_a_cache_folder_inside_the_project_is_never_used(server, root, monkeypatch):
    monkeypatch.setenv("NOVELFORGE_CACHE_DIR", str(root / ".cache"))     # a checkout cannot set it; a user might
    with client(server, root) as c:
        c.ask(prompt("x"))
    with client(server, root) as c:
        assert not c.ask(prompt("x")).cached
        assert [w.split(" (")[0] for w in c.warnings] == ["the LLM answer cache is off",
                                                          "the spend ledger cannot be written"]
        assert all("inside the project" in w for w in c.warnings)
    assert server.count == 2 and not (root / ".cache").exists()


def test_an_entry_tagged_with_another_key_is_never_read(server, root):
    """What a planted store would hold: a well-formed entry under the right key whose tag
    was made without the user's secret."""
    from novelforge.cache_stores import JsonStore, encode_json

    with client(server, root) as c:
        key = c.cache_key(prompt("x"))
    store = JsonStore(root)
    store.set(key, {"v": 1, "model": "openai/fake-a", "text": "", "value": {"findings": ["planted"]}})
    forged = encode_json(b"\0" * 32, key, {"v": 1, "model": "openai/fake-a", "text": "",
                                             "value": {"findings": ["planted"]}})
    store._cache.set(key, forged)
    store.close()
    with client(server, root) as c:
        reply = c.ask(prompt("x"))
    assert not reply.cached and reply.value == Answer(findings=["x"]) and server.count == 1


def test_a_negative_cost_cap_names_its_parameter(root):
    from novelforge.errors import OptionError

    with pytest.raises(OptionError) as exc:
        open_client(LLMSettings(model="openai/x"), project_root=root, command="review", max_cost=-1)
    assert exc.value.worded({})[0] == "`--max-cost -1` is not a cost: give an amount in US dollars, 0 or more"


def test_a_cached_answer_expires_after_its_ttl(server, root):
    import time

    with client(server, root, cache_ttl_days=0.5 / 86400) as c:        # half a second
        c.ask(prompt("x"))
        assert c.ask(prompt("x")).cached
        time.sleep(0.6)
        assert not c.ask(prompt("x")).cached
    assert server.count == 2
