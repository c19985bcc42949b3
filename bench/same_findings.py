#!/usr/bin/env python3
"""Do two NovelForge trees report the same findings, byte for byte?

    python3 bench/same_findings.py OLD_TREE NEW_TREE
    python3 bench/same_findings.py /tmp/main-before . --novel war_and_peace --no-seeded

For a change that must not move a finding (a speed-up, a refactor): build every project
the benchmarks build — the eight corpus novels (``bench/make_project.py``) and the seeded
benchmark's untouched and seeded projects (``bench/seeded``) — once, with OLD_TREE's
bench code, then run both trees' ``python3 -m novelforge check DIR --exit-zero`` on each,
in fresh processes with the checkout on ``PYTHONPATH``, and compare the output bytes:

* ``--format json`` and ``--format text`` (``NO_COLOR=1``) with ``--no-cache``;
* ``--format json`` twice with a cache of the tree's own (cold, then warm), so a value
  read back from the cache is compared too;
* ``--format json`` again without the stored run (the replay record removed: the
  analysis cache answers), then after one sentence is appended to the middle scene, with
  the cache and with ``--no-cache`` (the file is restored after);
* ``promises suggest --format json`` without a cache, cold and warm (no stored run), and
  after the same edit with the cache and without;
* within each tree, every run with a cache against the run without one it must equal
  (warm and analysed against cold, the edited run against its ``--no-cache`` run, suggest
  with a cache against suggest without).

Prints one line per project and output, and a unified diff (the first 40 lines) of the
first difference; exits 1 if anything differs or a run fails, 0 when all is the same.
The projects go into a temporary folder (``--workdir`` keeps them).
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

NOVELS = [
    "war_and_peace", "moby_dick", "the_worm_ouroboros", "dracula", "pride_and_prejudice",
    "adventures_of_sherlock_holmes", "a_study_in_scarlet", "the_sign_of_the_four",
]


def build_projects(tree: Path, workdir: Path, novels: list[str], seeded: bool) -> list[Path]:
    """Build the projects with ``tree``'s bench code (in a subprocess: its own imports)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        f"sys.path[:0] = [{str(tree)!r}, {str(tree / 'bench')!r}]\n"
        "import make_project\n"
        f"work = Path({str(workdir)!r})\n"
        f"for novel in {novels!r}:\n"
        "    make_project.build(novel, work / novel)\n"
    )
    if seeded:
        script += (
            "from bench.seeded import NOVELS\n"
            "from bench.seeded.build import build_untouched, load_spec\n"
            "from bench.seeded.inject import DEFAULT_SEED, seed_project\n"
            "for novel in NOVELS:\n"
            "    spec = load_spec(novel)\n"
            "    build_untouched(novel, work / f'seeded-{novel}-untouched', spec)\n"
            "    seed_project(novel, work / f'seeded-{novel}-untouched', work / f'seeded-{novel}-seeded', spec,"
            " DEFAULT_SEED)\n"
        )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=tree)
    return sorted(p for p in workdir.iterdir() if (p / "novelforge.yaml").is_file())


def run(tree: Path, python: str, args: list[str], cache: Path | None) -> bytes:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "120"
    env["NOVELFORGE_CACHE_DIR"] = str(cache) if cache is not None else str(Path(tempfile.gettempdir()) / "nf-none")
    proc = subprocess.run([python, "-m", "novelforge", *args], capture_output=True, env=env, cwd=tree)
    if proc.returncode != 0:
        raise RuntimeError(f"{tree}: novelforge {' '.join(args)} exited {proc.returncode}:\n"
                           + proc.stderr.decode(errors="replace")[-2000:])
    return proc.stdout


