"""Words for the Writers' Room: ``summarize`` (text, JSON; the rows of
:data:`novelforge.formats.SUMMARIZE`) and the line a room run ends with."""

from __future__ import annotations

from novelforge.formats import dump_json
from novelforge.wording import plural


def render_text(result, **_options) -> str:
    out: list[str] = []
    for row in result.rows:
        out.append(f"{row.path}  ({row.scene})")
        s = row.summary
        if s is None:
            out.append(f"    could not summarise: {row.error or 'no answer'}")
        else:
            out.append(f"    {' '.join(s.what_happens.split())}")
            if s.present:
                out.append(f"    present: {', '.join(s.present)}")
            for c in s.changes:
                out.append(f"    {c.kind}: {(c.who + ' — ') if c.who else ''}{c.what}")
        out.append("")
    return "\n".join(out) + ("\n" if out else "")


def render_json(result, **_options) -> str:
    return dump_json({"version": 1, "scenes": [r.to_dict() for r in result.rows],
                      "summary": result.stats.as_dict() if result.stats is not None else None})


def room_line(stats) -> str:
    """One sentence on what a room run did (``stats``: a RoomStats). Raises nothing."""
    from novelforge.llm.report import money

    parts = [f"Writers' Room: {stats.reviewed} of {plural(stats.scenes, 'scene')} reviewed",
             f"{plural(stats.findings, 'finding')}"]
    if stats.dropped:
        parts.append(f"{stats.dropped} dropped (the quote is not in the scene)")
    if stats.refuted:
        parts.append(f"{stats.refuted} disproved by the second pass")
    if stats.failed:
        parts.append(f"{plural(stats.failed, 'unusable answer')} (NF704)")
    cost = "an unknown cost" if stats.cost is None else money(stats.cost)
    parts.append(f"{plural(stats.calls, 'request')} sent, {stats.cached} from the cache, {cost}")
    return "; ".join(parts) + "."
