"""Counts in words: the one pluralising helper every message and report uses
(``1 finding``, ``2 findings``, ``1 entry``, ``3 entries``, ``1,204 scenes``)."""

from __future__ import annotations

_IRREGULAR = {"is": "are", "was": "were", "has": "have", "does": "do", "its": "their", "it": "they",
              "this": "these", "that": "those", "person": "people", "child": "children", "info": "info"}


def plural_of(noun: str) -> str:
    """The plural of one English word or of the last word of a phrase (``possible payoff``
    → ``possible payoffs``); a verb in the third person singular (``appears``) becomes the
    plural form (``appear``) when given with :func:`agree`."""
    head, _, last = noun.rpartition(" ")
    lower = last.lower()
    if lower in _IRREGULAR:
        word = _IRREGULAR[lower]
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        word = last[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, agreeing: ``plural(1, "candidate")`` is ``1 candidate``,
    ``plural(2, "entry")`` is ``2 entries``; ``many`` spells an irregular plural."""
    return f"{count:,} {noun if count == 1 else (many or plural_of(noun))}"


def agree(count: int, one: str, many: str) -> str:
    """The word that agrees with ``count``: ``agree(n, "appears", "appear")``."""
    return one if count == 1 else many
