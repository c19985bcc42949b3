"""Loading a novel project (from disk, or from files in memory) into typed models that keep
source positions. The names below load their modules on first use, so that
``novelforge.project.layout`` (the layout's names) costs nothing to import."""

from __future__ import annotations

from typing import Any

__all__ = ["Chapter", "Entity", "Project", "Scene", "find_project_root", "load_files", "load_project"]

_HOME = {"Chapter": "models", "Entity": "models", "Project": "models", "Scene": "models",
         "find_project_root": "loader", "load_files": "loader", "load_project": "loader"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'novelforge.project' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"novelforge.project.{_HOME[name]}"), name)
