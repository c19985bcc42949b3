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
) -> int:
    """Create a starter project: novelforge.yaml, canon, a contract, and two scenes.

    Never overwrites a file that exists. Example: novelforge init my-novel --title "The Ember Crown"
    """
    from novelforge.errors import UsageError
    from novelforge.util import atomic_write

    target = (directory or Path.cwd()).absolute()
    if target.exists() and not target.is_dir():
        raise UsageError(f"`{target}` exists and is not a folder")
    if (target / "novelforge.yaml").exists():
        raise UsageError(f"`{target}` already holds a NovelForge project (novelforge.yaml exists)")
    source = templates_dir() / "project"
    files = sorted(p for p in source.rglob("*") if p.is_file())
    clashes = [p.relative_to(source) for p in files if (target / p.relative_to(source)).exists()]
    if clashes:
        raise UsageError(f"`{target / clashes[0]}` already exists; init never overwrites files",
                         help="run init in an empty folder")
    for path in files:
        rel = path.relative_to(source)
        text = path.read_text("utf-8")
        if rel.as_posix() == "novelforge.yaml":
            if title:
                text = text.replace("title: My Novel", f"title: {_yaml_str(title)}")
            if author:
                text = text.replace("author: Your Name", f"author: {_yaml_str(author)}")
        atomic_write(target / rel, text)
    console = out_console()
    console.print(f"Created a NovelForge project in {target}")
    console.print("Next: cd into it and run `novelforge check`.")
    return 0


def _yaml_str(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
