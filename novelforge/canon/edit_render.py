"""Words for a :class:`~novelforge.canon.rename.CanonEdit`: what ``canon rename`` and
``canon merge`` changed (or, with ``--dry-run``, would change), with the diff of each file."""

from __future__ import annotations

from novelforge.wording import plural


def render_text(edit, *, diff: bool = False) -> str:
    verb = {"rename": ("Renamed", "Would rename"), "merge": ("Merged", "Would merge")}[edit.action]
    done = edit.written
    head = verb[0] if done else verb[1]
    if edit.action == "rename":
        line = f"{head} `{edit.old}` to `{edit.new}`"
    else:
        line = f"{head} `{edit.old}` into `{edit.new}`"
    files = [f for f in edit.files if f.after is not None]
    line += f": {plural(edit.references, 'reference')} rewritten"
    if edit.dropped:
        line += f" ({len(edit.dropped)} dropped: see below)"
    line += f", {plural(len(files), 'file')} changed"
    moved = {f.moved_from: f.path for f in edit.files if f.moved_from}
    for old, new in moved.items():
        line += f"; {old} {'is now' if done else 'becomes'} {new}"
    removed = [f.path for f in edit.files if f.after is None and f.path not in moved]
    if removed:
        line += f"; {'removed' if done else 'would remove'} {', '.join(removed)}"
    out = [line + "."]
    if edit.aliases_added:
        out.append("Aliases added: " + ", ".join(edit.aliases_added) + ".")
    if edit.fields_merged:
        out.append("Fields taken over: " + ", ".join(dict.fromkeys(edit.fields_merged)) + ".")
    for note in edit.dropped:
        out.append(f"Dropped {note}.")
    if diff:
        out.extend(_diffs(edit))
    elif not done:
        out.append("Nothing was written (--dry-run).")
    return "\n".join(out) + "\n"


def _diffs(edit) -> list[str]:
    import difflib

    out: list[str] = []
    for f in edit.files:
        before = (f.before or "").splitlines(keepends=True)
        after = (f.after or "").splitlines(keepends=True)
        old = f"a/{f.moved_from or f.path}" if f.before is not None or f.moved_from else "/dev/null"
        new = f"b/{f.path}" if f.after is not None else "/dev/null"
        if f.moved_from:
            out.append(f"rename {f.moved_from} → {f.path}")
            before = next((g.before or "" for g in edit.files if g.path == f.moved_from), "").splitlines(True)
        elif f.after is None:
            if f.path not in {g.moved_from for g in edit.files}:
                out.append(f"delete {f.path}")
            continue
        text = "".join(difflib.unified_diff(before, after, old, new, n=1))
        if text:
            out.append(text.rstrip("\n"))
    return out


def render_json(edit, **_options) -> str:
    from novelforge.formats import dump_json

    return dump_json({
        "version": 1, "action": edit.action, "from": edit.old, "to": edit.new, "written": edit.written,
        "references": edit.references,
        "files": [{"path": f.path, "change": "removed" if f.after is None else
                   ("added" if f.before is None else "edited"), "references": f.references,
                   **({"moved_from": f.moved_from} if f.moved_from else {})} for f in edit.files],
        "aliases_added": edit.aliases_added, "fields_merged": list(dict.fromkeys(edit.fields_merged)),
        "dropped": edit.dropped,
    })
