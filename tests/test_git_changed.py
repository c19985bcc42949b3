"""``novelforge check --changed``: on real temporary git repositories, the findings for the
checked scenes equal a full run's, book-wide rules stay right, and the base is chosen the
way the docs say (upstream merge base, HEAD, ``--base``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gitrepo import commit_all, edit, example_repo, git
from novelforge.project.loader import load_project
from novelforge.rules.engine import CheckOptions, check_project
from novelforge.vcs.affected import compute_changes
from novelforge.vcs.repo import GitError, GitRepo
from novelforge.vcs.worktree import blob_sha
from test_cli import assert_one_line_error, call

CH = "manuscript"
HOME = f"{CH}/07-the-kindling/02-home.md"
WARDEN = f"{CH}/01-ashes/02-the-wardens-answer.md"
SUMMONS = f"{CH}/01-ashes/01-the-summons.md"
LETTER = f"{CH}/05-the-cedar-box/02-the-letter.md"


@pytest.fixture
def repo(tmp_path) -> Path:
    return example_repo(tmp_path / "book")


def changed_run(root: Path, base: str | None = None):
    project = load_project(root)
    with GitRepo(root) as r:
        commit, label = r.base_for(base)
        changes = compute_changes(r, project, commit, label)
    opts = CheckOptions(use_cache=False, use_baseline=False, scenes=set(changes.scenes),
                        report_paths=changes.report_paths)
    return changes, check_project(project, opts)


def full_run(root: Path):
    return check_project(load_project(root), CheckOptions(use_cache=False, use_baseline=False))


def assert_same_as_full(root: Path, base: str | None = None):
    changes, part = changed_run(root, base)
    full = full_run(root)
    wanted = set(changes.scenes) | changes.report_paths
    expected = [d for d in full.diagnostics if d.path in wanted]
    assert part.diagnostics == expected
    return changes, part, full


# --------------------------------------------------------------------- the change set

def test_a_commits_listing_is_read_from_the_cache_the_second_time(repo, tmp_path, monkeypatch):
    from novelforge.analysis.keys import listing_key
    from novelforge.cache import ProjectCache

    edit(repo / SUMMONS, "\n\n", "\n\nA musket leaned by the door.\n\n", count=1)
    home = tmp_path / "cache-home"
    with GitRepo(repo) as r:
        cache = ProjectCache(repo, home)
        first = r.changed_files(r.resolve("HEAD"), cache, listing_key)
        cache.flush()
    assert first == {SUMMONS: "modified"}
    calls = []
    with GitRepo(repo) as r:
        monkeypatch.setattr(type(r.repo.git), "ls_tree", lambda *a, **k: calls.append(a) or "", raising=False)
        assert r.changed_files(r.resolve("HEAD"), ProjectCache(repo, home), listing_key) == first
        assert calls == []                                   # no git process for the listing
    with GitRepo(repo) as r:
        monkeypatch.setattr(type(r.repo.git), "ls_tree", lambda *a, **k: calls.append(a) or "", raising=False)
        r.changed_files(r.resolve("HEAD"))                   # without the cache, git is asked
        assert calls



def test_no_changes_checks_nothing(repo):
    changes, report, _ = assert_same_as_full(repo)
    assert changes.files == {} and changes.scenes == {}
    assert report.diagnostics == [] and report.summary()["scenes"] == 0


def test_prose_edit_checks_that_scene_and_its_neighbours(repo):
    edit(repo / SUMMONS, "\n\n", "\n\nA musket leaned by the door.\n\n", count=1)
    changes, report, full = assert_same_as_full(repo)
    assert changes.files == {SUMMONS: "modified"}
    assert changes.scenes[SUMMONS][0] == "changed"
    assert len(changes.scenes) < len(load_project(repo).scenes) / 2
    assert [d.code for d in report.diagnostics if d.path == SUMMONS].count("NF301") == 1


def test_canon_change_checks_scenes_that_name_or_list_the_entry(repo):
    edit(repo / "canon/characters/bram.yaml", "status: alive", "status: dead\ndied_in: riders-in-the-greywood")
    changes, report, _ = assert_same_as_full(repo)
    assert changes.entities == ["characters/bram"]
    assert "canon/characters/bram.yaml" in changes.report_paths
    assert any("lists `bram`" in why for whys in changes.scenes.values() for why in whys)
    assert sum(1 for d in report.diagnostics if d.code == "NF401") >= 5


def test_renamed_alias_finds_scenes_by_old_and_new_name(repo):
    edit(repo / "canon/characters/aria.yaml", "aliases: [Aria, Ostrel, the Ember Queen]",
         "aliases: [Aria, Ostrel]")
    changes, _report, _ = assert_same_as_full(repo)
    named = [p for p, whys in changes.scenes.items() if any("names" in w or "lists" in w for w in whys)]
    assert len(named) >= 10


def test_contract_change_checks_its_scope(repo):
    edit(repo / "contracts/world.yaml", "terms: [gunpowder, musket, pistol, cannon]",
         "terms: [gunpowder, musket, pistol, cannon, lantern]")
    changes, report, _ = assert_same_as_full(repo)
    assert changes.contracts == ["world.no-gunpowder"]
    assert any(d.code == "NF301" and "lantern" in d.message.lower() for d in report.diagnostics)


def test_cutting_a_payoff_reports_the_unpaid_setup_in_an_unchanged_scene(repo):
    edit(repo / HOME, "payoffs: [ember-queen-song, bram-oath]", "payoffs: [ember-queen-song]")
    edit(repo / HOME, "<!-- payoff: bram-oath -->\n", "")
    changes, report, _ = assert_same_as_full(repo)
    assert WARDEN in changes.scenes and changes.files == {HOME: "modified"}
    assert any(d.code == "NF501" and d.path == WARDEN and "bram-oath" in d.message for d in report.diagnostics)


def test_deleted_scene_checks_the_scenes_that_shared_its_promises_and_cast(repo):
    (repo / HOME).unlink()
    changes, report, _ = assert_same_as_full(repo)
    assert changes.files == {HOME: "deleted"}
    assert WARDEN in changes.scenes   # planted bram-oath, which home paid off
    assert any(d.code == "NF501" and "bram-oath" in d.message for d in report.diagnostics)


def test_moving_a_scene_later_in_story_time_flags_the_scenes_after_it(repo):
    text = (repo / SUMMONS).read_text("utf-8")
    old_when = next(line for line in text.splitlines() if line.startswith("when:"))
    edit(repo / SUMMONS, old_when, "when: 402-04-20 08:00")
    changes, report, _ = assert_same_as_full(repo)
    later = [d for d in report.diagnostics if d.code == "NF403"]
    assert later and all(d.path != SUMMONS for d in later)
    assert all("dated before a changed scene" in " ".join(changes.scenes[d.path]) or d.path in changes.scenes
               for d in later)


def test_settings_change_checks_everything(repo):
    edit(repo / "novelforge.yaml", "title:", "subtitle: A Novel\ntitle:")
    changes, report, full = assert_same_as_full(repo)
    assert changes.everything
    assert report.diagnostics == full.diagnostics


def test_committed_changes_on_a_branch_against_main(repo):
    git(repo, "checkout", "-q", "-b", "rewrite")
    edit(repo / SUMMONS, "\n\n", "\n\nA pistol lay on the table.\n\n", count=1)
    commit_all(repo, "a pistol")
    edit(repo / LETTER, "\n\n", "\n\nSomeone had left a cannon in the yard.\n\n", count=1)
    commit_all(repo, "a cannon")
    changes, _report, _ = assert_same_as_full(repo, base="main")
    assert set(changes.files) == {SUMMONS, LETTER}
    assert changes.base_label == "main"
    # HEAD alone: committed work is not a change
    changes, _report, _ = assert_same_as_full(repo, base="HEAD")
    assert changes.files == {}


def test_default_base_is_the_merge_base_with_upstream(tmp_path, repo):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    edit(clone / SUMMONS, "\n\n", "\n\nA pistol lay on the table.\n\n", count=1)
    commit_all(clone, "local work")
    with GitRepo(clone) as r:
        base, label = r.default_base()
        assert label == "the merge base with origin/main"
        assert base == git(repo, "rev-parse", "HEAD").strip()
    changes, _report, _ = assert_same_as_full(clone)
    assert set(changes.files) == {SUMMONS}


def test_project_in_a_subfolder_of_the_repository(tmp_path):
    top = tmp_path / "repo"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples/ember-crown", top / "books/ember",
                    ignore=shutil.ignore_patterns(".novelforge"))
    (top / "README.md").write_text("notes\n")
    git(top, "init", "-q")
    commit_all(top, "init")
    book = top / "books/ember"
    edit(book / SUMMONS, "\n\n", "\n\nA musket.\n\n", count=1)
    (top / "README.md").write_text("other notes\n")   # outside the project: not a change
    changes, _report, _ = assert_same_as_full(book)
    assert set(changes.files) == {SUMMONS}


def test_blob_hash_matches_git(repo):
    out = git(repo, "hash-object", "novelforge.yaml").strip()
    assert blob_sha((repo / "novelforge.yaml").read_bytes()) == out


# --------------------------------------------------------------------- the command

def test_cli_changed_reports_only_the_change(repo, capsys):
    edit(repo / SUMMONS, "\n\n", "\n\nA musket leaned by the door.\n\n", count=1)
    code, out, err = call(capsys, "check", str(repo), "--changed", "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert {d["path"] for d in doc["diagnostics"]} <= set(changes_paths(repo))
    assert any(d["code"] == "NF301" for d in doc["diagnostics"])
    code, out, err = call(capsys, "check", str(repo), "--changed", "--color", "never")
    assert "Checking 1 changed scene and" in err and "since HEAD" in err
    assert "NF301" in out


def changes_paths(root: Path) -> set[str]:
    changes, _ = changed_run(root)
    return set(changes.scenes) | changes.report_paths


def test_cli_changed_with_nothing_changed(repo, capsys):
    code, out, err = call(capsys, "check", str(repo), "--changed", "--color", "never")
    assert code == 0
    assert "No changes since HEAD" in err
    assert "no findings in 0 scenes" in out


def test_cli_base_implies_changed(repo, capsys):
    edit(repo / SUMMONS, "\n\n", "\n\nA musket.\n\n", count=1)
    code, out, _err = call(capsys, "check", str(repo), "--base", "HEAD", "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["scenes"] < 17


@pytest.mark.parametrize("ref", ["no-such-branch", "--upload-pack=touch /tmp/x", "HEAD~9"])
def test_cli_bad_base_is_a_one_line_error(repo, capsys, ref):
    code, _out, err = call(capsys, "check", str(repo), f"--base={ref}")
    assert code == 2
    assert_one_line_error(err)
    assert "revision" in err


def test_cli_changed_outside_git(tmp_path, capsys):
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples/ember-crown", tmp_path / "b",
                    ignore=shutil.ignore_patterns(".novelforge"))
    code, _out, err = call(capsys, "check", str(tmp_path / "b"), "--changed")
    assert code == 2
    assert_one_line_error(err)
    assert "not inside a git repository" in err


def test_cli_changed_in_a_repository_without_commits(tmp_path, capsys):
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples/ember-crown", tmp_path / "b",
                    ignore=shutil.ignore_patterns(".novelforge"))
    git(tmp_path / "b", "init", "-q")
    code, _out, err = call(capsys, "check", str(tmp_path / "b"), "--changed")
    assert code == 2
    assert_one_line_error(err)
    assert "no commits" in err


def test_cli_changed_refuses_update_baseline(repo, capsys):
    code, _out, err = call(capsys, "check", str(repo), "--changed", "--update-baseline")
    assert code == 2 and "--update-baseline" in err


def test_resolve_rejects_option_like_revisions(repo):
    with GitRepo(repo) as r:
        with pytest.raises(GitError):
            r.resolve("--output=/tmp/owned")


# --------------------------------------------------------------------- exactness, scene by scene

@pytest.mark.parametrize("book", ["tests/fixtures/broken-novel", "examples/ember-crown"])
def test_each_scene_alone_reports_what_a_full_run_reports_for_it(book, tmp_path):
    """The book-wide rules (misspelled names, variant spellings, pronouns, first person,
    promises) read only part of the book when a few scenes are checked; what they report
    for those scenes must not change. Every rule fires in the broken novel."""
    root = tmp_path / "b"
    shutil.copytree(Path(__file__).resolve().parent.parent / book, root, ignore=shutil.ignore_patterns(".novelforge"))
    project = load_project(root)
    full = check_project(project, CheckOptions(use_cache=False, use_baseline=False)).diagnostics
    for scene in project.scenes:
        part = check_project(load_project(root), CheckOptions(use_cache=False, use_baseline=False,
                                                              scenes={scene.path}))
        assert part.diagnostics == [d for d in full if d.path == scene.path], scene.path


def test_lazy_rules_in_a_changed_scene(repo):
    """A slip of a name used elsewhere, a colour against canon, a variant spelling: the
    rules that weigh the whole book give the full run's answer."""
    edit(repo / SUMMONS, "\n\n", "\n\nArya looked up. Aria's blue eyes narrowed at the gray sky.\n\n", count=1)
    changes, report, full = assert_same_as_full(repo)
    codes = {d.code for d in report.diagnostics if d.path == SUMMONS}
    assert {"NF205", "NF303"} <= codes, codes


