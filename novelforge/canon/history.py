"""The history of one canon entry: every commit that added, changed, renamed or removed it,
newest first, with what changed in words.

The commits that touch ``canon/`` are walked from ``HEAD`` (plus the uncommitted state of
the working tree, when it differs); each is compared with its first parent, loading the
canon as it was (cached by the git tree of the ``canon`` folder, so an unchanged canon is
read once). A rename (see :mod:`novelforge.canon.diff`) is followed: older commits are
searched under the old id. The walk stops at the commit that created the entry. Merge
commits are skipped, as ``git log`` shows no changes for them: the commits on the merged
branch carry the changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from novelforge.canon.diff import diff_entities
from novelforge.canon.model import EntityChange
from novelforge.errors import UsageError

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


class _Snapshots:
    """Canon at a commit, loaded once per distinct ``canon`` tree."""

    def __init__(self, repo) -> None:
        self.repo = repo
        self._by_tree: dict[str, Canon] = {}

    def _path(self, rel: str) -> str:
        return f"{self.repo.prefix}/{rel}" if self.repo.prefix else rel

    def canon(self, sha: str | None) -> Canon:
        if sha is None:
            return {}
        tree = self.repo.repo.commit(sha).tree
        try:
            tree / self._path("novelforge.yaml")
            key = (tree / self._path("canon")).hexsha
        except KeyError:
            return {}     # no project (or no canon) in this commit
        if key not in self._by_tree:
            from novelforge.vcs.snapshot import project_at

            with project_at(self.repo, sha, manuscript=False) as project:
                self._by_tree[key] = project.canon
        return self._by_tree[key]

    def parent(self, sha: str) -> str | None:
        parents = self.repo.repo.commit(sha).parents
        return parents[0].hexsha if parents else None

    def is_merge(self, sha: str) -> bool:
        return len(self.repo.repo.commit(sha).parents) > 1


def _working_canon(repo) -> Canon | None:
    """The canon on disk, when it differs from HEAD (None when it does not)."""
    changed = repo.changed_files(repo.resolve("HEAD"))
    if not any(p.startswith("canon/") or p == "novelforge.yaml" for p in changed):
        return None
    from novelforge.project.loader import load_project

    return load_project(repo.project_root).canon


def entity_history(repo, query: str, *, limit: int | None = None, rev: str = "HEAD") -> EntityHistory:
    """The commits (newest first) that changed the entry ``query`` names. Raises
    :class:`UsageError` (with a did-you-mean) when no version of the canon has it."""
    from novelforge.project.validation import suggest

    if not repo.has_commits():
        from novelforge.vcs.repo import GitError

        raise GitError("the repository has no commits yet", help="commit the project first")
    snaps = _Snapshots(repo)
    head = repo.resolve(rev)
    commits = list(repo.commits(head, paths=["canon"]))
    working = _working_canon(repo) if rev == "HEAD" else None
    newest = working if working is not None else snaps.canon(head)

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
    history = EntityHistory(key[0], key[1], entity.model.name, key[1] in newest.get(key[0], {}))

    steps: list[tuple[Any, Canon, Canon]] = []
    if working is not None:
        steps.append((None, snaps.canon(head), working))
    kind, current = key
    pending = iter(commits)
    while limit is None or len(history.entries) < limit:
        if steps:
            commit, before, after = steps.pop()
        else:
            commit = next(pending, None)
            if commit is None:
                break
            if snaps.is_merge(commit.sha):
                continue
            before, after = snaps.canon(snaps.parent(commit.sha)), snaps.canon(commit.sha)
        if before.get(kind, {}).get(current) is after.get(kind, {}).get(current) and not _renamed_here(before, after, kind, current):
            continue
        change = _change_for(diff_entities(_only(before, kind), _only(after, kind)), kind, current)
        if change is None:
            continue
        history.entries.append(HistoryEntry(commit, change))
        if change.status == "renamed" and change.id == current:
            current = change.old_id or current
        elif change.status == "added":
            break
    return history


def _only(canon: Canon, kind: str) -> Canon:
    return {kind: canon.get(kind, {})}


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
