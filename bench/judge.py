#!/usr/bin/env python3
"""Issue #17's measurement, in one sitting: NovelForge against proselint and pandoc on War
and Peace, every measure interleaved with the others so a change in the machine's load
falls on all of them alike.

    python3 -m bench.judge                 # 5 rounds; writes bench/JUDGE_RESULTS.md
    python3 -m bench.judge --repeat 7 --no-write

One round runs, each in a fresh process and in this order: ``proselint check`` on the
corpus text; ``novelforge check`` cold (no cache), warm (nothing changed: the stored run),
warm after every scene's times changed and no byte (a checkout: the stored run, found by the
files' bytes), warm with no stored run ("analysed"), after one sentence appended to one scene (edit), and
``check --changed`` after a one-line edit of a committed project; ``promises suggest``
the first time after a check (no stored run, nothing of its own kept) and again (its
stored run); ``novelforge export`` to DOCX and EPUB and pandoc
on the same Markdown; and a cold check of the book at 0.25× and 4× its length (the first
quarter of the text; the text four times over) for the scaling table. After the rounds, a
cold check's CPU time phase by phase (``bench/phases.py``, one process) shows how far the
0.1× ratio is and where the time goes. The sitting this run replaces is moved under
"Earlier sittings", with the ones before it. Each figure is the
median and the minimum of the rounds (wall seconds) with the median CPU time, and the peak
RSS (``/usr/bin/time -v``). The targets are issue #17's, on a 2-core machine; the load
average at the start and end is recorded with the results.

proselint (``pip install proselint``) and pandoc are optional: a tool that is missing is
said so in its row. Nothing from the corpus is written into the repository.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_project  # noqa: E402
import phases  # noqa: E402
from run import CACHE_HOME, EDIT_SENTENCE, _env, clear_cache, machine, run_once  # noqa: E402

NOVEL = "war_and_peace"
TARGETS = {"cold": 1.0, "warm": 0.25, "edit": 0.4, "rss_mb": 150.0,
           "cold_vs_proselint": 0.1, "warm_vs_proselint": 0.03}
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Bench",
           "GIT_AUTHOR_EMAIL": "bench@example.org", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "bench@example.org"}


def measure(cmd: list[str], cwd: Path, ok=(0,)) -> dict:
    """One run of ``cmd``: wall and CPU seconds, peak RSS in MB (NovelForge's through
    ``/usr/bin/time -v``, as bench/run.py measures it)."""
    if cmd[:3] == [sys.executable, "-m", "novelforge"]:
        r = run_once(cmd[3:], sys.executable, cwd)
        if r["rc"] not in ok:
            raise SystemExit(f"{' '.join(map(str, cmd))} exited with {r['rc']}:\n{r['stderr'][-3000:]}")
        return {"wall": r["wall"], "cpu": r["cpu"], "rss_mb": r["rss_mb"]}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if rc not in ok:
        raise SystemExit(f"{' '.join(map(str, cmd))} exited with {rc}:\n{err[-3000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def nf(*args: str) -> list[str]:
    return [sys.executable, "-m", "novelforge", *args]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=repo, check=True,
                   env=dict(os.environ, **GIT_ENV), capture_output=True)


def scaled_text(source: Path, factor: float, folder: Path) -> Path:
    """The novel at ``factor`` times its length, under the novel's own name (so its
    chapter headings are read the same way)."""
    lines = source.read_text("utf-8").splitlines(keepends=True)
    if factor < 1:
        text = "".join(lines[: int(len(lines) * factor)])
    else:
        text = "".join(lines) * int(factor)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / source.name
    out.write_text(text, "utf-8")
    return out


def book_markdown(project: Path, out: Path) -> Path:
    subprocess.run(nf("export", str(project), "-f", "md", "-o", str(out)), check=True, env=_env(),
                   capture_output=True)
    return out


def summary(runs: list[dict]) -> dict:
    return {"median": statistics.median(r["wall"] for r in runs), "min": min(r["wall"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs), "rss_mb": max(r["rss_mb"] for r in runs),
            "walls": [round(r["wall"], 3) for r in runs]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Issue #17's measurement in one sitting.")
    ap.add_argument("--repeat", type=int, default=5, help="rounds (median and minimum reported; at least 5)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not write bench/JUDGE_RESULTS.md")
    args = ap.parse_args(argv)
    load_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="nfjudge-"))
    runs: dict[str, list[dict]] = {}

    def add(name: str, result: dict) -> None:
        runs.setdefault(name, []).append(result)

    try:
        _slug, source = make_project.resolve_source(NOVEL)
        project = work / "wp"
        stats = make_project.build(NOVEL, project)
        git(project, "init", "-q")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "base")
        scales = {}
        for factor in (0.25, 4):
            folder = work / f"x{factor}"
            text = scaled_text(source, factor, folder / "text")
            scales[factor] = (folder / "project", make_project.build(str(text), folder / "project"))
        scenes = make_project.scene_files(project)
        edited, changed = scenes[len(scenes) // 2], scenes[len(scenes) // 3]
        markdown = book_markdown(project, work / "book.md")
        proselint, pandoc = shutil.which("proselint") or _beside("proselint"), shutil.which("pandoc")
        out = work / "out"
        out.mkdir()
        check = nf("check", str(project), "--format", "json", "--exit-zero")
        time.sleep(3.1)         # the project settled: a stored run may be kept (novelforge/replay.py)
        for i in range(args.repeat):
            print(f"… round {i + 1} of {args.repeat}", file=sys.stderr, flush=True)
            if proselint:
                add("proselint", measure([proselint, "check", str(source)], work, ok=(0, 1)))
            clear_cache()
            add("cold", measure(check, work))
            time.sleep(3.1)
            measure(check, work)                  # stores the run
            add("warm", measure(check, work))
            stamp = time.time_ns()
            for path in scenes:                   # a checkout: every scene's times new, no byte changed
                os.utime(path, ns=(stamp, stamp))
            add("warm_touched", measure(check, work))
            shutil.rmtree(CACHE_HOME / "replay", ignore_errors=True)
            add("warm_analysed", measure(check, work))
            with open(edited, "a", encoding="utf-8") as f:
                f.write(EDIT_SENTENCE)
            add("edit", measure(check, work))
            with open(changed, "a", encoding="utf-8") as f:
                f.write(EDIT_SENTENCE)
            add("changed", measure(nf("check", str(project), "--changed", "--base", "HEAD", "--format", "json",
                                      "--exit-zero"), work))
            suggest = nf("promises", "suggest", str(project), "--format", "json")
            time.sleep(3.1)                      # the edits above settled: the next run may be stored
            shutil.rmtree(CACHE_HOME / "replay", ignore_errors=True)
            add("suggest_analysed", measure(suggest, work))        # indexes from the cache, no stored run
            add("suggest", measure(suggest, work))                 # the stored run
            for fmt in ("docx", "epub"):
                add(f"export_{fmt}", measure(nf("export", str(project), "-f", fmt, "-o", str(out / f"nf.{fmt}")),
                                             work))
                if pandoc:
                    add(f"pandoc_{fmt}", measure([pandoc, str(markdown), "-o", str(out / f"pandoc.{fmt}")], work))
            for factor, (scaled, _stats) in scales.items():
                clear_cache()
                add(f"cold_x{factor}", measure(nf("check", str(scaled), "--format", "json", "--exit-zero"), work))
        cold_phases = [phases.run_child(project, work / f"phases-cache-{i}") for i in range(3)]
        results = {name: summary(r) for name, r in runs.items()}
        results["cold_phases"] = {p: min(r.get(p, 0.0) for r in cold_phases)
                                  for p in dict.fromkeys(p for r in cold_phases for p in r)}
        results["cold_x1"] = results["cold"]
        scale_words = {0.25: scales[0.25][1]["words"], 1: stats["words"], 4: scales[4][1]["words"]}
    finally:
        clear_cache()
        shutil.rmtree(work, ignore_errors=True)
    meta = {"date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
            "load": [round(x, 1) for x in load_start], "load_end": [round(x, 1) for x in os.getloadavg()],
            "repeat": args.repeat, "proselint": _version([proselint, "version"]) if proselint else None,
            "pandoc": _version([pandoc, "--version"]) if pandoc else None, "words": stats["words"],
            "scale_words": scale_words, "commit": _commit()}
    md = render(results, meta)
    print(md)
    if not args.no_write:
        target = HERE / "JUDGE_RESULTS.md"
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        target.write_text(md + earlier(old), encoding="utf-8")
        (HERE / "results").mkdir(exist_ok=True)
        (HERE / "results" / "judge.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1),
                                                     encoding="utf-8")
    return 0


def _beside(name: str) -> str | None:
    """A tool installed in this interpreter's environment, when its bin folder is not on PATH."""
    cand = Path(sys.executable).parent / name
    return str(cand) if cand.is_file() else None


