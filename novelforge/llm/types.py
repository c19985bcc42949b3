"""The LLM layer's contract: what a caller hands the client and what it gets back.

Nothing here imports litellm (or any provider library): the Writers' Room, summaries,
drafting and the server build :class:`Prompt` values and read :class:`Reply` values, and
only :mod:`novelforge.llm.client` ever touches litellm's objects, inside the call.

    from novelforge.llm import open_client
    from novelforge.llm.types import Prompt

    client = open_client(project.config.llm, project_root=project.root, command="review")
    replies = client.ask_all([Prompt(...), ...], progress=bar.advance)
    for reply in replies:
        if reply.value is None:
            ...  # reply.error says why (did not parse after one retry, every model failed)

A client never raises for one bad answer: a reply that does not parse, a model that
times out, a fallback chain that fails all become a :class:`Reply` with ``value=None``
and an ``error``. It raises only for what stops the whole command: no model configured
(:class:`LLMNotConfigured`), the budget or ``--max-cost`` reached before a request is
sent (:class:`BudgetExceeded`; replies already received are kept on the exception).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Literal, Protocol, Sequence, TypedDict

from pydantic import BaseModel

from novelforge.errors import ExitCode, NovelForgeError


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


def template_hash(text: str) -> str:
    """The hash of a prompt template's text, for :attr:`Prompt.template_hash`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Prompt:
    """One request: what to send and how to read the answer.

    ``template`` and ``template_hash`` name the prompt template it was rendered from (a
    changed template is a cache miss); ``schema`` is the pydantic model the reply must
    parse into (sent as a JSON schema where the provider takes one); ``command``,
    ``scene`` and ``purpose`` (a reviewer's name) are recorded in the spend ledger and
    never sent."""

    template: str
    template_hash: str
    messages: tuple[Message, ...]
    schema: type[BaseModel]
    max_tokens: int = 1024
    command: str = ""
    scene: str | None = None
    purpose: str = ""


@dataclass
class Reply:
    prompt: Prompt
    value: BaseModel | None          # the parsed answer, or None (then ``error`` says why)
    text: str = ""                   # the raw answer text (of the last attempt)
    model: str | None = None         # the model that answered (after fallbacks)
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float | None = None        # USD; None when the model has no known price
    cached: bool = False             # from the response cache: nothing was sent
    error: str | None = None


@dataclass
class Estimate:
    """What a set of prompts would cost, after the cache (``--estimate``)."""

    calls: int = 0                   # requests that would be sent
    cached: int = 0                  # prompts answered from the cache
    tokens_in: int = 0
    tokens_out_max: int = 0          # the replies' maximum tokens, summed
    cost_max: float | None = None    # None when the model has no known price


class Client(Protocol):
    model: str

    def ask(self, prompt: Prompt) -> Reply: ...

    def ask_all(self, prompts: Sequence[Prompt], *,
                progress: Callable[[Reply], None] | None = None) -> list[Reply]:
        """Every prompt's reply, in the prompts' order, at most ``max_concurrency`` in
        flight; ``progress`` is called once per reply as it arrives."""
        ...

    def estimate(self, prompts: Sequence[Prompt]) -> Estimate: ...


class LLMNotConfigured(NovelForgeError):
    """No ``llm: model`` in ``novelforge.yaml`` (exit 2)."""


class BudgetExceeded(NovelForgeError):
    """The monthly budget or the run's ``--max-cost`` would be passed by the next request.
    Raised before that request is sent; ``replies`` holds what was received before."""

    exit_code = ExitCode.BUDGET

    def __init__(self, message: str, *, replies: list[Reply] | None = None, limit: str | None = None,
                 **kw) -> None:
        super().__init__(message, **kw)
        self.replies: list[Reply] = list(replies or [])
        self.limit = limit               # "max_cost" (the run's cap) or "budget" (the month's), when known


@dataclass
class Usage:
    """One row of the spend ledger."""

    when: str                        # ISO 8601, UTC
    command: str
    scene: str | None
    purpose: str
    model: str | None
    tokens_in: int
    tokens_out: int
    cost: float | None
    cached: bool
    ok: bool
    extra: dict = field(default_factory=dict)
