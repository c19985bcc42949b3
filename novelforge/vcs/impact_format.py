"""Words for an :class:`~novelforge.vcs.impact.Impact`: text for the terminal, Markdown for
a pull-request comment, JSON for tools (shape in docs/git.md). The rows of
:data:`novelforge.formats.IMPACT`."""

from __future__ import annotations

from novelforge.formats import IMPACT, dump_json
from novelforge.report import finding_line
from novelforge.wording import agree, plural


def _tally(r, bold: bool = False) -> str:
    """`1 finding appears, 2 disappear, 3 scenes affected`."""
    n, gone = len(r.appeared), len(r.disappeared)
    return (f"{plural(n, 'finding')} {agree(n, 'appears', 'appear')}{'**' if bold else ''}, "
            f"{gone} {agree(gone, 'disappears', 'disappear')}, {plural(len(r.scenes), 'scene')} affected")


def render_text(r, **_options) -> str:
    out = [f"Impact of {r.after.removeprefix('with ')}" if r.edits else
           f"Impact of the changes since {r.before}"]
    what = r.changes.entities + [f"contract `{c}`" for c in r.changes.contracts] + \
        [f"promise `{p}`" for p in r.changes.promises]
    if what:
        out.append("Changed: " + ", ".join(what))
    out.append("")
    out.append(f"Scenes affected ({len(r.scenes)}):" if r.scenes else "No scene is affected.")
    for path, why in r.scenes.items():
        out.append(f"  {path} — {'; '.join(why)}")
    for title, items in (("would appear", r.appeared), ("would disappear", r.disappeared)):
        if r.edits:
            label = f"Findings that {title}"
        else:
            label = "New findings" if title == "would appear" else "Findings gone"
        out.append("")
        out.append(f"{label} ({len(items)}):" if items else f"{label}: none.")
        out.extend("  " + finding_line(d) for d in items)
    out.append("")
    out.append(_tally(r) + ".")
    return "\n".join(out) + "\n"


def render_markdown(r, **_options) -> str:
    edits = ", ".join(f"`{e}`" for e in r.edits)
    title = f"Impact of {edits}" if r.edits else f"Impact of the changes since {r.before}"
    out = [f"## {title}", "",
           f"**{_tally(r, bold=True)}.", ""]
    if r.scenes:
        out += ["| scene | why |", "|---|---|"]
        out += [f"| `{p}` | {'; '.join(w)} |" for p, w in r.scenes.items()]
        out.append("")
    for label, items in (("Appear", r.appeared), ("Disappear", r.disappeared)):
        if items:
            out += [f"### {label}", ""]
            out += [f"- `{d.path}:{d.line}:{d.column}` **{d.code}** {d.severity.value}: {d.message}" for d in items]
            out.append("")
    return "\n".join(out)


def render_json(r, **_options) -> str:
    return dump_json({
        "version": IMPACT["json"].version,
        "before": r.before,
        "after": r.after,
        "edits": r.edits,
        "changed": {"entities": r.changes.entities, "contracts": r.changes.contracts, "promises": r.changes.promises,
                    "files": r.changes.files},
        "scenes": [{"path": p, "why": w} for p, w in r.scenes.items()],
        "appeared": [d.to_dict() for d in r.appeared],
        "disappeared": [d.to_dict() for d in r.disappeared],
    })
