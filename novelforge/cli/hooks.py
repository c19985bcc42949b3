"""``novelforge hooks install|uninstall|status``: the git pre-commit hook."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, out_console
from novelforge.cli.options import project_argument

hooks_app = typer.Typer(
    name="hooks",
    help="The git pre-commit hook that checks the scenes a commit changes.",
    no_args_is_help=True,
)
app.add_typer(hooks_app, name="hooks")

def _show(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _say(lines: list[str]) -> None:
    console = out_console()
    for line in lines:
        console.print(line, markup=False)


def _where(location) -> str:
    return _show(location.hook, location.work_tree)


@hooks_app.command("install")
def install_cmd(
    project: Optional[Path] = project_argument(),
    force: bool = typer.Option(False, "--force",
        help="Replace a pre-commit hook NovelForge did not write (it is kept as pre-commit.novelforge-backup)."),
) -> None:
    """Install a git pre-commit hook that checks what each commit records.

    The hook runs `novelforge check --staged` on the project: the staged files (what the
    commit records, not the files on disk) against HEAD, and refuses the commit when there
    are errors. `git commit --no-verify` skips it once. An existing hook that NovelForge
    did not write is left alone unless --force.

    Example: novelforge hooks install my-novel
    """
    from novelforge import api

    result = api.hooks_install(project, force=force)
    loc = result.location
    verb = {"installed": "Installed", "updated": "Updated", "replaced": "Installed"}[result.action]
    lines = [f"{verb} the NovelForge pre-commit hook in {_where(loc)}."]
    if result.backup is not None:
        lines.append(f"The hook that was there is kept as {_show(result.backup, loc.work_tree)}.")
    if loc.from_hooks_path:
        lines.append("(That folder is set by git's core.hooksPath.)")
    lines.append("Each commit now checks the scenes it changes; `git commit --no-verify` skips the check once.")
    _say(lines)


@hooks_app.command("uninstall")
def uninstall_cmd(
    project: Optional[Path] = project_argument(),
) -> None:
    """Remove the NovelForge pre-commit hook (never a hook NovelForge did not write).

    A hook that `hooks install --force` replaced is put back.

    Example: novelforge hooks uninstall
    """
    from novelforge import api

    result = api.hooks_uninstall(project)
    where = _where(result.location)
    lines = {
        "absent": [f"No pre-commit hook is installed ({where} does not exist); nothing to do."],
        "foreign": [f"The pre-commit hook in {where} was not written by NovelForge; it was left alone."],
    }.get(result.action) or [f"Removed the NovelForge pre-commit hook from {where}."]
    if result.restored:
        lines.append("The hook it had replaced is back in place.")
    _say(lines)


@hooks_app.command("status")
def status_cmd(
    project: Optional[Path] = project_argument(),
) -> None:
    """Say whether the NovelForge pre-commit hook is installed, and where; and whether it
    is out of date or can no longer find NovelForge.

    Example: novelforge hooks status
    """
    from novelforge import api

    st = api.hooks_status(project)
    loc = st.location
    where = _where(loc)
    if st.state == "absent":
        lines = [f"Not installed: there is no pre-commit hook ({where}). Run `novelforge hooks install`."]
    elif st.state == "foreign":
        lines = [f"Not installed: {where} is a pre-commit hook NovelForge did not write."]
    else:
        lines = [f"Installed: {where} checks the project `{st.project or '.'}` before each commit."]
        if not st.executable:
            lines.append("But it is not executable, so git does not run it; run `novelforge hooks install` again.")
        if not st.runnable:
            lines.append(f"The next commit will be refused: the Python the hook runs NovelForge with "
                         f"(`{st.python or 'none recorded'}`) is gone and there is no `novelforge` command on PATH; "
                         "run `novelforge hooks install` again from where NovelForge is installed.")
        elif not st.python_found:
            lines.append(f"The Python it was installed with (`{st.python or 'none recorded'}`) is gone; "
                         "it uses the `novelforge` command on PATH instead.")
        if not st.current:
            lines.append("It differs from the hook this version of NovelForge writes (an older version, "
                         "or edited by hand); run `novelforge hooks install` to update it.")
    if loc.from_hooks_path:
        lines.append("(git's core.hooksPath chooses that folder.)")
    if st.has_backup:
        lines.append(f"A replaced hook is kept as {_show(loc.backup, loc.work_tree)}.")
    _say(lines)
