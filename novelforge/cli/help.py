"""``novelforge help [COMMAND]...``: the help of a command, like ``COMMAND --help``."""

from __future__ import annotations

from typing import List, Optional

import typer

from novelforge.cli.app import app


@app.command("help")
def help_cmd(command: Optional[List[str]] = typer.Argument(None, metavar="COMMAND",
                                                          help="The command, e.g. `check` or `promises suggest`.")
             ) -> None:
    """Show the help of a command (the same as COMMAND --help), or the list of commands.

    Example: novelforge help promises suggest
    """
    # main() runs `novelforge help X Y` as `novelforge X Y --help`; this body is reached
    # only when the app is called without main() (the library's own tests)
    from novelforge.cli.style import conform

    root = conform(typer.main.get_command(app))
    typer.echo(root.get_help(typer.Context(root, info_name="novelforge")))
