"""Read a project folder into a :class:`~novelforge.project.models.Project`.

Nothing here raises for bad *content*: every broken file becomes a diagnostic with a
position and the rest of the project is still loaded. Only a missing project (no
``novelforge.yaml``) raises :class:`~novelforge.errors.ProjectNotFound`.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Mapping

from novelforge.diagnostics import Severity
from novelforge.errors import ProjectNotFound
from novelforge.project import problems as P
from novelforge.project.files import ProjectFiles, natural_key  # noqa: F401
from novelforge.project.files import is_config as _is_config
from novelforge.project.layout import (
    CHAPTER_FILE,
    CONFIG_FILE,
    MANUSCRIPT,
    PART_FILE,
    is_scene_name,
)
from novelforge.project.load_docs import _FM_CLOSE, MAX_VALUE_FINDINGS, DocLoader  # noqa: F401  (re-exported)
from novelforge.project.load_world import WorldLoader
from novelforge.project.models import Chapter, Entity, Project, Scene
from novelforge.project.validation import suggest  # noqa: F401  (re-exported for the rules)
from novelforge.project.yamlio import YamlDoc

_NUM_PREFIX = re.compile(r"^\d+[-_. ]+")


def default_scene_id(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    return _NUM_PREFIX.sub("", stem) or stem


def find_project_root(start: Path | str | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``novelforge.yaml``."""
    here = Path(start or os.getcwd()).absolute()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if _is_config(folder / CONFIG_FILE):
            return folder
    raise ProjectNotFound(
        f"no {CONFIG_FILE} in {here} or any folder above it",
        help="run `novelforge init` to start a project, or pass the project folder",
    )


