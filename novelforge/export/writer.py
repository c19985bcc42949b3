"""``export(project, fmt, out_path, options)``: build the book once, hand it to the
format's renderer, write the bytes atomically.

Formats are one table, :data:`FORMATS` (:data:`novelforge.formats.EXPORT`, the same
mechanism as every command's ``--format``). A renderer is a function ``render(job) ->
bytes`` named by ``"module:function"`` and imported only when its format is used, so
ebooklib and python-docx load only for EPUB and DOCX. Adding a format is one
:class:`~novelforge.formats.Format` row. A renderer gets an :class:`ExportJob`: the
:class:`~novelforge.export.book.Book`
(typography already applied), the front and back matter, the part of each chapter, a
fixed timestamp for formats that store one, the cover image, its own settings block of
``novelforge.yaml`` (``export: {<format>: {...}}``), and :meth:`ExportJob.each_chapter`,
which reports progress.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Sequence, get_args

from novelforge.errors import ConfigError, OptionError, UsageError, literal
from novelforge.export.book import build_book
from novelforge.export.job import DEFAULT_MODIFIED, ExportJob, ExportOptions, settings_block
from novelforge.export.matter import load_matter
from novelforge.formats import EXPORT as FORMATS
from novelforge.formats import Format
from novelforge.project.layout import CONFIG_FILE, MANUSCRIPT, SOURCE_FOLDERS
from novelforge.project.models import Project, SceneStatus
from novelforge.wording import plural

__all__ = ["DEFAULT_MODIFIED", "FORMATS", "ExportJob", "ExportOptions", "export", "get_format", "output_path",
           "parse_chapters", "parse_statuses", "prepare", "render", "write_bytes"]

STATUSES: tuple[str, ...] = get_args(SceneStatus)   # idea, outline, draft, revised, final
MAX_COVER_BYTES = 20_000_000


def export(project: Project, fmt: str, out_path: Path | str | None = None,
           options: ExportOptions | None = None) -> Path:
    """Render ``project`` as ``fmt`` and write it atomically to ``out_path`` (default:
    ``<title-slug>.<suffix>`` in the current folder; a folder gets that name inside it;
    missing parent folders are created). Returns the path written."""
    spec = get_format(fmt)
    target = output_path(project, spec, out_path)
    data = render(prepare(project, fmt, options))
    write_bytes(target, data)
    return target


def get_format(fmt: str) -> Format:
    """The export format ``fmt`` (case and spaces ignored); raises
    :class:`~novelforge.errors.UnknownFormat`."""
    return FORMATS.get_format(fmt)


def parse_statuses(values: Sequence[str] | str | None) -> list[str] | None:
    """Scene statuses to export, each value one or several comma-separated (``revised,final``);
    None (or nothing) for every scene. Raises :class:`~novelforge.errors.OptionError`
    (``statuses``) for a word that is not a status."""
    if not values:
        return None
    out: list[str] = []
    for value in [values] if isinstance(values, str) else values:
        for item in (v.strip().lower() for v in value.split(",")):
            if not item:
                continue
            if item not in STATUSES:
                raise OptionError(f"{{value}} is not a scene status; use {', '.join(STATUSES[:-1])} or final",
                                  option="statuses", value=item)
            if item not in out:
                out.append(item)
    return out or None


def parse_chapters(value: str | tuple | None) -> tuple[int | None, int | None] | None:
    """``3`` → (3, 3); ``3-7`` → (3, 7); ``3-`` → (3, None); ``-7`` → (None, 7); a tuple as
    it is. Raises :class:`~novelforge.errors.OptionError` (``chapters``) for anything else."""
    if value is None or isinstance(value, tuple):
        return value
    text = value.strip().replace("–", "-")
    lo_text, dash, hi_text = text.partition("-")
    try:
        lo = int(lo_text) if lo_text.strip() else None
        hi = int(hi_text) if hi_text.strip() else (None if dash else lo)
    except ValueError:
        lo = hi = -1
    if (lo is None and hi is None) or any(v is not None and v < 1 for v in (lo, hi)) or (
            lo is not None and hi is not None and lo > hi):
        raise OptionError("{value} is not a chapter range such as 3, 3-7, 3- or -7", option="chapters",
                          value=value, help="chapters are numbered from 1 in reading order")
    return lo, hi


def prepare(project: Project, fmt: str, options: ExportOptions | None = None) -> ExportJob:
    """Build the book and everything around it; raises for an empty selection and for
    bad ``export:`` settings before anything is rendered."""
    spec = get_format(fmt)
    options = options or ExportOptions()
    check_settings(project)
    book = build_book(project, options.statuses, options.chapters, options.typography)
    if not book.chapters:
        raise OptionError(literal(f"nothing to export: no scenes {describe_selection(options)}"),
                          help="check {statuses} and {chapters}; `novelforge check` lists the scenes it reads")
    front, back = load_matter(project, options.typography)
    by_number = {c.number: c for c in project.chapters}
    parts = []
    for chapter in book.chapters:
        source = by_number.get(chapter.number)
        part = source.part if source is not None else None
        parts.append((source.part_title or folder_title(part)) if part else None)  # type: ignore[union-attr]
    cover, cover_data = cover_image(project, spec, options)
    return ExportJob(book=book, format=spec, root=project.root, front=front, back=back, parts=parts,
                     modified=release_time(project), cover=cover, cover_data=cover_data, options=options)


def check_settings(project: Project) -> None:
    """Raise :class:`~novelforge.errors.ConfigError` at the first problem the loader found
    in the ``export:`` block (a book is not built from settings that were dropped), or
    when ``novelforge.yaml`` could not be read at all (its title and matter lost)."""
    from novelforge.project.loader import require_config

    require_config(project)
    problems = project.setting_problems.get("export") or []
    if problems:
        # the first line with a problem; on it an unknown key first (a typo explains the rest)
        first = min(problems, key=lambda d: (d.line, d.code != "NF009", d.column))
        more = len(problems) - 1
        tail = (f" ({plural(more, 'more problem')} in `export:`: `novelforge check` lists them)"
                if more else "")
        raise ConfigError(first.message, path=first.path, line=first.line, column=first.column,
                          help=(first.help or "see docs/export.md") + tail)


def render(job: ExportJob) -> bytes:
    """The book in the job's format (its renderer, imported now)."""
    return job.format.load()(job)


