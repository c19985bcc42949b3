"""The book as writers see it: chapters of scenes of paragraphs of styled text runs.

Front matter, HTML comments (promise markers, suppressions, notes) and Markdown syntax
never reach a writer: they get plain text with italic/bold flags, scene breaks as their
own paragraphs, and typography already applied.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

from novelforge.export.typography import smarten
from novelforge.project.models import Project, Scene
from novelforge.text.blocks import PARA_SPLIT, heading_text, is_scene_break
from novelforge.text.masking import without_comments

# escaped quotes stay straight: they are hidden in the Private Use Area while the
# typography runs (markdown-it turns every other escape into its plain character)
_ESCAPED_QUOTES = {'\\"': "\ue000", "\\'": "\ue001"}
_SHOW = {"\ue000": '"', "\ue001": "'"}
_MD = None


def _markdown():
    global _MD
    if _MD is None:
        from markdown_it import MarkdownIt

        # prose keeps `<for>` and `&amp;` as the author typed them: no inline HTML, no entities
        _MD = MarkdownIt("commonmark").disable(["html_inline", "entity"])
    return _MD
_BR = re.compile(r"[ \t]*\n[ \t]*")


@dataclass(slots=True)
class Run:
    text: str
    italic: bool = False
    bold: bool = False


@dataclass
class Paragraph:
    runs: list[Run]
    kind: str = "text"          # text | break | heading

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class SceneOut:
    id: str
    title: str | None
    path: str
    paragraphs: list[Paragraph]
    words: int


@dataclass
class ChapterOut:
    id: str
    number: int
    title: str | None
    scenes: list[SceneOut] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.title or f"Chapter {self.number}"


@dataclass
class Book:
    title: str
    author: str | None
    language: str
    identifier: str              # urn:uuid derived from the project, stable across runs
    chapters: list[ChapterOut]
    subtitle: str | None = None
    author_legal: str | None = None
    contact: list[str] = field(default_factory=list)
    words: int = 0
    settings: Any = None       # the `export:` block of novelforge.yaml (typed ExportConfig, or a mapping)

    def scenes(self) -> Iterable[SceneOut]:
        for c in self.chapters:
            yield from c.scenes


def parse_inline(text: str, language: str = "en", typography: bool = True) -> list[Run]:
    """Markdown inline syntax → runs, by CommonMark's rules (markdown-it-py): emphasis and
    strong emphasis (nested or `***both***`), escapes and code spans; links keep their
    text; `<tags>` and `&entities;` stay literal text, as typed. Line breaks inside a
    paragraph become spaces."""
    text = _BR.sub(" ", text.strip())
    for k, v in _ESCAPED_QUOTES.items():
        if k in text:
            text = text.replace(k, v)
    runs: list[Run] = []
    state = [False]
    italic = bold = 0

    def add(chunk: str, smart: bool = True) -> None:
        if not chunk:
            return
        if typography and smart:
            chunk = smarten(chunk, language, state)
        if "\ue000" in chunk or "\ue001" in chunk:
            chunk = "".join(_SHOW.get(c, c) for c in chunk)
        it, bd = italic > 0, bold > 0
        if runs and runs[-1].italic == it and runs[-1].bold == bd:
            runs[-1].text += chunk
        else:
            runs.append(Run(chunk, it, bd))

    tokens = _markdown().parseInline(text)
    for tok in tokens[0].children if tokens else []:
        kind = tok.type
        if kind == "text":
            add(tok.content)
        elif kind in ("softbreak", "hardbreak"):
            add(" ", smart=False)
        elif kind == "code_inline":
            add(tok.content, smart=False)
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "image":
            add(tok.content)
        # link_open/close, html_inline: the link text is kept, markup is not
    return runs


def scene_paragraphs(scene: Scene, language: str = "en", typography: bool = True) -> list[Paragraph]:
    body = without_comments(scene.body)
    out: list[Paragraph] = []
    for block in PARA_SPLIT.split(body.strip()):
        if not block.strip():
            continue
        if is_scene_break(block):
            if out and out[-1].kind != "break":
                out.append(Paragraph([], "break"))
            continue
        heading = heading_text(block)
        if heading is not None:
            out.append(Paragraph(parse_inline(heading, language, typography), "heading"))
            continue
        out.append(Paragraph(parse_inline(block, language, typography)))
    while out and out[-1].kind == "break":
        out.pop()
    return out


def stable_identifier(project: Project) -> str:
    """A UUID derived from the title and author: the same book keeps its identifier."""
    cfg = project.config
    seed = f"novelforge:{cfg.title}:{cfg.author or ''}"
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def select_scenes(project: Project, statuses: Iterable[str] | None = None,
                  chapters: tuple[int | None, int | None] | None = None) -> list[Scene]:
    """Scenes in reading order, filtered by ``status`` and a 1-based chapter range."""
    wanted = set(statuses) if statuses else None
    lo, hi = chapters or (None, None)
    out = []
    for scene in project.scenes:
        if not scene.readable:
            continue
        if wanted is not None and scene.meta.status not in wanted:
            continue
        number = scene.chapter.number if scene.chapter else 0
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            continue
        out.append(scene)
    return out


def build_book(project: Project, statuses: Iterable[str] | None = None,
               chapters: tuple[int | None, int | None] | None = None, typography: bool = True) -> Book:
    cfg = project.config
    language = cfg.language or "en"
    book_chapters: dict[str, ChapterOut] = {}
    total = 0
    for scene in select_scenes(project, statuses, chapters):
        chap = scene.chapter
        key = chap.path if chap else ""
        if key not in book_chapters:
            book_chapters[key] = ChapterOut(chap.id if chap else "", chap.number if chap else 0,
                                            chap.title if chap else None)
        paragraphs = scene_paragraphs(scene, language, typography)
        words = sum(len(p.text.split()) for p in paragraphs)
        total += words
        book_chapters[key].scenes.append(SceneOut(scene.id, scene.meta.title, scene.path, paragraphs, words))
    contact = cfg.contact if isinstance(cfg.contact, list) else ([cfg.contact] if cfg.contact else [])
    return Book(title=cfg.title, subtitle=cfg.subtitle, author=cfg.author, author_legal=cfg.author_legal,
                contact=list(contact), language=language, identifier=stable_identifier(project),
                chapters=list(book_chapters.values()), words=total, settings=cfg.export)
