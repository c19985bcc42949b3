"""The command line's one convention, applied to every command the app has (docs/cli.md):

* arguments are upper-case metavars: ``[PROJECT]``, ``[PATH]...``, ``FILE``, ``ENTITY``;
  an optional one in brackets, a repeatable one followed by ``...``;
* an option's value is an upper-case word (``FILE``, ``N``, ``REF``) or the list of its
  choices (``text|json``), never a Python type (``<list[str]>``, ``<int range>``);
* bounds are words (``at least 1``), not ``x>=1``;
* a typo (an unknown command or option, a missing argument) is one ``error:`` line and a
  ``= help:`` line, exit 2, like every other error of the tool.

:func:`conform` is applied to the Click command tree built from the Typer app, so commands
added later follow the convention without doing anything.
"""

from __future__ import annotations

import re
from types import MethodType
from typing import Any

try:   # Typer ≥ 0.20 carries its own copy of Click, and raises its exceptions
    from typer import _click as click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older Typer on the real Click
    import click
    from click import exceptions as click_errors

_TYPE = re.compile(r"\s*<[^>]*>")


def _metavar_of(param: Any) -> str:
    """An option's value as one upper-case word, from its type."""
    desc = getattr(param, "type_descriptor", None)
    if desc is None:
        return "VALUE"
    if desc.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    if desc.is_path:
        return "PATH"
    annotation = desc.annotation
    if getattr(annotation, "__origin__", None) is list:
        annotation = annotation.__args__[0]
    return {int: "N", float: "NUMBER", bool: "BOOL"}.get(annotation, "TEXT")


def argument_name(param: Any) -> str:
    """``PROJECT``, ``[PROJECT]``, ``[PATH]...``: an argument as usage lines and help show it."""
    metavar = param.metavar
    if metavar and ("[" in metavar or " " in metavar):
        return metavar          # already in the convention: `[PROJECT] ENTITY`
    name = (metavar or param.name or "ARG").upper()
    repeat = param.nargs != 1
    if repeat and name.endswith("S") and not metavar:
        name = name[:-1]        # `paths` → PATH...
    name = name.rstrip(".")
    shown = name if param.required else f"[{name}]"
    return shown + ("..." if repeat else "")


def _bounds(text: str) -> str:
    text = re.sub(r"(-?[\d.]+)<=x<=(-?[\d.]+)", r"from \1 to \2", text)
    text = re.sub(r"x>=(-?[\d.]+)", r"at least \1", text)
    text = re.sub(r"x<=(-?[\d.]+)", r"at most \1", text)
    text = re.sub(r"x>(-?[\d.]+)", r"more than \1", text)
    return re.sub(r"x<(-?[\d.]+)", r"less than \1", text)


def help_record(param: Any, ctx: click.Context) -> tuple[str, str] | None:
    """One line of an Arguments or Options section, in the convention."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    name, help_ = record
    if param.param_type_name == "argument":
        return argument_name(param), _bounds(help_)
    if param.metavar is None and not getattr(param, "is_flag", False) and not getattr(param, "count", False):
        name = _TYPE.sub(f" {_metavar_of(param)}", name)
    return name, _bounds(help_)


def _is_group(command: Any) -> bool:
    return isinstance(getattr(command, "commands", None), dict)


def _format_options(self: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    args: list[tuple[str, str]] = list(getattr(self, "extra_arguments", ()))
    opts: list[tuple[str, str]] = []
    for param in self.get_params(ctx):
        rec = help_record(param, ctx)
        if rec is not None:
            (args if param.param_type_name == "argument" else opts).append(rec)
    if args:
        with formatter.section("Arguments"):
            formatter.write_dl(args)
    if opts:
        with formatter.section("Options"):
            formatter.write_dl(opts)
    if _is_group(self):
        self.format_commands(ctx, formatter)


def _usage_pieces(self: click.Command, ctx: click.Context) -> list[str]:
    fixed = getattr(self, "usage_pieces", None)
    if fixed is not None:
        return list(fixed)
    pieces = ["[OPTIONS]"]
    pieces += [argument_name(p) for p in self.get_params(ctx) if p.param_type_name == "argument"]
    if _is_group(self):
        pieces.append("COMMAND [ARGS]...")
    return pieces


def conform(command: click.Command) -> click.Command:
    """Give ``command`` and every subcommand the convention's help and usage line."""
    command.format_options = MethodType(_format_options, command)  # type: ignore[method-assign]
    command.collect_usage_pieces = MethodType(_usage_pieces, command)  # type: ignore[method-assign]
    if _is_group(command):
        for sub in command.commands.values():
            conform(sub)
    return command


