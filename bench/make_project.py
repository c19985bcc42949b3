#!/usr/bin/env python3
"""Build a realistic NovelForge project from a public-domain novel (a corpus .txt).

    python3 bench/make_project.py war_and_peace /tmp/wp            # a corpus slug
    python3 bench/make_project.py path/to/novel.txt /tmp/novel      # any Gutenberg-style text

What it writes (see /work/shared/FORMAT.md):

* ``novelforge.yaml`` with the title, author and language;
* ``manuscript/[NN-part/]NN-chapter/NN-scene.md``: the novel split into chapters by its own
  headings (each corpus file's heading style is described in ``SPECS``), and chapters into
  scenes at the novel's scene breaks (``* * *``, ``•  •  •``, the roman sub-parts of the
  Holmes stories), then long scenes cut at paragraph boundaries into ~1,500–3,000 words.
  Each scene has front matter ``title``, ``status: draft`` and ``characters``: the canon
  characters named in its prose. Each chapter folder has a ``chapter.yaml`` with its title.
* ``canon/characters/<id>.yaml`` for the most frequent personal names, found
  statistically (capitalised tokens that are rarely lower case, used with a title or a
  speech verb), with name variants grouped as aliases (``Holmes``, ``Sherlock Holmes``,
  ``Mr. Holmes``).

The paragraphs are read by ``novelforge import``'s own plain-text reader
(:func:`novelforge.import_.text.paragraph_block`), the files are written by its own writer
(:func:`novelforge.import_.render.render_project`: the same folders, file names, scene ids
and front matter an imported manuscript gets), the word lists are NovelForge's
(``novelforge/text/lexicon.py``), and so are slugs, sentence starts and scene-break lines.
What stays here is what a benchmark needs and the importer does not do: each corpus
file's heading patterns, long scenes cut to ~1,500–3,000 words, and up to 50 characters
found by the statistics in ``canon_stats.py`` (the seeded benchmark's specs are written
against them).

Why not the importer's own structure and canon (``import_.structure.build_book``,
``import_.canon.suggest_canon``): on the four seeded novels the importer finds the same
number of chapters, but titles them with their headings' second line (``Chapter I.
Jonathan Harker's Journal``, folder ``jonathan-harkers-journal``), keeps transcribers'
notes and footnotes in the last chapter and opens The Worm Ouroboros with a chapter ``The
Last Conjuring in Carcë`` before ``I: The Castle of Lord Juss``; its suggested characters
share 4 to 24 of their ids with these (``van-helsing`` for ``helsing``,
``sherlock-holmes`` for ``holmes``). Either would rename most scenes and characters the seeded specs
name, so both stay until the specs are migrated.

The text is read from the corpus at run time and never stored in the repository. The
output depends only on the input text: the same input gives byte-identical projects.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:       # run as a script from a checkout
    sys.path.insert(0, str(REPO))

if str(Path(__file__).resolve().parent) not in sys.path:   # bench/ (loaded by file path too)
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from canon_stats import TITLES, BenchCanon, Character, NameFinder, ascii_slug, find_characters, yaml_list, yaml_str  # noqa: E402,F401  (re-exported: the seeded benchmark reads them)
from novelforge.text.blocks import is_break_line  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.is_dir():  # /work/main/bench → /work/shared/corpus
    CORPUS = Path("/work/shared/corpus")

# ----------------------------------------------------------------------------- specs
# How each corpus novel marks its parts, chapters and scene breaks. Patterns are matched
# against whole lines (trailing whitespace removed); `start`/`end` bound the body (the
# tables of contents come before `start`, back matter from `end` on).
ROMAN = r"[IVXLC]+"
# Scene breaks are what ``novelforge import`` takes for one (novelforge.text.blocks.is_break_line),
# and a spec's own `breaks` patterns.

SPECS: dict[str, dict] = {
    "war_and_peace": {
        "start": r"^BOOK ONE: 1805$",
        "parts": [r"^(?P<title>BOOK [A-Z]+: [\d -]+|FIRST EPILOGUE: [\d -]+|SECOND EPILOGUE)$"],
        "chapters": [rf"^CHAPTER (?P<num>{ROMAN})$"],
    },
    "moby_dick": {
        "start": r"^ETYMOLOGY\.",
        "chapters": [r"^CHAPTER (?P<num>\d+)\. (?P<title>.+)$",
                     r"^(?P<title>ETYMOLOGY|EXTRACTS)\. .*$",
                     r"^(?P<title>Epilogue) .*$"],
        "title_wrap": True,        # "CHAPTER 73. … and Then Have a Talk" / "Over Him."
    },
    "the_worm_ouroboros": {
        "start": r"^\s+THE INDUCTION$", "start_nth": 2,
        "end": r"^\s+ARGUMENT: WITH DATES$",
        "chapters": [rf"^\s{{6,}}(?P<num>{ROMAN}): (?P<title>.+)$", r"^\s+(?P<title>THE INDUCTION)$"],
        "summary_caps": True,     # the all-capitals "argument" under each heading
    },
    "dracula": {
        "start": r"^CHAPTER I$", "start_nth": 2,   # the first is in the table of contents
        "end": r"^\s+THE END$",
        "chapters": [rf"^CHAPTER (?P<num>{ROMAN})$"],
    },
    "pride_and_prejudice": {
        # Chapters 1 and 2 have no heading in this edition.
        "preamble_title": "Chapter 1",
        "implicit": [(r"^Mr\. Bennet was among the earliest of those who waited", "Chapter 2")],
        "chapters": [r"^Chapter (?P<num>\d+)$"],
    },
    "adventures_of_sherlock_holmes": {
        "start": r"^I\. A SCANDAL IN BOHEMIA$",
        "chapters": [rf"^(?P<num>{ROMAN})\. (?P<title>[A-Z].+)$"],
        "breaks": [rf"^{ROMAN}\.$"],   # the numbered sections inside a story
    },
    "a_study_in_scarlet": {
        "start": r"^PART I\.$",
        "end": r"^ORIGINAL TRANSCRIBER’S NOTES:$",
        "parts": [rf"^(?P<title>PART {ROMAN})\.(?: .*)?$"],
        "chapters": [rf"^CHAPTER (?P<num>{ROMAN})\. (?P<title>.+)$"],
    },
    "the_sign_of_the_four": {
        "start": r"^Chapter I$",
        "chapters": [rf"^Chapter (?P<num>{ROMAN})$"],
        "title_next_line": True,   # "Chapter I" / "The Science of Deduction"
    },
}
# A novel not listed above: the common Gutenberg heading styles.
GENERIC = {
    "parts": [rf"^(?P<title>(?:BOOK|PART|VOLUME) (?:[A-Z]+|{ROMAN}|\d+)\b.*)$"],
    "chapters": [rf"^(?:CHAPTER|Chapter) (?P<num>{ROMAN}|\d+)\.?(?:\s+(?P<title>.+))?$"],
}

def title_case(text: str) -> str:
    """`MR. SHERLOCK HOLMES.` → `Mr. Sherlock Holmes`; mixed case is kept."""
    text = re.sub(r"\s*\[\d+\]\s*", " ", text).strip().rstrip(".").strip()
    text = re.sub(r"_([^_]*)_", r"\1", text)
    if text.upper() != text:
        return text
    small = {"of", "the", "in", "a", "an", "and", "to", "by", "for", "at", "on", "with", "from"}
    words = []
    for i, w in enumerate(text.lower().split()):
        if i and w in small:
            words.append(w)
        else:
            words.append("-".join(re.sub(r"^([^\w]*)(\w)", lambda m: m.group(1) + m.group(2).upper(), p)
                                  for p in w.split("-")))
    out = " ".join(words)
    roman = re.compile(r"(?=[CLXVI])(?:C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})", re.I)
    return re.sub(r"\b[A-Za-z]+\b", lambda m: m.group(0).upper() if roman.fullmatch(m.group(0)) else m.group(0), out)


# ----------------------------------------------------------------------------- structure
@dataclass
class Chapter:
    title: str
    part: str | None
    paragraphs: list[str] = field(default_factory=list)   # "" marks a scene break
    summary: str | None = None


def _match_any(patterns: list[re.Pattern], line: str) -> re.Match | None:
    for p in patterns:
        m = p.match(line)
        if m:
            return m
    return None


def _blocks(lines: list[str]) -> list[list[str]]:
    out: list[list[str]] = []
    cur: list[str] = []
    for ln in lines:
        if ln.strip():
            cur.append(ln)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _paragraph(block: list[str]) -> str | None:
    """One Markdown paragraph from a block of wrapped lines, as ``novelforge import`` reads
    plain text (:func:`novelforge.import_.text.paragraph_block`: lines joined, verse kept,
    Markdown line starts escaped); None for an illustration or footnote mark, which this
    benchmark leaves out."""
    from novelforge.import_.text import paragraph_block

    joined = " ".join(ln.strip() for ln in block)
    if re.fullmatch(r"\[(?:Illustration|Footnote)[^\]]*\]?", joined) or joined.startswith("[Illustration"):
        return None
    return paragraph_block(block).text


def split_chapters(text: str, spec: dict) -> list[Chapter]:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    start = 0
    if spec.get("start"):
        pat = re.compile(spec["start"])
        hits = [i for i, ln in enumerate(lines) if pat.match(ln)]
        nth = spec.get("start_nth", 1)
        if len(hits) < nth:
            raise SystemExit(f"start pattern {spec['start']!r} not found")
        start = hits[nth - 1]
    end = len(lines)
    if spec.get("end"):
        pat = re.compile(spec["end"])
        end = next((i for i in range(start, len(lines)) if pat.match(lines[i])), len(lines))
    parts_re = [re.compile(p) for p in spec.get("parts", [])]
    chap_re = [re.compile(p) for p in spec.get("chapters", [])]
    break_re = [re.compile(p) for p in spec.get("breaks", [])]
    implicit = [(re.compile(p), t) for p, t in spec.get("implicit", [])]

    chapters: list[Chapter] = []
    part: str | None = None
    pending: list[str] = []          # lines before the first chapter of a part
    cur: Chapter | None = None
    body: list[str] = []

    def flush() -> None:
        nonlocal body
        if cur is not None:
            _fill(cur, body, break_re, spec)
        body = []

    i = start
    while i < end:
        ln = lines[i]
        prev_blank = i == start or not lines[i - 1].strip()
        pm = _match_any(parts_re, ln) if prev_blank else None
        if pm:
            flush()
            cur = None
            part = title_case(pm.group("title"))
            i += 1
            continue
        cm = _match_any(chap_re, ln) if prev_blank else None
        im = next((t for p, t in implicit if p.match(ln)), None) if prev_blank else None
        if cm or im:
            flush()
            if cm:
                gd = cm.groupdict()
                num, title = gd.get("num"), gd.get("title")
                if spec.get("title_next_line") and i + 1 < end and lines[i + 1].strip():
                    i += 1
                    title = lines[i].strip()
                elif spec.get("title_wrap") and title and not re.search(r"[.!?”)\]]$", title.strip()):
                    # a title wrapped onto the next short line ("… Have a Talk" / "Over Him.")
                    j = i + 1
                    while j < end and not lines[j].strip():
                        j += 1
                    if j < end and j - i <= 2 and len(lines[j].strip()) < 30 and lines[j].strip().endswith("."):
                        title = f"{title} {lines[j].strip()}"
                        i = j
                if title:
                    title = title_case(title)
                else:
                    kind = "Chapter"
                    title = f"{kind} {num}"
                i += 1
            else:
                title = im
            if pending and sum(len(x.split()) for x in pending) > 200:
                # prose before the first heading (Pride and Prejudice has no "Chapter 1")
                pre = Chapter(title=spec.get("preamble_title", "Opening"), part=part)
                _fill(pre, pending, break_re, spec)
                chapters.append(pre)
                pending = []
            cur = Chapter(title=title, part=part)
            chapters.append(cur)
            if pending and any(x.strip() for x in pending):
                body = pending + [""]
            pending = []
            if cm:
                continue
        if cur is None:
            pending.append(ln)
        else:
            body.append(ln)
        i += 1
    flush()
    if pending and any(x.strip() for x in pending):
        # no heading at all after this point: the rest is one chapter
        pre = Chapter(title=spec.get("preamble_title", "Opening"), part=part)
        _fill(pre, pending, break_re, spec)
        chapters.append(pre)
    return [c for c in chapters if any(p for p in c.paragraphs)]


def _fill(chap: Chapter, lines: list[str], break_re: list[re.Pattern], spec: dict) -> None:
    blocks = _blocks(lines)
    if spec.get("summary_caps"):
        caps: list[str] = []
        while blocks and re.sub(r"[^A-Za-z]", "", " ".join(blocks[0])).isupper():
            caps.append(" ".join(x.strip() for x in blocks.pop(0)))
        if caps:
            s = re.sub(r"\s+", " ", " ".join(caps)).strip().lower()
            chap.summary = s[:1].upper() + s[1:]
    for b in blocks:
        if len(b) == 1 and (is_break_line(b[0]) or _match_any(break_re, b[0])):
            chap.paragraphs.append("")
            continue
        p = _paragraph(b)
        if p:
            chap.paragraphs.append(p)


def _words(p: str) -> int:
    return len(p.split())


def split_scenes(paragraphs: list[str], low: int = 1500, high: int = 3000,
                 min_scene: int = 120) -> list[list[str]]:
    """Scenes at the chapter's scene breaks; each longer than `high` words is cut at
    paragraph boundaries into equal parts of `low`–`high` words; tiny pieces merge."""
    raw: list[list[str]] = [[]]
    for p in paragraphs:
        if p == "":
            if raw[-1]:
                raw.append([])
        else:
            raw[-1].append(p)
    raw = [s for s in raw if s]
    merged: list[list[str]] = []
    for s in raw:
        if merged and sum(map(_words, merged[-1])) < min_scene:
            merged[-1].extend(s)
        else:
            merged.append(s)
    if len(merged) > 1 and sum(map(_words, merged[-1])) < min_scene:
        last = merged.pop()
        merged[-1].extend(last)
    out: list[list[str]] = []
    for s in merged:
        total = sum(map(_words, s))
        if total <= high:
            out.append(s)
            continue
        k = math.ceil(total / high)
        target = total / k
        piece: list[str] = []
        done = 0
        cut = 1
        for p in s:
            w = _words(p)
            # cut before p when that lands closer to the next target than after it
            if piece and cut < k and abs(done - target * cut) <= abs(done + w - target * cut):
                out.append(piece)
                piece = []
                cut += 1
            piece.append(p)
            done += w
        if piece:
            out.append(piece)
    return out


# ----------------------------------------------------------------------------- build
def resolve_source(source: str) -> tuple[str, Path]:
    p = Path(source)
    if p.suffix == ".txt" and p.is_file():
        return p.stem, p
    cand = CORPUS / f"{source}.txt"
    if cand.is_file():
        return source, cand
    raise SystemExit(f"no such novel: {source} (not a .txt file, nor {cand})")


def corpus_meta(slug: str) -> dict:
    try:
        for entry in json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8")):
            if entry.get("slug") == slug:
                return entry
    except (OSError, ValueError):
        pass
    return {"title": slug.replace("_", " ").title(), "author": None}


def build(source: str, target: Path, characters: int = 50, force: bool = True) -> dict:
    """Write the project for ``source`` (a corpus slug or a .txt path) into ``target``:
    chapters and scenes as this benchmark cuts them, canon as it finds it, and every file
    as ``novelforge import`` writes it."""
    from novelforge.import_ import structure
    from novelforge.import_.render import render_project

    slug, path = resolve_source(source)
    spec = SPECS.get(slug, GENERIC)
    text = path.read_text(encoding="utf-8")
    chapters = split_chapters(text, spec)
    if not chapters:
        raise SystemExit(f"{slug}: no chapters found")
    target = Path(target)
    if target.exists():
        if not force:
            raise SystemExit(f"{target} exists")
        shutil.rmtree(target)
    target.mkdir(parents=True)
    meta = corpus_meta(slug)

    all_paras = [p for c in chapters for p in c.paragraphs if p]
    canon = BenchCanon(find_characters(all_paras, characters))
    book = structure.Book(title=meta["title"], author=meta.get("author"), language="en")
    for c in chapters:
        scenes = [structure.Scene(paras) for paras in split_scenes(c.paragraphs)]
        book.chapters.append(structure.Chapter(c.title, c.part, scenes))
    files = render_project(book, canon)
    # the chapter's argument (The Worm Ouroboros) as its summary
    summaries = iter(c.summary for c in chapters)
    for rel in [r for r in files if r.endswith("/chapter.yaml")]:
        summary = next(summaries)
        if summary:
            files[rel] += f"summary: {yaml_str(summary)}\n"
    scene_ids = set()
    for rel, content in files.items():
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(content, encoding="utf-8")
        if rel.endswith(".md") and rel.startswith("manuscript/"):
            scene_ids.add(rel.rsplit("/", 1)[-1].split("-", 1)[1])
    n_scenes = sum(len(c.scenes) for c in book.chapters)
    return {"novel": slug, "title": meta["title"], "parts": len(book.parts), "chapters": len(chapters),
            "scenes": n_scenes, "words": sum(c.words for c in book.chapters), "characters": len(canon.characters),
            "scene_ids_unique": len(scene_ids) == n_scenes}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", help="a corpus slug (war_and_peace) or a .txt file")
    ap.add_argument("target", type=Path, help="folder to create (replaced if it exists)")
    ap.add_argument("--characters", type=int, default=50, help="how many canon characters (default 50)")
    ap.add_argument("--list-characters", action="store_true", help="print the canon characters found")
    args = ap.parse_args(argv)
    stats = build(args.source, args.target, args.characters)
    print(json.dumps(stats))
    if args.list_characters:
        for f in sorted((args.target / "canon" / "characters").glob("*.yaml")):
            print(f"--- {f.name}\n{f.read_text(encoding='utf-8')}", end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
