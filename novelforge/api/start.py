"""``init``: a working starter project, and CI workflows that check it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from novelforge.errors import OptionError, UsageError
from novelforge.project.layout import CONFIG_FILE


@dataclass
class Initialised:
    target: Path                                   # the project folder
    created: bool                                  # a new project (False: only CI files were added)
    ci_files: list[Path] = field(default_factory=list)
    install: str | None = None                     # where CI installs NovelForge from, if given


def init(directory: Path | str | None = None, *, title: str | None = None, author: str | None = None,
         ci: str | None = None, install: str | None = None) -> Initialised:
    """Create a starter project in ``directory`` (default: the current folder):
    novelforge.yaml, canon, a contract and two scenes. With ``ci`` (github or gitlab),
    also a CI workflow at the top of the git repository (or beside novelforge.yaml outside
    git); on an existing project ``ci`` adds only the workflow. ``install`` is the pip
    requirement CI installs NovelForge from.

    Never overwrites a file; an init that was interrupted is finished by running it again
    (files already holding the bytes init writes count as done); novelforge.yaml is
    written last. Returns what was created. Raises :class:`~novelforge.errors.OptionError`
    (an unknown CI service, ``install`` without ``ci`` or not on one line, ``title`` or
    ``author`` for an existing project) and :class:`~novelforge.errors.UsageError` (a name
    too long, a file in the way, an existing project without ``ci``, a file that cannot be
    written)."""
    from novelforge.scaffold import CI_KINDS, ci_plan, project_plan, same, write_files
    from novelforge.util import atomic_write, too_long

    target = Path(directory or Path.cwd()).absolute()
    problem = too_long(target)
    if problem:
        raise UsageError(f"cannot create the project: {problem}", help="choose a shorter folder name")
    if target.exists() and not target.is_dir():
        raise UsageError(f"`{target}` exists and is not a folder")
    if ci is not None and ci not in CI_KINDS:
        raise OptionError(f"{{value}} is not a CI service; use one of: {', '.join(CI_KINDS)}", option="ci", value=ci)
    if install is not None:
        if ci is None:
            raise OptionError("{install} says where CI installs NovelForge from; it goes with {ci}",
                              help="run `novelforge init --ci github --install SPEC` (or gitlab)")
        install = install.strip()
        if not install or any(ord(c) < 32 for c in install):
            raise OptionError("{install} needs a pip requirement on one line",
                              help="a git URL pinned to a tag "
                                   "(`novelforge-toolchain @ git+https://…@v0.1.0`) or a path")
    existing = (target / CONFIG_FILE).exists()
    if existing and ci is None:
        raise UsageError(f"`{target}` already holds a NovelForge project (novelforge.yaml exists)",
                         help="to add a CI workflow to it, run `novelforge init --ci github` (or gitlab)")
    if existing and (title or author):
        raise OptionError("{title} and {author} are for a new project; this folder already holds one",
                          help="edit novelforge.yaml instead")
    ci_files = ci_plan(ci, target, install) if ci else []
    for dest, text in ci_files:
        if not same(dest, text):
            raise UsageError(f"`{dest}` already exists; init never overwrites files",
                             help="merge the NovelForge steps into it by hand (see docs/ci.md), or move it away")
    done = Initialised(target, not existing, [dest for dest, _ in ci_files], install)
    if existing:
        write_files(ci_files)
        return done
    plan = project_plan(target, title, author)
    clashes = [dest for dest, text in plan if not same(dest, text)]
    if clashes:
        raise UsageError(f"`{clashes[0]}` already exists; init never overwrites files",
                         help="run init in an empty folder")
    # Each file is written atomically, and a file that is already there with exactly the
    # bytes init writes counts as done: a rerun after an interrupted init finishes it.
    # novelforge.yaml comes last, so a folder holds a project only when everything is there.
    for dest, text in plan[:-1]:
        if not dest.exists():
            atomic_write(dest, text)
    write_files(ci_files)
    atomic_write(plan[-1][0], plan[-1][1])
    return done
