"""Turning pydantic's validation errors into findings a novelist can act on, and the small
helpers the loader uses to describe values and sizes."""

from __future__ import annotations

import re
import typing
from typing import Any

from novelforge.diagnostics import Severity
from novelforge.project import problems as P


def suggest(word: str, choices: list[str] | tuple[str, ...] | set[str], cutoff: float = 0.6) -> str | None:
    import difflib  # only when there is a suggestion to make

    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def _is_branch_name(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part in (
        "str", "int", "float", "bool", "list", "dict", "none", "constrained-str", "function-after",
        "function-before", "function-plain", "function-wrap", "lax-or-strict"))


def _size(n: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def _byte_position(raw: bytes, index: int) -> tuple[int, int]:
    """1-based (line, column) of byte ``index`` as the loader numbers the text: a leading BOM
    is not a column, and CRLF, CR and LF each end a line."""
    head = raw[3:index] if raw.startswith(b"\xef\xbb\xbf") else raw[:index]
    head = head.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line_start = head.rfind(b"\n") + 1
    return head.count(b"\n") + 1, len(head[line_start:].decode("utf-8", errors="replace")) + 1


def _kind_name(value: Any) -> str:
    return {list: "list", dict: "set of `key: value` pairs", str: "piece of text", int: "number", float: "number",
            bool: "yes/no value"}.get(type(value), type(value).__name__)


def _field_names(model: Any) -> list[str]:
    names = []
    for name, info in model.model_fields.items():
        names.append(info.alias or name)
    return names


def _fields_at(model: Any, loc: tuple) -> list[str]:
    """Field names of the (sub-)model that holds the last key of ``loc``, for "did you mean"
    on nested keys (``check: {fail_on: …}``); empty when the path leaves the models."""
    from pydantic import BaseModel  # only when a document has a problem

    current = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
        if info is None:
            return []
        ann = info.annotation
        sub = next((c for c in (ann, *typing.get_args(ann)) if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if sub is None:
            return []
        current = sub
    return _field_names(current)


def _clean_loc(raw: tuple) -> tuple:
    """pydantic's error location without its union branch names (`str`, `list[str]`); the
    key of a ``[key]`` error is the author's and stays whatever it looks like (`'['`)."""
    keep = {i - 1 for i, p in enumerate(raw) if p == "[key]"}
    return tuple(p for i, p in enumerate(raw) if i in keep or (p != "[key]" and not _is_branch_name(p)))


_GONE = object()   # a list item being dropped; the list is compacted once every drop is done


def drop_all(data: dict, errors: list[tuple[tuple, bool]]) -> bool:
    """Remove every bad value, ``errors`` being (location, is an unknown key) pairs. An unknown
    key goes alone, so that one typo inside ``check:`` does not discard the whole block; a bad
    value goes with the list item that holds it (a transfer whose `to` is broken is not kept
    as a loss, a keyword that is empty leaves the others), else with its own key. Containers
    on the path are copied once, the parsed document is left as it was. False when nothing
    could be removed. Linear in the number of errors."""
    copied = {id(data)}
    lists: dict[int, list] = {}
    gone: set[tuple] = set()
    dropped = False
    # deepest first: a value inside an item goes before the item itself
    for loc, unknown in sorted(errors, key=lambda e: -len(e[0])):
        if any(loc[:i] in gone for i in range(1, len(loc) + 1)):
            dropped = True
            continue
        path: list[tuple[Any, Any]] = []
        node: Any = data
        for part in loc:
            if isinstance(node, dict) and part in node or (
                    isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
                path.append((node, part))
                node = node[part]
            else:
                break
        if node is _GONE:
            dropped = True
            continue
        kinds = [isinstance(container, list) for container, _k in path]
        target = -1
        if not unknown and any(kinds):
            target = max(i for i, is_list in enumerate(kinds) if is_list)
        else:
            target = max((i for i, is_list in enumerate(kinds) if not is_list), default=-1)
        if target < 0:
            continue
        holder: Any = data
        for _container, part in path[:target]:
            child = holder[part]
            if id(child) not in copied:
                child = dict(child) if isinstance(child, dict) else list(child)
                copied.add(id(child))
                holder[part] = child
            holder = child
        key = path[target][1]
        if isinstance(holder, list):
            holder[key] = _GONE
            lists[id(holder)] = holder
        else:
            del holder[key]
        gone.add(tuple(p for _c, p in path[:target + 1]))
        dropped = True
    for items in lists.values():
        items[:] = [v for v in items if v is not _GONE]
    return dropped


def _drop(data: dict, loc: tuple) -> bool:
    """Remove the one bad value at ``loc`` (see :func:`drop_all`)."""
    return drop_all(data, [(loc, False)])


def _explain(err: dict, data: dict, fields: list[str], what: str, *,
             hints: bool = True) -> tuple[str, Severity, tuple[str, str], bool]:
    """A pydantic error → (message, severity, problem kind, position is at the key).
    ``hints=False`` skips the "did you mean" search (findings past the per-file limit are
    only counted)."""
    loc = err["loc"]
    field = ".".join(str(p) for p in loc)
    etype = err["type"]
    if etype == "extra_forbidden":
        hint = suggest(str(loc[-1]), fields) if hints else None
        return (f"unknown key `{field}` in {what}" + (f" — did you mean `{hint}`?" if hint else ""),
                Severity.WARNING, P.UNKNOWN_KEY, True)
    if err.get("at_key"):       # a dictionary key that is not valid (a `per-file-ignores` glob)
        msg = _reason(err)
        parent = ".".join(str(p) for p in loc[:-1])
        return (f"`{loc[-1]}` in `{parent}` is not valid: {msg}", Severity.ERROR, P.INVALID_VALUE, True)
    if etype == "string_too_short" and err.get("ctx", {}).get("min_length") == 1:
        if loc and isinstance(loc[-1], int):
            parent = ".".join(str(p) for p in loc[:-1])
            return f"`{parent}` has an empty entry (item {loc[-1] + 1})", Severity.ERROR, P.INVALID_VALUE, False
        return f"`{field}` is empty", Severity.ERROR, P.INVALID_VALUE, False
    if etype == "string_pattern_mismatch" and loc and loc[-1] == "language":
        return (f"`language: {err.get('input')}` is not a language tag (`en`, `en-GB`, `fr`)",
                Severity.ERROR, P.INVALID_VALUE, False)
    if etype in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(err.get("ctx", {}).values()), "")
        words = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than",
                 "less_than_equal": "at most"}[etype]
        return (f"`{field}: {err.get('input')}` should be {words} {bound}", Severity.ERROR, P.INVALID_VALUE, False)
    value = err.get("input")
    shown = value if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
    if etype == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = re.findall(r"'([^']*)'", expected)
        hint = suggest(str(value), choices) if shown is not None else None
        return (f"`{field}: {value}` is not one of: {', '.join(choices)}"
                + (f" — did you mean `{hint}`?" if hint else ""),
                Severity.ERROR, P.INVALID_VALUE, False)
    if etype == "missing":
        return f"`{field}` is missing from {what}", Severity.ERROR, P.INVALID_VALUE, False
    if etype in ("string_type", "list_type", "dict_type", "int_type", "int_parsing", "bool_type", "bool_parsing",
                 "float_type", "float_parsing", "model_type", "model_attributes_type"):
        wanted = {"string_type": "text", "list_type": "a list", "dict_type": "a set of `key: value` pairs",
                  "int_type": "a whole number", "int_parsing": "a whole number", "bool_type": "true or false",
                  "bool_parsing": "true or false", "float_type": "a number", "float_parsing": "a number",
                  "model_type": "a set of `key: value` pairs",
                  "model_attributes_type": "a set of `key: value` pairs"}[etype]
        got = _kind_name(value) if value is not None else "empty"
        article = "a " if got != "empty" and not got.startswith("a") else ""
        return f"`{field}` should be {wanted}, not {article}{got}", Severity.ERROR, P.INVALID_VALUE, False
    if etype == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        return (f"`{field}: {value}` is not one of: {expected.replace(chr(39), '')}",
                Severity.ERROR, P.INVALID_VALUE, False)
    if not loc:
        return f"{what}: {_reason(err, lower=False)}", Severity.ERROR, P.INVALID_VALUE, True
    return f"`{field}` is invalid: {_reason(err)}", Severity.ERROR, P.INVALID_VALUE, False


def _reason(err: dict, lower: bool = True) -> str:
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return msg[0].lower() + msg[1:] if msg and lower else msg
