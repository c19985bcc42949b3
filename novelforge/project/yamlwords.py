"""Every NF001 message, in words a novelist can act on.

The parser's own words ("did not find expected key", "second occurrence") never reach the
report: :func:`humanize` maps each problem ruamel.yaml and libyaml can raise to a sentence,
and what it does not recognise becomes :data:`GENERIC`. :data:`_PATTERNS` lists every message
this module and the guard can produce, so a test can prove that nothing else ever does.
"""

from __future__ import annotations

import re
from typing import Any

from novelforge.project.yamlguard import MAX_DEPTH, MAX_NODES

PREFIX = "broken YAML: "
GENERIC = PREFIX + ("this line cannot be read as YAML; check its `:`, `-`, quotes and brackets, "
                    "and put text that contains them in quotes")
TOO_DEEP = PREFIX + (f"lists or sets of pairs are nested more than {MAX_DEPTH} levels deep here; "
                     "no NovelForge file needs more than a few levels, so flatten it")
TOO_MANY = PREFIX + f"this file holds more than {MAX_NODES:,} values; split it into smaller files"
COLON = PREFIX + "a `:` where it is not allowed (put text containing `: ` in quotes)"
TAB = PREFIX + "a tab character; YAML indents with spaces only"
COMPLEX_KEY = PREFIX + ("a key here is a list or a set of pairs; a key is a plain word such as `title` "
                        "(put it in quotes if it starts with `[` or `{`)")
SECOND_DOCUMENT = PREFIX + ("a second `---` line starts a second YAML document here; a file holds one, "
                            "so remove the line (or what follows it)")
AFTER_END = PREFIX + ("more YAML follows the `...` line that ends the document; a file holds one "
                      "document, so remove the `...` line (or what follows it)")
_W = r"[^`]*"   # what a message quotes between backticks


def _q(text: Any, limit: int = 40) -> str:
    """``text`` fit to go between backticks in a one-line message."""
    shown = "".join(c if c.isprintable() and c != "`" else " " for c in str(text)).strip()
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def tag_name(tag: str) -> str:
    """A tag as the author wrote it (``!!python/name:os.system``)."""
    std = "tag:yaml.org,2002:"
    return _q("!!" + tag[len(std):] if tag.startswith(std) else tag)


# ------------------------------------------------------------------ the guard's refusals
def too_many_aliases(anchor: str) -> str:
    return PREFIX + (f"the aliases in this file (such as `*{_q(anchor)}` here) repeat the values they name "
                     f"more than {MAX_NODES:,} times in all; write the values out instead")


def alias_loop(anchor: str) -> str:
    a = _q(anchor)
    return PREFIX + (f"`*{a}` is used inside the very value `&{a}` names, so it would repeat itself "
                     "forever; write the value out instead")


def alias_undefined(anchor: str) -> str:
    a = _q(anchor)
    return PREFIX + (f"`*{a}` refers to `&{a}`, which is not defined above it; define `&{a}` first, "
                     "or put text that starts with `*` in quotes")


def alias_key(anchor: str) -> str:
    return PREFIX + (f"a key here is `*{_q(anchor)}`, which stands for a list or a set of pairs; a key is "
                     "a plain word such as `title`")


def anchor_twice(anchor: str, first_line: int | None) -> str:
    where = f" (first on line {first_line})" if first_line is not None else ""
    return PREFIX + f"the anchor `&{_q(anchor)}` is defined twice in this file{where}; give each its own name"


_KIND = {"scalar": "a piece of text or a number", "seq": "a list", "map": "a set of pairs"}


def tag_misfit(tag: str, kind: str) -> str:
    return PREFIX + f"the tag `{tag_name(tag)}` does not fit {_KIND[kind]}; remove the tag"


def tag_refused(tag: str) -> str:
    return PREFIX + (f"`{tag_name(tag)}` is a YAML tag, and NovelForge reads no tags of that kind; "
                     "remove it (put the value in quotes if it is text)")


# ------------------------------------------------------------------ the parser's errors
_UNCLOSED = {"while parsing a flow sequence": ("list", "[", "]"),
             "while parsing a flow mapping": ("set of pairs", "{", "}")}
_QUOTED = ("while scanning a quoted scalar", "while parsing a quoted scalar")


