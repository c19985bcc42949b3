#!/usr/bin/env python3
"""Run the phrasings benchmark and write ``bench/PHRASINGS_RESULTS.md``.

    python3 -m bench.phrasings                       # three novels; writes and prints the results
    python3 -m bench.phrasings --novel moby_dick --no-write
    python3 -m bench.phrasings --workdir /tmp/ph     # keep the untouched and seeded projects
    python3 -m bench.phrasings --json /tmp/ph.json   # every injection and finding

Exit status: 0 when the run completed (whether or not the targets are met), 2 when a
novel of the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):          # `python3 bench/phrasings/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.phrasings import HERE, NOVELS, REPO  # noqa: E402
from bench.phrasings.generate import generate  # noqa: E402
from bench.seeded.build import build_untouched, corpus_available, load_spec, make_project  # noqa: E402
from bench.seeded.inject import DEFAULT_SEED, Injection, Injector  # noqa: E402
from bench.seeded.score import Score, family_codes, run_check, score  # noqa: E402

RESULTS = REPO / "bench" / "PHRASINGS_RESULTS.md"
TARGET = 0.85


@dataclass
class Placed:
    injections: list[Injection]
    entries: list[dict]                 # the generator's entry of each injection, same order
    skipped: list[dict] = field(default_factory=list)   # no scene could take it


def place(novel: str, untouched: Path, target: Path, spec: dict, seed: int = DEFAULT_SEED) -> Placed:
    """Copy ``untouched`` to ``target``, generate the entries and place each with
    ``bench.seeded.inject.Injector`` (its random scene and paragraph, one family per scene,
    no two injections in neighbouring paragraphs). An entry no scene can take is skipped
    and reported."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(untouched, target, ignore=shutil.ignore_patterns(".novelforge"))
    inj = Injector(novel, target, spec, seed)
    names = set((spec.get("material") or {}).get("misspell") or [])
    entries = generate(spec, inj.scenes, seed, lambda name: inj._typo(name, names))
    kept: list[dict] = []
    skipped: list[dict] = []
    for e in entries:
        before = len(inj.records)
        fam, where = e["family"], e.get("where")
        try:
            if "append" in e:
                try:
                    inj.append(fam, e["append"], where)
                except ValueError:
                    inj.insert(fam, e["append"], where)
            elif "insert" in e:
                inj.insert(fam, e["insert"], where)
            elif "cast" in e:
                inj.add_cast(fam, e["cast"], where)
            elif e.get("auto") == "time":
                inj.auto_time(1, where, fam)
        except ValueError:
            skipped.append(e)
            continue
        if len(inj.records) > before:
            kept.append(e)
    for path, doc in inj.docs.items():
        (target / path).write_text(doc.text(), encoding="utf-8")
    out = [Injection(novel, rec["family"], doc.scene.path, doc.line_no(line), rec["kind"], rec["text"],
                     rec["original"], doc.scene.id) for rec, doc, line in inj.records]
    return Placed(out, kept, skipped)


@dataclass
class NovelRun:
    novel: str
    score: Score
    placed: Placed


def run_novel(novel: str, workdir: Path, seed: int, codes: dict) -> NovelRun:
    spec = load_spec(novel, HERE)
    untouched_dir = workdir / f"{novel}-untouched"
    seeded_dir = workdir / f"{novel}-seeded"
    build_untouched(novel, untouched_dir, spec)
    placed = place(novel, untouched_dir, seeded_dir, spec, seed)
    untouched = run_check(untouched_dir)
    seeded = run_check(seeded_dir)
    return NovelRun(novel, score(novel, placed.injections, seeded, untouched, codes), placed)


def _pct(k: int, n: int) -> str:
    return "—" if not n else f"{100 * k / n:.0f}%"


