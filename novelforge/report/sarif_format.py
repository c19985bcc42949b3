"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning. The driver lists only the rules
that fired, each with its one-sentence summary, where its documentation is (``helpUri``)
and how to read it offline (``novelforge rule CODE``): a report of one finding stays a
few kilobytes instead of carrying every rule's full documentation."""

from __future__ import annotations

import hashlib
import json

from novelforge import __version__

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule_entry(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "help": {"text": f"{rule.summary} `novelforge rule {rule.code}` shows its documentation.",
                 "markdown": f"{rule.summary} `novelforge rule {rule.code}` shows its documentation."},
        "helpUri": f"https://novelforge.invalid/rules/{rule.code}",
        "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
        "properties": {"tags": [rule.family]},
    }


def render(report, **_options) -> str:
    from novelforge.report import repository_path
    from novelforge.rules.registry import all_rules

    fired = {d.code for d in report.diagnostics}
    rules = [r for r in all_rules() if r.code in fired]
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for d in report.diagnostics:
        region = {"startLine": d.line, "startColumn": d.column}
        if d.end_line is not None:
            region["endLine"] = d.end_line
        if d.end_column is not None:
            region["endColumn"] = max(d.end_column, d.column) if d.end_line in (None, d.line) else d.end_column
        result = {
            "ruleId": d.code,
            **({"ruleIndex": index[d.code]} if d.code in index else {}),
            "level": _LEVEL[d.severity.value],
            "message": {"text": d.message + (f"\nhelp: {d.help}" if d.help else "")},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": repository_path(report, d.path), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }],
            "partialFingerprints": {
                "novelforge/v1": hashlib.sha256(f"{d.path}\0{d.code}\0{d.message}".encode()).hexdigest()[:32]
            },
        }
        props = {k: v for k, v in (("scene", d.scene), ("contract", d.contract), ("entity", d.entity)) if v}
        if props:
            result["properties"] = props
        results.append(result)
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "NovelForge",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://novelforge.invalid/",
                "rules": [_rule_entry(r) for r in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The novel's project folder."}}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
