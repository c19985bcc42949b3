"""``novelforge init --ci github|gitlab`` and ``.pre-commit-hooks.yaml``: the files are
written where CI looks for them, parse, keep untrusted text out of scripts, and every
NovelForge command line in them really runs (against a temporary git repository with a
local ``origin``; nothing touches the network)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from novelforge.cli import app as cli_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ember-crown"
SCENE = "manuscript/01-ashes/01-the-summons.md"
UNTRUSTED = ("github.head_ref", "github.event.pull_request.title", "github.event.pull_request.body",
             "github.event.pull_request.head.ref", "github.event.pull_request.head.label",
             "github.event.head_commit.message", "github.event.comment", "github.event.issue")


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG", "GIT_CONFIG_SYSTEM"):
        monkeypatch.delenv(name, raising=False)


def load_yaml(path: Path):
    return YAML(typ="safe").load(path.read_text("utf-8"))


def call(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli_app.main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def git_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", NO_COLOR="1",
               GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@x",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(extra)
    return env


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, env=git_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"git {' '.join(args)}:\n{result.stderr}"
    return result.stdout


def make_repo(tmp_path: Path, subfolder: str = "") -> tuple[Path, Path]:
    """A clone of a local ``origin`` holding the example novel on ``main``: (clone, project)."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    shutil.copytree(EXAMPLE, seed / subfolder if subfolder else seed, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".novelforge"))
    (seed / ".gitignore").write_text("**/.novelforge/\nnovelforge.sarif\nnovelforge-junit.xml\n", "utf-8")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "the book")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    return work, (work / subfolder if subfolder else work)


def propose_change(repo: Path, project: Path, scene_text: str | None = None) -> None:
    """A branch that edits a scene and a canon entry, as a pull request would."""
    git(repo, "checkout", "-q", "-b", "feature")
    scene = project / SCENE
    scene.write_text(scene_text or scene.read_text("utf-8") + "\nThe bells rang once more.\n", "utf-8")
    bram = project / "canon/characters/bram.yaml"
    bram.write_text(bram.read_text("utf-8").replace("eyes: brown", "eyes: grey"), "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a change")


def shim_path(tmp_path: Path) -> str:
    """PATH with a `novelforge` command that runs this checkout."""
    bin_dir = tmp_path / "shim"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "novelforge"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m novelforge "$@"\n', "utf-8")
    shim.chmod(0o755)
    return str(bin_dir) + os.pathsep + os.environ.get("PATH", "")


