"""``novelforge hooks install|uninstall|status``: the git pre-commit hook."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, out_console

hooks_app = typer.Typer(
    name="hooks",
    help="The git pre-commit hook that checks the scenes a commit changes.",
    no_args_is_help=True,
)
app.add_typer(hooks_app, name="hooks")

_PROJECT_HELP = "The project folder (default: the project around the current folder)."


def _project(path: Optional[Path]) -> Path:
    from novelforge.errors import UsageError
    from novelforge.project.loader import find_project_root

    if path is not None and not path.exists():
        raise UsageError(f"`{path}` does not exist")
    return find_project_root(path)


def _show(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


@hooks_app.command("install")
def install_cmd(
    project: Optional[Path] = typer.Argument(None, help=_PROJECT_HELP),
    force: bool = typer.Option(False, "--force", help="Replace a pre-commit hook NovelForge did not write (it is kept as pre-commit.novelforge-backup)."),
) -> None:
    """Install a git pre-commit hook that checks the scenes each commit changes.

    The hook runs `novelforge check --changed --base HEAD` on the project and refuses the
    commit when there are errors. `git commit --no-verify` skips it once. An existing hook
    that NovelForge did not write is left alone unless --force.

    Example: novelforge hooks install my-novel
    """
    from novelforge.vcs import hooks

    result = hooks.install(_project(project), force=force)
    loc = result.location
    console = out_console()
    where = _show(loc.hook, loc.work_tree)
    verb = {"installed": "Installed", "updated": "Updated", "replaced": "Installed"}[result.action]
    console.print(f"{verb} the NovelForge pre-commit hook in {where}.", markup=False)
    if result.backup is not None:
        console.print(f"The hook that was there is kept as {_show(result.backup, loc.work_tree)}.", markup=False)
    if loc.from_hooks_path:
        console.print("(That folder is set by git's core.hooksPath.)", markup=False)
    console.print("Each commit now checks the scenes it changes; `git commit --no-verify` skips the check once.", markup=False)


@hooks_app.command("uninstall")
def uninstall_cmd(
    project: Optional[Path] = typer.Argument(None, help=_PROJECT_HELP),
) -> None:
    """Remove the NovelForge pre-commit hook (never a hook NovelForge did not write).

    A hook that `hooks install --force` replaced is put back.

    Example: novelforge hooks uninstall
    """
    from novelforge.vcs import hooks

    result = hooks.uninstall(_project(project))
    loc = result.location
    where = _show(loc.hook, loc.work_tree)
    console = out_console()
    if result.action == "absent":
        console.print(f"No pre-commit hook is installed ({where} does not exist); nothing to do.", markup=False)
    elif result.action == "foreign":
        console.print(f"The pre-commit hook in {where} was not written by NovelForge; it was left alone.", markup=False)
    else:
        console.print(f"Removed the NovelForge pre-commit hook from {where}.", markup=False)
        if result.restored:
            console.print("The hook it had replaced is back in place.", markup=False)


@hooks_app.command("status")
def status_cmd(
    project: Optional[Path] = typer.Argument(None, help=_PROJECT_HELP),
) -> None:
    """Say whether the NovelForge pre-commit hook is installed, and where.

    Example: novelforge hooks status
    """
    from novelforge.vcs import hooks

    st = hooks.status(_project(project))
    loc = st.location
    where = _show(loc.hook, loc.work_tree)
    console = out_console()
    if st.state == "absent":
        console.print(f"Not installed: there is no pre-commit hook ({where}). Run `novelforge hooks install`.", markup=False)
    elif st.state == "foreign":
        console.print(f"Not installed: {where} is a pre-commit hook NovelForge did not write.", markup=False)
    else:
        console.print(f"Installed: {where} checks the project `{st.project or '.'}` before each commit.", markup=False)
        if not st.executable:
            console.print("But it is not executable, so git does not run it; run `novelforge hooks install` again.", markup=False)
    if loc.from_hooks_path:
        console.print("(git's core.hooksPath chooses that folder.)", markup=False)
    if st.has_backup:
        console.print(f"A replaced hook is kept as {_show(loc.backup, loc.work_tree)}.", markup=False)
