"""Codes of the findings the loader itself produces (NF0xx). Their docs live in
:mod:`novelforge.rules.load`; the codes are here so the loader need not import rules."""

from __future__ import annotations

YAML_SYNTAX = ("NF001", "broken-yaml")
UNCLOSED_FRONT_MATTER = ("NF002", "unclosed-front-matter")
UNREADABLE_FILE = ("NF003", "unreadable-file")
INVALID_VALUE = ("NF004", "invalid-value")
DUPLICATE_ENTITY = ("NF005", "duplicate-canon-id")
FILE_TOO_LARGE = ("NF006", "file-too-large")
OUTSIDE_PROJECT = ("NF007", "path-outside-project")
EMPTY_FILE = ("NF008", "empty-file")
UNKNOWN_KEY = ("NF009", "unknown-key")
