"""The rule registry: one central table from codes to rules.

A rule's docstring *is* its user documentation (shown by ``novelforge rule CODE`` and in
SARIF): a one-line summary, then the sections ``## What it does``, ``## Why is this bad``,
``## Example`` (a snippet that fires) and ``## Use instead`` (one that does not).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from novelforge.diagnostics import Diagnostic, Severity

SCOPES = ("load", "scene", "project", "meta")
FAMILIES = {
    "NF0": "load and parse",
    "NF1": "structure",
    "NF2": "names and canon references",
    "NF3": "contracts",
    "NF4": "continuity",
    "NF5": "promises",
    "NF6": "prose",
    "NF7": "Writers' Room",
    "NF9": "meta",
}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: str
    docs: str
    check: Callable[..., Iterable[Diagnostic]] | None = None

    @property
    def summary(self) -> str:
        return self.docs.strip().splitlines()[0].strip() if self.docs.strip() else self.name

    @property
    def family(self) -> str:
        return FAMILIES.get(self.code[:3], "other")

    def section(self, title: str) -> str:
        """The text of one ``## Title`` section of the docs."""
        m = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", self.docs, re.S | re.M)
        return m.group(1).strip() if m else ""


RULES: dict[str, Rule] = {}
_BY_NAME: dict[str, str] = {}


def _register(rule: Rule) -> Rule:
    if not re.fullmatch(r"NF\d{3}", rule.code):
        raise ValueError(f"bad rule code {rule.code}")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.name):
        raise ValueError(f"rule names are kebab-case: {rule.name}")
    if rule.code in RULES or rule.name in _BY_NAME:
        raise ValueError(f"duplicate rule {rule.code} {rule.name}")
    if rule.scope not in SCOPES:
        raise ValueError(f"bad scope {rule.scope}")
    RULES[rule.code] = rule
    _BY_NAME[rule.name] = rule.code
    return rule


def rule(code: str, name: str, severity: Severity | str, scope: str):
    """Decorator registering a check function as a rule; its docstring is the docs."""

    def wrap(func: Callable[..., Iterable[Diagnostic]]):
        _register(Rule(code, name, Severity(severity), scope, inspect.cleandoc(func.__doc__ or ""), func))
        func.code = code  # type: ignore[attr-defined]
        return func

    return wrap


def declare(code: str, name: str, severity: Severity | str, scope: str, docs: str) -> Rule:
    """Register a rule whose findings are produced elsewhere (the loader, the engine)."""
    return _register(Rule(code, name, Severity(severity), scope, inspect.cleandoc(docs), None))


def all_rules() -> list[Rule]:
    _ensure_loaded()
    return [RULES[c] for c in sorted(RULES)]


def get_rule(code_or_name: str) -> Rule | None:
    _ensure_loaded()
    key = code_or_name.strip()
    if key.upper() in RULES:
        return RULES[key.upper()]
    code = _BY_NAME.get(key.lower())
    return RULES[code] if code else None


def _ensure_loaded() -> None:
    import novelforge.rules  # noqa: F401  (importing the package registers every rule)


def resolve_selector(selector: str) -> set[str] | None:
    """Codes matched by a selector: ``ALL``, a code, a code prefix (``NF2``) or a rule name.
    None when nothing matches."""
    _ensure_loaded()
    s = selector.strip()
    if s.upper() == "ALL":
        return set(RULES)
    if s.lower() in _BY_NAME:
        return {_BY_NAME[s.lower()]}
    up = s.upper()
    if re.fullmatch(r"NF\d{0,3}", up):
        found = {c for c in RULES if c.startswith(up)}
        return found or None
    return None
