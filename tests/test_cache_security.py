"""A checked-out repository never runs code through a store NovelForge reads (issue #11).

Earlier versions kept a diskcache store in ``.novelforge/cache`` and unpickled what it held:
a repository that committed a crafted store ran code in ``check``. These tests plant
pickle payloads in every store a project can hold, commit them, clone the repository and
run every command in the clone: the marker the payloads would write never appears. They
also test each layer of the cache on its own: it lives outside the project, its values
carry an HMAC no repository can forge, and its decoder builds plain data only.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import EXAMPLE, commit_all, git, git_env
from novelforge import cache as C
from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project

pytestmark = pytest.mark.usefixtures("isolated_git")


class _Payload:
    """Unpickling this calls ``fn(*args)``: the shape of every pickle exploit."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def payloads(marker: Path) -> list[bytes]:
    """Pickles that write ``marker`` when loaded: through a shell, and without one."""
    return [pickle.dumps(_Payload(os.system, f"touch {marker}-shell")),
            pickle.dumps(_Payload(open, f"{marker}-open", "w")),
            pickle.dumps([1, _Payload(os.system, f"touch {marker}-nested")], protocol=0)]


def markers_written(marker: Path) -> list[str]:
    return sorted(p.name for p in marker.parent.glob(marker.name + "*"))


class _Spy(C.ProjectCache):
    """Records the keys a run asks for (to plant payloads under exactly those)."""

    asked: list[str] = []

    def get(self, key, shape=None):
        type(self).asked.append(key)
        return super().get(key, shape)


def keys_a_run_reads(project_root: Path) -> list[str]:
    _Spy.asked = []
    with _Spy(project_root) as spy:
        check_project(load_project(project_root, spy), CheckOptions(), spy)
        check_project(load_project(project_root, spy), CheckOptions(), spy)
    return sorted(set(_Spy.asked))


def plant_legacy_store(folder: Path, keys: list[str], blobs: list[bytes]) -> None:
    """A diskcache store as earlier versions read it, every key holding a payload: raw
    pickled rows (what ``diskcache`` unpickles) and value files."""
    import diskcache

    folder.mkdir(parents=True, exist_ok=True)
    with diskcache.Cache(str(folder), disk_min_file_size=2**20) as store:
        for i, key in enumerate(keys):
            store.set(key, _Payload(os.system, f"touch {folder.parent.parent.parent / 'MARKER'}-legacy{i % 3}"))
    # the same payload as a large value, which diskcache keeps in a file beside the database
    (folder / "00").mkdir(exist_ok=True)
    (folder / "00" / "payload.val").write_bytes(blobs[0])


def run_cli(cwd: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "novelforge", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL)


