"""``novelforge schema``: JSON Schemas of the YAML files, for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app

KINDS = ("project", "scene", "chapter", "entity", "promise")


def schemas() -> dict[str, dict]:
    from novelforge.project import models as m

    pairs = {"project": m.ProjectConfig, "scene": m.SceneMeta, "chapter": m.ChapterMeta,
             "entity": m.EntityModel, "promise": m.PromiseModel}
    out = {}
    for name, model in pairs.items():
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://novelforge.invalid/schema/{name}.json"
        out[name] = schema
    return out


@app.command("schema")
def schema_cmd(
    kind: Optional[str] = typer.Argument(None, metavar="[project|scene|chapter|entity|promise]",
                                         help="Which file's schema (default: all, as one JSON object)."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Write one `<kind>.schema.json` per file kind into this folder."),
) -> int:
    """Print JSON Schemas of novelforge.yaml, scene front matter, chapter.yaml, canon entries and promises.

    Point your editor's YAML language server at them for completion and validation.
    Example: novelforge schema scene > scene.schema.json
    """
    from novelforge.errors import UsageError
    from novelforge.util import atomic_write

    all_schemas = schemas()
    if kind is not None and kind not in all_schemas:
        raise UsageError(f"`{kind}` is not a schema; use one of: {', '.join(KINDS)}")
    chosen = {kind: all_schemas[kind]} if kind else all_schemas
    if out_dir is not None:
        for name, schema in chosen.items():
            atomic_write(out_dir / f"{name}.schema.json", json.dumps(schema, indent=2) + "\n")
        typer.echo(f"Wrote {len(chosen)} schema file(s) to {out_dir}")
        return 0
    typer.echo(json.dumps(chosen[kind] if kind else chosen, indent=2))
    return 0
