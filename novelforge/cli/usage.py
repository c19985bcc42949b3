"""``novelforge usage [PROJECT]``: what the LLM commands spent, from the spend ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.options import format_option, output_option, project_argument, write_output
from novelforge.formats import USAGE


@app.command("usage")
def usage_cmd(
    project: Optional[Path] = project_argument(),
    month: Optional[str] = typer.Option(None, "--month", metavar="YYYY-MM",
                                        help="The month to show (UTC; default: this month)."),
    by: str = typer.Option("day", "--by", metavar="day|command|model", help="Group the calls by this."),
    fmt: str = format_option(USAGE),
    output: Optional[Path] = output_option(),
) -> int:
    """Show what the LLM commands spent this month: calls sent, answers from the cache,
    failures, tokens and cost, grouped by day, command or model, against the monthly
    budget (`llm: budget_usd_month:`). Reads the spend ledger only; sends nothing.

    Example: novelforge usage --month 2026-03 --by model
    """
    from novelforge import api

    report = api.usage(project, month=month, by=by)
    write_output(USAGE.render(fmt, report), output)
    return 0
