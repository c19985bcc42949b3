#!/usr/bin/env python3
"""Do the voice fingerprints tell Pride and Prejudice's main speakers apart? (issue #19)

    python3 bench/voices_bench.py               # writes bench/VOICES_RESULTS.md
    python3 bench/voices_bench.py --no-write

The novel is imported with the product importer (``novelforge import --suggest-canon``)
into a temporary folder, and its dialogue attributed by the product
(:func:`novelforge.voices.lines.spoken_lines`) twice: with the suggested canon as the
importer writes it (it has no genders, and splits Elizabeth into *Elizabeth*, *Lizzy* and
*Eliza*), and with the hand-written cast of ``bench/attribution/`` (aliases merged,
genders given).

**Held-out attribution**: the main speakers are the six with the most attributed words.
For each chapter in turn, fingerprints are built from every *other* chapter (cosine Delta's
z-score norms too), and each main speaker's dialogue in the held-out chapter, cut into
samples of N words, is given to the nearest fingerprint. Accuracy = samples given to
their own speaker / samples (chance: 1 in 6). N runs from 25 words to the whole of a
speaker's dialogue in the chapter ("scene"). A second table shrinks the fingerprints as
well, to N words per speaker, for what ``--min-words`` should be.

Nothing from the novel is written into the repository.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = Path(os.environ.get("NOVELFORGE_CORPUS", "/work/shared/corpus"))
SIZES = (25, 50, 100, 200, 500, 1000)
FINGERPRINT_SIZES = (250, 500, 1000, 2000, 4000)
MAIN = 6


def project(into: Path, cast: bool) -> Path:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "novelforge", "import", str(CORPUS / "pride_and_prejudice.txt"),
                    "--into", str(into), "--suggest-canon"], check=True, env=env, stdout=subprocess.DEVNULL)
    if cast:
        sys.path.insert(0, str(HERE))
        from attribution import build_cast

        build_cast("pride_and_prejudice", into)
    return into


def lines_by_chapter(root: Path) -> dict[str, dict[str, list[str]]]:
    """speaker -> chapter folder -> the words of their lines there, in order."""
    from novelforge.analysis import Session
    from novelforge.project.loader import load_project
    from novelforge.voices.fingerprint import tokens
    from novelforge.voices.lines import spoken_lines

    session = Session(load_project(root, None), None).start()
    out: dict[str, dict[str, list[str]]] = {}
    for line in spoken_lines(session):
        chapter = line.scene.rsplit("/", 2)[-2]
        out.setdefault(line.speaker, {}).setdefault(chapter, []).extend(tokens(line.text))
    return out


def _voice(speaker: str, words: list[str]):
    from novelforge.voices.fingerprint import voice

    return voice(speaker, [" ".join(words)])


def nearest(train: list, sample) -> str:
    from novelforge.voices import fingerprint as F

    words = F.most_frequent(train)
    vectors, norms = F.zscores(train, words)
    probe, _ = F.zscores([sample], words, norms)
    v = probe[sample.speaker]
    return min(train, key=lambda t: (F.cosine_distance(vectors[t.speaker], v), t.speaker)).speaker


def held_out(data: dict, speakers: list[str], sizes, train_words: int | None = None, seed: int = 1) -> dict:
    rng = random.Random(seed)
    chapters = sorted({c for s in speakers for c in data[s]})
    right = {n: [0, 0] for n in sizes}
    for held in chapters:
        train = []
        for s in speakers:
            words = [w for c, ws in sorted(data[s].items()) if c != held for w in ws]
            if train_words is not None:
                if len(words) < train_words:
                    break
                start = rng.randrange(0, len(words) - train_words + 1)
                words = words[start:start + train_words]
            train.append(_voice(s, words))
        else:
            for s in speakers:
                said = data[s].get(held, [])
                for n in sizes:
                    size = len(said) if n == "scene" else n
                    if not said or size > len(said) or size == 0:
                        continue
                    for i in range(0, len(said) - size + 1, size):
                        guess = nearest(train, _voice(f"probe-{s}", said[i:i + size]))
                        right[n][0] += guess == s
                        right[n][1] += 1
    return right


def _row(label: str, right: dict, sizes) -> str:
    cells = [f"{100 * right[n][0] / right[n][1]:.0f}% ({right[n][1]})" if right[n][1] else "—" for n in sizes]
    return f"| {label} | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Held-out attribution by voice fingerprints on Pride and Prejudice.")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    work = Path(tempfile.mkdtemp(prefix="nfvoices-"))
    os.environ["NOVELFORGE_CACHE_DIR"] = str(work / "cache")
    out = ["# Voice fingerprints on Pride and Prejudice (issue #19)", "",
           f"Measured {_dt.date.today().isoformat()} by `python3 bench/voices_bench.py` (method: its docstring). "
           "Cells: accuracy of nearest-fingerprint attribution (samples); chance is 1 in 6.", ""]
    try:
        for label, cast in (("suggested canon (as imported)", False), ("hand-written cast", True)):
            data = lines_by_chapter(project(work / ("cast" if cast else "suggested"), cast))
            totals = sorted(((sum(map(len, ch.values())), s) for s, ch in data.items()), reverse=True)
            speakers = [s for _n, s in totals[:MAIN]]
            sizes = (*SIZES, "scene")
            out += [f"## {label}", "", "Main speakers (attributed words): "
                    + ", ".join(f"{s} ({n})" for n, s in totals[:MAIN]), "",
                    "| fingerprints | " + " | ".join(f"{n} words" if n != "scene" else "a chapter's lines"
                                                    for n in sizes) + " |",
                    "|---|" + "---|" * len(sizes),
                    _row("all other chapters", held_out(data, speakers, sizes), sizes)]
            for fw in FINGERPRINT_SIZES:
                out.append(_row(f"{fw} words each", held_out(data, speakers, sizes, train_words=fw), sizes))
            out.append("")
        text = "\n".join(out) + "\n"
        print(text)
        if not args.no_write:
            (HERE / "VOICES_RESULTS.md").write_text(text, encoding="utf-8")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
