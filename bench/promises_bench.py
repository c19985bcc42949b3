#!/usr/bin/env python3
"""Measure `novelforge promises suggest`: precision against the hand labels in
bench/promises_labels/<novel>.yaml, and the time of a fresh process on War and Peace.

    python3 bench/promises_bench.py            # writes bench/PROMISES_RESULTS.md

Projects are built from /work/shared/corpus at run time (bench/make_project.py); no
corpus text is stored in the repository. A candidate with no label is reported as
unlabelled (re-label when the detectors change).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# the analysis cache of these runs: the bench's own folder, never the user's ~/.cache
CACHE_HOME = Path(tempfile.gettempdir()) / f"nfbench-promises-cache-{os.getpid()}"
# every labelled corpus novel; a novel that yields at least TOP candidates is measured on its top
# TOP, one that yields fewer is reported apart (all of its candidates labelled, a smaller sample)
NOVELS = ["dracula", "adventures_of_sherlock_holmes", "war_and_peace", "moby_dick",
          "a_study_in_scarlet", "the_sign_of_the_four", "pride_and_prejudice", "the_worm_ouroboros"]
TOP = 50
BANDS = [("0.7 and above", 0.7), ("0.6 to 0.7", 0.6), ("0.5 to 0.6", 0.5), ("below 0.5", 0.0)]


def build(slug: str, dest: Path) -> Path:
    out = dest / slug
    subprocess.run([sys.executable, str(HERE / "make_project.py"), slug, str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def suggest(project: Path, *extra: str) -> tuple[list[dict], float]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "novelforge", "promises", "suggest", str(project),
                           "--format", "json", *extra], check=True, capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, NOVELFORGE_CACHE_DIR=str(CACHE_HOME)))
    return json.loads(proc.stdout), time.perf_counter() - t


def _key(text: str) -> str:
    """Letters only, lower case: a sentence compared across the corpus file and an excerpt."""
    return re.sub(r"[^a-z]+", " ", text.lower().replace("_", "")).strip()


def recall(slug: str, cands: list[dict]) -> tuple[int, int] | None:
    """How many of the setups in bench/promises_recall/<slug>.yaml are among the candidates
    (a candidate's sentence and the setup's sentence agree on their first 60 letters)."""
    path = HERE / "promises_recall" / f"{slug}.yaml"
    if not path.exists():
        return None
    gold = [_key(e["sentence"])[:60] for e in yaml.safe_load(path.read_text("utf-8"))]
    found = [_key(c["excerpt"].rstrip("…")) for c in cands]
    return sum(1 for g in gold if any(g in f or f[:60] in g for f in found)), len(gold)


def main() -> None:
    rows = []
    recalls: list[tuple[str, int, int]] = []
    by_detector: dict[str, list[int]] = {}   # detector -> [real setups, labelled] over every sample
    by_band: dict[str, list[int]] = {band: [0, 0] for band, _low in BANDS}   # the same by confidence
    with tempfile.TemporaryDirectory() as tmp:
        for slug in NOVELS:
            project = build(slug, Path(tmp))
            cands, _ = suggest(project)
            top = cands[:TOP]
            labelled = yaml.safe_load((HERE / "promises_labels" / f"{slug}.yaml").read_text())
            labels = {e["id"]: e["label"] for e in labelled}
            yes = sum(1 for c in top if labels.get(c["id"]) == "yes")
            unlabelled = sum(1 for c in top if c["id"] not in labels)
            for c in top:
                if c["id"] in labels:
                    band = next(name for name, low in BANDS if c["confidence"] >= low)
                    for tally in (by_detector.setdefault(c["detector"], [0, 0]), by_band[band]):
                        tally[0] += labels[c["id"]] == "yes"
                        tally[1] += 1
            rows.append((slug, len(cands), len(top), yes, unlabelled))
            got = recall(slug, cands)
            if got:
                recalls.append((slug, *got))
        wp = Path(tmp) / "war_and_peace"
        words = sum(len(p.read_text("utf-8").split()) for p in (wp / "manuscript").rglob("*.md")
                    if not p.name.startswith("_"))        # the edition's front and back matter: no scenes
        _c, cold = suggest(wp, "--no-cache")
        _c, first = suggest(wp)          # fills the bench's analysis cache
        _c, warm = suggest(wp)
    lines = ["# `promises suggest`: measured", "",
             "Written by `python3 bench/promises_bench.py`. Labels: `bench/promises_labels/*.yaml` "
             f"(top {TOP} candidates, or all when fewer; yes = a real setup a reader would expect paid off).", "",
             "| novel | candidates | labelled | real setups | precision | unlabelled |",
             "|---|---:|---:|---:|---:|---:|"]
    for slug, total, n, yes, unl in rows:
        prec = f"{100 * yes / n:.0f}%" if n else "–"
        extra = f" (fewer than {TOP}: all labelled)" if total < TOP else ""
        lines.append(f"| {slug}{extra} | {total} | {n} | {yes} | {prec} | {unl} |")
    main = [r for r in rows if r[1] >= TOP]
    tot_n = sum(r[2] for r in main)
    tot_y = sum(r[3] for r in main)
    lines.append(f"| **measured ({len(main)} novels, top {TOP} each)** | {sum(r[1] for r in main)} | {tot_n} "
                 f"| {tot_y} | {100 * tot_y / tot_n:.0f}% | |")
    met = [r[0] for r in main if r[2] >= TOP and r[3] >= 0.6 * r[2]]
    missed = [r[0] for r in main if r[0] not in met]
    lines += ["", f"War and Peace ({words:,} words), fresh process, wall time:", "",
              f"- no cache (`--no-cache`): {cold:.2f} s", f"- cold cache (first run): {first:.2f} s",
              f"- warm cache: {warm:.2f} s", "",
              "Target: under 3 s; precision at least 60% on 50 labelled candidates per novel.",
              f"Met: {', '.join(met) or 'none'}. Missed: {', '.join(missed) or 'none'}.",
              f"Three novels at 60% or better on {TOP} labelled candidates each: "
              f"{'yes' if len(met) >= 3 else 'no'} ({len(met)} of {len(main)})."]
    # an extra novel with fewer than TOP candidates, all of them labelled, is reported apart:
    # it is a smaller sample than the target asks for
    small = [r for r in rows if r[1] < TOP and r[2] == r[1] and r[4] == 0 and r[3] >= 0.6 * r[2]]
    for slug, total, n, yes, _unl in small:
        lines.append(f"Also at 60% or better on all of its candidates, fewer than {TOP}: {slug} ({yes} of {n}).")
    if recalls:
        lines += ["", "Recall: of the setups a reader listed in the novel (`bench/promises_recall/`), how many are "
                  "among all the candidates:", ""]
        lines += [f"- {slug}: {hit} of {n} ({100 * hit / n:.0f}%)" for slug, hit, n in recalls]
    lines += ["", "Per detector, over every novel's sample:", "", "| detector | labelled | real setups | precision |",
              "|---|---:|---:|---:|"]
    for det, (yes, n) in sorted(by_detector.items(), key=lambda kv: -kv[1][0] / kv[1][1]):
        lines.append(f"| {det} | {n} | {yes} | {100 * yes / n:.0f}% |")
    lines += ["", "By confidence, over every novel's sample:", "",
              "| confidence | labelled | real setups | precision |",
              "|---|---:|---:|---:|"]
    for band, (yes, n) in by_band.items():
        if n:
            lines.append(f"| {band} | {n} | {yes} | {100 * yes / n:.0f}% |")
    lines.append("")
    (HERE / "PROMISES_RESULTS.md").write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
