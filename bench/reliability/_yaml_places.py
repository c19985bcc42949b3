"""Every place a project's YAML is read, on a copy of examples/ember-crown, for the YAML
harnesses (yaml_fuzz, yaml_bombs) and their tests.

A place is a file and how its YAML sits in it: the whole file (``yaml``) or front matter
between ``---`` lines above a Markdown body (``front``). :func:`prepare` copies the example
and adds the places it lacks (a part, a ``.yml`` and a ``.md`` canon entry, a root
``promises.yaml``), so that every place holds valid YAML to start from.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ember-crown"


@dataclass(frozen=True)
class Place:
    name: str
    path: str          # in the project
    form: str          # "yaml" or "front"
    model: str         # what its values are (for classifying a mutated file)


PLACES = (
    Place("novelforge.yaml", "novelforge.yaml", "yaml", "config"),
    Place("chapter.yaml", "manuscript/01-ashes/chapter.yaml", "yaml", "chapter"),
    Place("part.yaml", "manuscript/08-book-two/part.yaml", "yaml", "part"),
    Place("scene front matter", "manuscript/01-ashes/01-the-summons.md", "front", "scene"),
    Place("canon .yaml", "canon/characters/aria.yaml", "yaml", "entity"),
    Place("canon .yml", "canon/locations/saltmere.yml", "yaml", "entity"),
    Place("canon .md front matter", "canon/characters/wren.md", "front", "entity"),
    Place("canon/promises", "canon/promises/bram-oath.yaml", "yaml", "promise"),
    Place("promises.yaml", "promises.yaml", "yaml", "promises"),
    Place("contracts", "contracts/world.yaml", "yaml", "contracts"),
)
YAML_PLACES = tuple(p for p in PLACES if p.form == "yaml")

EXTRA = {
    "manuscript/08-book-two/part.yaml": "title: Book Two\n",
    "manuscript/08-book-two/01-after/01-the-morning-after.md": (
        "---\ntitle: The Morning After\npov: aria\ncharacters: [aria]\nstatus: draft\n---\n\n"
        "Aria woke in Cinderholt to the smell of the forge.\n"),
    "canon/locations/saltmere.yml": "id: saltmere\nname: Saltmere\nsummary: A fishing town on the grey coast.\n",
    "canon/characters/wren.md": ("---\nid: wren\nname: Wren Hollis\naliases: [Wren]\nstatus: alive\n---\n"
                                 "A ferrywoman of Saltmere who never speaks of the war.\n"),
    "promises.yaml": "tide-bell:\n  description: The drowned bell of Saltmere will ring again.\n  importance: low\n",
}


def prepare(target: Path) -> Path:
    """A copy of the example at ``target`` with every place present and valid."""
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".novelforge", ".git"))
    for rel, text in EXTRA.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return target


def yaml_of(place: Place, content: str) -> str:
    """The YAML text of a place's file content (its front matter for a Markdown place)."""
    if place.form == "yaml":
        return content
    head, _sep, _rest = content.removeprefix("---\n").partition("\n---\n")
    return head + "\n"


def with_yaml(place: Place, yaml_text: str, original: str) -> str:
    """The file content of ``place`` with ``yaml_text`` as its YAML (front matter keeps the
    original body)."""
    if place.form == "yaml":
        return yaml_text
    body = original.removeprefix("---\n").partition("\n---\n")[2]
    return "---\n" + yaml_text + ("" if yaml_text.endswith("\n") else "\n") + "---\n" + body
