"""``novelforge draft [PROJECT] SCENE``: draft one scene from its card, canon and
contracts; ``--next``, ``--chapter CH``; ``--restore SCENE [N]``; ``--dry-run``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.llm_options import estimate_option, max_cost_option, no_cache_option
from novelforge.cli.options import format_option, output_option, warn, write_output
from novelforge.cli.review import split_project
from novelforge.formats import DRAFT


@app.command()
def draft(
    args: Optional[List[str]] = typer.Argument(None, metavar="[PROJECT] [SCENE] [N]",
        help="The project folder (default: the one around the current folder or the scene file), "
             "then the scene (its id or its file); with --restore, then the backup's number."),
    dry_run: bool = typer.Option(False, "--dry-run",
        help="Print the exact prompt and the context report (each part, its tokens, what was cut and why); "
             "needs no model and sends nothing."),
    next_scene: bool = typer.Option(False, "--next", help="Draft the first scene in reading order whose body is "
                                                          "empty."),
    chapter: Optional[str] = typer.Option(None, "--chapter", metavar="CH",
        help="Draft the empty scenes of this chapter (number or folder) in order, stopping at the first that "
             "fails its check."),
    repair: int = typer.Option(0, "--repair", metavar="N", min=0, max=10,
        help="Send the check's error findings back to the model up to N times."),
    force: bool = typer.Option(False, "--force", help="Replace a body that is not empty (it is kept first)."),
    allow_dirty: bool = typer.Option(False, "--allow-dirty",
        help="Draft a scene file with changes that are not committed."),
    restore: bool = typer.Option(False, "--restore",
        help="Bring back the body a draft replaced: SCENE [N] (default: the newest backup)."),
    show_template: Optional[str] = typer.Option(None, "--show-template", metavar="NAME",
        help="Print the drafting template in effect (`scene` or `repair`): the project's "
             "prompts/draft/NAME.md.j2, else the one NovelForge ships."),
    model: Optional[str] = typer.Option(None, "--model", metavar="MODEL",
        help="Draft with this model instead of `llm: draft: model` or `llm: model`."),
    fmt: str = format_option(DRAFT),
    output: Optional[Path] = output_option("With --dry-run: write the prompt and report to this file."),
    estimate: bool = estimate_option(),
    max_cost: Optional[float] = max_cost_option(),
    no_cache: bool = no_cache_option(),
) -> None:
    """Draft a scene with an LLM (`llm:` in novelforge.yaml) from its scene card, the
    canon as of that scene, the contracts in scope, the promises it must set up or pay
    off, the story so far and the end of the scene before, within
    `llm: draft: context_tokens` (docs/draft.md says what is cut first). The reply
    streams in, is checked with the project's rules (--repair N sends the errors back),
    and is written atomically with `status: draft`; a body it replaces is kept under
    .novelforge/drafts/SCENE/ (--restore brings it back). A reply that breaks off, a
    Ctrl-C or the budget leaves the file as it was.

    Example: novelforge draft the-summons --dry-run

    Exit codes: 0 drafted and clean, 1 a reply failed or the check still finds errors
    (the draft is written), 2 usage error, a refused scene (prose without --force,
    uncommitted changes without --allow-dirty), a template that cannot be used or no
    model configured, 4 the budget or --max-cost stopped the run.
    """
    from novelforge import api

    project, rest = split_project(args)
    if show_template is not None:
        if rest:
            raise typer.BadParameter("--show-template takes no scene")
        template = api.show_template(project, show_template)
        where = "the project's own" if template.project else "shipped with NovelForge"
        typer.echo(f"# {template.path} ({where})", err=True)
        write_output(template.source, output)
        raise typer.Exit(0)
    if restore:
        _restore(api, project, rest)
    if len(rest) > 1:
        raise typer.BadParameter(f"draft one scene at a time (given: {', '.join(rest)})")
    scene = rest[0] if rest else None
    if dry_run:
        if next_scene or chapter:
            raise typer.BadParameter("--dry-run shows one scene: name it")
        plan = api.prepare_draft(project, scene, model=model, warn=warn)
        write_output(DRAFT.render(fmt, plan), output)
        raise typer.Exit(0)
    show = _Show()
    options = api.DraftOptions(force=force, allow_dirty=allow_dirty, repair=repair, model=model,
                           use_cache=not no_cache, max_cost=max_cost, estimate=estimate,
                           on_text=show.text, on_restart=show.restart, on_start=show.start)
    run = api.draft(project, scene, next_scene=next_scene, chapter=chapter, options=options, warn=warn)
    show.end()
    raise typer.Exit(_finish(run, fmt))


def _restore(api, project, rest: list[str]) -> None:
    if not rest or len(rest) > 2 or (len(rest) == 2 and not rest[1].isdigit()):
        raise typer.BadParameter("--restore takes a scene and, optionally, the backup's number: --restore SCENE [N]")
    done = api.restore_draft(project, rest[0], int(rest[1]) if len(rest) == 2 else None)
    kept = f"; the body it replaced is kept as {done.backup}" if done.backup else ""
    typer.echo(f"`{done.scene}`: backup {done.number} restored into {done.path}{kept}", err=True)
    raise typer.Exit(0)


class _Show:
    """The reply as it streams: its text on standard output when that is a terminal, and
    a progress line (pieces, estimated tokens) on standard error when that is one."""

    def __init__(self) -> None:
        self.to_out = sys.stdout.isatty()
        self.to_err = sys.stderr.isatty() and not self.to_out
        self.chars = 0
        self.scene = ""
        self.spent = "$0.0000"

    def start(self, scene: str, purpose: str, spent: float) -> None:
        from novelforge.cli.llm_options import money

        self.end()
        self.scene, self.chars, self.spent = scene, 0, money(spent)
        what = "drafting" if purpose == "draft" else f"repairing ({purpose.split('-')[-1]})"
        typer.echo(f"{what} `{scene}`…", err=True)

    def text(self, piece: str) -> None:
        self.chars += len(piece)
        if self.to_out:
            sys.stdout.write(piece)
            sys.stdout.flush()
        elif self.to_err:
            sys.stderr.write(f"\r  `{self.scene}`: ~{self.chars // 4:,} tokens so far; {self.spent} spent "
                             "before this reply")
            sys.stderr.flush()

    def restart(self, why: str) -> None:
        self.end()
        typer.echo(f"  the reply broke off ({why}); asking again", err=True)
        self.chars = 0

    def end(self) -> None:
        if self.chars and (self.to_out or self.to_err):
            (sys.stdout if self.to_out else sys.stderr).write("\n")
        self.chars = 0


def _finish(run, fmt: str) -> int:
    from novelforge.api import draft_line
    from novelforge.cli.llm_options import budget_help, money

    for text in dict.fromkeys(run.warnings):
        warn(text)
    if run.estimate is not None:
        from novelforge.formats import ESTIMATE

        typer.echo(ESTIMATE.render("text", run.estimate), nl=False)
        return 0
    if fmt == "json":
        typer.echo(DRAFT.render("json", run), nl=False)
    for result in run.results:
        typer.echo(draft_line(result), err=True)
        for d in result.errors:
            typer.echo(f"  {d.path}:{d.line}:{d.column}: {d.code} {d.message}", err=True)
    if len(run.results) > 1 and any(r.calls for r in run.results):
        unknown = any(r.cost is None for r in run.results)
        typer.echo(f"spent {money(run.spent)} in this run" + (" (and an unknown cost)" if unknown else ""), err=True)
    if run.stop is not None:
        from novelforge.cli.app import report_error

        run.stop.help = budget_help(run.stop)
        report_error(run.stop)
        return int(run.stop.exit_code)
    return 0 if run.results and all(r.ok for r in run.results) else 1
