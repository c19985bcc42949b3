"""The drafting prompts: the template in effect for a name, and the messages it renders.

Templates ship in ``templates/prompts/draft/NAME.md.j2`` (:data:`TEMPLATES`); a project
overrides one with a file of the same name in its own ``prompts/`` folder
(``prompts/draft/scene.md.j2``). A project's template is read under the loader's rules (a
link out of the project, a device, a file too large are refused) and rendered with
:func:`novelforge.templating.render_untrusted`: sandboxed, strict, bounded, so a template
can read the values it is given and nothing else.

A template has two parts split at a line ``<<<user>>>``: the system message, then the
user message with the material, each piece fenced between ``BEGIN <fence> NAME`` and
``END <fence> NAME`` lines (the fence is a hash of the material, so the material cannot
close it). The template's name and the hash of its text are part of the prompt, so an
edited template is a cache miss.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from novelforge.errors import ConfigError, UsageError
from novelforge.llm.types import Prompt, template_hash
from novelforge.room.prompts import SPLIT, fence_for

TEMPLATES = {"scene": "the prompt that drafts a scene", "repair": "the message that sends the checker's findings back"}
PROJECT_FOLDER = "prompts"


class DraftText(BaseModel):
    """A drafted scene's prose (the reply is plain text, streamed; not parsed as JSON)."""

    text: str


@dataclass(frozen=True)
class Template:
    name: str          # scene | repair
    path: str          # prompts/draft/scene.md.j2 (the project's) or templates/prompts/draft/scene.md.j2
    source: str
    project: bool      # the project's own override


def template_name(name: str) -> str:
    """``scene`` from ``scene``, ``draft/scene`` or ``draft/scene.md.j2``; an unknown name
    is a :class:`UsageError`."""
    short = name.strip().removeprefix("prompts/").removeprefix("draft/").removesuffix(".j2").removesuffix(".md")
    if short not in TEMPLATES:
        raise UsageError(f"`{name}` is not a drafting template; the templates are: "
                         + ", ".join(f"`{t}`" for t in TEMPLATES),
                         help="novelforge draft --show-template scene prints the one in effect")
    return short


def load_template(project, name: str) -> Template:
    """The template ``name`` in effect for ``project``: its ``prompts/draft/NAME.md.j2``,
    else the one NovelForge ships. Raises :class:`ConfigError` for a project template that
    cannot be read."""
    from novelforge.scaffold import templates_dir

    name = template_name(name)
    rel = f"{PROJECT_FOLDER}/draft/{name}.md.j2"
    files = project.files
    if files is not None and _exists(files, rel):
        before = len(files.diags)
        text = files.read_text(files.root / rel)
        problems = files.diags[before:]
        del files.diags[before:]
        if text is None:
            why = problems[0].message if problems else "it cannot be read"
            raise ConfigError(f"the project's prompt template cannot be used: {why}", path=rel, line=1, column=1)
        return Template(name, rel, text, True)
    source = (templates_dir() / "prompts" / "draft" / f"{name}.md.j2").read_text("utf-8")
    return Template(name, f"templates/prompts/draft/{name}.md.j2", source, False)


def _exists(files, rel: str) -> bool:
    import os

    try:
        return files.exists(rel) or os.path.islink(files.root / rel)
    except (OSError, ValueError):
        return False


def render_messages(template: Template, values: dict[str, str]) -> tuple[dict, dict]:
    """(system message, user message) of ``template`` with ``values`` (and the fence).
    Raises :class:`ConfigError` at the template's line when it fails."""
    from novelforge.templating import TemplateProblem, render_untrusted

    try:
        text = render_untrusted(template.source, {**values, "fence": fence_for(*map(str, values.values()))},
                                name=template.path)
    except TemplateProblem as exc:
        raise ConfigError(exc.message, path=exc.name, line=exc.line, column=exc.column,
                          help="fix the template, or delete it to use the one NovelForge ships"
                          if template.project else None) from None
    system, found, user = text.partition(SPLIT + "\n")
    if not found:
        return {"role": "user", "content": text.strip() + "\n"}, {}
    return {"role": "system", "content": system.strip() + "\n"}, {"role": "user", "content": user.strip() + "\n"}


def scene_prompt(project, context, *, max_tokens: int, command: str = "draft") -> Prompt:
    """The prompt that drafts ``context.scene``."""
    template = load_template(project, "scene")
    values = {"scene_id": context.scene.id, **context.values()}
    system, user = render_messages(template, values)
    messages = tuple(m for m in (system, user) if m)
    return Prompt(template=f"draft/{template.name}", template_hash=template_hash(template.source),
                  messages=messages, schema=DraftText, max_tokens=max_tokens, command=command,
                  scene=context.scene.id, purpose="draft")


def repair_prompt(project, last: Prompt, draft: str, findings: list[str], attempt: int) -> Prompt:
    """The conversation so far (``last``, the prompt that gave ``draft``), the draft, and
    the findings to fix: each round sees the rounds before it."""
    template = load_template(project, "repair")
    message, rest = render_messages(template, {"findings": "\n".join(findings)})
    ask = {"role": "user", "content": (message["content"] + rest.get("content", "")) if rest else message["content"]}
    messages = (*last.messages, {"role": "assistant", "content": draft}, ask)
    base = last.template.split("+")[0]
    return Prompt(template=f"{base}+repair", template_hash=template_hash(last.template_hash + template.source),
                  messages=messages, schema=DraftText, max_tokens=last.max_tokens, command=last.command,
                  scene=last.scene, purpose=f"repair-{attempt}")
