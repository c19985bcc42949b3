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

from gitrepo import EXAMPLE, ROOT, git, git_env
from test_cli import call

SCENE = "manuscript/01-ashes/01-the-summons.md"
UNTRUSTED = ("github.head_ref", "github.event.pull_request.title", "github.event.pull_request.body",
             "github.event.pull_request.head.ref", "github.event.pull_request.head.label",
             "github.event.head_commit.message", "github.event.comment", "github.event.issue")


pytestmark = pytest.mark.usefixtures("isolated_git")


def load_yaml(path: Path):
    return YAML(typ="safe").load(path.read_text("utf-8"))


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


INSTALL_STEP = "Install NovelForge"
SETUP_STEPS = ["Check out (with history, for --changed and canon diff)", "Set up Python", INSTALL_STEP,
               "Cache NovelForge analyses"]


def run_github(workflow: dict, repo: Path, event: str, tmp_path: Path) -> dict[str, subprocess.CompletedProcess]:
    """Run the workflow's `run:` steps (all but the install step) like the runner would."""
    summary = tmp_path / f"summary-{event}.md"
    summary.write_text("", "utf-8")
    context = {"github.base_ref": "main" if event == "pull_request" else ""}
    env = git_env(PATH=shim_path(tmp_path), GITHUB_STEP_SUMMARY=str(summary), GITHUB_ACTIONS="true")
    env.update({k: str(v) for k, v in workflow["env"].items()})
    env["NOVELFORGE_CACHE_DIR"] = os.environ["NOVELFORGE_CACHE_DIR"]   # the test's, not ~/.cache
    cwd = repo / workflow["defaults"]["run"]["working-directory"]
    results = {}
    for step in workflow["jobs"]["novelforge"]["steps"]:
        if "run" not in step or step["name"] == INSTALL_STEP or not step_runs(step, event):
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
    assert wf["permissions"] == {"contents": "read", "security-events": "write", "actions": "read"}
    assert "actions: read  " in path.read_text("utf-8").split("permissions:")[1].split("\n\n")[0]   # with a comment
    assert wf["env"]["NOVELFORGE"] == ""     # nothing installs until the user says from where
    assert "set NOVELFORGE at its top" in " ".join(out.split())
    assert wf["defaults"]["run"]["working-directory"] == "."
    steps = wf["jobs"]["novelforge"]["steps"]
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert "actions/setup-python" in uses
    # the cache lives outside the checkout, where the workflow tells NovelForge to keep it
    assert uses["actions/cache"]["with"]["path"] == wf["env"]["NOVELFORGE_CACHE_DIR"] == "~/.cache/novelforge"
    assert "restore-keys" in uses["actions/cache"]["with"]
    sarif = uses["github/codeql-action/upload-sarif"]
    assert sarif["with"]["sarif_file"] == "novelforge.sarif"
    assert sarif["if"].startswith("always() && hashFiles('novelforge.sarif') != ''")
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
    assert steps["Cache NovelForge analyses"]["with"]["path"] == "~/.cache/novelforge"
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


def is_install(line: str) -> bool:
    return "pip install --quiet" in line or '-z "$NOVELFORGE"' in line


def run_gitlab(ci: dict, repo: Path, tmp_path: Path, target_branch: str | None,
               path: str | None = None) -> subprocess.CompletedProcess:
    job = ci["novelforge"]
    lines = [line for line in job["before_script"] if not is_install(line)] + job["script"]
    env = git_env(PATH=path or shim_path(tmp_path), CI="true")
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
    assert ci["variables"]["NOVELFORGE"] == ""
    job = ci["novelforge"]
    assert "cache" not in job   # GitLab caches only folders in the checkout: none is read from there
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "books/novel/novelforge-junit.xml"
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
    from novelforge.scaffold import templates_dir

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
    assert 'novelforge = "novelforge.cli.entry:main"' in pyproject
    main = by_id["novelforge-check"]
    assert main["entry"] == "novelforge check --changed"
    assert main["language"] == "python"
    assert main["pass_filenames"] is False and main["require_serial"] is True
    for hook in hooks:
        assert hook["stages"] == ["pre-commit", "pre-push", "manual"]
        assert "always_run" not in hook      # false is pre-commit's default
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


# ----------------------------------------------------------------------------- the install spec
SPEC = "novelforge-toolchain @ git+https://example.org/novelforge.git@v0.1.0"


def fake_python(tmp_path: Path) -> tuple[str, Path]:
    """PATH with a `python` that records its arguments instead of installing anything."""
    bin_dir = tmp_path / "fake-python"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "python-args"
    (bin_dir / "python").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n', "utf-8")
    (bin_dir / "python").chmod(0o755)
    return str(bin_dir) + os.pathsep + os.environ.get("PATH", ""), log


