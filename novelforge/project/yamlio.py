"""YAML with positions.

Values are read with ruamel.yaml's fast C ``safe`` loader. Source positions come from a
lazy ruamel.yaml round-trip parse of the same text, made only when a finding needs the
line and column of a key or value: a clean project never pays for it, and every
reported position is still ruamel's own.
"""

from __future__ import annotations

import datetime as _dt
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


def _plain(value: Any) -> Any:
    """Dates and times become the text the author wrote (ISO form); keys become strings."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, _dt.datetime) else value.isoformat()
    return value


def parse_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse YAML text. Raises :class:`YamlSyntaxError` with 1-based file positions."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _plain(_safe_loader().load(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = (mark.column + 1) if mark else 1
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in problem:
            problem = problem.split(" with value")[0]
        raise YamlSyntaxError(_humanize(problem), line, col) from None
    except YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlSyntaxError(_humanize(str(exc).splitlines()[0]), 1 + line_offset, 1) from None
    except RecursionError:
        raise YamlSyntaxError("YAML is nested too deeply", 1 + line_offset, 1) from None


def _humanize(problem: str) -> str:
    replacements = {
        "mapping values are not allowed here": "a `:` where it is not allowed (put text containing `: ` in quotes)",
        "found character '\\t' that cannot start any token": "a tab character; YAML indents with spaces only",
    }
    for k, v in replacements.items():
        if problem.startswith(k):
            return f"broken YAML: {v}"
    return f"broken YAML: {problem}"


@dataclass
class YamlDoc:
    """A parsed YAML document and a lazy map from key paths to file positions.

    ``line_offset`` is the number of file lines before the YAML text (front matter
    starts after its ``---`` line).
    """

    path: str
    text: str
    data: Any
    line_offset: int = 0
    _rt: Any = field(default=None, repr=False)
    _rt_failed: bool = field(default=False, repr=False)

    def _roundtrip(self) -> Any:
        if self._rt is None and not self._rt_failed:
            try:
                from ruamel.yaml import YAML

                self._rt = YAML(typ="rt").load(self.text)
            except Exception:  # positions are best effort; the safe parse already succeeded
                self._rt_failed = True
        return self._rt

    def position(self, keypath: tuple[Any, ...] = (), *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or, with ``key=True``, the key) at ``keypath``.

        Falls back to the deepest position that exists, then to the document start.
        """
        node = self._roundtrip()
        best = (1 + self.line_offset, 1)
        if node is None:
            return best
        for i, part in enumerate(keypath):
            last = i == len(keypath) - 1
            lc = getattr(node, "lc", None)
            if lc is None:
                break
            try:
                if isinstance(node, dict):
                    if part not in node:
                        break
                    line, col = lc.key(part) if (key and last) else lc.value(part)
                    # lc.value points at flow/block start; for a block sequence it is the first item
                    best = (line + 1 + self.line_offset, col + 1)
                    node = node[part]
                elif isinstance(node, list):
                    if not isinstance(part, int) or part >= len(node):
                        break
                    line, col = lc.item(part)
                    best = (line + 1 + self.line_offset, col + 1)
                    node = node[part]
                else:
                    break
            except Exception:
                break
        return best

    def value_span(self, keypath: tuple[Any, ...]) -> tuple[int, int, int, int]:
        """(line, col, end_line, end_col) of a scalar value; end is exclusive."""
        line, col = self.position(keypath)
        value: Any = self.data
        try:
            for part in keypath:
                value = value[part]
        except (KeyError, IndexError, TypeError):
            return line, col, line, col
        if isinstance(value, (str, int, float, bool)):
            src_line = self.text.splitlines()[line - 1 - self.line_offset] if line - 1 - self.line_offset < len(self.text.splitlines()) else ""
            raw = str(value)
            at = src_line.find(raw, col - 1)
            if at == col - 1 or (at != -1 and at <= col + 1):
                return line, at + 1, line, at + 1 + len(raw)
            return line, col, line, col + len(raw)
        return line, col, line, col
