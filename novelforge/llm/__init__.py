"""The LLM layer: one small client interface over litellm (docs/llm.md).

    from novelforge.llm import open_client
    from novelforge.llm.types import Prompt

    with open_client(project.config.llm, project_root=project.root, command="review",
                     use_cache=True, max_cost=None) as client:
        if estimate_only:
            print(client.estimate(prompts))
        replies = client.ask_all(prompts, progress=bar.advance)
        print(client.spent, client.sent, client.cached, client.warnings)

Importing this package is cheap (the settings only; the contract's types on first use):
litellm is imported inside the first call that needs it (:mod:`novelforge.llm.provider`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from novelforge.llm.settings import LLMSettings, RoomSettings

if TYPE_CHECKING:
    from novelforge.llm.client import LLMClient
    from novelforge.llm.types import BudgetExceeded, Client, Estimate, LLMNotConfigured, Prompt, Reply, Usage

_TYPES = {"BudgetExceeded", "Client", "Estimate", "LLMNotConfigured", "Prompt", "Reply", "Usage"}

__all__ = ["BudgetExceeded", "Client", "Estimate", "LLMNotConfigured", "LLMSettings", "Prompt", "Reply",
           "RoomSettings", "Usage", "NOT_CONFIGURED", "open_client"]

NOT_CONFIGURED = (
    "no model is configured: add `llm: {model: …}` to novelforge.yaml — a hosted model "
    "(`openai/gpt-4o-mini`, its key in OPENAI_API_KEY), Ollama (`ollama/llama3.1`), or any "
    "OpenAI-compatible server (`model: openai/NAME` with `api_base: http://localhost:8080/v1`)")
NOT_CONFIGURED_HELP = "docs/llm.md lists the settings; API keys go in the environment, never in novelforge.yaml"


def open_client(settings: LLMSettings | dict | None, *, project_root: Path | str, command: str,
                use_cache: bool = True, max_cost: float | None = None, home: Path | None = None) -> "LLMClient":
    """A client for ``settings`` (the project's ``config.llm``) that records its calls
    against the project at ``project_root`` as ``command``. ``use_cache=False`` neither
    reads nor writes the response cache; ``max_cost`` (USD) caps this run. ``home``
    overrides the user cache folder (tests). Raises :class:`LLMNotConfigured` without a
    model."""
    from novelforge.errors import OptionError
    from novelforge.llm.types import LLMNotConfigured

    if isinstance(settings, dict):
        settings = LLMSettings.model_validate(settings)
    if settings is None or not settings.model:
        raise LLMNotConfigured(NOT_CONFIGURED, help=NOT_CONFIGURED_HELP)
    if max_cost is not None and not max_cost >= 0:
        raise OptionError("{value} is not a cost: give an amount in US dollars, 0 or more", option="max_cost",
                          value=max_cost)
    from novelforge.llm.client import LLMClient

    return LLMClient(settings, project_root=project_root, command=command, use_cache=use_cache,
                     max_cost=max_cost, home=home)


def __getattr__(name: str):
    """The contract's names (novelforge.llm.types), loaded on first use: `check` reads the
    settings (``novelforge.project.models``) and never needs them."""
    if name in _TYPES:
        from novelforge.llm import types

        return getattr(types, name)
    raise AttributeError(f"module 'novelforge.llm' has no attribute {name!r}")
