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
from typing import Any

from pydantic import BaseModel, ValidationError

from novelforge.diagnostics import Diagnostic, Severity
from novelforge.errors import ProjectNotFound
from novelforge.project import problems as P
from novelforge.project.models import (
    Chapter,
    ChapterMeta,
    EntityModel,
    Entity,
    Project,
    ProjectConfig,
    Promise,
    PromiseModel,
    Scene,
    SceneMeta,
)
from novelforge.contracts.models import TYPES as CONTRACT_TYPES
from novelforge.project.validation import (  # noqa: F401  (suggest is re-exported for the rules)
    _byte_position,
    _drop,
    _explain,
    _field_names,
    _fields_at,
    _is_branch_name,
    _kind_name,
    _size,
    suggest,
)
from novelforge.project.yamlio import YamlDoc, YamlSyntaxError, parse_yaml

CONFIG_FILE = "novelforge.yaml"
SCENE_SUFFIXES = (".md", ".markdown")
CANON_SUFFIXES = (".yaml", ".yml", ".md")


_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_NUM_PREFIX = re.compile(r"^\d+[-_. ]+")
_NATURAL = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple:
    """Sort key comparing numeric runs as numbers: ``2-x`` before ``10-x``."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in _NATURAL.split(name) if p)


def default_scene_id(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    return _NUM_PREFIX.sub("", stem) or stem


def find_project_root(start: Path | str | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``novelforge.yaml``."""
    here = Path(start or os.getcwd()).absolute()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ProjectNotFound(
        f"no {CONFIG_FILE} in {here} or any folder above it",
        help="run `novelforge init` to start a project, or pass the project folder",
    )