def describe_selection(options: ExportOptions) -> str:
    bits = []
    if options.statuses:
        bits.append("with status " + " or ".join(options.statuses))
    lo, hi = options.chapters or (None, None)
    if lo is not None or hi is not None:
        if lo == hi:
            bits.append(f"in chapter {lo}")
        else:
            bits.append(f"in chapters {lo or 1}-{hi if hi is not None else ''}")
    return " ".join(bits) if bits else f"in {MANUSCRIPT}/"


# ----------------------------------------------------------------------------- parts
_NUM_PREFIX = re.compile(r"^\d+[-_. ]*")


def folder_title(part: str) -> str:
    """A part's title when its ``part.yaml`` gives none: the folder name without the
    number (``01-book-one`` → ``Book One``)."""
    name = part.rstrip("/").rsplit("/", 1)[-1]
    words = (_NUM_PREFIX.sub("", name) or name).replace("_", " ").replace("-", " ").split()
    return " ".join(w if w.isupper() else w.capitalize() for w in words) or name


# ----------------------------------------------------------------------------- settings
def release_time(project: Project) -> dt.datetime:
    """The fixed timestamp stored in outputs: ``export: {modified: …}``, else the
    ``SOURCE_DATE_EPOCH`` environment variable, else 2000-01-01T00:00:00Z."""
    if project.config.export.modified is not None:
        return project.config.export.modified
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return DEFAULT_MODIFIED


