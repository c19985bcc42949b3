"""``novelforge schema``: JSON Schemas of the YAML files, for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from novelforge.cli.app import app
from novelforge.cli.options import old_out_option, plural


@app.command("schema")
def schema_cmd(
    kind: Optional[str] = typer.Argument(None, metavar="KIND",
                                         help="Which file's schema: project, scene, chapter, entity, promise or "
                                              "contract (default: all, bundled in one schema)."),
    out_dir: Optional[Path] = typer.Option(None, "--output", "-o", metavar="DIR",
        help="Write one `KIND.schema.json` per file kind into this folder."),
    old_out: Optional[Path] = old_out_option(),
) -> int:
    """Print JSON Schemas of novelforge.yaml, scene front matter, chapter.yaml, canon entries, promises and contracts.

    Point your editor's YAML language server at them for completion and validation.
    Without KIND, one schema bundles them all (each kind under `$defs`).
    Example: novelforge schema scene > scene.schema.json
    """
    from novelforge import api

    out_dir = out_dir if out_dir is not None else old_out
    if out_dir is not None:
        written = api.write_schemas(out_dir, kind)
        typer.echo(f"Wrote {plural(len(written), 'schema file')} to {out_dir}")
        return 0
    typer.echo(json.dumps(api.schemas(kind)[kind] if kind else api.schema_bundle(), indent=2))
    return 0
