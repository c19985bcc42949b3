"""``canon rename OLD NEW`` and ``canon merge A B``: rewrite every reference to a canon entry
(or a promise) across the project — scene front matter, canon cross-references, contracts,
promise markers in the prose — and write every changed file or none.

An id is replaced where it stands (canon/refs.py), so comments, quoting and layout stay as
they were; only a merge edits structure, with ruamel's round-trip loader: the surviving
entry gains the other's names as aliases and its fields, and a list or mapping that named
both keeps one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from novelforge.canon import refs as R
from novelforge.canon.absorb import absorb as _absorb
from novelforge.canon.write_all import broken as _broken
from novelforge.canon.write_all import text_of as _text_of
from novelforge.canon.write_all import write  # noqa: F401  (the second step: api.canon_rename/canon_merge)
from novelforge.errors import UsageError
from novelforge.project.layout import BASELINE_FILE

ID = re.compile(r"^[A-Za-z0-9][\w.\-]*$")
TEXT_FIELDS = ("name", "summary", "description", "notes", "status", "died_in", "revived_in", "holder", "when",
               "kind", "importance", "payoff_within")


@dataclass
class FileChange:
    path: str                  # project-relative, forward slashes
    before: str | None         # None: a new file
    after: str | None          # None: the file is removed
    references: int = 0        # ids rewritten in it
    moved_from: str | None = None


@dataclass
class CanonEdit:
    """What a rename or merge changes (``dry_run``: what it would change)."""

    action: str                # "rename" | "merge"
    old: str                   # kind/id
    new: str                   # kind/id
    files: list[FileChange] = field(default_factory=list)
    aliases_added: list[str] = field(default_factory=list)
    fields_merged: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)   # duplicates a merge removed (`characters: [a, a]`)
    written: bool = False

    @property
    def references(self) -> int:
        return sum(f.references for f in self.files)


# ----------------------------------------------------------------------------- ids
def resolve(project, query: str) -> tuple[str, str]:
    """(kind, id) of a canon entry or promise: ``characters/eliza``, ``promises/oath`` or
    ``eliza`` when only one entry has that id."""
    from novelforge.project.loader import suggest

    kind, _, eid = query.strip().rpartition("/")
    pool = [(e.kind, e.id) for e in project.entities()] + [("promises", p) for p in project.promises]
    found = [(k, i) for k, i in pool if i == eid and (not kind or k == kind)]
    if not found:
        hint = suggest(eid, sorted({i for _k, i in pool}))
        raise UsageError(f"no canon entry or promise `{query}`" + (f" — did you mean `{hint}`?" if hint else ""),
                         help="give an id such as `eliza` or `characters/eliza` (`novelforge canon log` "
                              "takes the same)")
    if len(found) > 1:
        raise UsageError(f"`{eid}` is the id of several entries ({', '.join(k for k, _ in found)})",
                         help=f"say which: `{found[0][0]}/{eid}`")
    return found[0]


def _entry_path(project, kind: str, eid: str) -> str:
    if kind == "promises":
        return project.promises[eid].path
    return project.canon[kind][eid].path


# ----------------------------------------------------------------------------- the plan
class _Plan:
    def __init__(self, project, kind: str, old: str, new: str, merge: bool, keep: str | None = None) -> None:
        self.project, self.kind, self.old, self.new, self.merge = project, kind, old, new, merge
        self.keep = keep
        self.dropped: list[str] = []
        self.root: Path = project.root
        ids = [(e.kind, e.id) for e in project.entities()] + [("promises", p) for p in project.promises]
        self.unique = sum(1 for _k, i in ids if i == old) == 1   # an any-kind slot may name it

    def wanted(self, ref: R.Ref) -> bool:
        if ref.value != self.old:
            return False
        if ref.kind is None:
            return self.kind != "promises" and self.unique
        return ref.kind == self.kind

    def rewrite_yaml(self, text: str, slots, rel: str, extra=None) -> tuple[str, int]:
        """``text`` (one YAML document) with the id replaced in ``slots``; ``extra`` may edit
        the round-trip data first (a merge)."""
        if self.old not in text and extra is None:
            return text, 0
        try:
            tree = R.compose(text)
        except Exception as exc:
            raise _broken(rel, exc) from None
        found = [r for r in R.refs(tree, slots) if self.wanted(r)]
        if self.merge and (extra is not None or self._doubles(tree, slots)):
            text = self._structure(text, slots, rel, extra)
            tree = R.compose(text)
            found = [r for r in R.refs(tree, slots) if self.wanted(r)]
        out = text
        for r in sorted(found, key=lambda r: r.start, reverse=True):
            raw = out[r.start:r.end]
            if raw != R.spelled(r.value, r.style) and raw != r.value:
                raise UsageError(f"`{rel}`: the id `{r.value}` is written in a way this command cannot rewrite "
                                 f"safely (`{raw}`)", path=rel, help="write it plainly, then run the command again")
            out = out[:r.start] + R.spelled(self.new, r.style) + out[r.end:]
        return out, len(found)

    def _doubles(self, tree, slots) -> bool:
        """Whether a list or mapping slot names both the merged entries."""
        every = [r for r in R.refs(tree, slots) if r.key or isinstance(r.path[-1], int)]
        if slots is R.SCENE_SLOTS:   # present in the cast and named in `mentions`: one place is enough
            cast = {r.value for r in every if r.path[:1] == ("characters",)}
            named = {r.value for r in every if r.path[:1] == ("mentions",)}
            if (self.new in cast and self.old in named) or (self.old in cast and self.new in named):
                return True
        for group in {r.path[:-1] for r in every}:
            names = {r.value for r in every if r.path[:-1] == group and (self.wanted(r) or r.value == self.new)}
            if {self.old, self.new} <= names:
                return True
        return False

    def _structure(self, text: str, slots, rel: str, extra) -> str:
        """A merge's structural edits, on ruamel's round-trip data: the second of two names
        for one entry in a list or mapping is dropped, then ``extra`` (the surviving entry)."""
        data, dump = _round_trip(text, rel)
        for pattern, _kind in slots:
            if pattern[-1] == "*":
                for holder in _containers(data, pattern[:-1]):
                    if isinstance(holder, list) and self.old in holder and self.new in holder:
                        while self.old in holder:
                            holder.remove(self.old)
                        self.dropped.append(f"{rel}: `{self.old}` (already listed as `{self.new}`)")
            elif pattern[-1] == "#":
                for holder in _containers(data, pattern[:-1]):
                    if isinstance(holder, dict) and self.old in holder and self.new in holder:
                        if holder[self.old] != holder[self.new] and self.keep != "b":
                            if self.keep != "a":
                                raise _conflict(rel, f"{'.'.join(map(str, pattern[:-1]))}", self.new,
                                                holder[self.new], holder[self.old], self)
                        if self.keep == "b":
                            holder[self.new] = holder[self.old]
                        del holder[self.old]
                        self.dropped.append(f"{rel}: `{self.old}` (already there as `{self.new}`)")
        if slots is R.SCENE_SLOTS and isinstance(data, dict):
            cast, named = data.get("characters"), data.get("mentions")
            if isinstance(cast, list) and isinstance(named, list) and {self.old, self.new} & set(cast):
                for gone in [n for n in (self.old, self.new) if n in named]:
                    named.remove(gone)
                    self.dropped.append(f"{rel}: `{gone}` from `mentions` (in the cast as `{self.new}`)")
        if extra is not None:
            extra(data)
        return dump(data)


def _containers(data: Any, pattern: tuple[str, ...]):
    if not pattern:
        yield data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "?" and isinstance(data, dict):
        for value in data.values():
            yield from _containers(value, rest)
    elif head == "*" and isinstance(data, list):
        for value in data:
            yield from _containers(value, rest)
    elif isinstance(data, dict) and head in data:
        yield from _containers(data[head], rest)


def _round_trip(text: str, rel: str):
    from io import StringIO

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    offset = 2 if re.search(r"^( *)\S[^\n]*:\n\1  - ", text, re.M) else 0
    yaml.indent(mapping=2, sequence=2 + offset, offset=offset)
    try:
        data = yaml.load(text)
    except Exception as exc:
        raise _broken(rel, exc) from None

    def dump(value) -> str:
        out = StringIO()
        yaml.dump(value, out)
        return out.getvalue()

    return data, dump


def _conflict(rel: str, key: str, a: str, va: Any, vb: Any, plan) -> UsageError:
    return UsageError(f"`{rel}`: `{key}` differs — `{va}` for `{plan.new}`, `{vb}` for `{plan.old}`",
                      path=rel, help="say which wins with --keep a (the first entry) or --keep b (the second); "
                                     "nothing was written")


# ----------------------------------------------------------------------------- per file
def _scene(plan: _Plan, text: str, rel: str) -> tuple[str, int]:
    count = 0
    span = R.front_matter(text)
    if span is not None:
        a, b = span
        yaml_text, n = plan.rewrite_yaml(text[a:b], R.SCENE_SLOTS, rel)
        text, count = text[:a] + yaml_text + text[b:], n
    if plan.kind == "promises":
        body_from = (text.find("\n", R.front_matter(text)[1]) + 1) if span is not None else 0

        def swap(m: re.Match) -> str:
            nonlocal count
            if m.group(2) != plan.old:
                return m.group(0)
            count += 1
            return m.group(1) + plan.new + m.group(3)

        text = text[:body_from] + R.MARKER.sub(swap, text[body_from:])
    return text, count


# ----------------------------------------------------------------------------- rename, merge
def plan(project, old_query: str, new_query: str, *, merge: bool, keep: str | None = None) -> CanonEdit:
    """The files a rename (``old`` → ``new``, a new id) or a merge (``new`` absorbs ``old``;
    both exist) would change. Nothing is written."""
    if merge:
        kind, new = resolve(project, new_query)
        old_kind, old = resolve(project, old_query)
        if old_kind != kind:
            raise UsageError(f"`{kind}/{new}` and `{old_kind}/{old}` are different kinds; only entries of one "
                             "kind merge")
        if old == new:
            raise UsageError(f"`{kind}/{new}` is one entry; give two to merge")
    else:
        kind, old = resolve(project, old_query)
        new_kind, _, new = new_query.strip().rpartition("/")
        if new_kind and new_kind != kind:
            raise UsageError(f"`{kind}/{old}` cannot become a `{new_kind}` entry; a rename keeps the kind",
                             help=f"give the new id alone: novelforge canon rename {kind}/{old} {new}")
        if not ID.match(new):
            raise UsageError(f"`{new}` cannot be an id: use letters, digits, `-`, `_` and `.`",
                             help="for example `elizabeth-bennet`")
        taken = [e.kind for e in project.entities() if e.id == new] + (["promises"] if new in project.promises
                                                                          else [])
        if new == old:
            raise UsageError(f"`{kind}/{old}` already has that id")
        if taken:
            raise UsageError(f"`{new}` is already the id of {', '.join(f'`{k}/{new}`' for k in taken)}",
                             help=f"to make one entry of the two, use: novelforge canon merge {new} {old}")
    p = _Plan(project, kind, old, new, merge, keep)
    edit = CanonEdit("merge" if merge else "rename", f"{kind}/{old}", f"{kind}/{new}")
    root = project.root
    own = _entry_path(project, kind, old)
    target = _entry_path(project, kind, new) if merge else None

    def add(rel: str, before: str, after: str, count: int, **kw) -> None:
        if after != before or kw:
            edit.files.append(FileChange(rel, before, after, count, **kw))

    read: dict[str, tuple[str, str, str]] = {}

    def load(rel: str) -> str:
        path = root / rel
        if path.is_symlink():
            raise UsageError(f"`{rel}` is a link; it is not edited", path=rel,
                             help="replace the link with the file, then run the command again")
        read[rel] = _text_of(path)
        return read[rel][0]

    for scene in project.scenes:
        text = load(scene.path)
        after, n = _scene(p, text, scene.path)
        add(scene.path, text, after, n)
    entries = [(e.path, e.kind, e.id) for e in project.entities()]
    entries += [(pr.path, "promises", pid) for pid, pr in project.promises.items()]
    for rel, ekind, eid in entries:
        text = load(rel)
        slots = R.ENTITY_SLOTS + ((("id",), kind),) if (ekind, eid) == (kind, old) else R.ENTITY_SLOTS
        if merge and rel == own:
            continue                  # absorbed into the surviving entry, then removed
        if merge and rel == target:
            after, n = p.rewrite_yaml(text, slots, rel, extra=_absorb(p, edit, root / own, rel))
            add(rel, text, after, n)
            continue
        after, n = p.rewrite_yaml(text, slots, rel)
        if not merge and rel == own and Path(rel).stem == old:
            moved = str(Path(rel).with_name(new + Path(rel).suffix).as_posix())
            if (root / moved).exists():
                raise UsageError(f"`{moved}` exists already", path=moved,
                                 help="move it away, or merge the two entries with `novelforge canon merge`")
            edit.files.append(FileChange(moved, None, after, n, moved_from=rel))
            edit.files.append(FileChange(rel, text, None, 0))
            continue
        add(rel, text, after, n)
    if merge:
        edit.files.append(FileChange(own, load(own), None, 0))
    for rel in _contract_files(root):
        text = load(rel)
        after, n = p.rewrite_yaml(text, R.CONTRACT_SLOTS, rel)
        add(rel, text, after, n)
    baseline = root / BASELINE_FILE
    if baseline.is_file() and not baseline.is_symlink():
        moved = {f.moved_from: f.path for f in edit.files if f.moved_from}
        text = load(BASELINE_FILE)
        after, n = _baseline(text, kind, old, new, moved)
        add(BASELINE_FILE, text, after, n)
    _refuse_unread(project, root, old, {f for f in read})
    edit.dropped = p.dropped
    edit._read = read   # type: ignore[attr-defined]
    return edit


def _baseline(text: str, kind: str, old: str, new: str, moved: dict[str, str]) -> tuple[str, int]:
    """``.novelforge/baseline.json`` with the findings it records following the edit: a
    finding is recorded by its file and its message, and both name the entry (the file of a
    renamed entry moves; a message quotes the id, `` `old` `` or `` `kind/old` ``), so
    without this every baselined finding about the entry would come back as new. The
    entries that changed are counted; a file that is not a baseline is left as it is (the
    check reports it)."""
    import json
    from collections import Counter

    quoted = re.compile(rf"`((?:{re.escape(kind)}/)?){re.escape(old)}`")
    try:
        data = json.loads(text)
        entries = data["findings"]
        counts: Counter[tuple[str, str, str]] = Counter()
        changed = 0
        for e in entries:
            path, message = moved.get(e["path"], e["path"]), quoted.sub(rf"`\g<1>{new}`", e["message"])
            changed += (path, message) != (e["path"], e["message"])
            counts[(path, e["code"], message)] += int(e["count"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return text, 0
    if not changed:
        return text, 0
    data["findings"] = [{"path": path, "code": code, "message": message, "count": count}
                        for (path, code, message), count in sorted(counts.items())]
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n", changed


def _contract_files(root: Path) -> list[str]:
    folder = root / "contracts"
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(p.relative_to(root).as_posix() for p in folder.rglob("*")
                  if p.suffix.lower() in (".yaml", ".yml") and p.is_file() and not p.is_symlink())


def _refuse_unread(project, root: Path, old: str, seen: set[str]) -> None:
    """A canon file the project could not read (broken YAML) that names the id: its
    references could not be rewritten, so nothing is."""
    folder = root / "canon"
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel in seen or path.suffix.lower() not in (".yaml", ".yml") or not path.is_file() or path.is_symlink():
            continue
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if re.search(rf"(?<![\w-]){re.escape(old)}(?![\w-])", text):
            raise UsageError(f"`{rel}` names `{old}` but cannot be read (broken YAML)", path=rel,
                             help="fix the file (`novelforge check` shows where), then run the command again; "
                                  "nothing was written")
