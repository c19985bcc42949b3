"""Scale edges: a 50 MB scene, 10,000 tiny scenes, 30 folder levels, a 100,000-line scene.

Each case is a project generated in a temporary folder from the corpus novels in
/work/shared/corpus/ (read at run time, never copied into the repository), then
``novelforge check --format json --no-cache``, ``novelforge export --format epub`` and
``novelforge export --format md`` run on it, each in its own subprocess with a timeout
and its peak memory measured (``os.wait4``). A command holds when it

- ends within :data:`TIME_LIMIT` seconds with a peak RSS under :data:`MEMORY_LIMIT`,
- exits 0 or 1 (never 2 or 3, never a signal) with no traceback on stderr, and
- gives a clear finding or a result: the scene that is too large is named in an NF006
  finding by ``check`` and in a message by ``export``; every other scene is counted by
  ``check`` and its marker word is in the EPUB and the Markdown. A scene that is neither
  in the output nor named in a message was dropped silently, which is a failure.

Full size (``count=None``): 50 MB, 10,000 scenes, 30 levels, 100,000 lines. ``count=N``
scales down to N tiny scenes, a 12 MB scene (still over the 10 MB default limit),
30 levels and 20,000 lines, for the test suite.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.reliability import Outcome
from bench.reliability.determinism import code_version, snapshot_code

CORPUS = Path(os.environ.get("NOVELFORGE_CORPUS", "/work/shared/corpus"))
TIME_LIMIT = 60.0                 # seconds per command
MEMORY_LIMIT = 2 * 1024 ** 3      # bytes of peak RSS per command
ADDRESS_LIMIT = 8 * 1024 ** 3     # RLIMIT_AS safety net so a runaway child cannot take the machine
FULL = {"big_mb": 50, "scenes": 10_000, "depth": 30, "lines": 100_000}
TRACEBACK = "Traceback (most recent call last)"
TOKEN_RE = re.compile(r"Quorvath(\d+)x")


def marker(n: int) -> str:
    """A word found nowhere in the corpus, unique per scene, that survives typography."""
    return f"Quorvath{n}x"


@dataclass
class Run:
    command: str
    code: int | None          # exit code; None when killed by a signal or the timeout
    signal: int | None
    seconds: float
    rss: int                  # peak resident set size, bytes
    stdout: bytes
    stderr: str
    timed_out: bool = False


@dataclass
class Case:
    name: str
    title: str
    root: Path
    markers: list[int] = field(default_factory=list)      # scenes that must be in the output
    too_large: list[str] = field(default_factory=list)    # scenes that must be named as too large
    # scenes that may be left out if a finding (check) or a message (export) names them or a
    # folder above them: marker -> path
    reportable: dict[int, str] = field(default_factory=dict)


def _limit_child() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))


def run_measured(label: str, argv: list[str], cwd: Path, env: dict[str, str], timeout: float = TIME_LIMIT) -> Run:
    """Run ``argv`` with a timeout; exit status, wall time and peak RSS from ``os.wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True, preexec_fn=_limit_child)
        deadline = start + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)   # tell Popen the child is reaped
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        stderr = err.read().decode("utf-8", "replace")
    code = status >> 8 if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    return Run(label, code, sig, seconds, usage.ru_maxrss * 1024, stdout, stderr, timed_out)


# --- corpus text -----------------------------------------------------------------------------

def corpus_paragraphs() -> list[str]:
    """The corpus novels' paragraphs (Gutenberg header and licence cut), as wrapped lines."""
    paragraphs: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text("utf-8", "replace").replace("\r\n", "\n")
        start = text.find("*** START OF")
        end = text.find("*** END OF")
        if start != -1:
            text = text[text.find("\n", start) + 1:]
        if end != -1:
            text = text[:text.find("*** END OF")]
        for block in re.split(r"\n\s*\n", text):
            lines = [line.strip() for line in block.strip().splitlines()]
            # prose only: skip headings, tables of contents and centred title lines
            if len(lines) >= 2 and sum(len(line) for line in lines) > 120 and not block.startswith("    "):
                paragraphs.append("\n".join(line for line in lines if line))
    if not paragraphs:
        raise RuntimeError(f"no corpus text in {CORPUS}")
    return paragraphs


