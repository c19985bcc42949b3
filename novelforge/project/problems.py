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

#: the loader could not read the file at all (bad YAML, an unclosed front matter, unreadable,
#: too large, a link out of the project): its findings are never baselined or hidden, since
#: nothing else in the file can be checked until it is fixed
NOT_READ = frozenset({YAML_SYNTAX[0], UNCLOSED_FRONT_MATTER[0], UNREADABLE_FILE[0], FILE_TOO_LARGE[0],
                      OUTSIDE_PROJECT[0]})
