"""``novelforge promises suggest [PROJECT]``: candidate setups found in the prose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import err_console
from novelforge.cli.promises import project_argument, promises_app


@promises_app.command("suggest")
def suggest_cmd(
    ctx: typer.Context,
    project: Optional[Path] = typer.Argument(None, metavar="[PROJECT]", help="Project folder (default: the project around the current folder)."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="text|json", help="Output format."),
    min_confidence: float = typer.Option(0.0, "--min-confidence", min=0.0, max=1.0, help="Only candidates at least this confident (0–1)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Show at most this many candidates."),
    accept: Optional[str] = typer.Option(None, "--accept", metavar="ID", help="Write this candidate to canon/promises/<ID>.yaml (the prose is never changed)."),
    reject: Optional[str] = typer.Option(None, "--reject", metavar="ID", help="Never suggest this candidate again (recorded in .novelforge/promises-rejected.json)."),
    payoffs: Optional[str] = typer.Option(None, "--payoffs", metavar="PROMISE", help="Instead: suggest later scenes that may pay off this declared promise."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Analyse every scene afresh; do not read or write the analysis cache."),
) -> None:
    """Find candidate setups in the prose — vows, prophecies, unanswered questions,
    Chekhov objects, canon named once — each with its evidence and a confidence.

    Example: novelforge promises suggest my-novel --min-confidence 0.6

    Exit codes: 0 done, 2 usage error (unknown id, existing promise file), 3 internal error.
    """
    from novelforge.cli.common import open_cache, resolve_target
    from novelforge.errors import UsageError
    from novelforge.ledger import store
    from novelforge.ledger.suggest import suggest, suggest_payoffs
    from novelforge.project.loader import load_project
    from novelforge.analysis import Session

    if fmt not in ("text", "json"):
        raise UsageError(f"`--format {fmt}` is not a format of this command; use text or json")
    if accept and reject:
        raise UsageError("give --accept or --reject, not both")
    target = project or project_argument(ctx)
    root, _ = resolve_target([target] if target else None)
    with open_cache(root, not no_cache) as cache:
        proj = load_project(root, cache)
        indexes = Session(proj, cache).indexes()
    if payoffs:
        found = suggest_payoffs(proj, indexes, payoffs)
        if fmt == "json":
            typer.echo(json.dumps([p.to_dict() for p in found], indent=2, ensure_ascii=False))
        else:
            for p in found:
                typer.echo(f"{p.path}:{p.line}:{p.column}  {p.score:.2f}  {p.scene}  {p.excerpt}")
            err_console().print(f"{len(found)} possible payoffs of {payoffs}")
        raise typer.Exit(0)
    wanted = accept or reject
    if wanted and wanted in proj.promises:
        raise UsageError(f"`{wanted}` is already a declared promise ({proj.promises[wanted].path}); not overwriting it")
    rejected = store.load_rejected(root)
    candidates = suggest(proj, indexes, rejected=rejected)
    if wanted:
        match = next((c for c in candidates if c.id == wanted), None)
        if match is None:
            raise UsageError(f"`{wanted}` is not a current suggestion",
                             help="run `novelforge promises suggest` to list candidate ids")
        if accept:
            path = store.accept(root, match)
            err_console().print(f"Wrote {path.relative_to(root).as_posix()} (the prose is unchanged).")
        else:
            store.reject(root, match.id)
            err_console().print(f"Rejected {match.id}; recorded in {store.REJECTED_FILE}.")
        raise typer.Exit(0)
    shown = [c for c in candidates if c.confidence >= min_confidence][:limit]
    if fmt == "json":
        typer.echo(json.dumps([c.to_dict() for c in shown], indent=2, ensure_ascii=False))
    else:
        for c in shown:
            typer.echo(f"{c.path}:{c.line}:{c.column}  {c.confidence:.2f}  {c.kind:<13} {c.id}")
            typer.echo(f"    {c.excerpt}")
        err_console().print(f"{len(shown)} candidates (accept with --accept ID, dismiss with --reject ID)")
    raise typer.Exit(0)
