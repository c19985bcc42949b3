"""``novelforge init``: a working starter project."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, out_console


def templates_dir() -> Path:
    """Templates ship inside the wheel as ``novelforge/templates``; in a checkout they are
    the top-level ``templates/`` folder."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "project").is_dir():
            return candidate
    from novelforge.errors import NovelForgeError

    raise NovelForgeError("the NovelForge templates are missing from this installation",
                          help="reinstall NovelForge")


@app.command("init")
def init_cmd(
    directory: Optional[Path] = typer.Argument(None, help="Folder for the new project (default: the current folder)."),
    title: Optional[str] = typer.Option(None, "--title", help="The book's title."),
    author: Optional[str] = typer.Option(None, "--author", help="The byline."),
    ci: Optional[str] = typer.Option(None, "--ci", metavar="github|gitlab",
                                     help="Also add a CI workflow that checks the novel (GitHub Actions or GitLab CI). "
                                          "On an existing project, adds only the workflow."),
    install: Optional[str] = typer.Option(None, "--install", metavar="SPEC",
                                          help="With --ci: where CI installs NovelForge from, as a pip requirement "
                                               "(a git URL pinned to a tag, or a path). Without it the workflow "
                                               "stops until you set NOVELFORGE in it."),
) -> int:
    """Create a starter project: novelforge.yaml, canon, a contract, and two scenes.

    Never overwrites a file that exists; an init that was interrupted is finished by running
    it again (files already there with the bytes init writes count as done). With --ci github|gitlab, also writes a CI workflow
    at the top of the git repository (or beside novelforge.yaml outside git); on an
    existing project --ci adds only the workflow. --install SPEC fills in where CI installs
    NovelForge from (NovelForge is not on PyPI).

    Example: novelforge init my-novel --title "The Ember Crown" --ci github \
      --install "novelforge-toolchain @ git+https://example.org/novelforge.git@v0.1.0"
    """
    from novelforge.errors import UsageError
    from novelforge.util import atomic_write

    target = (directory or Path.cwd()).absolute()
    from novelforge.util import too_long

    problem = too_long(target)
    if problem:
        raise UsageError(f"cannot create the project: {problem}", help="choose a shorter folder name")
    if target.exists() and not target.is_dir():
        raise UsageError(f"`{target}` exists and is not a folder")
    if ci is not None and ci not in CI_KINDS:
        raise UsageError(f"`--ci {ci}` is not a CI service; use one of: {', '.join(CI_KINDS)}")
    if install is not None:
        if ci is None:
            raise UsageError("--install says where CI installs NovelForge from; it goes with --ci",
                             help="run `novelforge init --ci github --install SPEC` (or gitlab)")
        install = install.strip()
        if not install or any(ord(c) < 32 for c in install):
            raise UsageError("--install needs a pip requirement on one line",
                             help="a git URL pinned to a tag (`novelforge-toolchain @ git+https://…@v0.1.0`) or a path")
    existing = (target / "novelforge.yaml").exists()
    if existing and ci is None:
        raise UsageError(f"`{target}` already holds a NovelForge project (novelforge.yaml exists)",
                         help="to add a CI workflow to it, run `novelforge init --ci github` (or gitlab)")
    if existing and (title or author):
        raise UsageError("--title and --author are for a new project; this folder already holds one",
                         help="edit novelforge.yaml instead")
    ci_files = ci_plan(ci, target, install) if ci else []
    for dest, text in ci_files:
        if not _same(dest, text):
            raise UsageError(f"`{dest}` already exists; init never overwrites files",
                             help="merge the NovelForge steps into it by hand (see docs/ci.md), or move it away")
    if existing:
        _write_ci(ci_files, install)
        return 0
    plan = project_plan(target, title, author)
    clashes = [dest for dest, text in plan if not _same(dest, text)]
    if clashes:
        raise UsageError(f"`{clashes[0]}` already exists; init never overwrites files",
                         help="run init in an empty folder")
    # Each file is written atomically, and a file that is already there with exactly the
    # bytes init writes counts as done: a rerun after an interrupted init finishes it.
    # novelforge.yaml comes last, so a folder holds a project only when everything is there.
    for dest, text in plan[:-1]:
        if not dest.exists():
            atomic_write(dest, text)
    _write_ci(ci_files, install, announce=False)
    atomic_write(plan[-1][0], plan[-1][1])
    console = out_console()
    console.print(f"Created a NovelForge project in {target}")
    _write_ci(ci_files, install, write=False)
    console.print("Next: cd into it and run `novelforge check`.")
    return 0


