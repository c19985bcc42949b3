"""Determinism: the same project gives byte-identical reports and books whatever the machine.

For each of ``count`` runs (20 at full size) and each project (examples/ember-crown and
tests/fixtures/broken-novel), the project is copied to a fresh temporary folder

- with its files created in a seeded random order (so the directory order a file system
  hands back differs: on tmpfs it is the reverse creation order) and random mtimes,
- at a different absolute path (spaces, non-ASCII names, depths; half on /dev/shm),

and every command runs in a subprocess with a different ``PYTHONHASHSEED``, ``TZ`` and
locale (``LC_ALL``/``LANG``: C.UTF-8, C, POSIX, any other installed UTF-8 locale, and
C with Python's UTF-8 mode off, an ASCII locale as on old systems), from the project folder,
a folder inside it, or from outside with the project's path as argument. Compared byte for byte with the first run:

- ``check --format json --no-cache`` and ``--format sarif`` (written with ``--output``),
- ``promises --format json`` and ``promises suggest --format json --no-cache``,
- ``export`` as EPUB, DOCX and Markdown (full size: every format),
- ``check --format json`` on standard output, which must equal the ``--output`` file,

and every exit code must be the same in every run and never 2 or 3. A difference is
reported with the first differing bytes (for EPUB and DOCX: the first differing zip
member or entry field).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from bench.reliability import Outcome

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = {"ember-crown": ROOT / "examples" / "ember-crown",
            "broken-novel": ROOT / "tests" / "fixtures" / "broken-novel"}
FULL_RUNS = 20
TIMEOUT = 120.0
# names (need tzdata) and POSIX TZ strings (do not): offsets of -10 h to +14 h, odd quarters
ZONES = ("UTC", "<+14>-14", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe",
         "Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu",
         "PST8PDT,M3.2.0,M11.1.0", "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45", "<-10>10")
PATH_PARTS = ("a", "with space", "ünïcødé", "日本語", "dot.dir", "-dash", "x" * 60, "deep/er/still", "Ω")
PROJECT_NAMES = ("book", "My Novel", "ñovela", "project-1")
ALL_FORMATS = ("epub", "docx", "md", "docx-reading", "html", "txt")
SMALL_FORMATS = ("epub", "docx", "md")


@dataclass
class Step:
    name: str            # the output it produces
    argv: list[str]      # after `python -m novelforge`
    where: str           # "root", "inside" or "outside" (then the project path is appended)
    stdout: bool = False  # the output is the standard output, not a file


def snapshot_code(dest: Path) -> dict[str, str]:
    """Copy the ``novelforge`` package (and its templates) to ``dest`` and return the
    environment that makes ``python -m novelforge`` import that copy: every run then
    measures the same code even while the working tree is being edited."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "novelforge", dest / "novelforge", ignore=ignore)
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", dest / "templates", ignore=ignore)
    return {"PYTHONPATH": str(dest), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONSAFEPATH": "1"}


def code_version() -> str:
    """``git describe``-like: the commit and how many files under novelforge/ differ from it."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "novelforge"],
                               capture_output=True, text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head or 'unknown'}" + (f" with {len(dirty)} changed file(s) under novelforge/" if dirty else "")


def locales() -> list[dict[str, str]]:
    """Locale settings to cycle through: C.UTF-8 spelled two ways, C, POSIX, every other
    installed UTF-8 locale, and C with Python's UTF-8 mode and locale coercion off."""
    legacy = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    variants = [{"LC_ALL": "C.UTF-8"}, legacy, {"LANG": "POSIX"}, {"LANG": "C.UTF-8"}, {"LC_ALL": "C"}]
    try:
        listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10).stdout.split()
    except (OSError, subprocess.SubprocessError):
        listed = []
    for name in sorted(listed):
        low = name.lower().replace("-", "")
        if low.endswith(".utf8") and not low.startswith(("c.", "posix")):
            variants.append({"LC_ALL": name})
    return variants


def copy_shuffled(source: Path, target: Path, rng: random.Random) -> int:
    """Copy ``source`` to ``target`` creating files in a random order, then give every file
    and folder a random mtime. Returns the number of files."""
    files = []
    for folder, dirs, names in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in (".novelforge", "__pycache__", ".git"))
        files += [Path(folder, n).relative_to(source) for n in sorted(names)]
    rng.shuffle(files)
    target.mkdir(parents=True)
    for rel in files:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes((source / rel).read_bytes())

    def stamp() -> int:
        return rng.randrange(40_000_000, 2_100_000_000) * 1_000_000_000 + rng.randrange(10 ** 9)

    for rel in files:
        os.utime(target / rel, ns=(stamp(), stamp()))
    for folder, _dirs, _names in sorted(os.walk(target), key=lambda w: -len(w[0])):
        os.utime(folder, ns=(stamp(), stamp()))
    return len(files)


