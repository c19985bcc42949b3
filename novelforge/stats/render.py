"""``novelforge stats``'s text and JSON formats (the HTML page is :mod:`.html`)."""

from __future__ import annotations

from novelforge.formats import dump_json
from novelforge.stats.measure import STATUSES
from novelforge.wording import plural

BAR = 24          # characters of a full bar in the terminal


def _bar(share: float, width: int = BAR) -> str:
    filled = round(max(0.0, min(1.0, share)) * width)
    return "█" * filled + "·" * (width - filled)


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _target(words: int, target: int | None) -> str:
    if not target:
        return f"{words:>7,}"
    return f"{words:>7,} / {target:,} ({_pct(words / target)})"


def render_text(result, color: bool = False, **_options) -> str:
    m = result.manuscript
    out = [f"{result.title} — {plural(m.words, 'word')} in {plural(len(m.scenes), 'scene')}, "
           f"{plural(len(m.chapters), 'chapter')}"]
    if m.target:
        out.append(f"Scene targets: {m.target:,} words; written {_pct(m.words / m.target)} of them")
    out.append(f"Progress (status, weighted by length): {_bar(m.progress)} {_pct(m.progress)}")
    out += ["", "Status"]
    for status in STATUSES:
        row = m.statuses.get(status, {"scenes": 0, "words": 0})
        noun = "scene " if row["scenes"] == 1 else "scenes"
        out.append(f"  {status:<8} {row['scenes']:>5} {noun} {row['words']:>9,} words")
    out += ["", "Chapters (words against the scenes' targets; dialogue share; mean sentence length)"]
    for c in m.chapters:
        name = f"{c.number:>2} {c.title or c.id}"
        out.append(f"  {name[:38]:<38} {_target(c.words, c.target):<28} dialogue {_pct(c.pacing.dialogue_share):>4}"
                   f"  sentence {c.pacing.mean_sentence:4.1f} words")
        for s in c.scenes:
            label = f"{s.id} [{s.status}]"
            out.append(f"       {label[:35]:<35} {_target(s.words, s.target)}")
    out += ["", "Point of view (share of words)"]
    for _cid, name, scenes, words in m.pov:
        share = words / m.words if m.words else 0.0
        out.append(f"  {name[:24]:<24} {_bar(share, 16)} {_pct(share):>4}  {plural(scenes, 'scene')}")
    grid = m.presence
    if grid.characters:
        out += ["", "Who appears where (mentions per chapter; * in a scene's cast)"]
        out.append("  " + " " * 24 + "".join(f"{c.number:>5}" for c in m.chapters))
        for cid, name in grid.characters:
            cells = "".join(f"{(str(n) if n else '·') + ('*' if cast else ' '):>5}"
                            for n, cast in zip(grid.mentions[cid], grid.present[cid]))
            out.append(f"  {name[:24]:<24}{cells}")
    out += [""] + _history_text(result)
    return "\n".join(out).rstrip("\n") + "\n"


def _history_text(result) -> list[str]:
    out: list[str] = []
    h = result.history
    if h is None:
        out.append(f"History: {result.history_note}")
    else:
        out.append(f"Words per day (from {plural(h.commits, 'commit')}; pace {h.pace:,.0f} words a day since "
                   f"{h.pace_since.isoformat()})")
        recent = h.days[-14:]
        top = max((abs(added) for _d, _w, added in recent), default=0) or 1
        for day, words, added in recent:
            out.append(f"  {day.isoformat()} {added:>+8,}  {_bar(max(0, added) / top, 20)} {words:>9,} total")
    g = result.goal
    if g is not None:
        by = f" by {g.by.isoformat()}" if g.by else ""
        out.append(f"Goal: {g.words:,} words{by} — {g.written:,} written ({_pct(g.share)}), {g.remaining:,} to go")
        if g.remaining == 0:
            out.append("  reached")
        elif g.finish is not None:
            track = {True: "on track", False: "late", None: ""}[g.on_track]
            out.append(f"  at {g.pace:,.0f} words a day: finished {g.finish.isoformat()}"
                       + (f" ({track})" if track else ""))
        elif g.pace is not None:
            out.append("  no words added recently: no finish date can be projected")
        if g.needed is not None:
            out.append(f"  needed to finish{by}: {g.needed:,.0f} words a day")
    return out


def to_dict(result) -> dict:
    m = result.manuscript
    return {
        "version": 1,
        "title": result.title,
        "today": result.today.isoformat(),
        "words": m.words,
        "target_words": m.target,
        "progress": round(m.progress, 4),
        "statuses": {s: m.statuses[s] for s in m.statuses},
        "chapters": [{
            "number": c.number, "id": c.id, "title": c.title, "words": c.words, "target_words": c.target,
            "dialogue_share": round(c.pacing.dialogue_share, 4), "sentences": c.pacing.sentences,
            "mean_sentence_words": round(c.pacing.mean_sentence, 2),
            "scenes": [{"id": s.id, "path": s.path, "title": s.title, "status": s.status, "pov": s.pov,
                        "words": s.words, "target_words": s.target,
                        "dialogue_share": round(s.pacing.dialogue_share, 4),
                        "mean_sentence_words": round(s.pacing.mean_sentence, 2)} for s in c.scenes],
        } for c in m.chapters],
        "pov": [{"character": cid or None, "name": name, "scenes": n, "words": words} for cid, name, n, words in m.pov],
        "presence": [{"character": cid, "name": name, "mentions": m.presence.mentions[cid],
                      "in_cast": m.presence.present[cid]} for cid, name in m.presence.characters],
        "history": _history_dict(result),
        "goal": _goal_dict(result.goal),
    }


def _history_dict(result) -> dict:
    h = result.history
    if h is None:
        return {"available": False, "note": result.history_note}
    return {"available": True, "commits": h.commits, "pace_words_per_day": round(h.pace, 1),
            "pace_since": h.pace_since.isoformat(),
            "days": [{"date": d.isoformat(), "words": w, "added": a} for d, w, a in h.days]}


def _goal_dict(g) -> dict | None:
    if g is None:
        return None
    return {"words": g.words, "by": g.by.isoformat() if g.by else None, "written": g.written,
            "remaining": g.remaining, "pace_words_per_day": None if g.pace is None else round(g.pace, 1),
            "projected_finish": g.finish.isoformat() if g.finish else None,
            "needed_words_per_day": None if g.needed is None else round(g.needed, 1), "on_track": g.on_track}


def render_json(result, **_options) -> str:
    return dump_json(to_dict(result))
