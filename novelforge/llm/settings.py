"""The ``llm:`` block of ``novelforge.yaml`` (docs/llm.md).

Every key is optional; without ``model`` no LLM command runs (:class:`LLMNotConfigured`).
API keys never belong here: a key named like one (``api_key``, ``openai_api_key``,
``token``…) or a value that looks like one (``sk-…``) is an error finding at its line,
whose message never repeats the value, and the value is dropped. Keys come from the
environment only (``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``…), where litellm reads them.

An unknown key is a warning (NF009) with the closest known key, as everywhere in
``novelforge.yaml``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# what a provider's secret looks like (OpenAI and compatibles, Anthropic, Google, Groq,
# Hugging Face, xAI, GitHub, a bearer token): a value like this is never a setting
_KEY_VALUE = re.compile(
    r"(?:\bsk-[A-Za-z0-9_\-]{12,}|\bAIza[0-9A-Za-z_\-]{30,}|\bgsk_[A-Za-z0-9]{20,}|\bhf_[A-Za-z0-9]{20,}"
    r"|\bxai-[A-Za-z0-9]{20,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bBearer\s+\S{12,})")
# what a key's *name* looks like: `api_key`, `openai-api-key`, `token`, `secret`, `password`
_KEY_NAME = re.compile(r"^(?:.*[_-])?(?:api[_-]?key|key|keys|token|secret|password|passwd|auth|bearer)$", re.I)

KEY_HELP = ("an API key does not belong in novelforge.yaml (it goes into git with the book): "
            "set it in the environment instead (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) and delete this line")


def looks_like_key(value: Any) -> bool:
    """Whether ``value`` (text) contains something shaped like a provider's secret."""
    return isinstance(value, str) and bool(_KEY_VALUE.search(value))


def redact(text: str) -> str:
    """``text`` with every secret-looking value, and the value of every ``*_KEY``,
    ``*_TOKEN`` or ``*_SECRET`` environment variable, replaced by ``***``: for error
    messages a provider library writes."""
    import os

    for name, value in os.environ.items():
        if len(value) >= 8 and re.search(r"(KEY|TOKEN|SECRET|PASSWORD)$", name, re.I) and value in text:
            text = text.replace(value, "***")
    return _KEY_VALUE.sub("***", text)


_NAMED_SECRET = re.compile(r"^(\s*(?:-\s+)?[\"']?(?:[\w.-]*[_-])?"
                           r"(?:api[_-]?key|key|keys|token|secret|password|passwd|auth|bearer)[\"']?\s*:\s*)(\S.*)$",
                           re.I)


def mask_secrets(line: str, *, yaml: bool = True) -> str:
    """A line of a file as a report may quote it: a secret-shaped value, and in YAML the
    value of a key named like a secret (`api_key: …`), shown as ``***``."""
    line = _KEY_VALUE.sub("***", line)
    return _NAMED_SECRET.sub(lambda m: m.group(1) + "***", line) if yaml else line


class _Secret:
    """A value found under a key named like a secret (marked before validation)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _not_a_key(value: Any) -> Any:
    if looks_like_key(value):
        raise ValueError(KEY_HELP)
    return value


def _extra(value: Any) -> Any:
    """An unknown key: a warning (NF009) — or an error when it holds a secret."""
    if isinstance(value, _Secret) or looks_like_key(value):
        raise ValueError(KEY_HELP)
    raise PydanticCustomError("extra_forbidden", "Extra inputs are not permitted")


Setting = Annotated[str, AfterValidator(_not_a_key)]
_Unknown = Annotated[Any, BeforeValidator(_extra)]


def _one_or_more(value: Any) -> Any:
    """`fallbacks: openai/gpt-4o-mini` for a list of one."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _url(value: Any) -> Any:
    if isinstance(value, str) and not re.match(r"^https?://[^\s/]+", value.strip()):
        raise ValueError("`api_base` should be the server's address, such as `http://localhost:11434` "
                         "or `https://example.com/v1`")
    return value.strip().rstrip("/") if isinstance(value, str) else value


