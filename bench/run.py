#!/usr/bin/env python3
"""Benchmark ``novelforge check`` on real novels and count its findings.

    python3 bench/run.py                          # all 8 corpus novels
    python3 bench/run.py --novel war_and_peace    # one (repeatable)
    python3 bench/run.py --repeat 5 --json-dir /tmp/nf-findings

For each novel: build a project with ``bench/make_project.py`` into a temporary folder,
then time in fresh subprocesses ``python3 -m novelforge check DIR --format json
--exit-zero``:

* cold — the analysis cache deleted first (no cache);
* warm — nothing changed since the previous run;
* edit — one sentence appended to one scene file (a different one each repetition
  would not matter: the file changes every time, so exactly one scene misses the cache).

Each measurement is repeated (default 5) and the median and minimum wall time, the median
CPU time (user + system of the process and its children, from ``os.wait4``) and the
median peak RSS are reported; ``python3 -m novelforge --help`` is timed the same way. Peak RSS comes
from ``/usr/bin/time -v`` when present, otherwise from the child's own ``rusage``
(``os.wait4``). Findings are counted per code and per severity from the cold run's JSON;
on this clean, published text every error is a false positive.

Writes ``bench/RESULTS.md`` (and ``bench/results/latest.json`` with every number) and
prints the Markdown. Nothing from the corpus is written into the repository.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import make_project  # noqa: E402

NOVELS = [
    "war_and_peace", "moby_dick", "the_worm_ouroboros", "dracula", "pride_and_prejudice",
    "adventures_of_sherlock_holmes", "a_study_in_scarlet", "the_sign_of_the_four",
]
# issue #17: on this 2-core machine, War and Peace
TARGETS = {"cold": 1.0, "warm": 0.25, "edit": 0.4, "rss_mb": 150.0, "help": 0.25}
EDIT_SENTENCE = "\nThe candles had burned low by then, and for a while nobody spoke.\n"
TIME_BIN = "/usr/bin/time"


class RunFailed(RuntimeError):
    def __init__(self, cmd: list[str], rc: int, stderr: str) -> None:
        super().__init__(f"{' '.join(cmd)} exited with {rc}")
        self.cmd, self.rc, self.stderr = cmd, rc, stderr


# ----------------------------------------------------------------------------- running
# The analysis cache of every run: the bench's own folder, never the user's ~/.cache.
CACHE_HOME = Path(tempfile.gettempdir()) / f"nfbench-cache-{os.getpid()}"


def clear_cache() -> None:
    """No cache at all, as on a first run."""
    shutil.rmtree(CACHE_HOME, ignore_errors=True)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["NOVELFORGE_CACHE_DIR"] = str(CACHE_HOME)
    # the checkout under test, whether or not novelforge is installed
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("NO_COLOR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # byte-compiled, as an installed package is
    return env


def run_once(args: list[str], python: str, cwd: Path) -> dict:
    """Run ``python -m novelforge ARGS`` once: wall seconds, CPU seconds (user + system of
    the process and its children, the forked worker included), peak RSS (MB), rc, output."""
    cmd = [python, "-m", "novelforge", *args]
    with tempfile.TemporaryDirectory(prefix="nfbench-run-") as tmp:
        out_path = Path(tmp) / "stdout"
        err_path = Path(tmp) / "stderr"
        time_path = Path(tmp) / "time"
        use_time = os.access(TIME_BIN, os.X_OK)
        full = [TIME_BIN, "-v", "-o", str(time_path), *cmd] if use_time else cmd
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(full, stdout=out, stderr=err, cwd=cwd, env=_env())
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
        rss_kb = None
        if use_time and time_path.exists():
            for line in time_path.read_text(errors="replace").splitlines():
                line = line.strip()
                if line.startswith("Maximum resident set size"):
                    rss_kb = int(line.rsplit(":", 1)[1])
                elif line.startswith("Command exited with non-zero status"):
                    proc.returncode = int(line.rsplit(" ", 1)[1])
        if rss_kb is None:
            rss_kb = usage.ru_maxrss  # kilobytes on Linux
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": rss_kb / 1024, "rc": proc.returncode,
                "stdout": out_path.read_text(encoding="utf-8", errors="replace"),
                "stderr": err_path.read_text(encoding="utf-8", errors="replace"), "cmd": cmd}


def check(project: Path, python: str) -> dict:
    r = run_once(["check", str(project), "--format", "json", "--exit-zero"], python, project.parent)
    if r["rc"] != 0:
        # once more with --traceback, for the report
        again = run_once(["--traceback", "check", str(project), "--format", "json", "--exit-zero"],
                         python, project.parent)
        raise RunFailed(r["cmd"], r["rc"], again["stderr"] or r["stderr"])
    return r


def median_of(runs: list[dict]) -> dict:
    return {"wall": statistics.median(r["wall"] for r in runs), "wall_min": min(r["wall"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs), "cpu_min": min(r["cpu"] for r in runs),
            "rss_mb": statistics.median(r["rss_mb"] for r in runs),
            "walls": [round(r["wall"], 4) for r in runs], "cpus": [round(r["cpu"], 4) for r in runs],
            "rsss": [round(r["rss_mb"], 1) for r in runs]}


scene_files = make_project.scene_files


def findings(report_json: str) -> dict:
    data = json.loads(report_json)
    diags = data.get("diagnostics", [])
    return {
        "summary": data.get("summary", {}),
        "by_severity": dict(Counter(d["severity"] for d in diags)),
        "by_code": dict(sorted(Counter(d["code"] for d in diags).items())),
        "names": {d["code"]: d.get("name") for d in diags},
        "severity_of": {d["code"]: d["severity"] for d in diags},
        "total": len(diags),
        "top": [[c, sev, msg, n] for (c, sev, msg), n in
                Counter((d["code"], d["severity"], d["message"]) for d in diags).most_common(10)],
    }


def bench_novel(slug: str, workdir: Path, python: str, repeat: int, json_dir: Path | None) -> dict:
    project = workdir / slug
    t0 = time.perf_counter()
    stats = make_project.build(slug, project)
    stats["build_s"] = round(time.perf_counter() - t0, 2)
    res: dict = {"novel": slug, "project": stats}
    try:
        cold = []
        for _ in range(repeat):
            clear_cache()
            cold.append(check(project, python))
        warm = [check(project, python) for _ in range(repeat)]
        analysed = []
        for _ in range(repeat):
            shutil.rmtree(CACHE_HOME / "replay", ignore_errors=True)     # no stored run: read, look up, render
            analysed.append(check(project, python))
        scenes = scene_files(project)
        target = scenes[len(scenes) // 2]
        edit = []
        for _ in range(repeat):
            with open(target, "a", encoding="utf-8") as f:
                f.write(EDIT_SENTENCE)
            edit.append(check(project, python))
    except RunFailed as exc:
        res["error"] = {"cmd": " ".join(exc.cmd), "rc": exc.rc, "stderr": exc.stderr[-6000:]}
        return res
    res["cold"], res["warm"], res["edit"] = median_of(cold), median_of(warm), median_of(edit)
    res["warm_analysed"] = median_of(analysed)
    res["warm_replayed"] = all(w["stdout"] == analysed[0]["stdout"] for w in warm)
    res["edited_scene"] = str(target.relative_to(project))
    res["findings"] = findings(cold[0]["stdout"])
    # the cache must not change what is reported
    warm_f = findings(warm[-1]["stdout"])
    res["warm_matches_cold"] = warm_f["by_code"] == res["findings"]["by_code"] and res["warm_replayed"]
    res["cold_runs_agree"] = all(findings(c["stdout"])["by_code"] == res["findings"]["by_code"] for c in cold)
    if json_dir is not None:
        json_dir.mkdir(parents=True, exist_ok=True)
        (json_dir / f"{slug}.json").write_text(cold[0]["stdout"], encoding="utf-8")
        (json_dir / f"{slug}.warm.json").write_text(warm[-1]["stdout"], encoding="utf-8")
    return res


# ----------------------------------------------------------------------------- report
def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    return {"nproc": nproc, "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform()}


def nf_version(python: str) -> str:
    r = subprocess.run([python, "-m", "novelforge", "--version"], capture_output=True, text=True,
                       env=_env(), cwd=REPO)
    return (r.stdout.strip() or r.stderr.strip()).splitlines()[-1] if (r.stdout or r.stderr) else "?"


def fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def render(results: list[dict], help_: dict, meta: dict) -> str:
    L: list[str] = []
    L.append("# NovelForge benchmark results\n")
    L.append(f"- date: {meta['date']}")
    L.append(f"- machine: `nproc` = {meta['machine']['nproc']}, {meta['machine']['cpu'] or 'unknown CPU'}, "
             f"{meta['machine']['platform']}")
    L.append(f"- Python {meta['machine']['python']}; {meta['version']}")
    L.append(f"- command: `python3 -m novelforge check DIR --format json --exit-zero`, each in a fresh "
             f"process (byte-compiled); median and minimum of {meta['repeat']} runs; CPU = user + system "
             f"time of the process and its forked worker; peak RSS from {meta['rss_source']}")
    L.append(f"- load average when it started: {meta.get('load', '?')}")
    L.append("- cold: the analysis cache deleted first; warm: nothing changed, answered from the stored run "
             "(novelforge/replay.py: the project's files stat-ed, the last run's output written back); warm, "
             "analysed: nothing changed but no stored run (the project read, every scene's findings from the "
             "analysis cache, the report rendered); edit: one sentence appended to one scene file\n")

    L.append("## Time and memory\n")
    L.append("Wall seconds, median (min); CPU seconds, median.\n")
    L.append("| novel | words | chapters | scenes | canon chars | cold s | warm s | warm, analysed s | "
             "1 scene edited s | CPU s (cold / warm / edit) | peak RSS MB (cold / warm / edit) |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        p = r["project"]
        if "error" in r:
            L.append(f"| {r['novel']} | {p['words']:,} | {p['chapters']} | {p['scenes']} | {p['characters']} | "
                     f"CRASH (rc {r['error']['rc']}) | | | | | |")
            continue
        L.append(f"| {r['novel']} | {p['words']:,} | {p['chapters']} | {p['scenes']} | {p['characters']} | "
                 + " | ".join(f"{fmt_s(r[k]['wall'])} ({fmt_s(r[k]['wall_min'])})"
                              for k in ("cold", "warm", "warm_analysed", "edit"))
                 + " | " + " / ".join(fmt_s(r[k]["cpu"]) for k in ("cold", "warm", "edit"))
                 + f" | {r['cold']['rss_mb']:.0f} / {r['warm']['rss_mb']:.0f} / {r['edit']['rss_mb']:.0f} |")
    L.append(f"\n`python3 -m novelforge --help`: {help_['wall']:.3f} s, {help_['rss_mb']:.0f} MB peak RSS "
             f"(target ≤ {TARGETS['help']} s).\n")

    wp = next((r for r in results if r["novel"] == "war_and_peace" and "error" not in r), None)
    if wp:
        L.append("## War and Peace against the targets\n")
        L.append("Wall time, median of the runs (the minimum and the CPU time are in the table above).\n")
        L.append("| measure | result | target | |")
        L.append("|---|---:|---:|---|")
        rows = [("cold check", wp["cold"]["wall"], TARGETS["cold"], "s"),
                ("warm check", wp["warm"]["wall"], TARGETS["warm"], "s"),
                ("warm check, analysed (no stored run)", wp["warm_analysed"]["wall"], TARGETS["warm"], "s"),
                ("one scene edited", wp["edit"]["wall"], TARGETS["edit"], "s"),
                ("peak RSS (worst of cold/warm/edit)",
                 max(wp[k]["rss_mb"] for k in ("cold", "warm", "edit")), TARGETS["rss_mb"], "MB"),
                ("`--help`", help_["wall"], TARGETS["help"], "s")]
        for name, val, tgt, unit in rows:
            ok = "ok" if val <= tgt else f"**{val / tgt:.2f}× over**"
            num = f"{val:.0f} {unit}" if unit == "MB" else f"{val:.2f} {unit}"
            L.append(f"| {name} | {num} | ≤ {tgt:g} {unit} | {ok} |")
        L.append("")

    L.append("## Findings (cold run; every error on these published texts is a false positive)\n")
    L.append("| novel | errors | warnings | info | cache-consistent |")
    L.append("|---|---:|---:|---:|---|")
    codes: dict[str, tuple[str, str]] = {}
    for r in results:
        if "error" in r:
            L.append(f"| {r['novel']} | crash | | | |")
            continue
        f = r["findings"]
        for c in f["by_code"]:
            codes[c] = (f["names"].get(c) or "", f["severity_of"].get(c) or "")
        consistent = "yes" if r["warm_matches_cold"] and r["cold_runs_agree"] else "**NO**"
        L.append(f"| {r['novel']} | {f['by_severity'].get('error', 0)} | {f['by_severity'].get('warning', 0)} | "
                 f"{f['by_severity'].get('info', 0)} | {consistent} |")
    L.append("")
    if codes:
        ok = [r for r in results if "error" not in r]
        short = {"war_and_peace": "W&P", "moby_dick": "Moby", "the_worm_ouroboros": "Worm",
                 "dracula": "Drac", "pride_and_prejudice": "P&P", "adventures_of_sherlock_holmes": "Adv",
                 "a_study_in_scarlet": "Scarlet", "the_sign_of_the_four": "Sign"}
        L.append("| code | name | severity | " + " | ".join(short.get(r["novel"], r["novel"]) for r in ok)
                 + " | total |")
        L.append("|---|---|---|" + "---:|" * (len(ok) + 1))
        for c in sorted(codes):
            counts = [r["findings"]["by_code"].get(c, 0) for r in ok]
            L.append(f"| {c} | {codes[c][0]} | {codes[c][1]} | " + " | ".join(str(n) for n in counts)
                     + f" | {sum(counts)} |")
        L.append("")
    else:
        L.append("No findings on any novel.\n")

    tops = [(r["novel"], *t) for r in results if "error" not in r for t in r["findings"]["top"]]
    if tops:
        L.append("### Most frequent findings\n")
        L.append("| novel | code | severity | message | count |")
        L.append("|---|---|---|---|---:|")
        tops.sort(key=lambda t: (-t[4], t[0], t[1], t[3]))
        for novel, code, sev, msg, n in tops[:25]:
            cell = msg.replace("|", "\\|")
            L.append(f"| {novel} | {code} | {sev} | {cell} | {n} |")
        L.append("")

    crashes = [r for r in results if "error" in r]
    if crashes:
        L.append("## Crashes\n")
        for r in crashes:
            L.append(f"### {r['novel']}\n\n`{r['error']['cmd']}` exited with {r['error']['rc']}:\n")
            L.append("```\n" + r["error"]["stderr"].rstrip() + "\n```\n")
    L.append("Projects are generated by `bench/make_project.py` (as `novelforge import --suggest-canon` "
             "imports the novel: its chapters, scene breaks and suggested characters; scenes cut to "
             "1,500–3,000 words); see `bench/README.md`.")
    return "\n".join(L) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark `novelforge check` on the corpus novels.")
    ap.add_argument("--novel", action="append", choices=NOVELS, help="novel to run (repeatable; default: all)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median and minimum are reported")
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs novelforge")
    ap.add_argument("--workdir", type=Path, help="build projects here (kept) instead of a temporary folder")
    ap.add_argument("--json-dir", type=Path, help="save each novel's JSON report here (outside the repo)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not write bench/RESULTS.md")
    args = ap.parse_args(argv)
    novels = args.novel or NOVELS

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    tmp = None
    if args.workdir:
        workdir = args.workdir
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="nfbench-")
        workdir = Path(tmp)
    try:
        help_runs = [run_once(["--help"], args.python, workdir) for _ in range(args.repeat)]
        if any(r["rc"] != 0 for r in help_runs):
            print(f"--help failed:\n{help_runs[0]['stderr']}", file=sys.stderr)
        help_ = median_of(help_runs)
        results = []
        for slug in novels:
            print(f"… {slug}", file=sys.stderr, flush=True)
            r = bench_novel(slug, workdir, args.python, args.repeat, args.json_dir)
            if "error" in r:
                print(f"  CRASH: {r['error']['cmd']}\n{r['error']['stderr']}", file=sys.stderr)
            else:
                print(f"  cold {r['cold']['wall']:.2f}s warm {r['warm']['wall']:.2f}s "
                      f"warm-analysed {r['warm_analysed']['wall']:.2f}s "
                      f"edit {r['edit']['wall']:.2f}s rss {r['cold']['rss_mb']:.0f}MB "
                      f"findings {r['findings']['by_severity']}", file=sys.stderr, flush=True)
            results.append(r)
    finally:
        clear_cache()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    meta = {"date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(),
            "load": load,
            "version": nf_version(args.python), "repeat": args.repeat,
            "rss_source": "`/usr/bin/time -v`" if os.access(TIME_BIN, os.X_OK) else "the child's rusage (`os.wait4`)"}
    md = render(results, help_, meta)
    print(md)
    if not args.no_write:
        (HERE / "RESULTS.md").write_text(md, encoding="utf-8")
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        (out / "latest.json").write_text(json.dumps({"meta": meta, "help": help_, "results": results},
                                                    indent=1, ensure_ascii=False), encoding="utf-8")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