def _commit() -> str | None:
    """The checkout's commit (with ``+`` when its tree has changes), or None outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE,
                               capture_output=True, text=True)
    except OSError:
        return None
    return head.stdout.strip() + ("+" if dirty.stdout.strip() else "") if head.returncode == 0 else None


def _version(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError:
        return "?"
    return ((done.stdout or done.stderr).strip().splitlines() or ["?"])[0]


EARLIER = "## Earlier sittings"


def earlier(old: str) -> str:
    """The "Earlier sittings" section of the new file: the sitting of ``old`` (the file
    this run replaces), its headings one level down, above the sittings it kept."""
    if not old.strip():
        return ""
    top, _, rest = old.partition(EARLIER)
    lines = top.strip().splitlines()
    date = next((ln.split("date:", 1)[1].split(";")[0].strip() for ln in lines if ln.startswith("- date:")), "?")
    body = [("###" + ln[1:] if ln.startswith("## ") else ln) for ln in lines[1:]]
    kept = rest.split("\n", 1)[1] if "\n" in rest else ""
    return (f"\n{EARLIER} (each run of this script moves the one before here)\n\n### {date}\n"
            + "\n".join(body) + "\n\n" + kept.lstrip("\n"))


def render_phases(r: dict, meta: dict) -> list[str]:
    """How far the cold ratio is from 0.1×, and where a cold check's time goes."""
    ph, pl = r.get("cold_phases"), r.get("proselint")
    if not ph:
        return []
    total = sum(ph.values())
    L = ["", "## Where a cold check's time goes\n",
         "`bench/phases.py` on the same project, three cold checks in one analysis process "
         "(`NOVELFORGE_WORKERS=1`), CPU seconds, the minimum:\n",
         "| phase | CPU s | share |", "|---|---:|---:|"]
    L += [f"| {name} | {cpu:.3f} | {cpu / total:.0%} |" for name, cpu in ph.items()]
    L.append(f"| **total** | **{total:.3f}** | |")
    if pl:
        budget = TARGETS["cold_vs_proselint"] * pl["median"]
        cores = int(meta["machine"].get("nproc") or 1)
        work = sum(cpu for name, cpu in ph.items() if name.startswith(("text indexes", "rules")))
        L += ["", f"0.1× proselint is {budget:.2f} s wall. On {cores} cores that is at most {cores * budget:.2f} "
              f"CPU-seconds, shared perfectly; a cold check takes {total:.2f} CPU-seconds in one process "
              f"({total / (cores * budget):.1f}× that), of which the text indexes and the rules alone, which "
              f"are the analysis, take {work:.2f} ({work / (cores * budget):.1f}×). The cold ratio measured above "
              f"is {r['cold']['median'] / pl['median']:.3f}×."]
    return L