def project_plan(target: Path, title: str | None = None, author: str | None = None) -> list[tuple[Path, str]]:
    """(file, text) of every file of the starter project, novelforge.yaml last."""
    source = templates_dir() / "project"
    plan: list[tuple[Path, str]] = []
    config: tuple[Path, str] | None = None
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source)
        text = path.read_text("utf-8")
        if rel.as_posix() == "novelforge.yaml":
            if title:
                text = text.replace("title: My Novel", f"title: {_yaml_str(title)}")
            if author:
                text = text.replace("author: Your Name", f"author: {_yaml_str(author)}")
            config = (target / rel, text)
            continue
        plan.append((target / rel, text))
    assert config is not None, "the project template has no novelforge.yaml"
    return plan + [config]


def _same(dest: Path, text: str) -> bool:
    """True when ``dest`` is missing, or is a file holding exactly ``text`` (written by an
    init that was interrupted): either way init may go on without overwriting anything."""
    if not (dest.exists() or dest.is_symlink()):
        return True
    try:
        return dest.is_file() and not dest.is_symlink() and dest.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


# ----------------------------------------------------------------------------- --ci
CI_KINDS = ("github", "gitlab")
# template (under templates/ci) → file it becomes, relative to the repository's top
_CI_FILES = {
    "github": ("github/novelforge.yml", ".github/workflows/novelforge.yml"),
    "gitlab": ("gitlab/.gitlab-ci.yml", ".gitlab-ci.yml"),
}


def ci_location(target: Path) -> tuple[Path, str]:
    """Where CI files go for a project in ``target`` (which may not exist yet): the top of
    the git repository around it and the project's folder inside it, or ``target`` itself
    and "" when it is not in a repository."""
    import os

    from novelforge.vcs.repo import GitError, GitRepo

    probe = target
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        repo = GitRepo(probe)
    except GitError:
        return target, ""
    try:
        work_tree = repo.work_tree
    finally:
        repo.close()
    try:
        rel = Path(os.path.realpath(target)).relative_to(work_tree).as_posix()
    except ValueError:
        return target, ""
    return work_tree, "" if rel == "." else rel


def render_ci(kind: str, prefix: str, install: str | None = None) -> str:
    """The text of the CI file for a project at ``prefix`` inside the repository ("" at its
    top). ``install`` is the pip requirement CI installs NovelForge from; without it the
    value is left empty and the workflow's install step stops with a message saying so.
    Templates use plain placeholders (GitHub's own ``${{ }}`` would clash with Jinja2);
    every value is written as a quoted YAML string."""
    import json

    template, _dest = _CI_FILES[kind]
    text = (templates_dir() / "ci" / template).read_text("utf-8")
    folder = prefix.rstrip("/")
    lead = f"{folder}/" if folder else ""
    values = {
        "__NOVELFORGE_INSTALL__": install or "",
        "__PROJECT_DIR__": folder or ".",
        "__CACHE_DIR__": "~/.cache/novelforge",   # outside the checkout (docs/security.md)
        "__SARIF_FILE__": f"{lead}novelforge.sarif",
        "__JUNIT_FILE__": f"{lead}novelforge-junit.xml",
    }
    # the SARIF file as a string of a GitHub expression (`'novel/novelforge.sarif'`), inside
    # a double-quoted YAML string
    literal = "'" + values["__SARIF_FILE__"].replace("'", "''") + "'"
    text = text.replace("__SARIF_EXPR__", json.dumps(literal, ensure_ascii=False)[1:-1])
    for token, value in values.items():
        text = text.replace(token, json.dumps(value, ensure_ascii=False))
    return text


def ci_plan(kind: str, target: Path, install: str | None = None) -> list[tuple[Path, str]]:
    """(file, text) of every CI file ``init --ci KIND`` writes for a project in ``target``."""
    root, prefix = ci_location(target)
    _template, dest = _CI_FILES[kind]
    return [(root / dest, render_ci(kind, prefix, install))]


def _write_ci(files: list[tuple[Path, str]], install: str | None = None, *, write: bool = True,
              announce: bool = True) -> None:
    from novelforge.errors import UsageError
    from novelforge.util import atomic_write

    console = out_console()
    for dest, text in files:
        if write and not (dest.is_file() and _same(dest, text)):
            try:
                atomic_write(dest, text)
            except OSError as exc:
                raise UsageError(f"cannot write `{dest}`: {exc.strerror or exc}") from None
        if announce:
            console.print(f"Added the CI workflow {dest}", markup=False)
    if not files or not announce:
        return
    if install:
        console.print(f"CI installs NovelForge with `pip install {install}`. Commit the file and push "
                      "(docs/ci.md explains each step).", markup=False)
    else:
        console.print("Before you push, set NOVELFORGE at its top to where pip installs NovelForge from "
                      "(a git URL pinned to a tag, or a path): until then the workflow stops and says so. "
                      "docs/ci.md explains each step.", markup=False)


def _yaml_str(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
