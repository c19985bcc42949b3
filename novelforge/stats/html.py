"""``novelforge stats --format html``: one self-contained page — inline CSS and SVG, no
script, no external file — drawn by ``templates/pages/stats.html.j2`` (sandboxed Jinja2,
autoescaped) from the geometry of :mod:`.svg`."""

from __future__ import annotations

from novelforge.stats import svg


def render_html(result, **_options) -> str:
    from novelforge.templating import render_page

    m = result.manuscript
    dialogue, sentence = svg.pacing_charts(m)
    return render_page("stats.html.j2", {
        "r": result, "m": m, "width": svg.WIDTH,
        "chapters": svg.chapter_bars(m), "status": svg.status_bar(m), "pov": svg.pov_bars(m),
        "grid": svg.presence_grid(m), "dialogue": dialogue, "sentence": sentence,
        "history": svg.history_chart(result.history, result.goal), "half": svg.HALF,
        "daily": svg.daily_columns(result.history),
    })
