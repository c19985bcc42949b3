"""``--format json``: the versioned schema documented in docs/json-format.md."""

from __future__ import annotations

from novelforge.formats import CHECK, dump_json

JSON_VERSION = CHECK["json"].version


def as_data(report) -> dict:
    data = {
        "version": JSON_VERSION,
        "summary": report.summary(),
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }
    changes = report.changes
    if changes is not None:
        data["changed"] = {
            "base": changes.base,
            "base_label": changes.base_label,
            "files": dict(sorted(changes.files.items())),
            "scenes": [{"path": p, "why": why} for p, why in changes.scenes.items()],
        }
    return data


def render(report, **_options) -> str:
    return dump_json(as_data(report))
