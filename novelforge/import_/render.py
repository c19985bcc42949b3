"""Turn an imported :class:`~novelforge.import_.structure.Book` into project files, as
``{relative path: text}``; nothing here touches the disk (:mod:`novelforge.import_.write`
writes them).

Layout (see docs/import.md)::

    novelforge.yaml                       title, author, language
    .gitignore                            the caches (unless the folder has one)
    manuscript/_front-matter.md           text before the first chapter (not part of the book)
    manuscript/_back-matter.md            an edition's notes, errata, ads after the end (the same)
    manuscript/NN-part/part.yaml          the part's title (read by `novelforge export`)
    manuscript/[NN-part/]NN-chapter/chapter.yaml   title
    manuscript/[NN-part/]NN-chapter/NN-scene.md    front matter (title, status: draft) + prose
    canon/characters/<id>.yaml, canon/locations/<id>.yaml   with --suggest-canon

Every path is built here from slugs and checked (:func:`assert_safe`), so nothing can be
written outside the target.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from novelforge.import_.book import Book
from novelforge.import_.headings import clean_line
from novelforge.project.layout import CHAPTER_FILE, CONFIG_FILE, MANUSCRIPT, PART_FILE
from novelforge.text.slug import slug

GITIGNORE = "# NovelForge caches; the baseline is meant to be committed.\n.novelforge/*\n!.novelforge/baseline.json\n"
FRONT_MATTER_FILE = f"{MANUSCRIPT}/_front-matter.md"
BACK_MATTER_FILE = f"{MANUSCRIPT}/_back-matter.md"


_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def yaml_str(value: str) -> str:
    """A YAML scalar for any text: a JSON string is a YAML double-quoted scalar, once the
    characters YAML does not allow raw (C1 controls, line separators, BOM) are escaped."""
    text = json.dumps(value, ensure_ascii=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def render_project(book: Book, canon=None, source_name: str = "") -> dict[str, str]:
    """Every file of the project as ``{relative path: text}``, in writing order."""
    files: dict[str, str] = {}
    cfg = []
    if source_name:
        cfg.append(f"# Imported from {source_name} by `novelforge import`.")
    cfg.append(f"title: {yaml_str(book.title or 'Untitled')}")
    if book.author:
        cfg.append(f"author: {yaml_str(book.author)}")
    cfg.append(f"language: {yaml_str(book.language or 'en')}")
    cfg += ["status: draft", "", "check:", "  fail-on: error", ""]
    files[CONFIG_FILE] = "\n".join(cfg)
    files[".gitignore"] = GITIGNORE

    if book.front_matter and not _trivial_front_matter(book):
        files[FRONT_MATTER_FILE] = (
            "<!-- The text before the first chapter of the imported file, kept so that nothing is lost.\n"
            "     Files whose names start with `_` are not part of the book: move what you want to keep\n"
            "     into a scene, then delete this file. -->\n\n" + "\n\n".join(book.front_matter) + "\n")

    if book.back_matter:
        files[BACK_MATTER_FILE] = (
            "<!-- The text after the end of the imported book (an edition's notes, errata, footnotes,\n"
            "     advertisements), kept so that nothing is lost. Files whose names start with `_` are not\n"
            "     part of the book: move what you want to keep into a scene, then delete this file. -->\n\n"
            + "\n\n".join(book.back_matter) + "\n")

    # top-level units in reading order: chapters outside any part, and parts
    units: list[tuple[str | None, list]] = []
    for chap in book.chapters:
        if chap.part and units and units[-1][0] == chap.part:
            units[-1][1].append(chap)
        else:
            units.append((chap.part, [chap]))
    width = max(2, len(str(len(units))))
    used_dirs: dict[str, set[str]] = {}     # folder → the names taken in it
    used_ids: set[str] = set()
    for n, (part, chapters) in enumerate(units, 1):
        if part:
            name = _unique(f"{n:0{width}d}-{slug(part) or 'part'}", used_dirs.setdefault(MANUSCRIPT, set()))
            base = PurePosixPath(MANUSCRIPT, name)
            files[str(base / PART_FILE)] = f"title: {yaml_str(part)}\n"
            cwidth = max(2, len(str(len(chapters))))
            numbered = list(enumerate(chapters, 1))
        else:
            base = PurePosixPath(MANUSCRIPT)
            numbered = [(n, chapters[0])]
            cwidth = width
        for k, chap in numbered:
            cslug = slug(chap.slug_hint or chap.title) or "chapter"
            folder = base / _unique(f"{k:0{cwidth}d}-{cslug}", used_dirs.setdefault(str(base), set()))
            files[str(folder / CHAPTER_FILE)] = f"title: {yaml_str(chap.title)}\n"
            swidth = max(2, len(str(len(chap.scenes))))
            untitled = sum(1 for sc in chap.scenes if not sc.title)
            u = 0
            for j, scene in enumerate(chap.scenes, 1):
                if scene.title:
                    sbase = slug(scene.title) or cslug
                    title = scene.title
                else:
                    u += 1
                    sbase = f"{cslug}-{u}" if untitled > 1 else cslug
                    title = f"{chap.title} ({u})" if untitled > 1 else chap.title
                sid = sbase
                if sid in used_ids and part:
                    sid = f"{slug(part, 24)}-{sbase}"
                extra = 2
                while sid in used_ids:
                    sid, extra = f"{sbase}-{extra}", extra + 1
                used_ids.add(sid)
                body = "\n\n".join(scene.paragraphs)
                cast = ""
                if canon is not None and canon.characters:
                    present, named = canon.cast(body)
                    if present:
                        cast += f"characters: [{', '.join(present)}]\n"
                    if named:
                        cast += f"mentions: [{', '.join(named)}]\n"
                files[str(folder / f"{j:0{swidth}d}-{sid}.md")] = (
                    f"---\ntitle: {yaml_str(title)}\n{cast}status: draft\n---\n\n{body}\n")
    if canon is not None:
        files.update(canon.files())
    for rel in files:
        assert_safe(rel)
    return files


def _unique(name: str, used: set[str]) -> str:
    out, extra = name, 2
    while out in used:
        out, extra = f"{name}-{extra}", extra + 1
    used.add(out)
    return out


def _trivial_front_matter(book: Book) -> bool:
    """Only the title and the byline: nothing worth keeping beside novelforge.yaml."""
    known = {x.lower() for x in (book.title, book.author) if x}
    if book.author:
        known |= {f"by {book.author.lower()}", "by"}
    seen = set()
    for p in book.front_matter:
        s = clean_line(p).rstrip(".").lower().lstrip("#").strip()
        if s not in known or s in seen:
            return False
        seen.add(s)
    return True


def assert_safe(rel: str) -> None:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or "\\" in rel or not p.parts:
        raise AssertionError(f"unsafe path {rel!r}")  # a bug: every path is built from slugs
