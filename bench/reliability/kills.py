"""Every command that writes, killed with SIGKILL at random moments.

For each command — ``export`` (DOCX and EPUB), ``import`` (into a new folder and into an
existing one), ``promises suggest --accept`` and ``--reject``, ``check --update-baseline``,
``init`` and ``hooks install --force`` — a sandbox is prepared with the target in a known
*previous* state (an earlier export, an earlier rejected-suggestions file and baseline, a
foreign pre-commit hook, no project yet), the command is run to the end on a copy to get
the *complete* state (and its run time, measured first, with the moment it first changes
its targets), and then, ``count`` times, a fresh copy runs the command as a real
subprocess that is killed (``SIGKILL`` to its process group) after a seeded random delay:
half the kills drawn uniformly from the whole run time, half from its writing phase (from
30 ms before the first change seen to the end), where a kill can hurt — most of a run is
starting Python and reading the project. Runs that end before their kill refine the run
time the delays are drawn from. After each kill:

* the target is compared byte for byte (and, for the hook, with its permission bits) with
  the previous and the complete state: *previous*, *complete*, *partial* (commands that
  write several files — ``init``, an import into an existing folder, the hook and its
  backup — may stop between two files; every file must still be whole: its previous bytes
  or its complete bytes) or *corrupt* (a failure);
* every path in the sandbox that neither the previous nor the complete state has is a
  *leftover* (a temporary file or folder).

When the kill left a partial state or leftovers, the same command is run once more (the
*next run*): it must end with the complete state and no leftover — recovery happens on
the next run. A run that ended before its kill is not counted as a kill; attempts go on
until ``count`` kills (at most ``4 × count`` attempts).

Full size: 100 kills per command on a project made from *The Adventures of Sherlock
Holmes* (the corpus), or the example novel when the corpus is missing; a small ``count``
(the test) uses the example novel. ``check`` and ``promises`` run with ``--no-cache``
(the analysis cache is not written by these commands' own writers).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.reliability import Outcome

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ember-crown"
CORPUS_NOVEL = Path("/work/shared/corpus/adventures_of_sherlock_holmes.txt")
FULL = 100
FOREIGN_HOOK = b"#!/bin/sh\necho 'a hook NovelForge did not write'\n"
IGNORED = ("home", "cache")          # the sandbox's HOME and NovelForge's cache folder
WRITE_LEAD = 0.030                   # the writing phase starts this long before the first change seen


@dataclass
class Command:
    name: str
    argv: list[str]                  # novelforge arguments, paths relative to the sandbox
    targets: tuple[str, ...]         # files or folders whose bytes are compared
    multi: bool = False              # writes several files: a partial state is allowed
    modes: bool = False              # compare permission bits too
    previous: dict = field(default_factory=dict)
    complete: dict = field(default_factory=dict)
    known_paths: set = field(default_factory=set)
    run_time: float = 0.0


@dataclass
class Tally:
    kills: int = 0
    finished_first: int = 0
    previous: int = 0
    complete: int = 0
    partial: int = 0
    corrupt: int = 0
    leftovers_after_kill: int = 0
    next_runs: int = 0
    leftovers_after_next: int = 0
    delays: list = field(default_factory=list)
    focused: int = 0
    samples: list = field(default_factory=list)


def _env(box: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(box / "home"), NOVELFORGE_CACHE_DIR=str(box / "cache"),
               XDG_CACHE_HOME=str(box / "cache"), NO_COLOR="1", COLUMNS="100", GIT_CONFIG_NOSYSTEM="1",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _novelforge(box: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "novelforge", *args], cwd=box, env=_env(box),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    if check and done.returncode != 0:
        raise RuntimeError(f"novelforge {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[:300]}")
    return done


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env=dict({k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
                            GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
                            GIT_AUTHOR_NAME="k", GIT_AUTHOR_EMAIL="k@example.org",
                            GIT_COMMITTER_NAME="k", GIT_COMMITTER_EMAIL="k@example.org"))


# ----------------------------------------------------------------------------- sandboxes
def _base(work: Path, big: bool) -> Path:
    """The shared start: the project (``novel/``), an input file for import (``in/``),
    an output folder, a HOME."""
    base = work / "base"
    (base / "out").mkdir(parents=True)
    (base / "home").mkdir()
    (base / "in").mkdir()
    if big and CORPUS_NOVEL.is_file():
        shutil.copy(CORPUS_NOVEL, base / "in" / "holmes.txt")
        _novelforge(base, "import", "in/holmes.txt", "--into", "novel", "--suggest-canon")
        (base / "in" / "holmes.txt").unlink()
    else:
        shutil.copytree(EXAMPLE, base / "novel")
    # the import's input: the project as a Word file (no corpus needed)
    _novelforge(base, "export", "novel", "--format", "docx", "--out", "in/novel.docx")
    _git(base / "novel", "init", "-q")
    _git(base / "novel", "add", "-A")
    _git(base / "novel", "commit", "-q", "-m", "start")
    return base


def _commands(base: Path) -> tuple[list[Command], str]:
    found = json.loads(_novelforge(base, "promises", "suggest", "novel", "--format", "json", "--no-cache").stdout)
    ids = [c["id"] for c in found]
    if len(ids) < 2:
        raise RuntimeError("the project has fewer than two promise suggestions")
    accept, reject, earlier = ids[0], ids[1], ids[-1]
    return [
        Command("export docx", ["export", "novel", "--format", "docx", "--out", "out/book.docx"], ("out/book.docx",)),
        Command("export epub", ["export", "novel", "--format", "epub", "--out", "out/book.epub"], ("out/book.epub",)),
        Command("import (new folder)", ["import", "in/novel.docx", "--into", "out/imported"], ("out/imported",)),
        Command("import (existing folder)", ["import", "in/novel.docx", "--into", "out/clone"], ("out/clone",),
                multi=True),
        Command("promises suggest --accept", ["promises", "suggest", "novel", "--no-cache", "--accept", accept],
                (f"novel/canon/promises/{accept}.yaml",)),
        Command("promises suggest --reject", ["promises", "suggest", "novel", "--no-cache", "--reject", reject],
                ("novel/.novelforge/promises-rejected.json",), ),
        Command("check --update-baseline", ["check", "novel", "--no-cache", "--update-baseline"],
                ("novel/.novelforge/baseline.json",)),
        Command("init", ["init", "out/new-novel", "--title", "The Killed Book", "--author", "K. Ill"],
                ("out/new-novel",), multi=True),
        Command("hooks install --force", ["hooks", "install", "novel", "--force"],
                ("novel/.git/hooks/pre-commit", "novel/.git/hooks/pre-commit.novelforge-backup"),
                multi=True, modes=True),
    ], earlier


def _prepare(cmd: Command, base: Path, folder: Path, earlier_id: str) -> None:
    """The sandbox with the command's target in its previous state."""
    shutil.copytree(base, folder, symlinks=True)
    if cmd.name.startswith("export"):
        fmt = cmd.argv[3]
        _novelforge(folder, "export", "novel", "--format", fmt, "--chapters", "1-2", "--out", cmd.targets[0])
    elif cmd.name == "import (existing folder)":
        (folder / "out/clone").mkdir()
        (folder / "out/clone/README.md").write_text("My notes on the novel.\n", "utf-8")
    elif cmd.name.endswith("--reject"):
        _novelforge(folder, "promises", "suggest", "novel", "--no-cache", "--reject", earlier_id)
    elif cmd.name.startswith("check"):
        (folder / "novel/.novelforge").mkdir(exist_ok=True)
        (folder / "novel/.novelforge/baseline.json").write_text('{"version": 1, "findings": []}\n', "utf-8")
    elif cmd.name.startswith("hooks"):
        hook = folder / "novel/.git/hooks/pre-commit"
        hook.parent.mkdir(parents=True, exist_ok=True)
        hook.write_bytes(FOREIGN_HOOK)
        hook.chmod(0o755)


