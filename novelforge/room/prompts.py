"""Prompts from the template files in ``templates/prompts/room/`` (``NAME.md.j2``).

A template is rendered with :func:`novelforge.templating.render_untrusted` (sandboxed,
strict: a template that names a value it is not given fails, so a reviewer's template can
read only the inputs the reviewer declares). Its text has two parts, split at a line
``<<<user>>>``: the system message (the instructions, which take no values, so no prose
can change them) and the user message (the material, each piece fenced between ``BEGIN
<fence> NAME`` and ``END <fence> NAME`` lines). The fence is a hash of the material it
fences, so the prose cannot close it.

The template's name and the hash of its text are part of the :class:`Prompt`, so an edited
template is a cache miss.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from novelforge.llm.types import Prompt, template_hash
from novelforge.project.models import Scene

SPLIT = "<<<user>>>"


@lru_cache(maxsize=None)
def template_text(name: str) -> str:
    from novelforge.scaffold import templates_dir

    return (templates_dir() / "prompts" / "room" / f"{name}.md.j2").read_text("utf-8")


def fence_for(*material: str) -> str:
    """A fence word no piece of ``material`` contains: ``DATA-`` and a hash of it all."""
    h = hashlib.sha256("\x00".join(material).encode("utf-8")).hexdigest()
    fence = f"DATA-{h[:12]}"
    while any(fence in m for m in material):      # cannot happen by chance; cheap to rule out
        h = hashlib.sha256(h.encode()).hexdigest()
        fence = f"DATA-{h[:12]}"
    return fence


def render(name: str, values: dict[str, Any], schema, *, max_tokens: int, command: str,
           scene: str | None, purpose: str) -> Prompt:
    from novelforge.templating import render_untrusted

    source = template_text(name)
    material = [str(v) for v in values.values()]
    text = render_untrusted(source, {**values, "fence": fence_for(*material)}, name=f"prompts/room/{name}.md.j2")
    system, _, user = text.partition(SPLIT + "\n")
    return Prompt(template=f"room/{name}", template_hash=template_hash(source),
                  messages=({"role": "system", "content": system.strip() + "\n"},
                            {"role": "user", "content": user.strip() + "\n"}),
                  schema=schema, max_tokens=max_tokens, command=command, scene=scene, purpose=purpose)


def numbered(scene: Scene, masked: str) -> str:
    """The scene's prose (``masked``: comments blanked), each line with its file line number."""
    first = scene.position(scene.body_start)[0]
    lines = masked[scene.body_start:].split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    width = len(str(first + len(lines)))
    return "\n".join(f"{first + i:>{width}}| {line}".rstrip() for i, line in enumerate(lines))


def prose(scene: Scene, masked: str) -> str:
    """The scene's prose without line numbers (for summaries: the same text wherever the
    front matter ends)."""
    return "\n".join(line.rstrip() for line in masked[scene.body_start:].strip().split("\n"))


def lines_of(rows: list[dict[str, Any]]) -> str:
    """One compact JSON object a line."""
    return "\n".join(json.dumps(r, ensure_ascii=False, sort_keys=False) for r in rows)