def humanize(problem: str, text: str = "", index: int = -1, context: str | None = None,
             opened: int | None = None) -> str | None:
    """ruamel.yaml's ``problem`` (and ``context``, what it was reading, begun on line
    ``opened``) as a sentence; ``text[index]`` is where it stopped. None for a duplicate
    key, which needs the tree (:func:`duplicate_key`)."""
    char = text[index] if 0 <= index < len(text) else ""
    context = context or ""
    if problem.startswith("found duplicate key"):
        return None
    if problem.startswith("mapping values are not allowed") or problem == "found unexpected ':'":
        return COLON
    if "tab character" in problem or ("cannot start any token" in problem and char == "\t"):
        return TAB
    if context in _UNCLOSED and opened is not None and (problem.startswith("did not find expected")
                                                       or re.match(r"expected '.' or '.', but", problem)):
        what, left, right = _UNCLOSED[context]
        return PREFIX + f"the {what} opened with `{left}` on line {opened} is never closed with `{right}`"
    if context in _QUOTED:
        if problem.startswith(("found unexpected end of stream", "found unexpected document indicator")):
            if opened is not None:
                return PREFIX + f"the quoted text opened on line {opened} is never closed"
            return PREFIX + "quoted text here is never closed"
        if problem.startswith("found unknown escape character"):
            shown = _q(text[index:index + 2]) if text[index:index + 1] == "\\" else "\\" + _q(char)
            return PREFIX + (f"`{shown}` is not an escape YAML knows between double quotes; write `\\\\` for "
                             "a backslash, or use single quotes")
        if "hexdecimal" in problem or "hexadecimal" in problem:
            return PREFIX + ("an escape such as `\\x`, `\\u` or `\\U` between double quotes needs hexadecimal "
                             "digits (0-9, a-f) after it; write `\\\\` for a backslash, or use single quotes")
        if "Unicode character escape" in problem:
            return PREFIX + ("this escape between double quotes names no character (a lone surrogate such as "
                             "`\\ud800`, or a number past `\\U0010FFFF`); remove it")
    if "cannot start any token" in problem:
        if char == "`":
            return PREFIX + "a value cannot begin with a backtick; put the text in quotes"
        if char and char.isprintable() and not char.isspace():
            return PREFIX + f"a value cannot begin with `{_q(char)}`; put the text in quotes"
        return GENERIC
    if problem == "did not find expected key":
        before = text[:index].rstrip(" ") if index >= 0 else ""
        if before.endswith(("\"", "'")) and not before.endswith("\n"):
            return PREFIX + "more text follows a closing quote here; put the whole value in quotes"
        if char == "-":
            return PREFIX + ("a list item (`- `) here is not part of any list; put it on the line below a "
                             "`key:`, indented")
        return PREFIX + ("this line is not indented like the `key: value` lines above it; line it up "
                         "with them, or indent it further to continue the value above")
    if problem == "did not find expected '-' indicator":
        return PREFIX + ("this line is not indented like the list items (`- `) above it; start it with `- `, "
                         "or indent it further to continue the item above")
    if not char and "flow" in context and problem.startswith(("did not find expected", "found unexpected end")):
        return PREFIX + "the file ends inside a list or a set of pairs: a `[` or `{` above is never closed"
    if problem == "did not find expected node content":
        if char in (",", "]", "}"):
            return PREFIX + f"a value is missing before `{char}`; write one, or remove the `,`"
        return PREFIX + "a value is missing here; write one, or put the text in quotes"
    if problem == "could not find expected ':'":
        start = text.rfind("\n", 0, index) + 1 if index >= 0 else 0
        colon = text.find(":", start, text.find("\n", start) if "\n" in text[start:] else len(text))
        if colon - start > 1024:  # YAML allows keys of up to 1,024 characters
            return PREFIX + "a key longer than 1,024 characters, which YAML does not allow; shorten it"
        return PREFIX + ("a line here has no `:`; write it as `key: value`, or indent it to continue the "
                         "value above")
    if problem == "did not find expected <document start>":
        return PREFIX + ("this line is outside the YAML above it (indented less than the first line, or "
                         "after a `...` line); line it up with the other keys")
    if problem.startswith("block sequence entries are not allowed"):
        return PREFIX + ("a list item (`- `) cannot start here; put it on a line of its own, indented "
                         "under its `key:`")
    if problem.startswith("mapping keys are not allowed"):
        return PREFIX + "a `?` cannot start a key here; put the text in quotes"
    if context in ("while scanning an anchor", "while scanning an alias"):
        return PREFIX + ("`&` and `*` must be followed by a name (letters or digits); put text that starts "
                         "with `&` or `*` in quotes")
    if context in ("while scanning a tag", "while parsing a tag") or "tag handle" in problem:
        return PREFIX + ("`!` starts a YAML tag here, which NovelForge does not read; put text that starts "
                         "with `!` in quotes")
    if "directive" in context or "directive" in problem or "incompatible YAML document" in problem:
        return PREFIX + ("a line starting with `%` is a YAML directive, which NovelForge does not need; "
                         "put text that starts with `%` in quotes")
    if context == "while scanning a block scalar":
        return PREFIX + ("after `|` or `>` only `+`, `-` or a digit from 1 to 9 may follow on the same "
                         "line; start the text on the next line")
    if problem.startswith("found undefined alias"):
        return alias_undefined(_alias_at(text, index))
    if "duplicate anchor" in problem or "duplicate anchor" in context or problem == "second occurrence":
        return anchor_twice(_alias_at(text, index), None)
    if "single document" in context or "another document" in problem:
        return SECOND_DOCUMENT
    if problem.startswith("found unhashable key"):
        return COMPLEX_KEY
    if problem.startswith("found duplicate merge key"):
        return PREFIX + "`<<` appears twice in this set of pairs; merge them in one: `<<: [*a, *b]`"
    if "for merging" in problem:
        return PREFIX + ("`<<` merges sets of pairs (`<<: *name` or `<<: [*a, *b]`), and what follows it "
                         "here is not one; put `<<` in quotes if it is text")
    if problem.startswith("could not determine a constructor for the tag"):
        m = re.search(r"tag '(.*)'", problem)
        return tag_refused(m.group(1) if m else "!")
    if re.match(r"expected an? \w+ node", problem):
        return PREFIX + "a tag here does not fit its value; remove the tag"
    return GENERIC