def _state(box: Path, cmd: Command) -> dict[str, tuple]:
    """``{path: (bytes, mode)}`` of every file of the command's targets."""
    out: dict[str, tuple] = {}
    for target in cmd.targets:
        path = box / target
        if path.is_file() or path.is_symlink():
            paths = [path]
        else:
            paths = sorted(p for p in path.rglob("*")) if path.is_dir() else []
        for p in paths:
            if p.is_dir() and not p.is_symlink():
                continue
            rel = p.relative_to(box).as_posix()
            if ".novelforge-import-" in rel:
                continue                     # a leftover, counted as one
            try:
                data = os.readlink(p).encode() if p.is_symlink() else p.read_bytes()
                mode = (os.lstat(p).st_mode & 0o777) if cmd.modes else 0
            except OSError:
                data, mode = b"<unreadable>", 0
            out[rel] = (data, mode)
    return out


def _paths(box: Path) -> set[str]:
    found = set()
    for dirpath, dirnames, filenames in os.walk(box):
        rel_dir = os.path.relpath(dirpath, box)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in IGNORED]
        for name in dirnames + filenames:
            found.add(os.path.normpath(os.path.join(rel_dir, name)))
    return found


def _classify(cmd: Command, now: dict) -> str:
    known = set(cmd.previous) | set(cmd.complete)
    now = {path: value for path, value in now.items() if path in known}   # others are leftovers
    if now == cmd.previous:
        return "previous"
    if now == cmd.complete:
        return "complete"
    for path in set(now) | set(cmd.previous) | set(cmd.complete):
        got = now.get(path)
        if got != cmd.previous.get(path) and got != cmd.complete.get(path):
            return "corrupt"
    return "partial" if cmd.multi else "corrupt"


