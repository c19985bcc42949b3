"""The consequence of a canon change: which scenes it touches and which findings it makes
appear or disappear, found by checking the book before and after and comparing.

"After" is the project on disk, or the project on disk with hypothetical edits
(:func:`parse_set` ``aria.eyes=green``, :func:`kill_edits` ``bram`` in ``the-fall``)
applied to a temporary copy: the author's files are never written. Errors are
:class:`~novelforge.errors.OptionError`s naming the parameter (``sets``, ``kill``,
``kill_in``) they are about; a front end words them with its own flags. The words for a
result are in :mod:`novelforge.vcs.impact_format`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from novelforge.diagnostics import Diagnostic
from novelforge.errors import OptionError, UsageError, literal
from novelforge.project.layout import STATE_DIR
from novelforge.project.models import EntityModel, Project
from novelforge.vcs.affected import ChangeSet, affected_scenes

# fields of a canon entry that `id.field=value` sets directly; anything else is an attribute
_TOP_FIELDS = set(EntityModel.model_fields) - {"attributes"}


@dataclass
class Edit:
    """One hypothetical change: ``entity`` (``aria`` or ``characters/aria``), a key path
    in its YAML, and the new value (None deletes the key)."""

    entity: str
    keypath: tuple[str, ...]
    value: Any
    label: str
    option: str = "sets"   # the parameter it came from (``sets`` or ``kill_in``), for errors
    spec: str = ""         # as given (``bram.died_in=the-fal``), for errors


@dataclass
class Impact:
    before: str                       # what "before" is, in words
    after: str
    changes: ChangeSet
    appeared: list[Diagnostic] = field(default_factory=list)
    disappeared: list[Diagnostic] = field(default_factory=list)
    edits: list[str] = field(default_factory=list)

    @property
    def scenes(self) -> dict[str, list[str]]:
        return self.changes.scenes


def parse_set(spec: str) -> Edit:
    """``aria.eyes=green``, ``characters/aria.attributes.height=tall``, ``bram.status=dead``.
    The value is read as YAML (``3``, ``true``, ``[a, b]``); an empty value deletes."""
    from novelforge.project.yamlio import parse_yaml

    malformed = OptionError("{value} needs the form ENTITY.FIELD=VALUE, e.g. `aria.eyes=green`",
                            option="sets", value=spec)
    if "=" not in spec:
        raise malformed
    target, raw = spec.split("=", 1)
    entity, _, path = target.strip().partition(".")
    if not entity or not path:
        raise malformed
    keys = tuple(k for k in path.split(".") if k)
    if keys[0] not in _TOP_FIELDS and keys[0] != "attributes":
        keys = ("attributes",) + keys
    try:
        value = parse_yaml(raw) if raw.strip() else None
    except Exception:
        value = raw
    return Edit(entity, keys, value, f"{entity}.{'.'.join(keys)} = {raw.strip() or '(removed)'}", spec=spec)


def kill_edits(entity: str, scene: str | None) -> list[Edit]:
    edits = [Edit(entity, ("status",), "dead", f"{entity} dies" + (f" in {scene}" if scene else ""))]
    if scene:
        edits.append(Edit(entity, ("died_in",), scene, "", option="kill_in", spec=scene))
    return edits


def _with_consequences(project: Project, edits: list[Edit]) -> list[Edit]:
    """``edits`` and what they imply: a character set alive (``status=alive``) whose canon
    still has ``died_in`` (which is what the rules follow) loses it, unless an edit sets it."""
    out = list(edits)
    for e in edits:
        if e.keypath != ("status",) or e.value != "alive":
            continue
        ent = _find_entity(project, e.entity)
        touched = {x.keypath for x in edits if _find_entity(project, x.entity) is ent}
        if ent.kind == "characters" and getattr(ent.model, "died_in", None) and ("died_in",) not in touched:
            out.append(Edit(e.entity, ("died_in",), None, ""))
            e.label += f" (and `died_in: {ent.model.died_in}` removed)"
    return out


def _find_entity(project: Project, ref: str):
    kind, _, eid = ref.rpartition("/")
    found = [e for e in project.entities(kind or None) if e.id == eid]
    if not found:
        from novelforge.project.loader import suggest

        hint = suggest(eid, [e.id for e in project.entities()])
        raise OptionError(literal(f"no canon entry `{ref}`" + (f" — did you mean `{hint}`?" if hint else "")),
                          help="`{sets}` and `{kill}` take a canon id such as `aria` or `characters/aria`")
    if len(found) > 1:
        raise UsageError(f"`{eid}` is the id of several canon entries ({', '.join(e.kind for e in found)})",
                         help=f"say which: `{found[0].kind}/{eid}`")
    return found[0]


def apply_edits(project: Project, root: Path, edits: list[Edit]) -> None:
    """Write ``edits`` into the canon files of the copy of ``project`` at ``root``."""
    from io import StringIO

    from ruamel.yaml import YAML

    scene_ids = {s.id for s in project.scenes}
    by_file: dict[str, list[Edit]] = {}
    for e in edits:
        ent = _find_entity(project, e.entity)
        if e.keypath in (("died_in",), ("revived_in",)) and e.value is not None and e.value not in scene_ids:
            from novelforge.project.loader import suggest

            hint = suggest(str(e.value), sorted(scene_ids))
            raise OptionError("{value}: no scene has that id" + literal(f" — did you mean `{hint}`?" if hint else ""),
                              option=e.option, value=e.spec or e.value)
        if e.keypath == ("status",) and e.value == "dead" and ent.kind != "characters":
            raise OptionError("{value}: only characters die; " + literal(f"`{ent.kind}/{ent.id}` is not one"),
                              option="kill", value=e.entity)
        by_file.setdefault(ent.path, []).append(e)
    from novelforge.project.yamlio import YamlSyntaxError, guarded

    yaml = YAML()
    yaml.preserve_quotes = True
    for rel, file_edits in by_file.items():
        path = root / rel
        text = path.read_text("utf-8")
        front, body = text, None
        if path.suffix.lower() == ".md":
            head, sep, rest = text.partition("\n---")
            front, body = head.removeprefix("---\n"), sep + rest
        # The round-trip loader is ruamel's pure-Python one and `front` is not exactly the
        # text the project loader checked (this split differs from its front-matter rule, and
        # the copy is read again): the same guard as every other YAML place, before it reads.
        try:
            guarded(front, 1 if body is not None else 0)
        except YamlSyntaxError as exc:
            raise UsageError(f"`{rel}` cannot be edited: {exc.message.removeprefix('broken YAML: ')}",
                             path=rel, line=exc.line, column=exc.column,
                             help="fix the file (`novelforge check` shows where), then run the impact again") from None
        data = yaml.load(front) or {}
        for e in file_edits:
            node = data
            for key in e.keypath[:-1]:
                if not isinstance(node.get(key), dict):
                    node[key] = {}
                node = node[key]
            if e.value is None:
                node.pop(e.keypath[-1], None)
            else:
                node[e.keypath[-1]] = e.value
        out = StringIO()
        yaml.dump(data, out)
        new = out.getvalue()
        path.write_text(f"---\n{new}{body}" if body is not None else new, "utf-8")


@contextmanager
def edited_copy(project: Project, edits: list[Edit]) -> Iterator[Path]:
    """A temporary copy of the project with ``edits`` applied."""
    tmp = Path(tempfile.mkdtemp(prefix="novelforge-impact-"))
    try:
        root = tmp / "project"
        shutil.copytree(project.root, root, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", STATE_DIR))
        apply_edits(project, root, edits)
        yield root
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _key(d: Diagnostic, project: Project) -> tuple:
    """What identifies a finding across two versions: its rule, file and message, and the
    text of its line (line numbers move when a file above it changes)."""
    return (d.code, d.path, d.message, _line_text(project, d.path, d.line))


def _line_text(project: Project, path: str, line: int) -> str:
    lines = project.__dict__.setdefault("_impact_lines", {})
    if path not in lines:
        scene = next((s for s in project.scenes if s.path == path), None)
        if scene is not None:
            text = scene.text
        else:
            try:
                text = (project.root / path).read_text("utf-8", errors="replace")
            except OSError:
                text = ""
        lines[path] = text.splitlines()
    got = lines[path]
    return got[line - 1].strip() if 0 < line <= len(got) else ""


def compare(before: Project, after: Project, options, cache=None) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Findings only in ``after`` (appeared) and only in ``before`` (disappeared)."""
    from novelforge.rules.engine import check_project

    old = check_project(before, options, cache).diagnostics
    new = check_project(after, options, cache).diagnostics
    old_keys = Counter(_key(d, before) for d in old)
    new_keys = Counter(_key(d, after) for d in new)
    appeared, disappeared = [], []
    seen: Counter = Counter()
    for d in new:
        k = _key(d, after)
        seen[k] += 1
        if seen[k] > old_keys.get(k, 0):
            appeared.append(d)
    seen = Counter()
    for d in old:
        k = _key(d, before)
        seen[k] += 1
        if seen[k] > new_keys.get(k, 0):
            disappeared.append(d)
    return appeared, disappeared


