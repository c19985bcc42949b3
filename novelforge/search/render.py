"""``novelforge search``'s formats."""

from __future__ import annotations

from novelforge.formats import dump_json


def render_text(result, color: bool = False, **_options) -> str:
    from rich.markup import escape

    lines = []
    for h in result.hits:
        where = f"{h.path}:{h.line}:{h.column}"
        tag = "" if h.kind == "scene" else f" [{h.kind}]"
        lines.append((f"[bold]{escape(where)}[/]:{escape(tag)} {escape(h.text)}" if color
                      else f"{where}:{tag} {h.text}"))
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(result, **_options) -> str:
    o = result.options
    return dump_json({
        "version": 1,
        "query": result.query,
        "expression": result.expression,
        "character": result.character,
        "filters": {"in": o.where, "character": o.character, "who": o.who, "chapter": o.chapter, "pov": o.pov,
                    "as_of": result.as_of, "limit": o.limit},
        "count": len(result.hits),
        "hits": [h.to_dict() for h in result.hits],
        "index": {"files": result.updated.files, "indexed": result.updated.indexed,
                  "removed": result.updated.removed},
    })
