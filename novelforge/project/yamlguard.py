"""The guard every YAML text passes before anything is built from it.

A hostile file (a pull request from a fork, a downloaded project) must not be able to crash,
stall or flood the process, nor make the loader build anything but plain data. The guard is
one pass over the parser's *events* (libyaml in C: a state machine with its own stacks, no
recursion, one event in memory at a time), stopping at the first of:

* **nesting deeper than** :data:`MAX_DEPTH` lists or sets of pairs. The C composer that
  builds the node tree recurses once per level and crashes the process (SIGSEGV) past about
  25,000 levels; no novel's file nests more than a handful, so 100 is far beyond any real use
  and far below the crash.
* **more than** :data:`MAX_NODES` values, counting what aliases and merge keys (``<<: *m``)
  stand for: every alias adds the number of values of the node it names, so "billion laughs"
  and merge-key bombs are refused at the alias that crosses the limit, before any work
  exponential in the file's size is done. Keys are not counted (a mapping has as many keys
  as values), so the limit also bounds the keys.
* a **tag** other than the plain ones (text, numbers, true/false, null, dates, lists, sets of
  pairs): ``!!python/object/apply:…``, ``!!binary``, ``!!set``, ``!custom``… never reach a
  constructor.
* an alias that names an anchor not defined before it, or the value it is part of (a loop),
  an anchor defined twice, a key that is a list or a set of pairs, a second document.

What it refuses is a :class:`Refused` with a message for a novelist and the index in the
text where the limit was passed; syntax errors are left to the parser's own exception, raised
from the same place the loader would raise it. The pass costs about a sixth of a load; a
short text that plainly holds none of the above (:func:`plainly_safe`: a few string searches,
3 % of a load) skips it, which is most front matter, canon entries and chapter files.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 100
MAX_NODES = 200_000

_STD = "tag:yaml.org,2002:"
# the tags a value may carry, by the kind of value: ``!`` (plain text) and the standard ones
# NovelForge's values are made of. Everything else (``!!python/…``, ``!!binary``, ``!!set``,
# ``!!omap``, ``!custom``) is refused before any constructor sees it.
SCALAR_TAGS = frozenset({"!"} | {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")})
SEQUENCE_TAGS = frozenset({"!", _STD + "seq"})
MAPPING_TAGS = frozenset({"!", _STD + "map"})
ALLOWED_TAGS = SCALAR_TAGS | SEQUENCE_TAGS | MAPPING_TAGS


class Refused(Exception):
    """``message`` for the author; ``index`` (0-based, in characters of the text) where the
    parser stood when the guard stopped."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


# what the fast path looks for, once a quick look finds the characters: the start of a tag,
# anchor or alias, or an explicit key `? ` (where a token can begin), a closing bracket
# before `:` (a list or a set of pairs as a key)
_TOKEN = re.compile(r"(?:^|[\s\[\]{},:\ufeff])(?:[&*!]|\?(?:\s|$))", re.M)
_CLOSE_COLON = re.compile(r"[\]}][ \t]*:")
FAST_LIMIT = 50_000


def plainly_safe(text: str) -> bool:
    """True when ``text`` cannot be anything the guard refuses, seen without parsing: short
    (so fewer values than the limit: each value takes at least one character), no tags,
    anchors, aliases, complex keys or document markers, and fewer characters that can open a
    list or a set of pairs (``[ { - : ?``) than the depth limit. Most front matter, canon
    entries and chapter files are; they skip the event pass (a tenth of their load time)."""
    if len(text) > FAST_LIMIT:
        return False
    if text.count(":") + text.count("-") + text.count("[") + text.count("{") + text.count("?") > MAX_DEPTH:
        return False
    if text.startswith(("---", "...", "\ufeff")) or "\n---" in text or "\n..." in text:
        return False
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:  # YAML's other line breaks
        return False
    if ("&" in text or "*" in text or "!" in text or "?" in text) and _TOKEN.search(text):
        return False
    return not (("]" in text or "}" in text) and _CLOSE_COLON.search(text))