def impact(root: Path, *, base: str | None = None, edits: list[Edit] | None = None, cache=None,
           options=None) -> Impact:
    """The impact of the canon and contract changes since ``base`` (committed and on
    disk), or, with ``edits``, of those edits on top of the project on disk."""
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import CheckOptions

    options = options or CheckOptions(use_baseline=False)
    current = load_project(root, cache)
    if edits:
        edits = _with_consequences(current, edits)
        with edited_copy(current, edits) as copy:
            after = load_project(copy, cache)
            _refuse_broken(after, current)
            changes = ChangeSet(base="", base_label="the project on disk")
            files = {e.path: "modified" for e in (_find_entity(current, x.entity) for x in edits)}
            affected_scenes(current, after, files, changes)
            appeared, disappeared = compare(current, after, options, cache)
        return Impact("the project on disk", "with " + "; ".join(e.label for e in edits if e.label),
                      changes, appeared, disappeared, [e.label for e in edits if e.label])
    from novelforge.vcs.repo import GitRepo
    from novelforge.vcs.snapshot import project_at

    with GitRepo(root) as repo:
        commit, label = repo.base_for(base)
        files = repo.changed_files(commit)
        with project_at(repo, commit, cache=cache, missing_ok=True) as before:
            changes = ChangeSet(base=commit, base_label=label)
            affected_scenes(before, current, files, changes)
            appeared, disappeared = compare(before, current, options, cache)
    return Impact(f"{label} ({commit[:8]})", "the project on disk", changes, appeared, disappeared)


def _refuse_broken(after: Project, before: Project) -> None:
    """An edit that makes a canon file invalid is a usage error, not a finding."""
    old = {(d.code, d.path, d.message) for d in before.diagnostics}
    for d in after.diagnostics:
        if (d.code, d.path, d.message) not in old and d.code.startswith("NF0"):
            raise OptionError(literal(f"the change makes {d.path} invalid: {d.message}"),
                              help="check the field name and value given to {sets}")
