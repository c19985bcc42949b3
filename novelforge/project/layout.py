"""Every name of a project's layout, in one place (see docs/format.md).

::

    novelforge.yaml                 CONFIG_FILE
    promises.yaml                   PROMISES_FILE (also canon/promises.yaml, canon/promises/*.yaml)
    manuscript/                     MANUSCRIPT: chapter folders (CHAPTER_FILE), part folders (PART_FILE),
                                    scenes (SCENE_SUFFIXES)
    canon/<kind>/                   CANON: one entry per file (CANON_SUFFIXES)
    contracts/                      CONTRACTS (CONTRACT_SUFFIXES)
    .novelforge/                    STATE_DIR: BASELINE_FILE, REJECTED_FILE (LEGACY_CACHE_DIR is never read)

Paths are relative to the project folder with forward slashes, as findings give them.
What the loader skips when it walks a folder is :func:`skipped`.
"""

from __future__ import annotations

CONFIG_FILE = "novelforge.yaml"
PROMISES_FILE = "promises.yaml"
MANUSCRIPT = "manuscript"
CANON = "canon"
CONTRACTS = "contracts"
STATE_DIR = ".novelforge"

CHAPTER_FILE = "chapter.yaml"
PART_FILE = "part.yaml"
PROMISES_KIND = "promises"      # canon/promises/: declared promises, not entities

BASELINE_FILE = f"{STATE_DIR}/baseline.json"
REJECTED_FILE = f"{STATE_DIR}/promises-rejected.json"
LEGACY_CACHE_DIR = f"{STATE_DIR}/cache"   # where 0.1 kept the analysis cache; never read now

SCENE_SUFFIXES = (".md", ".markdown")
CANON_SUFFIXES = (".yaml", ".yml", ".md")
CANON_MARKDOWN = ".md"                  # a canon entry in Markdown: front matter, then its description
CONTRACT_SUFFIXES = (".yaml", ".yml")
NOT_SCENES = frozenset({"readme.md"})    # Markdown files in a chapter folder that are not scenes

# names the loader never reads: hidden files, editor backups, `_notes/`, `~draft.md`
SKIPPED_PREFIXES = (".", "_", "~")
SKIPPED_SUFFIXES = ("~",)

# the top-level folders an export may never write into (with CONFIG_FILE)
SOURCE_FOLDERS = (MANUSCRIPT, CANON, CONTRACTS, STATE_DIR)


def skipped(name: str) -> bool:
    """Whether the loader passes over a file or folder called ``name`` (hidden, a backup,
    or marked private with ``_``)."""
    return name.startswith(SKIPPED_PREFIXES) or name.endswith(SKIPPED_SUFFIXES)


def is_scene_name(name: str) -> bool:
    """Whether a file called ``name`` in a chapter folder is a scene."""
    lower = name.lower()
    return lower.endswith(SCENE_SUFFIXES) and lower not in NOT_SCENES


def in_manuscript(rel: str) -> bool:
    """Whether the project path ``rel`` is ``manuscript/`` or inside it."""
    return rel == MANUSCRIPT or rel.startswith(MANUSCRIPT + "/")


def in_canon(rel: str) -> bool:
    return rel == CANON or rel.startswith(CANON + "/")


def in_contracts(rel: str) -> bool:
    return rel == CONTRACTS or rel.startswith(CONTRACTS + "/")


def is_world_file(rel: str) -> bool:
    """Whether ``rel`` is one of the files everything but the prose comes from: the
    settings, the promises file, canon and contracts."""
    return rel in (CONFIG_FILE, PROMISES_FILE) or rel.startswith((CANON + "/", CONTRACTS + "/"))
