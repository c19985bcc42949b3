"""One mechanism for every command's output formats: a :class:`FormatTable` per command,
each row a :class:`Format` naming its renderer as ``"module:function"``, imported only
when that format is used (so ``check`` never loads ebooklib, python-docx or rich's
Markdown). Adding a format to a command is one row here and one function.

A renderer takes the command's result and keyword options and returns ``str`` (an
export renderer takes an ``ExportJob`` and returns ``bytes``); it ignores options it does
not use, so every command
renders the same way: ``CHECK.render("sarif", report)``.

JSON documents follow one convention (docs/json-format.md): a JSON object whose first
key is ``version``, the schema version of that command's document, kept in the table
(:attr:`Format.version`) and raised only when a key changes meaning or disappears; new
keys may appear in any version. Every JSON document is written by :func:`dump_json`.

This module is imported by the CLI when it starts: nothing heavy at the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from novelforge.errors import OptionError, UnknownFormat


@dataclass(frozen=True)
class Format:
    name: str                     # the value of `--format`
    renderer: str | None          # "module:function"; None: the command reads this format itself
    summary: str
    suffix: str = ".txt"          # file suffix of an output in this format
    binary: bool = False          # not text (a zip file): never written to a terminal
    version: int | None = None    # a JSON document's schema version (its `version` key)
    cover: bool = False           # export: uses a cover image
    stem: str = ""                # export: added to the title in the default file name, so two
                                  # formats with one suffix never write the same file

    def load(self) -> Callable[..., Any]:
        """The renderer function. A format whose module is missing from this installation
        is an :class:`~novelforge.errors.OptionError` (not available), not a traceback."""
        from importlib import import_module

        if self.renderer is None:
            raise TypeError(f"the format {self.name} has no renderer")
        module_name, _, function = self.renderer.partition(":")
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            raise OptionError("{value} is not available in this version of NovelForge",
                              option="format", value=self.name) from None
        return getattr(module, function)


class FormatTable(Mapping[str, Format]):
    """The formats of one command, in the order they are listed; a read-only mapping of
    name → :class:`Format` (``"json" in CHECK``, ``list(CHECK)``)."""

    def __init__(self, command: str, *formats: Format, fold_case: bool = False) -> None:
        self.command = command          # the command, as the user types it: `novelforge check`
        self._rows = {f.name: f for f in formats}
        self.fold_case = fold_case      # `--format EPUB ` is epub

    def __getitem__(self, name: str) -> Format:
        return self._rows[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"FormatTable({self.command!r}, {', '.join(self._rows)})"

    @property
    def metavar(self) -> str:
        """``text|json|sarif``, for help screens."""
        return "|".join(self._rows)

    def get_format(self, name: str) -> Format:
        """The row called ``name``; an :class:`~novelforge.errors.UnknownFormat` (listing
        this command's formats) for any other name."""
        key = (name or "").strip().lower() if self.fold_case else name
        spec = self._rows.get(key)
        if spec is None:
            raise UnknownFormat(name, self.command, list(self._rows))
        return spec

    def render(self, name: str, value: Any, **options: Any) -> Any:
        """``value`` (the command's result) rendered as ``name``: text, or bytes for a
        binary format. Raises :class:`~novelforge.errors.UnknownFormat`."""
        return self.get_format(name).load()(value, **options)

    def for_suffix(self, path: Path | str) -> Format | None:
        """The format an output name implies (``book.epub`` → epub), or None."""
        suffix = Path(str(path)).suffix.lower()
        suffix = _SUFFIX_ALIASES.get(suffix, suffix)
        return next((f for f in self._rows.values() if f.suffix == suffix), None)


_SUFFIX_ALIASES = {".markdown": ".md", ".htm": ".html", ".text": ".txt"}


def dump_json(data: Mapping[str, Any] | list) -> str:
    """A JSON document as every command writes it: two-space indents, UTF-8 text (not
    ``\\u`` escapes), keys in the order given, one newline at the end."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------- the tables
CHECK = FormatTable(
    "novelforge check",
    Format("text", "novelforge.report.text_format:render", "for people: each finding, its line and a caret"),
    Format("json", "novelforge.report.json_format:render", "findings as JSON (docs/json-format.md)", ".json",
           version=1),
    Format("sarif", "novelforge.report.sarif_format:render", "SARIF 2.1.0, for GitHub code scanning", ".sarif"),
    Format("github", "novelforge.report.github_format:render", "GitHub Actions annotations"),
    Format("junit", "novelforge.report.junit_format:render", "JUnit XML, for CI test report viewers", ".xml"),
)

PROMISES = FormatTable(
    "novelforge promises",
    Format("text", "novelforge.ledger.report:render_text", "a table for the terminal"),
    Format("json", "novelforge.ledger.report:render_json", "the ledger as JSON (docs/promises.md)", ".json",
           version=1),
    Format("markdown", "novelforge.ledger.report:render_markdown", "a Markdown table", ".md"),
    Format("html", "novelforge.ledger.html:render_html", "one page with the promise arcs", ".html"),
)

SUGGEST = FormatTable(
    "novelforge promises suggest",
    Format("text", "novelforge.ledger.suggest_format:render_text", "one candidate (or payoff) a line"),
    Format("json", "novelforge.ledger.suggest_format:render_json", "a JSON array (docs/promises-suggest.md)",
           ".json"),
)

IMPACT = FormatTable(
    "novelforge impact",
    Format("text", "novelforge.vcs.impact_format:render_text", "for the terminal"),
    Format("markdown", "novelforge.vcs.impact_format:render_markdown", "for a pull-request comment", ".md"),
    Format("json", "novelforge.vcs.impact_format:render_json", "for tools (docs/git.md)", ".json", version=1),
)

CANON_DIFF = FormatTable(
    "novelforge canon diff",
    Format("text", "novelforge.canon.render:diff_text", "for the terminal"),
    Format("markdown", "novelforge.canon.render:diff_markdown", "for a pull-request comment", ".md"),
    Format("json", "novelforge.canon.render:diff_json", "for tools (docs/git.md)", ".json", version=1),
)

CANON_LOG = FormatTable(
    "novelforge canon log",
    Format("text", "novelforge.canon.render:history_text", "for the terminal"),
    Format("markdown", "novelforge.canon.render:history_markdown", "Markdown", ".md"),
    Format("json", "novelforge.canon.render:history_json", "for tools (docs/git.md)", ".json", version=1),
)

CANON_EDIT = FormatTable(
    "novelforge canon rename/merge",
    Format("text", "novelforge.canon.edit_render:render_text", "what changed (with --dry-run: each file's diff)"),
    Format("json", "novelforge.canon.edit_render:render_json", "for tools (docs/canon.md)", ".json", version=1),
)

SEARCH = FormatTable(
    "novelforge search",
    Format("text", "novelforge.search.render:render_text", "path:line:col and the matching line, best first"),
    Format("json", "novelforge.search.render:render_json", "the hits as JSON (docs/search.md)", ".json", version=1),
)

STATS = FormatTable(
    "novelforge stats",
    Format("text", "novelforge.stats.render:render_text", "the dashboard for the terminal"),
    Format("json", "novelforge.stats.render:render_json", "the numbers as JSON (docs/stats.md)", ".json", version=1),
    Format("html", "novelforge.stats.html:render_html", "one self-contained page with the charts", ".html"),
)

VOICES = FormatTable(
    "novelforge voices",
    Format("text", "novelforge.voices.render:render_text", "each character's fingerprint and the most alike pairs"),
    Format("json", "novelforge.voices.render:render_json", "the fingerprints and distances as JSON (docs/voices.md)",
           ".json", version=1),
    Format("html", "novelforge.voices.render:render_html", "one self-contained page with a heat map", ".html"),
)

TIMELINE = FormatTable(
    "novelforge timeline",
    Format("text", "novelforge.timeline.render:render_text", "each scene on the story-time axis, then the lanes"),
    Format("json", "novelforge.timeline.render:render_json", "the timeline as JSON (docs/timeline.md)", ".json",
           version=1),
    Format("html", "novelforge.timeline.render:render_html", "one self-contained page with the charts", ".html"),
)

RULES = FormatTable(
    "novelforge rules",
    Format("text", "novelforge.rules.listing:render_text", "a table: code, name, severity, what it finds"),
    Format("json", "novelforge.rules.listing:render_json", "a JSON array, one object per rule", ".json"),
    Format("markdown", "novelforge.rules.listing:render_markdown", "the catalogue with every rule's docs", ".md"),
)

EXPORT = FormatTable(
    "novelforge export",
    Format("docx", "novelforge.export.docx_manuscript:render", "Word, standard manuscript format", ".docx",
           binary=True),
    Format("docx-reading", "novelforge.export.docx_reading:render", "Word, book-like reading copy", ".docx",
           binary=True, stem="-reading"),
    Format("epub", "novelforge.export.epub:render", "EPUB 3 e-book (passes epubcheck)", ".epub", binary=True,
           cover=True),
    Format("md", "novelforge.export.markdown:render", "one Markdown file (review copy)", ".md"),
    Format("html", "novelforge.export.html:render", "one self-contained HTML page (review copy)", ".html"),
    Format("txt", "novelforge.export.text:render", "plain text", ".txt"),
    fold_case=True,
)

# what `import --format` reads; the importer (novelforge/import_/) has its own readers
IMPORT = FormatTable(
    "novelforge import",
    Format("auto", None, "from the file's suffix (or its first bytes)"),
    Format("txt", None, "plain text", ".txt"),
    Format("md", None, "Markdown", ".md"),
    Format("docx", None, "Word", ".docx"),
)

USAGE = FormatTable(
    "novelforge usage",
    Format("text", "novelforge.llm.report:usage_text", "a table: calls, cached, tokens and cost"),
    Format("json", "novelforge.llm.report:usage_json", "for tools (docs/llm.md)", ".json", version=1),
)

CACHE_STATS = FormatTable(
    "novelforge cache stats",
    Format("text", "novelforge.llm.report:stats_text", "each cache: entries, size and folder"),
    Format("json", "novelforge.llm.report:stats_json", "for tools (docs/llm.md)", ".json", version=1),
)

# not a command: what `--estimate` prints in every LLM command (the JSON renderer returns
# the object that command's JSON document holds under `estimate`)
ESTIMATE = FormatTable(
    "--estimate",
    Format("text", "novelforge.llm.report:estimate_text", "calls, cached answers, tokens and the most it may cost"),
    Format("json", "novelforge.llm.report:estimate_dict", "the same as a JSON object", ".json"),
)

SUMMARIZE = FormatTable(
    "novelforge summarize",
    Format("text", "novelforge.room.render:render_text", "each scene: what happens, who is present, what changes"),
    Format("json", "novelforge.room.render:render_json", "the summaries as JSON (docs/room.md)", ".json", version=1),
)

DRAFT = FormatTable(
    "novelforge draft",
    Format("text", "novelforge.draft.render:dry_run_text", "with --dry-run: the prompt, then the context report; "
                                                           "else a line per scene"),
    Format("json", "novelforge.draft.render:dry_run_json", "the messages and the context report (--dry-run), or "
                                                           "each scene drafted (docs/draft.md)", ".json", version=1),
)

TABLES: tuple[FormatTable, ...] = (CHECK, PROMISES, SUGGEST, IMPACT, CANON_DIFF, CANON_LOG, RULES, EXPORT, IMPORT,
                                   USAGE, CACHE_STATS, SUMMARIZE, DRAFT, SEARCH, STATS, VOICES,
                                   TIMELINE)


def write_file(path: Path | str, data: str | bytes) -> None:
    """Write a rendered output to ``path`` atomically (missing folders are created); an
    OS error is a one-line :class:`~novelforge.errors.UsageError`."""
    from novelforge.errors import UsageError
    from novelforge.util import atomic_write

    try:
        atomic_write(Path(path), data)
    except OSError as exc:
        raise UsageError(f"cannot write `{path}`: {exc.strerror or exc}") from None
