"""``novelforge promises [PROJECT]`` (the ledger report) and ``novelforge promises suggest
[PROJECT]``: a command group whose first argument may also be the project folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from novelforge.cli.app import app
from novelforge.cli.options import format_option, output_option
from novelforge.formats import PROMISES


class _ProjectFirstGroup(TyperGroup):
    """`promises PATH --open`, `promises --format html PATH` and `promises suggest PATH`:
    the first argument that is neither an option, an option's value nor a subcommand is
    the project folder of the report."""

    def parse_args(self, ctx, args):  # type: ignore[override]
        takes_value = {name for p in self.params if not getattr(p, "is_flag", False)
                       for name in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--":
                break
            if a.startswith("-"):
                i += 2 if a in takes_value else 1   # `--format html`; `--format=html` is one
                continue
            if a not in self.commands:
                ctx.meta["novelforge.project"] = a
                args = args[:i] + args[i + 1:]
            break
        return super().parse_args(ctx, args)

    # the help's usage line and Arguments section (cli/style.py reads these)
    usage_pieces = ("[OPTIONS]", "[PROJECT]", "| COMMAND [ARGS]...")
    extra_arguments = (("[PROJECT]", "The project folder (default: the project around the current folder)."),)


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
def promises_report(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="Only promises not yet paid off (open or overdue)."),
    kind: Optional[str] = typer.Option(None, "--kind", metavar="KIND",
                                       help="Only this kind: promise, question, clue, mystery or foreshadowing."),
    fmt: str = format_option(PROMISES),
    output: Optional[Path] = output_option(),
) -> None:
    """Show the promise/payoff ledger of the project (default: the one around the
    current folder): where each promise is planted and paid, how far apart, and its
    status (open, paid, orphaned, premature, overdue).

    Example: novelforge promises my-novel --open --format html --output ledger.html
    """
    if ctx.invoked_subcommand is not None:
        return
    from novelforge import api
    from novelforge.cli.app import use_color
    from novelforge.cli.options import write_output

    report = api.promises(project_argument(ctx), open_only=open_only, kind=kind)
    width = None
    if fmt == "text" and output is None and sys.stdout.isatty():
        import shutil

        width = shutil.get_terminal_size().columns   # fit the terminal; a file or a pipe gets full lines
    write_output(PROMISES.render(fmt, report, color=fmt == "text" and output is None and use_color(), width=width),
                 output)
