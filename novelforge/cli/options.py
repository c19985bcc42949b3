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


def project_argument(help: str = PROJECT_HELP, metavar: str | None = None) -> Any:
    """``[PROJECT]``: the project folder as the first argument."""
    return typer.Argument(None, help=help, metavar=metavar)


def project_option(help: str = PROJECT_HELP) -> Any:
    """``--project/-p DIR``, for commands whose argument is something else."""
    return typer.Option(None, "--project", "-p", help=help)


def format_option(table: FormatTable, default: Optional[str] = "text", help: str = "Output format.") -> Any:
    """``--format/-f`` with the names of ``table``; any other value is refused while the
    arguments are read, with the one message for an unknown format."""

    def check(value: Optional[str]) -> Optional[str]:
        if value is not None:
            table.get_format(value)
        return value

    return typer.Option(default, "--format", "-f", metavar=table.metavar, help=help, callback=check)


def output_option(help: str = "Write the report to this file.") -> Any:
    """``--output/-o FILE``."""
    return typer.Option(None, "--output", "-o", help=help)


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


def plural(count: int, noun: str) -> str:
    """``1 chapter``, ``1,204 scenes``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