class _Loader(WorldLoader, DocLoader):
    """Builds the project from ``files`` (a folder on disk, or files in memory): what
    they hold is read once, and every text read is kept (``sources``)."""

    def __init__(self, files: ProjectFiles | Path, cache: Any = None) -> None:
        if not isinstance(files, ProjectFiles):
            files = ProjectFiles(Path(files))
        self.files = files
        self.root = files.root
        self.diags = files.diags
        self.rel, self.diag, self.top, self.walk, self.folders = (
            files.rel, files.diag, files.top, files.walk, files.folders)
        self.sources: dict[str, str] = {}
        self.setting_problems: dict[str, list] = {}    # block of novelforge.yaml → its value findings
        self.cache = cache
        self.validated = None
        if cache is not None:
            from novelforge.project.record import Validated

            self.validated = Validated(cache)
        self.canon: dict[str, dict[str, Entity]] = {}
        self.unread_canon: dict[str, set[str]] = {}    # kind → ids of canon files that could not be read
        self.fingerprints: list[tuple[str, str]] = []  # (path, content hash) of every file read
        self.yaml_prints: list[tuple[str, str]] = []   # the same for YAML (config, canon, front matter)
        self.part_titles: dict[str, str] = {}
        self.calendar: Any = None                      # the project's `calendar:`, once read
        self._value_counts: dict[str, int] = {}       # path → value findings so far
        self._omitted: dict[str, list] = {}           # path → [doc, keypath, at key, count, unknown, severity]

    @property
    def max_size(self) -> int:
        return self.files.max_size

    @max_size.setter
    def max_size(self, value: int) -> None:
        self.files.max_size = value

    # ------------------------------------------------------------------ parts
    def load_config(self) -> tuple[Any, YamlDoc | None]:
        """(the record of ``novelforge.yaml``'s settings, its document)."""
        path = self.root / CONFIG_FILE
        text = self.read_text(path)
        if text is None:
            return self.blank("ProjectConfig"), None
        doc = self.load_yaml(path, text)
        if doc is None:
            return self.blank("ProjectConfig"), None
        if doc.data is None:
            doc.data = {}
        return self.validate("ProjectConfig", doc, f"`{CONFIG_FILE}`"), doc

    def load_export_files(self, config: Any, doc: YamlDoc | None) -> None:
        """The files ``export:`` names: each front- and back-matter ``file`` is read (its
        text kept with the others), the cover must be a file in the project. A name
        that leads out of the project or to nothing is a finding at its line."""
        if doc is None:
            return
        export = config.export
        named = [(item.file, ("export", key, i, "file")) for key in ("front_matter", "back_matter")
                 for i, item in enumerate(getattr(export, key)) if item.file]
        if export.epub is not None and export.epub.cover:
            named.append((export.epub.cover, ("export", "epub", "cover")))
        for rel, keypath in named:
            name = keypath[-1]
            path = self.root / rel
            if Path(rel).is_absolute() or not self.files.inside(path):
                what = ("the image into the project (for example art/)" if name == "cover"
                        else "the file into the project")
                self.value_diag(doc, P.OUTSIDE_PROJECT, f"`{name}: {rel}` is outside the project; it is not read",
                                keypath, help=f"copy {what} and name it from there")
            elif not self.files.exists(rel):
                self.value_diag(doc, P.INVALID_VALUE, f"`{name}: {rel}` does not exist", keypath,
                                help="name a file inside the project, relative to its folder")
            elif name == "file":
                self.read_text(path)

    def load_scene(self, path: Path) -> Scene | None:
        text = self.read_text(path)
        if text is None:
            return None
        rel = self.rel(path)
        if not text.strip():
            self.diag(P.EMPTY_FILE, f"`{rel}` is empty", rel, severity=Severity.WARNING,
                      help="write the scene, add front matter with `status: idea`, or delete the file")
            return None
        content_hash = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        self.fingerprints.append((rel, content_hash))
        doc, body_start, ok = self.split_front_matter(path, text)
        meta = self.validate("SceneMeta", doc, "a scene's front matter") if doc is not None else self.blank("SceneMeta")
        scene_id = meta.id or default_scene_id(path.name)
        return Scene(path=rel, id=scene_id, text=text, body_start=body_start, meta=meta, doc=doc,
                     content_hash=content_hash, readable=ok)

    def below(self, folder: Path) -> str:
        """``folder`` relative to ``manuscript/``."""
        rel = self.rel(folder)
        return rel.split("/", 1)[1] if "/" in rel else ""

    def load_manuscript(self, config: Any, config_doc: YamlDoc | None) -> tuple[list[Chapter], list[Scene]]:
        base = self.top(MANUSCRIPT)
        chapters: list[Chapter] = []
        if base is None:
            return [], []
        # the part of each folder, by folder: a folder with no scenes of its own, other than
        # manuscript/, is the part of the chapters below it (the innermost such folder)
        part_of: dict[Path, str | None] = {base: None}
        for folder, dirs, files in self.folders(base):
            part = part_of.pop(folder, None)
            scene_files = [f for f in files if is_scene_name(f.name)]
            chapter_file = next((f for f in files if f.name == CHAPTER_FILE), None)
            if scene_files or chapter_file is not None:
                chapters.append(self.load_chapter(folder, scene_files, part, chapter_file))
            elif folder != base:
                part_file = next((f for f in files if f.name == PART_FILE), None)
                if part_file is not None:
                    self.load_part(part_file, self.below(folder))
            sub_part = self.below(folder) if folder != base and not scene_files else part
            for sub in dirs:
                part_of[sub] = sub_part
        for chap in chapters:
            if chap.part is not None:
                chap.part_title = self.part_titles.get(chap.part)
        if config.order:
            by_id = {c.path.split("/", 1)[1] if "/" in c.path else c.path: c for c in chapters}
            by_name = {c.id: c for c in chapters}
            ordered: list[Chapter] = []
            for i, name in enumerate(config.order):
                chap = by_id.get(name.strip("/")) or by_name.get(name.strip("/"))
                if chap is None:
                    line, col = config_doc.position(("order", i)) if config_doc else (1, 1)
                    hint = suggest(name, list(by_id))
                    self.diag(P.INVALID_VALUE,
                              f"`order` lists `{name}`, which is not a chapter folder under {MANUSCRIPT}/"
                              + (f" — did you mean `{hint}`?" if hint else ""),
                              CONFIG_FILE, line, col)
                elif chap not in ordered:
                    ordered.append(chap)
            chapters = ordered + [c for c in chapters if c not in ordered]
        scenes: list[Scene] = []
        for number, chap in enumerate(chapters, 1):
            chap.number = number
            for scene in chap.scenes:
                scene.index = len(scenes)
                scenes.append(scene)
        return chapters, scenes

    def load_part(self, path: Path, part: str) -> None:
        text = self.read_text(path)
        doc = self.load_yaml(path, text) if text is not None else None
        if doc is None:
            return
        meta = self.validate("PartMeta", doc, f"`{PART_FILE}`")
        if meta.title:
            self.part_titles[part] = meta.title

    def load_chapter(self, folder: Path, scene_files: list[Path], part: str | None,
                     chapter_file: Path | None = None) -> Chapter:
        rel = self.rel(folder)
        chap = Chapter(path=rel, id=folder.name, part=part)
        if chapter_file is not None:
            text = self.read_text(chapter_file)
            doc = self.load_yaml(chapter_file, text) if text is not None else None
            if doc is not None:
                meta = self.validate("ChapterMeta", doc, f"`{CHAPTER_FILE}`")
                chap.title, chap.summary = meta.title, meta.summary
        for f in scene_files:
            scene = self.load_scene(f)
            if scene is not None:
                scene.chapter = chap
                chap.scenes.append(scene)
        return chap

