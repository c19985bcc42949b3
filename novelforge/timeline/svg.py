"""The geometry of the timeline page: numbers and label strings, drawn as inline SVG by
``templates/pages/timeline.html.j2`` (autoescaped). Hand-built for the reasons
docs/stats.md gives."""

from __future__ import annotations

WIDTH = 1000
LABEL = 230          # the scene (or lane) names on the left
TOP = 96             # room for the axis labels
ROW = 22
MAX_TICKS = 14
GROUP_GAP = 22       # above the first lane of the characters and of the locations


def _x(step: int, steps: int) -> float:
    plot = WIDTH - LABEL - 120          # room on the right for the last slanted label
    return round(LABEL + 10 + (plot * step / (steps - 1) if steps > 1 else plot / 2), 1)


def _ticks(steps: list[str]) -> list[dict]:
    every = max(1, -(-len(steps) // MAX_TICKS))
    shown = list(range(0, len(steps), every))
    if steps and shown[-1] != len(steps) - 1:
        shown.append(len(steps) - 1)
    return [{"x": _x(i, len(steps)), "label": steps[i]} for i in shown]


def _mark(m) -> str:
    return "finding" if m.findings else ("flashback" if m.flashback else "scene")


def _points(scenes, n: int) -> list[dict]:
    """A lane's marks; scenes at the same story time share one mark (`11, 12` above it)."""
    points: list[dict] = []
    for m in scenes:
        title = f"{m.order}. {m.title or m.id}: {m.label}" + "".join(f" — {f.code}: {f.message}" for f in m.findings)
        if points and points[-1]["step"] == m.step:
            p = points[-1]
            p["order"] = f"{p['order']}, {m.order}"
            p["title"] += "\n" + title
            p["mark"] = "finding" if "finding" in (p["mark"], _mark(m)) else p["mark"]
            continue
        points.append({"step": m.step, "x": _x(m.step, n), "order": str(m.order), "mark": _mark(m), "title": title})
    return points


def geometry(t) -> dict:
    n = len(t.steps)
    rows = []
    points = []
    for i, m in enumerate(t.moments):
        y = TOP + i * ROW + ROW / 2
        row = {"y": round(y, 1), "label": f"{m.order}. {m.title or m.id}", "x": None, "mark": _mark(m),
               "note": None, "title": None}
        if m.step is not None:
            row["x"] = _x(m.step, n)
            points.append(f"{row['x']},{row['y']}")
            lines = [f"{m.order}. {m.title or m.id}: {m.label}"]
            if m.location:
                lines.append(f"at {m.location}")
            if m.cast:
                lines.append("with " + ", ".join(m.cast))
            if m.flashback:
                lines.append("flashback: set before the scene read before it")
            lines += [f"{f.code}: {f.message}" for f in m.findings]
            row["title"] = " — ".join(lines)
        else:
            row["note"] = "no story time" if not m.when else (f"“{m.when}” cannot be read" if m.problem else
                                                              f"“{m.when}” is on another scale")
        rows.append(row)
    main = {"height": TOP + ROW * len(rows) + 16, "rows": rows, "line": " ".join(points), "ticks": _ticks(t.steps),
            "grid_bottom": TOP + ROW * len(rows)}
    lanes = []
    for kind, entries in (("character", t.characters), ("location", t.locations)):
        for key, name in entries:
            scenes = t.lane(key, kind)
            if scenes:
                lanes.append({"kind": kind, "label": name, "points": _points(scenes, n)})
    y = TOP
    for i, lane in enumerate(lanes):
        lane["first"] = i == 0 or lanes[i - 1]["kind"] != lane["kind"]
        y += GROUP_GAP if lane["first"] else 0
        lane["y"] = y + ROW / 2
        y += ROW + 6
        lane["line"] = " ".join(f"{p['x']},{lane['y']}" for p in lane["points"])
    return {"width": WIDTH, "label": LABEL, "main": main, "lanes": lanes, "lanes_height": y + 16, "lanes_bottom": y,
            "ticks": main["ticks"], "top": TOP}
