"""``novelforge check``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from novelforge.cli.app import app, err_console, out_console, use_color
from novelforge.cli.common import resolve_target, write_output


def _split(values: Optional[List[str]]) -> Optional[list[str]]:
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


@app.command()
def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="Project folder, or files and folders inside it to report on (default: the project around the current folder)."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|json|sarif|github|junit", help="Report format."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file instead of standard output."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these rules (codes, prefixes such as NF2, or names; comma-separated). Replaces `check: select`."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these rules. Replaces `check: ignore`."),
    extend_select: Optional[List[str]] = typer.Option(None, "--extend-select", help="Add rules to the configured selection."),
    extend_ignore: Optional[List[str]] = typer.Option(None, "--extend-ignore", help="Add rules to the configured ignores."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", metavar="error|warning|info", help="Lowest severity that makes the exit code 1 (default: `check: fail-on`, else error)."),
    max_warnings: Optional[int] = typer.Option(None, "--max-warnings", min=0, help="Exit 1 when there are more warnings than this."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Analyse every scene afresh; do not read or write the analysis cache."),
    update_baseline: bool = typer.Option(False, "--update-baseline", help="Record every current finding in .novelforge/baseline.json; later runs report only new ones."),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="Ignore .novelforge/baseline.json."),
    changed: bool = typer.Option(False, "--changed", help="Check only the scenes changed since --base, and the scenes a changed canon entry, contract or promise affects. Findings equal a full run's for those scenes."),
    base: Optional[str] = typer.Option(None, "--base", metavar="REF", help="With --changed: compare with the merge base of REF and HEAD (default: the merge base with the upstream branch, else HEAD). Implies --changed."),
    staged: bool = typer.Option(False, "--staged", help="Check what the next commit would record: the staged files (the git index) against HEAD, as --changed does. For pre-commit hooks."),
) -> None:
    """Check the manuscript, canon and contracts, and report findings.

    Example: novelforge check --format sarif --output novelforge.sarif

    In a pull request: novelforge check --changed --base origin/main

    Exit codes: 0 clean (or only findings below --fail-on), 1 findings, 2 usage or
    configuration error or nothing to check, 3 internal error.
    """
    from novelforge.cli.common import open_cache
    from novelforge.diagnostics import Severity
    from novelforge.errors import UsageError
    from novelforge.project.loader import load_project
    from novelforge.report import FORMATS, render
    from novelforge.rules.engine import CheckOptions, check_project
    from novelforge.rules.suppress import write_baseline

    if fmt not in FORMATS:
        raise UsageError(f"`--format {fmt}` is not a report format; use one of: {', '.join(FORMATS)}")
    severity = None
    if fail_on is not None:
        try:
            severity = Severity.parse(fail_on)
        except ValueError as exc:
            raise UsageError(f"--fail-on: {exc}") from None
    options = CheckOptions(
        select=_split(select), ignore=_split(ignore),
        extend_select=_split(extend_select) or [], extend_ignore=_split(extend_ignore) or [],
        fail_on=severity, max_warnings=max_warnings, exit_zero=exit_zero,
        use_cache=not no_cache, use_baseline=not (no_baseline or update_baseline),
    )
    root, options.paths = resolve_target(paths)
    if update_baseline and (changed or base is not None or staged):
        raise UsageError("--update-baseline records the whole book; it cannot be combined with --changed or --staged")
    if staged and base is not None:
        raise UsageError("--staged compares the staging area with HEAD; it cannot be combined with --base")
    from contextlib import ExitStack

    with ExitStack() as stack:
        cache = stack.enter_context(open_cache(root, not no_cache))
        changes = None
        if staged:
            project, changes = _staged(stack, root, cache, options)
        else:
            project = load_project(root, cache)
        if not project.scenes and not any(d.path == "manuscript" or d.path.startswith("manuscript/")
                                          for d in project.diagnostics):
            raise UsageError(f"nothing to check: no scenes under `{root / 'manuscript'}`",
                             help="scenes are Markdown files in manuscript/<chapter>/")
        if changed or base is not None:
            changes = _changes(root, project, base, cache, options)
        if changes is not None:
            options.scenes = set(changes.scenes)
            options.report_paths = changes.report_paths
            if fmt == "text" and output is None:
                err_console().print(_describe(changes, len(project.scenes), staged))
        report = check_project(project, options, cache)
        report.changes = changes
        if not update_baseline:
            # rendered here: with --staged the project lives in a temporary folder
            color = use_color() if output is None and fmt == "text" else False
            text = render(report, fmt, color=color)
    if update_baseline:
        target = write_baseline(root, report.diagnostics)
        err_console().print(f"Recorded {len(report.diagnostics)} findings in {target.relative_to(root)}; "
                            "later runs report only new ones.")
        raise typer.Exit(0)
    if color:  # the text reporter returns rich markup: the console turns it into ANSI codes
        out_console().print(text, end="", emoji=False)
    else:
        write_output(text, output)
    raise typer.Exit(int(report.exit_code()))


def _changes(root: Path, project, base: Optional[str], cache, options):
    from novelforge.rules.engine import resolve_settings
    from novelforge.vcs.affected import compute_changes
    from novelforge.vcs.repo import GitRepo

    codes = resolve_settings(project, options).codes
    with GitRepo(root) as repo:
        commit, label = repo.base_for(base)
        return compute_changes(repo, project, commit, label, cache, codes=codes)


def _staged(stack, root: Path, cache, options):
    """The staged project (in a temporary folder that ``stack`` removes) and its change set."""
    from novelforge.vcs.affected import compute_changes
    from novelforge.vcs.repo import GitRepo
    from novelforge.vcs.snapshot import NotStaged, staged_project

    repo = stack.enter_context(GitRepo(root))
    try:
        project, files = stack.enter_context(staged_project(repo, cache))
    except NotStaged:
        # a commit without the project (made before it is added, or of other files in a
        # bigger repository): there is nothing of the novel to check
        err_console().print("The project is not in the staging area: nothing to check.")
        raise typer.Exit(0) from None
    from novelforge.rules.engine import resolve_settings

    codes = resolve_settings(project, options).codes
    if repo.has_commits():
        head = repo.resolve("HEAD")
        return project, compute_changes(repo, project, head, "HEAD", cache, files=files, codes=codes)
    return project, compute_changes(repo, project, "", "nothing (the first commit)", cache, files=files, codes=codes)


def _describe(changes, total: int, staged: bool = False) -> str:
    """One line on what ``--changed`` checks, for the terminal."""
    if not changes.base:
        return f"The first commit: checking all {total} {'staged ' if staged else ''}scenes."
    since = f"since {changes.base_label} ({changes.base[:8]})"
    if staged:
        since = "staged " + since
    if not changes.files:
        return f"No changes {since}: nothing to check."
    if changes.everything:
        return f"novelforge.yaml changed {since}: checking all {total} scenes."
    direct = sum(1 for why in changes.scenes.values() if why[0] in ("changed", "added"))
    others = len(changes.scenes) - direct
    text = f"Checking {direct} changed scene{'s' if direct != 1 else ''}"
    if others:
        text += f" and {others} affected by the change{'s' if len(changes.files) != 1 else ''}"
    return text + f" ({len(changes.scenes)} of {total}) {since}."


def _no_cache():
    from contextlib import nullcontext

    return nullcontext(None)
