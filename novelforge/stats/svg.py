"""The geometry of the dashboard's charts: numbers and label strings only.

The page template (``templates/pages/stats.html.j2``) draws them as inline SVG with
autoescaping on, so a name from the project is never markup. Hand-built SVG instead of a
plotting library: the charts are bars, a grid and one line, a plotting library
(matplotlib: tens of megabytes, about a second to import) would add a heavy dependency for
that, and its SVG would embed fonts and ids we would have to clean for a page that opens
offline.
"""

from __future__ import annotations

from datetime import date

WIDTH = 880                  # a full-width chart is drawn this wide; CSS scales it to the page
HALF = 440                   # a chart in one of two columns
LABEL = 210                  # the label column of horizontal charts
ROW = 26
STATUS_COLORS = {"idea": "#cfd8dc", "outline": "#90a4ae", "draft": "#ffb74d", "revised": "#4fc3f7",
                 "final": "#43a047"}
POV_COLORS = ("#5c6bc0", "#26a69a", "#ef6c00", "#8e24aa", "#c0ca33", "#6d4c41", "#ec407a", "#78909c")


def _nice(top: float) -> float:
    """A round axis maximum at or above ``top``."""
    if top <= 0:
        return 1
    step = 10 ** (len(str(int(top))) - 1)
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * step >= top:
            return m * step
    return 10 * step


MANY_CHAPTERS = 40           # past this many, words per chapter are columns, not rows


