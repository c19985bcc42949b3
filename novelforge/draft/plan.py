"""One scene's plan: the settings drafting uses, the context and the prompt (what
``draft --dry-run`` shows and ``draft`` sends)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DraftPlan:
    """What ``draft --dry-run`` shows: the prompt exactly as it would be sent, and the
    context it was built from (each part, its tokens, what was cut and why)."""

    scene: object          # novelforge.project.models.Scene
    prompt: object         # novelforge.llm.types.Prompt
    context: object        # novelforge.draft.context.Context
    template: str          # the template file in effect


def draft_settings(project, model: str | None = None):
    """(the LLM settings drafting uses, its ``llm: draft:`` block): the model is
    ``model`` (``--model``), else ``llm: draft: model``, else ``llm: model``."""
    from novelforge.room.run import llm_settings

    settings = llm_settings(project)
    chosen = model or settings.draft.model
    if chosen:
        settings = settings.model_copy(update={"model": chosen})
    return settings, settings.draft


def plan_for(session, scene, *, model: str | None = None, summaries: dict[str, str] | None = None,
             fresh: set[str] | None = None) -> DraftPlan:
    """The plan of ``scene`` in a loaded session (the pipeline's step one)."""
    from novelforge.draft.context import assemble
    from novelforge.draft.prompts import load_template, scene_prompt

    project = session.project
    _settings, cfg = draft_settings(project, model)
    context = assemble(session, scene, budget=cfg.context_tokens, tail=cfg.tail_paragraphs,
                       summaries=summaries, fresh=fresh)
    prompt = scene_prompt(project, context, max_tokens=cfg.reply_tokens)
    return DraftPlan(scene=scene, prompt=prompt, context=context, template=load_template(project, "scene").path)
