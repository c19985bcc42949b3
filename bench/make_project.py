#!/usr/bin/env python3
"""Build a realistic NovelForge project from a public-domain novel (a corpus .txt).

    python3 bench/make_project.py war_and_peace /tmp/wp            # a corpus slug
    python3 bench/make_project.py path/to/novel.txt /tmp/novel      # any Gutenberg-style text

What it writes (see /work/shared/FORMAT.md):

* ``novelforge.yaml`` with the title, author and language;
* ``manuscript/[NN-part/]NN-chapter/NN-scene.md``: the novel as ``novelforge import`` reads
  it — its plain-text reader and its structure finder
  (:func:`novelforge.import_.text.read_text`: parts, chapters, scene breaks, the table of
  contents and the edition's front and back matter set apart in ``_front-matter.md`` and
  ``_back-matter.md``) — then long scenes cut at paragraph boundaries into ~1,500–3,000
  words. Each chapter folder has a ``chapter.yaml``.
* ``canon/characters/<id>.yaml``: the characters ``novelforge import --suggest-canon``
  suggests (:func:`novelforge.import_.canon.suggest_canon`, up to 50; no places), and each
  scene's ``characters`` and ``mentions`` as the importer casts them.

Every file is written by the importer's own writer
(:func:`novelforge.import_.render.render_project`: the same folders, file names, scene ids
and front matter an imported manuscript gets). What stays here is what a benchmark needs
and the importer does not do: a chapter named by its own title (``The Red-Headed League``,
not ``II. The Red-Headed League``) or, for Dracula, by its number, since the scene ids the
benchmarks' specs name are made from it; the roman sections inside a Holmes story as plain
scene breaks; The Worm Ouroboros's chapter arguments as summaries and its appendix as back
matter (``SPECS``); and long scenes cut. The specs give the suggested characters their own
ids (``canon.rename`` in ``bench/seeded/build.py``).

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


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.is_dir():  # /work/main/bench → /work/shared/corpus
    CORPUS = Path("/work/shared/corpus")

# ----------------------------------------------------------------------------- specs
# The importer finds each novel's parts, chapters and scene breaks itself
# (novelforge.import_.structure.build_book). What a benchmark adds, per novel:
#   numbered       chapters are named by their number ("Chapter IV"), not by the line under
#                  it (Dracula's running "Jonathan Harker's Journal")
#   summary_caps   the all-capitals "argument" opening each chapter is its summary, not prose
#   appendix       the paragraph that starts an appendix the importer keeps in the last
#                  chapter (it cannot tell one from the story): it and what follows are
#                  back matter
# and everywhere: a sub-heading (the roman sections inside a Holmes story) is a scene break,
# the chapter's scenes numbered after it, as before the importer read the headings.
SPECS: dict[str, dict] = {
    "war_and_peace": {},
    "moby_dick": {},
    "the_worm_ouroboros": {"summary_caps": True, "appendix": r"ARGUMENT: WITH DATES\Z"},
    "dracula": {"numbered": True},
    "pride_and_prejudice": {},
    "adventures_of_sherlock_holmes": {},
    "a_study_in_scarlet": {},
    "the_sign_of_the_four": {},
}
GENERIC: dict = {}          # a novel not listed above: the importer's structure as it is


# ----------------------------------------------------------------------------- structure
@dataclass
class Chapter:
    title: str
    part: str | None
    paragraphs: list[str] = field(default_factory=list)   # "" marks a scene break
    summary: str | None = None


_NOT_LETTERS = re.compile(r"[^A-Za-z]")


def split_chapters(text: str, spec: dict) -> tuple[list[Chapter], object]:
    """The novel's chapters as ``novelforge import`` finds them (its plain-text reader and
    :func:`~novelforge.import_.structure.build_book`), each titled by its own name (``The
    Red-Headed League`` rather than ``II. The Red-Headed League``: scene ids are made from
    it), and the importer's book itself (front and back matter, title)."""
    from novelforge.import_.text import read_text

    book = read_text(text)
    if spec.get("appendix") and book.chapters:
        last = book.chapters[-1]
        pat = re.compile(spec["appendix"])
        for n, scene in enumerate(last.scenes):
            k = next((k for k, p in enumerate(scene.paragraphs) if pat.match(p)), None)
            if k is not None:
                tail = scene.paragraphs[k:] + [p for s in last.scenes[n + 1:] for p in s.paragraphs]
                book.back_matter[:0] = tail
                del scene.paragraphs[k:]
                last.scenes[n + 1:] = []
                last.scenes = [s for s in last.scenes if s.paragraphs]
                break
    chapters: list[Chapter] = []
    for c in book.chapters:
        title = c.title
        if c.slug_hint:
            title = title[: len(title) - len(c.slug_hint)].rstrip(" .:—–-") if spec.get("numbered") else c.slug_hint
        chap = Chapter(title=title, part=c.part)
        for n, scene in enumerate(c.scenes):
            if n:
                chap.paragraphs.append("")
            chap.paragraphs.extend(scene.paragraphs)
        if spec.get("summary_caps"):
            caps: list[str] = []
            while chap.paragraphs and _NOT_LETTERS.sub("", chap.paragraphs[0]).isupper():
                caps.append(chap.paragraphs.pop(0))
            if caps:
                summary = re.sub(r"\s+", " ", " ".join(caps)).strip().lower()
                chap.summary = summary[:1].upper() + summary[1:]
        chapters.append(chap)
    return [c for c in chapters if any(c.paragraphs)], book


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
def scene_files(project: Path) -> list[Path]:
    """The project's scene files in path order: not ``_front-matter.md``, ``_back-matter.md``
    (files whose names start with ``_`` are no part of the book)."""
    return sorted(p for p in (Path(project) / "manuscript").rglob("*.md") if not p.name.startswith("_"))


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
    from novelforge.import_.canon import suggest_canon
    from novelforge.import_.render import render_project, yaml_str

    slug, path = resolve_source(source)
    spec = SPECS.get(slug, GENERIC)
    text = path.read_text(encoding="utf-8")
    chapters, imported = split_chapters(text, spec)
    if not chapters:
        raise SystemExit(f"{slug}: no chapters found")
    target = Path(target)
    if target.exists():
        if not force:
            raise SystemExit(f"{target} exists")
        shutil.rmtree(target)
    target.mkdir(parents=True)
    meta = corpus_meta(slug)

    book = structure.Book(title=meta["title"], author=meta.get("author"), language="en",
                          front_matter=imported.front_matter, back_matter=imported.back_matter)
    for c in chapters:
        scenes = [structure.Scene(paras) for paras in split_scenes(c.paragraphs)]
        book.chapters.append(structure.Chapter(c.title, c.part, scenes))
    # the canon `novelforge import --suggest-canon` writes (characters only: the specs add places)
    canon = suggest_canon(book, max_characters=characters, max_locations=0)
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
