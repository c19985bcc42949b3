"""Hostile files given to ``novelforge import``, each run as a real subprocess.

The cases: zip slip (``../`` names, nested and with backslashes), absolute paths and drive
letters, a symbolic-link entry, zip bombs (a high ratio, many entries, a huge total, a huge
zip directory), XXE and entity bombs in ``document.xml`` (internal and external entities,
an external DTD), a DOCTYPE in UTF-16, in ``[Content_Types].xml`` and in a part renamed
``.dat``, a renamed part larger than ``--max-size``, a part in UTF-7, invalid, truncated,
damaged, encrypted and foreign zips, huge text (over the limit; a sparse file, never
read), oddly encoded text (UTF-16 without a byte-order mark, Latin-1 and mixed bytes
without ``--encoding``, a broken UTF-16 byte-order mark, NUL bytes, a binary file), hostile
``--encoding`` values (``rot13``, ``hex``, ``base64``), a target that already holds a
project or a file the import would write, and a target that is a file. A few files that
look odd but are fine (UTF-16 with a byte-order mark, Latin-1 with ``--encoding latin-1``)
must be imported.

Every refused case must end with exit 2 and one error line (``error: …``, plus ``= help:``
lines), no traceback; every case must write 0 bytes outside the target (the sandbox —
HOME and TMPDIR included — is compared before and after) and leave a refused target as
it was (absent, or its files unchanged); each must stay within :data:`MAX_SECONDS` and
:data:`MAX_RSS_MB` (peak resident memory of the subprocess, from ``wait4``). The builders
are those of ``tests/test_import_hostile.py`` and ``tests/test_import_hostile2.py``.

Full size: every case (39: 37 refused, 2 imported). A smaller ``count`` runs a seeded sample of them.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from bench.reliability import Outcome

ROOT = Path(__file__).resolve().parents[2]
MAX_SECONDS = 20.0
MAX_RSS_MB = 400.0
NOVEL = "Chapter 1\n\nThe first words of a novel, long enough to be a scene.\n\nChapter 2\n\nMore words.\n"


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]        # writes the input into the sandbox, returns its path
    extra: tuple[str, ...] = ()
    expect: str = "refused"             # or "imported"
    target: Callable[[Path], None] | None = None   # prepares the target folder


def _builders():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests import test_import_hostile as h1
    from tests import test_import_hostile2 as h2

    return h1, h2


def _cases() -> list[Case]:
    h1, h2 = _builders()

    def docx(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
        def make(box: Path) -> Path:
            path = box / f"{name}.docx"
            path.write_bytes(data())
            return path
        return make

    def text(name: str, data: bytes, suffix: str = ".txt") -> Callable[[Path], Path]:
        def make(box: Path) -> Path:
            path = box / f"{name}{suffix}"
            path.write_bytes(data)
            return path
        return make

    def added(entries: dict[str, bytes]) -> Callable[[], bytes]:
        return lambda: h1.rezip(h1.docx_bytes(), add=entries)

    def replaced(entries: dict[str, bytes]) -> Callable[[], bytes]:
        return lambda: h1.rezip(h1.docx_bytes(), replace=entries)

    def symlink_entry() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(h1.docx_bytes())) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info))
            link = zipfile.ZipInfo("word/media/image1.png")
            link.create_system = 3
            link.external_attr = 0o120777 << 16
            dst.writestr(link, "/etc/passwd")
        return out.getvalue()

    def many_entries() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            for i in range(60_000):
                z.writestr(f"f{i}", b"")
        return out.getvalue()

    def long_names() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
            for i in range(2000):
                z.writestr(f"word/{i:04d}" + "x" * 2100, b"")
        return out.getvalue()

    def encrypted() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(h1.docx_bytes())) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info))
        data = bytearray(out.getvalue())
        # set the "encrypted" flag of every entry, in the local headers and the directory
        for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(sig)
            while at >= 0:
                data[at + offset] |= 0x1
                at = data.find(sig, at + 4)
        return bytes(data)

    def big_renamed() -> bytes:
        rng = random.Random(1)
        words = " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
                         for _ in range(450_000))
        xml = h2.main_document()
        paragraph = b"<w:p><w:r><w:t>" + words.encode() + b"</w:t></w:r></w:p>"
        return h2.renamed_docx(xml.replace(b"<w:p>", paragraph + b"<w:p>", 1))

    external_dtd = (b'<?xml version="1.0"?>\n<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
                    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    b'<w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>')

    def huge_text(box: Path) -> Path:
        path = box / "huge.txt"
        with open(path, "wb") as fh:
            fh.truncate(60_000_000)             # sparse: nothing is written to disk
        return path

    def holds_project(target: Path) -> None:
        target.mkdir()
        (target / "novelforge.yaml").write_text("title: Mine\n", "utf-8")
        (target / "notes.md").write_text("my notes\n", "utf-8")

    def holds_a_clash(target: Path) -> None:
        (target / "manuscript/01-chapter-1").mkdir(parents=True)
        (target / "manuscript/01-chapter-1/chapter.yaml").write_text("title: Mine\n", "utf-8")

    def is_a_file(target: Path) -> None:
        target.write_text("a file, not a folder\n", "utf-8")

    plain = text("novel", NOVEL.encode())
    return [
        Case("zip slip `../../evil.txt`", docx("slip", added({"../../evil.txt": b"pwned"}))),
        Case("zip slip inside a folder `word/../../evil.txt`", docx("slip2", added({"word/../../evil.txt": b"pwned"}))),
        Case("zip slip with backslashes", docx("slip3", added({"word\\..\\..\\evil.txt": b"pwned"}))),
        Case("absolute entry name `/etc/evil`", docx("abs", added({"/etc/evil": b"pwned"}))),
        Case("drive letter entry `C:/evil.txt`", docx("drive", added({"C:/evil.txt": b"pwned"}))),
        Case("symbolic-link entry", docx("symlink", symlink_entry)),
        Case("zip bomb: 20 MB of zeros in one entry",
             docx("bomb", added({"word/media/image1.png": b"\0" * 20_000_000}))),
        Case("zip bomb: 60,000 entries", docx("many", many_entries)),
        Case("zip bomb: 30 MB in 1 MB entries under --max-size 2MB",
             docx("total", added({f"word/media/pad{i}.bin": b"\0" * 999_999 for i in range(30)})),
             ("--max-size", "2MB")),
        Case("a 4 MB zip directory", docx("names", long_names)),
        Case("XXE (external entity) in document.xml", docx("xxe", replaced({"word/document.xml": h1.EXTERNAL_ENTITY}))),
        Case("billion laughs in document.xml", docx("laughs", replaced({"word/document.xml": h1.BILLION_LAUGHS}))),
        Case("external DTD in document.xml", docx("dtd", replaced({"word/document.xml": external_dtd}))),
        Case("billion laughs in UTF-16 styles.xml",
             docx("utf16", replaced({"word/styles.xml": h1.BILLION_LAUGHS.decode().encode("utf-16")}))),
        Case("XXE in [Content_Types].xml", docx("types", replaced({"[Content_Types].xml": h1.EXTERNAL_ENTITY}))),
        Case("DOCTYPE in a part renamed `document.dat`",
             docx("renamed", lambda: h2.renamed_docx(h2.with_doctype(h2.main_document())))),
        Case("a 2.9 MB renamed part under --max-size 2MB", docx("bigpart", big_renamed), ("--max-size", "2MB")),
        Case("a part in UTF-7 hiding a DOCTYPE", docx("utf7", replaced({
            "word/styles.xml": b'<?xml version="1.0" encoding="UTF-7"?>+ADwAIQ-DOCTYPE x +AFs-+AF0APg-<x/>'}))),
        Case("not a zip at all (.docx)", text("garbage", b"this is not a zip at all", ".docx")),
        Case("truncated zip", docx("cut", lambda: h1.docx_bytes()[: len(h1.docx_bytes()) // 2])),
        Case("damaged zip (a header, then zeros)", text("damaged", b"PK\x03\x04" + b"\0" * 100, ".docx")),
        Case("encrypted zip", docx("encrypted", encrypted)),
        Case("a zip that is not a Word document", docx("foreign", _foreign_zip)),
        Case("60 MB text (over the 50 MB limit, sparse)", huge_text),
        Case("text over a 1 kB --max-size", text("big", (NOVEL * 40).encode()), ("--max-size", "1kB")),
        Case("UTF-16 without a byte-order mark", text("utf16", NOVEL.encode("utf-16-le"))),
        Case("Latin-1 without --encoding", text("latin", NOVEL.replace("first", "café").encode("latin-1"))),
        Case("mixed UTF-8 and Latin-1 bytes", text("mixed", "Chapter 1\n\nNaïve ".encode() + b"caf\xe9.\n")),
        Case("a broken UTF-16 byte-order mark",
             text("badbom", b"\xff\xfe" + NOVEL.encode("utf-16-le")[:-1] + b"\x00\xd8")),
        Case("NUL bytes in text", text("nul", NOVEL.encode() + b"\0\0\0 more")),
        Case("a PNG named .txt", text("image", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))),
        Case("--encoding rot13", plain, ("--encoding", "rot13")),
        Case("--encoding hex", plain, ("--encoding", "hex")),
        Case("--encoding base64", plain, ("--encoding", "base64")),
        Case("a target that holds a project", plain, target=holds_project),
        Case("a target with a file the import would write", plain, target=holds_a_clash),
        Case("a target that is a file", plain, target=is_a_file),
        Case("UTF-16 with a byte-order mark (fine)", text("bom", NOVEL.encode("utf-16")), expect="imported"),
        Case("Latin-1 with --encoding latin-1 (fine)",
             text("latin-ok", NOVEL.replace("first", "café").encode("latin-1")),
             ("--encoding", "latin-1"), expect="imported"),
    ]


def _foreign_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    return buf.getvalue()


def _snapshot(root: Path, skip: set[str]) -> dict[str, tuple]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames if os.path.normpath(os.path.join(rel_dir, d)) not in skip]
        for name in filenames + dirnames:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel in skip:
                continue
            st = os.lstat(os.path.join(dirpath, name))
            out[rel] = (st.st_size, st.st_mtime_ns, st.st_mode)
    return out


# A small, fresh Python starts each import and reports its resource use: Linux keeps a
# process's peak memory across exec, so a child forked from this (large) harness would
# report the harness's own peak.
_LAUNCHER = """
import json, resource, subprocess, sys, time
argv, out, err, limit = json.loads(sys.argv[1])
with open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=o, stderr=e, stdin=subprocess.DEVNULL)
    try:
        proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    took = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)     # this launcher's only child
