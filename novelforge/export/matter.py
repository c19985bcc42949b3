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
same Markdown and typography as the scenes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from novelforge.errors import ConfigError
from novelforge.export.book import Paragraph, scene_paragraphs
from novelforge.project.models import Project, Scene, SceneMeta

# EPUB 3 structural semantics for front and back matter (epub:type values)
KINDS = ("dedication", "epigraph", "foreword", "preface", "introduction", "prologue", "epilogue",
         "afterword", "acknowledgments", "colophon", "copyright-page", "contributors", "appendix",
         "glossary", "bibliography", "notice", "other-credits", "conclusion", "frontmatter", "backmatter")
_KIND_ALIASES = {"acknowledgements": "acknowledgments", "copyright": "copyright-page",
                 "about-the-author": "contributors", "about the author": "contributors",
                 "author's note": "preface", "authors note": "preface", "author’s note": "preface",
                 "credits": "other-credits"}
_KEYS = {"title", "text", "file", "kind"}
MAX_MATTER_BYTES = 1_000_000


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
    malformed item."""
    settings = project.config.export or {}
    language = project.config.language or "en"
    return tuple(_sections(project, settings.get(key), key, language, typography)  # type: ignore[return-value]
                 for key in ("front_matter", "back_matter"))


def _sections(project: Project, items: Any, key: str, language: str, typography: bool) -> list[MatterSection]:
    if items is None:
        return []
    where = key.split("_")[0]
    if isinstance(items, (str, dict)):
        items = [items]
    if not isinstance(items, list):
        raise _error(project, f"`export: {key}` must be a list of Markdown texts or "
                              "{title, text|file, kind} items", ("export", key))
    out: list[MatterSection] = []
    for i, item in enumerate(items):
        at = ("export", key, i)
        if isinstance(item, str):
            title, kind, text = None, None, item
        elif isinstance(item, dict):
            unknown = sorted(set(item) - _KEYS)
            if unknown:
                raise _error(project, f"`export: {key}` item {i + 1} has an unknown key `{unknown[0]}`; "
                                      "use title, text, file or kind", at + (unknown[0],), key=True)
            if ("text" in item) == ("file" in item):
                raise _error(project, f"`export: {key}` item {i + 1} needs exactly one of `text` or `file`", at)
            title = _opt_str(project, item, "title", at)
            text = _opt_str(project, item, "text", at) if "text" in item else _read(project, item, at)
            kind = _kind(project, item, at)
        else:
            raise _error(project, f"`export: {key}` item {i + 1} must be Markdown text or a mapping", at)
        if kind is None:
            kind = _guess_kind(title) if title else (
                "dedication" if where == "front" and i == 0 and len(text or "") < 400 else None)
        scene = Scene(path=f"novelforge.yaml#{key}[{i}]", id=f"{where}-{i + 1}", text=text or "",
                      body_start=0, meta=SceneMeta())
        paragraphs = scene_paragraphs(scene, language, typography)
        if paragraphs or title:   # an empty item is left out
            out.append(MatterSection(title, kind, paragraphs, where, len(out) + 1))
    return out


def _opt_str(project: Project, item: dict, name: str, at: tuple) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise _error(project, f"`{name}` in `export: {at[1]}` item {at[2] + 1} must be text", at + (name,))
    return str(value).strip() or None


def _kind(project: Project, item: dict, at: tuple) -> str | None:
    if "kind" not in item:
        return None
    raw = _opt_str(project, item, "kind", at)
    kind = _KIND_ALIASES.get((raw or "").lower(), (raw or "").lower()) or None
    if kind is not None and kind not in KINDS:
        raise _error(project, f"`kind: {raw}` in `export: {at[1]}` is not one of: {', '.join(KINDS)}",
                     at + ("kind",))
    return kind


def _guess_kind(title: str) -> str | None:
    key = re.sub(r"\s+", " ", title.strip().lower())
    key = _KIND_ALIASES.get(key, key)
    slug = key.replace(" ", "-")
    return slug if slug in KINDS else _KIND_ALIASES.get(slug)


def _read(project: Project, item: dict, at: tuple) -> str:
    rel = _opt_str(project, item, "file", at)
    if not rel:
        raise _error(project, f"`file` in `export: {at[1]}` item {at[2] + 1} is empty", at + ("file",))
    root = project.root.resolve()
    path = (root / rel).resolve()
    if root not in path.parents:
        raise _error(project, f"`file: {rel}` is outside the project", at + ("file",))
    try:
        if path.stat().st_size > MAX_MATTER_BYTES:
            raise _error(project, f"`file: {rel}` is larger than 1 MB", at + ("file",))
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise _error(project, f"`file: {rel}` does not exist", at + ("file",)) from None
    except UnicodeDecodeError:
        raise _error(project, f"`file: {rel}` is not UTF-8 text", at + ("file",)) from None
    except OSError as exc:
        raise _error(project, f"cannot read `file: {rel}`: {exc.strerror or exc}", at + ("file",)) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("---\n"):  # a Markdown file with front matter: the body only
        end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.M)
        if end:
            text = text[4 + end.end():]
    return text


def _error(project: Project, message: str, keypath: tuple, key: bool = False) -> ConfigError:
    line = column = None
    doc = project.config_doc
    if doc is not None:
        try:
            line, column = doc.position(keypath, key=key)
        except Exception:  # pragma: no cover - positions are best effort
            line = column = None
    return ConfigError(message, path="novelforge.yaml", line=line, column=column,
                       help="see docs/export.md#front-and-back-matter")