def walk(command: click.Command, path: tuple[str, ...] = ()):
    """``(path, command)`` for ``command`` and every subcommand, depth first."""
    yield path, command
    if _is_group(command):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, path + (name,))


# ----------------------------------------------------------------------------- usage errors
def _quote(text: str) -> str:
    """Click's 'x' quoting as the tool's `x`."""
    return re.sub(r"'([^']*)'", r"`\1`", text)


def usage_error(exc: click.ClickException) -> tuple[str, str]:
    """A Click usage error (a typo) as the tool's one line and its help."""
    import difflib

    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "novelforge"
    see = f"`{where} --help` lists what it takes"
    if isinstance(exc, click_errors.NoSuchOption):
        message = f"`{where}` has no option `{exc.option_name}`"
        near = sorted(exc.possibilities or [])
        if not near and ctx is not None:
            known = [o for p in ctx.command.params for o in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])]
            near = difflib.get_close_matches(exc.option_name, known, n=2)
        hint = (f"did you mean {' or '.join(f'`{n}`' for n in near)}? " if near else "") + see
        return message, hint
    if isinstance(exc, click_errors.MissingParameter) and exc.param is not None:
        param = exc.param
        name = argument_name(param) if param.param_type_name == "argument" else "/".join(param.opts)
        needed = re.sub(r"\[[^\]]*\]\s*", "", name).strip() or name.strip("[]")
        return f"`{where}` needs {needed}", see
    if isinstance(exc, click_errors.BadParameter):
        text = _quote(exc.format_message()).rstrip(".")
        match = re.match(r"Invalid value for (`[^`]*`)(?: / `[^`]*`)*: (.*)", text, re.S)
        if match:
            text = f"{match.group(1)}: {match.group(2)[:1].lower()}{match.group(2)[1:]}"
        text = text.replace("input should be greater than or equal to", "must be at least")
        text = text.replace("input should be less than or equal to", "must be at most")
        text = re.sub(r"input should be a valid integer.*", "must be a whole number", text)
        text = re.sub(r"input should be a valid number.*", "must be a number", text)
        # click's own wording (typer before 0.29): `0 is not in the range x>=1`, `'x' is not a valid integer`
        text = re.sub(r"\S+ is not in the range ", "must be ", text)
        text = re.sub(r"\S+ is not a valid int(?:eger)?(?: range)?", "must be a whole number", text)
        text = re.sub(r"\S+ is not a valid float(?: range)?", "must be a number", text)
        return _bounds(text), see
    text = exc.format_message()
    match = re.match(r"No such command '([^']*)'", text)
    if match and ctx is not None and _is_group(ctx.command):
        wanted = match.group(1)
        near = difflib.get_close_matches(wanted, list(ctx.command.commands), n=2)
        hint = (f"did you mean {' or '.join(f'`{n}`' for n in near)}? " if near else "")
        listing = "`novelforge help` lists the commands" if where == "novelforge" else see
        return f"`{where}` has no command `{wanted}`", hint + listing
    if isinstance(exc, click_errors.UsageError):
        text = _quote(text).rstrip(".")
        text = re.sub(r"^[Oo]ption (`[^`]*`) requires an argument", r"\1 needs a value", text)
        text = text[:1].lower() + text[1:]
        return text, see
    return _quote(text).rstrip("."), ""
