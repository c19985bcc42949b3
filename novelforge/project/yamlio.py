"""YAML with positions.

Every text first passes :func:`novelforge.project.yamlguard.guard` (one pass over the parser's
events that refuses deep nesting, alias and merge-key bombs, files of more than 200,000
values, tags, second documents), then its values are read with ruamel.yaml's fast C
``safe`` loader. Source positions come from ruamel.yaml's node tree of the same text
(``compose``, also in C), built only when a finding needs the line and column of a key or
value: a clean project never pays for it, and every reported position is ruamel's own.

Every message of a :class:`YamlSyntaxError` is written for the author (see
:mod:`novelforge.project.yamlwords`); the parser's own words never reach the report.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from novelforge.project.yamlguard import MAX_DEPTH, MAX_NODES  # noqa: F401  (re-exported)

_SAFE = None


def text_dates_constructor() -> type:
    """ruamel's safe constructor, except that a date or time (`when: 1911-02-30`,
    `born: 1890-05-01`) stays the text the author wrote: story dates are read by the rules
    (NF405, NF410) in the project's calendar, and an impossible one is a finding at the value,
    not broken YAML."""
    from ruamel.yaml.constructor import SafeConstructor

    class _TextDates(SafeConstructor):
        pass

    _TextDates.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
    return _TextDates


def _safe_loader():
    global _SAFE
    if _SAFE is None:
        from ruamel.yaml import YAML
        from ruamel.yaml.resolver import VersionedResolver

        class _Resolver(VersionedResolver):
            """ruamel's resolver looks the YAML version up for every scalar, through two
            caught AttributeErrors when the C parser reads (a tenth of a load); the answer
            cannot change within one load, so it is looked up once per load."""

            _version: Any = None

            @property
            def processing_version(self) -> Any:
                if self._version is None:
                    self._version = VersionedResolver.processing_version.fget(self)  # type: ignore[attr-defined]
                return self._version

        _SAFE = YAML(typ="safe", pure=False)
        _SAFE.Resolver = _Resolver
        _SAFE.Constructor = text_dates_constructor()
    return _SAFE


class YamlSyntaxError(Exception):
    """``message`` for the author, 1-based ``line`` and ``column`` in the file; ``help`` the
    fix when it is not the general advice about YAML's form (None: that advice)."""

    def __init__(self, message: str, line: int, column: int, help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.help = help


class _TooBig(Exception):
    pass


def _plain(value: Any, budget: list[int]) -> Any:
    """Dates and times (none from :func:`parse_yaml`, which keeps them as text) become ISO
    text; keys become strings.

    ``budget`` bounds the number of values visited (the guard has already counted them,
    aliases included; this is the second lock on the same door).
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


def guarded(text: str, line_offset: int = 0) -> None:
    """Raise :class:`YamlSyntaxError` if ``text`` is hostile or broken (see the guard); build
    nothing. What every other loader of a project's YAML must call first."""
    parse_yaml(text, line_offset, build=False)


def parse_yaml(text: str, line_offset: int = 0, *, build: bool = True) -> Any:
    """Parse YAML text. Raises :class:`YamlSyntaxError` with 1-based file positions."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    from novelforge.project import yamlwords as W
    from novelforge.project.yamlguard import Refused, guard

    def at(index: int) -> tuple[int, int]:
        line, col = locate(text, index)
        return line + 1 + line_offset, col + 1

    try:
        guard(text, line_offset)
        if not build:
            return None
        return _plain(_safe_loader().load(text), [MAX_NODES])
    except Refused as exc:
        raise YamlSyntaxError(exc.message, *at(exc.index)) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = at(mark.index) if mark is not None else (1 + line_offset, 1)
        index = exc.problem_mark.index if exc.problem_mark is not None else -1
        if text.startswith("\ufeff") and index >= 0:
            index += 1
        opened = at(exc.context_mark.index)[0] if exc.context_mark is not None else None
        problem = (exc.problem or exc.context or "").strip()
        message = W.humanize(problem, text, index, exc.context, opened)
        if message is None:  # a duplicate key: it needs the first one's line
            message = W.duplicate_key(text, exc, line_offset)
        odd = W.odd_break(text, index) if index >= 0 else None
        if odd is not None:  # U+2028 and the like: YAML broke the line where the author sees none
            message = odd[1]
            line, col = at(odd[0] - (1 if text.startswith("\ufeff") else 0))
        raise YamlSyntaxError(message, line, col) from None
    except ReaderError as exc:
        # the C reader counts bytes of the UTF-8 text, not characters
        index = exc.position if isinstance(exc.position, int) else 0
        index = len(text.encode("utf-8", "surrogatepass")[:index].decode("utf-8", "ignore"))
        line, col = at(index - (1 if text.startswith("\ufeff") else 0))
        raise YamlSyntaxError(W.reader(exc.character, exc.reason), line, col) from None
    except YAMLError:  # pragma: no cover - every parser error carries a mark
        raise YamlSyntaxError(W.GENERIC, 1 + line_offset, 1) from None
    except UnicodeEncodeError as exc:
        # a lone surrogate (only text that did not come from a UTF-8 file can hold one)
        line, col = at(exc.start)
        raise YamlSyntaxError(W.surrogate(text[exc.start]), line, col) from None
    except RecursionError:  # pragma: no cover - the guard bounds the depth far below the limit
        raise YamlSyntaxError(W.TOO_DEEP, 1 + line_offset, 1) from None
    except (ValueError, KeyError, TypeError, OverflowError):
        # the syntax is fine but a value cannot be built: `!!int x`
        line, col, message = W.unbuildable(text)
        raise YamlSyntaxError(message, line + 1 + line_offset, col + 1) from None
    except _TooBig:  # pragma: no cover - the guard counts the same values first
        raise YamlSyntaxError(W.TOO_MANY, 1 + line_offset, 1) from None


def locate(text: str, index: int) -> tuple[int, int]:
    """0-based (line, column) of the parser's character ``index`` in ``text``, lines ended by
    ``\\n`` only (as the report numbers them; YAML also breaks lines at U+0085, U+2028 and
    U+2029). A leading BOM, which the parser skips without counting, is a column here. At the
    end of a text without a final newline that is the end of the last line."""
    if text.startswith("\ufeff"):
        index += 1
    index = max(0, min(index, len(text)))
    start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index), index - start


_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


@dataclass
class YamlDoc:
    """A parsed YAML document and a lazy map from key paths to file positions.

    ``line_offset`` is the number of file lines before the YAML text (front matter
    starts after its ``---`` line). Positions come from ruamel.yaml's node tree
    (``compose`` with the C parser), built only when a finding asks for one; each
    mapping's keys are indexed the first time one of them is looked up, so reporting
    every key of a large mapping stays linear.
    """

    path: str
    text: str
    data: Any
    line_offset: int = 0
    _node: Any = field(default=None, repr=False)
    _node_failed: bool = field(default=False, repr=False)
    _keys: dict[int, dict[str, tuple[Any, Any]]] = field(default_factory=dict, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)

    def _tree(self) -> Any:
        if self._node is None and not self._node_failed:
            try:
                # the text may come from a cache rather than from parse_yaml: guard it again
                guarded(self.text)
                self._node = _safe_loader().compose(self.text)
            except Exception:  # positions are best effort; the value parse already succeeded
                self._node_failed = True
        return self._node

    def _index(self, node: Any) -> dict[str, tuple[Any, Any]]:
        got = self._keys.get(id(node))
        if got is None:
            got = {}
            for knode, vnode in node.value:
                got.setdefault(str(knode.value), (knode, vnode))
            self._keys[id(node)] = got
        return got

    def _find(self, keypath: tuple[Any, ...], key: bool) -> tuple[Any, bool]:
        """The node at ``keypath`` (or the deepest one found) and whether it was found."""
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        node = self._tree()
        if node is None:
            return None, False
        for i, part in enumerate(keypath):
            last = i == len(keypath) - 1
            if isinstance(node, MappingNode):
                pair = self._index(node).get(str(part))
                if pair is None:
                    return node, False
                node = pair[0] if (key and last) else pair[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return node, False
        return node, True

    def _at(self, mark: Any) -> tuple[int, int]:
        """1-based file (line, column) of a node's mark."""
        if self._starts is None:
            odd = self.text.startswith("\ufeff") or any(c in self.text for c in _ODD_BREAKS)
            self._starts = [] if not odd else [0] + [i + 1 for i, c in enumerate(self.text) if c == "\n"]
        if not self._starts:
            return mark.line + 1 + self.line_offset, mark.column + 1
        index = mark.index + (1 if self.text.startswith("\ufeff") else 0)
        line = bisect.bisect_right(self._starts, index) - 1
        return line + 1 + self.line_offset, index - self._starts[line] + 1

    def position(self, keypath: tuple[Any, ...] = (), *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or, with ``key=True``, the key) at ``keypath``.

        Falls back to the deepest position that exists, then to the document start.
        """
        node, _found = self._find(keypath, key)
        if node is None:
            return 1 + self.line_offset, 1
        return self._at(node.start_mark)

    def value_span(self, keypath: tuple[Any, ...]) -> tuple[int, int, int, int]:
        """(line, col, end_line, end_col) of a scalar value; end is exclusive."""
        from ruamel.yaml.nodes import ScalarNode

        node, found = self._find(keypath, False)
        if node is None:
            return 1 + self.line_offset, 1, 1 + self.line_offset, 1
        line, col = self._at(node.start_mark)
        if found and isinstance(node, ScalarNode):
            return (line, col, *self._at(node.end_mark))
        return line, col, line, col