def outputs(tree: Path, python: str, project: Path, cache_root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    base = ["check", str(project), "--exit-zero"]
    out["json --no-cache"] = run(tree, python, base + ["--format", "json", "--no-cache"], None)
    out["text --no-cache"] = run(tree, python, base + ["--format", "text", "--no-cache"], None)
    cache = cache_root / project.name
    shutil.rmtree(cache, ignore_errors=True)
    out["json cold cache"] = run(tree, python, base + ["--format", "json"], cache)
    out["json warm cache"] = run(tree, python, base + ["--format", "json"], cache)
    shutil.rmtree(cache / "replay", ignore_errors=True)      # no stored run: the analysis cache answers
    out["json warm cache, analysed"] = run(tree, python, base + ["--format", "json"], cache)
    # one scene edited (a sentence with a new capitalised word): what the cache keeps for
    # the unchanged scenes and the book-wide rules must give a run without a cache's findings
    scenes = sorted(p for p in (project / "manuscript").rglob("*.md") if not p.name.startswith("_"))
    if scenes:
        edited = scenes[len(scenes) // 2]
        original = edited.read_bytes()
        try:
            edited.write_bytes(original + EDIT)
            out["json edited, cache"] = run(tree, python, base + ["--format", "json"], cache)
            out["json edited, --no-cache"] = run(tree, python, base + ["--format", "json", "--no-cache"], None)
        finally:
            edited.write_bytes(original)
    suggest = ["promises", "suggest", str(project), "--format", "json"]
    out["suggest --no-cache"] = run(tree, python, suggest + ["--no-cache"], None)
    out["suggest cold cache"] = run(tree, python, suggest, cache)
    shutil.rmtree(cache / "replay", ignore_errors=True)
    out["suggest warm cache, analysed"] = run(tree, python, suggest, cache)
    if scenes:    # the listing after an edit: what the cache keeps for the other scenes, and a fresh one
        try:
            edited.write_bytes(original + EDIT)
            out["suggest edited, cache"] = run(tree, python, suggest, cache)
            out["suggest edited, --no-cache"] = run(tree, python, suggest + ["--no-cache"], None)
        finally:
            edited.write_bytes(original)
    shutil.rmtree(cache, ignore_errors=True)
    return out


# appended to one scene: a name no canon has, near ones some books have, and a setup
EDIT = ("\nThe candles had burned low, and Mr. Smithers said nothing to Natasya. Little did he know that he "
        "was never to see her again.\n").encode()
# outputs of one tree that must be equal: (a run with a cache, the run it must equal)
SAME_WITHIN = (("json warm cache", "json cold cache"), ("json warm cache, analysed", "json cold cache"),
               ("json edited, cache", "json edited, --no-cache"), ("suggest cold cache", "suggest --no-cache"),
               ("suggest warm cache, analysed", "suggest --no-cache"),
               ("suggest edited, cache", "suggest edited, --no-cache"))


def show_diff(a: bytes, b: bytes, label_a: str, label_b: str) -> None:
    lines = list(difflib.unified_diff(a.decode(errors="replace").splitlines(),
                                      b.decode(errors="replace").splitlines(), label_a, label_b, lineterm=""))
    print("\n".join(lines[:40]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old", type=Path, help="the tree before the change (a git worktree)")
    ap.add_argument("new", type=Path, help="the tree after it")
    ap.add_argument("--novel", action="append", choices=NOVELS, help="only these corpus novels (repeatable)")
    ap.add_argument("--no-seeded", action="store_true", help="leave out the seeded benchmark's projects")
    ap.add_argument("--python", default=sys.executable, help="the interpreter to run both trees with")
    ap.add_argument("--workdir", type=Path, help="build the projects here and keep them")
    args = ap.parse_args(argv)
    old, new = args.old.resolve(), args.new.resolve()
    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="nf-same-")
        workdir = Path(tmp.name)
    else:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    differ = 0
    projects: list[Path] = []
    try:
        (workdir / "projects").mkdir(exist_ok=True)
        projects = build_projects(old, workdir / "projects", args.novel or NOVELS, not args.no_seeded)
        caches = workdir / "caches"
        for project in projects:
            a = outputs(old, args.python, project, caches / "old")
            b = outputs(new, args.python, project, caches / "new")
            for tree, got in (("old", a), ("new", b)):
                for mine, theirs in SAME_WITHIN:
                    if mine in got and got[mine] != got[theirs]:
                        differ += 1
                        print(f"DIFFERENT {project.name}: {tree} tree's {mine} != its {theirs}")
                        show_diff(got[theirs], got[mine], theirs, mine)
            for what in a:
                same = a[what] == b[what]
                print(f"{'same     ' if same else 'DIFFERENT'} {project.name}: {what} ({len(a[what]):,} bytes)")
                if not same:
                    differ += 1
                    show_diff(a[what], b[what], f"old {what}", f"new {what}")
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(f"{len(projects)} projects, {differ} difference(s)" if projects else "no projects built")
    return 1 if differ or not projects else 0


if __name__ == "__main__":
    sys.exit(main())