_BREAKS = {"\x85": "next-line character (U+0085)", "\u2028": "line separator (U+2028)",
           "\u2029": "paragraph separator (U+2029)"}


def odd_break(text: str, index: int) -> tuple[int, str] | None:
    """An invisible character YAML takes for a line break (U+0085, U+2028, U+2029) on the
    line of ``index`` or the one above it, before ``index``: that is what broke the line.
    (index in ``text``, message) or None."""
    if not any(c in text for c in _BREAKS):
        return None
    start = text.rfind("\n", 0, max(text.rfind("\n", 0, index), 0)) + 1
    found = [i for i in range(start, min(index + 1, len(text))) if text[i] in _BREAKS]
    if not found:
        return None
    return found[-1], PREFIX + (f"an invisible {_BREAKS[text[found[-1]]]} breaks the line here for YAML; "
                                "delete it, or put the text in quotes")


def _alias_at(text: str, index: int) -> str:
    m = re.match(r"[*&]([^\s,\[\]{}]+)", text[index:index + 200]) if index >= 0 else None
    return m.group(1) if m else ""


def duplicate_key(text: str, exc: Any, line_offset: int) -> str:
    """``title`` appears twice: name the key and the line of its first occurrence."""
    from novelforge.project.yamlio import _safe_loader, locate

    key, first = None, None
    try:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        at, where = exc.problem_mark.index, exc.context_mark.index
        stack = [_safe_loader().compose(text)]
        while stack and key is None:
            node = stack.pop()
            if isinstance(node, MappingNode):
                if node.start_mark.index == where:
                    dup = next((k for k, _v in node.value if k.start_mark.index == at), None)
                    if dup is not None:
                        key = dup.value
                        same = next(k for k, _v in node.value if k.value == dup.value)
                        if same is not dup:
                            first = locate(text, same.start_mark.index)[0] + 1 + line_offset
                        break
                stack.extend(n for pair in node.value for n in pair)
            elif isinstance(node, SequenceNode):
                stack.extend(node.value)
    except Exception:
        pass
    if key is None:
        m = re.search(r'found duplicate key "(.*?)"( with value|$)', exc.problem or "")
        key = m.group(1) if m else ""
    where = f" (first on line {first})" if first is not None else ""
    return PREFIX + f"`{_q(key)}` appears twice here{where}; keep one"


def reader(character: Any, reason: str = "") -> str:
    """A character YAML does not allow anywhere in a file (a control character, U+FFFE…)."""
    code = character if isinstance(character, int) else ord(character) if character else 0
    return PREFIX + f"the invisible character U+{code:04X} is not allowed in YAML; delete it"


def surrogate(char: str) -> str:
    return PREFIX + f"the text holds U+{ord(char):04X}, half of a character pair that lost its other half; delete it"


_KINDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "null": "empty"}


