"""Reliability harnesses: hostile and broken input, kills, determinism, cache stress, scale.

Each harness is a module here with one function::

    run(count: int | None = None, seed: int = 0) -> Outcome

``count`` scales the harness (``None``: the full size recorded in docs/security.md; the
tests pass a small number so the suite stays fast); ``seed`` makes every generated case
reproducible. ``python3 -m bench.reliability`` runs them all at full size and writes
``bench/RELIABILITY_RESULTS.md``; ``--only NAME`` runs one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Outcome:
    """What one harness measured. ``figures`` are (what, value) rows for the report;
    ``failures`` one line each (empty when the harness held)."""

    name: str
    title: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", "| measured | value |", "|---|---|"]
        lines += [f"| {what} | {value} |" for what, value in self.figures]
        if self.failures:
            lines += ["", f"**{len(self.failures)} failure(s):**", ""]
            lines += [f"- {f}" for f in self.failures[:50]]
        return "\n".join(lines) + "\n"


HARNESSES = ("yaml_fuzz", "yaml_bombs", "hostile_import", "kills", "determinism", "cache_stress", "scale")