# --------------------------------------------------------------------- --staged

def test_staged_checks_what_the_commit_would_record(repo, capsys):
    scene = repo / HOME
    good = scene.read_text("utf-8")
    edit(scene, "characters: [bram, aria]", "characters: [bram, aria, nobody]")
    git(repo, "add", HOME)
    scene.write_text(good, "utf-8")          # the file on disk is fine again; the index is not
    code, out, err = call(capsys, "check", str(repo), "--staged", "--color", "never")
    assert code == 1, out + err
    assert "NF201" in out and "`nobody`" in out
    assert "staged since HEAD" in err
    code, out, _err = call(capsys, "check", str(repo), "--changed", "--color", "never")
    assert code == 0 and "NF201" not in out   # on disk there is nothing wrong


def test_staged_ignores_unstaged_drafts(repo, capsys):
    edit(repo / HOME, "characters: [bram, aria]", "characters: [bram, aria, nobody]")   # not staged
    edit(repo / SUMMONS, "\n\n", "\n\nA quiet line.\n\n", count=1)
    git(repo, "add", SUMMONS)
    code, out, err = call(capsys, "check", str(repo), "--staged", "--format", "json")
    doc = json.loads(out)
    assert code == 0, err
    assert set(doc["changed"]["files"]) == {SUMMONS}
    assert all(d["path"] != HOME or d["code"] != "NF201" for d in doc["diagnostics"])