print(json.dumps({"code": proc.returncode, "seconds": took, "maxrss_kb": usage.ru_maxrss}))
"""


def _run(box: Path, argv: list[str]) -> tuple[int, str, float, float]:
    """(exit code, standard error, seconds, peak RSS in MB) of one import subprocess."""
    import json

    logs = box / "_logs"
    logs.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(box / "home"), TMPDIR=str(box / "tmp"), NO_COLOR="1", COLUMNS="200",
               NOVELFORGE_CACHE_DIR=str(box / "cache"), PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    spec = [[sys.executable, "-m", "novelforge", *argv], str(logs / "out"), str(logs / "err"), MAX_SECONDS * 3]
    done = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, json.dumps(spec)], cwd=box, env=env,
                          capture_output=True, text=True, timeout=MAX_SECONDS * 4)
    report = json.loads(done.stdout)
    scale = 1024 if sys.platform.startswith("linux") else 1024 * 1024      # kB on Linux, bytes on macOS
    return (report["code"], (logs / "err").read_text("utf-8", "replace"), report["seconds"],
            report["maxrss_kb"] / scale)


def run(count: int | None = None, seed: int = 0) -> Outcome:
    cases = _cases()
    if count is not None and count < len(cases):
        cases = random.Random(seed).sample(cases, count)
    outcome = Outcome("hostile_import", "Hostile imports")
    times, peaks = [], []
    refused = imported = 0
    worst = ("", 0.0, 0.0)
    largest = ("", 0.0)
    with tempfile.TemporaryDirectory(prefix="nf-hostile-") as tmp:
        for n, case in enumerate(cases):
            box = Path(tmp) / f"case-{n}"
            for sub in ("home", "tmp", "cache"):
                (box / sub).mkdir(parents=True)
            source = case.make(box)
            target = box / "target"
            if case.target is not None:
                case.target(target)
            skip = {"_logs", "target"} if case.expect == "imported" else {"_logs"}
            before = _snapshot(box, skip)
            code, err, took, rss = _run(box, ["import", str(source), "--into", str(target), *case.extra])
            after = _snapshot(box, skip)
            times.append(took)
            peaks.append(rss)
            if took > worst[1]:
                worst = (case.name, took, rss)
            if rss > largest[1]:
                largest = (case.name, rss)
            lines = [ln for ln in err.splitlines() if ln.strip()]
            if case.expect == "refused":
                one_line = bool(lines) and lines[0].startswith("error: ") and all(
                    ln.startswith("  = help:") for ln in lines[1:])
                if code != 2 or not one_line or "Traceback" in err:
                    outcome.failures.append(f"{case.name}: exit {code}, {err.strip()[:200]!r}")
                else:
                    refused += 1
            else:
                scenes = list((target / "manuscript").rglob("*.md")) if target.is_dir() else []
                prose = "".join(p.read_text("utf-8") for p in scenes)
                if code != 0 or not ("words of a novel" in prose and ("café" in prose or "first" in prose)):
                    outcome.failures.append(f"{case.name}: expected an import, got exit {code}: {err.strip()[:200]!r}")
                else:
                    imported += 1
            if after != before:
                changed = sorted(set(after) ^ set(before) | {k for k in after if k in before and after[k] != before[k]})
                outcome.failures.append(f"{case.name}: wrote outside the target (or changed it): {changed[:4]}")
            if took > MAX_SECONDS:
                outcome.failures.append(f"{case.name}: took {took:.1f} s (limit {MAX_SECONDS:.0f} s)")
            if rss > MAX_RSS_MB:
                outcome.failures.append(f"{case.name}: peak memory {rss:.0f} MB (limit {MAX_RSS_MB:.0f} MB)")
            shutil.rmtree(box, ignore_errors=True)
    expected_refusals = sum(1 for c in cases if c.expect == "refused")
    outcome.figures += [
        ("cases", f"{len(cases)} ({expected_refusals} hostile, {len(cases) - expected_refusals} odd but valid)"),
        ("hostile files refused with one line and exit 2", f"{refused} of {expected_refusals}"),
        ("odd but valid files imported", f"{imported} of {len(cases) - expected_refusals}"),
        ("bytes written outside the target", "0" if not any("outside the target" in f for f in outcome.failures)
         else "some (see failures)"),
        ("time per import (median / max)", f"{statistics.median(times):.2f} s / {max(times):.2f} s"
                                           f" (slowest: {worst[0]})"),
        ("peak memory of the subprocess (median / max)", f"{statistics.median(peaks):.0f} MB / {max(peaks):.0f} MB"
                                                          f" (largest: {largest[0]})"),
    ]
    return outcome
