"""Flat YAML read without the parser: most front matter, chapter files and canon entries
are a few ``key: value`` lines (``title: "Chapter I"``, ``characters: [anna, pierre]``,
``status: draft``), and reading those with a line pattern is some twenty times quicker
than ruamel.yaml and its guard (War and Peace: 813 documents).

:func:`read_flat` answers only when it is certain to give exactly what
:func:`novelforge.project.yamlio.parse_yaml` gives: every line is a plain key, a colon, a
space and one value that is text in every YAML version — a word-led plain scalar with no
indicator in it (not ``yes``, ``null``, ``true`` and the like), a single- or double-quoted
string without escapes, or a one-line flow list of such words (or ``[]``) — with no
comment, tab, tag, anchor, alias, directive, document marker, repeated key or empty
value, in at most :data:`MAX_FLAT_CHARS` characters. Anything else (it returns None) goes
to the parser, which also reports every error; positions stay lazy either way
(:class:`~novelforge.project.yamlio.YamlDoc`).
"""

from __future__ import annotations

import re

# a key a mapping reads as the same text in YAML 1.1 and 1.2
_KEY = r"[A-Za-z_][A-Za-z0-9_\-]*"
# a plain scalar that is text in both versions: led by a letter, no indicator inside
# (`:`, `#`, flow brackets, quotes, `|`, `>`, `%`, `@`, backtick), no space at either end
_WORD = r"[^\W\d_](?:[^\s:#,\[\]{}\"'`|>%@\\]|[ ](?=[^\s#]))*"
_ITEM = r"[^\W\d_](?:[^\s:#,\[\]{}\"'`|>%@\\]|[ ](?=[^\s#,\]]))*"
_LINE = re.compile(
    r"(" + _KEY + r"):[ ]"
    r"(?:(" + _WORD + r")"
    r"|\"([^\"\\\n]*)\""
    r"|'([^'\n]*)'"
    r"|\[[ ]*((?:" + _ITEM + r")(?:[ ]*,[ ]*(?:" + _ITEM + r"))*)?[ ]*\])"
    r"[ ]*\Z"
)
_ITEM_SPLIT = re.compile(r"[ ]*,[ ]*")
# what the YAML reader refuses or reads as a line break: control characters, NEL, the line
# and paragraph separators, a byte-order mark, surrogates (the parser says so, at its line)
_ODD = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# words YAML 1.1 or 1.2 reads as something other than text
_NOT_TEXT = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf"})
MAX_FLAT_LINES = 200
# a longer document goes to the parser and its guard (yamlguard.MAX_NODES, the memory it
# bounds): in this many characters no flow list can hold more values than the guard allows,
# so what this reader accepts the guard would accept too
MAX_FLAT_CHARS = 50_000


def read_flat(text: str) -> dict[str, str | list[str]] | None:
    """The mapping a flat ``key: value`` document holds, or None when it is not one this
    reader is certain of (the caller parses it then)."""
    if not text or len(text) > MAX_FLAT_CHARS or "#" in text or _ODD.search(text):
        return None
    lines = text.split("\n")
    if len(lines) > MAX_FLAT_LINES:
        return None
    out: dict[str, str | list[str]] = {}
    for line in lines:
        if not line:
            continue
        m = _LINE.match(line)
        if m is None:
            return None
        key, word, dq, sq, flow = m.groups()
        if key in out or key.lower() in _NOT_TEXT:
            return None
        if word is not None:
            if word.lower() in _NOT_TEXT:
                return None
            out[key] = word
        elif dq is not None:
            out[key] = dq
        elif sq is not None:
            out[key] = sq
        else:
            items = _ITEM_SPLIT.split(flow) if flow is not None else []
            if any(item.lower() in _NOT_TEXT for item in items):
                return None
            out[key] = items
    return out or None