def test_staged_in_a_repository_without_commits(tmp_path, capsys):
    root = tmp_path / "b"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples/ember-crown", root,
                    ignore=shutil.ignore_patterns(".novelforge"))
    git(root, "init", "-q")
    git(root, "add", "-A")
    code, out, err = call(capsys, "check", str(root), "--staged", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["summary"]["scenes"] == 17
    code, _out, err = call(capsys, "check", str(root), "--staged", "--color", "never")
    assert "The first commit: checking all 17 staged scenes." in err


def test_staged_refuses_conflicts_and_unstaged_projects(repo, tmp_path, capsys):
    code, _out, err = call(capsys, "check", str(repo), "--staged", "--base", "HEAD")
    assert code == 2 and "--staged" in err
    other = tmp_path / "fresh"
    shutil.copytree(repo, other, ignore=shutil.ignore_patterns(".git"))
    git(other, "init", "-q")
    code, _out, err = call(capsys, "check", str(other), "--staged")
    assert code == 0    # a commit without the novel in it: nothing to check, the hook lets it through
    assert "not in the staging area: nothing to check" in err


def test_split_range_allows_dotted_names():
    from novelforge.vcs.worktree import split_range

    assert split_range("v1.0..v1.1") == ("v1.0", "v1.1", False)
    assert split_range("release/1.2...main") == ("release/1.2", "main", True)
    assert split_range("main..") == ("main", "HEAD", False)
    assert split_range("...feature") == ("HEAD", "feature", True)
    assert split_range("v2.0") == ("v2.0", None, False)
    assert split_range(None) == (None, None, False) and split_range("  ") == (None, None, False)


def test_the_pull_request_that_adds_the_novel_checks_all_of_it(tmp_path, capsys):
    top = tmp_path / "repo"
    top.mkdir()
    (top / "README.md").write_text("a novel, soon\n")
    git(top, "init", "-q")
    commit_all(top, "empty")
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples/ember-crown", top / "book",
                    ignore=shutil.ignore_patterns(".novelforge"))
    commit_all(top, "the novel")
    code, out, err = call(capsys, "check", str(top / "book"), "--base", "HEAD~1", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["summary"]["scenes"] == 17
    assert all(st == "added" for st in doc["changed"]["files"].values())
    code, out, err = call(capsys, "impact", str(top / "book"), "--base", "HEAD~1", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["disappeared"] == []


# --------------------------------------------------------------------- what rules read
def changed_for(root: Path, codes: set[str] | None):
    project = load_project(root)
    with GitRepo(root) as r:
        commit, label = r.base_for(None)
        return compute_changes(r, project, commit, label, codes=codes)


def test_the_scenes_checked_follow_what_the_selected_rules_read(repo):
    """A change reaches only as far as the run's rules read: a location edit checks no
    scene for the tense rule alone, and the scenes naming the location for NF402."""
    edit(repo / "canon/locations/cinderholt.yaml", "summary:", "summary: Cold.")
    assert changed_for(repo, {"NF406"}).scenes == {}
    named = changed_for(repo, {"NF402"}).scenes
    assert named and all("locations/cinderholt changed" in why[0] for why in named.values())
    assert changed_for(repo, None).scenes == changed_for(repo, {"NF402", "NF406"}).scenes


def test_a_prose_edit_pulls_neighbours_only_for_rules_that_read_them(repo):
    edit(repo / SUMMONS, "\n\n", "\n\nA musket leaned by the door.\n\n", count=1)
    assert set(changed_for(repo, {"NF406"}).scenes) == {SUMMONS}
    around = changed_for(repo, {"NF412"}).scenes       # two places at once: cast and time
    assert SUMMONS in around and len(around) > 1
    assert set(around) <= set(changed_for(repo, None).scenes)


def test_every_input_a_rule_may_read_has_a_reach():
    """A new input in the vocabulary must say how far a change to it reaches in
    ``--changed`` (vcs/affected.py REACHES); a new rule needs no edit in vcs/."""
    from novelforge.rules.registry import READS, all_rules
    from novelforge.vcs.affected import REACHES

    assert set(READS) <= set(REACHES)
    for r in all_rules():
        for term in r.reads:
            assert term.split(":", 1)[0] in REACHES, (r.code, term)


def test_working_files_leave_out_links_git_and_the_state_folder(tmp_path):
    from novelforge.vcs.worktree import working_files

    (tmp_path / "manuscript" / "01-a").mkdir(parents=True)
    (tmp_path / "manuscript" / "01-a" / "01-s.md").write_text("x")
    (tmp_path / "novelforge.yaml").write_text("title: T\n")
    for skipped in (".git", ".novelforge"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "f").write_text("x")
    (tmp_path / "manuscript" / ".novelforge").mkdir()          # only the top-level one is skipped
    (tmp_path / "manuscript" / ".novelforge" / "k.md").write_text("x")
    outside = tmp_path.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.md").write_text("x")
    (tmp_path / "manuscript" / "link.md").symlink_to(outside / "secret.md")
    (tmp_path / "manuscript" / "linked-dir").symlink_to(outside, target_is_directory=True)
    found = working_files(tmp_path)
    assert list(found) == ["manuscript/.novelforge/k.md", "manuscript/01-a/01-s.md", "novelforge.yaml"]
    assert found["novelforge.yaml"] == tmp_path / "novelforge.yaml"
