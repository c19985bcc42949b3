"""``novelforge timeline``'s formats: text for the terminal, JSON, and one self-contained
HTML page (``templates/pages/timeline.html.j2``, autoescaped, inline SVG, no script)."""

from __future__ import annotations

from novelforge.formats import dump_json
from novelforge.wording import plural

AXIS = 40            # characters of the story-time axis in the terminal


def _col(step: int, steps: int, width: int = AXIS) -> int:
    return 0 if steps <= 1 else round(step * (width - 1) / (steps - 1))


def _axis_row(marks: dict[int, str], steps: int, width: int = AXIS) -> str:
    row = ["·"] * width
    for step, mark in marks.items():
        row[_col(step, steps, width)] = mark
    return "".join(row)


def render_text(t, color: bool = False, **_options) -> str:
    dated = [m for m in t.moments if m.step is not None]
    n = len(t.steps)
    out = [f"{t.title} — story time against reading order: {plural(len(t.moments), 'scene')}, "
           f"{len(dated)} on the time axis"]
    if n:
        out.append(f"Story time runs from {t.steps[0]} to {t.steps[-1]} "
                   f"({plural(n, 'distinct time')}, one step each; ↶ flashback, ! finding)")
    out.append("")
    out.append(f"  {'#':>3}  {'story time':<18} {'earlier → later':<{AXIS}}  scene")
    for m in t.moments:
        if m.step is not None:
            mark = "!" if m.findings else ("↶" if m.flashback else "●")
            axis = _axis_row({m.step: mark}, n)
            when = m.label or ""
        else:
            axis = " " * AXIS
            when = "(no time)" if not m.when else "(unreadable)" if m.problem else f"({m.when})"
        tag = " ↶ flashback" if m.flashback else (" (flashback: true)" if m.declared_flashback else "")
        where = f" @ {m.location}" if m.location else ""
        out.append(f"  {m.order:>3}  {when[:18]:<18} {axis}  {m.id}{where}{tag}")
        if m.problem:
            out.append(f"{'':>26}`when: {m.when}`: {m.problem}")
        for f in m.findings:
            out.append(f"{'':>26}{m.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}")
    for title, lanes, kind in (("Characters", t.characters, "character"), ("Locations", t.locations, "location")):
        rows = [(key, name, t.lane(key, kind)) for key, name in lanes]
        rows = [r for r in rows if r[2]]
        if not rows or not n:
            continue
        out += ["", f"{title} (a lane each, in story time; the number is the scene's reading order)"]
        for _key, name, scenes in rows:
            marks: dict[int, str] = {}
            for m in scenes:
                marks[m.step] = "!" if m.findings else ("↶" if m.flashback else "●")
            order = ", ".join(str(m.order) for m in scenes)
            out.append(f"  {name[:22]:<22} {_axis_row(marks, n)}  {order}")
    found = t.findings
    out += ["", plural(len(found), "timeline finding") + (" (NF403, NF411, NF412)" if found else "")]
    return "\n".join(out) + "\n"


def to_dict(t) -> dict:
    return {
        "version": 1,
        "title": t.title,
        "scale": t.scale,
        "axis": t.steps,
        "scenes": [{"order": m.order, "id": m.id, "path": m.path, "title": m.title, "chapter": m.chapter,
                    "when": m.when, "story_time": m.label, "step": m.step, "unreadable": m.problem,
                    "location": m.location, "cast": list(m.cast), "flashback": m.flashback,
                    "declared_flashback": m.declared_flashback,
                    "findings": [{"code": f.code, "severity": f.severity, "message": f.message, "line": f.line,
                                  "column": f.column} for f in m.findings]} for m in t.moments],
        "lanes": {
            "characters": [{"id": key, "name": name, "scenes": [m.id for m in t.lane(key, "character")]}
                           for key, name in t.characters],
            "locations": [{"id": key, "name": name, "scenes": [m.id for m in t.lane(key, "location")]}
                          for key, name in t.locations],
        },
    }


def render_json(t, **_options) -> str:
    return dump_json(to_dict(t))


def render_html(t, **_options) -> str:
    from novelforge.templating import render_page
    from novelforge.timeline.svg import geometry

    return render_page("timeline.html.j2", {"t": t, "g": geometry(t)})
