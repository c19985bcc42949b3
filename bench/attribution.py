#!/usr/bin/env python3
"""How well NovelForge tells who speaks a quotation, on hand-checked samples from two
corpus novels (issue #19).

    python3 bench/attribution.py                  # score; writes bench/ATTRIBUTION_RESULTS.md
    python3 bench/attribution.py --no-write       # print only
    python3 bench/attribution.py --list pride_and_prejudice --start 0 --count 40
                                                  # quotations with their paragraph, to label

Each novel is imported with the product importer (``novelforge import``) into a temporary
folder; its suggested canon is replaced by the hand-written cast in
``bench/attribution/NOVEL.cast.json`` (names, aliases and each character's gender — a cast
list, no text of the novel), so that what is measured is the attribution, not the guessing
of names. The labels, ``bench/attribution/NOVEL.tsv``, give for each sampled quotation
its character offset in the corpus file, its first words and its true speaker (a cast id),
checked by reading the passage; ``NOVEL.pov``, when there is one, names the first-person
narrator, written as every scene's ``pov:`` (Watson tells the Holmes stories: `said I`).
Nothing from the novels is written into the repository.

Two figures per attributor:

* **accuracy** — quotations attributed to the right speaker (or, labelled ``-``, rightly to
  nobody: a letter read out, quoted letters) / all labelled quotations;
* **precision** — right / attributed (a quotation left without a speaker is not wrong).

Two attributors: ``index`` is the speaker the scene's text index records (said-tags with
a name, beats, the POV's `I said`, alternation: what NF204, NF401 and search --who read),
``resolved`` is :func:`novelforge.text.speakers.speaker_of` (the index's speaker, else a
pronoun tag resolved from the genders, a paragraph's one speaker, the turns of an
exchange: what NF404 and ``novelforge voices`` read).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = Path(os.environ.get("NOVELFORGE_CORPUS", "/work/shared/corpus"))
LABELS = HERE / "attribution"
TREE = REPO                 # the checkout whose novelforge is measured (--tree)
NOVELS = ("pride_and_prejudice", "adventures_of_sherlock_holmes")
NOBODY = "-"           # a label for a quotation no character speaks (a letter read out, quoted letters)
_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*")


def build(novel: str, into: Path) -> Path:
    """Import the novel with the product importer and give it the hand-written cast."""
    env = dict(os.environ, PYTHONPATH=str(TREE))
    subprocess.run([sys.executable, "-m", "novelforge", "import", str(CORPUS / f"{novel}.txt"), "--into", str(into)],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return build_cast(novel, into)


def build_cast(novel: str, into: Path) -> Path:
    """Replace the project's characters by the hand-written cast of ``novel``."""
    chars = into / "canon" / "characters"
    shutil.rmtree(chars, ignore_errors=True)
    chars.mkdir(parents=True)
    cast = json.loads((LABELS / f"{novel}.cast.json").read_text(encoding="utf-8"))
    for cid, c in cast.items():
        lines = [f"name: {json.dumps(c['name'])}"]
        if c.get("aliases"):
            lines.append(f"aliases: {json.dumps(c['aliases'])}")
        lines.append(f"attributes: {{gender: {c['gender']}}}")
        (chars / f"{cid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pov = LABELS / f"{novel}.pov"
    if pov.exists():                  # a first-person narrator: every scene is told by them
        who = pov.read_text(encoding="utf-8").strip()
        for scene in (into / "manuscript").rglob("[0-9]*.md"):
            text = scene.read_text(encoding="utf-8")
            if text.startswith("---\n"):
                scene.write_text(f"---\npov: {who}\n" + text[4:], encoding="utf-8")
    return into


def quotations(project_dir: Path, novel: str) -> list[dict]:
    """Every quotation of the imported book in reading order: its corpus offset, first
    words, paragraph, and the speaker each attributor gives it."""
    from novelforge.analysis import Session
    from novelforge.project.loader import load_project
    from novelforge.rules.context import Context
    from novelforge.text.reference import genders
    try:
        from novelforge.text.speakers import speaker_of
    except ImportError:               # a tree from before novelforge/text/speakers.py
        from novelforge.text.reference import speaker_of

    corpus = (CORPUS / f"{novel}.txt").read_text(encoding="utf-8-sig")
    project = load_project(project_dir, None)
    session = Session(project, None).start()
    ctx = Context(session)
    book_genders = genders(ctx)
    out, pos = [], 0
    for scene in project.scenes:
        index = session.index(scene)
        if index is None:
            continue
        masked = session.masked(scene)
        for d in index.dialogue:
            words = _WORD.findall(masked[d.start:d.end])[:6]
            if not words:
                continue
            found = re.compile(r"[\W_]+".join(map(re.escape, words))).search(corpus, pos)
            offset = found.start() if found else -1
            if found:
                pos = found.end()
            p0, p1 = index.paragraphs[d.paragraph]
            out.append({"offset": offset, "first": " ".join(words), "index": d.speaker,
                        "resolved": speaker_of(masked, index, d, book_genders),
                        "paragraph": masked[p0:p1], "scene": scene.path})
    return out


def read_labels(novel: str) -> list[tuple[int, str, str]]:
    out = []
    for line in (LABELS / f"{novel}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            offset, first, speaker = line.split("\t")[:3]
            out.append((int(offset), first, speaker.strip()))
    return out


def score(novel: str, quotes: list[dict]) -> dict:
    by_offset = {q["offset"]: q for q in quotes}
    labels = read_labels(novel)
    result = {"labelled": len(labels), "missing": 0, "index": [0, 0, 0], "resolved": [0, 0, 0], "wrong": []}
    for offset, first, speaker in labels:
        q = by_offset.get(offset)
        if q is None or q["first"] != first:
            result["missing"] += 1        # the quotation is no longer one the index finds
            continue
        for who in ("index", "resolved"):
            if q[who] is not None:
                result[who][0] += 1
                result[who][1] += q[who] == speaker
            elif speaker == NOBODY:
                result[who][2] += 1       # rightly nobody's: counts for accuracy
        if q["resolved"] is not None and q["resolved"] != speaker:
            result["wrong"].append(f"{offset} `{first}`: {q['resolved']} (is {speaker})")
    return result


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def report(results: dict[str, dict]) -> str:
    lines = ["# Speaker attribution (issue #19)", "",
             f"Measured {_dt.date.today().isoformat()} by `python3 bench/attribution.py` on the hand-checked "
             "labels in `bench/attribution/` (method: the script's docstring).", "",
             "| novel | labelled | not found | index: attributed | accuracy | precision "
             "| resolved: attributed | accuracy | precision |", "|---|---|---|---|---|---|---|---|---|"]
    tot = {"labelled": 0, "missing": 0, "index": [0, 0, 0], "resolved": [0, 0, 0]}
    for novel, r in results.items():
        for k in ("labelled", "missing"):
            tot[k] += r[k]
        for k in ("index", "resolved"):
            tot[k] = [a + b for a, b in zip(tot[k], r[k])]
    for novel, r in [*results.items(), ("all", tot)]:
        n = r["labelled"]
        ix, rs = r["index"], r["resolved"]
        lines.append(f"| {novel} | {n} | {r['missing']} | {ix[0]} | {_pct(ix[1] + ix[2], n)} | {_pct(ix[1], ix[0])} "
                     f"| {rs[0]} | {_pct(rs[1] + rs[2], n)} | {_pct(rs[1], rs[0])} |")
    for novel, r in results.items():
        if r["wrong"]:
            lines += ["", f"Wrong (resolved) in {novel}:", ""] + [f"- {w}" for w in r["wrong"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score speaker attribution against hand labels.")
    ap.add_argument("--list", metavar="NOVEL", help="print the quotations of NOVEL with their paragraphs")
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--tree", help="measure the novelforge of this checkout (default: this one)")
    ap.add_argument("--out", default=str(HERE / "ATTRIBUTION_RESULTS.md"))
    args = ap.parse_args(argv)
    global TREE
    TREE = Path(args.tree).resolve() if args.tree else REPO
    sys.path.insert(0, str(TREE))
    work = Path(tempfile.mkdtemp(prefix="nfattr-"))
    os.environ["NOVELFORGE_CACHE_DIR"] = str(work / "cache")
    try:
        if args.list:
            quotes = quotations(build(args.list, work / args.list), args.list)
            last = None
            for q in quotes[args.start:args.start + args.count]:
                if q["paragraph"] != last:
                    print(f"\n¶ {q['paragraph'][:400]}")
                    last = q["paragraph"]
                print(f"  {q['offset']}\t{q['first']}\t[index={q['index']} resolved={q['resolved']}]")
            return 0
        results = {novel: score(novel, quotations(build(novel, work / novel), novel)) for novel in NOVELS
                   if (LABELS / f"{novel}.tsv").exists()}
        text = report(results)
        print(text)
        if not args.no_write:
            Path(args.out).write_text(text, encoding="utf-8")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
