"""Drafting scene by scene (``novelforge draft``, docs/draft.md).

* :mod:`.context` — the context of one scene, as of that scene, within a token budget,
  cut in a documented order;
* :mod:`.prompts` — the templates in effect (a project's ``prompts/draft/`` overrides)
  and the messages they render, sandboxed;
* :mod:`.plan` — one scene's settings, context and prompt;
* :mod:`.run` — the pipeline: refuse, ask (streamed), check and repair, write; `--next`, `--chapter`;
* :mod:`.store`, :mod:`.write` — backups of replaced bodies; the safe write;
* :mod:`.render` — the dry run and the report in words.
"""