class _Loader:
    def __init__(self, root: Path, cache: Any = None) -> None:
        self.root = root
        self.cache = cache
        self.canon: dict[str, dict[str, Entity]] = {}
        self._root_prefix = str(root).rstrip(os.sep) + os.sep
        self.fingerprints: list[tuple[str, str]] = []  # (path, content hash) of every file read
        self.yaml_prints: list[tuple[str, str]] = []   # the same for YAML (config, canon, front matter)
        self.real_root = Path(os.path.realpath(root))
        self.diags: list[Diagnostic] = []
        self.max_size = 10_000_000

    # ------------------------------------------------------------------ helpers
    def rel(self, path: Path) -> str:
        full = str(path)
        if full.startswith(self._root_prefix):
            return full[len(self._root_prefix):].replace(os.sep, "/")
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def diag(self, kind: tuple[str, str], message: str, path: str, line: int = 1, column: int = 1,
             *, severity: Severity = Severity.ERROR, help: str | None = None,
             end: tuple[int, int] | None = None, **extra: Any) -> None:
        code, name = kind
        self.diags.append(Diagnostic(
            code=code, name=name, severity=severity, message=message, path=path, line=line,
            column=column, end_line=end[0] if end else None, end_column=end[1] if end else None,
            help=help, **extra))

    def read_text(self, path: Path) -> str | None:
        """Read a UTF-8 text file safely; report why not and return None if it cannot be."""
        rel = self.rel(path)
        if path.is_symlink():
            real = Path(os.path.realpath(path))
            if not real.is_relative_to(self.real_root):
                self.diag(P.OUTSIDE_PROJECT, f"`{rel}` is a link to a file outside the project; it was not read",
                          rel, help="copy the file into the project instead of linking to it")
                return None
        try:
            size = path.stat().st_size
        except OSError as exc:
            self.diag(P.UNREADABLE_FILE, f"cannot read `{rel}`: {exc.strerror or exc}", rel)
            return None
        if size > self.max_size:
            self.diag(P.FILE_TOO_LARGE,
                      f"`{rel}` is {_size(size)}, larger than the {_size(self.max_size)} limit; it was not read",
                      rel, help="split it into scenes, or raise `check: {max-file-size: …}` in novelforge.yaml")
            return None
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.diag(P.UNREADABLE_FILE, f"cannot read `{rel}`: {exc.strerror or exc}", rel)
            return None
        if b"\x00" in raw:
            self.diag(P.UNREADABLE_FILE, f"`{rel}` looks like a binary file, not text", rel, 1, 1,
                      help="scenes and canon are plain UTF-8 text; use `novelforge import` for Word files")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            # exc.start indexes exc.object, which lacks the BOM that utf-8-sig strips
            line, col = _byte_position(exc.object, exc.start)
            self.diag(P.UNREADABLE_FILE, f"`{rel}` is not UTF-8 text (byte 0x{exc.object[exc.start]:02x})", rel, line, col,
                      help="save the file as UTF-8 in your editor")
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text

    def load_yaml(self, path: Path, text: str, line_offset: int = 0) -> YamlDoc | None:
        rel = self.rel(path)
        key = None
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        self.fingerprints.append((rel, digest))
        self.yaml_prints.append((rel, digest))
        if self.cache is not None:
            # a parse that succeeded before is reused; positions stay lazy (YamlDoc)
            key = "yaml:1:" + digest
            hit = self.cache.get(key, _one_value)
            if hit is not None:
                return YamlDoc(rel, text, hit[0], line_offset)
        try:
            data = parse_yaml(text, line_offset)
            if key is not None:
                self.cache.set(key, (data,))
        except YamlSyntaxError as exc:
            self.diag(P.YAML_SYNTAX, exc.message, rel, exc.line, exc.column,
                      help="YAML needs `key: value` pairs indented with spaces; quote text that contains `: ` or starts with `[`, `{`, `*`, `&` or `!`")
            return None
        return YamlDoc(rel, text, data, line_offset)

    def validate(self, model: type[BaseModel], doc: YamlDoc, what: str, **extra: Any) -> BaseModel:
        """Validate ``doc.data`` against ``model``; report each problem and drop the bad field."""
        data = doc.data if isinstance(doc.data, dict) else {}
        if doc.data is not None and not isinstance(doc.data, dict):
            self.diag(P.INVALID_VALUE, f"{what} should be a set of `key: value` pairs, not a {_kind_name(doc.data)}",
                      doc.path, *doc.position(()), **extra)
        data = dict(data)
        for _attempt in range(6):
            try:
                return model.model_validate(data)
            except ValidationError as exc:
                dropped = False
                seen: set[tuple] = set()
                for err in exc.errors():
                    # a value that fits no branch of a union (`text or a list`) gives one error
                    # per branch, with pydantic's branch names in the location: report it once
                    loc = tuple(p for p in err["loc"] if not _is_branch_name(p))
                    if not loc or loc in seen:
                        continue
                    seen.add(loc)
                    err = {**err, "loc": loc}
                    msg, sev, kind, key = _explain(err, data, _fields_at(model, loc), what)
                    line, col = doc.position(tuple(loc), key=key)
                    self.diag(kind, msg, doc.path, line, col, severity=sev, **extra)
                    dropped = _drop(data, loc) or dropped
                if not dropped:
                    break
        return model()

    # ------------------------------------------------------------------ parts
    def load_config(self) -> tuple[ProjectConfig, YamlDoc | None]:
        path = self.root / CONFIG_FILE
        text = self.read_text(path)
        if text is None:
            return ProjectConfig(), None
        doc = self.load_yaml(path, text)
        if doc is None:
            return ProjectConfig(), None
        if doc.data is None:
            doc.data = {}
        config = self.validate(ProjectConfig, doc, f"`{CONFIG_FILE}`")
        return config, doc  # type: ignore[return-value]

    def split_front_matter(self, path: Path, text: str) -> tuple[YamlDoc | None, int, bool]:
        """(front matter doc, body offset, ok). A file without front matter is all body."""
        if not (text.startswith("---\n") or text.rstrip(" \t") == "---" or re.match(r"---[ \t]+\n", text)):
            return None, 0, True
        first_nl = text.find("\n")
        if first_nl == -1:
            first_nl = len(text)
        m = _FM_CLOSE.search(text, first_nl + 1)
        if not m:
            self.diag(P.UNCLOSED_FRONT_MATTER,
                      "the front matter opened on line 1 is never closed", self.rel(path), 1, 1,
                      help="end the front matter with a line containing only `---`")
            return None, len(text), False
        yaml_text = text[first_nl + 1:m.start()]
        body_start = m.end() + 1 if m.end() < len(text) else m.end()
        doc = self.load_yaml(path, yaml_text, line_offset=1)
        if doc is None:
            return None, body_start, False
        if doc.data is None:
            doc.data = {}
        return doc, body_start, True

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
        meta = SceneMeta()
        if doc is not None:
            meta = self.validate(SceneMeta, doc, "a scene's front matter")  # type: ignore[assignment]
        scene_id = meta.id or default_scene_id(path.name)
        return Scene(path=rel, id=scene_id, text=text, body_start=body_start, meta=meta, doc=doc,
                     content_hash=content_hash, readable=ok)

    def walk(self, folder: Path) -> tuple[list[Path], list[Path]]:
        """Sorted (sub-folders, files) of ``folder``, skipping hidden entries and links out."""
        dirs: list[Path] = []
        files: list[Path] = []
        try:
            entries = sorted(os.scandir(folder), key=lambda e: natural_key(e.name))
        except OSError as exc:
            self.diag(P.UNREADABLE_FILE, f"cannot read folder `{self.rel(folder)}`: {exc.strerror or exc}", self.rel(folder))
            return dirs, files
        for entry in entries:
            if entry.name.startswith((".", "_", "~")) or entry.name.endswith("~"):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                real = Path(os.path.realpath(path))
                if not real.is_relative_to(self.real_root):
                    self.diag(P.OUTSIDE_PROJECT,
                              f"`{self.rel(path)}` is a link to a place outside the project; it was not followed",
                              self.rel(path), help="copy what it points to into the project instead of linking to it")
                    continue
                if real.is_dir():
                    continue  # links inside the project would be read twice
            try:
                if entry.is_dir():
                    dirs.append(path)
                elif entry.is_file():
                    files.append(path)
            except OSError:
                continue
        return dirs, files

    def load_manuscript(self, config: ProjectConfig, config_doc: YamlDoc | None) -> tuple[list[Chapter], list[Scene]]:
        base = self.root / "manuscript"
        chapters: list[Chapter] = []
        if not base.is_dir():
            return [], []

        def visit(folder: Path, part: str | None, depth: int) -> None:
            dirs, files = self.walk(folder)
            scene_files = [f for f in files if f.suffix.lower() in SCENE_SUFFIXES and f.name.lower() != "readme.md"]
            if scene_files or (folder / "chapter.yaml").is_file():
                chapters.append(self.load_chapter(folder, scene_files, part))
            for sub in dirs:
                if depth < 3:
                    visit(sub, self.rel(folder).split("/", 1)[1] if folder != base and not scene_files else part, depth + 1)

        visit(base, None, 0)
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
                              f"`order` lists `{name}`, which is not a chapter folder under manuscript/"
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

    def load_chapter(self, folder: Path, scene_files: list[Path], part: str | None) -> Chapter:
        rel = self.rel(folder)
        chap = Chapter(path=rel, id=folder.name, part=part)
        cfile = folder / "chapter.yaml"
        if cfile.is_file():
            text = self.read_text(cfile)
            doc = self.load_yaml(cfile, text) if text is not None else None
            if doc is not None:
                meta = self.validate(ChapterMeta, doc, "`chapter.yaml`")
                chap.title, chap.summary = meta.title, meta.summary  # type: ignore[attr-defined]
        for f in scene_files:
            scene = self.load_scene(f)
            if scene is not None:
                scene.chapter = chap
                chap.scenes.append(scene)
        return chap

    def load_canon(self) -> tuple[dict[str, dict[str, Entity]], dict[str, Promise]]:
        canon: dict[str, dict[str, Entity]] = {}
        promises: dict[str, Promise] = {}
        base = self.root / "canon"
        if base.is_dir():
            kinds, _ = self.walk(base)
            for kind_dir in kinds:
                kind = kind_dir.name
                for path in self._files_below(kind_dir):
                    if kind == "promises":
                        self._load_promise_file(path, promises)
                    else:
                        self._load_entity(path, kind, canon.setdefault(kind, {}))
        for name in ("promises.yaml", "canon/promises.yaml"):
            path = self.root / name
            if path.is_file():
                self._load_promise_file(path, promises, many=True)
        return canon, promises

    def _files_below(self, folder: Path) -> list[Path]:
        out: list[Path] = []
        dirs, files = self.walk(folder)
        out.extend(f for f in files if f.suffix.lower() in CANON_SUFFIXES)
        for d in dirs:
            out.extend(self._files_below(d))
        return out

    def _entity_doc(self, path: Path) -> tuple[YamlDoc | None, str]:
        text = self.read_text(path)
        if text is None:
            return None, ""
        rel = self.rel(path)
        if not text.strip():
            self.diag(P.EMPTY_FILE, f"`{rel}` is empty", rel, severity=Severity.WARNING,
                      help="fill it in or delete it")
            return None, ""
        if path.suffix.lower() == ".md":
            doc, body_start, ok = self.split_front_matter(path, text)
            if doc is None and ok:
                doc = YamlDoc(rel, "", {}, 0)
            return doc, text[body_start:].strip()
        return self.load_yaml(path, text), ""

    def _load_entity(self, path: Path, kind: str, into: dict[str, Entity]) -> None:
        doc, body = self._entity_doc(path)
        if doc is None:
            return
        model = self.validate(EntityModel, doc, "a canon entry")
        if body and not model.description:  # type: ignore[attr-defined]
            model.description = body  # type: ignore[attr-defined]
        eid = model.id or path.stem  # type: ignore[attr-defined]
        entity = Entity(kind=kind, id=eid, path=doc.path, model=model, doc=doc)  # type: ignore[arg-type]
        if eid in into:
            keep, extra = into[eid], entity
            # the file named after the id is the real one; report the other
            if Path(keep.path).stem != eid and path.stem == eid:
                keep, extra = entity, keep
            into[eid] = keep
            xdoc = extra.doc
            line, col = xdoc.position(("id",)) if isinstance(xdoc.data, dict) and "id" in xdoc.data else (1, 1)
            self.diag(P.DUPLICATE_ENTITY,
                      f"the {kind[:-1] if kind.endswith('s') else kind} id `{eid}` is already used by `{keep.path}`",
                      extra.path, line, col, entity=eid, help="give each canon entry its own `id`")
            return
        into[eid] = entity

    def _load_promise_file(self, path: Path, into: dict[str, Promise], many: bool = False) -> None:
        doc, body = self._entity_doc(path)
        if doc is None:
            return
        if many:
            items = doc.data if isinstance(doc.data, dict) else {}
            for pid, value in items.items():
                self._add_promise(str(pid), value, doc, (pid,), into)
            return
        model = self.validate(PromiseModel, doc, "a promise")
        pid = model.id or path.stem  # type: ignore[attr-defined]
        if body and not model.description:  # type: ignore[attr-defined]
            model.description = body  # type: ignore[attr-defined]
        self._store_promise(pid, model, doc, into)  # type: ignore[arg-type]

    def _add_promise(self, pid: str, value: Any, doc: YamlDoc, keypath: tuple, into: dict[str, Promise]) -> None:
        if isinstance(value, str):
            value = {"description": value}
        if not isinstance(value, dict):
            self.diag(P.INVALID_VALUE, f"promise `{pid}` should be a description or a set of `key: value` pairs",
                      doc.path, *doc.position(keypath))
            return
        try:
            model = PromiseModel.model_validate(value)
        except ValidationError as exc:
            for err in exc.errors():
                msg, sev, kind, key = _explain(err, value, _field_names(PromiseModel), f"promise `{pid}`")
                self.diag(kind, msg, doc.path, *doc.position(keypath + tuple(err["loc"]), key=key), severity=sev)
            return
        self._store_promise(model.id or pid, model, doc, into)

    def _store_promise(self, pid: str, model: PromiseModel, doc: YamlDoc, into: dict[str, Promise]) -> None:
        if pid in into:
            self.diag(P.DUPLICATE_ENTITY, f"the promise id `{pid}` is already used by `{into[pid].path}`",
                      doc.path, 1, 1, help="give each promise its own id")
            return
        into[pid] = Promise(id=pid, path=doc.path, model=model, doc=doc)

    def _validate_contract(self, doc: YamlDoc, cid: str, full: str, body: dict) -> Any:
        """The typed contract, or None after reporting every problem in it (a contract with
        an error is not half-enforced)."""
        from novelforge.contracts.models import MODELS

        model = MODELS[body["type"]]
        try:
            contract = model.model_validate(body)
        except ValidationError as exc:
            seen: set[tuple] = set()
            for err in exc.errors():
                loc = tuple(p for p in err["loc"] if not _is_branch_name(p))
                if loc in seen:
                    continue
                seen.add(loc)
                err = {**err, "loc": loc}
                msg, sev, kind, key = _explain(err, body, _fields_at(model, loc) if loc else [], f"contract `{cid}`")
                line, col = doc.position((cid, *loc), key=key)
                self.diag(kind, msg, doc.path, line, col, severity=sev, contract=full,
                          help=f"fields of a `{body['type']}` contract: " + ", ".join(_field_names(model)))
            return None
        # ids the contract names must exist in canon (which is loaded before contracts)
        refs: list[tuple[tuple, str, str]] = []
        if getattr(contract, "entity", None):
            refs.append(((cid, "entity"), contract.entity, "characters"))
        if body["type"] == "travel":
            refs += [((cid, "between", i), loc, "locations") for i, loc in enumerate(contract.between)]
        bad = False
        for keypath, ident, kind in refs:
            pool = self.canon.get(kind, {})
            if ident not in pool:
                hint = suggest(ident, list(pool))
                self.diag(P.INVALID_VALUE, f"`{ident}` is not a known {kind[:-1]}" + (f" — did you mean `{hint}`?" if hint else ""),
                          doc.path, *doc.position(keypath), contract=full,
                          help=f"ids come from the file names in canon/{kind}/")
                bad = True
        return None if bad else contract

    def load_contracts(self) -> tuple[dict[str, Any], dict[str, YamlDoc]]:
        contracts: dict[str, Any] = {}
        docs: dict[str, YamlDoc] = {}
        base = self.root / "contracts"
        if not base.is_dir():
            return contracts, docs
        for path in self._files_below(base):
            if path.suffix.lower() == ".md":
                continue
            text = self.read_text(path)
            if text is None:
                continue
            doc = self.load_yaml(path, text)
            if doc is None or doc.data is None:
                continue
            if not isinstance(doc.data, dict):
                self.diag(P.INVALID_VALUE,
                          f"a contracts file should map contract ids to contracts, not be a {_kind_name(doc.data)}",
                          doc.path, 1, 1)
                continue
            prefix = path.stem
            for cid, body in doc.data.items():
                full = f"{prefix}.{cid}"
                if not isinstance(body, dict):
                    self.diag(P.INVALID_VALUE, f"contract `{cid}` should be a set of `key: value` pairs",
                              doc.path, *doc.position((cid,), key=True), contract=full)
                    continue
                ctype = body.get("type")
                if ctype not in CONTRACT_TYPES:
                    hint = suggest(str(ctype), CONTRACT_TYPES) if ctype else None
                    msg = (f"contract `{cid}` has no `type`" if ctype is None
                           else f"`type: {ctype}` is not a contract type")
                    self.diag(P.INVALID_VALUE,
                              msg + (f" — did you mean `{hint}`?" if hint else ""),
                              doc.path, *doc.position((cid, "type") if ctype is not None else (cid,), key=ctype is None),
                              contract=full, help="valid types: " + ", ".join(CONTRACT_TYPES))
                    continue
                model = self._validate_contract(doc, cid, full, body)
                if model is not None:
                    contracts[full] = model
                    docs[full] = doc
        return contracts, docs


