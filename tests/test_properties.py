"""Property tests: whatever is in the files, loading and checking never crash, and every
diagnostic points at a real place in a real file (1-based, inside the file's bounds)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from novelforge.errors import ConfigError
from novelforge.project.loader import load_project
from novelforge.report import render
from novelforge.rules.engine import CheckOptions, check_project

SETTINGS = settings(max_examples=70, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CONFIG = "title: Test\ncheck:\n  select: [ALL]\n"
BASE = {
    "novelforge.yaml": CONFIG,
    "canon/characters/aria.yaml": "name: Aria Vell\naliases: [Aria, the Ember Queen]\n",
    "canon/characters/bram.yaml": "name: Bram\n",
    "canon/locations/emberfall.yaml": "name: Emberfall\n",
    "canon/promises/door.yaml": "description: The locked door.\n",
    "contracts/world.yaml": "no-guns:\n  type: forbid\n  terms: [musket]\n",
    "manuscript/01-one/01-gate.md": "---\npov: aria\ncharacters: [aria]\n---\n\nAria walked to the gate.\n",
    "manuscript/01-one/02-road.md": "---\npov: bram\ncharacters: [bram, aria]\n---\n\n\"Go,\" Bram said.\n",
}
TARGETS = {
    "config": "novelforge.yaml",
    "canon": "canon/characters/aria.yaml",
    "canon_md": "canon/characters/vell.md",
    "promise": "canon/promises/door.yaml",
    "contract": "contracts/world.yaml",
    "chapter": "manuscript/01-one/chapter.yaml",
    "scene": "manuscript/01-one/01-gate.md",
}

# ----------------------------------------------------------------------------- strategies
KEYS = ["title", "id", "name", "pov", "location", "when", "characters", "mentions", "setups", "payoffs",
        "status", "flashback", "target_words", "transfers", "item", "to", "aliases", "knows", "fact",
        "learned_in", "attributes", "check", "fail-on", "select", "ignore", "severity", "per-file-ignores",
        "max-warnings", "max-file-size", "known-names", "order", "type", "terms", "scope", "if", "then",
        "within", "replace", "either", "pattern", "message", "kind", "charaters", "NF205", "aria", "bram"]
SCALARS = ["aria", "bram", "nobody", "draft", "drafted", "error", "warning", "ALL", "NF2", "NF205", "forbid",
           "forbit", "pattern", "'(?i)ok'", "'['", "402-03-14", "402-03-14 20:00", "day 12", "yes", "no",
           "null", "~", "0", "-1", "1e3", "3.5", "[]", "{}", "''", '""', "|", ">", "&a x", "*a", "!!int x",
           "!!binary x", "!!bool x", "2024-02-30", "&r [*r]", "Aria Vell", "the Ember Queen", "é",
           "\u202e", "\U0001f525", "\t", "\\", "\"unclosed",
           "[a, b", "{a: 1", "- x", ": x", "?", "%YAML 1.1", "---", "...", "#c"]


@st.composite
def yamlish(draw) -> str:
    """Text that is mostly YAML-shaped: keys, values, lists, nesting, and some breakage."""
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 0, 2, 2, 4, 1, 3]))
        shape = draw(st.integers(0, 6))
        key = draw(st.sampled_from(KEYS))
        value = draw(st.sampled_from(SCALARS))
        if shape == 0:
            line = f"{key}: {value}"
        elif shape == 1:
            line = f"{key}:"
        elif shape == 2:
            line = f"- {value}"
        elif shape == 3:
            items = draw(st.lists(st.sampled_from(SCALARS[:20] + KEYS[:5]), max_size=4))
            line = f"{key}: [{', '.join(items)}]"
        elif shape == 4:
            line = f"{key}: {{{draw(st.sampled_from(KEYS))}: {value}}}"
        elif shape == 5:
            line = f"- {key}: {value}"
        else:
            line = draw(st.text(max_size=15))
        lines.append(indent + line)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


PROSE = ["Aria", "Bram", "Vell", "Aria Vell", "Aria's", "Bram’s", "the Ember Queen", "Emberfall", "Emberfal",
         "Brma", "Mr.", "Darcy", "I", "said", "asked", "drew", "her", "sword", "walked", "the", "a", "gate",
         "musket", ".", ",", "!", "?", "…", "—", '"', '"', "“", "”", "‘", "’", "'", "\n", "\n", "\n\n", "\n\n",
         "\r\n", "  ", "\t", "***", "* * *", "#", "# Heading", "<!--", "-->", "<!-- setup: door -->",
         "<!-- payoff: door -->", "<!-- promise: nope -->", "<!-- novelforge-disable-next-line NF205 -->",
         "<!-- novelforge-disable -->", "<!-- novelforge-enable -->", "<!-- novelforge-disable-line XX1 -->",
         "---", "...", "*", "_", "`", "é", "\u200b", "\U0001f525", "\x0c", "\x85", "\u2028", "Ω"]


@st.composite
def markdown(draw) -> str:
    """A scene: maybe front matter (closed, unclosed, or with `...`), then prose fragments."""
    head = ""
    fm = draw(st.integers(0, 3))
    if fm:
        closing = {1: "---\n", 2: "...\n", 3: ""}[fm]
        head = "---\n" + draw(yamlish()) + "\n" + closing
    words = draw(st.lists(st.one_of(st.sampled_from(PROSE), st.text(max_size=6)), max_size=60))
    body = ""
    for w in words:
        body += w if w.isspace() or not body or body[-1].isspace() else " " + w
    text = head + body
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    return text


# ----------------------------------------------------------------------------- the property
def _lines(path: Path) -> list[str] | None:
    """The file's lines as the loader sees them (BOM dropped, any newline style)."""
    if not path.is_file():
        return None
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def check_everything(files: dict[str, str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, content in {**BASE, **files}.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        project = load_project(root)
        try:
            report = check_project(project, CheckOptions(use_cache=False, use_baseline=False))
        except ConfigError as exc:
            # an unknown rule in `check:` is a configuration error (exit 2), never a crash
            assert "novelforge.yaml" in files, exc
            assert "\n" not in exc.message
            diagnostics = project.diagnostics
        else:
            diagnostics = report.diagnostics
            render(report, "text", color=True)
            render(report, "json")
        for d in diagnostics:
            assert d.path and not d.path.startswith("/"), d
            assert d.message and "\n" not in d.message, d
            assert d.line >= 1 and d.column >= 1, d
            lines = _lines(root / d.path)
            assert lines is not None, d
            assert d.line <= len(lines), (d, len(lines))
            assert d.column <= len(lines[d.line - 1]) + 1, (d, lines[d.line - 1])
            if d.end_line is not None:
                assert (d.end_line, d.end_column or 1) >= (d.line, d.column), d
                assert d.end_line <= len(lines), d
                assert (d.end_column or 1) <= len(lines[d.end_line - 1]) + 1, (d, lines[d.end_line - 1])


# ----------------------------------------------------------------------------- tests
@SETTINGS
@given(st.sampled_from(sorted(TARGETS)), yamlish())
def test_yamlish_files(target, text):
    name = TARGETS[target]
    if name.endswith(".md"):
        text = "---\n" + text + "\n---\nAria.\n"
    check_everything({name: text})


@SETTINGS
@given(markdown(), markdown())
def test_markdown_scenes(first, second):
    check_everything({"manuscript/01-one/01-gate.md": first, "manuscript/02-two/01-more.md": second,
                      "canon/characters/vell.md": second})


@SETTINGS
@given(st.sampled_from(sorted(TARGETS)), st.binary(max_size=200))
def test_random_bytes(target, raw):
    check_everything({TARGETS[target]: raw})


@SETTINGS
@given(st.sampled_from(["novelforge.yaml", "canon/characters/aria.yaml", "manuscript/01-one/01-gate.md"]),
       markdown(), st.binary(min_size=1, max_size=8), st.integers(0, 10_000))
def test_text_with_a_bad_byte_somewhere(target, text, junk, where):
    raw = text.encode("utf-8")
    cut = where % (len(raw) + 1)
    check_everything({target: raw[:cut] + junk + raw[cut:]})
