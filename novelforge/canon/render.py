"""Words for a :class:`~novelforge.canon.diff.CanonDiff` and an entry's history: plain text
for the terminal, Markdown for a pull-request comment, JSON for tools (schema in
``docs/git.md``; ``version`` changes only when a field changes meaning or disappears). The
formats are the rows of :data:`novelforge.formats.CANON_DIFF` and
:data:`~novelforge.formats.CANON_LOG`."""

from __future__ import annotations

from typing import Any

from novelforge.canon.model import CanonDiff, Change, EntityChange, ItemChange, code, show_value
from novelforge.formats import CANON_DIFF, CANON_LOG, dump_json
from novelforge.wording import agree, plural

FORMATS = CANON_DIFF
JSON_VERSION = CANON_DIFF["json"].version


def render_diff(diff: CanonDiff, fmt: str) -> str:
    """``diff`` as ``fmt`` (text, markdown or json); raises
    :class:`~novelforge.errors.UnknownFormat`."""
    return CANON_DIFF.render(fmt, diff)


# ----------------------------------------------------------------------------- text
def _where(diff: CanonDiff) -> str:
    def side(label: str, commit: str | None) -> str:
        return f"{label} ({commit[:8]})" if commit and not label.startswith(commit[:7]) else label

    return f"{side(diff.old_label, diff.old_commit)} and {side(diff.new_label, diff.new_commit)}"


def entity_lines(ec: EntityChange, value=None) -> list[str]:
    """Sentences for one entry, without its key: `added (Wren Hale)`, `eyes changed from …`."""
    name = f" ({ec.name})" if ec.name and ec.name != ec.id else ""
    if ec.status == "added":
        return [f"added{name}"]
    if ec.status == "removed":
        return [f"removed{name}"]
    lines = []
    if ec.status == "renamed":
        lines.append(f"renamed from {ec.kind}/{ec.old_id}")
    lines += [c.describe(value) for c in ec.changes]
    return lines


def _item_lines(item: ItemChange, value=None) -> list[str]:
    extra = ", ".join(x for x in (item.type, item.name) if x)
    if item.status in ("added", "removed"):
        return [f"{item.status}" + (f" ({extra})" if extra else "")]
    return [c.describe(value) for c in item.changes]


def diff_text(diff: CanonDiff, **_options) -> str:
    if diff.empty:
        out = [f"No canon changes between {_where(diff)}."]
    else:
        out = [f"Canon changes between {_where(diff)}:", ""]
        for ec in diff.entities:
            out += [f"{ec.key}: {line}" for line in entity_lines(ec)]
        for item in diff.contracts:
            out += [f"contract {code(item.id)}: {line}" for line in _item_lines(item)]
        for item in diff.promises:
            out += [f"promise {code(item.id)}: {line}" for line in _item_lines(item)]
        out += [f"settings: {c.describe()}" for c in diff.settings]
        out += ["", diff.summary()]
    out += [f"note: {n}" for n in diff.notes]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- markdown
_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\*_[]<>#|~"})


def md_escape(text: str) -> str:
    return str(text).translate(_MD_SPECIAL)


def md_value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "nothing"
    return code(show_value(value))


def _md_bullets(head: str, lines: list[str]) -> list[str]:
    if len(lines) == 1 and not lines[0].startswith(("renamed", "added", "removed")):
        return [f"- {head}: {lines[0]}"]
    if lines and lines[0].startswith(("renamed", "added", "removed")):
        first, rest = lines[0], lines[1:]
        return [f"- {head} — {first}", *(f"  - {line}" for line in rest)]
    return [f"- {head}", *(f"  - {line}" for line in lines)]


def md_entity_lines(ec: EntityChange) -> list[str]:
    """:func:`entity_lines` for Markdown: values and the old id of a rename in code spans."""
    plain = f"renamed from {ec.kind}/{ec.old_id}"
    return [f"renamed from {code(ec.old_id)}" if ec.status == "renamed" and line == plain else line
            for line in entity_lines(ec, md_value)]


def _md_label(label: str) -> str:
    """A revision in a code span (`HEAD~1`); a description (`the working tree`) as it is."""
    return md_escape(label) if label.startswith("the ") or " " in label else code(label)


