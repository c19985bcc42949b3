"""``novelforge promises suggest [PROJECT]``: candidate setups found in the prose."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import err_console
from novelforge.cli.llm_options import estimate_option, max_cost_option
from novelforge.cli.options import format_option, plural, warn, write_output
from novelforge.cli.promises import project_argument, promises_app
from novelforge.formats import SUGGEST


@promises_app.command("suggest")
def suggest_cmd(
    ctx: typer.Context,
    project: Optional[Path] = typer.Argument(None, metavar="PROJECT",
        help="Project folder (default: the project around the current folder)."),
    fmt: str = format_option(SUGGEST),
    min_confidence: float = typer.Option(0.0, "--min-confidence", min=0.0, max=1.0, metavar="NUMBER",
        help="Only candidates at least this confident (0–1)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, metavar="N", help="Show at most this many candidates."),
    accept: Optional[str] = typer.Option(None, "--accept", metavar="ID",
        help="Write this candidate to canon/promises/<ID>.yaml and mark where it is planted with a "
             "`<!-- setup: ID -->` line above its paragraph (the prose itself is unchanged)."),
    reject: Optional[str] = typer.Option(None, "--reject", metavar="ID",
        help="Never suggest this candidate again (recorded in .novelforge/promises-rejected.json)."),
    payoffs: Optional[str] = typer.Option(None, "--payoffs", metavar="PROMISE",
        help="Instead: suggest later scenes that may pay off this declared promise."),
    no_cache: bool = typer.Option(False, "--no-cache",
        help="Analyse every scene afresh; do not read or write the analysis cache "
             "(with --llm, nor the answer cache)."),
    llm: bool = typer.Option(False, "--llm",
        help="Have the LLM (`llm:` in novelforge.yaml) judge each candidate and propose setups the patterns miss, "
             "each quoting the scene (docs/room.md)."),
    estimate: bool = estimate_option(),
    max_cost: Optional[float] = max_cost_option(),
) -> None:
    """Find candidate setups in the prose — vows, prophecies, unanswered questions,
    Chekhov objects, canon named once — each with its evidence and a confidence.

    Example: novelforge promises suggest my-novel --min-confidence 0.6

    Exit codes: 0 done, 2 usage error (unknown id, existing promise file, no model for
    --llm), 3 internal error, 4 the budget or --max-cost stopped --llm.
    """
    from novelforge import api
    from novelforge.cli.room_run import finish_suggest, print_estimate, room_options
    from novelforge.errors import UsageError

    if (estimate or max_cost is not None) and not llm:
        raise UsageError("--estimate and --max-cost are about the LLM; add --llm")
    from contextlib import nullcontext

    run = room_options("promises-suggest", estimate=estimate, max_cost=max_cost, no_cache=no_cache) if llm \
        else nullcontext()
    with run as room:
        found = api.suggest(project or project_argument(ctx), min_confidence=min_confidence, limit=limit,
                            accept=accept, reject=reject, payoffs=payoffs, use_cache=not no_cache, warn=warn,
                            llm=llm, room=room)
    if found.llm is not None and estimate:
        print_estimate(found.llm, fmt)
        raise typer.Exit(0)
    if found.accepted is not None:
        err_console().print(f"Wrote {found.accepted_rel} and marked its setup in {found.accepted_scene} "
                            "(`<!-- setup -->`; the prose is unchanged).", markup=False)
    elif found.rejected is not None:
        err_console().print(f"Rejected {found.rejected}; recorded in {found.rejected_file}.")
    else:
        write_output(SUGGEST.render(fmt, found), None)
        if fmt != "json":
            if found.payoffs is not None:
                err_console().print(f"{plural(len(found.payoffs), 'possible payoff')} of {found.promise}")
            else:
                err_console().print(f"{plural(len(found.candidates), 'candidate')} "
                                    "(accept with --accept ID, dismiss with --reject ID)")
        if found.llm is None:
            from novelforge.replay import offer

            offer(found.root)       # the same command on the same files may be answered from this run
    raise typer.Exit(finish_suggest(found.llm, fmt) if found.llm is not None else 0)
