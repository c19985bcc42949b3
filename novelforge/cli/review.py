"""``novelforge review [PROJECT] [SCENE…]``: the Writers' Room alone, reported like ``check``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.check import fail_on_option, parse_fail_on, show_report
from novelforge.cli.llm_options import estimate_option, max_cost_option, no_cache_option
from novelforge.cli.options import format_option, output_option, warn
from novelforge.cli.room_run import finish, print_estimate, room_options
from novelforge.formats import CHECK


def split_project(args: Optional[List[str]]) -> tuple[Optional[Path], list[str]]:
    """``[PROJECT] [SCENE…]``: a first argument that is a folder is the project; the rest
    (and a first one that is not a folder) are scenes, by id or file."""
    args = list(args or [])
    if args and Path(args[0]).is_dir():
        return Path(args[0]), args[1:]
    return None, args


@app.command()
def review(
    args: Optional[List[str]] = typer.Argument(None, metavar="[PROJECT] [SCENE]...",
        help="The project folder (default: the one around the current folder), then scenes to review "
             "(ids or files; default: every scene)."),
    fmt: str = format_option(CHECK, help="Report format."),
    output: Optional[Path] = output_option("Write the report to this file instead of standard output."),
    fail_on: Optional[str] = fail_on_option(),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings."),
    changed: bool = typer.Option(False, "--changed",
        help="Review only the scenes changed since --base (and those a changed canon entry or promise reaches)."),
    base: Optional[str] = typer.Option(None, "--base", metavar="REF", help="With --changed: compare with REF."),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="Ignore .novelforge/baseline.json."),
    estimate: bool = estimate_option(),
    max_cost: Optional[float] = max_cost_option(),
    no_cache: bool = no_cache_option(),
) -> None:
    """Review scenes with the Writers' Room: the continuity, character and plot reviewers
    (an LLM, `llm:` in novelforge.yaml) read each scene with the canon as of that point,
    the contracts in scope, the open promises and the story so far, and report what they
    can quote (NF701–NF704). Suppressions, the baseline and `check: severity` apply.

    Example: novelforge review my-novel the-ambush --format sarif --output room.sarif

    Exit codes: 0 clean (or only findings below --fail-on; the room's findings are
    warnings unless `llm: {room: {gate: true}}`), 1 findings, 2 usage or configuration
    error or no model configured, 4 the budget or --max-cost stopped the run.
    """
    from novelforge import api
    project, scenes = split_project(args)
    options = api.CheckOptions(fail_on=parse_fail_on(fail_on), exit_zero=exit_zero, use_baseline=not no_baseline)
    with room_options("review", estimate=estimate, max_cost=max_cost, no_cache=no_cache) as room:
        report = api.review(project, scenes=scenes, options=options, room=room, changed=changed, base=base,
                            use_cache=not no_cache, warn=warn)
    if estimate:
        print_estimate(report.room, fmt)
        raise typer.Exit(0)
    show_report(report, fmt, output)
    stopped = finish(report.room, quiet=fmt != "text" and output is None)
    raise typer.Exit(stopped if stopped is not None else int(report.exit_code()))