class Price(BaseModel):
    """A model's price in US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid")
    input: float = Field(ge=0, description="USD per million prompt tokens.")
    output: float = Field(ge=0, description="USD per million reply tokens.")


class RoomSettings(BaseModel):
    """``llm: room:``, the Writers' Room's settings (docs/room.md)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    gate: bool = Field(False, description="Let the reviewers' findings fail `check --room` (error severity); "
                                          "advisory (warning or info) by default.")
    verify: bool = Field(False, description="Ask an independent call to disprove each error-level finding; "
                                            "keep only those that survive.")


class DraftSettings(BaseModel):
    """``llm: draft:``, what ``novelforge draft`` reads (docs/draft.md)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    model: Setting | None = Field(None, description="The model that drafts (default: `llm: model`); "
                                                    "`--model` overrides both.")
    context_tokens: int = Field(6000, ge=200, le=2_000_000,
                                description="The most tokens the context given to the model may take "
                                            "(estimated at four characters a token); past it, parts are cut "
                                            "in the documented order.")
    reply_tokens: int = Field(4096, ge=64, le=200_000, description="The most tokens a drafted scene may take.")
    tail_paragraphs: int = Field(3, ge=0, le=50, description="Paragraphs from the end of the scene before, "
                                                             "given so the new scene picks up from them.")


class LLMSettings(BaseModel):
    """The ``llm:`` block. Read by the LLM layer (novelforge/llm/): the Writers' Room,
    summaries and drafting."""

    # extra keys are let in only to be reported one by one (an unknown key, or a secret):
    # for editors, the schema allows none
    model_config = ConfigDict(extra="allow", populate_by_name=True,
                              json_schema_extra={"additionalProperties": False})
    __pydantic_extra__: dict[str, _Unknown] = Field(init=False)

    model: Setting | None = Field(None, description="Any litellm model: `openai/gpt-4o-mini`, "
                                  "`anthropic/claude-3-5-haiku-latest`, `ollama/llama3.1`, or `openai/NAME` "
                                  "with `api_base` for an OpenAI-compatible server.")
    fallbacks: Annotated[list[Setting], BeforeValidator(_one_or_more)] = Field(
        default_factory=list, description="Models tried in order when a call fails, times out or is rate-limited.")
    api_base: Annotated[str | None, BeforeValidator(_url), AfterValidator(_not_a_key)] = Field(
        None, description="The server's address, for Ollama or an OpenAI-compatible server.")
    timeout: float = Field(120.0, gt=0, le=3600, description="Seconds to wait for one answer.")
    retries: int = Field(2, ge=0, le=10, description="Retries of a failed call per model, with backoff, "
                                                     "before the next fallback.")
    retry_backoff: float = Field(1.0, ge=0, le=60, description="Seconds before the first retry; doubled each time.")
    max_concurrency: int = Field(4, ge=1, le=64, description="Requests in flight at once.")
    temperature: float | None = Field(0.0, ge=0, le=2, description="Sampling temperature, where the model takes one.")
    seed: int | None = Field(None, description="Sampling seed, where the provider takes one.")
    max_tokens: int | None = Field(None, ge=1, description="The most tokens any reply may have "
                                                           "(a request's own limit is used when lower).")
    cache_ttl_days: float = Field(30.0, gt=0, description="Days a cached answer is reused.")
    budget_usd_month: float | None = Field(None, ge=0, description="The most this project may spend in a "
                                                                   "calendar month (UTC), in USD.")
    prices: dict[str, Price] = Field(default_factory=dict,
                                     description="USD per million tokens for models litellm has no price for: "
                                                 "{model: {input: 0.15, output: 0.6}}.")
    room: RoomSettings = Field(default_factory=RoomSettings)
    draft: DraftSettings = Field(default_factory=DraftSettings)

    @model_validator(mode="before")
    @classmethod
    def _mark_secrets(cls, data: Any) -> Any:
        """A key named like a secret is refused whatever its value (and never echoed)."""
        if isinstance(data, dict):
            return {k: (_Secret(v) if isinstance(k, str) and _KEY_NAME.match(k) else v) for k, v in data.items()}
        return data

    @property
    def models(self) -> list[str]:
        """The model, then the fallbacks, without repeats."""
        out: list[str] = []
        for m in [self.model, *self.fallbacks]:
            if m and m not in out:
                out.append(m)
        return out