def bases() -> list[Path]:
    """Where temporary projects go: the temp folder, and tmpfs (/dev/shm) when writable."""
    found = [Path(tempfile.gettempdir())]
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        found.append(shm)
    return found


def steps(formats: tuple[str, ...], rng: random.Random) -> list[Step]:
    def where() -> str:
        return rng.choice(("root", "inside", "outside"))

    listed = [
        Step("check.json", ["check", "--format", "json", "--no-cache", "--output", "{out}/check.json"], where()),
        Step("check.sarif", ["check", "--format", "sarif", "--no-cache", "--output", "{out}/check.sarif"], where()),
        Step("promises.json", ["promises", "--format", "json", "--output", "{out}/promises.json"],
             rng.choice(("root", "inside"))),    # `promises` takes no project argument
        Step("suggest.json", ["promises", "suggest", "--format", "json", "--no-cache"], where(), stdout=True),
    ]
    for fmt in formats:
        suffix = {"docx-reading": "reading.docx"}.get(fmt, fmt)
        listed.append(Step(f"book.{suffix}", ["export", "--format", fmt, "--out", "{out}/book." + suffix], where()))
    listed.append(Step("check.json (stdout)", ["check", "--format", "json", "--no-cache"], where(), stdout=True))
    return listed


def command(step: Step) -> str:
    """The command as a user would type it, without the temporary paths."""
    return " ".join(a for a in step.argv if "{out}" not in a and a not in ("--output", "--out"))


def first_difference(a: bytes, b: bytes) -> str:
    """Where ``b`` first differs from ``a``, with the bytes around it."""
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    lo = max(0, i - 20)
    return (f"at byte {i} (sizes {len(a)} and {len(b)}): {a[lo:i + 40]!r} vs {b[lo:i + 40]!r}")


def zip_difference(a: bytes, b: bytes) -> str | None:
    """The first member or entry field that differs between two zip files, if they are zips."""
    try:
        za, zb = zipfile.ZipFile(BytesIO(a)), zipfile.ZipFile(BytesIO(b))
    except zipfile.BadZipFile:
        return None
    names_a, names_b = za.namelist(), zb.namelist()
    if names_a != names_b:
        return f"members differ: {names_a} vs {names_b}"
    for ia, ib in zip(za.infolist(), zb.infolist()):
        for attr in ("date_time", "compress_type", "external_attr", "create_system", "extra", "comment"):
            if getattr(ia, attr) != getattr(ib, attr):
                return f"member {ia.filename}: {attr} {getattr(ia, attr)!r} vs {getattr(ib, attr)!r}"
        da, db = za.read(ia), zb.read(ib)
        if da != db:
            return f"member {ia.filename} differs " + first_difference(da, db)
    return "the members are equal; the zip container bytes differ " + first_difference(a, b)


def describe(a: bytes, b: bytes) -> str:
    return zip_difference(a, b) or first_difference(a, b)


def run_step(step: Step, project: Path, out: Path, run_dir: Path, env: dict[str, str],
             n: int) -> tuple[int | None, bytes | None, str]:
    argv = [sys.executable, "-m", "novelforge"] + [a.replace("{out}", str(out)) for a in step.argv]
    cwd = {"root": project, "inside": project / "manuscript", "outside": run_dir}[step.where]
    if step.where == "outside":
        argv.append(str(project))
    cache = run_dir / f"cache-{n}"
    env = dict(env, NOVELFORGE_CACHE_DIR=str(cache), XDG_CACHE_HOME=str(cache))
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, None, f"did not finish within {TIMEOUT:.0f} s"
    shutil.rmtree(cache, ignore_errors=True)
    err = done.stderr.decode("utf-8", "replace").strip()
    if step.stdout:
        data = done.stdout
    else:
        target = Path(argv[argv.index("--output" if "--output" in argv else "--out") + 1])
        data = target.read_bytes() if target.is_file() else None
    return done.returncode, data, err