def chapter_columns(chapters, top: float) -> dict:
    """Words per chapter as thin columns (a long book), the target a tick on each."""
    left, base, height = 60, 190, 220
    step = (WIDTH - left - 10) / len(chapters)
    every = max(1, -(-len(chapters) // 20))
    cols = []
    for i, c in enumerate(chapters):
        h = (base - 20) * c.words / top
        cols.append({"x": round(left + i * step, 2), "w": round(max(1.0, step * 0.8), 2), "y": round(base - h, 1),
                     "h": round(h, 1), "color": _bar_color(c), "title": f"{c.number}. {c.title or c.id}: {c.words:,}"
                     + (f" / {c.target:,}" if c.target else "") + " words",
                     "target_y": round(base - (base - 20) * c.target / top, 1) if c.target else None,
                     "label": str(c.number) if i % every == 0 else None, "cx": round(left + i * step + step / 2, 1)})
    return {"columns": True, "height": height, "base": base, "left": left, "cols": cols, "top": f"{int(top):,}",
            "top_y": 20}


def _bar_color(c) -> str:
    if not c.target:
        return "#5c6bc0"
    return "#43a047" if c.words >= c.target else "#ffb74d"


def chapter_bars(manuscript) -> dict:
    chapters = manuscript.chapters
    top = _nice(max([c.words for c in chapters] + [c.target or 0 for c in chapters] + [1]))
    if len(chapters) > MANY_CHAPTERS:
        return chapter_columns(chapters, top)
    plot = WIDTH - LABEL - 90
    rows = []
    for i, c in enumerate(chapters):
        y = 10 + i * ROW
        rows.append({"y": y, "label": f"{c.number}. {c.title or c.id}", "w": round(plot * c.words / top, 1),
                     "target_x": None if not c.target else round(LABEL + plot * c.target / top, 1),
                     "value": f"{c.words:,}" + (f" / {c.target:,}" if c.target else ""), "color": _bar_color(c)})
    return {"columns": False, "height": 30 + ROW * len(chapters), "label": LABEL, "plot": plot, "rows": rows,
            "axis_y": 14 + ROW * len(chapters), "top": f"{int(top):,}"}


def status_bar(manuscript) -> dict:
    total = sum(row["scenes"] for row in manuscript.statuses.values()) or 1
    x = 0.0
    parts = []
    for status, row in manuscript.statuses.items():
        w = HALF * row["scenes"] / total
        parts.append({"status": status, "x": round(x, 1), "w": round(w, 1), "scenes": row["scenes"],
                      "words": f"{row['words']:,}", "color": STATUS_COLORS.get(status, "#999")})
        x += w
    return {"parts": parts, "progress": round(manuscript.progress * 100)}


def pov_bars(manuscript) -> dict:
    words = manuscript.words or 1
    label = 130
    plot = HALF - label - 140
    rows = []
    for i, (_cid, name, scenes, n) in enumerate(manuscript.pov):
        share = n / words
        rows.append({"y": 10 + i * ROW, "label": name, "w": round(plot * share, 1), "pct": f"{share * 100:.0f}%",
                     "scenes": scenes, "color": POV_COLORS[i % len(POV_COLORS)]})
    return {"height": 24 + ROW * len(rows), "label": label, "rows": rows}


def presence_grid(manuscript) -> dict:
    """One row per character, one cell per chapter; an empty cell (never named there, in
    no cast) is not drawn, and past :data:`NUMBERED` chapters the cells are a heat strip
    without numbers (each keeps its tooltip), so a 365-chapter book stays one page wide."""
    grid = manuscript.presence
    chapters = manuscript.chapters
    cell = max(3, min(60, (WIDTH - LABEL) // max(1, len(chapters))))
    numbered = cell >= 20
    every = 1 if numbered else max(1, -(-len(chapters) // 20))
    top = max([max(v) for v in grid.mentions.values()] + [1])
    rows = []
    for r, (cid, name) in enumerate(grid.characters):
        cells = []
        for c, (n, cast) in enumerate(zip(grid.mentions[cid], grid.present[cid])):
            if not n and not cast:
                continue
            cells.append({"x": LABEL + c * cell, "n": n if numbered else 0, "cast": cast and numbered,
                          "opacity": 0.08 if not n else round(0.15 + 0.85 * n / top, 2),
                          "title": f"{name}, chapter {chapters[c].number}: {n} mentions"
                                   + (", in a scene's cast" if cast else "")})
        rows.append({"y": 28 + r * ROW, "label": name, "cells": cells})
    heads = [{"x": LABEL + c * cell + cell / 2, "n": ch.number} for c, ch in enumerate(chapters) if c % every == 0]
    return {"width": LABEL + cell * max(1, len(chapters)) + 4, "height": 34 + ROW * len(rows), "cell": cell,
            "gap": 2 if numbered else 0, "label": LABEL, "rows": rows, "heads": heads, "numbered": numbered}


def columns(values: list[float], labels: list[str], fmt: str, top: float | None = None) -> dict:
    """A column chart: one column per value, ``fmt`` formats the value above it."""
    height, base = 180, 150
    top = _nice(top if top is not None else max(values + [0]))
    step = (HALF - 60) / max(1, len(values))
    many = len(values) > 30                    # a long book: no value above each column, every k-th label
    every = max(1, -(-len(values) // 8)) if many else 1
    cols = []
    for i, (v, label) in enumerate(zip(values, labels)):
        h = (base - 20) * v / top if top else 0
        cols.append({"x": round(50 + i * step + step * 0.15, 2), "w": round(max(0.8, step * 0.7), 2),
                     "y": round(base - h, 1), "h": round(h, 1), "label": label if i % every == 0 else None,
                     "value": None if many else fmt.format(v), "tip": f"{label}: {fmt.format(v)}",
                     "cx": round(50 + i * step + step / 2, 1), "clipped": bool(top and v > top)})
    for c in cols:
        if c["clipped"]:
            c["h"], c["y"] = base - 20, 20
    return {"height": height, "base": base, "cols": cols, "top": fmt.format(top), "top_y": 30}


def daily_columns(history, days: int = 24) -> dict | None:
    """Words added on each of the last ``days`` days with commits. The first day of the
    history (often an import of what was written before) is left out of the scale when
    later days exist, its column clipped."""
    if history is None or not history.days:
        return None
    shown = history.days[-days:]
    later = [a for d, _w, a in shown if d != history.days[0][0]]
    top = max([max(0, a) for a in later] or [max(0, shown[0][2])] or [1]) or 1
    return columns([max(0, a) for _d, _w, a in shown], [d.isoformat()[5:] for d, _w, _a in shown], "{:,.0f}",
                   top=top)


def pacing_charts(manuscript) -> tuple[dict, dict]:
    chapters = manuscript.chapters
    labels = [str(c.number) for c in chapters]
    dialogue = columns([round(c.pacing.dialogue_share * 100, 1) for c in chapters], labels, "{:.0f}%", top=100)
    sentence = columns([round(c.pacing.mean_sentence, 1) for c in chapters], labels, "{:.1f}")
    return dialogue, sentence


def history_chart(history, goal) -> dict | None:
    """The words at the end of each day with commits (a line), from
    the first commit to today or the projected finish, with the goal as a level."""
    if history is None or not history.days:
        return None
    first = history.days[0][0]
    last = max(history.days[-1][0], goal.today if goal is not None else history.days[-1][0])
    if goal is not None and goal.finish is not None:
        last = max(last, goal.finish)
    if goal is not None and goal.by is not None:
        last = max(last, goal.by)
    span = max(1, (last - first).days)
    left, right, base, top_y = 60, WIDTH - 20, 230, 20
    top = _nice(max([w for _d, w, _a in history.days] + [goal.words if goal is not None else 0]))

    def x(day: date) -> float:
        return round(left + (right - left) * (day - first).days / span, 1)

    def y(words: float) -> float:
        return round(base - (base - top_y) * words / top, 1)

    line = " ".join(f"{x(d)},{y(w)}" for d, w, _a in history.days)
    out = {"height": base + 40, "base": base, "left": left, "right": right, "line": line,
           "first": first.isoformat(), "last": last.isoformat(), "top": f"{int(top):,}", "top_y": top_y,
           "goal_y": None, "projection": None, "by_x": None, "today_x": None}
    if goal is not None:
        out["goal_y"] = y(goal.words)
        out["goal"] = f"goal {goal.words:,}"
        out["today_x"] = x(goal.today)
        if goal.by is not None:
            out["by_x"] = x(goal.by)
            out["by"] = goal.by.isoformat()
        if goal.finish is not None and goal.finish > goal.today:
            out["projection"] = f"{x(goal.today)},{y(goal.written)} {x(goal.finish)},{y(goal.words)}"
            out["finish"] = goal.finish.isoformat()
    return out
