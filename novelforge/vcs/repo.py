"""Read-only access to the git repository around a project, safe on untrusted checkouts.

A pull request from a stranger may come with a repository whose configuration names
programs to run: ``core.fsmonitor``, clean/smudge ``filter.*`` drivers, ``diff.external``,
``textconv``, ``core.pager``, hooks, ``gpg.program`` behind ``log.showSignature``. NovelForge
never lets git run any of them:

* it never asks git about the working tree (no ``status``, ``diff`` or ``add``: those are
  what consult ``core.fsmonitor`` and the filters). Which files changed is worked out in
  :mod:`.worktree`, by hashing the files on disk the way git hashes blobs;
* it reads history only with plumbing that runs no configured program: GitPython's own
  ref parser, ``cat-file --batch`` (no ``--filters``, no ``--textconv``), ``rev-list``
  and ``merge-base``;
* every git process gets ``-c`` overrides for the settings that name programs
  (``core.fsmonitor``, ``core.hooksPath``, ``core.pager``, ``diff.external``,
  ``log.showSignature``, ``protocol.allow=never`` so a partial clone cannot fetch), and an
  environment without ``GIT_EXTERNAL_DIFF``/``GIT_PAGER`` and without prompts;
* revisions given on the command line are resolved by GitPython in Python, never passed
  to git where they could be read as an option.

GitPython must be a release without the known command-injection advisories (see
``pyproject.toml``). Tests run every git command NovelForge has against a canary
repository whose configuration would create a marker file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from novelforge.errors import NovelForgeError
from novelforge.vcs.worktree import SKIPPED_DIRS, changed_on_disk, diff_listings, safe_tree_path, working_files

# settings that make git run a program, pinned off for every git process we start
HARDENED_CONFIG = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.sshCommand=false",
    "core.askPass=",
    "credential.helper=",
    "diff.external=",
    "log.showSignature=false",
    "protocol.allow=never",
    "uploadpack.packObjectsHook=",
)
_DROPPED_ENV = ("GIT_EXTERNAL_DIFF", "GIT_PAGER", "PAGER", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH",
                "GIT_SSH_COMMAND", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_PROXY_COMMAND")


class GitError(NovelForgeError):
    """Something about the repository or a revision: exit code 2 with a one-line message."""


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    author: str
    email: str
    date: str          # ISO 8601 with the author's offset
    summary: str

    @property
    def short(self) -> str:
        return self.sha[:8]


def _listing_shape(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(rel, str) and safe_tree_path(rel) and len(entry) == 2 and isinstance(entry[0], str)
        and isinstance(entry[1], int) for rel, entry in value.items())


class GitRepo:
    """The repository that holds a project, opened read-only with hardened options."""

    def __init__(self, project_root: Path) -> None:
        import git  # GitPython: imported only by the commands that need a repository

        self.project_root = Path(project_root).absolute()
        try:
            self.repo = git.Repo(self.project_root, search_parent_directories=True)
        except git.InvalidGitRepositoryError:
            raise GitError(f"`{self.project_root}` is not inside a git repository",
                           help="run `git init` and commit the project first") from None
        except git.NoSuchPathError:
            raise GitError(f"`{self.project_root}` does not exist") from None
        if self.repo.bare or self.repo.working_tree_dir is None:
            raise GitError(f"`{self.project_root}` is in a bare repository; NovelForge needs a working tree")
        self.work_tree = Path(os.path.realpath(self.repo.working_tree_dir))
        real = Path(os.path.realpath(self.project_root))
        try:
            rel = real.relative_to(self.work_tree).as_posix()
        except ValueError:
            raise GitError(f"`{self.project_root}` is not inside the work tree `{self.work_tree}`") from None
        self.prefix = "" if rel == "." else rel   # the project's folder inside the repository
        self.repo.git.set_persistent_git_options(c=list(HARDENED_CONFIG))
        env = {k: None for k in _DROPPED_ENV}
        env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", GIT_NO_LAZY_FETCH="1",
                   GIT_CONFIG_NOSYSTEM=os.environ.get("GIT_CONFIG_NOSYSTEM", "0"))
        self.repo.git.update_environment(**env)

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> "GitRepo":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ revisions
    def resolve(self, rev: str) -> str:
        """The commit id a revision names (`HEAD~2`, `main`, a tag, a sha). Resolved by
        GitPython in Python, so nothing a user types reaches git as an option."""
        import git
        from gitdb.exc import BadName, BadObject

        rev = rev.strip()
        if not rev or rev.startswith("-") or any(ord(c) < 32 for c in rev):
            raise GitError(f"`{rev}` is not a revision")
        try:
            commit = self.repo.commit(rev)
        except (BadName, BadObject, ValueError, IndexError, git.GitCommandError) as exc:
            raise GitError(f"unknown revision `{rev}`",
                           help="give a branch, tag or commit (`git log --oneline` lists commits)") from exc
        return commit.hexsha

    def has_commits(self) -> bool:
        try:
            self.repo.head.commit
        except ValueError:
            return False
        return True

    def merge_base(self, a: str, b: str) -> str | None:
        import git

        try:
            out = self.repo.git.merge_base(self.resolve(a), self.resolve(b))
        except git.GitCommandError:
            return None
        return out.split()[0] if out.strip() else None

    def upstream(self) -> str | None:
        """The remote-tracking branch of the current branch (``@{upstream}``), if any."""
        try:
            branch = self.repo.active_branch
        except TypeError:  # detached HEAD
            return None
        try:
            tracking = branch.tracking_branch()
        except (ValueError, KeyError):
            return None
        if tracking is None or not tracking.is_valid():
            return None
        return tracking.path

    def default_base(self) -> tuple[str, str]:
        """(commit, description) of what ``--changed`` compares with by default: the merge
        base with the upstream branch, or HEAD."""
        if not self.has_commits():
            raise GitError("the repository has no commits yet",
                           help="commit the project first, or run `novelforge check` without --changed")
        up = self.upstream()
        if up:
            base = self.merge_base("HEAD", up)
            if base:
                return base, f"the merge base with {up.removeprefix('refs/remotes/')}"
        return self.resolve("HEAD"), "HEAD"

    def base_for(self, ref: str | None) -> tuple[str, str]:
        """The commit ``--base REF`` stands for: the merge base of REF and HEAD (what a pull
        request into REF changes), or REF itself when they share no history."""
        if ref is None:
            return self.default_base()
        target = self.resolve(ref)
        if self.has_commits():
            base = self.merge_base("HEAD", target)
            if base and base != target:
                return base, f"the merge base with {ref}"
        return target, ref

    # ------------------------------------------------------------------ trees
    def tree_files(self, rev: str) -> dict[str, str]:
        """Project-relative path → blob id of every file of the project in commit ``rev``
        (links, submodules and unsafe names left out)."""
        return {rel: sha for rel, (sha, _size) in self._listing(self.resolve(rev)).items()}

    def _listing(self, commit: str, cache=None, key: Callable[[str, str], str] | None = None
                 ) -> dict[str, tuple[str, int]]:
        """path → (blob id, size) from one ``git ls-tree -r -l -z`` (plumbing: runs no
        configured program), remembered per commit, and in the analysis ``cache`` under
        ``key(commit, prefix)`` when both are given (a commit's listing never changes: a
        repeated ``--changed`` against the same base starts no git process for it)."""
        import git

        memo = self.__dict__.setdefault("_listings", {})
        if commit in memo:
            return memo[commit]
        name = key(commit, self.prefix) if cache is not None and key is not None else None
        if name is not None:
            stored = cache.get(name, shape=_listing_shape)
            if stored is not None:
                memo[commit] = files = {rel: (sha, size) for rel, (sha, size) in stored.items()}
                return files
        args = ["-r", "-l", "-z", "--full-tree", commit]
        if self.prefix:
            args += ["--", self.prefix + "/"]
        try:
            out = self.repo.git.ls_tree(*args, strip_newline_in_stdout=False)
        except git.GitCommandError as exc:
            raise GitError(f"cannot read commit {commit[:12]}: {(exc.stderr or '').strip() or exc}") from None
        files: dict[str, tuple[str, int]] = {}
        cut = len(self.prefix) + 1 if self.prefix else 0
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            parts = meta.split()
            if len(parts) != 4 or parts[0] not in ("100644", "100755") or parts[1] != "blob":
                continue   # trees, submodules and symbolic links
            rel = path[cut:]
            if not safe_tree_path(rel) or rel.split("/")[0] in SKIPPED_DIRS:
                continue
            files[rel] = (parts[2], int(parts[3]))
        memo[commit] = files
        if name is not None:
            cache.set(name, files)
        return files

    def tracks(self, rel: str) -> bool:
        """Whether the index holds anything at or below the project-relative ``rel``
        (``git ls-files``: plumbing, no filter runs)."""
        import git

        path = (self.prefix + "/" + rel) if self.prefix else rel
        try:
            return bool(self.repo.git.ls_files("-z", "--full-name", "--", path, strip_newline_in_stdout=False))
        except git.GitCommandError:
            return False

    def index_files(self) -> dict[str, str]:
        """Project-relative path → blob id of every project file staged in the index (what
        ``git commit`` would record), from ``git ls-files --stage`` (plumbing: it reads the
        index, runs no filter, and fsmonitor is off)."""
        import git

        args = ["--stage", "-z", "--full-name"]
        if self.prefix:
            args += ["--", self.prefix + "/"]
        try:
            out = self.repo.git.ls_files(*args, strip_newline_in_stdout=False)
        except git.GitCommandError as exc:
            raise GitError(f"cannot read the staging area: {(exc.stderr or '').strip() or exc}") from None
        files: dict[str, str] = {}
        cut = len(self.prefix) + 1 if self.prefix else 0
        conflicted = []
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            parts = meta.split()
            if len(parts) != 3 or parts[0] not in ("100644", "100755"):
                continue   # links and submodules
            rel = path[cut:]
            if parts[2] != "0":
                conflicted.append(rel)
                continue
            if safe_tree_path(rel) and rel.split("/")[0] not in SKIPPED_DIRS:
                files[rel] = parts[1]
        if conflicted:
            raise GitError(f"`{conflicted[0]}` has unresolved merge conflicts in the staging area",
                           help="resolve them and `git add` the file, then commit")
        return files

    def materialize(self, rev: str, dest: Path, *, keep: Callable[[str], bool] | None = None,
                    max_size: int = 64_000_000) -> dict[str, str]:
        """Write the project as it was in ``rev`` into the empty folder ``dest`` (no
        checkout: nothing of the working tree, no filters, no hooks). ``keep`` chooses
        which project-relative paths to write (default: all).
        Returns the files written (path → blob id)."""
        return self.write_files(self.tree_files(rev), dest, keep=keep, max_size=max_size)

    def write_files(self, files: dict[str, str], dest: Path, *, keep: Callable[[str], bool] | None = None,
                    max_size: int = 64_000_000) -> dict[str, str]:
        """Write blobs (project-relative path → blob id) below the folder ``dest``."""
        dest = Path(dest)
        real_dest = Path(os.path.realpath(dest))
        written: dict[str, str] = {}
        for rel, sha in files.items():
            if keep is not None and not keep(rel):
                continue
            target = dest.joinpath(*PurePosixPath(rel).parts)
            if not Path(os.path.realpath(target.parent)).is_relative_to(real_dest) and target.parent.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            stream = self.repo.odb.stream(bytes.fromhex(sha))
            if stream.size > max_size:
                data = stream.read(max_size + 1)   # the loader reports the oversized file
            else:
                data = stream.read()
            with open(target, "wb") as fh:
                fh.write(data)
            written[rel] = sha
        return written

    # ------------------------------------------------------------------ working tree
    def working_files(self) -> dict[str, Path]:
        """Project-relative path → absolute path of every file under the project on disk
        (:func:`~novelforge.vcs.worktree.working_files`)."""
        return working_files(self.project_root)

    def changed_files(self, base: str, cache=None, key: Callable[[str, str], str] | None = None) -> dict[str, str]:
        """Project files that differ between commit ``base`` and the files on disk:
        path → ``added``, ``modified`` or ``deleted``. Worked out by hashing the files the
        way git does, so git never looks at the working tree (no fsmonitor, no filters)."""
        return changed_on_disk(self._listing(self.resolve(base), cache, key), self.working_files())

    def changed_in_index(self) -> tuple[dict[str, str], dict[str, str]]:
        """(the staged files, the project files the index changes against HEAD)."""
        staged = self.index_files()
        head = self.tree_files("HEAD") if self.has_commits() else {}
        return staged, diff_listings(head, staged)

    # ------------------------------------------------------------------ history
    def commits(self, rev: str = "HEAD", paths: list[str] | None = None,
                limit: int | None = None) -> Iterator[CommitInfo]:
        """Commits reachable from ``rev`` that touch ``paths`` (project-relative), newest first."""
        import git

        if not self.has_commits():
            return
        args = ["--format=%H%x00%an%x00%ae%x00%aI%x00%s", self.resolve(rev)]
        if limit:
            args.insert(0, f"--max-count={int(limit)}")
        spec = [f"{self.prefix}/{p}" if self.prefix else p for p in (paths or [self.prefix or "."])]
        try:
            out = self.repo.git.rev_list(*args, "--", *spec)
        except git.GitCommandError as exc:
            raise GitError(f"cannot read the history: {exc.stderr.strip() or exc}") from None
        for line in out.splitlines():
            if line.startswith("commit ") or "\0" not in line:
                continue
            sha, name, email, date, summary = (line.split("\0") + [""] * 5)[:5]
            yield CommitInfo(sha, name, email, date, summary)
