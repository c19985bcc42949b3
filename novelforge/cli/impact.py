"""``novelforge impact``: what a canon or contract change does to the book."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app, out_console, use_color
from novelforge.cli.common import write_output

FORMATS = ("text", "markdown", "json")


@app.command("impact")
def impact_cmd(
    project: Optional[Path] = typer.Argument(None, help="Project folder (default: the project around the current folder)."),
    base: Optional[str] = typer.Option(None, "--base", metavar="REF", help="Compare with the merge base of REF and HEAD (default: the merge base with the upstream branch, else HEAD)."),
    set_: Optional[List[str]] = typer.Option(None, "--set", metavar="ENTITY.FIELD=VALUE", help="A hypothetical change, e.g. `aria.eyes=green` or `bram.status=dead` (repeatable). Files are not edited."),
    kill: Optional[str] = typer.Option(None, "--kill", metavar="CHARACTER", help="Hypothetically kill a character (with --in: in that scene)."),
    in_scene: Optional[str] = typer.Option(None, "--in", metavar="SCENE", help="With --kill: the scene id of the death."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|markdown|json", help="Output format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when the change makes new findings appear."),
) -> None:
    """Show the scenes a canon or contract change touches and the findings it makes appear
    or disappear, by checking the book before and after.

    Without --set or --kill, "after" is the project on disk and "before" is the base
    revision (committed and uncommitted changes both count). With --set or --kill, the
    change is hypothetical: it is applied to a temporary copy, never to your files.

    Examples: novelforge impact --set aria.eyes=green ·
    novelforge impact --kill bram --in the-fall · novelforge impact --base main
    """
    from novelforge.cli.common import open_cache, resolve_target
    from novelforge.errors import UsageError
    from novelforge.vcs import impact as imp

    if fmt not in FORMATS:
        raise UsageError(f"`--format {fmt}` is not an impact format; use one of: {', '.join(FORMATS)}")
    if in_scene and not kill:
        raise UsageError("`--in` says where a character dies; give the character with --kill")
    edits = [imp.parse_set(s) for s in (set_ or [])]
    if kill:
        edits += imp.kill_edits(kill, in_scene)
    if edits and base is not None:
        raise UsageError("--base compares revisions; --set and --kill try a change on the project on disk — use one or the other")
    root, _ = resolve_target([project] if project else None)
    with open_cache(root) as cache:
        result = imp.impact(root, base=base, edits=edits or None, cache=cache)
    if fmt == "json":
        text = render_json(result)
    elif fmt == "markdown":
        text = render_markdown(result)
    else:
        text = render_text(result)
    if output is None and fmt == "text" and use_color():
        out_console().print(text, end="", markup=False)
    else:
        write_output(text, output)
    raise typer.Exit(1 if exit_code and result.appeared else 0)


def _finding(d) -> str:
    return f"{d.path}:{d.line}:{d.column}: {d.code} [{d.severity.value}] {d.message}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(r) -> str:
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
        out.extend("  " + _finding(d) for d in items)
    out.append("")
    out.append(f"{_plural(len(r.appeared), 'finding')} appear, {len(r.disappeared)} disappear, "
               f"{_plural(len(r.scenes), 'scene')} affected.")
    return "\n".join(out) + "\n"


def render_markdown(r) -> str:
    title = f"Impact of {', '.join(f'`{e}`' for e in r.edits)}" if r.edits else f"Impact of the changes since {r.before}"
    out = [f"## {title}", "",
           f"**{_plural(len(r.appeared), 'finding')} appear**, {len(r.disappeared)} disappear, "
           f"{_plural(len(r.scenes), 'scene')} affected.", ""]
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


def render_json(r) -> str:
    import json

    doc = {
        "version": 1,
        "before": r.before,
        "after": r.after,
        "edits": r.edits,
        "changed": {"entities": r.changes.entities, "contracts": r.changes.contracts, "promises": r.changes.promises,
                    "files": r.changes.files},
        "scenes": [{"path": p, "why": w} for p, w in r.scenes.items()],
        "appeared": [d.to_dict() for d in r.appeared],
        "disappeared": [d.to_dict() for d in r.disappeared],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
