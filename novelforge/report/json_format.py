"""``--format json``: the versioned schema documented in docs/json-format.md."""

from __future__ import annotations

import json

JSON_VERSION = 1


def as_data(report) -> dict:
    return {
        "version": JSON_VERSION,
        "summary": report.summary(),
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }


def render(report, **_options) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"
