"""The files ``novelforge init`` writes: the starter project and the CI workflows, from the
templates that ship inside the wheel (``novelforge/templates``; ``templates/`` in a
checkout). Nothing here prints."""

from __future__ import annotations

import json
from pathlib import Path

from novelforge.errors import NovelForgeError, UsageError
from novelforge.project.layout import CONFIG_FILE

Plan = list[tuple[Path, str]]    # (file, text), in the order they are written


def templates_dir() -> Path:
    """Templates ship inside the wheel as ``novelforge/templates``; in a checkout they are
    the top-level ``templates/`` folder."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "project").is_dir():
            return candidate
    raise NovelForgeError("the NovelForge templates are missing from this installation",
                          help="reinstall NovelForge")


def project_plan(target: Path, title: str | None = None, author: str | None = None) -> Plan:
    """(file, text) of every file of the starter project, novelforge.yaml last."""
    source = templates_dir() / "project"
    plan: Plan = []
    config: tuple[Path, str] | None = None
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source)
        text = path.read_text("utf-8")
        if rel.as_posix() == CONFIG_FILE:
            if title:
                text = text.replace("title: My Novel", f"title: {_yaml_str(title)}")
            if author:
                text = text.replace("author: Your Name", f"author: {_yaml_str(author)}")
            config = (target / rel, text)
            continue
        plan.append((target / rel, text))
    assert config is not None, "the project template has no novelforge.yaml"
    return plan + [config]


def same(dest: Path, text: str) -> bool:
    """True when ``dest`` is missing, or is a file holding exactly ``text`` (written by an
    init that was interrupted): either way init may go on without overwriting anything."""
    if not (dest.exists() or dest.is_symlink()):
        return True
    try:
        return dest.is_file() and not dest.is_symlink() and dest.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


# ----------------------------------------------------------------------------- CI
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


def ci_plan(kind: str, target: Path, install: str | None = None) -> Plan:
    """(file, text) of every CI file ``init --ci KIND`` writes for a project in ``target``."""
    root, prefix = ci_location(target)
    _template, dest = _CI_FILES[kind]
    return [(root / dest, render_ci(kind, prefix, install))]


def write_files(files: Plan) -> None:
    """Write each file that is not already there with exactly that text (atomically)."""
    from novelforge.util import atomic_write

    for dest, text in files:
        if not (dest.is_file() and same(dest, text)):
            try:
                atomic_write(dest, text)
            except OSError as exc:
                raise UsageError(f"cannot write `{dest}`: {exc.strerror or exc}") from None


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