def diff_markdown(diff: CanonDiff, **_options) -> str:
    """A comment for a pull request: a heading, a one-line summary, a list per kind."""
    if diff.empty and not diff.notes:
        return "No canon changes.\n"
    out = ["### Canon changes", "",
           f"{_md_label(diff.old_label)} → {_md_label(diff.new_label)}: {diff.summary()}"
           if not diff.empty else "No canon changes."]
    kinds: dict[str, list[EntityChange]] = {}
    for ec in diff.entities:
        kinds.setdefault(ec.kind, []).append(ec)
    for kind, changes in kinds.items():
        out += ["", f"#### {md_escape(kind[:1].upper() + kind[1:])}", ""]
        for ec in changes:
            name = f" ({md_escape(ec.name)})" if ec.name and ec.name != ec.id else ""
            head = f"{code(ec.id)}{name}"
            lines = md_entity_lines(ec)
            if ec.status in ("added", "removed"):
                lines = [ec.status]
            out += _md_bullets(head, lines)
    for title, items in (("Contracts", diff.contracts), ("Promises", diff.promises)):
        if items:
            out += ["", f"#### {title}", ""]
            for item in items:
                extra = ", ".join(md_escape(x) for x in (item.type, item.name) if x)
                head = code(item.id) + (f" ({extra})" if extra else "")
                lines = [item.status] if item.status != "changed" else [c.describe(md_value) for c in item.changes]
                out += _md_bullets(head, lines)
    if diff.settings:
        out += ["", "#### Settings (`novelforge.yaml`)", ""]
        out += [f"- {c.describe(md_value)}" for c in diff.settings]
    if diff.notes:
        out += [""] + [f"> **Note:** {n}" for n in diff.notes]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- json
def diff_data(diff: CanonDiff) -> dict:
    counts = diff.counts()
    return {
        "version": JSON_VERSION,
        "from": {"label": diff.old_label, "commit": diff.old_commit},
        "to": {"label": diff.new_label, "commit": diff.new_commit},
        "summary": {"text": diff.summary(), "empty": diff.empty, **counts,
                    "settings": len(diff.settings)},
        "entities": [ec.to_json() for ec in diff.entities],
        "contracts": [c.to_json() for c in diff.contracts],
        "promises": [p.to_json() for p in diff.promises],
        "settings": [c.to_json() for c in diff.settings],
        "notes": list(diff.notes),
    }


def diff_json(diff: CanonDiff, **_options) -> str:
    return dump_json(diff_data(diff))


# ----------------------------------------------------------------------------- history
def _when(date: str) -> str:
    """`2024-05-01T14:03:00+02:00` → `2024-05-01 14:03`."""
    return date[:16].replace("T", " ") if len(date) >= 16 else date


def render_history(history, fmt: str) -> str:
    """``history`` as ``fmt`` (text, markdown or json); raises
    :class:`~novelforge.errors.UnknownFormat`."""
    return CANON_LOG.render(fmt, history)


def _title(history) -> str:
    name = f" ({history.name})" if history.name and history.name != history.id else ""
    gone = "" if history.exists else " — no longer in the canon"
    return f"{history.key}{name}{gone}"


def _count(history) -> str:
    """`3 changes`, or `the last 3 changes` when --limit left older ones out."""
    n = len(history.entries)
    text = f"{plural(n, 'change')}"
    if history.truncated:
        text = f"the last {text}" if n != 1 else "the last change"
    return text


def history_text(history, **_options) -> str:
    out = [f"History of {_title(history)}: {_count(history)}"]
    for entry in history.entries:
        c = entry.commit
        out.append("")
        if c is None:
            out.append("uncommitted  (the working tree)")
        else:
            out.append(f"{c.short}  {_when(c.date)}  {c.author}  {c.summary}")
        out += [f"    {line}" for line in entity_lines(entry.change)]
    if history.notes:
        out.append("")
        out += [f"note: {n}" for n in history.notes]
    return "\n".join(out) + "\n"


def history_markdown(history, **_options) -> str:
    name = f" ({md_escape(history.name)})" if history.name and history.name != history.id else ""
    out = [f"### History of {code(history.key)}{name}", ""]
    if not history.exists:
        out += ["No longer in the canon.", ""]
    if not history.entries:
        out.append("No commits changed it.")
    for entry in history.entries:
        c = entry.commit
        head = ("**uncommitted** (the working tree)" if c is None else
                f"{code(c.short)} {_when(c.date)} — {md_escape(c.author)} — {md_escape(c.summary)}")
        out.append(f"- {head}")
        out += [f"  - {line}" for line in md_entity_lines(entry.change)]
    if history.truncated:
        shown = len(history.entries)
        out += ["", f"Only the last {plural(shown, 'change')} {agree(shown, 'is', 'are')} shown."]
    if history.notes:
        out += [""] + [f"> **Note:** {n}" for n in history.notes]
    return "\n".join(out) + "\n"


def history_json(history, **_options) -> str:
    entries = []
    for entry in history.entries:
        c = entry.commit
        ec = entry.change
        entries.append({
            "commit": c.sha if c else None, "author": c.author if c else None,
            "email": c.email if c else None, "date": c.date if c else None,
            "summary": c.summary if c else None,
            "status": ec.status, "id": ec.id, "old_id": ec.old_id,
            "messages": entity_lines(ec),
            "changes": [ch.to_json() for ch in ec.changes],
        })
    data = {"version": CANON_LOG["json"].version,
            "entity": {"kind": history.kind, "id": history.id, "key": history.key, "name": history.name,
                       "exists": history.exists},
            "entries": entries, "truncated": history.truncated, "notes": list(history.notes)}
    return dump_json(data)


__all__ = ["FORMATS", "JSON_VERSION", "render_diff", "diff_text", "diff_markdown", "diff_json",
           "diff_data", "render_history", "entity_lines", "md_value", "md_escape", "Change"]
