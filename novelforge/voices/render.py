"""``novelforge voices``'s formats: text, JSON and a self-contained HTML heat map."""

from __future__ import annotations

from novelforge.formats import dump_json

FEATURES = (("words", "words"), ("mean_sentence", "words/sentence"), ("contractions", "contractions/1000"),
            ("questions", "questions"), ("exclamations", "exclamations"), ("mattr", "MATTR"))


def _value(v, key: str):
    x = getattr(v, key)
    return x if isinstance(x, int) else round(x, 3)


def render_text(result, color: bool = False, **_options) -> str:
    name = result.names.get
    out = []
    if not result.voices:
        out.append(f"No character has {result.min_words} words of attributed dialogue yet "
                   f"({result.quotations} quotations, {result.unattributed} without a speaker).")
    else:
        head = ["character", *(label for _k, label in FEATURES), "nearest voice"]
        rows = []
        for v in result.voices:
            near = result.nearest(v.speaker)
            rows.append([name(v.speaker, v.speaker), str(v.words), f"{v.mean_sentence:.1f}", f"{v.contractions:.1f}",
                         f"{100 * v.questions:.0f}%", f"{100 * v.exclamations:.0f}%", f"{v.mattr:.3f}",
                         f"{name(near[0], near[0])} ({near[1]:.2f})" if near else "—"])
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for r in [head, *rows]:
            out.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if result.pairs:
            out += ["", f"Most alike (cosine Delta on the {result.mfw} most frequent words; 0 = same, 1 = unrelated):"]
            for a, b, d in result.pairs[:10]:
                out.append(f"  {d:.2f}  {name(a, a)} — {name(b, b)}")
    if result.too_few:
        ranked = sorted(result.too_few.items(), key=lambda kv: (-kv[1], kv[0]))
        few = ", ".join(f"{name(s, s)} ({n})" for s, n in ranked)
        out += ["", f"Too little dialogue for a fingerprint (under {result.min_words} words): {few}"]
    return "\n".join(out) + "\n"


def to_dict(result) -> dict:
    return {
        "version": 1,
        "min_words": result.min_words,
        "mfw": result.mfw,
        "quotations": result.quotations,
        "unattributed": result.unattributed,
        "voices": [{"character": v.speaker, "name": result.names.get(v.speaker, v.speaker), "lines": v.lines,
                    "sentences": v.sentences, **{k: _value(v, k) for k, _label in FEATURES},
                    "nearest": (dict(zip(("character", "delta"), result.nearest(v.speaker)))
                                if result.nearest(v.speaker) else None)} for v in result.voices],
        "pairs": [{"a": a, "b": b, "delta": d} for a, b, d in result.pairs],
        "too_few": dict(sorted(result.too_few.items())),
    }


def render_json(result, **_options) -> str:
    return dump_json(to_dict(result))


def render_html(result, **_options) -> str:
    """One page, no script and nothing fetched: the features table and the Delta heat map as
    a CSS grid (the template: templates/voices/voices.html.j2, sandboxed, autoescaped)."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from novelforge.scaffold import templates_dir

    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(str(templates_dir() / "voices")), autoescape=True,
                                        undefined=StrictUndefined)
    data = to_dict(result)
    ids = [v["character"] for v in data["voices"]]
    cells = [[{"d": result.distances.get((a, b)), "a": a, "b": b} for b in ids] for a in ids]
    lo, hi = min(result.distances.values(), default=0.0), max(result.distances.values(), default=1.0)
    for row in cells:
        for c in row:
            d = c["d"]
            # the book's most alike pair is dark, its most different pale; the diagonal is blank
            c["shade"] = None if d is None else round(25 + 70 * ((d - lo) / (hi - lo) if hi > lo else 0.0))
    return env.get_template("voices.html.j2").render(data=data, names=result.names, cells=cells, ids=ids,
                                                     features=FEATURES)