def _leftovers(box: Path, cmd: Command) -> list[str]:
    return sorted(_paths(box) - cmd.known_paths)


def _signature(box: Path, cmd: Command) -> tuple:
    """A cheap view of the targets (their folders' listings and the files' identities), to
    see when a run starts to change them."""
    sig = []
    for target in cmd.targets:
        path = box / target
        folder = path.parent
        while not folder.is_dir() and folder != box:
            folder = folder.parent
        try:
            sig.append(tuple(sorted(os.listdir(folder))))
            st = os.lstat(path)
            sig.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            sig.append(None)
    return tuple(sig)


def _timed_run(box: Path, cmd: Command) -> tuple[float, float]:
    """Run to the end; (run time, time of the first change to the targets), in seconds."""
    before = _signature(box, cmd)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "novelforge", *cmd.argv], cwd=box, env=_env(box),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    changed = None
    while proc.poll() is None:
        if changed is None and _signature(box, cmd) != before:
            changed = time.perf_counter() - start
        time.sleep(0.0005)
    took = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"novelforge {' '.join(cmd.argv)} exited {proc.returncode}: {err.strip()[:300]}")
    return took, took if changed is None else changed


def _shape(path: str) -> str:
    """A leftover's name with its random part masked (``.x.json.XXXXXXXX.tmp``)."""
    import re

    path = re.sub(r"\.[a-z0-9_]{8}\.tmp$", ".XXXXXXXX.tmp", path)
    return re.sub(r"(\.novelforge-import-)\d+-[A-Za-z0-9_]+", r"\1PID-XXXXXXXX", path)