# ---------------------------------------------------------------------- the attack
def test_a_planted_store_in_a_clone_never_runs(tmp_path):
    marker = tmp_path / "MARKER"
    origin = tmp_path / "origin"
    shutil.copytree(EXAMPLE, origin, ignore=shutil.ignore_patterns(".novelforge"))
    git(origin, "init", "-q")
    commit_all(origin, "first draft")
    # the keys a real run reads, so the planted values sit exactly where a lookup lands
    keys = keys_a_run_reads(origin)
    assert any(k.startswith("run:") for k in keys) and any(k.startswith("idx:") for k in keys)
    blobs = payloads(marker)
    state = origin / ".novelforge"
    plant_legacy_store(state / "cache", keys, blobs)
    # every other file a project may hold under .novelforge/, as a pickle
    for name in ("baseline.json", "promises-rejected.json", "index.pkl", "cache.db", "llm-cache.db",
                 "spend.json", "session.pickle"):
        (state / name).write_bytes(blobs[len(name) % len(blobs)])
    git(origin, "add", "-f", ".novelforge")
    commit_all(origin, "a helpful cache")
    # a second commit for --changed and canon diff to compare with
    scene = next((origin / "manuscript").rglob("*.md"))
    scene.write_text(scene.read_text("utf-8") + "\nArya waited.\n", "utf-8")
    commit_all(origin, "a new line")

    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    assert (clone / ".novelforge" / "cache" / "cache.db").is_file()
    home = tmp_path / "home"
    env = git_env(HOME=str(home), NOVELFORGE_CACHE_DIR=str(tmp_path / "user-cache"))
    out = tmp_path / "out"
    out.mkdir()
    promise = next(iter(load_project(clone).promises))
    commands = [
        ("check",), ("check", "--format", "json"), ("check", "--changed", "--base", "HEAD~1"),
        ("check", "--staged"), ("check", "--no-cache"), ("check", "--format", "sarif"),
        ("promises",), ("promises", "--format", "html", "--output", str(out / "ledger.html")),
        ("promises", "suggest"), ("promises", "suggest", "--payoffs", promise),
        ("impact", "--base", "HEAD~1"), ("impact", "--set", "aria.eyes=green"),
        ("canon", "diff", "HEAD~1..HEAD"), ("canon", "log", "aria"),
        ("rules", "."), ("rule", "NF205"), ("schema",), ("hooks", "status"), ("hooks", "install"),
        ("init", "--ci", "github", "."), ("import", str(EXAMPLE / "manuscript" / "01-ashes" / "01-the-summons.md"),
                                          "--into", str(out / "imported")),
        *(("export", "--format", fmt, "--out", str(out / f"book.{fmt}"))
          for fmt in ("docx", "docx-reading", "epub", "md", "html", "txt")),
        ("check", "--update-baseline"), ("check",),
    ]
    for args in commands:
        result = run_cli(clone, *args, env=env)
        assert result.returncode in (0, 1, 2), (args, result.returncode, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, (args, result.stderr[-2000:])
        assert markers_written(marker) == [], (args, markers_written(marker))
        if args == ("check",):
            # the committed cache is named, and how to take it out of the repository
            assert ".novelforge/cache` is not read" in " ".join(result.stderr.split())
            assert "git rm -r --cached .novelforge/cache" in " ".join(result.stderr.split())
    assert markers_written(marker) == []
    # the second plain check was served by the cache in the user's folder, not by the clone's
    user_cache = tmp_path / "user-cache"
    assert (user_cache / C.KEY_FILE).is_file() and any((user_cache / "projects").iterdir())
    assert stat.S_IMODE((user_cache / C.KEY_FILE).stat().st_mode) == 0o600


# ---------------------------------------------------------------------- each layer alone
@pytest.fixture
def project(tmp_path):
    root = tmp_path / "novel"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".novelforge"))
    return root


def findings(root: Path, cache) -> list[tuple]:
    report = check_project(load_project(root, cache), CheckOptions(), cache)
    return [d.sort_key() for d in report.diagnostics], report


def test_the_cache_lives_outside_the_project(project, tmp_path):
    with C.ProjectCache(project) as cache:
        findings(project, cache)
    assert cache.path is not None and not C.inside(cache.path, project)
    assert cache.path.parent.parent == Path(os.environ[C.CACHE_ENV])
    assert not (project / ".novelforge" / "cache").exists()
    # keyed by the real path: the same project through a link shares its cache
    link = tmp_path / "link"
    link.symlink_to(project)
    assert C.project_cache_dir(link) == C.project_cache_dir(project)


def test_a_cache_folder_inside_the_project_is_refused(project, monkeypatch):
    monkeypatch.setenv(C.CACHE_ENV, str(project / ".cache"))
    with C.ProjectCache(project) as cache:
        plain, _ = findings(project, None)
        assert findings(project, cache)[0] == plain
    assert cache.problem and "inside the project" in cache.problem
    assert not (project / ".cache").exists()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file ownership is POSIX")