def render(r: dict, meta: dict) -> str:
    def cell(name: str) -> str:
        if name not in r:
            return "not installed"
        return f"{r[name]['median']:.2f} ({r[name]['min']:.2f}; CPU {r[name]['cpu']:.2f})"

    def verdict(value: float, target: float) -> str:
        return "ok" if value <= target else f"**{value / target:.2f}× over**"

    L = ["# Issue #17 in one sitting: NovelForge, proselint and pandoc on War and Peace\n",
         f"- date: {meta['date']}; `python3 -m bench.judge --repeat {meta['repeat']}` at commit "
         f"{meta.get('commit') or '?'}",
         f"- machine: `nproc` = {meta['machine']['nproc']}, {meta['machine']['cpu']}, Python "
         f"{meta['machine']['python']}",
         f"- load average (1, 5, 15 min) at the start {meta['load']}, at the end {meta['load_end']}",
         f"- proselint: {meta['proselint'] or 'not installed'}; pandoc: {meta['pandoc'] or 'not installed'}",
         f"- War and Peace: {meta['words']:,} words in the project; every figure is wall seconds, median (min) "
         f"of {meta['repeat']} rounds, each round running every measure once, in a fresh process; CPU = user + "
         f"system seconds of the process and its children, median (what the machine's load disturbs least)\n",
         "| measure | NovelForge | for scale | ratio | target | |", "|---|---:|---:|---:|---:|---|"]
    pl = r.get("proselint")
    rows = [("cold check", "cold", TARGETS["cold"]), ("warm check (the stored run)", "warm", TARGETS["warm"]),
            ("warm check, every scene touched (the stored run, by the files' bytes)", "warm_touched",
             TARGETS["warm"]),
            ("warm check, analysed (no stored run)", "warm_analysed", TARGETS["warm"]),
            ("one scene edited", "edit", TARGETS["edit"]),
            ("`--changed` after a one-line edit (warm)", "changed", None),
            ("`promises suggest` (warm: the stored run)", "suggest", r["cold"]["median"]),
            ("`promises suggest`, first after a check (no stored run, no listing kept)", "suggest_analysed",
             r["cold"]["median"])]
    for label, name, target in rows:
        ratio, scale = "", ""
        if pl and name in ("cold", "warm", "warm_analysed"):
            scale = f"proselint {cell('proselint')}"
            ratio = f"{r[name]['median'] / pl['median']:.3f}×"
            ptarget = TARGETS["cold_vs_proselint" if name == "cold" else "warm_vs_proselint"]
            ratio += f" (≤ {ptarget}×: {verdict(r[name]['median'] / pl['median'], ptarget)})"
        tgt = "" if target is None else (
            f"≤ {target:.2f} s" if not name.startswith("suggest") else f"≤ a cold check ({target:.2f} s)")
        ok = "" if target is None else verdict(r[name]["median"], target)
        L.append(f"| {label} | {cell(name)} | {scale} | {ratio} | {tgt} | {ok} |")
    for fmt in ("docx", "epub"):
        p = r.get(f"pandoc_{fmt}")
        ratio = f"{r[f'export_{fmt}']['median'] / p['median']:.2f}×" if p else ""
        L.append(f"| export {fmt.upper()} | {cell(f'export_{fmt}')} | pandoc {cell(f'pandoc_{fmt}')} | {ratio} | | |")
    rss = max(r[k]["rss_mb"] for k in ("cold", "warm", "warm_analysed", "edit"))
    L.append(f"| peak RSS (cold, warm, edit) | {rss:.0f} MB | | | ≤ {TARGETS['rss_mb']:.0f} MB | "
             f"{verdict(rss, TARGETS['rss_mb'])} |")
    L += ["", "## Scaling (cold check)\n", "| length | words | wall s, median (min) | CPU s | s per 100k words | "
          "peak RSS MB |", "|---|---:|---:|---:|---:|---:|"]
    for factor in (0.25, 1, 4):
        x = r[f"cold_x{factor}"]
        words = meta["scale_words"][factor]
        L.append(f"| {factor}× | {words:,} | {x['median']:.2f} ({x['min']:.2f}) | {x['cpu']:.2f} | "
                 f"{x['median'] / words * 1e5:.3f} | {x['rss_mb']:.0f} |")
    L += render_phases(r, meta)
    L.append("")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.exit(main())