def load_config(root: Path | str) -> Project:
    """Only ``novelforge.yaml``: a project without canon or scenes, for commands that need
    the settings alone."""
    root = Path(root).absolute()
    loader = _Loader(ProjectFiles(root))
    config, config_doc = loader.load_config()
    loader.close()
    return Project(root=root, config=config, config_doc=config_doc, diagnostics=loader.diags,
                   sources=loader.sources, setting_problems=loader.setting_problems, files=loader.files)


def load_project(root: Path | str, cache: Any = None) -> Project:
    """Load everything under ``root``. Problems are in ``project.diagnostics``, never raised.

    ``cache`` (a :class:`novelforge.cache.ProjectCache`) lets unchanged YAML (front
    matter, canon, chapter files) skip the parse.
    """
    root = Path(root).absolute()
    if not _is_config(root / CONFIG_FILE):
        raise ProjectNotFound(f"no {CONFIG_FILE} in {root}", help="run `novelforge init` to start a project")
    from novelforge.analysis.gcpause import paused_gc

    with paused_gc():
        return _load(ProjectFiles(root), cache)


def load_files(files: Mapping[str, str | bytes], root: Path | str | None = None) -> Project:
    """A project from ``files`` — project paths (``novelforge.yaml``,
    ``manuscript/01-ashes/01-the-summons.md``) mapped to their text or bytes — loaded as
    :func:`load_project` loads a folder, with nothing on disk: check it
    (:func:`novelforge.rules.engine.check_project`) or export it
    (:func:`novelforge.export.writer.prepare` and ``render``) like any other. ``root`` is
    the folder it stands for (default: none that exists); nothing is read there.

    Raises :class:`~novelforge.errors.ProjectNotFound` without a ``novelforge.yaml``."""
    from novelforge.project.memory import MEMORY_ROOT, MemoryFiles

    memory = MemoryFiles(files, Path(root).absolute() if root is not None else MEMORY_ROOT)
    if memory.top(CONFIG_FILE, folder=False) is None:
        raise ProjectNotFound(f"no {CONFIG_FILE} among the project's files",
                              help="a project needs its settings file, even an empty one")
    return _load(memory, None)


def _load(files: ProjectFiles, cache: Any) -> Project:
    loader = _Loader(files, cache)
    config, config_doc = loader.load_config()
    loader.max_size = config.check.max_file_size
    loader.calendar = config.calendar
    loader.load_export_files(config, config_doc)
    canon, promises = loader.load_canon()
    loader.canon = canon
    contracts, contract_docs = loader.load_contracts()
    chapters, scenes = loader.load_manuscript(config, config_doc)
    loader.close()
    if loader.validated is not None:
        loader.validated.save()
    fingerprint = hashlib.blake2b(
        repr((sorted(loader.fingerprints), [d.sort_key() + (d.severity.value,) for d in loader.diags])).encode(),
        digest_size=16).hexdigest()
    return Project(root=files.root, config=config, config_doc=config_doc, chapters=chapters, scenes=scenes,
                   canon=canon, promises=promises, contracts=contracts, contract_docs=contract_docs,
                   diagnostics=loader.diags, fingerprint=fingerprint,
                   yaml_digests=dict(loader.yaml_prints), sources=loader.sources,
                   setting_problems=loader.setting_problems, files=files,
                   unread_canon=loader.unread_canon)


# the loader's findings that mean a file was not read at all (broken YAML, not text, too
# large, a link out of the project)
NOT_READ = ("NF001", "NF003", "NF006", "NF007")


def require_config(project: Project) -> None:
    """Raise :class:`~novelforge.errors.ConfigError` (exit 2) at the loader's finding when
    ``novelforge.yaml`` could not be read at all, for commands that cannot do their work
    without its settings (``export``: the title, author and ``export:`` block). ``check``
    reports the finding instead (an error no setting can lower, never baselined). A bad
    *value* in a file that was read stays a finding (NF004, NF009)."""
    from novelforge.errors import ConfigError

    for d in project.diagnostics:
        if d.path == CONFIG_FILE and d.code in NOT_READ:
            raise ConfigError(f"{d.message.rstrip('.')} — no setting of the project can be read",
                              path=d.path, line=d.line, column=d.column, help=d.help)