def run(count: int | None = None, seed: int = 0) -> Outcome:
    runs = FULL_RUNS if count is None else max(2, count)
    formats = ALL_FORMATS if count is None else SMALL_FORMATS
    outcome = Outcome("determinism", "Determinism: byte-identical reports and books across machines")
    master = random.Random(seed)
    hash_seeds = master.sample(range(2 ** 32), runs)
    variants = locales()
    places = bases()
    # (project, output) -> (exit code, bytes, run) of the first run that produced it
    reference: dict[tuple[str, str], tuple[int | None, bytes | None, int]] = {}
    differing: dict[tuple[str, str], list[str]] = {}
    crashes: dict[tuple[str, str, str], list[str]] = {}      # (project, command, error) -> runs
    used: dict[str, set[str]] = {"zones": set(), "locales": set(), "bases": set()}
    compared = 0
    version = code_version()
    with tempfile.TemporaryDirectory(prefix="nf-det-code-") as code:
        code_env = snapshot_code(Path(code))
        for i in range(runs):
            rng = random.Random(master.randrange(2 ** 63))
            locale_env = variants[i % len(variants)]
            zone = ZONES[i % len(ZONES)] if i < len(ZONES) else rng.choice(ZONES)
            base = places[i % len(places)]
            settings = " ".join(f"{k}={v}" for k, v in locale_env.items())
            used["zones"].add(zone)
            used["locales"].add(settings)
            used["bases"].add(str(base))
            run_dir = Path(tempfile.mkdtemp(prefix=f"nf-det-{i}-", dir=base))
            try:
                env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(run_dir / "home"),
                       "TZ": zone, "PYTHONHASHSEED": str(hash_seeds[i]), **code_env, **locale_env}
                for label, source in PROJECTS.items():
                    parts = [rng.choice(PATH_PARTS) for _ in range(rng.randrange(0, 4))]
                    project = run_dir.joinpath(label, *parts, rng.choice(PROJECT_NAMES))
                    copy_shuffled(source, project, rng)
                    out = run_dir / label / "out"
                    out.mkdir(parents=True, exist_ok=True)
                    outputs: dict[str, bytes | None] = {}
                    for n, step in enumerate(steps(formats, rng)):
                        code_, data, err = run_step(step, project, out, run_dir, env, n)
                        key = (label, step.name)
                        how = f"run {i} (PYTHONHASHSEED={hash_seeds[i]}, TZ={zone}, {settings}, from {step.where})"
                        if code_ not in (0, 1):
                            said = next((line for line in err.splitlines() if line.strip()), "")
                            typed = f"novelforge {command(step)}{' > stdout' if step.stdout else ''}"
                            crashes.setdefault((label, typed, f"exited {code_}: {said[:200]}"), []).append(how)
                            continue
                        if not data:
                            crashes.setdefault((label, f"novelforge {command(step)}", "wrote nothing"), []).append(how)
                            continue
                        outputs[step.name] = data
                        if step.name == "check.json (stdout)" and data is not None \
                                and outputs.get("check.json") not in (None, data):
                            difference = describe(outputs["check.json"], data)
                            outcome.failures.append(f"{label}: `check --format json` on standard output differs "
                                                    f"from `--output` in {how}: {difference}")
                        if key not in reference:
                            reference[key] = (code_, data, i)
                            continue
                        compared += 1
                        ref_code, ref_data, ref_run = reference[key]
                        if code_ != ref_code:
                            differing.setdefault(key, []).append(f"exit {code_} in {how}, {ref_code} in run {ref_run}")
                        elif (data is None) != (ref_data is None):
                            differing.setdefault(key, []).append(f"no output in {how} or in run {ref_run}")
                        elif data != ref_data:
                            differing.setdefault(key, []).append(f"{how} vs run {ref_run}: {describe(ref_data, data)}")
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)
    for (label, name), notes in sorted(differing.items()):
        outcome.failures.append(f"{label}: {name} differed in {len(notes)} of {runs - 1} runs; first: {notes[0]}")
    for (label, typed, error), where in sorted(crashes.items()):
        outcome.failures.append(f"{label}: `{typed}` {error} — in {len(where)} of {runs} runs, first {where[0]}")
    names = sorted({name for _label, name in reference})
    same = sum(1 for key in reference if key not in differing)
    outcome.figures += [
        ("code measured", f"{version}, copied once so every run imports the same code"),
        ("runs per project", str(runs)),
        ("projects", ", ".join(PROJECTS)),
        ("outputs compared", ", ".join(names)),
        ("byte-identical outputs", f"{same} of {len(reference)} ({compared} comparisons with the first run"
                                   + ("; commands that crashed are not compared" if crashes else "") + ")"),
        ("PYTHONHASHSEED values", f"{runs} distinct, seeded"),
        ("time zones", ", ".join(sorted(used["zones"]))),
        ("locales", "; ".join(sorted(used["locales"]))),
        ("file systems", ", ".join(sorted(used["bases"])) + "; files created in shuffled order, random mtimes"),
    ]
    return outcome
