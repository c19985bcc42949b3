"""The analysis session (:class:`Session`): what every consumer of a project's analysis
asks — the rules, the promise ledger and commands, ``impact``, the Writers' Room and the
server — and the one place cache keys are built (:mod:`novelforge.analysis.keys`)."""

from novelforge.analysis.session import Session, build_names

__all__ = ["Session", "build_names"]
