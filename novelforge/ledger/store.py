"""Accepting and rejecting suggested promises.

* accept: write ``canon/promises/<id>.yaml`` and mark where it is planted with a
  ``<!-- setup: id -->`` line above the candidate's paragraph (a comment: the prose itself
  is unchanged, and the marker never reaches an export); refuse to overwrite.
* reject: remember the id in ``.novelforge/promises-rejected.json`` (meant to be committed),
  so ``promises suggest`` does not offer it again.
"""

from __future__ import annotations

import json
from pathlib import Path

from novelforge.errors import UsageError
from novelforge.ledger.suggest import Candidate
from novelforge.project.layout import CANON, PROMISES_KIND, REJECTED_FILE
from novelforge.util import atomic_write


def load_rejected(root: Path) -> set[str]:
    path = Path(root) / REJECTED_FILE
    if path.is_symlink() or path.parent.is_symlink():
        _inside_or_refuse(Path(root), path, REJECTED_FILE, "read")
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return set()
    except json.JSONDecodeError as exc:
        raise UsageError(f"`{REJECTED_FILE}` is not JSON: {exc.msg}", path=REJECTED_FILE, line=exc.lineno,
                         column=exc.colno, help="fix it, or delete it to see every suggestion again") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the rejected suggestions: {exc}", path=REJECTED_FILE) from None
    ids = data.get("rejected", []) if isinstance(data, dict) else data
    if not isinstance(ids, list):
        raise UsageError(f"`{REJECTED_FILE}` should hold a list of suggestion ids under `rejected`",
                         path=REJECTED_FILE, line=1, column=1,
                         help="fix it, or delete it to see every suggestion again")
    return {str(i) for i in ids if isinstance(i, str)}


def reject(root: Path, candidate_id: str) -> Path:
    ids = load_rejected(root) | {candidate_id}
    path = Path(root) / REJECTED_FILE
    _inside_or_refuse(Path(root), path.parent, REJECTED_FILE)
    text = json.dumps({"version": 1, "rejected": sorted(ids)}, indent=2) + "\n"
    atomic_write(path, text)
    return path


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)   # a JSON string is a valid YAML scalar


def _inside_or_refuse(root: Path, folder: Path, rel: str, doing: str = "written") -> None:
    """A write goes only where the project is: never through a link (``canon -> /elsewhere``)
    to a folder outside it."""
    import os

    real_root = os.path.realpath(root)
    here = folder
    while not here.exists() and here != root and here.parent != here:
        here = here.parent     # the part that exists decides where the new folders would go
    real = os.path.realpath(here)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise UsageError(f"`{rel}` would be {doing} outside the project (through a link); it was not",
                         help="replace the link with a folder inside the project")


def accept(root: Path, candidate: Candidate, body_line: int = 1) -> Path:
    """Write the candidate as a declared promise and mark its setup in the scene: a
    ``<!-- setup: id -->`` line above the paragraph of the candidate (``body_line``: the
    scene's first line after the front matter, which the marker never goes above). Both
    files or neither: the promise file is removed when the scene cannot be written."""
    from novelforge.canon.write_all import text_of

    rel = f"{CANON}/{PROMISES_KIND}/{candidate.id}.yaml"
    path = Path(root) / rel
    _inside_or_refuse(Path(root), path.parent, rel)
    if path.exists() or path.is_symlink():
        raise UsageError(f"`{rel}` already exists; not overwriting it")
    scene_path = Path(root) / candidate.path
    _inside_or_refuse(Path(root), scene_path.parent, candidate.path)
    try:
        text, bom, newline = text_of(scene_path)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read `{candidate.path}`: {getattr(exc, 'strerror', None) or exc}") from None
    lines = text.split("\n")
    at = min(max(candidate.line, body_line), len(lines)) - 1      # 0-based: the paragraph's first line
    while at > body_line - 1 and lines[at - 1].strip():
        at -= 1
    marker = f"<!-- setup: {candidate.id} -->"
    lines.insert(at, marker)
    head = [
        f"# planted: {candidate.path}:{at + 1} ({candidate.scene}), where `{marker}` marks it",
        f"# suggested by `novelforge promises suggest` ({candidate.detector}, confidence {candidate.confidence:.2f}):",
        f"#   {candidate.excerpt}",
        f"id: {candidate.id}",
        f"description: {_quote(candidate.description)}",
        f"kind: {candidate.kind}",
    ]
    if candidate.keywords:
        head.append("keywords: [" + ", ".join(_quote(k) for k in candidate.keywords) + "]")
    try:
        atomic_write(path, "\n".join(head) + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write `{rel}`: {exc.strerror or exc}") from None
    try:
        atomic_write(scene_path, (bom + "\n".join(lines).replace("\n", newline)).encode("utf-8"))
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise UsageError(f"cannot write `{candidate.path}`: {exc.strerror or exc}; nothing was written") from None
    return path
