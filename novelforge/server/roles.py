"""Who may call what: the roles of a project member, and one rule per route.

A route's rule is set by the :func:`rule` decorator on its endpoint: ``PUBLIC`` (no
account), ``SIGNED_IN`` (any account), or the least :class:`Role` a member of the
project in the URL needs. The application refuses to start with a route that has no
rule, and ``tests/test_server_roles.py`` calls every route as every role from this table.
In a project the caller is not a member of, every route answers 404, as for a project
that does not exist; a member below the route's role gets 403.
"""

from __future__ import annotations

import enum
from typing import Callable


class Role(enum.IntEnum):
    VIEWER = 1
    EDITOR = 2
    OWNER = 3

    @classmethod
    def named(cls, name: str) -> "Role":
        return cls[name.upper()]


PUBLIC = "public"
SIGNED_IN = "signed-in"
RULE_ATTR = "__novelforge_rule__"


def rule(level: str | Role) -> Callable:
    def mark(endpoint: Callable) -> Callable:
        setattr(endpoint, RULE_ATTR, level)
        return endpoint
    return mark


def rule_of(endpoint: Callable) -> str | Role | None:
    return getattr(endpoint, RULE_ATTR, None)
