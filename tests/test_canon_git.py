"""``novelforge canon diff`` and ``novelforge canon log`` on real temporary git repositories
made from the example novel: several commits by two authors, a branch, uncommitted edits."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from novelforge.cli import app as cli_app

EXAMPLE = ROOT / "examples" / "ember-crown"
MARA = ("Mara Quill", "mara@example.com")
JON = ("Jon Editor", "jon@example.com")


def git(repo: Path, *args: str, author=MARA, date: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    result = subprocess.run(["git", "-c", f"user.name={author[0]}", "-c", f"user.email={author[1]}",
                             "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                            cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit(repo: Path, message: str, author=MARA, day: int = 1) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, author=author, date=f"2024-05-{day:02d}T10:00:00+00:00")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def novel(tmp_path) -> Path:
    """main: first draft (Mara, 1 May) → green eyes (Jon, 2 May) → alias Vell (Jon, 4 May);
    branch `rewrite` from 2 May: Bram dies, Corvane renamed Tobias, a contract (Mara, 3 May)."""
    repo = tmp_path / "ember"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns(".novelforge"))
    git(repo, "init", "-q")
    commit(repo, "The Ember Crown, first draft", MARA, 1)
    aria = repo / "canon/characters/aria.yaml"
    edit(aria, "eyes: grey", "eyes: green")
    commit(repo, "Green eyes for Aria", JON, 2)
    git(repo, "checkout", "-q", "-b", "rewrite")
    edit(repo / "canon/characters/bram.yaml", "status: alive", "status: dead\ndied_in: the-fall")
    (repo / "canon/characters/corvane.yaml").rename(repo / "canon/characters/tobias.yaml")
    edit(repo / "canon/characters/tobias.yaml", "id: corvane", "id: tobias")
    with open(repo / "contracts/world.yaml", "a", encoding="utf-8") as fh:
        fh.write("\nno-guns:\n  type: forbid\n  terms: [rifle]\n")
    commit(repo, "Bram dies; Corvane becomes Tobias", MARA, 3)
    git(repo, "checkout", "-q", "main")
    edit(aria, "aliases: [Aria, Ostrel, the Ember Queen]", "aliases: [Aria, Ostrel, the Ember Queen, Vell]")
    commit(repo, "Another name for Aria", JON, 4)
    return repo


def call(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli_app.main(["--color", "never", *args])
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def assert_one_line_error(err: str, *needles: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: "), err
    assert all(line.startswith("  = help:") for line in lines[1:]), err
    for needle in needles:
        assert needle in lines[0], err


# ----------------------------------------------------------------------------- canon diff
def test_diff_between_two_branches(novel, capsys):
    code, out, err = call(capsys, "canon", "diff", "main..rewrite", "-p", str(novel))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Canon changes between main (") and "and rewrite (" in lines[0]
    assert lines[2:7] == [
        "characters/aria: alias `Vell` removed",
        "characters/bram: status changed from alive to dead (died in the-fall)",
        "characters/tobias: renamed from characters/corvane",
        "contract `world.no-guns`: added (forbid)",
        "",
    ]
    assert lines[-1] == "1 entity renamed, 2 entities changed, 1 contract added."


def test_three_dot_diff_starts_at_the_merge_base(novel, capsys):
    code, out, _ = call(capsys, "canon", "diff", "main...rewrite", "-p", str(novel), "--format", "json")
    assert code == 0
    data = json.loads(out)
    base = git(novel, "merge-base", "main", "rewrite").strip()
    assert data["from"] == {"label": "the merge base of main and rewrite", "commit": base}
    assert data["to"]["commit"] == git(novel, "rev-parse", "rewrite").strip()
    # Aria's new alias was added on main after the branch: not part of what the branch changed
    assert [(e["key"], e["status"]) for e in data["entities"]] == [("characters/bram", "changed"),
                                                                   ("characters/tobias", "renamed")]
    assert data["entities"][1]["old_id"] == "corvane"
    assert [c["id"] for c in data["contracts"]] == ["world.no-guns"]


def test_diff_against_the_working_tree(novel, capsys, monkeypatch):
    monkeypatch.chdir(novel / "canon")  # the project is found from a folder inside it
    code, out, _ = call(capsys, "canon", "diff")
    assert code == 0
    assert out == "No canon changes between HEAD ({}) and the working tree.\n".format(
        git(novel, "rev-parse", "HEAD").strip()[:8])
    edit(novel / "canon/characters/aria.yaml", "hair: black", "hair: silver")
    code, out, _ = call(capsys, "canon", "diff")
    assert code == 0 and "characters/aria: hair changed from black to silver" in out
    # a revision alone: from it to the working tree
    code, out, _ = call(capsys, "canon", "diff", "HEAD~2")
    assert "eyes changed from grey to green" in out and "alias `Vell` added" in out and "hair changed" in out
    code, out, _ = call(capsys, "canon", "diff", "--exit-code")
    assert code == 1
    edit(novel / "canon/characters/aria.yaml", "hair: silver", "hair: black")
    code, out, _ = call(capsys, "canon", "diff", "--exit-code")
    assert code == 0


def test_markdown_for_a_pull_request_comment(novel, capsys, tmp_path):
    target = tmp_path / "comment.md"
    code, out, _ = call(capsys, "canon", "diff", "main...rewrite", "-p", str(novel), "-f", "markdown",
                        "-o", str(target))
    assert code == 0 and out == ""
    text = target.read_text("utf-8")
    assert text.startswith("### Canon changes\n\nthe merge base of main and rewrite → `rewrite`: "
                           "1 entity renamed, 1 entity changed, 1 contract added.\n")
    assert "- `tobias` (Tobias Corvane) — renamed from `corvane`\n" in text
    assert "- `bram` (Bram Kettering): status changed from `alive` to `dead` (died in the-fall)\n" in text
    code, out, _ = call(capsys, "canon", "diff", "main..main", "-p", str(novel), "-f", "markdown")
    assert out == "No canon changes.\n"


def test_unknown_revision_is_a_one_line_error(novel, capsys):
    code, out, err = call(capsys, "canon", "diff", "main..nope", "-p", str(novel))
    assert code == 2 and out == ""
    assert_one_line_error(err, "unknown revision `nope`")


def test_not_a_git_repository(tmp_path, capsys):
    shutil.copytree(EXAMPLE, tmp_path / "loose", ignore=shutil.ignore_patterns(".novelforge", "manuscript"))
    code, _out, err = call(capsys, "canon", "diff", "-p", str(tmp_path / "loose"))
    assert code == 2
    assert_one_line_error(err, "is not inside a git repository")
    code, _out, err = call(capsys, "canon", "log", "aria", "-p", str(tmp_path / "loose"))
    assert code == 2
    assert_one_line_error(err, "is not inside a git repository")


def test_repository_without_commits(tmp_path, capsys):
    shutil.copytree(EXAMPLE, tmp_path / "new", ignore=shutil.ignore_patterns(".novelforge", "manuscript"))
    git(tmp_path / "new", "init", "-q")
    code, _out, err = call(capsys, "canon", "diff", "-p", str(tmp_path / "new"))
    assert code == 2
    assert_one_line_error(err, "no commits yet")


def test_bad_format(novel, capsys):
    code, _out, err = call(capsys, "canon", "diff", "-p", str(novel), "-f", "sarif")
    assert code == 2
    assert_one_line_error(err, "`--format sarif` is not a format of `novelforge canon diff`")


# ----------------------------------------------------------------------------- canon log
def test_log_lists_commits_with_authors_and_dates(novel, capsys):
    code, out, err = call(capsys, "canon", "log", "aria", "-p", str(novel))
    assert code == 0, err
    blocks = out.strip().split("\n\n")
    assert blocks[0] == "History of characters/aria (Aria Ostrel): 3 changes"
    heads = [b.splitlines()[0].split("  ", 3)[1:] for b in blocks[1:]]
    assert heads == [["2024-05-04 10:00", "Jon Editor", "Another name for Aria"],
                     ["2024-05-02 10:00", "Jon Editor", "Green eyes for Aria"],
                     ["2024-05-01 10:00", "Mara Quill", "The Ember Crown, first draft"]]
    assert [b.splitlines()[1].strip() for b in blocks[1:]] == [
        "alias `Vell` added", "eyes changed from grey to green", "added (Aria Ostrel)"]


def test_log_by_name_kind_and_json(novel, capsys):
    outs = [call(capsys, "canon", "log", q, "-p", str(novel), "-f", "json")[1]
            for q in ("aria", "characters/aria", "Aria Ostrel", "the ember queen")]
    assert len(set(outs)) == 1
    data = json.loads(outs[0])
    assert data["version"] == 1
    assert data["entity"] == {"kind": "characters", "id": "aria", "key": "characters/aria",
                              "name": "Aria Ostrel", "exists": True}
    assert [(e["author"], e["date"], e["status"]) for e in data["entries"]] == [
        ("Jon Editor", "2024-05-04T10:00:00+00:00", "changed"),
        ("Jon Editor", "2024-05-02T10:00:00+00:00", "changed"),
        ("Mara Quill", "2024-05-01T10:00:00+00:00", "added")]
    assert data["entries"][1]["changes"][0]["field"] == "attributes.eyes"


def test_log_limit_and_uncommitted_edits(novel, capsys):
    edit(novel / "canon/characters/aria.yaml", "hair: black", "hair: silver")
    code, out, _ = call(capsys, "canon", "log", "aria", "-p", str(novel), "--limit", "2")
    assert code == 0
    blocks = out.strip().split("\n\n")
    assert len(blocks) == 3
    assert blocks[1] == "uncommitted  (the working tree)\n    hair changed from black to silver"
    assert "Another name for Aria" in blocks[2]


def test_log_follows_a_rename_and_shows_a_deletion(novel, capsys):
    git(novel, "checkout", "-q", "rewrite")
    code, out, _ = call(capsys, "canon", "log", "tobias", "-p", str(novel))
    assert code == 0
    assert out.splitlines()[0] == "History of characters/tobias (Tobias Corvane): 2 changes"
    assert "Bram dies; Corvane becomes Tobias\n    renamed from characters/corvane" in out
    assert out.rstrip().endswith("added (Tobias Corvane)")
    (novel / "canon/characters/bram.yaml").unlink()
    commit(novel, "Bram was never there", JON, 5)
    code, out, _ = call(capsys, "canon", "log", "bram", "-p", str(novel), "-f", "markdown")
    assert code == 0
    assert out.startswith("### History of `characters/bram` (Bram Kettering)\n\nNo longer in the canon.\n")
    assert "— Jon Editor — Bram was never there\n  - removed (Bram Kettering)\n" in out
    assert "— Mara Quill — Bram dies; Corvane becomes Tobias\n  - status changed from `alive` to `dead`" in out


def test_unknown_entity_suggests_a_name(novel, capsys):
    code, out, err = call(capsys, "canon", "log", "arya", "-p", str(novel))
    assert code == 2 and out == ""
    assert_one_line_error(err, "no canon entry `arya`", "did you mean `aria`?")


def test_ambiguous_entity(novel, capsys):
    (novel / "canon/locations/aria.yaml").write_text("name: Aria's Rest\n", "utf-8")
    commit(novel, "A place named after her", MARA, 6)
    code, _out, err = call(capsys, "canon", "log", "aria", "-p", str(novel))
    assert code == 2
    assert_one_line_error(err, "characters/aria", "locations/aria")
    code, out, _ = call(capsys, "canon", "log", "locations/aria", "-p", str(novel))
    assert code == 0 and "A place named after her\n    added (Aria's Rest)" in out


def test_project_in_a_subfolder_of_the_repository(tmp_path, capsys):
    repo = tmp_path / "books"
    shutil.copytree(EXAMPLE, repo / "ember", ignore=shutil.ignore_patterns(".novelforge", "manuscript"))
    git(repo, "init", "-q")
    commit(repo, "First", MARA, 1)
    edit(repo / "ember/canon/characters/aria.yaml", "eyes: grey", "eyes: amber")
    commit(repo, "Amber", JON, 2)
    code, out, _ = call(capsys, "canon", "diff", "HEAD~1..HEAD", "-p", str(repo / "ember"))
    assert code == 0 and "characters/aria: eyes changed from grey to amber" in out
    code, out, _ = call(capsys, "canon", "log", "aria", "-p", str(repo / "ember"))
    assert code == 0 and "Jon Editor  Amber" in out


def test_log_after_a_merge_lists_each_change_once(novel, capsys):
    git(novel, "merge", "-q", "--no-ff", "-m", "Merge the rewrite", "rewrite", date="2024-05-07T10:00:00+00:00")
    code, out, _ = call(capsys, "canon", "log", "bram", "-p", str(novel))
    assert code == 0
    assert out.count("status changed from alive to dead") == 1
    assert "Merge the rewrite" not in out
    code, out, _ = call(capsys, "canon", "diff", "HEAD~1..HEAD", "-p", str(novel))
    assert "characters/tobias: renamed from characters/corvane" in out
    code, out, _ = call(capsys, "canon", "log", "tobias", "-p", str(novel))
    assert code == 0 and "renamed from characters/corvane" in out and "added (Tobias Corvane)" in out


# ----------------------------------------------------------------------------- review fixes
def test_the_pull_request_that_adds_the_novel(tmp_path, capsys):
    repo = tmp_path / "books"
    repo.mkdir()
    (repo / "README.md").write_text("A novel, soon.\n", "utf-8")
    git(repo, "init", "-q")
    commit(repo, "Empty repository", MARA, 1)
    shutil.copytree(EXAMPLE, repo, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".novelforge", "manuscript"))
    commit(repo, "The Ember Crown", MARA, 2)
    code, out, err = call(capsys, "canon", "diff", "HEAD~1..HEAD", "-p", str(repo), "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    statuses = {e["status"] for e in data["entities"]} | {c["status"] for c in data["contracts"]}
    assert statuses == {"added"}
    assert "characters/aria" in {e["key"] for e in data["entities"]}
    code, out, err = call(capsys, "canon", "diff", "HEAD~1...HEAD", "-p", str(repo))
    assert code == 0, err
    assert "characters/aria: added (Aria Ostrel)" in out
    code, _out, _err = call(capsys, "canon", "diff", "HEAD~1..HEAD", "-p", str(repo), "--exit-code")
    assert code == 1


def test_a_broken_file_is_not_a_removal(novel, capsys):
    bram = novel / "canon/characters/bram.yaml"
    good = bram.read_text("utf-8")
    bram.write_text("name: [Bram\n", "utf-8")
    commit(novel, "Oops", JON, 5)
    code, out, _ = call(capsys, "canon", "diff", "HEAD~1..HEAD", "-p", str(novel), "--exit-code")
    assert code == 0, out
    assert "removed" not in out
    assert "note: could not read `canon/characters/bram.yaml` in HEAD; its entries are not compared" in out
    bram.write_text(good.replace("eyes: brown", "eyes: hazel"), "utf-8")
    commit(novel, "Fixed, and hazel eyes", JON, 6)
    code, out, _ = call(capsys, "canon", "log", "bram", "-p", str(novel))
    assert code == 0
    assert "removed" not in out
    # the broken version is not compared: neither its "removal" nor the "addition" after it
    assert out.splitlines()[0] == "History of characters/bram (Bram Kettering): 1 change"
    assert out.count("added (Bram Kettering)") == 1 and "The Ember Crown, first draft" in out
    short = git(novel, "rev-parse", "HEAD~1").strip()[:8]
    assert out.rstrip().endswith(f"note: could not read `canon/characters/bram.yaml` in {short}; "
                                 "its entries are not compared")


def test_log_limit_says_when_it_cut_the_history(novel, capsys):
    code, out, _ = call(capsys, "canon", "log", "aria", "-p", str(novel), "-n", "2")
    assert code == 0
    assert out.splitlines()[0] == "History of characters/aria (Aria Ostrel): the last 2 changes"
    code, out, _ = call(capsys, "canon", "log", "aria", "-p", str(novel), "-n", "3")
    assert out.splitlines()[0] == "History of characters/aria (Aria Ostrel): 3 changes"
    data = json.loads(call(capsys, "canon", "log", "aria", "-p", str(novel), "-n", "1", "-f", "json")[1])
    assert data["truncated"] is True and len(data["entries"]) == 1


def test_log_walks_in_topological_order_whatever_the_dates(tmp_path, capsys):
    """A commit with a clock far ahead must not be taken for newer than its children."""
    repo = tmp_path / "skew"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns(".novelforge", "manuscript"))
    git(repo, "init", "-q")
    # the first draft, committed by a machine whose clock was weeks ahead
    commit(repo, "First draft (clock ahead)", MARA, 20)
    git(repo, "checkout", "-q", "-b", "side")
    edit(repo / "canon/characters/bram.yaml", "eyes: brown", "eyes: grey")
    commit(repo, "Grey eyes for Bram", JON, 2)
    git(repo, "checkout", "-q", "main")
    edit(repo / "canon/characters/aria.yaml", "hair: black", "hair: red")
    commit(repo, "Red hair for Aria", MARA, 3)
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge side", "side", date="2024-05-25T10:00:00+00:00")
    code, out, _ = call(capsys, "canon", "log", "bram", "-p", str(repo))
    assert code == 0
    assert "Grey eyes for Bram\n    eyes changed from brown to grey" in out
    assert out.rstrip().endswith("added (Bram Kettering)")