def cover_image(project: Project, spec: Format, options: ExportOptions) -> tuple[Path | None, bytes | None]:
    """The cover's name and, for one named in ``novelforge.yaml``, its bytes (read through
    the project's files: inside the project, a regular file). ``--cover`` is a file the
    user names and is read by the renderer."""
    if options.cover is not None:
        if not spec.cover:
            with_cover = ", ".join(f.name for f in FORMATS.values() if f.cover)
            raise OptionError(f"`{{cover}}` applies to formats with a cover ({with_cover}), not {spec.name}")
        path = Path(options.cover)
        if not path.is_file():
            raise UsageError(f"cover image `{path}` does not exist")
        return path, None
    block = settings_block(project.config.export, spec.name)
    value = getattr(block, "cover", None) if spec.cover else None
    if not value:
        return None, None
    where = _position(project, ("export", spec.name, "cover"))
    data = project.files.read_bytes(project.root / value, MAX_COVER_BYTES) if project.files is not None else None
    if data == "too-large":
        raise ConfigError(f"cover image `{value}` (export: {spec.name}: cover) is larger than 20 MB",
                          path=CONFIG_FILE, **where)
    if data is None:
        raise ConfigError(f"cannot read cover image `{value}` (export: {spec.name}: cover)", path=CONFIG_FILE,
                          help="it must be an image file inside the project", **where)
    return Path(value), data  # type: ignore[return-value]


def _position(project: Project, keypath: tuple) -> dict:
    if project.config_doc is None:
        return {}
    line, column = project.config_doc.position(keypath)
    return {"line": line, "column": column}


# ----------------------------------------------------------------------------- output
MAX_SLUG = 80   # characters of the title in a default file name


def slug(text: str) -> str:
    """The title as a file name (:func:`novelforge.text.slug.slug`, keeping every letter): at
    most :data:`MAX_SLUG` characters and twice as many bytes, so any file system takes it."""
    from novelforge.text.slug import slug as make_slug

    return make_slug(text, MAX_SLUG, ascii=False, fallback="book")


def output_path(project: Project, spec: Format, out: Path | str | None) -> Path:
    """Where to write: ``out``, or ``<title-slug><stem><suffix>`` inside ``out`` when it is a
    folder or ends with ``/`` (or in the current folder when there is no ``out``); the stem
    keeps formats with one suffix apart (``title.docx``, ``title-reading.docx``). Refuses a path inside the
    project's sources (manuscript/, canon/, contracts/) and ``novelforge.yaml``, and a name
    longer than the file system allows."""
    name = slug(project.config.title) + spec.stem + spec.suffix
    target = Path.cwd() / name if out is None else Path(out)
    _check_length(target, out)
    try:
        if target.is_dir() or (out is not None and str(out).endswith(("/", os.sep))):
            target = target / name
        resolved = target.resolve()
    except OSError as exc:
        raise UsageError(f"cannot write `{out}`: {exc.strerror or exc}") from None
    _check_length(target, out)
    root = project.root.resolve()
    inside = [root / p for p in SOURCE_FOLDERS]
    if resolved == root / CONFIG_FILE or any(d == resolved or d in resolved.parents for d in inside):
        raise OptionError(literal(f"refusing to write `{out}`: it is inside the project's sources"),
                          help="write exports outside manuscript/, canon/ and contracts/, e.g. {out} build/")
    return target


def _check_length(target: Path, out) -> None:
    """A one-line error for a name the file system would refuse (over 255 bytes, or a
    path over 4,096), before anything is written."""
    from novelforge.util import too_long

    problem = too_long(target)
    if problem:
        raise OptionError(literal(f"cannot write `{out if out is not None else target.name}`: {problem}"),
                          help="give a shorter name with {out}")


def write_bytes(target: Path, data: bytes) -> None:
    """Atomic write; parent folders are created. OS errors become one-line messages."""
    from novelforge.util import atomic_write

    try:
        atomic_write(target, data, mode=0o666 & ~_umask())   # an export is an ordinary file
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, (NotADirectoryError, FileExistsError)):
            reason = "a part of the path is a file, not a folder"
        raise UsageError(f"cannot write `{target}`: {reason}") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
