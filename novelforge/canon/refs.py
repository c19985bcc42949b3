"""Where a project's files name a canon entry or a promise by its id: the slots of scene
front matter, canon entries and contracts that hold ids, and the promise markers in prose.
Used by ``canon rename`` and ``canon merge`` (canon/rename.py) to rewrite every reference.

A slot is found in the YAML's node tree (ruamel's composer), so a reference is known by its
exact place in the file text: the rewrite replaces those characters and nothing else, and
comments, quoting, order and layout stay as they were."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

# (key path pattern, the kind the id is of; None: any kind). `*` is any list index,
# `#` a mapping key (the reference is the key itself), `?` any mapping key.
SCENE_SLOTS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("pov",), "characters"),
    (("location",), "locations"),
    (("characters", "*"), "characters"),
    (("mentions", "*"), None),
    (("transfers", "*", "item"), "items"),
    (("transfers", "*", "to"), "characters"),
    (("transfers", "*", "from"), "characters"),
    (("setups", "*"), "promises"),
    (("payoffs", "*"), "promises"),
)
ENTITY_SLOTS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("relationships", "#"), None),
    (("travel", "#"), "locations"),
    (("holder",), "characters"),
    (("before", "*"), "events"),
    (("after", "*"), "events"),
)
CONTRACT_SLOTS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("?", "entity"), None),
    (("?", "pov"), "characters"),
    (("?", "pov", "*"), "characters"),
    (("?", "speakers"), "characters"),
    (("?", "speakers", "*"), "characters"),
    (("?", "between", "*"), "locations"),
    (("?", "before"), "events"),
    (("?", "after"), "events"),
)
# slots whose values are a list or mapping of ids (a merge may leave the same id twice)
LIST_SLOTS = {("characters",), ("mentions",), ("setups",), ("payoffs",), ("before",), ("after",),
              ("?", "pov"), ("?", "speakers"), ("?", "between")}
MAP_SLOTS = {("relationships",), ("travel",)}

MARKER = re.compile(r"(<!--\s*(?:setup|payoff|promise)\s*:\s*)([\w.\-]+)(\s*-->)", re.I)
FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


@dataclass
class Ref:
    """One id in a YAML text: its characters are ``text[start:end]``; ``key`` when it is a
    mapping key; ``path`` the key path of the slot."""

    value: str
    kind: str | None
    start: int
    end: int
    style: str | None
    path: tuple[Any, ...]
    key: bool = False


def compose(text: str) -> Any:
    """The node tree of a YAML text (positions only; nothing is constructed)."""
    from novelforge.project.yamlio import _safe_loader, guarded

    guarded(text)
    return _safe_loader().compose(text)


def _scalar(node: Any) -> bool:
    from ruamel.yaml.nodes import ScalarNode

    return isinstance(node, ScalarNode) and isinstance(node.value, str)


def _walk(node: Any, pattern: tuple[str, ...], path: tuple[Any, ...]) -> Iterator[tuple[Any, tuple[Any, ...], bool]]:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    if not pattern:
        yield node, path, False
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                yield from _walk(item, rest, path + (i,))
    elif head in ("#", "?"):
        if isinstance(node, MappingNode):
            for knode, vnode in node.value:
                if head == "#" and not rest:
                    yield knode, path + (knode.value,), True
                else:
                    yield from _walk(vnode, rest, path + (knode.value,))
    elif isinstance(node, MappingNode):
        for knode, vnode in node.value:
            if knode.value == head:
                yield from _walk(vnode, rest, path + (head,))


def refs(tree: Any, slots) -> list[Ref]:
    """Every id in the slots ``slots`` of a composed YAML document."""
    out: list[Ref] = []
    if tree is None:
        return out
    for pattern, kind in slots:
        for node, path, is_key in _walk(tree, pattern, ()):
            if _scalar(node):
                out.append(Ref(node.value, kind, node.start_mark.index, node.end_mark.index,
                               node.style or None, path, is_key))
    return out


def front_matter(text: str) -> tuple[int, int] | None:
    """(start, end) of a scene's front matter YAML in ``text`` (LF newlines), or None."""
    if not (text.startswith("---\n") or re.match(r"---[ \t]+\n", text)):
        return None
    first = text.find("\n") + 1
    m = FRONT_CLOSE.search(text, first)
    if m is None:
        return None
    return first, m.start()


def spelled(value: str, style: str | None) -> str:
    """An id written as the old one was (plain, 'single' or "double" quoted)."""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return '"' + value + '"'
    return value
