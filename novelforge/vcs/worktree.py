"""What NovelForge works out about a repository without running git: the id git gives a
file's bytes, which paths from a tree are safe to write, the project's files on disk and
how they differ from a commit's listing, and revision ranges (``A..B``, ``A...B``).

Comparing files on disk with a commit here, by hashing them the way git hashes blobs, is
what keeps git away from the working tree (no ``status`` or ``diff``: those consult
``core.fsmonitor`` and the filters; see :mod:`novelforge.vcs.repo`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from novelforge.project.layout import STATE_DIR

# folders of a project that never hold project files
SKIPPED_DIRS = {".git", STATE_DIR}


def blob_sha(data: bytes) -> str:
    """The id git gives a file with these bytes (``git hash-object``)."""
    h = hashlib.sha1(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def safe_tree_path(path: str) -> bool:
    """A path from a tree that can be written below a folder: no `..`, no absolute or
    drive paths, no `.git`, no control characters."""
    if not path or path.startswith("/") or "\\" in path or "\0" in path or ":" in path.split("/")[0]:
        return False
    parts = path.split("/")
    return all(p not in ("", ".", "..") and p.lower() != ".git" and not any(ord(c) < 32 for c in p)
               for p in parts)


def working_files(root: Path) -> dict[str, Path]:
    """Project-relative path → absolute path of every file under the project on disk
    (``.git`` and ``.novelforge`` left out; links not followed). One ``scandir`` per
    folder: its entries say what is a file, a folder or a link without a stat each."""
    out: dict[str, Path] = {}
    base = Path(root)
    pending: list[tuple[str, str]] = [(str(base), "")]
    while pending:
        folder, rel_dir = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        continue
                    rel = f"{rel_dir}{entry.name}"
                    if entry.is_dir(follow_symlinks=False):
                        if not (not rel_dir and entry.name in SKIPPED_DIRS):
                            pending.append((entry.path, rel + "/"))
                    elif entry.is_file(follow_symlinks=False):
                        out[rel] = base / rel
        except OSError:
            continue
    return dict(sorted(out.items()))


def changed_on_disk(listing: dict[str, tuple[str, int]], now: dict[str, Path]) -> dict[str, str]:
    """path → ``added``, ``modified`` or ``deleted`` between a commit's ``listing`` (path →
    (blob id, size)) and the files on disk ``now`` (path → absolute path, from
    :func:`working_files`): sizes first, then the bytes hashed as git does."""
    out: dict[str, str] = {}
    for rel, path in now.items():
        entry = listing.get(rel)
        if entry is None:
            out[rel] = "added"
            continue
        sha, size = entry
        try:
            if os.path.getsize(path) != size:
                out[rel] = "modified"
                continue
            with open(path, "rb") as fh:
                if blob_sha(fh.read()) != sha:
                    out[rel] = "modified"
        except OSError:
            out[rel] = "modified"
    for rel in listing:
        if rel not in now:
            out[rel] = "deleted"
    return out


def diff_listings(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """path → added | modified | deleted between two listings (path → blob id)."""
    out = {rel: "added" for rel in new if rel not in old}
    out.update({rel: "modified" for rel in new if rel in old and old[rel] != new[rel]})
    out.update({rel: "deleted" for rel in old if rel not in new})
    return out


def split_range(spec: str | None) -> tuple[str | None, str | None, bool]:
    """``A..B`` → (A, B, False); ``A...B`` → (A, B, True: from their merge base);
    ``A`` → (A, None, False): A against the working tree; None → (None, None, False).
    Names may contain dots (``v1.0..v1.1``): git forbids ``..`` inside a ref name, so the
    first ``...`` (else ``..``) is the separator."""
    if spec is None or not spec.strip():
        return None, None, False
    text = spec.strip()
    for sep, three in (("...", True), ("..", False)):
        if sep in text:
            a, b = text.split(sep, 1)
            return (a or "HEAD"), (b or "HEAD"), three
    return text, None, False
