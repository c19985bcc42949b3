"""What the commands share: the project argument, ``--format`` from a command's format table,
``--output``, the spelling of the library's parameters as flags, and writing an output.

Project resolution ("`X` does not exist", no novelforge.yaml) is the library's
(:func:`novelforge.api.project_root`): a command passes the path it was given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from novelforge.formats import FormatTable
from novelforge.wording import plural  # noqa: F401  (the one pluralising helper, for the commands)

PROJECT_HELP = "The project folder (default: the project around the current folder)."

# the library's parameter names whose flag is not `--` + the name with dashes
# (`update_baseline` is `--update-baseline`): how an OptionError is worded here
FLAGS = {
    "sets": "--set",
    "kill_in": "--in",
    "statuses": "--status",
    "open_only": "--open",
    "use_cache": "--no-cache",
}


def project_argument(help: str = PROJECT_HELP, metavar: str | None = "PROJECT") -> Any:
    """``[PROJECT]``: the project folder as the first argument."""
    return typer.Argument(None, help=help, metavar=metavar)


def project_option(help: str = PROJECT_HELP) -> Any:
    """``--project/-p DIR``, for commands whose argument is something else."""
    return typer.Option(None, "--project", "-p", help=help)


def format_option(table: FormatTable, default: Optional[str] = "text", help: str = "Output format.",
                  names: tuple[str, ...] = ("--format", "-f"), hidden: bool = False) -> Any:
    """``--format/-f`` with the names of ``table``; any other value is refused while the
    arguments are read, with the one message for an unknown format (worded with the
    option's own name when it is not ``--format``: ``import --from``)."""

    def check(value: Optional[str]) -> Optional[str]:
        if value is not None:
            if names[0] == "--format":
                table.get_format(value)
            else:
                from novelforge.errors import UnknownFormat, UsageError

                try:
                    table.get_format(value)
                except UnknownFormat as exc:
                    raise UsageError(f"`{names[0]} {value}` is not a format of `{exc.command}`; "
                                     f"use one of: {', '.join(exc.choices)}") from None
        return value

    return typer.Option(default, *names, metavar=table.metavar, help=help, callback=check, hidden=hidden)


def output_option(help: str = "Write the report to this file.", metavar: str = "FILE") -> Any:
    """``--output/-o FILE``."""
    return typer.Option(None, "--output", "-o", metavar=metavar, help=help)


def old_out_option() -> Any:
    """``--out``: the older spelling of ``--output`` in ``export`` and ``schema``, hidden
    and kept so scripts that use it still work."""
    return typer.Option(None, "--out", hidden=True, help="The older spelling of --output.")


def write_output(text: str, output: Optional[Path]) -> None:
    """``text`` to standard output, or atomically to ``output``."""
    import sys

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from novelforge.formats import write_file

    write_file(output, text)


def warn(text: str) -> None:
    """A warning from the library, on standard error."""
    from novelforge.cli.app import err_console

    err_console().print(f"warning: {text}", style="yellow", markup=False)