def prose(paragraphs: list[str], rng: random.Random, size: int) -> str:
    """About ``size`` characters of consecutive paragraphs from a random place in the corpus."""
    out: list[str] = []
    total = 0
    i = rng.randrange(len(paragraphs))
    while total < size:
        para = paragraphs[i % len(paragraphs)]
        out.append(para)
        total += len(para) + 2
        i += 1
    return "\n\n".join(out)


def prose_lines(paragraphs: list[str], rng: random.Random, lines: int) -> list[str]:
    """Exactly ``lines`` lines of prose: the corpus's own wrapped lines, blank lines between paragraphs."""
    out: list[str] = []
    i = rng.randrange(len(paragraphs))
    while len(out) < lines:
        out += paragraphs[i % len(paragraphs)].split("\n") + [""]
        i += 1
    return out[:lines]


# --- the cases -------------------------------------------------------------------------------

def project(root: Path, title: str, check: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "novelforge.yaml").write_text(
        f"title: {title}\nauthor: Scale Harness\nlanguage: en\n" + (f"check:\n{check}" if check else ""), "utf-8")
    (root / "manuscript").mkdir()
    return root


def write_scene(path: Path, body: str, n: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{body}\n\nThe lamp was lit for {marker(n)} at last.\n", "utf-8")


def big_scene(base: Path, paragraphs: list[str], rng: random.Random, mb: int, limit: int | None) -> Case:
    name = f"big-{mb}mb" + ("-raised" if limit else "")
    root = project(base / name, f"A {mb} MB Scene",
                   f"  max-file-size: {limit}\n" if limit else "")
    target = mb * 1_000_000
    chunk = prose(paragraphs, rng, min(target, 4_000_000))
    body = (chunk + "\n\n") * (target // (len(chunk) + 2) + 1)
    body = body[:target]
    body = body[:body.rfind("\n\n")]
    write_scene(root / "manuscript/01-one/01-the-big-scene.md", body, 1)
    write_scene(root / "manuscript/01-one/02-after.md", prose(paragraphs, rng, 800), 2)
    scene = "manuscript/01-one/01-the-big-scene.md"
    if limit:
        return Case(name, f"{mb} MB scene, `max-file-size: {limit}`", root, markers=[1, 2])
    return Case(name, f"{mb} MB scene, default 10 MB limit", root, markers=[2], too_large=[scene])


def many_scenes(base: Path, paragraphs: list[str], rng: random.Random, count: int) -> Case:
    root = project(base / f"scenes-{count}", f"{count} Scenes")
    per = 100
    for n in range(1, count + 1):
        chapter, scene = divmod(n - 1, per)
        body = prose(paragraphs, rng, rng.randrange(100, 400))
        write_scene(root / f"manuscript/{chapter + 1:03d}-chapter/{scene + 1:03d}-scene-{n:05d}.md", body, n)
    return Case(f"scenes-{count}", f"{count:,} tiny scenes", root, markers=list(range(1, count + 1)))


def deep_folders(base: Path, paragraphs: list[str], rng: random.Random, depth: int) -> Case:
    root = project(base / f"depth-{depth}", f"{depth} Levels")
    write_scene(root / "manuscript/01-top/01-at-the-top.md", prose(paragraphs, rng, 600), 1)
    folder = root / "manuscript"
    for level in range(1, depth + 1):
        folder = folder / f"{level:02d}-level"
    write_scene(folder / "01-at-the-bottom.md", prose(paragraphs, rng, 600), 2)
    bottom = (folder / "01-at-the-bottom.md").relative_to(root).as_posix()
    return Case(f"depth-{depth}", f"a scene {depth} folders below manuscript/", root, markers=[1, 2],
                reportable={2: bottom})


def long_scene(base: Path, paragraphs: list[str], rng: random.Random, lines: int) -> Case:
    root = project(base / f"lines-{lines}", f"{lines} Lines")
    body = "\n".join(prose_lines(paragraphs, rng, lines - 2))
    write_scene(root / "manuscript/01-one/01-the-long-scene.md", body, 1)
    return Case(f"lines-{lines}", f"a {lines:,}-line scene", root, markers=[1])


# --- judging ---------------------------------------------------------------------------------

def judge_process(case: Case, run: Run) -> list[str]:
    where = f"{case.name}: `{run.command}`"
    problems = []
    if run.timed_out:
        problems.append(f"{where} did not finish within {TIME_LIMIT:.0f} s (killed)")
    elif run.signal is not None:
        problems.append(f"{where} was killed by signal {run.signal}")
    elif run.code not in (0, 1):
        first = next((line for line in run.stderr.splitlines() if line.strip()), "")
        problems.append(f"{where} exited {run.code}: {first[:200]}")
    if TRACEBACK in run.stderr:
        problems.append(f"{where} printed a traceback: {run.stderr.strip().splitlines()[-1][:200]}")
    if run.rss > MEMORY_LIMIT:
        problems.append(f"{where} peaked at {run.rss / 2**20:,.0f} MB (limit {MEMORY_LIMIT / 2**20:,.0f} MB)")
    return problems


def markers_in(data: bytes) -> set[int]:
    return {int(m) for m in TOKEN_RE.findall(data.decode("utf-8", "replace"))}


def epub_text(path: Path) -> bytes:
    with zipfile.ZipFile(path) as book:
        return b"\n".join(book.read(name) for name in book.namelist() if name.endswith((".xhtml", ".html")))


def judge_check(case: Case, report_path: Path) -> list[str]:
    where = f"{case.name}: check"
    try:
        report = json.loads(report_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{where} wrote no JSON report ({exc})"]
    problems = []
    scenes = report.get("summary", {}).get("scenes")
    diags = report.get("diagnostics", [])
    for path in case.too_large:
        if not any(d.get("code") == "NF006" and d.get("path") == path for d in diags):
            problems.append(f"{where} did not report `{path}` as too large (NF006)")
    if scenes != len(case.markers):
        said = " ".join(f"{d.get('path', '')} {d.get('message', '')}" for d in diags)
        reported = [path for path in case.reportable.values() if names(said, path)]
        if not isinstance(scenes, int) or scenes + len(reported) != len(case.markers):
            problems.append(f"{where} counted {scenes} scene(s), expected {len(case.markers)}, "
                            f"and no finding names the {'ones' if len(case.markers) - (scenes or 0) > 1 else 'one'} "
                            "left out")
    return problems


def names(text: str, path: str) -> bool:
    """Whether ``text`` names ``path`` or a folder above it (below manuscript/)."""
    parts = path.split("/")
    return any("/".join(parts[:k]) in text for k in range(len(parts), 1, -1))


def summary(report_path: Path) -> str:
    """``N scenes, W words; E errors, W warnings, I info; codes`` from a JSON report."""
    try:
        report = json.loads(report_path.read_text("utf-8"))
    except (OSError, ValueError):
        return "no report"
    s = report.get("summary", {})
    codes: dict[str, int] = {}
    for d in report.get("diagnostics", []):
        codes[d.get("code", "?")] = codes.get(d.get("code", "?"), 0) + 1
    top = ", ".join(f"{code} ×{n}" for code, n in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))[:4])

    def n(key: str, noun: str) -> str:
        return f"{s.get(key, 0):,} {noun}{'' if s.get(key, 0) == 1 else 's'}"

    return (f"{n('scenes', 'scene')}, {n('words', 'word')}; {n('errors', 'error')}, {n('warnings', 'warning')}, "
            f"{s.get('info', 0):,} info" + (f" ({top})" if top else ""))


def judge_export(case: Case, fmt: str, run: Run, data: bytes | None) -> list[str]:
    where = f"{case.name}: export --format {fmt}"
    if run.code not in (0, 1):
        return []            # already reported by judge_process
    if data is None:
        return [f"{where} exited {run.code} but wrote no file"]
    problems = []
    missing = sorted(n for n in set(case.markers) - markers_in(data)
                     if not (n in case.reportable and names(run.stderr, case.reportable[n])))
    if missing:
        problems.append(f"{where} left out {len(missing)} of {len(case.markers)} scene(s) "
                        f"(first: the one marked {marker(missing[0])}) without saying so")
    for path in case.too_large:
        if path not in run.stderr and Path(path).name not in run.stderr:
            problems.append(f"{where} left out `{path}` (over max-file-size) without naming it on stderr"
                            + (f" (it said: {run.stderr.strip()[:160]!r})" if run.stderr.strip() else ""))
    return problems


def run_case(case: Case, work: Path, env: dict[str, str], outcome: Outcome) -> None:
    py = [sys.executable, "-m", "novelforge"]
    out = work / f"out-{case.name}"
    out.mkdir()
    cache = work / f"cache-{case.name}"
    env = dict(env, NOVELFORGE_CACHE_DIR=str(cache), XDG_CACHE_HOME=str(cache))
    report = out / "check.json"
    steps = [("check", py + ["check", "--format", "json", "--no-cache", "--output", str(report)], None)]
    for fmt in ("epub", "md"):
        steps.append((f"export {fmt}", py + ["export", "--format", fmt, "--out", str(out / f"book.{fmt}")], fmt))
    for label, argv, fmt in steps:
        run = run_measured(label, argv, case.root, env)
        status = ("timeout" if run.timed_out else f"signal {run.signal}" if run.signal is not None
                  else f"exit {run.code}")
        outcome.figures.append((f"{case.title}: {label}",
                                f"{run.seconds:.1f} s, {run.rss / 2**20:,.0f} MB peak RSS, {status}"))
        outcome.failures += judge_process(case, run)
        if fmt is None:
            if run.code in (0, 1):
                outcome.failures += judge_check(case, report)
                outcome.figures.append((f"{case.title}: check found", summary(report)))
            continue
        target = out / f"book.{fmt}"
        data = None
        if target.is_file():
            data = epub_text(target) if fmt == "epub" else target.read_bytes()
        outcome.failures += judge_export(case, fmt, run, data)
        if target.is_file():
            target.unlink()
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


def sizes(count: int | None) -> dict[str, int]:
    if count is None:
        return dict(FULL)
    factor = count / FULL["scenes"]
    return {"big_mb": max(12, round(FULL["big_mb"] * factor)), "scenes": count,
            "depth": FULL["depth"], "lines": max(20_000, round(FULL["lines"] * factor))}


CASES = ("big-default", "big-raised", "scenes", "depth", "lines")


def run(count: int | None = None, seed: int = 0, cases: tuple[str, ...] = CASES) -> Outcome:
    """Every case of :data:`CASES` (or those named in ``cases``) at the size ``count`` gives."""
    size = sizes(count)
    outcome = Outcome("scale", "Scale edges: a big scene, many scenes, deep folders, a long scene")
    outcome.figures.append(("code measured", f"{code_version()}, copied once at the start"))
    outcome.figures.append(("bounds per command", f"{TIME_LIMIT:.0f} s, {MEMORY_LIMIT / 2**30:.0f} GB peak RSS, "
                                                  "exit 0 or 1, no traceback"))
    paragraphs = corpus_paragraphs()
    base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "TZ": "UTC",
                "PYTHONHASHSEED": str(seed), "NO_COLOR": "1"}
    builders = {
        "big-default": lambda b, r: big_scene(b, paragraphs, r, size["big_mb"], None),
        "big-raised": lambda b, r: big_scene(b, paragraphs, r, size["big_mb"], (size["big_mb"] + 10) * 1_000_000),
        "scenes": lambda b, r: many_scenes(b, paragraphs, r, size["scenes"]),
        "depth": lambda b, r: deep_folders(b, paragraphs, r, size["depth"]),
        "lines": lambda b, r: long_scene(b, paragraphs, r, size["lines"]),
    }
    unknown = set(cases) - set(builders)
    if unknown:
        raise ValueError(f"unknown scale case(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="nf-scale-") as tmp:
        work = Path(tmp)
        env = dict(base_env, HOME=str(work / "home"), **snapshot_code(work / "code"))
        for i, name in enumerate(CASES):
            if name not in cases:
                continue
            rng = random.Random(seed * 1000 + i)
            case = builders[name](work, rng)
            run_case(case, work, env, outcome)
            shutil.rmtree(case.root, ignore_errors=True)
    return outcome