def _kill_once(folder: Path, cmd: Command, delay: float) -> float | None:
    """Run the command and SIGKILL its process group after ``delay`` seconds; None when
    it was killed, else how long it ran (it had ended before the kill)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "novelforge", *cmd.argv], cwd=folder, env=_env(folder),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.perf_counter() + delay
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        time.sleep(min(left, 0.002))
        if proc.poll() is not None:
            return time.perf_counter() - start
    if proc.poll() is not None:
        return time.perf_counter() - start
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:  # pragma: no cover
        proc.kill()
        proc.wait()
    return None if proc.returncode == -signal.SIGKILL else time.perf_counter() - start


def run(count: int | None = None, seed: int = 0, only: tuple[str, ...] | None = None) -> Outcome:
    """``only``: the names of the commands to run (default: all)."""
    kills = FULL if count is None else count
    big = count is None or count >= 20
    outcome = Outcome("kills", "Every writing command killed at random moments")
    with tempfile.TemporaryDirectory(prefix="nf-kills-") as tmp:
        work = Path(tmp)
        base = _base(work, big)
        commands, earlier = _commands(base)
        outcome.figures.append(("project", "The Adventures of Sherlock Holmes (imported)"
                                if big and CORPUS_NOVEL.is_file() else "examples/ember-crown"))
        totals = Tally()
        for n, cmd in enumerate(commands):
            if only is not None and cmd.name not in only:
                continue
            rng = random.Random(f"{seed}:{cmd.name}")
            template = work / f"template-{n}"
            _prepare(cmd, base, template, earlier)
            cmd.previous = _state(template, cmd)
            times, changes = [], []
            for i in range(1 if kills < 10 else 3):
                ref = work / f"ref-{n}-{i}"
                shutil.copytree(template, ref, symlinks=True)
                took, changed = _timed_run(ref, cmd)
                times.append(took)
                changes.append(changed)
                if i == 0:
                    cmd.complete = _state(ref, cmd)
                    cmd.known_paths = _paths(template) | _paths(ref)
                elif _state(ref, cmd) != cmd.complete:
                    outcome.failures.append(f"{cmd.name}: two complete runs wrote different bytes")
                shutil.rmtree(ref)
            cmd.run_time = statistics.median(times)
            # the writing phase: this long before the end (from the first change seen, less a margin)
            tail = max(0.0, cmd.run_time - min(statistics.median(changes), cmd.run_time)) + WRITE_LEAD
            if cmd.complete == cmd.previous:
                outcome.failures.append(f"{cmd.name}: the complete state equals the previous one (a useless case)")
            tally = Tally()
            attempts = 0
            want_focused = kills // 2
            while tally.kills < kills and attempts < 4 * kills:
                attempts += 1
                # half the kills anywhere in the run, half in its writing phase, alternating
                spread_left = (kills - want_focused) - (tally.kills - tally.focused)
                focused = tally.focused < want_focused and (spread_left <= 0 or attempts % 2 == 0)
                delay = rng.uniform(max(0.0, cmd.run_time - tail) if focused else 0.0, cmd.run_time)
                box = work / f"trial-{n}-{attempts}"
                shutil.copytree(template, box, symlinks=True)
                try:
                    ran = _kill_once(box, cmd, delay)
                    if ran is not None:
                        # it ended first: its run time sharpens the estimate the delays come from
                        tally.finished_first += 1
                        times.append(ran)
                        cmd.run_time = statistics.median(times)
                        continue
                    tally.kills += 1
                    tally.delays.append(delay)
                    tally.focused += focused
                    verdict = _classify(cmd, _state(box, cmd))
                    setattr(tally, verdict, getattr(tally, verdict) + 1)
                    left = _leftovers(box, cmd)
                    if verdict == "corrupt":
                        outcome.failures.append(f"{cmd.name}: killed after {delay * 1000:.0f} ms, "
                                                f"the target is neither its previous nor its complete bytes")
                    if left:
                        tally.leftovers_after_kill += 1
                        tally.samples.extend(left[:2])
                    if left or verdict == "partial":
                        tally.next_runs += 1
                        done = _novelforge(box, *cmd.argv, check=False)
                        after = _state(box, cmd)
                        still = _leftovers(box, cmd)
                        if done.returncode not in (0, 2) or after != cmd.complete:
                            outcome.failures.append(
                                f"{cmd.name}: the run after a kill at {delay * 1000:.0f} ms did not finish the work "
                                f"(exit {done.returncode}: {done.stderr.strip()[:160]})")
                        if still:
                            tally.leftovers_after_next += 1
                            outcome.failures.append(f"{cmd.name}: left behind after the next run: "
                                                    f"{', '.join(still[:3])}")
                finally:
                    shutil.rmtree(box, ignore_errors=True)
            if tally.kills < kills:
                outcome.failures.append(f"{cmd.name}: only {tally.kills} of {kills} runs could be killed "
                                        f"({tally.finished_first} ended first)")
            for name in ("kills", "finished_first", "previous", "complete", "partial", "corrupt",
                         "leftovers_after_kill", "next_runs", "leftovers_after_next"):
                setattr(totals, name, getattr(totals, name) + getattr(tally, name))
            spread = (f"{min(tally.delays) * 1000:.0f}–{max(tally.delays) * 1000:.0f} ms" if tally.delays else "—")
            outcome.figures.append((
                f"`{cmd.name}` (runs {cmd.run_time:.2f} s, writes in its last {(tail - WRITE_LEAD) * 1000:.0f} ms; "
                f"kills at {spread}, {tally.focused} in the writing phase)",
                f"{tally.kills} kills: {tally.previous} previous, {tally.complete} complete, {tally.partial} partial "
                f"(whole files), {tally.corrupt} corrupt; leftovers after the kill {tally.leftovers_after_kill}, "
                f"after the next run {tally.leftovers_after_next} ({tally.next_runs} next runs)"))
            if tally.samples:
                fate = ("removed by the next run" if not tally.leftovers_after_next
                        else "NOT all removed by the next run")
                outcome.figures.append((f"`{cmd.name}`: leftovers seen right after a kill ({fate})",
                                        ", ".join(f"`{p}`" for p in sorted(set(_shape(p) for p in tally.samples))[:4])))
            shutil.rmtree(template, ignore_errors=True)
        outcome.figures.append(("all commands", f"{totals.kills} kills: {totals.previous} previous, {totals.complete} "
                                                f"complete, {totals.partial} partial, {totals.corrupt} corrupt; "
                                                f"{totals.leftovers_after_kill} with leftovers after the kill, "
                                                f"{totals.leftovers_after_next} after the next run"))
    return outcome