def test_the_install_step_stops_until_novelforge_is_set(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    assert call(capsys, "init", "--ci", "github", str(project))[0] == 0
    wf = load_yaml(repo / ".github/workflows/novelforge.yml")
    [step] = [s for s in wf["jobs"]["novelforge"]["steps"] if s.get("name") == INSTALL_STEP]
    path, log = fake_python(tmp_path)
    env = git_env(PATH=path, **{k: str(v) for k, v in wf["env"].items()})
    result = run_script(step["run"], repo, env)
    assert result.returncode == 1
    assert result.stdout.strip() == ("::error::Set NOVELFORGE in .github/workflows/novelforge.yml to where pip "
                                     "installs NovelForge from (a git URL pinned to a tag, or a path)")
    assert not log.exists()
    result = run_script(step["run"], repo, dict(env, NOVELFORGE=SPEC))
    assert result.returncode == 0, result.stderr
    assert log.read_text("utf-8").splitlines() == ["-m", "pip", "install", "--quiet", SPEC]


@pytest.mark.parametrize("kind, dest", [("github", ".github/workflows/novelforge.yml"), ("gitlab", ".gitlab-ci.yml")])
def test_init_ci_install_spec(tmp_path, capsys, kind, dest):
    repo, project = make_repo(tmp_path)
    code, out, err = call(capsys, "init", "--ci", kind, "--install", SPEC, str(project))
    assert code == 0, err
    data = load_yaml(repo / dest)
    assert (data["env"] if kind == "github" else data["variables"])["NOVELFORGE"] == SPEC
    said = " ".join(out.split())
    assert f"pip install {SPEC}" in said and "set NOVELFORGE" not in said
    if kind == "gitlab":
        path, log = fake_python(tmp_path)
        env = git_env(PATH=path, **{k: str(v) for k, v in data["variables"].items()})
        before = [line for line in data["novelforge"]["before_script"] if is_install(line)]
        result = run_script("\n".join(before), repo, env)
        assert result.returncode == 0 and log.read_text("utf-8").splitlines()[-1] == SPEC
        result = run_script("\n".join(before), repo, dict(env, NOVELFORGE=""))
        assert result.returncode == 1 and "set NOVELFORGE in .gitlab-ci.yml" in result.stderr


def test_install_spec_usage_errors(tmp_path, capsys):
    code, _out, err = call(capsys, "init", "--install", SPEC, str(tmp_path / "x"))
    assert code == 2 and err.startswith("error: ") and "--ci" in err
    assert not (tmp_path / "x").exists()
    code, _out, err = call(capsys, "init", "--ci", "github", "--install", "a\nb", str(tmp_path / "y"))
    assert code == 2 and err.startswith("error: ")
    assert not (tmp_path / "y").exists()


def test_a_path_with_a_quote_stays_one_expression(tmp_path, capsys):
    repo, project = make_repo(tmp_path, subfolder="Bram's book")
    assert call(capsys, "init", "--ci", "github", str(project))[0] == 0
    steps = {s["name"]: s for s in load_yaml(repo / ".github/workflows/novelforge.yml")["jobs"]["novelforge"]["steps"]}
    assert "hashFiles('Bram''s book/novelforge.sarif') != ''" in steps["Upload to code scanning"]["if"]


# ----------------------------------------------------------------------------- order: the check is never skipped
def test_github_the_check_comes_first_and_reports_never_fail_the_run(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    assert call(capsys, "init", "--ci", "github", str(project))[0] == 0
    steps = load_yaml(repo / ".github/workflows/novelforge.yml")["jobs"]["novelforge"]["steps"]
    names = [s["name"] for s in steps]
    # only setup runs before the checks, so no report step failing can skip them
    assert names[:6] == [*SETUP_STEPS, "Check the changed scenes", "Check the whole book"]
    for step in steps[6:]:
        assert step.get("continue-on-error") is True, step["name"]
        assert step["if"].startswith("always()"), step["name"]
    for step in steps[4:6]:
        assert "continue-on-error" not in step


def test_gitlab_a_failing_canon_diff_does_not_skip_the_check(tmp_path, capsys):
    repo, project = make_repo(tmp_path)
    assert call(capsys, "init", "--ci", "gitlab", str(project))[0] == 0
    ci = load_yaml(repo / ".gitlab-ci.yml")
    scene = (project / SCENE).read_text("utf-8")
    (project / SCENE).write_text(scene.replace("characters: [", "characters: [nobody-at-all, ", 1), "utf-8")
    propose_change(repo, project, (project / SCENE).read_text("utf-8"))
    # a novelforge whose canon diff fails
    bin_dir = tmp_path / "failing"
    bin_dir.mkdir()
    (bin_dir / "novelforge").write_text(
        f'#!/bin/sh\nif [ "$1" = canon ]; then echo "canon diff broke" >&2; exit 2; fi\n'
        f'exec {sys.executable} -m novelforge "$@"\n', "utf-8")
    (bin_dir / "novelforge").chmod(0o755)
    mr = run_gitlab(ci, repo, tmp_path, "main", path=str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    assert "canon diff broke" in mr.stderr
    assert mr.returncode == 1, mr.stdout + mr.stderr          # the check ran and failed the job
    assert "nobody-at-all" in mr.stdout + mr.stderr
