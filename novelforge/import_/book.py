"""What an importer finds, as plain values: the :class:`Block` values a reader (:mod:`.text`,
:mod:`.markdown`, :mod:`.docx`) makes of a file, and the :class:`Book` that
:func:`novelforge.import_.structure.build_book` makes of them (parts, chapters, scenes) and
:mod:`.render` turns into project files."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Block:
    """One unit of the source: a paragraph (Markdown), a scene break or a heading."""

    kind: str                              # "para" | "break" | "heading"
    text: str = ""                         # Markdown of a paragraph; the text of a heading
    lines: tuple[str, ...] = ()            # plain source lines of a paragraph (heading patterns)
    level: int = 0                         # explicit heading level: 0 = the book's title, 1 = top
    starts_page: bool = False              # Word: the paragraph starts a new page


@dataclass
class Scene:
    paragraphs: list[str]
    title: str | None = None


@dataclass
class Chapter:
    title: str
    part: str | None = None
    scenes: list[Scene] = field(default_factory=list)
    slug_hint: str | None = None           # the heading's own title, for the folder name
    implicit: bool = False                 # no heading in the source: titled after the book

    @property
    def words(self) -> int:
        return sum(len(p.split()) for s in self.scenes for p in s.paragraphs)


@dataclass
class Book:
    """What an importer found; :mod:`.render` turns it into project files."""

    title: str | None = None
    author: str | None = None
    language: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    front_matter: list[str] = field(default_factory=list)   # Markdown paragraphs before chapter 1
    back_matter: list[str] = field(default_factory=list)    # an edition's notes, errata, ads after the end
    notes: list[str] = field(default_factory=list)          # what the user should know

    @property
    def parts(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in self.chapters:
            if c.part:
                seen.setdefault(c.part, None)
        return list(seen)

    @property
    def scenes(self) -> list[Scene]:
        return [s for c in self.chapters for s in c.scenes]

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)
