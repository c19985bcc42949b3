"""Words for ``promises suggest``: candidate setups (or, with ``payoffs``, the scenes that
may pay a promise off) one a line, or as a JSON array (docs/promises-suggest.md). The rows
of :data:`novelforge.formats.SUGGEST`; the input is an :class:`~novelforge.api.ledger.Suggestions`."""

from __future__ import annotations

from novelforge.formats import dump_json


def render_text(result, **_options) -> str:
    out: list[str] = []
    if result.payoffs is not None:
        for p in result.payoffs:
            out.append(f"{p.path}:{p.line}:{p.column}  {p.score:.2f}  {p.scene}  {p.excerpt}")
    else:
        for c in result.candidates:
            out.append(f"{c.path}:{c.line}:{c.column}  {c.confidence:.2f}  {c.kind:<13} {c.id}")
            out.append(f"    {c.excerpt}")
    return "".join(line + "\n" for line in out)


def render_json(result, **_options) -> str:
    items = result.payoffs if result.payoffs is not None else result.candidates
    return dump_json([item.to_dict() for item in items])
