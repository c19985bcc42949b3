"""``novelforge init``: a working starter project."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app, out_console


@app.command("init")
def init_cmd(
    directory: Optional[Path] = typer.Argument(None, metavar="PROJECT",
                                               help="Folder for the new project (default: the current folder)."),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", help="The book's title."),
    author: Optional[str] = typer.Option(None, "--author", metavar="TEXT", help="The byline."),
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
    it again (files already there with the bytes init writes count as done). With --ci
    github|gitlab, also writes a CI workflow at the top of the git repository (or beside
    novelforge.yaml outside git); on an
    existing project --ci adds only the workflow. --install SPEC fills in where CI installs
    NovelForge from (NovelForge is not on PyPI).

    Example: novelforge init my-novel --title "The Ember Crown" --ci github \
      --install "novelforge-toolchain @ git+https://example.org/novelforge.git@v0.1.0"
    """
    from novelforge import api

    done = api.init(directory, title=title, author=author, ci=ci, install=install)
    console = out_console()
    if done.created:
        console.print(f"Created a NovelForge project in {done.target}")
    for dest in done.ci_files:
        console.print(f"Added the CI workflow {dest}", markup=False)
    if done.ci_files and done.install:
        console.print(f"CI installs NovelForge with `pip install {done.install}`. Commit the file and push "
                      "(docs/ci.md explains each step).", markup=False)
    elif done.ci_files:
        console.print("Before you push, set NOVELFORGE at its top to where pip installs NovelForge from "
                      "(a git URL pinned to a tag, or a path): until then the workflow stops and says so. "
                      "docs/ci.md explains each step.", markup=False)
    if done.created:
        console.print("Next: cd into it and run `novelforge check`.")
    return 0
