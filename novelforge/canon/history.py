"""The history of one canon entry: every commit that added, changed, renamed or removed it,
newest first, with what changed in words.

The commits that touch ``canon/`` are walked from ``HEAD`` (plus the uncommitted state of
the working tree, when it differs); each is compared with its first parent, loading the
canon as it was (cached by the git tree of the ``canon`` folder, so an unchanged canon is
read once), newest first in topological order (a commit always before its parents,
whatever the dates say). A rename (see :mod:`novelforge.canon.diff`) is followed: older
commits are searched under the old id. The walk stops at the commit that created the
entry. Merge commits are skipped, as ``git log`` shows no changes for them: the commits on
the merged branch carry the changes. A canon file one side of a step could not read is
not compared in that step (its entry would look removed or added); a note says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novelforge.canon.diff import diff_entities, unreadable, without_paths
from novelforge.canon.model import EntityChange
from novelforge.errors import UsageError
from novelforge.project.layout import CANON, CONFIG_FILE, in_canon

Canon = dict[str, dict[str, Any]]


@dataclass
class HistoryEntry:
    commit: Any                 # a CommitInfo, or None for the uncommitted working tree
    change: EntityChange


@dataclass
class EntityHistory:
    kind: str
    id: str                     # the id in the newest version that has the entry
    name: str | None
    exists: bool                # whether the newest version (working tree or HEAD) has it
    entries: list[HistoryEntry] = field(default_factory=list)
    truncated: bool = False     # the limit left older changes out
    notes: list[str] = field(default_factory=list)   # versions whose file of the entry could not be read

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.id}"


def find_entity(canon: Canon, query: str) -> list[tuple[str, str]]:
    """(kind, id) of the entries ``query`` names: `kind/id`, an id, or a name or alias
    (any case)."""
    q = query.strip()
    if "/" in q:
        kind, _, eid = q.partition("/")
        return [(kind, eid)] if eid in canon.get(kind, {}) else []
    found = [(k, q) for k in sorted(canon) if q in canon[k]]
    if found:
        return found
    cf = q.casefold()
    return [(k, i) for k in sorted(canon) for i in sorted(canon[k])
            if cf in {n.casefold() for n in canon[k][i].names}]


def _candidates(canon: Canon) -> list[str]:
    out: set[str] = set()
    for kind, entries in canon.items():
        for eid, e in entries.items():
            out |= {f"{kind}/{eid}", eid, *e.names}
    return sorted(out)


@dataclass
class _Version:
    canon: Canon
    unread: dict[str, tuple] = field(default_factory=dict)   # canon files it could not read
    label: str = ""


_NOTHING = _Version({})


class _Snapshots:
    """Canon at a commit, loaded once per distinct ``canon`` tree."""

    def __init__(self, repo) -> None:
        self.repo = repo
        self._by_tree: dict[str, _Version] = {}

    def _path(self, rel: str) -> str:
        return f"{self.repo.prefix}/{rel}" if self.repo.prefix else rel

    def version(self, sha: str | None) -> _Version:
        if sha is None:
            return _NOTHING
        tree = self.repo.repo.commit(sha).tree
        try:
            tree / self._path(CONFIG_FILE)
            key = (tree / self._path(CANON)).hexsha
        except KeyError:
            return _NOTHING     # no project (or no canon) in this commit
        if key not in self._by_tree:
            from novelforge.vcs.snapshot import project_at

            with project_at(self.repo, sha, manuscript=False) as project:
                self._by_tree[key] = _Version(project.canon, _canon_unread(project))
        found = self._by_tree[key]
        return _Version(found.canon, found.unread, sha[:8])

    def canon(self, sha: str | None) -> Canon:
        return self.version(sha).canon

    def parent(self, sha: str) -> str | None:
        parents = self.repo.repo.commit(sha).parents
        return parents[0].hexsha if parents else None

    def is_merge(self, sha: str) -> bool:
        return len(self.repo.repo.commit(sha).parents) > 1


def _canon_unread(project) -> dict[str, tuple]:
    return {path: why for path, why in unreadable(project).items() if in_canon(path)}


def _working_canon(repo) -> _Version | None:
    """The canon on disk, when it differs from HEAD (None when it does not)."""
    changed = repo.changed_files(repo.resolve("HEAD"))
    if not any(in_canon(p) or p == CONFIG_FILE for p in changed):
        return None
    from novelforge.project.loader import load_project

    project = load_project(repo.project_root)
    return _Version(project.canon, _canon_unread(project), "the working tree")


def _topo_order(repo, head: str, commits: list) -> list:
    """``commits`` with every commit before its parents (``git rev-list --topo-order``):
    the default order follows commit dates, which a wrong clock can put out of order."""
    if len(commits) < 2:
        return commits
    order = {sha: i for i, sha in enumerate(repo.repo.git.rev_list("--topo-order", head).split())}
    return sorted(commits, key=lambda c: order.get(c.sha, len(order)))


def entity_history(repo, query: str, *, limit: int | None = None, rev: str = "HEAD") -> EntityHistory:
    """The commits (newest first) that changed the entry ``query`` names. Raises
    :class:`UsageError` (with a did-you-mean) when no version of the canon has it."""
    from novelforge.project.validation import suggest

    if not repo.has_commits():
        from novelforge.vcs.repo import GitError

        raise GitError("the repository has no commits yet", help="commit the project first")
    snaps = _Snapshots(repo)
    head = repo.resolve(rev)
    commits = _topo_order(repo, head, list(repo.commits(head, paths=[CANON])))
    working = _working_canon(repo) if rev == "HEAD" else None
    latest = working if working is not None else snaps.version(head)
    newest = latest.canon

    # which entry: the newest version that has it
    key = None
    where: Canon | None = None
    for canon in _newest_first(snaps, newest, commits):
        found = find_entity(canon, query)
        if len(found) > 1:
            raise UsageError(f"`{query}` names more than one canon entry: "
                             + ", ".join(f"{k}/{i}" for k, i in found),
                             help="write it as kind/id, e.g. `" + f"{found[0][0]}/{found[0][1]}`")
        if found:
            key, where = found[0], canon
            break
    if key is None or where is None:
        hint = suggest(query.strip(), _candidates(newest))
        raise UsageError(f"no canon entry `{query.strip()}` in this project or its history"
                         + (f" — did you mean `{hint}`?" if hint else ""),
                         help="give an id (`aria`), kind/id (`characters/aria`) or a name")
    entity = where[key[0]][key[1]]
    history = EntityHistory(key[0], key[1], entity.model.name,
                            key[1] in newest.get(key[0], {}) or entity.path in latest.unread)

    steps: list[tuple[Any, _Version, _Version]] = []
    if working is not None:
        steps.append((None, snaps.version(head), working))
    kind, current = key
    pending = iter(commits)
    # one change past the limit, to know whether the limit cut the history short
    while limit is None or len(history.entries) <= limit:
        if steps:
            commit, old, new = steps.pop()
        else:
            commit = next(pending, None)
            if commit is None:
                break
            if snaps.is_merge(commit.sha):
                continue
            old, new = snaps.version(snaps.parent(commit.sha)), snaps.version(commit.sha)
        before, after = old.canon, new.canon
        if (before.get(kind, {}).get(current) is after.get(kind, {}).get(current)
                and not _renamed_here(before, after, kind, current)):
            continue
        unread = {p for p in set(old.unread) | set(new.unread) if old.unread.get(p) != new.unread.get(p)}
        for version, other in ((old, after), (new, before)):
            entry = other.get(kind, {}).get(current)
            if entry is not None and entry.path in unread and entry.path in version.unread:
                note = f"could not read `{entry.path}` in {version.label}; its entries are not compared"
                if note not in history.notes:
                    history.notes.append(note)
        change = _change_for(diff_entities(_only(before, kind, unread), _only(after, kind, unread)), kind, current)
        if change is None:
            continue
        history.entries.append(HistoryEntry(commit, change))
        if change.status == "renamed" and change.id == current:
            current = change.old_id or current
        elif change.status == "added":
            break
    if limit is not None and len(history.entries) > limit:
        del history.entries[limit:]
        history.truncated = True
    return history


def _only(canon: Canon, kind: str, unread: set[str]) -> Canon:
    return without_paths({kind: canon.get(kind, {})}, unread)


def _renamed_here(before: Canon, after: Canon, kind: str, eid: str) -> bool:
    """Whether ``eid`` could have appeared or disappeared in this step (a rename to or from it)."""
    return (eid in after.get(kind, {})) != (eid in before.get(kind, {}))


def _change_for(changes: list[EntityChange], kind: str, eid: str) -> EntityChange | None:
    for ec in changes:
        if ec.kind == kind and ec.id == eid:
            return ec
    for ec in changes:
        if ec.kind == kind and ec.status == "renamed" and ec.old_id == eid:
            return ec
    return None


def _newest_first(snaps: _Snapshots, newest: Canon, commits: list) -> Any:
    yield newest
    for c in commits:
        yield snaps.canon(c.sha)
