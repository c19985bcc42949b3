"""The only module that touches litellm: one request to one model, token counts and the
local price map. Everything it returns is our own plain data.

litellm is imported on first use, never at module level (``import litellm`` takes
seconds), after ``LITELLM_LOCAL_MODEL_COST_MAP=True`` (the price map bundled with the
package, never fetched) and ``LITELLM_OFFLINE_MODE=true`` (without it, counting tokens
for some models downloads a tokenizer).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from typing import Any

from novelforge.llm.settings import redact

_lock = threading.Lock()
_litellm: Any = None


def load() -> Any:
    """The litellm module, configured for NovelForge (offline, quiet)."""
    global _litellm
    import warnings

    # pydantic's notes about litellm's own types ("Items … are using the `ReadOnly`
    # qualifier"), on import and on the first calls; set on every use, as a test runner
    # or an embedding program may reset the filters between calls
    warnings.filterwarnings("ignore", message=r".*(is|are) using the `ReadOnly` qualifier", category=UserWarning)
    # pydantic 2.11's note about litellm's streaming chunks reading fields on an instance
    warnings.filterwarnings("ignore", message=r"Accessing the 'model_(computed_)?fields' attribute on the instance",
                            category=DeprecationWarning)
    if _litellm is None:
        with _lock:
            if _litellm is None:
                os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
                os.environ["LITELLM_OFFLINE_MODE"] = "true"
                os.environ.setdefault("LITELLM_LOG", "ERROR")
                import logging

                import litellm

                litellm.suppress_debug_info = True     # no "Give Feedback / Get Help" on stdout
                litellm.drop_params = True             # a parameter a provider lacks is left out
                litellm.telemetry = False
                for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm"):
                    logging.getLogger(name).setLevel(logging.CRITICAL)
                _litellm = litellm
    return _litellm


@dataclass
class Answer:
    text: str
    tokens_in: int
    tokens_out: int


class CallFailed(Exception):
    """One attempt failed. ``retry``: worth retrying the same model (rate limit, server
    error, timeout, connection); ``message`` is redacted (no key)."""

    def __init__(self, message: str, *, retry: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.status = status


_RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504, 529}


def complete(model: str, messages: list[dict], *, api_base: str | None, timeout: float,
             max_tokens: int, temperature: float | None, seed: int | None,
             response_format: dict | None) -> Answer:
    """One request, no retries (the caller's loop retries and falls back, so the ledger
    sees every attempt). Raises :class:`CallFailed`."""
    litellm = load()
    kwargs: dict[str, Any] = {"model": model, "messages": messages, "timeout": timeout,
                              "max_tokens": max_tokens, "num_retries": 0, "max_retries": 0}
    if api_base:
        kwargs["api_base"] = api_base
        if model.startswith("openai/") and not os.environ.get("OPENAI_API_KEY"):
            kwargs["api_key"] = "none"     # a local OpenAI-compatible server needs no key; the client wants one
    if temperature is not None:
        kwargs["temperature"] = temperature
    if seed is not None:
        kwargs["seed"] = seed
    if response_format is not None:
        kwargs["response_format"] = response_format
    try:
        response = litellm.completion(**kwargs)
    except Exception as exc:  # every provider error: classified, worded, redacted
        raise _failure(exc, timeout) from None
    try:
        choice = response.choices[0]
        text = choice.message.content or ""
        usage = getattr(response, "usage", None)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
    except Exception as exc:
        raise CallFailed(f"the answer had no text ({type(exc).__name__})", retry=True) from None
    return Answer(text=str(text), tokens_in=tokens_in, tokens_out=tokens_out)


def stream(model: str, messages: list[dict], *, api_base: str | None, timeout: float, max_tokens: int,
           temperature: float | None, seed: int | None, on_text) -> Answer:
    """One streamed request for plain text, no retries: ``on_text(piece)`` is called with
    each piece of the answer as it arrives. An answer is complete only when the stream
    says it stopped: a stream that breaks off, or ends without saying why, or stops at
    ``max_tokens``, raises :class:`CallFailed` (what arrived is discarded by the caller)."""
    litellm = load()
    kwargs: dict[str, Any] = {"model": model, "messages": messages, "timeout": timeout, "max_tokens": max_tokens,
                              "num_retries": 0, "max_retries": 0, "stream": True,
                              "stream_options": {"include_usage": True}}
    if api_base:
        kwargs["api_base"] = api_base
        if model.startswith("openai/") and not os.environ.get("OPENAI_API_KEY"):
            kwargs["api_key"] = "none"
    if temperature is not None:
        kwargs["temperature"] = temperature
    if seed is not None:
        kwargs["seed"] = seed
    pieces: list[str] = []
    finish: str | None = None
    tokens_in = tokens_out = 0
    try:
        for chunk in litellm.completion(**kwargs):
            usage = getattr(chunk, "usage", None)
            if usage is not None:
                tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0) or tokens_in
                tokens_out = int(getattr(usage, "completion_tokens", 0) or 0) or tokens_out
            for choice in getattr(chunk, "choices", None) or []:
                delta = getattr(choice, "delta", None)
                text = getattr(delta, "content", None) if delta is not None else None
                if text:
                    pieces.append(text)
                    on_text(text)
                finish = getattr(choice, "finish_reason", None) or finish
    except CallFailed:
        raise
    except Exception as exc:   # a stream that breaks off: the connection, the provider, a timeout
        failed = _failure(exc, timeout)
        if not pieces:
            raise failed from None
        why = "the connection was lost" if failed.message == "could not reach the server" else failed.message
        raise CallFailed(f"the reply broke off after {len(pieces)} pieces ({why})", retry=True,
                         status=failed.status) from None
    if finish is None:
        raise CallFailed(f"the reply ended before the model finished it (after {len(pieces)} pieces)", retry=True)
    if finish == "length":
        raise CallFailed(f"the reply reached its limit of {max_tokens:,} tokens before the scene was finished",
                         retry=False)
    text = "".join(pieces)
    if not tokens_out:
        try:
            tokens_out = int(litellm.token_counter(model=model, text=text))
        except Exception:
            tokens_out = len(text) // 4
    if not tokens_in:
        tokens_in = count_tokens(model, messages)
    return Answer(text=text, tokens_in=tokens_in, tokens_out=tokens_out)


_missing: dict[tuple[str, str | None], str | None] = {}


def missing_key(model: str, api_base: str | None) -> str | None:
    """The environment variable(s) ``model`` needs and does not have (``ANTHROPIC_API_KEY``),
    or None; a server at an ``api_base`` of your own is not asked about."""
    if api_base:
        return None
    if (model, api_base) not in _missing:
        try:
            found = load().validate_environment(model=model)
            names = [n for n in found.get("missing_keys", []) if re.search(r"_(KEY|TOKEN)$", n)]
        except Exception:
            names = []
        _missing[(model, api_base)] = " or ".join(names) if names and not found.get("keys_in_environment") else None
    return _missing[(model, api_base)]


_NOISE = re.compile(r"^(?:\s*(?:litellm\.)?\w*(?:Error|Exception)\b\s*[:-]\s*)+")


def _failure(exc: Exception, timeout: float) -> CallFailed:
    litellm = load()
    status = getattr(exc, "status_code", None)
    try:
        status = int(status) if status is not None else None
    except (TypeError, ValueError):
        status = None
    if isinstance(exc, getattr(litellm, "Timeout", ())) or "timed out" in str(exc).lower() or status == 408:
        return CallFailed(f"no answer within {timeout:g} s", retry=True, status=status)
    if isinstance(exc, getattr(litellm, "RateLimitError", ())) or status == 429:
        return CallFailed("rate-limited (429)", retry=True, status=429)
    if isinstance(exc, getattr(litellm, "APIConnectionError", ())) and status in (None, 500):
        return CallFailed("could not reach the server", retry=True, status=status)
    if isinstance(exc, getattr(litellm, "AuthenticationError", ())) or status in (401, 403):
        return CallFailed("the provider refused the API key (set it in the environment)", retry=False,
                          status=status)
    text = _NOISE.sub("", redact(" ".join(str(exc).split())))
    if "connection error" in text.lower():
        return CallFailed("could not reach the server", retry=True, status=status)
    if len(text) > 200:
        text = text[:197] + "…"
    where = f"{status}: " if status else ""
    return CallFailed(f"{where}{text or type(exc).__name__}", retry=status in _RETRY_STATUS or status is None,
                      status=status)


def count_tokens(model: str, messages: list[dict]) -> int:
    """The prompt's token count for ``model``, offline (litellm's tokenizers, or
    tiktoken's cl100k for a model it does not know)."""
    litellm = load()
    try:
        return int(litellm.token_counter(model=model, messages=messages))
    except Exception:
        chars = sum(len(str(m.get("content", ""))) for m in messages)
        return chars // 3 + 4 * len(messages)


def local_price(model: str) -> tuple[float, float] | None:
    """USD per million (input, output) tokens from litellm's bundled price map, or None."""
    litellm = load()
    cost = getattr(litellm, "model_cost", {}) or {}
    names = [model]
    if "/" in model:
        names.append(model.split("/", 1)[1])
    for name in names:
        row = cost.get(name)
        if isinstance(row, dict):
            i, o = row.get("input_cost_per_token"), row.get("output_cost_per_token")
            if isinstance(i, (int, float)) and isinstance(o, (int, float)):
                return float(i) * 1e6, float(o) * 1e6
    return None


def supports_schema(model: str, api_base: str | None) -> bool:
    """Whether to send a JSON schema as ``response_format``: OpenAI-compatible servers
    (``openai/…`` with an ``api_base``), Ollama, and models litellm knows take one."""
    if model.startswith(("openai/", "ollama/", "ollama_chat/", "hosted_vllm/", "lm_studio/")) and api_base:
        return True
    if model.startswith(("ollama/", "ollama_chat/")):
        return True
    litellm = load()
    try:
        return bool(litellm.supports_response_schema(model=model))
    except Exception:
        return False
