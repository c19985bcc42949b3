"""The library surface: what the CLI (and the Writers' Room, and the server) call, and
nothing deeper. Each function does one command's work and returns a result; none
prints, prompts or exits. Expected failures are :class:`~novelforge.errors.NovelForgeError`
subclasses, one sentence without a traceback; an :class:`~novelforge.errors.OptionError`
names the parameter it is about (``statuses``), which a front end words as its own
option (``--status``) with :meth:`~novelforge.errors.NovelForgeError.worded`.

    from novelforge import api
    from novelforge.formats import CHECK

    report = api.check("my-novel", base="origin/main")
    print(CHECK.render("text", report), report.exit_code())

Results are rendered with the command's table in :mod:`novelforge.formats`.

| function | returns | the command |
|---|---|---|
| :func:`check` | a ``Report`` of a folder or a loaded ``Project`` (``report.changes``: the change set) | ``check`` |
| :func:`record_baseline` | where and how many findings were recorded | ``check --update-baseline`` |
| :func:`promises` | the ledger report | ``promises`` |
| :func:`suggest` | candidate setups or payoffs; accepts or rejects one | ``promises suggest`` |
| :func:`impact` | scenes touched, findings that appear and disappear | ``impact`` |
| :func:`canon_diff`, :func:`canon_log` | what changed in canon; one entry's history | ``canon diff``, ``canon log`` |
| :func:`canon_rename`, :func:`canon_merge` | the files a rename or merge rewrote | ``canon rename``, ``canon merge`` |
| :func:`hooks_install`, :func:`hooks_uninstall`, :func:`hooks_status` | the pre-commit hook | ``hooks`` |
| :func:`export`, :func:`import_` | the book written; the project imported | ``export``, ``import`` |
| :func:`init` | the project (and CI files) created | ``init`` |
| :func:`rules`, :func:`rule` | the rule list, one rule | ``rules``, ``rule`` |
| :func:`schemas`, :func:`write_schemas` | JSON Schemas | ``schema`` |
| :func:`usage`, :func:`cache_stats`, :func:`cache_clear` | the LLM spend ledger; the caches | ``usage``, ``cache`` |
| :func:`review` | the Writers' Room's report | ``review``, ``check --room`` |
| :func:`summarize` | scene summaries | ``summarize`` |
| :func:`search` | lines of prose and canon that match a query, best first | ``search`` |
| :func:`stats` | the dashboard: words, targets, status, POV, presence, pacing, words per day, the goal | ``stats`` |
| :func:`voices` | each character's voice fingerprint, and who sounds like whom | ``voices`` |
| :func:`timeline` | story time against reading order: lanes, flashbacks, NF403/NF411/NF412 | ``timeline`` |
| :func:`prepare_draft`, :func:`draft`, :func:`restore_draft` | a scene's prompt; drafted scenes | ``draft`` |
| :func:`show_template` | the drafting template in effect | ``draft --show-template`` |
| :func:`project_root`, :func:`locate` | the project a path names | every command |
| :func:`serve`, :func:`work`, :func:`user_add`, … | the server, its jobs, accounts, members | ``serve``, ``worker`` |

Importing this package is cheap: each name loads its module on first use (``novelforge
--help`` and ``novelforge init`` never load the rules).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "check": "checking", "record_baseline": "checking", "describe_changes": "checking", "Baseline": "checking",
    "CheckOptions": "checking", "Report": "checking",
    "promises": "ledger", "suggest": "ledger", "Suggestions": "ledger",
    "impact": "git", "canon_diff": "git", "canon_log": "git",
    "canon_rename": "canon_edit", "canon_merge": "canon_edit",
    "hooks_install": "git", "hooks_uninstall": "git", "hooks_status": "git",
    "export": "books", "import_": "books", "Exported": "books",
    "init": "start", "Initialised": "start",
    "rules": "catalogue", "rule": "catalogue", "schemas": "catalogue", "write_schemas": "catalogue",
    "SCHEMA_KINDS": "catalogue", "schema_bundle": "catalogue",
    "project_root": "projects", "locate": "projects",
    "usage": "llm", "cache_stats": "llm", "cache_clear": "llm", "UsageReport": "llm", "CacheStats": "llm",
    "search": "searching", "SearchResult": "searching",
    "stats": "dashboard", "StatsResult": "dashboard",
    "voices": "voicing", "VoicesResult": "voicing",
    "timeline": "chronology",
    "review": "room", "summarize": "room", "RoomOptions": "room", "RoomStats": "room", "Summaries": "room",
    "room_line": "room", "describe_llm_suggest": "room",
    "serve": "server", "work": "server", "server_data": "server", "server_queue": "server", "user_add": "server",
    "user_passwd": "server", "user_disable": "server", "users": "server", "member_grant": "server",
    "member_revoke": "server", "members": "server",
    "prepare_draft": "drafting", "draft": "drafting", "restore_draft": "drafting", "show_template": "drafting",
    "DraftPlan": "drafting", "Restored": "drafting", "DraftOptions": "drafting", "DraftRun": "drafting",
    "draft_line": "drafting",
    "Severity": None,
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'novelforge.api' has no attribute {name!r}")
    if name == "Severity":
        from novelforge.diagnostics import Severity

        value = Severity
    else:
        value = getattr(import_module(f"novelforge.api.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
