"""The determinism harness (bench/reliability/determinism.py) with 2 runs per project:
hash seed, file creation order, mtimes, absolute path, time zone and locale changed, every
report and book byte-identical. Full size (20 runs, every export format):
``python -m bench.reliability --only determinism``."""

from __future__ import annotations

import io
import os
import random
import zipfile

from bench.reliability import determinism


def test_outputs_are_byte_identical_across_runs():
    outcome = determinism.run(2, seed=0)
    assert outcome.ok, "\n".join(outcome.failures)
    figures = dict(outcome.figures)
    assert figures["runs per project"] == "2"
    assert "book.epub" in figures["outputs compared"] and "check.sarif" in figures["outputs compared"]


def test_the_second_run_changes_the_locale_zone_and_place():
    variants = determinism.locales()
    assert variants[0] != variants[1] and "PYTHONUTF8" in variants[1]
    assert determinism.ZONES[0] != determinism.ZONES[1]


def test_copy_is_exact_but_created_in_another_order(tmp_path):
    source = determinism.PROJECTS["ember-crown"]
    a, b = tmp_path / "a", tmp_path / "b"
    n = determinism.copy_shuffled(source, a, random.Random(1))
    assert determinism.copy_shuffled(source, b, random.Random(2)) == n > 20
    for folder, _dirs, files in os.walk(a):
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), a)
            assert (a / rel).read_bytes() == (source / rel).read_bytes() == (b / rel).read_bytes()

    def mtimes(root):
        return sorted((os.path.relpath(os.path.join(f, x), root), os.stat(os.path.join(f, x)).st_mtime_ns)
                      for f, _d, names in os.walk(root) for x in names)

    assert mtimes(a) != mtimes(b)


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data, when in entries:
            z.writestr(zipfile.ZipInfo(name, when), data)
    return buffer.getvalue()


def test_differences_are_described_with_their_first_bytes():
    text = determinism.describe(b'{"a": 1, "b": 2}', b'{"a": 1, "b": 3}')
    assert "at byte 14" in text and "2}" in text and "3}" in text
    assert "sizes 3 and 4" in determinism.describe(b"abc", b"abcd")
    old = (2000, 1, 1, 0, 0, 0)
    one = _zip([("mimetype", b"application/epub+zip", old), ("a.xhtml", b"<p>same</p>", old)])
    member = _zip([("mimetype", b"application/epub+zip", old), ("a.xhtml", b"<p>diff</p>", old)])
    stamp = _zip([("mimetype", b"application/epub+zip", old), ("a.xhtml", b"<p>same</p>", (2024, 5, 6, 7, 8, 10))])
    order = _zip([("a.xhtml", b"<p>same</p>", old), ("mimetype", b"application/epub+zip", old)])
    assert determinism.describe(one, one).startswith("the members are equal")
    assert "member a.xhtml differs" in determinism.describe(one, member)
    assert "member a.xhtml: date_time" in determinism.describe(one, stamp)
    assert "members differ" in determinism.describe(one, order)


def test_every_run_imports_the_same_copy_of_the_code(tmp_path):
    import subprocess
    import sys

    env = dict(os.environ, **determinism.snapshot_code(tmp_path))
    done = subprocess.run([sys.executable, "-c", "import novelforge; print(novelforge.__file__)"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(tmp_path / "novelforge" / "__init__.py")


SALT = '''
import json, os
_dumps = json.dumps
def dumps(obj, *args, **kwargs):
    if isinstance(obj, dict):
        obj = dict(obj, salt=os.environ.get("PYTHONHASHSEED"))
    return _dumps(obj, *args, **kwargs)
json.dumps = dumps
'''


def test_an_output_that_depends_on_the_hash_seed_is_found(monkeypatch):
    """The harness is not blind: JSON that carries the hash seed (planted through a
    sitecustomize module in the code copy) is reported with its first differing bytes."""
    snapshot, steps = determinism.snapshot_code, determinism.steps

    def salted(dest):
        env = snapshot(dest)
        (dest / "sitecustomize.py").write_text(SALT, "utf-8")
        return env

    monkeypatch.setattr(determinism, "snapshot_code", salted)
    monkeypatch.setattr(determinism, "steps", lambda formats, rng: steps(formats, rng)[:1])
    monkeypatch.setattr(determinism, "PROJECTS", {"ember-crown": determinism.PROJECTS["ember-crown"]})
    outcome = determinism.run(2, seed=0)
    assert len(outcome.failures) == 1, outcome.failures
    assert "ember-crown: check.json differed in 1 of 1 runs" in outcome.failures[0]
    assert "at byte" in outcome.failures[0] and "salt" in outcome.failures[0]
