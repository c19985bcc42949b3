"""``novelforge promises [PROJECT]`` (the ledger report) and ``novelforge promises suggest
[PROJECT]``: a command group whose first argument may also be the project folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from novelforge.cli.app import app


class _ProjectFirstGroup(TyperGroup):
    """`promises PATH --open` and `promises suggest PATH`: a first argument that is not a
    subcommand is the project folder of the report."""

    def parse_args(self, ctx, args):  # type: ignore[override]
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            ctx.meta["novelforge.project"] = args[0]
            args = args[1:]
        return super().parse_args(ctx, args)


promises_app = typer.Typer(
    name="promises",
    cls=_ProjectFirstGroup,
    help="The promise/payoff ledger: what the book owes its reader, where it is planted and paid.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(promises_app, name="promises")


def project_argument(ctx: typer.Context) -> Optional[Path]:
    value = ctx.meta.get("novelforge.project")
    return Path(value) if value else None


@promises_app.callback()
def promises_report(ctx: typer.Context) -> None:
    """Show the promise/payoff ledger of the project (default: the one around the
    current folder).

    Example: novelforge promises my-novel
    """
    if ctx.invoked_subcommand is not None:
        return
    from novelforge.errors import UsageError

    raise UsageError("the ledger report is not written yet")