def run_script(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


# ----------------------------------------------------------------------------- GitHub
def github_expr(text: str, context: dict[str, str]) -> str:
    """Substitute the ``${{ … }}`` expressions the workflow uses."""
    def one(m: re.Match) -> str:
        expr = m.group(1).strip()
        assert expr in context, f"unexpected expression ${{{{ {expr} }}}}"
        return context[expr]
    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def step_runs(step: dict, event: str) -> bool:
    cond = step.get("if", "")
    if "github.event_name == 'pull_request'" in cond:
        return event == "pull_request"
    if "github.event_name != 'pull_request'" in cond and "||" not in cond:
        return event != "pull_request"
    return True


def run_github(workflow: dict, repo: Path, event: str, tmp_path: Path) -> dict[str, subprocess.CompletedProcess]:
    """Run the workflow's `run:` steps (all but the pip install) like the runner would."""
    summary = tmp_path / f"summary-{event}.md"
    summary.write_text("", "utf-8")
    context = {"github.base_ref": "main" if event == "pull_request" else ""}
    env = git_env(PATH=shim_path(tmp_path), GITHUB_STEP_SUMMARY=str(summary), GITHUB_ACTIONS="true")
    env.update({k: str(v) for k, v in workflow["env"].items()})
    cwd = repo / workflow["defaults"]["run"]["working-directory"]
    results = {}
    for step in workflow["jobs"]["novelforge"]["steps"]:
        if "run" not in step or "pip install" in step["run"] or not step_runs(step, event):
            continue
        step_env = dict(env)
        step_env.update({k: github_expr(str(v), context) for k, v in step.get("env", {}).items()})
        results[step["name"]] = run_script(step["run"], cwd, step_env)
    results["summary"] = summary.read_text("utf-8")
    return results


def test_github_workflow_at_the_repository_root(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    code, out, err = call(capsys, "init", "--ci", "github", str(project))
    assert code == 0, err
    path = repo / ".github/workflows/novelforge.yml"
    assert f"Added the CI workflow {path}" in out
    wf = load_yaml(path)
    assert set(wf["on"]) >= {"pull_request", "push"}
    assert wf["permissions"] == {"contents": "read", "pull-requests": "read", "security-events": "write"}
    assert wf["env"]["NOVELFORGE"].startswith("novelforge-toolchain")
    assert wf["defaults"]["run"]["working-directory"] == "."
    steps = wf["jobs"]["novelforge"]["steps"]
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert "actions/setup-python" in uses
    assert uses["actions/cache"]["with"]["path"] == ".novelforge/cache"
    assert "restore-keys" in uses["actions/cache"]["with"]
    sarif = uses["github/codeql-action/upload-sarif"]
    assert sarif["with"]["sarif_file"] == "novelforge.sarif"
    assert sarif["if"].startswith("always()")
    runs = [s["run"] for s in steps if "run" in s]
    assert any('pip install --quiet "$NOVELFORGE"' in r for r in runs)
    assert any("--format sarif --output novelforge.sarif --exit-zero" in r for r in runs)
    assert any("--changed --base" in r and "--format github" in r for r in runs)
    assert any("canon diff" in r and "$GITHUB_STEP_SUMMARY" in r for r in runs)
    # untrusted text never reaches a script; in fact no expression does
    for step in steps:
        assert "${{" not in step.get("run", ""), step
    assert not any(expr in path.read_text("utf-8") for expr in UNTRUSTED)


def test_github_workflow_runs_on_a_pull_request_and_a_push(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    assert call(capsys, "init", "--ci", "github", str(project))[0] == 0
    wf = load_yaml(repo / ".github/workflows/novelforge.yml")
    propose_change(repo, project)

    pr = run_github(wf, repo, "pull_request", tmp_path)
    for name, result in pr.items():
        if name != "summary":
            assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr
    sarif = json.loads((project / "novelforge.sarif").read_text("utf-8"))
    assert sarif["version"] == "2.1.0"
    assert "bram" in pr["summary"].lower(), pr["summary"]

    git(repo, "checkout", "-q", "main")
    push = run_github(wf, repo, "push", tmp_path)
    assert "Check the whole book" in push
    assert "Check the changed scenes" not in push
    for name, result in push.items():
        if name != "summary":
            assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"


def test_github_pull_request_with_an_error_fails_with_annotations(tmp_path, capsys):
    repo, project = make_repo(tmp_path, subfolder="novel")
    assert call(capsys, "init", "--ci", "github", str(project))[0] == 0
    wf = load_yaml(repo / ".github/workflows/novelforge.yml")
    assert wf["defaults"]["run"]["working-directory"] == "novel"
    steps = {s["name"]: s for s in wf["jobs"]["novelforge"]["steps"]}
    assert steps["Upload to code scanning"]["with"]["sarif_file"] == "novel/novelforge.sarif"
    assert steps["Cache NovelForge analyses"]["with"]["path"] == "novel/.novelforge/cache"
    text = (project / SCENE).read_text("utf-8").replace("characters: [", "characters: [nobody-at-all, ", 1)
    propose_change(repo, project, text)
    pr = run_github(wf, repo, "pull_request", tmp_path)
    check = pr["Check the changed scenes"]
    assert check.returncode == 1, check.stderr
    assert "::error file=" in check.stdout and "nobody-at-all" in check.stdout
    assert pr["Report every finding as SARIF"].returncode == 0


# ----------------------------------------------------------------------------- GitLab
def quoted_everywhere(script: str, variable: str) -> bool:
    """Every use of ``$variable`` in the script is inside double quotes."""
    for line in script.splitlines():
        for m in re.finditer(re.escape("$" + variable), line):
            if line[:m.start()].count('"') % 2 == 0:
                return False
    return True


def run_gitlab(ci: dict, repo: Path, tmp_path: Path, target_branch: str | None) -> subprocess.CompletedProcess:
    job = ci["novelforge"]
    lines = [line for line in job["before_script"] if "pip install" not in line] + job["script"]
    env = git_env(PATH=shim_path(tmp_path), CI="true")
    env.update({k: str(v) for k, v in ci["variables"].items()})
    if target_branch:
        env.update(CI_PIPELINE_SOURCE="merge_request_event", CI_MERGE_REQUEST_TARGET_BRANCH_NAME=target_branch)
    return run_script("\n".join(lines), repo, env)


def test_gitlab_pipeline(tmp_path, capsys):
    repo, project = make_repo(tmp_path, subfolder="books/novel")
    code, out, err = call(capsys, "init", "--ci", "gitlab", str(project))
    assert code == 0, err
    path = repo / ".gitlab-ci.yml"
    ci = load_yaml(path)
    assert ci["variables"]["GIT_DEPTH"] == "0"
    assert ci["variables"]["NOVELFORGE_PROJECT"] == "books/novel"
    assert ci["variables"]["NOVELFORGE"].startswith("novelforge-toolchain")
    job = ci["novelforge"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "books/novel/novelforge-junit.xml"
    assert job["cache"]["paths"] == ["books/novel/.novelforge/cache"]
    script = "\n".join(job["before_script"] + job["script"])
    for variable in ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "NOVELFORGE", "NOVELFORGE_PROJECT"):
        assert quoted_everywhere(script, variable), variable
    assert "CI_MERGE_REQUEST_TITLE" not in script and "CI_COMMIT_MESSAGE" not in script

    propose_change(repo, project)
    mr = run_gitlab(ci, repo, tmp_path, "main")
    assert mr.returncode == 0, mr.stdout + mr.stderr
    assert "Traceback" not in mr.stderr
    assert "bram" in mr.stdout.lower()
    junit = ET.parse(project / "novelforge-junit.xml").getroot()
    assert junit.tag in ("testsuites", "testsuite")

    git(repo, "checkout", "-q", "main")
    full = run_gitlab(ci, repo, tmp_path, None)
    assert full.returncode == 0, full.stdout + full.stderr


# ----------------------------------------------------------------------------- init --ci
def test_ci_outside_git_goes_beside_novelforge_yaml(tmp_path, capsys):
    code, out, err = call(capsys, "init", "--ci", "gitlab", str(tmp_path / "novel"))
    assert code == 0, err
    assert "Created a NovelForge project" in out
    assert (tmp_path / "novel/novelforge.yaml").exists()
    assert load_yaml(tmp_path / "novel/.gitlab-ci.yml")["variables"]["NOVELFORGE_PROJECT"] == "."


def test_a_new_project_in_a_repository_gets_scaffold_and_workflow(tmp_path, capsys):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    code, _out, err = call(capsys, "init", "--ci", "github", "--title", "The Gate", str(repo / "novel"))
    assert code == 0, err
    assert 'title: "The Gate"' in (repo / "novel/novelforge.yaml").read_text("utf-8")
    wf = load_yaml(repo / ".github/workflows/novelforge.yml")
    assert wf["defaults"]["run"]["working-directory"] == "novel"


@pytest.mark.parametrize("kind, dest", [("github", ".github/workflows/novelforge.yml"), ("gitlab", ".gitlab-ci.yml")])
def test_an_existing_ci_file_is_never_overwritten(tmp_path, capsys, kind, dest):
    repo, project = make_repo(tmp_path)
    (repo / dest).parent.mkdir(parents=True, exist_ok=True)
    (repo / dest).write_text("# mine\n", "utf-8")
    code, _out, err = call(capsys, "init", "--ci", kind, str(project))
    assert code == 2
    assert "Traceback" not in err and err.startswith("error: ") and "already exists" in err
    assert (repo / dest).read_text("utf-8") == "# mine\n"
    # nor is a half project scaffolded when the workflow cannot be written
    code, _out, err = call(capsys, "init", "--ci", kind, str(repo / "second"))
    assert code == 2
    assert not (repo / "second").exists()


def test_init_ci_usage_errors(tmp_path, capsys):
    code, _out, err = call(capsys, "init", "--ci", "jenkins", str(tmp_path / "x"))
    assert code == 2 and err.startswith("error: ") and "github" in err
    assert not (tmp_path / "x").exists()
    (tmp_path / "p").mkdir()
    (tmp_path / "p/novelforge.yaml").write_text("title: P\n", "utf-8")
    code, _out, err = call(capsys, "init", str(tmp_path / "p"))
    assert code == 2 and "--ci" in err
    code, _out, err = call(capsys, "init", "--ci", "github", "--title", "New", str(tmp_path / "p"))
    assert code == 2 and err.startswith("error: ")


def test_ci_templates_ship_with_the_package():
    from novelforge.cli.init import templates_dir

    assert (templates_dir() / "ci/github/novelforge.yml").is_file()
    assert (templates_dir() / "ci/gitlab/.gitlab-ci.yml").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '"templates" = "novelforge/templates"' in pyproject


# ----------------------------------------------------------------------------- pre-commit
def test_pre_commit_hooks_manifest(tmp_path):
    hooks = load_yaml(ROOT / ".pre-commit-hooks.yaml")
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"novelforge-check", "novelforge-check-all"}
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert 'novelforge = "novelforge.cli.app:main"' in pyproject
    main = by_id["novelforge-check"]
    assert main["entry"] == "novelforge check --changed"
    assert main["language"] == "python"
    assert main["pass_filenames"] is False and main["require_serial"] is True and main["always_run"] is False
    for hook in hooks:
        files = re.compile(hook["files"])
        assert files.search("manuscript/01-ashes/01-the-summons.md")
        assert files.search("canon/characters/aria.yaml") and files.search("contracts/world.yml")
        assert not files.search("tools/build.py")

    # each entry is a real command: run it the way pre-commit does, from the repository top
    repo, _project = make_repo(tmp_path)
    (repo / SCENE).write_text((repo / SCENE).read_text("utf-8") + "\nAnother line.\n", "utf-8")
    for hook in hooks:
        words = hook["entry"].split()
        assert words[0] == "novelforge"
        result = subprocess.run([sys.executable, "-m", "novelforge", *words[1:], *hook.get("args", [])],
                                cwd=repo, env=git_env(), capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{hook['id']}: {result.stdout}{result.stderr}"
