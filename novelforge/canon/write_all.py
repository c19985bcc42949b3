"""Writing the files of a :class:`~novelforge.canon.rename.CanonEdit`: every one or none,
each with its own byte-order mark and newlines."""

from __future__ import annotations

from pathlib import Path

from novelforge.errors import UsageError


def text_of(path: Path) -> tuple[str, str, str]:
    """(text with LF newlines, the BOM or "", the file's newline)."""
    raw = path.read_bytes().decode("utf-8")
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    raw = raw[len(bom):]
    newline = "\r\n" if "\r\n" in raw and raw.count("\r\n") == raw.count("\n") else "\n"
    return raw.replace("\r\n", "\n"), bom, newline


def broken(rel: str, exc: Exception) -> UsageError:
    """The error for a file an edit cannot parse (nothing is written)."""
    line = getattr(getattr(exc, "problem_mark", None), "line", None)
    return UsageError(f"`{rel}` cannot be edited: its YAML is broken", path=rel,
                      line=line + 1 if isinstance(line, int) else None,
                      help="fix the file (`novelforge check` shows where), then run the command again; "
                           "nothing was written")


def write(project, edit) -> None:
    """Write every file of ``edit`` or none: each file is replaced atomically, and when one
    cannot be written the ones already written are put back as they were."""
    from novelforge.util import atomic_write

    root = project.root
    read = getattr(edit, "_read", {})
    for f in edit.files:       # nothing changed on disk since the plan was made
        if f.before is not None and f.path in read:
            if text_of(root / f.path) != read[f.path]:
                raise UsageError(f"`{f.path}` changed while the command ran; nothing was written",
                                 path=f.path, help="run the command again")
    done: list[tuple[Path, bytes | None]] = []
    try:
        for f in edit.files:
            if f.after is None:
                continue
            path = root / f.path
            original = path.read_bytes() if path.exists() else None
            bom, newline = read.get(f.moved_from or f.path, ("", "", "\n"))[1:]
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, (bom + f.after.replace("\n", newline)).encode("utf-8"))
            done.append((path, original))
        for f in edit.files:
            if f.after is None:
                path = root / f.path
                original = path.read_bytes()
                path.unlink()
                done.append((path, original))
    except OSError as exc:
        for path, original in reversed(done):
            try:
                if original is None:
                    path.unlink()
                else:
                    atomic_write(path, original)
            except OSError:
                pass
        raise UsageError(f"could not write `{exc.filename or '?'}`: {exc.strerror or exc}; "
                         "the files written so far were put back", help="free the file or the disk, then run "
                                                                          "the command again") from None
    edit.written = True
