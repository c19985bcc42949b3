"""YAML with positions.

Values are read with ruamel.yaml's fast C ``safe`` loader. Source positions come from
ruamel.yaml's node tree of the same text (``compose``, also in C), built only when a
finding needs the line and column of a key or value: a clean project never pays for it,
and every reported position is ruamel's own.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

_SAFE = None


def _safe_loader():
    global _SAFE
    if _SAFE is None:
        from ruamel.yaml import YAML

        _SAFE = YAML(typ="safe", pure=False)
    return _SAFE


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


MAX_NODES = 200_000


class _TooBig(Exception):
    pass


def _plain(value: Any, budget: list[int]) -> Any:
    """Dates and times become the text the author wrote (ISO form); keys become strings.

    ``budget`` bounds the number of values visited, so a hostile document that multiplies
    itself through aliases ("billion laughs") is refused instead of exhausting memory.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, budget) for v in value]
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def parse_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse YAML text. Raises :class:`YamlSyntaxError` with 1-based file positions."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _plain(_safe_loader().load(text), [MAX_NODES])
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _clamp(text, mark.line, mark.column) if mark else (0, 0)
        line, col = line + 1 + line_offset, col + 1
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in problem:
            problem = problem.split(" with value")[0]
        at = exc.problem_mark.index if exc.problem_mark is not None else -1
        char = text[at] if 0 <= at < len(text) else ""
        opened = exc.context_mark.line + 1 + line_offset if exc.context_mark is not None else None
        raise YamlSyntaxError(_humanize(problem, char, exc.context, opened), line, col) from None
    except YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlSyntaxError(_humanize(str(exc).splitlines()[0]), 1 + line_offset, 1) from None
    except RecursionError:
        raise YamlSyntaxError("broken YAML: nested too deeply", 1 + line_offset, 1) from None
    except (ValueError, KeyError, TypeError, OverflowError):
        # the syntax is fine but a value cannot be built: `born: 2024-02-30`, `!!int x`
        line, col, message = _unbuildable(text)
        raise YamlSyntaxError(message, line + 1 + line_offset, col + 1) from None
    except _TooBig:
        raise YamlSyntaxError(f"broken YAML: more than {MAX_NODES:,} values (aliases that repeat "
                              "themselves?)", 1 + line_offset, 1) from None


def _unbuildable(text: str) -> tuple[int, int, str]:
    """0-based position of the first scalar that cannot be built, and a message about it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    generic = (0, 0, "broken YAML: a value cannot be read")
    try:
        yaml = YAML(typ="safe", pure=True)
        stack = [yaml.compose(text)]
        constructor = yaml.constructor
    except Exception:
        return generic
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            try:
                constructor.construct_object(node, deep=True)
            except Exception:
                kind = node.tag.rsplit(":", 1)[-1]
                what = ("is not a real date; put it in quotes to keep it as text" if kind == "timestamp"
                        else f"cannot be read as `!!{kind}`")
                return node.start_mark.line, node.start_mark.column, f"broken YAML: `{node.value}` {what}"
        elif isinstance(node, MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return generic


def _clamp(text: str, line: int, column: int) -> tuple[int, int]:
    """A 0-based mark kept inside ``text``: at the end of a stream without a final newline the
    parser reports a line that does not exist; that is the end of the last line."""
    lines = text.split("\n")
    if line >= len(lines):
        line = len(lines) - 1
        column = len(lines[line])
    return line, min(column, len(lines[line]))


_UNCLOSED = {"while parsing a flow sequence": ("list", "[", "]"),
             "while parsing a flow mapping": ("set of pairs", "{", "}")}


def _humanize(problem: str, char: str = "", context: str | None = None, opened: int | None = None) -> str:
    """ruamel.yaml's problem in words a novelist can act on. ``char`` is the character where
    the parser stopped; ``context``/``opened`` what it was reading and the line it began on."""
    if problem.startswith("mapping values are not allowed"):
        return "broken YAML: a `:` where it is not allowed (put text containing `: ` in quotes)"
    if "cannot start any token" in problem and char == "\t":
        return "broken YAML: a tab character; YAML indents with spaces only"
    # the C parser says "did not find expected ',' or ']'", the pure-Python one
    # "expected ',' or ']', but got ':'"
    if context in _UNCLOSED and opened is not None and (problem.startswith("did not find expected")
                                                       or re.match(r"expected '.' or '.', but", problem)):
        what, left, right = _UNCLOSED[context]
        return f"broken YAML: the {what} opened with `{left}` on line {opened} is never closed with `{right}`"
    if context == "while scanning a quoted scalar" and opened is not None:
        return f"broken YAML: the quoted text opened on line {opened} is never closed"
    return f"broken YAML: {problem}"


@dataclass
class YamlDoc:
    """A parsed YAML document and a lazy map from key paths to file positions.

    ``line_offset`` is the number of file lines before the YAML text (front matter
    starts after its ``---`` line). Positions come from ruamel.yaml's node tree
    (``compose`` with the C parser), built only when a finding asks for one.
    """

    path: str
    text: str
    data: Any
    line_offset: int = 0
    _node: Any = field(default=None, repr=False)
    _node_failed: bool = field(default=False, repr=False)

    def _tree(self) -> Any:
        if self._node is None and not self._node_failed:
            try:
                self._node = _safe_loader().compose(self.text)
            except Exception:  # positions are best effort; the value parse already succeeded
                self._node_failed = True
        return self._node

    def _find(self, keypath: tuple[Any, ...], key: bool) -> tuple[Any, bool]:
        """The node at ``keypath`` (or the deepest one found) and whether it was found."""
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        node = self._tree()
        if node is None:
            return None, False
        for i, part in enumerate(keypath):
            last = i == len(keypath) - 1
            if isinstance(node, MappingNode):
                for knode, vnode in node.value:
                    if knode.value == part or str(knode.value) == str(part):
                        node = knode if (key and last) else vnode
                        break
                else:
                    return node, False
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return node, False
        return node, True

    def position(self, keypath: tuple[Any, ...] = (), *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or, with ``key=True``, the key) at ``keypath``.

        Falls back to the deepest position that exists, then to the document start.
        """
        node, _found = self._find(keypath, key)
        if node is None:
            return 1 + self.line_offset, 1
        return node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1

    def value_span(self, keypath: tuple[Any, ...]) -> tuple[int, int, int, int]:
        """(line, col, end_line, end_col) of a scalar value; end is exclusive."""
        from ruamel.yaml.nodes import ScalarNode

        node, found = self._find(keypath, False)
        if node is None:
            return 1 + self.line_offset, 1, 1 + self.line_offset, 1
        line, col = node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1
        if found and isinstance(node, ScalarNode):
            return line, col, node.end_mark.line + 1 + self.line_offset, node.end_mark.column + 1
        return line, col, line, col
