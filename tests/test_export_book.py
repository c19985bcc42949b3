"""The export core: inline Markdown, typography, selection."""

from __future__ import annotations

import os
import stat

from novelforge.export.book import parse_inline
from novelforge.export.typography import smarten
from novelforge.util import atomic_write


def runs(text: str):
    return [(r.text, r.italic, r.bold) for r in parse_inline(text)]


def test_emphasis_and_escapes():
    assert runs("a *b* **c** _d_ __e__") == [("a ", False, False), ("b", True, False), (" ", False, False),
                                             ("c", False, True), (" ", False, False), ("d", True, False),
                                             (" ", False, False), ("e", False, True)]
    assert runs(r"over the \*wall\* at last") == [("over the *wall* at last", False, False)]
    # as in CommonMark: `_` never emphasises inside a word, `*` does
    assert runs("snake_case_word and 2*3*4") == [("snake_case_word and 2", False, False), ("3", True, False),
                                                 ("4", False, False)]
    assert runs("`\"code\"` stays") == [('"code" stays', False, False)]
    assert runs("***both*** and *a **b** c*") == [("both", True, True), (" and ", False, False), ("a ", True, False),
                                                  ("b", True, True), (" c", True, False)]
    assert runs(r"\< \& <for> &amp; [the map](x.png)") == [("< & <for> &amp; the map", False, False)]
    assert runs(r'a \"straight\" one') == [('a "straight" one', False, False)]


def test_typography_by_language():
    assert smarten('"It\'s -- well --- fine..."') == "“It’s – well — fine…”"
    assert smarten('"Ja," sagte sie.', "de") == "„Ja,“ sagte sie."
    assert smarten("'Tis the '90s", "en") == "’Tis the ’90s"
    assert smarten('"Oui"', "fr") == "«\u202fOui\u202f»"


def test_atomic_write_keeps_normal_permissions(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    target.chmod(0o640)
    atomic_write(target, "y")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == "y"
