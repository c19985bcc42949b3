"""Loading a novel project from disk into typed models that keep source positions."""

from novelforge.project.loader import find_project_root, load_project
from novelforge.project.models import Chapter, Entity, Project, Scene

__all__ = ["Chapter", "Entity", "Project", "Scene", "find_project_root", "load_project"]
