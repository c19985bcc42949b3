"""The client behind :func:`novelforge.llm.open_client`: cache, budget, fallbacks,
retries, bounded concurrency, structured answers and the spend ledger.

One prompt goes through :meth:`LLMClient.ask`:

1. the response cache (unless ``use_cache=False``): a hit sends nothing;
2. for each model in turn (``model``, then ``fallbacks``), up to ``retries + 1``
   attempts with doubling backoff; every attempt is first priced and checked against
   ``max_cost`` and ``budget_usd_month`` (:class:`BudgetExceeded` before sending), then
   sent through our own semaphore (at most ``max_concurrency`` in flight), then written to
   the ledger, failed or not;
3. the answer is parsed into the prompt's schema; one that does not parse is asked for
   once more with the validation error, then it is a reply with ``value=None``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Sequence

from novelforge.llm import provider, structured
from novelforge.llm.ledger import Ledger, now, project_key, this_month
from novelforge.llm.report import money
from novelforge.llm.settings import LLMSettings, redact
from novelforge.llm.types import BudgetExceeded, Estimate, LLMNotConfigured, Prompt, Reply, Usage

CACHE_VERSION = 1


class _Stopped(Exception):
    """A prompt not sent because the run already stopped at the budget."""


class _AllFailed(Exception):
    pass




class LLMClient:
    """A :class:`~novelforge.llm.types.Client`. ``spent`` (USD, priced calls) and ``sent``
    (requests) count this run; ``cached`` counts answers from the cache; ``warnings``
    holds what the command should tell the author (each said once)."""

    def __init__(self, settings: LLMSettings, *, project_root: Path | str, command: str,
                 use_cache: bool = True, max_cost: float | None = None, home: Path | None = None) -> None:
        self.settings = settings
        self.model: str = settings.model or ""
        self.models = settings.models
        self.command = command
        self.root = Path(project_root)
        self.project = project_key(project_root)
        self.use_cache = use_cache
        self.max_cost = max_cost
        self.spent = 0.0
        self.sent = 0
        self.cached = 0
        self.warnings: list[str] = []
        self._store = None
        if use_cache:
            from novelforge.cache_stores import JsonStore

            self._store = JsonStore(self.root, "llm", home)
        self._ledger = Ledger(home, project=self.root)
        self._lock = threading.Lock()
        self._sem = threading.BoundedSemaphore(settings.max_concurrency)
        self._reserved = 0.0
        self._month_before: float | None = None
        self._said: set[str] = set()

    # ------------------------------------------------------------------ public
    def ask(self, prompt: Prompt) -> Reply:
        key = self.cache_key(prompt)
        hit = self._from_cache(prompt, key)
        if hit is not None:
            return hit
        reply = Reply(prompt=prompt, value=None)
        messages = [dict(m) for m in prompt.messages]
        try:
            text, model = self._chain(prompt, messages, reply)
        except _AllFailed as exc:
            reply.error = str(exc)
            return reply
        value, problem = structured.parse(prompt.schema, text)
        if value is None:
            try:
                text, model = self._chain(prompt, structured.retry_messages(messages, text, problem), reply)
            except _AllFailed as exc:
                reply.error = f"the answer did not match the expected form ({problem}); the retry failed: {exc}"
                return reply
            value, problem = structured.parse(prompt.schema, text)
        reply.text, reply.model = text, model
        if value is None:
            reply.error = f"the answer did not match the expected form, twice: {problem}"
            return reply
        reply.value = value
        if self._store is not None:
            self._store.set(key, {"v": CACHE_VERSION, "model": model, "text": text,
                                  "value": value.model_dump(mode="json"), "tokens_in": reply.tokens_in,
                                  "tokens_out": reply.tokens_out, "cost": reply.cost},
                            expire=self.settings.cache_ttl_days * 86400)
        return reply

    def ask_all(self, prompts: Sequence[Prompt], *,
                progress: Callable[[Reply], None] | None = None) -> list[Reply]:
        prompts = list(prompts)
        replies: list[Reply | None] = [None] * len(prompts)
        if not prompts:
            return []
        stop = threading.Event()
        stopped: BudgetExceeded | None = None

        def one(prompt: Prompt) -> Reply:
            if stop.is_set():
                raise _Stopped()
            return self.ask(prompt)

        workers = min(len(prompts), self.settings.max_concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="novelforge-llm") as pool:
            futures = {pool.submit(one, p): i for i, p in enumerate(prompts)}
            try:
                for future in as_completed(futures):
                    try:
                        reply = future.result()
                    except _Stopped:
                        continue
                    except BudgetExceeded as exc:
                        stop.set()
                        stopped = stopped or exc
                        continue
                    replies[futures[future]] = reply
                    if progress is not None:
                        progress(reply)
            except BaseException:
                stop.set()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        done = [r for r in replies if r is not None]
        if stopped is not None:
            raise BudgetExceeded(stopped.message, replies=done, help=stopped.help, limit=stopped.limit)
        return done

    def estimate(self, prompts: Sequence[Prompt]) -> Estimate:
        out = Estimate(cost_max=0.0)
        price = self.price(self.model)
        for prompt in prompts:
            if self.in_cache(prompt):
                out.cached += 1
                continue
            messages = self._messages_for(prompt, self.model, [dict(m) for m in prompt.messages])[0]
            tokens = provider.count_tokens(self.model, messages)
            limit = self._max_tokens(prompt)
            out.calls += 1
            out.tokens_in += tokens
            out.tokens_out_max += limit
            if price is None:
                out.cost_max = None
            elif out.cost_max is not None:
                out.cost_max += (tokens * price[0] + limit * price[1]) / 1e6
        if price is None:
            self._say(self.model, f"`{self.model}` has no known price, so the cost cannot be estimated; "
                                  "give its price under `llm: prices:` in novelforge.yaml")
        return out

    def in_cache(self, prompt: Prompt) -> bool:
        """Whether ``prompt`` would be answered from the cache (nothing sent, nothing
        recorded)."""
        return self._store is not None and self._cached_value(prompt, self.cache_key(prompt)) is not None

    def price(self, model: str) -> tuple[float, float] | None:
        """USD per million (input, output) tokens: ``llm.prices``, else litellm's local map."""
        own = self.settings.prices.get(model)
        if own is not None:
            return own.input, own.output
        return provider.local_price(model)

    def cache_key(self, prompt: Prompt) -> str:
        """Everything that changes the answer: the models, the server, the template and
        its hash, the full messages, the schema and the sampling parameters."""
        material = {"v": CACHE_VERSION, "models": self.models, "api_base": self.settings.api_base,
                    "template": prompt.template, "template_hash": prompt.template_hash,
                    "messages": [dict(m) for m in prompt.messages],
                    "schema": structured.json_schema(prompt.schema),
                    "params": {"max_tokens": self._max_tokens(prompt), "temperature": self.settings.temperature,
                               "seed": self.settings.seed}}
        blob = json.dumps(material, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
        return "llm:" + hashlib.sha256(blob).hexdigest()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        self._ledger.close()

    def __enter__(self) -> "LLMClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ the cache
    def _cached_value(self, prompt: Prompt, key: str) -> dict | None:
        entry = self._store.get(key) if self._store is not None else None
        if self._store is not None and self._store.problem:
            self._say("cache", f"the LLM answer cache is off ({redact(self._store.problem)}): every prompt is sent")
        if not isinstance(entry, dict) or entry.get("v") != CACHE_VERSION or not isinstance(entry.get("value"), dict):
            return None
        try:
            entry["parsed"] = prompt.schema.model_validate(entry["value"])
        except Exception:
            return None
        return entry

    def _from_cache(self, prompt: Prompt, key: str) -> Reply | None:
        entry = self._cached_value(prompt, key)
        if entry is None:
            return None

        def num(name: str) -> int:
            v = entry.get(name)
            return v if isinstance(v, int) and not isinstance(v, bool) else 0

        model = entry.get("model") if isinstance(entry.get("model"), str) else None
        reply = Reply(prompt=prompt, value=entry["parsed"], text=str(entry.get("text", "")), model=model,
                      tokens_in=num("tokens_in"), tokens_out=num("tokens_out"), cost=0.0, cached=True)
        with self._lock:
            self.cached += 1
        self._record(prompt, model, reply.tokens_in, reply.tokens_out, 0.0, cached=True, ok=True)
        return reply

    # ------------------------------------------------------------------ sending
    def _max_tokens(self, prompt: Prompt) -> int:
        cap = self.settings.max_tokens
        return min(prompt.max_tokens, cap) if cap else prompt.max_tokens

    def _messages_for(self, prompt: Prompt, model: str, messages: list[dict]) -> tuple[list[dict], dict | None]:
        """The messages and the ``response_format`` for ``model``: the schema as a
        response format where the model takes one, else as an instruction."""
        if provider.supports_schema(model, self.settings.api_base):
            return messages, structured.response_format(prompt.schema)
        if model.startswith("llamafile/"):   # llama.cpp's servers: the schema becomes a JSON grammar
            return ([structured.schema_instruction(prompt.schema), *messages],
                    {"type": "json_object", "schema": structured.json_schema(prompt.schema)})
        return [structured.schema_instruction(prompt.schema), *messages], None

    def _chain(self, prompt: Prompt, messages: list[dict], reply: Reply) -> tuple[str, str]:
        """The first answer from the models in order; every attempt priced, guarded,
        counted on ``reply`` and recorded. Raises :class:`_AllFailed`."""
        failures: list[str] = []
        keyless: list[str] = []
        limit = self._max_tokens(prompt)
        for model in self.models:
            missing = provider.missing_key(model, self.settings.api_base)
            if missing:                  # nothing is sent, nothing recorded
                keyless.append(missing)
                failures.append(f"{model}: no API key: set {missing} in the environment")
                continue
            sent, response_format = self._messages_for(prompt, model, messages)
            last = ""
            for attempt in range(self.settings.retries + 1):
                if attempt:
                    time.sleep(min(self.settings.retry_backoff * 2 ** (attempt - 1), 30.0))
                reserved = self._guard(prompt, model, sent, limit)
                try:
                    with self._sem:
                        with self._lock:
                            self.sent += 1
                        answer = provider.complete(model, sent, api_base=self.settings.api_base,
                                                   timeout=self.settings.timeout, max_tokens=limit,
                                                   temperature=self.settings.temperature, seed=self.settings.seed,
                                                   response_format=response_format)
                except provider.CallFailed as exc:
                    self._settle(reserved, None)
                    self._record(prompt, model, 0, 0, None if self.price(model) is None else 0.0,
                                 cached=False, ok=False, error=exc.message)
                    last = exc.message
                    if not exc.retry:
                        break
                    continue
                except BaseException:
                    self._settle(reserved, None)
                    raise
                cost = self._cost(model, answer.tokens_in, answer.tokens_out)
                self._settle(reserved, cost)
                self._record(prompt, model, answer.tokens_in, answer.tokens_out, cost, cached=False, ok=True)
                reply.tokens_in += answer.tokens_in
                reply.tokens_out += answer.tokens_out
                if cost is not None:
                    reply.cost = (reply.cost or 0.0) + cost
                return answer.text, model
            failures.append(f"{model}: {last}")
        if len(keyless) == len(self.models):      # no model could be asked at all: stop the command
            raise LLMNotConfigured(f"no API key for `{self.models[0]}`: set {keyless[0]} in the environment "
                                   "(never in novelforge.yaml)", help="docs/llm.md lists the providers' variables")
        raise _AllFailed(redact("no model answered — " + "; ".join(failures)))

    def _cost(self, model: str, tokens_in: int, tokens_out: int) -> float | None:
        price = self.price(model)
        if price is None:
            return None
        return (tokens_in * price[0] + tokens_out * price[1]) / 1e6

    def _guard(self, prompt: Prompt, model: str, messages: list[dict], limit: int) -> float:
        """What the request may cost at most, reserved; :class:`BudgetExceeded` when the
        run's cap or the month's budget would be passed."""
        budget = self.settings.budget_usd_month
        if self.max_cost is None and budget is None:
            return 0.0
        price = self.price(model)
        if price is None:
            self._say(model, f"`{model}` has no known price, so the monthly budget and the run's cost cap "
                             "cannot limit what it spends; give its price under `llm: prices:` in novelforge.yaml")
            return 0.0
        tokens = provider.count_tokens(model, messages)
        most = (tokens * price[0] + limit * price[1]) / 1e6
        with self._lock:
            if self._month_before is None and budget is not None:
                self._month_before = self._ledger_spent()
            committed = self.spent + self._reserved
            if self.max_cost is not None and committed + most > self.max_cost:
                raise BudgetExceeded(
                    f"stopped before the next request: it may cost up to {money(most)} and this run's cost cap "
                    f"of {money(self.max_cost)} has {money(max(self.max_cost - committed, 0.0))} left",
                    help="raise the cap, or see what a run would cost with an estimate first", limit="max_cost")
            if budget is not None and (self._month_before or 0.0) + committed + most > budget:
                month = (self._month_before or 0.0) + committed
                raise BudgetExceeded(
                    f"stopped before the next request: it may cost up to {money(most)} and this project has spent "
                    f"{money(month)} of its {money(budget)} budget for {this_month()}",
                    help="raise `llm: budget_usd_month:` in novelforge.yaml, or wait for next month", limit="budget")
            self._reserved += most
        return most

    def _settle(self, reserved: float, cost: float | None) -> None:
        with self._lock:
            self._reserved = max(self._reserved - reserved, 0.0)
            if cost is not None:
                self.spent += cost

    # ------------------------------------------------------------------ the ledger
    def _ledger_spent(self) -> float:
        try:
            return self._ledger.spent(self.project, this_month())
        except Exception as exc:
            self._say("ledger", f"the spend ledger cannot be read ({redact(str(exc))}); this month's earlier "
                                "spending is not counted against the budget")
            return 0.0

    def _record(self, prompt: Prompt, model: str | None, tokens_in: int, tokens_out: int, cost: float | None,
                *, cached: bool, ok: bool, error: str | None = None) -> None:
        row = Usage(when=now().isoformat(timespec="seconds"), command=prompt.command or self.command,
                    scene=prompt.scene, purpose=prompt.purpose, model=model, tokens_in=tokens_in,
                    tokens_out=tokens_out, cost=cost, cached=cached, ok=ok,
                    extra={"error": redact(error)[:300]} if error else {})
        try:
            self._ledger.record(self.project, row)
        except Exception as exc:
            self._say("ledger", f"the spend ledger cannot be written ({redact(str(exc))}); this run's calls "
                                "are not recorded")

    def _say(self, topic: str, text: str) -> None:
        with self._lock:
            if topic not in self._said:
                self._said.add(topic)
                self.warnings.append(text)
