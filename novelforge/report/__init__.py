"""Reporters: each turns a :class:`~novelforge.rules.engine.Report` into text.

Every format is a sibling module with a ``render(report, **options) -> str`` function.
"""

from __future__ import annotations

FORMATS = ("text", "json", "sarif", "github", "junit")


def render(report, fmt: str, **options) -> str:
    from importlib import import_module

    if fmt not in FORMATS:
        from novelforge.errors import UsageError

        raise UsageError(f"`{fmt}` is not a report format; use one of: {', '.join(FORMATS)}")
    module = import_module(f"novelforge.report.{fmt}_format")
    return module.render(report, **options)
