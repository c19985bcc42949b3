"""``novelforge``: the application object, global options, and the one place where
exceptions become messages and exit codes."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from novelforge import __version__
from novelforge.errors import ExitCode, NovelForgeError

app = typer.Typer(
    name="novelforge",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    traceback: bool = False
    color: str = "auto"


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"novelforge {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    traceback: bool = typer.Option(False, "--traceback",
        help="Show the Python traceback of an error (for bug reports)."),
    color: str = typer.Option("auto", "--color", metavar="auto|always|never", help="Colour in terminal output."),
    version: Optional[bool] = typer.Option(None, "--version", "-V", callback=_version, is_eager=True,
                                           help="Print the version and exit."),
) -> None:
    """Lint, track and build a novel kept as plain text in git.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration
    error (or nothing to check), 3 internal error, 4 an LLM command stopped at the
    monthly budget or --max-cost (docs/exit-codes.md).
    """
    if color not in ("auto", "always", "never"):
        raise NovelForgeError(f"`--color {color}` must be auto, always or never")
    state.traceback = traceback
    state.color = color


def _register(modules: tuple[str, ...] | None = None) -> None:
    """Import the command modules (each registers its commands with :data:`app`): all, or
    only ``modules``."""
    if modules is not None:
        import importlib

        for name in modules:
            importlib.import_module(f"novelforge.cli.{name}")
        return
    from novelforge.cli import (  # noqa: F401
        cache,
        canon,
        canon_edit,
        check,
        draft,
        export,
        help,
        hooks,
        impact,
        import_,
        init,
        promises,
        promises_suggest,
        review,
        rules,
        schema,
        search,
        server,
        serving,
        stats,
        summarize,
        timeline,
        usage,
        voices,
    )


def err_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True, **_color_args())


def out_console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, **_color_args())


def _color_args() -> dict:
    if state.color == "always":
        return {"force_terminal": True, "color_system": "standard"}
    if state.color == "never":
        return {"no_color": True, "color_system": None}
    return {}


def use_color(stream=None) -> bool:
    if state.color == "always":
        return True
    if state.color == "never":
        return False
    import os

    if os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def report_error(exc: NovelForgeError) -> None:
    """The error as one line (and a help line), with the library's parameter names worded
    as this command line's flags."""
    from rich.markup import escape

    from novelforge.cli.options import FLAGS

    message, help_ = exc.worded(FLAGS)
    console = err_console()
    console.print(f"[bold red]error:[/] {escape(message)}")
    if help_:
        console.print(f"  [dim]= help:[/] {escape(help_)}")


def main(argv: list[str] | None = None, *, only_needed: bool = False) -> None:
    """Entry point of the ``novelforge`` command: runs the app and turns every exception
    into a one-line message and an exit code (tracebacks only with ``--traceback``).
    ``only_needed`` (the ``novelforge`` command's own process, which runs one command and
    exits): a command of :data:`~novelforge.cli.argv.NEEDS` is run with its own modules only."""
    from novelforge.cli.argv import expand_help, hoist_globals, needed_modules, utf8_streams

    args = hoist_globals(sys.argv[1:] if argv is None else list(argv))
    want_traceback = "--traceback" in args
    utf8_streams()
    _register(needed_modules(args) if only_needed else None)
    args = expand_help(args)
    from novelforge.cli.style import click_errors, conform, usage_error

    try:
        command = conform(typer.main.get_command(app))
        result = command.main(args=args, prog_name="novelforge", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except click_errors.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx is not None else "")
        code = 0
    except click_errors.ClickException as exc:   # a typo: unknown command or option, missing argument
        message, help_ = usage_error(exc)
        report_error(NovelForgeError(message, help=help_ or None))
        code = ExitCode.USAGE
    except typer.Abort:
        typer.echo("Interrupted.", err=True)
        code = 130
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except NovelForgeError as exc:
        if want_traceback:
            import traceback

            traceback.print_exc()
        report_error(exc)
        code = exc.exit_code
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # a bug in NovelForge
        if want_traceback:
            import traceback

            traceback.print_exc()
        typer.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        if not want_traceback:
            typer.echo("  = help: this is a bug in NovelForge; rerun with --traceback and report it", err=True)
        code = ExitCode.INTERNAL
    sys.exit(int(code))
