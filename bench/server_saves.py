"""The cost of one save of `novelforge serve`, in-process: ``gitwrite.write_file`` called
50 times in a row on a scene of a copy of examples/ember-crown in a temporary git
repository, a few rounds. Prints per save the wall time, the time the project lock is
held, the server process's own CPU time and the processes it starts (git's children not
counted). Only prints; nothing is contacted.

With ``--compare REV`` the ``gitwrite.py`` of that git revision runs too, save by save
in turn with this checkout's (each on its own repository), so both see the same load on
a shared machine:

    python3 bench/server_saves.py [--saves 50] [--rounds 5] [--compare 3f1815e~1]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
REL = "manuscript/01-ashes/01-the-summons.md"


def _module_at(rev: str):
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:novelforge/server/gitwrite.py"],
                            capture_output=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "gitwrite_then.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("gitwrite_then", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["gitwrite_then"] = module
    spec.loader.exec_module(module)
    return module


class Probe:
    """One gitwrite module with its lock timed and its processes counted."""

    def __init__(self, name: str, module) -> None:
        self.name, self.module = name, module
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.held: list[float] = []
        self.started = 0
        real = module.project_lock

        @contextmanager
        def timed(project):
            with real(project):
                t = time.perf_counter()
                try:
                    yield
                finally:
                    self.held.append(time.perf_counter() - t)
        module.project_lock = timed

    def save(self, project, text: bytes, i: int) -> None:
        from novelforge.server.projects import read_bytes, revision

        expected = revision(read_bytes(project, REL))
        before = _STARTED[0]
        t, c = time.perf_counter(), os.times()
        self.module.write_file(project, REL, text, expected=expected, message=f"Save {i}",
                               author=self.module.Author("Eddie Quill", "eddie@example.org"))
        c2 = os.times()
        self.wall.append(time.perf_counter() - t)
        self.cpu.append(c2.user + c2.system - c.user - c.system)
        self.started += _STARTED[0] - before

    def line(self) -> str:
        ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
        return (f"{self.name}: {len(self.wall)} saves: {ms(self.wall):.1f} ms per save (median), lock held "
                f"{ms(self.held):.1f} ms, server CPU {statistics.mean(self.cpu) * 1000:.1f} ms, "
                f"{self.started / len(self.wall):.1f} processes per save")


_STARTED = [0]


def _count_processes() -> None:
    real = subprocess.Popen

    class Counting(real):
        def __init__(self, *a, **kw):
            _STARTED[0] += 1
            super().__init__(*a, **kw)

    subprocess.Popen = Counting


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--compare", metavar="REV")
    args = parser.parse_args()
    os.environ.setdefault("GIT_CONFIG_GLOBAL", os.devnull)
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    from gitrepo import example_repo
    from novelforge.server import gitwrite
    from novelforge.server.projects import ServedProject, read_bytes

    probes = [Probe("this checkout", gitwrite)]
    if args.compare:
        probes.append(Probe(args.compare, _module_at(args.compare)))
    if hasattr(gitwrite, "git_version"):
        gitwrite.git_version()          # asked once per process: not a save's cost
    _count_processes()
    for r in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            repos = [ServedProject("ember", example_repo(Path(tmp) / f"ember-{i}")) for i in range(len(probes))]
            base = read_bytes(repos[0], REL)
            for i in range(args.saves):
                order = list(zip(probes, repos))
                for probe, project in (order if (i + r) % 2 == 0 else order[::-1]):
                    probe.save(project, base + f"\nSave {i}.\n".encode(), i)
    for probe in probes:
        print(probe.line())


if __name__ == "__main__":
    main()
