"""The book in and out: exporting it (DOCX, EPUB, Markdown, HTML, text) and importing a
novel into a new project."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from novelforge.api.projects import project_root
from novelforge.errors import OptionError
from novelforge.project.layout import MANUSCRIPT

if TYPE_CHECKING:
    from novelforge.formats import Format
    from novelforge.import_ import ImportResult
    from novelforge.project.models import Project

Progress = Callable[[str, int, "int | None"], None]   # (what, done, total or None)


@dataclass
class Exported:
    format: Format
    path: Path | None            # the file written; None when not written (``write=False``)
    data: bytes | None           # the bytes, when not written
    chapters: int
    scenes: int
    words: int
    skipped: int = 0             # scenes left out for broken front matter
    unread: list = field(default_factory=list)   # loader findings: scene files not read at all
    errors: int | None = None    # error findings of `check` in the book; None when not checked


def export(root: Path | str | None = None, fmt: str | None = None, out: Path | str | None = None, *,
           statuses: Sequence[str] | str | None = None, chapters: str | tuple | None = None,
           typography: bool = True, cover: Path | str | None = None, write: bool = True,
           progress: Progress | None = None, project: Project | None = None, check: bool = False) -> Exported:
    """Build the book of the project around ``root`` (or of ``project``, one already loaded,
    for example from files in memory with :func:`novelforge.project.loader.load_files`) as ``fmt`` (a name in
    :data:`novelforge.formats.EXPORT`; default: the one ``out``'s suffix implies) and write
    it atomically to ``out`` (a file, or a folder for ``<title>.<suffix>``; default: that
    name in the current folder). With ``write=False`` nothing is written and the bytes are
    in :attr:`Exported.data`. ``statuses`` (``["revised", "final"]`` or ``"revised,final"``)
    and ``chapters`` (``"3-7"`` or ``(3, 7)``) select scenes; ``typography`` makes quotes
    curly and dashes long; ``cover`` is an EPUB cover image. ``progress(what, done, total)``
    is called as the work goes on. With ``check`` the whole book is checked as well (as
    ``novelforge check`` would, with its cache) and :attr:`Exported.errors` counts the
    error findings, so a caller can say the book was exported with errors.

    Returns what was written and what was left out of the book. Raises
    :class:`~novelforge.errors.UnknownFormat`, :class:`~novelforge.errors.OptionError`
    (no format and no suffix that implies one, a bad status or chapter range, an empty
    selection, a cover for a format without one, an output inside the project's sources or
    with too long a name), :class:`~novelforge.errors.ConfigError` (bad ``export:``
    settings, at their line), :class:`~novelforge.errors.PathNotFound`,
    :class:`~novelforge.errors.ProjectNotFound` and :class:`~novelforge.errors.UsageError`
    (the file cannot be written)."""
    from novelforge.export.writer import (
        FORMATS,
        ExportOptions,
        output_path,
        parse_chapters,
        parse_statuses,
        prepare,
        render,
        write_bytes,
    )
    from novelforge.project.loader import load_project

    if fmt is not None:
        spec = FORMATS.get_format(fmt)
    else:
        spec = FORMATS.for_suffix(out) if out is not None and write else None
        if spec is None:
            raise OptionError("choose a format with {format} (docx, docx-reading, epub, md, html or txt)",
                              help="or give {out} a file name that ends in .docx, .epub, .md, .html or .txt")
    if project is None:
        root = project_root(root)
    options = ExportOptions(statuses=parse_statuses(statuses), chapters=parse_chapters(chapters),
                            typography=typography, cover=Path(cover) if cover is not None else None)
    if project is None:
        if progress is not None:
            progress("Reading the manuscript", 0, None)
        project = load_project(root)
    target = output_path(project, spec, out) if write else None
    errors = _errors(project, progress) if check else None
    job = prepare(project, spec.name, options)
    if progress is not None:
        what = f"Exporting {spec.name}"
        progress(what, 0, len(job.book.chapters))
        options.progress = lambda done, total: progress(what, done, total)
    data = render(job)
    if target is not None:
        write_bytes(target, data)
    book = job.book
    return Exported(spec, target, None if write else data, len(book.chapters),
                    sum(len(c.scenes) for c in book.chapters), book.words,
                    skipped=sum(1 for s in project.scenes if not s.readable), unread=not_read(project),
                    errors=errors)


def _errors(project: Project, progress: Progress | None) -> int | None:
    """The error findings of ``novelforge check`` on the whole of ``project``; None when it
    cannot be checked (``check`` says why; the export does not depend on it)."""
    from novelforge.api.checking import check
    from novelforge.errors import NovelForgeError

    if progress is not None:
        progress("Checking the book", 0, None)
    try:
        return check(project=project).summary()["errors"]
    except NovelForgeError:
        return None


# the loader's findings that mean a file of the manuscript was not read at all
_NOT_READ = ("NF003", "NF006", "NF007")


def not_read(project) -> list:
    """Findings of the loader about scene files (or folders) in manuscript/ it did not read
    (unreadable, too large, linked outside the project): a scene is never left out of a
    book without a word."""
    return sorted((d for d in project.diagnostics
                   if d.code in _NOT_READ and (d.path or "").startswith(MANUSCRIPT + "/")),
                  key=lambda d: (d.path, d.line, d.code))


def import_(file: Path | str, into: Path | str | None = None, *, format: str = "auto", title: str | None = None,
            author: str | None = None, suggest_canon: bool = False, encoding: str | None = None,
            max_size: int | str = "50MB") -> ImportResult:
    """Import a novel from Word (.docx), Markdown or plain text (``format``: a name in
    :data:`novelforge.formats.IMPORT`) into a new project at ``into`` (default: a folder
    named after the file in the current folder): parts, chapters and scene breaks become
    chapter folders of scene files with front matter, and a ``novelforge.yaml``.
    ``suggest_canon`` also writes candidate characters and places; ``max_size`` (bytes,
    or ``"50MB"``) refuses larger files. Never overwrites a file.

    Returns the :class:`~novelforge.import_.ImportResult`. Raises
    :class:`~novelforge.errors.UnknownFormat` and
    :class:`~novelforge.import_.ImportFileError` (a file that cannot be imported, a
    target that is not safe: nothing is written)."""
    from novelforge.formats import IMPORT
    from novelforge.import_ import ImportOptions, import_file, parse_size
    from novelforge.import_.headings import slugify

    limit = parse_size(max_size) if isinstance(max_size, str) else max_size
    IMPORT.get_format(format)
    file = Path(file)
    options = ImportOptions(format=format, title=title, author=author, suggest_canon=suggest_canon,
                            encoding=encoding, max_size=limit)
    target = Path(into) if into is not None else Path.cwd() / (slugify(file.stem) or "novel")
    return import_file(file, target, options)