def _one_value(hit: Any) -> bool:
    """The shape of a cached YAML parse: the data in a 1-tuple (None is a real value)."""
    return isinstance(hit, tuple) and len(hit) == 1


def load_config(root: Path | str) -> Project:
    """Only ``novelforge.yaml``: a project without canon or scenes, for commands that need
    the settings alone."""
    root = Path(root).absolute()
    loader = _Loader(root)
    config, config_doc = loader.load_config()
    return Project(root=root, config=config, config_doc=config_doc, diagnostics=loader.diags)


def load_project(root: Path | str, cache: Any = None) -> Project:
    """Load everything under ``root``. Problems are in ``project.diagnostics``, never raised.

    ``cache`` (a :class:`novelforge.cache.ProjectCache`) lets unchanged YAML (front
    matter, canon, chapter files) skip the parse.
    """
    root = Path(root).absolute()
    if not (root / CONFIG_FILE).is_file():
        raise ProjectNotFound(f"no {CONFIG_FILE} in {root}", help="run `novelforge init` to start a project")
    loader = _Loader(root, cache)
    config, config_doc = loader.load_config()
    loader.max_size = config.check.max_file_size
    canon, promises = loader.load_canon()
    loader.canon = canon
    contracts, contract_docs = loader.load_contracts()
    chapters, scenes = loader.load_manuscript(config, config_doc)
    fingerprint = hashlib.blake2b(
        repr((sorted(loader.fingerprints), [d.sort_key() + (d.severity.value,) for d in loader.diags])).encode(),
        digest_size=16).hexdigest()
    # everything but the prose: what a scene's findings may depend on besides its own text
    world = hashlib.blake2b(
        repr((sorted(loader.yaml_prints), [s.path for s in scenes])).encode(), digest_size=16).hexdigest()
    return Project(root=root, config=config, config_doc=config_doc, chapters=chapters, scenes=scenes,
                   canon=canon, promises=promises, contracts=contracts, contract_docs=contract_docs,
                   diagnostics=loader.diags, fingerprint=fingerprint, world_fingerprint=world)
