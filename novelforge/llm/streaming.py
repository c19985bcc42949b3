"""Plain-text answers streamed as they arrive, through the same client: the response
cache, the budget and ``--max-cost`` checked before each request, fallbacks, retries with
backoff, the concurrency bound and the spend ledger (``novelforge draft``).

    reply = stream_text(client, prompt, on_text=print_piece)
    if reply.value is None:
        ...  # reply.error says why: nothing usable arrived, and nothing was cached

``prompt.schema`` is a model with one ``text`` field (``DraftText``); the answer is not
parsed as JSON, it *is* the text. An answer counts only when the stream says it is
finished: one that breaks off mid-way (the connection drops, the server fails, a timeout)
or stops at the reply's token limit is a failed attempt, retried like any other, and
``on_restart`` is called before the next attempt so a front end can drop what it showed.
A cached answer is given to ``on_text`` whole.
"""

from __future__ import annotations

import time
from typing import Callable

from novelforge.llm import provider
from novelforge.llm.types import Estimate, LLMNotConfigured, Prompt, Reply


def stream_text(client, prompt: Prompt, *, on_text: Callable[[str], None] | None = None,
                on_restart: Callable[[str], None] | None = None) -> Reply:
    """The text answer to ``prompt`` (``client``: an :class:`~novelforge.llm.client.LLMClient`).
    Raises :class:`~novelforge.llm.types.BudgetExceeded` before a request the budget
    does not allow, and :class:`LLMNotConfigured` when no model has its API key."""
    emit = on_text or (lambda _piece: None)
    key = client.cache_key(prompt)
    hit = client._from_cache(prompt, key)
    if hit is not None:
        emit(hit.text)
        return hit
    reply = Reply(prompt=prompt, value=None)
    messages = [dict(m) for m in prompt.messages]
    limit = client._max_tokens(prompt)
    settings = client.settings
    failures: list[str] = []
    keyless: list[str] = []
    tried = False
    for model in client.models:
        missing = provider.missing_key(model, settings.api_base)
        if missing:
            keyless.append(missing)
            failures.append(f"{model}: no API key: set {missing} in the environment")
            continue
        last = ""
        for attempt in range(settings.retries + 1):
            if tried and on_restart is not None:
                on_restart(last)
            if attempt:
                time.sleep(min(settings.retry_backoff * 2 ** (attempt - 1), 30.0))
            reserved = client._guard(prompt, model, messages, limit)
            tried = True
            try:
                with client._sem:
                    with client._lock:
                        client.sent += 1
                    answer = provider.stream(model, messages, api_base=settings.api_base, timeout=settings.timeout,
                                             max_tokens=limit, temperature=settings.temperature, seed=settings.seed,
                                             on_text=emit)
            except provider.CallFailed as exc:
                client._settle(reserved, None)
                client._record(prompt, model, 0, 0, None if client.price(model) is None else 0.0,
                               cached=False, ok=False, error=exc.message)
                last = exc.message
                if not exc.retry:
                    break
                continue
            except BaseException:           # Ctrl-C: nothing kept, the reservation released
                client._settle(reserved, None)
                raise
            cost = client._cost(model, answer.tokens_in, answer.tokens_out)
            client._settle(reserved, cost)
            client._record(prompt, model, answer.tokens_in, answer.tokens_out, cost, cached=False, ok=True)
            reply.text, reply.model = answer.text, model
            reply.tokens_in, reply.tokens_out, reply.cost = answer.tokens_in, answer.tokens_out, cost
            reply.value = prompt.schema.model_validate({"text": answer.text})
            if client._store is not None:
                client._store.set(key, {"v": 1, "model": model, "text": answer.text,
                                        "value": {"text": answer.text}, "tokens_in": answer.tokens_in,
                                        "tokens_out": answer.tokens_out, "cost": cost},
                                  expire=settings.cache_ttl_days * 86400)
            return reply
        failures.append(f"{model}: {last}")
    if keyless and len(keyless) == len(client.models):
        raise LLMNotConfigured(f"no API key for `{client.models[0]}`: set {keyless[0]} in the environment "
                               "(never in novelforge.yaml)", help="docs/llm.md lists the providers' variables")
    from novelforge.llm.settings import redact

    reply.error = redact("no model finished the reply — " + "; ".join(failures))
    return reply


def estimate_text(client, prompts: list[Prompt]) -> Estimate:
    """What streaming ``prompts`` would cost, after the cache (``--estimate``)."""
    out = Estimate(cost_max=0.0)
    price = client.price(client.model)
    for prompt in prompts:
        if client.in_cache(prompt):
            out.cached += 1
            continue
        tokens = provider.count_tokens(client.model, [dict(m) for m in prompt.messages])
        limit = client._max_tokens(prompt)
        out.calls += 1
        out.tokens_in += tokens
        out.tokens_out_max += limit
        if price is None:
            out.cost_max = None
        elif out.cost_max is not None:
            out.cost_max += (tokens * price[0] + limit * price[1]) / 1e6
    return out
