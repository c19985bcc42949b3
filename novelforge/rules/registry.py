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

# `room`: a Writers' Room reviewer (an LLM), run only with `check --room` / `review`
SCOPES = ("load", "scene", "project", "meta", "room")

# What a rule may declare it reads (``@rule(..., reads=…)``), a closed vocabulary. The
# engine keys a scene rule's cached findings on exactly these inputs, and ``check
# --changed`` checks the scenes a change to each of them can touch (vcs/affected.py).
# `novelforge.yaml` is read by every rule.
READS = {
    "prose": "the scene's own prose (its text index, and so every canon name and alias)",
    "front-matter": "the scene's own front matter",
    "structure": "the scenes' ids, order and chapters",
    "timeline": "every scene's story time (`when`, `flashback`) and order",
    "cast": "who and what is where in every scene: `characters`, `pov`, `location`, `transfers`",
    "canon": "every canon entry, of any kind",
    "promises": "the promise ledger: promise files and every scene's setups, payoffs and markers",
    "book": "book-wide facts gathered from every scene's prose (registered with @world_feature)",
}
CANON_KINDS = ("characters", "locations", "factions", "magic", "items", "events")


def valid_read(term: str) -> bool:
    """``term`` is in :data:`READS`, or ``canon:KIND`` / ``contracts:TYPE`` of a known one."""
    from novelforge.contracts import TYPES

    kind, _, what = term.partition(":")
    if not what:
        return term in READS
    return (kind == "canon" and what in CANON_KINDS) or (kind == "contracts" and what in TYPES)
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
    reads: tuple[str, ...] = ()

    def reads_canon(self, kind: str) -> bool:
        return "canon" in self.reads or f"canon:{kind}" in self.reads

    def reads_contracts(self, ctype: str) -> bool:
        return f"contracts:{ctype}" in self.reads

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
# Book-wide facts that scene rules read from other scenes' prose (a book told in the
# first person, the pronouns of each character): part of the key under which a scene's
# findings are cached, so editing one scene re-checks the others when such a fact changes.
WORLD_FEATURES: list[Callable] = []


def world_feature(func: Callable) -> Callable:
    """Register ``func(ctx, codes) -> hashable`` as a book-wide input of scene rules."""
    WORLD_FEATURES.append(func)
    return func
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
    if rule.check is not None and not rule.reads:
        raise ValueError(f"{rule.code} does not say what it reads (reads=…)")
    bad = [t for t in rule.reads if not valid_read(t)]
    if bad:
        raise ValueError(f"{rule.code} reads {bad[0]!r}, which is not in the vocabulary (registry.READS)")
    RULES[rule.code] = rule
    _BY_NAME[rule.name] = rule.code
    return rule


def rule(code: str, name: str, severity: Severity | str, scope: str, *, reads: Iterable[str] = ()):
    """Decorator registering a check function as a rule; its docstring is the docs.
    ``reads`` names, from :data:`READS`, every input the check looks at."""

    def wrap(func: Callable[..., Iterable[Diagnostic]]):
        _register(Rule(code, name, Severity(severity), scope, inspect.cleandoc(func.__doc__ or ""), func,
                       tuple(sorted(set(reads)))))
        func.code = code  # type: ignore[attr-defined]
        return func

    return wrap


def declare(code: str, name: str, severity: Severity | str, scope: str, docs: str) -> Rule:
    """Register a rule whose findings are produced elsewhere (the loader, the engine)."""
    return _register(Rule(code, name, Severity(severity), scope, inspect.cleandoc(docs), None))


def room_codes() -> set[str]:
    """The Writers' Room's codes (scope ``room``): never run without ``--room``."""
    _ensure_loaded()
    return {c for c, r in RULES.items() if r.scope == "room"}


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


# the modules that register the built-in rules: the loader's codes, and one file per rule
_RULE_MODULE = re.compile(r"load|nf\d{3}_\w+")
_loaded = False


def load_builtin_rules() -> None:
    """Register every built-in rule: import ``rules/load.py`` and each ``rules/nfNNN_name.py``
    found beside this module, in name order (once). The registry names no rule module, so
    adding a rule is adding its file, and the rules depend on the registry, never the other
    way round (``novelforge.rules`` calls this when it is imported)."""
    global _loaded
    if _loaded:
        return
    import importlib
    import pkgutil
    from pathlib import Path

    _loaded = True
    try:
        for found in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
            if _RULE_MODULE.fullmatch(found.name):
                importlib.import_module(f"{__package__}.{found.name}")
    except BaseException:
        _loaded = False
        raise


def _ensure_loaded() -> None:
    load_builtin_rules()


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


def catalogue_markdown() -> str:
    """The rule catalogue as Markdown: a table, then every rule's docs (docs/rules.md)."""
    rules = all_rules()
    out = ["# Rules", "", "Generated by `novelforge rules --format markdown`; do not edit by hand.", "",
           "| code | name | severity | what it finds |", "|---|---|---|---|"]
    out += [f"| [{r.code}](#{r.code.lower()}-{r.name}) | `{r.name}` | {r.severity.value} | {r.summary} |"
            for r in rules]
    for r in rules:
        body = r.docs.split("\n", 1)[1].strip() if "\n" in r.docs else ""
        body = body.replace("\n## ", "\n### ")
        if body.startswith("## "):
            body = "#" + body
        out += ["", f"## {r.code} {r.name}", "",
                f"*{r.summary}* Default severity: **{r.severity.value}**; family: {r.family}.", "", body]
    return "\n".join(out) + "\n"
