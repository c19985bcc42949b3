"""Italics as the checker reads them (novelforge.text.inline) are italics as export reads
them (CommonMark, through markdown-it-py): the same spans on hand-made cases and on every
paragraph of a real novel that has emphasis in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from novelforge.text.inline import emphasis, italic_ranges, without_markup

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _markdown_it_italics(text: str) -> list[str]:
    """The text inside each `em` of ``text`` (a paragraph), as markdown-it reads it."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").disable(["html_inline", "entity"])
    out, stack = [], []
    for tok in md.parseInline(text)[0].children:
        if tok.type == "em_open":
            stack.append([])
        elif tok.type == "em_close":
            inner = "".join(stack.pop())
            out.append(inner)
            if stack:
                stack[-1].append(inner)
        elif stack and tok.type == "text":
            stack[-1].append(tok.content)
    return sorted(without_markup(t) for t in out)


def _ours(text: str) -> list[str]:
    return sorted(without_markup(text[s:e]) for s, e in italic_ranges(text))


CASES = [
    "She read *the letter* twice.",
    "She read _the letter_ twice.",
    "**bold** and *italic* and ***both***",
    "snake_case_name and 2 * 3 * 4",
    "an *unclosed marker and _another",
    "“_Mina Murray’s Journal._”",
    "*a* *b* _c_ d_e_f",
    r"not \*escaped\* but *this*",
    "*nested _emphasis_ here*",
    "__strong__ and _em_",
    "*foo**bar**baz*",
    "_foo_bar_",
    "*(*foo*)*",
    "a * b * c",
]


@pytest.mark.parametrize("text", CASES)
def test_italics_agree_with_commonmark(text):
    assert _ours(text) == _markdown_it_italics(text)


def test_bold_alone_is_not_italic_and_spans_are_offsets_into_the_text():
    text = "x **bold** y *it* z"
    assert italic_ranges(text) == [(text.index("it*"), text.index("it*") + 2)]
    strong = [e for e in emphasis(text) if e.strong]
    assert [text[e.inner_start:e.inner_end] for e in strong] == ["bold"]


def test_a_paragraph_window_reads_only_that_paragraph():
    text = "*one*\n\n*two*"
    start = text.index("*two")
    assert italic_ranges(text, start, len(text)) == [(start + 1, start + 4)]


@pytest.mark.skipif(not (CORPUS / "dracula.txt").is_file(), reason="the shared corpus is not there")
def test_italics_agree_with_commonmark_on_a_real_novel():
    text = (CORPUS / "dracula.txt").read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    tried = 0
    for p in paragraphs:
        if "_" in p or "*" in p:
            tried += 1
            assert _ours(p) == _markdown_it_italics(p), p
    assert tried > 50
