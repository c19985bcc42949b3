"""Front and back matter from ``novelforge.yaml``: a dedication, an epigraph,
acknowledgements, an author's note — short Markdown texts around the story.

.. code-block:: yaml

    export:
      front_matter:
        - "For *Wren*, who lit the first fire."          # untitled (a dedication)
        - title: Epigraph
          text: "> The crown remembers every hand."
      back_matter:
        - title: Acknowledgements
          text: |
            Thanks to …
        - {title: About the Author, file: back/about.md}  # Markdown file in the project

An item is a Markdown string, or a mapping with ``text`` *or* ``file`` and optional
``title`` and ``kind`` (the EPUB semantics: ``dedication``, ``epigraph``,
``acknowledgments``… — guessed from the title when absent). The text goes through the
same Markdown and typography as the scenes. The items are typed and checked by the loader
(:class:`~novelforge.project.export_settings.MatterItem`), which also reads each ``file``;
here they only become sections, from the project in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from novelforge.errors import ConfigError
from novelforge.export.book import Paragraph, scene_paragraphs
from novelforge.project.export_settings import KIND_ALIASES, KINDS, MatterItem
from novelforge.project.layout import CONFIG_FILE
from novelforge.project.models import Project, Scene, SceneMeta

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


@dataclass
class MatterSection:
    """One front- or back-matter section, ready for a writer."""

    title: str | None
    kind: str | None            # an EPUB 3 epub:type value, or None
    paragraphs: list[Paragraph]
    where: str                  # "front" | "back"
    number: int                 # 1-based within `where`

    @property
    def label(self) -> str:
        """The name in a table of contents (a title, else the kind, else a generic one)."""
        if self.title:
            return self.title
        if self.kind:
            return self.kind.replace("-", " ").capitalize()
        return "Front matter" if self.where == "front" else "Back matter"


def load_matter(project: Project, typography: bool = True) -> tuple[list[MatterSection], list[MatterSection]]:
    """The ``export: front_matter`` and ``back_matter`` sections. Raises
    :class:`~novelforge.errors.ConfigError` (with the line in ``novelforge.yaml``) for a
    ``file`` the loader could not read (its own finding says why)."""
    settings = project.config.export
    language = project.config.language or "en"
    return (_sections(project, settings.front_matter, "front_matter", language, typography),
            _sections(project, settings.back_matter, "back_matter", language, typography))


def _sections(project: Project, items: list[MatterItem], key: str, language: str,
              typography: bool) -> list[MatterSection]:
    where = key.split("_")[0]
    out: list[MatterSection] = []
    for i, item in enumerate(items):
        title = (item.title or "").strip() or None
        text = item.text if item.file is None else _file_text(project, item.file, (("export", key, i, "file")))
        kind = item.kind
        if kind is None:
            kind = _guess_kind(title) if title else (
                "dedication" if where == "front" and i == 0 and len(text or "") < 400 else None)
        scene = Scene(path=f"{CONFIG_FILE}#{key}[{i}]", id=f"{where}-{i + 1}", text=text or "",
                      body_start=0, meta=SceneMeta())
        paragraphs = scene_paragraphs(scene, language, typography)
        if paragraphs or title:   # an empty item is left out
            out.append(MatterSection(title, kind, paragraphs, where, len(out) + 1))
    return out


def _guess_kind(title: str) -> str | None:
    key = re.sub(r"\s+", " ", title.strip().lower())
    key = KIND_ALIASES.get(key, key)
    slug = key.replace(" ", "-")
    return slug if slug in KINDS else KIND_ALIASES.get(slug)


def _file_text(project: Project, rel: str, keypath: tuple) -> str:
    """The body of a matter ``file`` as the loader read it (a Markdown file's front matter
    is skipped)."""
    key = project.files.rel(project.root / rel) if project.files is not None else rel
    text = project.source(key)
    if text is None:
        line = column = None
        if project.config_doc is not None:
            line, column = project.config_doc.position(keypath)
        raise ConfigError(f"`file: {rel}` could not be read", path=CONFIG_FILE, line=line, column=column,
                          help="`novelforge check` says why; see docs/export.md#front-and-back-matter")
    if text.startswith("---\n"):  # a Markdown file with front matter: the body only
        end = _FRONT_MATTER_END.search(text, 4)
        if end:
            text = text[end.end():]
    return text