def _events(text: str) -> tuple[Any, Any]:
    """(next-event function, dispose function) of the fastest parser available."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:  # pragma: no cover - the C extension is a dependency
        from ruamel.yaml import YAML

        stream = YAML(typ="safe", pure=True).parse(text)
        return stream.__next__, stream.close
    parser = CParser(text)
    return parser.get_event, parser.dispose


def guard(text: str, line_offset: int = 0, *, fast: bool = True) -> None:
    """Refuse ``text`` (raise :class:`Refused`) if building it would be unsafe; see the
    module docstring. Parser errors propagate as ruamel's ``MarkedYAMLError``.
    ``line_offset`` (lines of the file before the text) numbers the lines a message names;
    ``fast=False`` makes the pass even when :func:`plainly_safe` says it is not needed."""
    if fast and plainly_safe(text):
        return
    from ruamel.yaml import events as E

    from novelforge.project import yamlwords as W
    from novelforge.project.yamlio import locate

    scalar, alias = E.ScalarEvent, E.AliasEvent
    seq_start, map_start = E.SequenceStartEvent, E.MappingStartEvent
    seq_end, map_end = E.SequenceEndEvent, E.MappingEndEvent
    doc_start, stream_end = E.DocumentStartEvent, E.StreamEndEvent

    get, dispose = _events(text)
    # one frame per open collection: [is mapping, next node is a key, values before it, anchor]
    stack: list[list[Any]] = []
    sizes: dict[str, tuple[int, bool, int]] = {}   # anchor -> (values, is collection, index)
    opened: set[str] = set()                       # anchors of collections still open
    used = 0          # values so far, with what aliases stand for
    via_alias = 0     # of which through aliases
    documents = 0
    last_alias = ""
    try:
        while True:
            ev = get()
            cls = ev.__class__
            if cls is scalar or cls is alias or cls is seq_start or cls is map_start:
                key = False
                if stack:
                    top = stack[-1]
                    if top[0]:
                        key = top[1]
                        top[1] = not key
                anchor = ev.anchor
                if cls is alias:
                    got = sizes.get(anchor)
                    if got is None:
                        if anchor in opened:
                            raise Refused(W.alias_loop(anchor), ev.start_mark.index)
                        raise Refused(W.alias_undefined(anchor), ev.start_mark.index)
                    if key:
                        if got[1]:
                            raise Refused(W.alias_key(anchor), ev.start_mark.index)
                    else:
                        used += got[0]
                        via_alias += got[0]
                        last_alias = anchor
                else:
                    tag = ev.tag
                    if tag is not None:
                        fits = SCALAR_TAGS if cls is scalar else SEQUENCE_TAGS if cls is seq_start else MAPPING_TAGS
                        if tag not in fits:
                            kind = "scalar" if cls is scalar else "seq" if cls is seq_start else "map"
                            raise Refused(W.tag_misfit(tag, kind) if tag in ALLOWED_TAGS else W.tag_refused(tag),
                                          ev.start_mark.index)
                    if anchor is not None and (anchor in sizes or anchor in opened):
                        first = sizes[anchor][2] if anchor in sizes else None
                        line = locate(text, first)[0] + 1 + line_offset if first is not None else None
                        raise Refused(W.anchor_twice(anchor, line), ev.start_mark.index)
                    if cls is scalar:
                        if not key:
                            used += 1
                        if anchor is not None:
                            sizes[anchor] = (1, False, ev.start_mark.index)
                    else:
                        if key:
                            raise Refused(W.COMPLEX_KEY, ev.start_mark.index)
                        if len(stack) >= MAX_DEPTH:
                            raise Refused(W.TOO_DEEP, ev.start_mark.index)
                        used += 1
                        stack.append([cls is map_start, True, used - 1, anchor, ev.start_mark.index])
                        if anchor is not None:
                            opened.add(anchor)
                if used > MAX_NODES:
                    if via_alias * 2 > used:
                        raise Refused(W.too_many_aliases(last_alias), ev.start_mark.index)
                    raise Refused(W.TOO_MANY, ev.start_mark.index)
            elif cls is seq_end or cls is map_end:
                frame = stack.pop()
                if frame[3] is not None:
                    opened.discard(frame[3])
                    sizes[frame[3]] = (used - frame[2], True, frame[4])
            elif cls is doc_start:
                documents += 1
                if documents > 1:
                    at = ev.start_mark.index
                    raise Refused(W.SECOND_DOCUMENT if text.startswith("---", at + text.startswith("\ufeff"))
                                  else W.AFTER_END, at)
            elif cls is stream_end:
                return
    finally:
        dispose()
