"""``novelforge check`` and ``novelforge promises`` run from the ``novelforge`` command
register their own command modules only (``cli.argv.NEEDS``, issue #17): the commands they
build must be those a full registration builds, and other command lines register all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from novelforge.cli import argv as cli_argv

ROOT = Path(__file__).resolve().parent.parent

# the options, arguments and help of the command `args` names, as click sees them
SHAPE = r"""
import json, sys, typer
import novelforge.cli.app as a
from novelforge.cli.style import conform
args = json.loads(sys.argv[1])
from novelforge.cli.argv import needed_modules
a._register(needed_modules(args) if sys.argv[2] == "needed" else None)
group = conform(typer.main.get_command(a.app))
cmd = group
for name in args:
    cmd = cmd.commands[name]
def shape(c):
    params = [(p.name, p.opts, p.secondary_opts, p.required, repr(p.default)) for p in c.params]
    out = {"help": c.help, "params": params}
    if hasattr(c, "commands"):
        out["commands"] = {n: shape(s) for n, s in sorted(c.commands.items())}
    return out
print(json.dumps(shape(cmd)))
"""


def _shape(args: list[str], mode: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", SHAPE, json.dumps(args), mode], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("args", [["check"], ["promises"]])
def test_a_command_registered_alone_is_the_one_registered_with_all(args):
    assert cli_argv.needed_modules(args) is not None
    assert _shape(args, "needed") == _shape(args, "all")


@pytest.mark.parametrize("args", [["stats"], ["check", "--help"], ["help", "check"], ["-V"], ["checkk"], [],
                                  ["--color", "never", "export"]])
def test_other_command_lines_register_every_command(args):
    assert cli_argv.needed_modules(args) is None


def test_global_options_before_the_command_are_skipped():
    assert cli_argv.needed_modules(["--traceback", "--color", "never", "check", "x"]) == cli_argv.NEEDS["check"]
    assert cli_argv.needed_modules(["--color=never", "promises", "suggest"]) == cli_argv.NEEDS["promises"]
