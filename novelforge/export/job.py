"""What a renderer is given: an :class:`ExportJob` (the book, its matter and parts, the
fixed timestamp, the cover, the format's settings). Renderers import this module, never
:mod:`novelforge.export.writer`, which loads them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from novelforge.export.book import Book, ChapterOut
from novelforge.export.matter import MatterSection
from novelforge.formats import Format

# `dcterms:modified`, DOCX core properties and zip entry times when nothing else is given:
# outputs must not depend on the clock (see docs/export.md#reproducible-output)
DEFAULT_MODIFIED = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


@dataclass
class ExportOptions:
    statuses: list[str] | None = None                     # scene statuses to include (None: all)
    chapters: tuple[int | None, int | None] | None = None  # 1-based, inclusive
    typography: bool = True                                # curly quotes, dashes, ellipses
    cover: Path | None = None                              # overrides export: {<fmt>: {cover: …}}
    progress: Callable[[int, int], None] | None = None     # (chapters done, chapters total)


@dataclass
class ExportJob:
    """Everything a renderer needs; renderers never look at the project itself."""

    book: Book
    format: Format
    root: Path
    front: list[MatterSection] = field(default_factory=list)
    back: list[MatterSection] = field(default_factory=list)
    parts: list[str | None] = field(default_factory=list)   # part title of each book chapter
    modified: dt.datetime = DEFAULT_MODIFIED                # UTC; fixed, never the clock
    cover: Path | None = None                               # the cover's name (its suffix is its type)
    cover_data: bytes | None = None                         # its bytes, when the project holds it
    options: ExportOptions = field(default_factory=ExportOptions)

    @property
    def settings(self) -> Any:
        """This format's block of ``novelforge.yaml`` (``export: {epub: {...}}``): the typed
        block (:mod:`novelforge.project.export_settings`), or a mapping when the book's
        settings were given as one; None when there is none."""
        return settings_block(self.book.settings, self.format.name)

    def each_chapter(self) -> Iterator[tuple[str | None, ChapterOut]]:
        """``(part title, chapter)`` in reading order, reporting progress after each."""
        total = len(self.book.chapters)
        report = self.options.progress
        for done, chapter in enumerate(self.book.chapters, 1):
            yield (self.parts[done - 1] if done <= len(self.parts) else None), chapter
            if report is not None:
                report(done, total)

    @property
    def has_parts(self) -> bool:
        return any(self.parts)


def settings_block(settings: Any, name: str) -> Any:
    """The block ``name`` of the ``export:`` settings, typed (the record of
    :class:`~novelforge.project.export_settings.ExportConfig`, or the model) or a plain
    mapping: ``epub`` → ``export: {epub: …}``, ``docx-reading`` → ``docx_reading``."""
    if settings is None:
        return None
    if isinstance(settings, Mapping):
        return settings.get(name)
    return getattr(settings, name.replace("-", "_"), None)


def setting(block: Any, key: str, default: Any = None) -> Any:
    """One value of a settings block, typed or a mapping; ``default`` when it is unset."""
    if block is None:
        return default
    value = block.get(key) if isinstance(block, dict) else getattr(block, key, None)
    return default if value is None else value
