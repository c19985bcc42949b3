"""The documentation is part of the product: these fail when it drifts from the code."""

from __future__ import annotations

import re

from conftest import ROOT
from novelforge.rules.registry import all_rules, catalogue_markdown


def test_rules_catalogue_is_current():
    expected = catalogue_markdown()
    actual = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert actual == expected, "docs/rules.md is stale: run `novelforge rules --format markdown > docs/rules.md`"


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    ci_command = [line for line in ci.splitlines() if "pytest" in line][0].strip()
    assert ci_command in readme


def test_readme_lists_every_rule():
    readme = (ROOT / "README.md").read_text("utf-8")
    for rule in all_rules():
        assert rule.code in readme, f"{rule.code} is missing from the README's rule table"


def test_docs_links_resolve():
    for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text("utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"