def _short(text: str, n: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def tables(runs: list[NovelRun]) -> dict:
    """(found, injected) per kind, per phrasing, per kind × phrasing, overall."""
    kind: dict = defaultdict(lambda: [0, 0])
    phr: dict = defaultdict(lambda: [0, 0])
    cell: dict = defaultdict(lambda: [0, 0])
    total = [0, 0]
    for r in runs:
        for i, (inj, e) in enumerate(zip(r.score.injections, r.placed.entries)):
            hit = int(bool(r.score.found[i]))
            for d, key in ((kind, inj.family), (phr, e["phrasing"]), (cell, (inj.family, e["phrasing"]))):
                d[key][0] += hit
                d[key][1] += 1
            total[0] += hit
            total[1] += 1
    return {"kind": dict(kind), "phrasing": dict(phr), "cell": dict(cell), "total": total}


def render(runs: list[NovelRun], seed: int, codes: dict) -> str:
    t = tables(runs)
    out: list[str] = []
    w = out.append
    k, n = t["total"]
    novels = ", ".join(f"*{make_project().corpus_meta(r.novel)['title']}*" for r in runs)
    w("# Phrasings benchmark: results")
    w("")
    w("Generated by `python3 -m bench.phrasings`; do not edit by hand. Method:")
    w("[docs/benchmark-phrasings.md](../docs/benchmark-phrasings.md).")
    w("")
    w(f"Novels: {novels}. Seed {seed}. {n} contradictions generated from templates in "
      f"{len(t['phrasing'])} phrasings and {len(t['kind'])} kinds, placed at random.")
    w("")
    w(f"**Overall recall: {_pct(k, n)}** ({k} of {n}). Target (issue #16): ≥ 95% overall, every kind ≥ 85%.")
    w("")
    w("## Recall per kind")
    w("")
    w("| kind | injected | found | recall | rule codes | ≥ 85% |")
    w("|---|---:|---:|---:|---|---|")
    for fam, (kk, nn) in sorted(t["kind"].items()):
        w(f"| `{fam}` | {nn} | {kk} | {_pct(kk, nn)} | {', '.join(codes.get(fam, [])) or 'no rule'} | "
          f"{'meets' if kk >= TARGET * nn else '**below**'} |")
    w("")
    w("## Recall per phrasing")
    w("")
    w("| phrasing | injected | found | recall |")
    w("|---|---:|---:|---:|")
    for ph, (kk, nn) in sorted(t["phrasing"].items()):
        w(f"| {ph} | {nn} | {kk} | {_pct(kk, nn)} |")
    w("")
    w("## Kind × phrasing")
    w("")
    phs = sorted(t["phrasing"])
    w("| kind | " + " | ".join(phs) + " |")
    w("|---|" + "---:|" * len(phs))
    for fam in sorted(t["kind"]):
        row = []
        for ph in phs:
            kk, nn = t["cell"].get((fam, ph), (0, 0))
            row.append(f"{kk}/{nn}" if nn else "")
        w(f"| `{fam}` | " + " | ".join(row) + " |")
    w("")
    w("## The untouched novels (false findings)")
    w("")
    w("| novel | words | errors | warnings | errors / 20k words | warnings / 20k words "
      "| seeded: new findings away from every injection |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    tw = te = tn = 0
    for r in runs:
        u = r.score.untouched
        errs = len(u.errors())
        warns = sum(1 for f in u.findings if f.severity == "warning")
        tw += warns
        te += errs
        tn += u.words
        w(f"| {r.novel} | {u.words:,} | {errs} | {warns} | {errs * 20000 / u.words:.2f} | "
          f"{warns * 20000 / u.words:.2f} | {len(r.score.new_unmatched)} |")
    w(f"| **all** | {tn:,} | {te} | {tw} | {te * 20000 / tn:.2f} | {tw * 20000 / tn:.2f} | |")
    w("")
    for r in runs:
        for f in r.score.untouched.findings:
            if f.severity in ("error", "warning"):
                w(f"- {r.novel} `{f.path}:{f.line}` {f.code} ({f.severity}): {_short(f.message, 140)}")
    w("")
    skipped = [(r.novel, e) for r in runs for e in r.placed.skipped]
    if skipped:
        w("## Not placed")
        w("")
        w("Generated entries no scene could take (the `where` left no free paragraph):")
        w("")
        for nov, e in skipped:
            w(f"- {nov} {e['template']}: `{_short(e.get('insert') or e.get('append') or e.get('cast') or 'time', 90)}`")
        w("")
    w("## Missed")
    w("")
    any_missed = False
    for r in runs:
        s = r.score
        for i, (inj, e) in enumerate(zip(s.injections, r.placed.entries)):
            if s.found[i]:
                continue
            any_missed = True
            near = sorted({f.code for f in s.seeded.findings if f.path == inj.path and abs(f.line - inj.line) <= 1})
            w(f"- **{inj.family}** / {e['phrasing']} {r.novel} `{inj.path.split('/')[-1]}:{inj.line}` "
              f"({e['template']}): `{_short(inj.text, 120)}`" + (f" — near it: {', '.join(near)}" if near else ""))
    if not any_missed:
        w("None.")
    w("")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--novel", action="append", help=f"a corpus slug (default: {', '.join(NOVELS)})")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--workdir", type=Path, help="keep the projects here (default: a temporary folder)")
    ap.add_argument("--no-write", action="store_true", help=f"print only; do not write {RESULTS.relative_to(REPO)}")
    ap.add_argument("--json", type=Path, help="also write every injection and whether it was found")
    args = ap.parse_args(argv)
    novels = args.novel or NOVELS
    missing = [n for n in novels if not corpus_available(n)]
    if missing:
        print(f"corpus novels missing: {', '.join(missing)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    codes = family_codes()
    with tempfile.TemporaryDirectory(prefix="nf-phrasings-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        runs = [run_novel(n, work, args.seed, codes) for n in novels]
    text = render(runs, args.seed, codes)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
    if args.json:
        data = [{"novel": r.novel, "injections": [
            dict(inj.to_dict(), phrasing=e["phrasing"], template=e["template"],
                 found_by=sorted({f.code for f in r.score.found[i]}))
            for i, (inj, e) in enumerate(zip(r.score.injections, r.placed.entries))]} for r in runs]
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    print(text, end="")
    print(f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
