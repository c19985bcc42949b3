"""``api.check`` of a project already loaded (issue #12): from files in memory
(``load_files``, what the server and drafting check) or from a folder (``load_project``),
with the same findings as checking the folder itself."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from novelforge import api
from novelforge.errors import NothingToCheck, OptionError, PathNotFound, UsageError
from novelforge.formats import CHECK
from novelforge.project.loader import load_files, load_project
from novelforge.rules.engine import CheckOptions

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = [ROOT / "examples" / "ember-crown", ROOT / "tests" / "fixtures" / "broken-novel"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".novelforge" not in p.parts}


def _findings(report) -> list[dict]:
    return [d.to_dict() for d in report.diagnostics]


@pytest.fixture(params=PROJECTS, ids=lambda p: p.name)
def folder(request, tmp_path) -> Path:
    return Path(shutil.copytree(request.param, tmp_path / request.param.name))


def test_a_project_in_memory_has_the_findings_of_its_folder(folder):
    on_disk = api.check(folder, use_cache=False)
    in_memory = api.check(load_files(_files(folder)))
    assert on_disk.diagnostics, "the comparison needs findings"
    assert _findings(in_memory) == _findings(on_disk)
    assert (in_memory.suppressed, in_memory.baselined, in_memory.exit_code()) == (
        on_disk.suppressed, on_disk.baselined, on_disk.exit_code())
    # the report quotes the source lines from memory, as from the files
    assert CHECK.render("text", in_memory) == CHECK.render("text", on_disk)


def test_a_loaded_folder_is_checked_with_its_cache(folder):
    expected = _findings(api.check(folder, use_cache=False))
    assert _findings(api.check(project=load_project(folder))) == expected
    assert _findings(api.check(load_project(folder))) == expected       # warm cache, same answer


def test_paths_of_a_project_in_memory_are_project_paths(folder):
    project = load_files(_files(folder))
    chapter = sorted(p.parent.relative_to(folder).as_posix() for p in folder.glob("manuscript/*/*.md"))[0]
    expected = api.check(folder, paths=[folder / chapter], use_cache=False)
    got = api.check(project, paths=[chapter])
    assert _findings(got) == _findings(expected)
    assert (got.outside, got.checked) == (expected.outside, expected.checked)
    assert got.checked < len(project.scenes)          # the limit took effect
    assert _findings(api.check(project, paths=["."])) == _findings(api.check(project))
    with pytest.raises(PathNotFound, match="`manuscript/no-such-chapter` does not exist"):
        api.check(project, paths=["manuscript/no-such-chapter"])
    with pytest.raises(UsageError, match="is not inside the project"):
        api.check(project, paths=["../elsewhere"])


@pytest.mark.parametrize("kwargs, name", [({"base": "HEAD"}, "base"), ({"changed": True}, "changed"),
                                          ({"staged": True}, "staged")])
def test_git_comparisons_need_the_folder(kwargs, name):
    project = load_files(_files(PROJECTS[0]))
    with pytest.raises(OptionError) as err:
        api.check(project, **kwargs)
    assert err.value.option == name
    assert str(err.value).startswith(f"{name} compares the files on disk with git")
    with pytest.raises(OptionError, match="not both"):
        api.check(PROJECTS[0], project=project)


def test_a_project_in_memory_writes_nothing(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("NOVELFORGE_CACHE_DIR", str(cache))
    api.check(load_files(_files(PROJECTS[0])), options=CheckOptions())
    assert not cache.exists() or not any(os.scandir(cache))


def test_a_project_in_memory_without_scenes():
    with pytest.raises(NothingToCheck):
        api.check(load_files({"novelforge.yaml": "title: Empty\n"}))


def test_a_project_in_memory_reads_its_baseline_from_memory_not_from_disk(tmp_path):
    folder = Path(shutil.copytree(PROJECTS[0], tmp_path / "book"))
    assert api.record_baseline(folder).count > 0
    files = _files(folder)
    files[".novelforge/baseline.json"] = (folder / ".novelforge" / "baseline.json").read_bytes()
    # with its baseline among its files, the project in memory reports what the folder does
    assert _findings(api.check(load_files(files))) == _findings(api.check(folder, use_cache=False)) == []
    # without it, the folder's baseline on disk (root) is not read: every finding is reported
    del files[".novelforge/baseline.json"]
    unbaselined = api.check(load_files(files, root=folder))
    assert unbaselined.diagnostics and unbaselined.baselined == 0
    files[".novelforge/baseline.json"] = b"{not json"
    with pytest.raises(Exception) as caught:
        api.check(load_files(files, root=folder))
    assert "baseline" in str(caught.value)