def unbuildable(text: str) -> tuple[int, int, str]:
    """0-based position of the first scalar that cannot be built, and a message about it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    from novelforge.project.yamlio import _safe_loader, locate, text_dates_constructor

    generic = (0, 0, PREFIX + "a value here cannot be read; put it in quotes to keep it as text")
    try:
        stack = [_safe_loader().compose(text)]
        yaml = YAML(typ="safe", pure=True)
        yaml.Constructor = text_dates_constructor()   # as the loader builds them: dates are text
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
                kind = str(node.tag).rsplit(":", 1)[-1]
                line, col = locate(text, node.start_mark.index)
                value = _q(node.value)
                tagged = text[node.start_mark.index:node.start_mark.index + 1] == "!"
                if kind == "int" and not tagged and len(node.value) > 100:
                    what = "has too many digits to be a number; put it in quotes to keep it as text"
                elif tagged:
                    what = (f"is not {_KINDS.get(kind, 'what its tag says')}, as the tag `!!{_q(kind)}` says; "
                            "remove the tag")
                else:
                    what = "cannot be read; put it in quotes to keep it as text"
                return line, col, PREFIX + f"`{value}` {what}"
        elif isinstance(node, MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return generic


# every message above, as a pattern (a test runs the fuzz corpus against them); compiled
# on first use, not at import
_PATTERNS = (
    re.escape(GENERIC), re.escape(TOO_DEEP), re.escape(TOO_MANY), re.escape(COLON), re.escape(TAB),
    re.escape(COMPLEX_KEY), re.escape(SECOND_DOCUMENT), re.escape(AFTER_END),
    re.escape(PREFIX) + r"the aliases in this file \(such as `\*" + _W + r"` here\) repeat .*",
    re.escape(PREFIX) + r"`\*" + _W + r"` is used inside the very value .*",
    re.escape(PREFIX) + r"`\*" + _W + r"` refers to `&" + _W + r"`, which is not defined above it.*",
    re.escape(PREFIX) + r"a key here is `\*" + _W + r"`, which stands for .*",
    re.escape(PREFIX) + r"the anchor `&" + _W + r"` is defined twice in this file( \(first on line \d+\))?; .*",
    re.escape(PREFIX) + r"the tag `" + _W + r"` does not fit .*; remove the tag",
    re.escape(PREFIX) + r"`" + _W + r"` is a YAML tag, and NovelForge reads no tags of that kind; .*",
    re.escape(PREFIX) + r"the (list|set of pairs) opened with `[\[{]` on line \d+ is never closed with `[\]}]`",
    re.escape(PREFIX) + r"(the )?quoted text (opened on line \d+|here) is never closed",
    re.escape(PREFIX) + r"`" + _W + r"` is not an escape YAML knows between double quotes; .*",
    re.escape(PREFIX) + r"an escape such as .* needs hexadecimal digits .*",
    re.escape(PREFIX) + r"this escape between double quotes names no character .*",
    re.escape(PREFIX) + r"a value cannot begin with (a backtick|`" + _W + r"`); put the text in quotes",
    re.escape(PREFIX) + r"more text follows a closing quote here; .*",
    re.escape(PREFIX) + r"a list item \(`- `\) (here is not part of any list|cannot start here); .*",
    re.escape(PREFIX) + r"this line is not indented like the (`key: value` lines|list items \(`- `\)) above it; .*",
    re.escape(PREFIX) + r"a value is missing (before `[,\]}]`|here); .*",
    re.escape(PREFIX) + r"the file ends inside a list or a set of pairs: .*",
    re.escape(PREFIX) + r"an invisible (next-line character|line separator|paragraph separator) \(U\+[0-9A-F]{4}\) "
                        r"breaks the line here for YAML; .*",
    re.escape(PREFIX) + r"a line here has no `:`; .*",
    re.escape(PREFIX) + r"a key longer than 1,024 characters, which YAML does not allow; shorten it",
    re.escape(PREFIX) + r"this line is outside the YAML above it .*",
    re.escape(PREFIX) + r"a `\?` cannot start a key here; .*",
    re.escape(PREFIX) + r"`&` and `\*` must be followed by a name .*",
    re.escape(PREFIX) + r"`!` starts a YAML tag here, .*",
    re.escape(PREFIX) + r"a line starting with `%` is a YAML directive, .*",
    re.escape(PREFIX) + r"after `\|` or `>` only .*",
    re.escape(PREFIX) + r"`<<` (appears twice|merges sets of pairs) .*",
    re.escape(PREFIX) + r"a tag here does not fit its value; remove the tag",
    re.escape(PREFIX) + r"`" + _W + r"` appears twice here( \(first on line \d+\))?; keep one",
    re.escape(PREFIX) + r"the invisible character U\+[0-9A-F]{4,6} is not allowed in YAML; delete it",
    re.escape(PREFIX) + r"the text holds U\+[0-9A-F]{4}, half of a character pair .*",
    re.escape(PREFIX) + r"a value here cannot be read; put it in quotes to keep it as text",
    re.escape(PREFIX) + r"`" + _W
    + r"` (has too many digits|is not .*, as the tag|cannot be read).*",
)
_compiled: list[re.Pattern] = []


def is_known(message: str) -> bool:
    """Whether ``message`` is one this module writes (and no raw parser words)."""
    if not _compiled:
        _compiled.extend(re.compile(p) for p in _PATTERNS)
    return any(p.fullmatch(message) for p in _compiled)
