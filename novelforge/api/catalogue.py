"""What NovelForge knows, for listing: its rules (with a project's settings) and the JSON
Schemas of the files a project holds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from novelforge.errors import ProjectNotFound, UsageError

if TYPE_CHECKING:
    from novelforge.rules.listing import RuleRow
    from novelforge.rules.registry import Rule

SCHEMA_KINDS = ("project", "scene", "chapter", "entity", "promise", "contract")
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://novelforge.invalid/schema/"


def rules(root: Path | str | None = None, *, with_settings: bool = True) -> list[RuleRow]:
    """Every rule in code order (render it with :data:`novelforge.formats.RULES`). With
    ``with_settings``, inside the project around ``root`` (default: the current folder, if
    it is in one) each row has the severity ``novelforge.yaml`` gives it, and rules its
    ``select``/``ignore`` turn off are ``off``.

    Raises :class:`~novelforge.errors.PathNotFound` and
    :class:`~novelforge.errors.ProjectNotFound` for a ``root`` that is not in a project,
    and :class:`~novelforge.errors.ConfigError` for a selector that names no rule."""
    from novelforge.rules.listing import rule_rows

    return rule_rows(_settings(root) if with_settings else None)


def _settings(root: Path | str | None):
    from novelforge.api.projects import project_root
    from novelforge.project.loader import load_config
    from novelforge.rules.engine import resolve_settings

    try:
        found = project_root(root)
    except ProjectNotFound:
        if root is not None:
            raise
        return None
    return resolve_settings(load_config(found))


def rule(code: str) -> Rule:
    """The rule with this code (``NF205``, any case) or name (``misspelled-name``); its
    ``docs`` are its documentation. Raises :class:`~novelforge.errors.UsageError` (with the
    nearest code or name) for anything else."""
    from novelforge.project.loader import suggest
    from novelforge.rules.registry import RULES, get_rule

    found = get_rule(code)
    if found is None:
        hint = suggest(code.upper(), list(RULES)) or suggest(code.lower(), [r.name for r in RULES.values()])
        raise UsageError(f"`{code}` is not a rule" + (f" — did you mean `{hint}`?" if hint else ""),
                         help="`novelforge rules` lists every rule")
    return found


def schemas(kind: str | None = None) -> dict[str, dict]:
    """JSON Schemas (draft 2020-12) of novelforge.yaml, scene front matter, chapter.yaml,
    canon entries, promises and a contracts file (``contracts/*.yaml``: contract ids mapped
    to contracts of the ten types), by kind; only ``kind``'s when given. Raises
    :class:`~novelforge.errors.UsageError` for an unknown kind."""
    from pydantic import TypeAdapter

    from novelforge.contracts.models import Contract
    from novelforge.project import models as m

    if kind is not None and kind not in SCHEMA_KINDS:
        raise UsageError(f"`{kind}` is not a schema; use one of: {', '.join(SCHEMA_KINDS)}")
    pairs = {"project": m.ProjectConfig, "scene": m.SceneMeta, "chapter": m.ChapterMeta,
             "entity": m.EntityModel, "promise": m.PromiseModel}
    out = {}
    for name in SCHEMA_KINDS:
        if kind is not None and name != kind:
            continue
        if name == "contract":
            schema = TypeAdapter(dict[str, Contract]).json_schema(by_alias=True)
            schema = {"title": "Contracts file",
                      "description": "A file in contracts/: each key is a contract id (the file's name and "
                                     "the id make its code, `world.no-gunpowder`), each value a contract "
                                     "whose `type` is one of the ten contract types.", **schema}
        else:
            schema = pairs[name].model_json_schema(by_alias=True)
        out[name] = {"$schema": SCHEMA_DIALECT, "$id": f"{SCHEMA_BASE}{name}.json", **schema}
    return out


def schema_bundle() -> dict:
    """Every schema of :func:`schemas` in one document that is itself a JSON Schema (draft
    2020-12): each kind under ``$defs`` keeps its own ``$id``, so ``{"$ref":
    "https://novelforge.invalid/schema/scene.json"}`` finds it; the bundle itself accepts
    any one of the files. Raises nothing."""
    kinds = schemas()
    return {"$schema": SCHEMA_DIALECT, "$id": f"{SCHEMA_BASE}novelforge.json",
            "title": "NovelForge project files",
            "description": "The schemas of a NovelForge project's YAML files, one per kind under $defs; "
                           "`novelforge schema KIND` prints one of them alone.",
            "$defs": kinds,
            "anyOf": [{"$ref": f"#/$defs/{name}"} for name in kinds]}


def write_schemas(folder: Path | str, kind: str | None = None) -> list[Path]:
    """Write one ``<kind>.schema.json`` per schema (or only ``kind``'s) into ``folder``;
    returns the files written. Raises what :func:`schemas` raises."""
    import json

    from novelforge.util import atomic_write

    written = []
    for name, schema in schemas(kind).items():
        path = Path(folder) / f"{name}.schema.json"
        atomic_write(path, json.dumps(schema, indent=2) + "\n")
        written.append(path)
    return written