def test_a_cache_folder_others_can_write_is_refused(project, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(C.CACHE_ENV, str(shared))
    with C.ProjectCache(project) as cache:
        findings(project, cache)
    assert cache.problem and "other users can write" in cache.problem
    assert not (shared / C.KEY_FILE).exists()


def test_a_value_without_a_valid_tag_is_never_decoded(tmp_path):
    marker = tmp_path / "MARKER"
    key = os.urandom(32)
    for blob in payloads(marker):
        assert C.decode(key, "run:x", blob) is None                           # no tag at all
        forged = C.MAGIC + os.urandom(32) + blob
        assert C.decode(key, "run:x", forged) is None                         # a wrong tag
        other_key = C.encode(os.urandom(32), "run:x", 1)[:4 + 32] + blob
        assert C.decode(key, "run:x", other_key) is None
    good = C.encode(key, "run:x", [1, "two"])
    assert C.decode(key, "run:x", good) == [1, "two"]
    assert C.decode(key, "run:y", good) is None          # a value moved to another key
    flipped = bytearray(good)
    flipped[-1] ^= 1
    assert C.decode(key, "run:x", bytes(flipped)) is None
    assert markers_written(marker) == []


def test_the_decoder_builds_plain_data_only_even_under_a_valid_tag(tmp_path):
    """With the key stolen, a payload still cannot call anything: the unpickler resolves
    no global outside NovelForge's own data classes."""
    marker = tmp_path / "MARKER"
    key = os.urandom(32)
    for blob in payloads(marker):
        tag = C.hmac.new(key, b"k\0" + blob, C.hashlib.sha256).digest()
        assert C.decode(key, "k", C.MAGIC + tag + blob) is None
    for module, name in (("builtins", "eval"), ("os", "system"), ("subprocess", "Popen"),
                         ("novelforge.cache", "ProjectCache"), ("builtins", "getattr")):
        blob = b"\x80\x05\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c" + bytes([len(module)]) + module.encode() \
            + b"\x8c" + bytes([len(name)]) + name.encode() + b"\x93."
        tag = C.hmac.new(key, b"k\0" + blob, C.hashlib.sha256).digest()
        assert C.decode(key, "k", C.MAGIC + tag + blob) is None, (module, name)
    assert markers_written(marker) == []


def test_real_values_round_trip_through_the_allow_list(project):
    """Everything a run stores comes back (so the allow list is complete): the second run
    is served by the cache, with the same findings."""
    with C.ProjectCache(project) as cache:
        first, _ = findings(project, cache)
    with C.ProjectCache(project) as cache:
        second, report = findings(project, cache)
    assert second == first and report.from_cache and cache.hits > 0
    keys = keys_a_run_reads(project)
    with C.ProjectCache(project) as cache:
        cache._open()
        for key in keys:
            blob = cache._cache.get(key)
            if blob is not None:
                assert C.decode(cache._key, key, blob) is not None, key


def test_values_of_the_wrong_shape_are_misses(project):
    """A value that decodes but is not what the caller expects (a damaged or older entry)
    costs speed, never a wrong finding or a crash."""
    plain, _ = findings(project, None)
    keys = keys_a_run_reads(project)
    for junk in ("text", 7, None, [], ["not a finding"], {"a": 1}, (1, 2, 3, 4, 5), (None,) * 5, True):
        with C.ProjectCache(project) as cache:
            for key in keys:
                cache.set(key, junk)
        with C.ProjectCache(project) as cache:
            assert findings(project, cache)[0] == plain, junk


def test_a_store_database_of_rows_that_are_not_bytes_is_refused(project):
    """Even in the user's own folder, diskcache is never asked to unpickle a row."""
    import diskcache

    with C.ProjectCache(project) as cache:
        findings(project, cache)
        folder = cache.path
    keys = keys_a_run_reads(project)
    marker = project.parent / "MARKER"
    with diskcache.Cache(str(folder)) as raw:      # the stock Disk: pickled rows
        for key in keys:
            raw.set(key, _Payload(os.system, f"touch {marker}"))
    plain, _ = findings(project, None)
    with C.ProjectCache(project) as cache:
        assert findings(project, cache)[0] == plain
    assert not marker.exists()


def test_the_legacy_folder_is_named_and_never_read(project, tmp_path, capsys):
    from novelforge.cli import app

    plant_legacy_store(project / ".novelforge" / "cache", ["run:x"], payloads(tmp_path / "MARKER"))
    with pytest.raises(SystemExit) as exc:
        app.main(["check", str(project)])
    assert exc.value.code in (0, 1)
    text = " ".join(capsys.readouterr().err.split())
    assert "`.novelforge/cache` is not read" in text and "git rm" not in text   # not in git: just delete it
    assert markers_written(tmp_path / "MARKER") == []
    assert not C.legacy_warnings(tmp_path)


def test_a_batch_of_writes_keeps_the_size_limit(project):
    """Sets do not cull one by one (that was half of a cold run's cache write); the batch
    culls once, so the store still stays under its size limit."""
    with C.ProjectCache(project) as cache:
        cache.set("first", "x" * 50_000)
        cache.flush()
        cache._cache.reset("size_limit", 200_000)
        for i in range(20):
            cache.set(f"k{i}", "y" * 50_000)
        cache.flush()
        assert len(cache._cache) < 21
        assert cache.get("k19") == "y" * 50_000      # the newest stays
