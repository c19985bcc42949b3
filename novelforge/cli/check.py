"""``novelforge check``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer

from novelforge.cli.app import app, err_console, out_console, use_color
from novelforge.cli.llm_options import estimate_option, max_cost_option
from novelforge.cli.options import format_option, output_option, plural, warn, write_output
from novelforge.formats import CHECK


def _split(values: Optional[List[str]]) -> Optional[list[str]]:
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def fail_on_option() -> Any:
    return typer.Option(None, "--fail-on", metavar="error|warning|info",
                        help="Lowest severity that makes the exit code 1 (default: `check: fail-on`, else error).")


def parse_fail_on(fail_on: Optional[str]):
    """``--fail-on``'s severity, or None when it was not given."""
    if fail_on is None:
        return None
    from novelforge import api
    from novelforge.errors import UsageError

    try:
        return api.Severity.parse(fail_on)
    except ValueError as exc:
        raise UsageError(f"--fail-on: {exc}") from None


def show_report(report, fmt: str, output: Optional[Path]) -> None:
    """A check report in ``fmt``: coloured on a terminal, else written to ``output`` (or stdout)."""
    color = use_color() if output is None and fmt == "text" else False
    text = CHECK.render(fmt, report, color=color)
    if color:  # the text reporter returns rich markup: the console turns it into ANSI codes
        out_console().print(text, end="", emoji=False)
    else:
        write_output(text, output)


@app.command()
def check(
    paths: Optional[List[Path]] = typer.Argument(None, metavar="PATH",
        help="Project folder, or files and folders inside it to report on "
             "(default: the project around the current folder)."),
    fmt: str = format_option(CHECK, help="Report format."),
    output: Optional[Path] = output_option("Write the report to this file instead of standard output."),
    select: Optional[List[str]] = typer.Option(None, "--select", metavar="RULES",
        help="Only these rules (codes, prefixes such as NF2, or names; comma-separated). Replaces `check: select`."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", metavar="RULES",
        help="Skip these rules. Replaces `check: ignore`."),
    extend_select: Optional[List[str]] = typer.Option(None, "--extend-select", metavar="RULES",
        help="Add rules to the configured selection."),
    extend_ignore: Optional[List[str]] = typer.Option(None, "--extend-ignore", metavar="RULES",
        help="Add rules to the configured ignores."),
    fail_on: Optional[str] = fail_on_option(),
    max_warnings: Optional[int] = typer.Option(None, "--max-warnings", min=0, metavar="N",
        help="Exit 1 when there are more warnings than this."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings."),
    no_cache: bool = typer.Option(False, "--no-cache",
        help="Analyse every scene afresh; do not read or write the analysis cache."),
    update_baseline: bool = typer.Option(False, "--update-baseline",
        help="Record every current finding in .novelforge/baseline.json; later runs report only new ones."),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="Ignore .novelforge/baseline.json."),
    changed: bool = typer.Option(False, "--changed",
        help="Check only the scenes changed since --base, and the scenes a changed canon entry, contract or promise "
             "affects. Findings equal a full run's for those scenes."),
    base: Optional[str] = typer.Option(None, "--base", metavar="REF",
        help="With --changed: compare with the merge base of REF and HEAD (default: the merge base with the upstream "
             "branch, else HEAD). Implies --changed."),
    staged: bool = typer.Option(False, "--staged",
        help="Check what the next commit would record: the staged files (the git index) against HEAD, as --changed "
             "does. For pre-commit hooks."),
    room: bool = typer.Option(False, "--room",
        help="Also run the Writers' Room (NF7xx: LLM reviewers, `llm:` in novelforge.yaml; docs/room.md). "
             "With --changed, only the scenes checked are reviewed. --no-cache also skips the LLM answer cache."),
    estimate: bool = estimate_option(),
    max_cost: Optional[float] = max_cost_option(),
) -> None:
    """Check the manuscript, canon and contracts, and report findings.

    Example: novelforge check --format sarif --output novelforge.sarif

    In a pull request: novelforge check --changed --base origin/main

    Exit codes: 0 clean (or only findings below --fail-on), 1 findings, 2 usage or
    configuration error or nothing to check, 3 internal error, 4 the budget or --max-cost
    stopped the Writers' Room (--room).
    """
    from novelforge import api
    from novelforge.errors import UsageError

    severity = parse_fail_on(fail_on)
    options = api.CheckOptions(
        select=_split(select), ignore=_split(ignore),
        extend_select=_split(extend_select) or [], extend_ignore=_split(extend_ignore) or [],
        fail_on=severity, max_warnings=max_warnings, exit_zero=exit_zero,
        use_baseline=not (no_baseline or update_baseline),
    )
    if (estimate or max_cost is not None) and not room:
        raise UsageError("--estimate and --max-cost are about the Writers' Room; add --room")
    if update_baseline:
        if changed or base is not None or staged:
            raise UsageError("--update-baseline records the whole book; "
                             "it cannot be combined with --changed or --staged")
        from novelforge.cli.room_run import room_options

        with room_options("check", estimate=False, max_cost=max_cost, no_cache=no_cache) as run:
            options.room = run if room else None
            done = api.record_baseline(paths=paths or (), options=options, use_cache=not no_cache, warn=warn)
        err_console().print(f"Recorded {plural(done.count, 'finding')} in {done.rel}; later runs report only new ones.")
        if done.not_recorded:
            err_console().print(f"Not recorded: {plural(done.not_recorded, 'finding')} in files that cannot be read; "
                                "they are reported until the files are fixed.")
        raise typer.Exit(0)

    def say_what_is_checked(changes, project) -> None:
        if fmt == "text" and output is None:
            err_console().print(api.describe_changes(changes, len(project.scenes), staged))

    from novelforge.cli.room_run import finish, print_estimate, room_options

    if room:
        with room_options("check", estimate=estimate, max_cost=max_cost, no_cache=no_cache) as options.room:
            report = _run(api, paths, base, staged, changed, options, no_cache, say_what_is_checked)
    else:
        report = _run(api, paths, base, staged, changed, options, no_cache, say_what_is_checked)
    if room and estimate:
        print_estimate(report.room, fmt)
        raise typer.Exit(0)
    show_report(report, fmt, output)
    if not room:
        from novelforge.replay import offer

        offer(report.project.root)      # the same command on the same files may be answered from this run
    stopped = finish(report.room, quiet=fmt != "text") if room else None
    raise typer.Exit(stopped if stopped is not None else int(report.exit_code()))


def _run(api, paths, base, staged, changed, options, no_cache, say_what_is_checked):
    from novelforge.errors import NothingStaged

    try:
        return api.check(paths=paths or (), base=base, staged=staged, changed=changed, options=options,
                         use_cache=not no_cache, warn=warn, on_changes=say_what_is_checked)
    except NothingStaged as exc:
        err_console().print(str(exc))
        raise typer.Exit(0) from None
