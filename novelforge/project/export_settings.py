"""The ``export:`` block of ``novelforge.yaml``, typed: what ``novelforge export`` reads.

The loader validates it like every other block (a bad value is NF004 at its line, an
unknown key NF009 with the closest known one), ``novelforge schema project`` shows it,
and ``novelforge export`` refuses to build a book from a block with a problem in it
(exit code 2, at the line). The DOCX options are tables of :class:`Option` (key,
default, parser, documentation): the renderers read them, and the typed blocks
(:data:`ManuscriptSettings`, :data:`ReadingSettings`) are built from the same tables, so
an option is declared once. See docs/export.md and docs/export-docx.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Literal, Optional

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


# ----------------------------------------------------------------------------- option values
PAPER = {"letter": (8.5, 11.0), "a4": (8.27, 11.69), "a5": (5.83, 8.27), "6x9": (6.0, 9.0),
         "5x8": (5.0, 8.0), "5.5x8.5": (5.5, 8.5)}


@dataclass(frozen=True)
class Option:
    """One DOCX option: its key in ``novelforge.yaml``, its default, the parser that
    turns what an author writes into the value the renderer uses (raising ValueError),
    the JSON Schema type shown by ``novelforge schema`` and its documentation."""

    key: str
    default: Any
    parse: Callable[[Any], Any]
    doc: str
    schema: str | tuple[str, ...] = "string"


def positive(kind: type = float, low: float = 0.0, high: float = 1e9) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a number")
        number = kind(value)
        if not low <= number <= high:
            raise ValueError(f"expected a number from {low:g} to {high:g}")
        return number
    return parse


def choice(*values: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in values:
            raise ValueError("expected one of " + ", ".join(values))
        return text
    return parse


def text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        raise ValueError("expected text")
    return str(value)


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("yes", "true", "on", "1"):
        return True
    if str(value).lower() in ("no", "false", "off", "0"):
        return False
    raise ValueError("expected true or false")


def paper(value: Any) -> tuple[float, float]:
    """``letter``, ``a4``, ``a5``, ``6x9`` … or ``WxH`` in inches."""
    if isinstance(value, tuple) and len(value) == 2:
        return value
    key = str(value).strip().lower().replace(" ", "")
    if key in PAPER:
        return PAPER[key]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(?:in)?", key)
    if not m or not (3 <= float(m.group(1)) <= 22 and 3 <= float(m.group(2)) <= 22):
        raise ValueError("expected letter, a4, a5, 6x9, 5x8 or WIDTHxHEIGHT in inches")
    return float(m.group(1)), float(m.group(2))


def rounding(value: Any) -> str | int:
    """Word-count rounding: ``shunn``, ``none`` (``exact``) or a whole number."""
    text_ = str(value).strip().lower()
    if text_ in ("shunn", "none", "exact"):
        return "none" if text_ == "exact" else text_
    return positive(int, 1, 1_000_000)(value)


_NUMBER, _FLAG = "number", "boolean"

MANUSCRIPT_OPTIONS = [
    Option("font", "Times New Roman", text, "Typeface of everything: `Times New Roman`, `Courier New`…"),
    Option("size", 12.0, positive(float, 8, 16), "Font size in points.", _NUMBER),
    Option("line_spacing", 2.0, positive(float, 1, 3), "Line spacing as a multiple: 2 is double-spaced.", _NUMBER),
    Option("indent", 0.5, positive(float, 0, 2), "First-line indent of paragraphs, in inches.", _NUMBER),
    Option("margins", 1.0, positive(float, 0.5, 2), "Page margins on all four sides, in inches.", _NUMBER),
    Option("paper", PAPER["letter"], paper, "`letter`, `a4`, `a5`, `6x9`, `5x8` or `WIDTHxHEIGHT` in inches."),
    Option("surname", None, text,
           "Surname in the running header (default: last word of `author`, else `author_legal`)."),
    Option("keyword", None, text, "Title keyword in the running header (default: the title's first word "
           "that is not an article, in capitals)."),
    Option("header", "{surname} / {keyword} / {page}", text,
           "The running header; `{page}` is the page-number field; also `{title}`."),
    Option("rounding", "shunn", rounding,
           "Word count rounding: `shunn`, a number such as `100` or `1000`, or `none`.", ("string", "integer")),
    Option("word_count", "about {words} words", text, "The word count line, top right of the title page."),
    Option("italics", "italic", choice("italic", "underline"),
           "`italic`, or `underline` (the typewriter convention)."),
    Option("typewriter", False, flag, "Straight quotes, `--` for dashes and `...` for ellipses.", _FLAG),
    Option("title_page", True, flag, "Start with the title page (contact block, word count, title, byline).", _FLAG),
    Option("byline", "by {author}", text, "The line under the title; `{author}` is the byline name."),
    Option("chapter_heading", "{heading}", text,
           "Chapter heading: `{heading}` (title, else `Chapter N`), `{title}`, `{number}`; `\\n` breaks the line."),
    Option("chapter_drop", 1 / 3, positive(float, 0, 0.75),
           "How far down the page a chapter starts, as a fraction of the page height.", _NUMBER),
    Option("scene_break", "#", text, "The centred line between scenes and at scene breaks."),
    Option("end", "END", text, "The centred line after the last chapter (empty for none)."),
    Option("matter", True, flag, "Include `export.front_matter` and `back_matter` (each on its own page).", _FLAG),
]

READING_OPTIONS = [
    Option("font", "Georgia", text, "Typeface of the text."),
    Option("heading_font", None, text, "Typeface of the title and chapter headings (default: `font`)."),
    Option("size", 11.0, positive(float, 6, 24), "Font size of the text in points.", _NUMBER),
    Option("line_spacing", 1.2, positive(float, 1, 3), "Line spacing as a multiple of single spacing.", _NUMBER),
    Option("indent", 0.25, positive(float, 0, 2), "First-line indent of paragraphs, in inches.", _NUMBER),
    Option("margins", 0.75, positive(float, 0.25, 2), "Page margins on all four sides, in inches.", _NUMBER),
    Option("paper", PAPER["a5"], paper, "`a5`, `a4`, `letter`, `6x9`, `5x8` or `WIDTHxHEIGHT` in inches."),
    Option("justify", True, flag, "Justified text (else ragged right).", _FLAG),
    Option("hyphenate", True, flag, "Let Word and LibreOffice hyphenate automatically.", _FLAG),
    Option("ornament", "* * *", text, "The centred scene-break ornament, e.g. `⁂` or `~`."),
    Option("chapter_page_break", True, flag, "Start every chapter on a new page.", _FLAG),
    Option("chapter_drop", 0.2, positive(float, 0, 0.75),
           "With a page per chapter: how far down the page a chapter starts, as a fraction of the page height.",
           _NUMBER),
    Option("chapter_heading", "{heading}", text,
           "Chapter heading: `{heading}` (title, else `Chapter N`), `{title}`, `{number}`; `\\n` breaks the line."),
    Option("title_page", True, flag, "Start with a title page (title, subtitle, author).", _FLAG),
    Option("page_numbers", True, flag, "Page numbers centred in the footer (not on the title page).", _FLAG),
]


def _options_model(name: str, options: list[Option], doc: str) -> type[_Block]:
    """A typed block whose fields are ``options``: each value is parsed by its option's
    parser (the renderer gets what it uses: `a4` is (8.27, 11.69)); an unset option is None."""
    def field(o: Option) -> tuple[Any, Any]:
        parse = o.parse
        kind: Any = Annotated[Any, BeforeValidator(lambda v, parse=parse: None if v is None else parse(v)),
                              WithJsonSchema({"type": list(o.schema) if isinstance(o.schema, tuple) else o.schema,
                                              "description": o.doc})]
        aliases = AliasChoices(o.key, o.key.replace("_", "-")) if "_" in o.key else None
        return Optional[kind], Field(None, description=o.doc, validation_alias=aliases)

    model = create_model(name, __base__=_Block, __doc__=doc, **{o.key: field(o) for o in options})  # type: ignore[call-overload]
    return model


ManuscriptSettings = _options_model(
    "ManuscriptSettings", MANUSCRIPT_OPTIONS,
    "`export: {manuscript: …}` (and `export: {docx: …}`): the manuscript-format DOCX (docs/export-docx.md).")
ReadingSettings = _options_model(
    "ReadingSettings", READING_OPTIONS,
    "`export: {reading: …}` (and `export: {docx-reading: …}`): the DOCX reading copy (docs/export-docx.md).")


# ----------------------------------------------------------------------------- the other blocks
def _scalar_text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Ornament = Annotated[Optional[str], BeforeValidator(_scalar_text)]


class EpubSettings(_Block):
    """``export: {epub: …}``."""

    cover: Optional[str] = Field(None, description="The cover image (JPEG, PNG, GIF or SVG), a file inside the "
                                                   "project; `--cover` overrides it.")
    scene_break: Ornament = Field(None, validation_alias=AliasChoices("scene_break", "scene-break"),
                                  description="The ornament between scenes (default `❧`).")


class HtmlSettings(_Block):
    """``export: {html: …}``."""

    scene_break: Ornament = Field(None, validation_alias=AliasChoices("scene_break", "scene-break"),
                                  description="The ornament between scenes (default `❧`).")


class PlainSettings(_Block):
    """``export: {md: …}`` and ``export: {txt: …}``: these formats have no options yet."""


# EPUB 3 structural semantics for front and back matter (epub:type values)
KINDS = ("dedication", "epigraph", "foreword", "preface", "introduction", "prologue", "epilogue",
         "afterword", "acknowledgments", "colophon", "copyright-page", "contributors", "appendix",
         "glossary", "bibliography", "notice", "other-credits", "conclusion", "frontmatter", "backmatter")
KIND_ALIASES = {"acknowledgements": "acknowledgments", "copyright": "copyright-page",
                "about-the-author": "contributors", "about the author": "contributors",
                "author's note": "preface", "authors note": "preface", "author’s note": "preface",
                "credits": "other-credits"}


def _kind(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower()
        return KIND_ALIASES.get(key, key) or None
    return value


class MatterItem(_Block):
    """One front- or back-matter section: Markdown ``text`` or a Markdown ``file``."""

    title: Annotated[Optional[str], BeforeValidator(_scalar_text)] = Field(
        None, description="The heading, also the entry in the table of contents.")
    text: Annotated[Optional[str], BeforeValidator(_scalar_text)] = Field(None, description="The Markdown text.")
    file: Annotated[Optional[str], BeforeValidator(_scalar_text)] = Field(
        None, description="Or a Markdown file inside the project (its front matter is skipped).")
    kind: Annotated[Optional[Literal[KINDS]], BeforeValidator(_kind)] = Field(  # type: ignore[valid-type]
        None, description="The EPUB `epub:type` and ARIA role; default: guessed from the title.")

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"text": value}
        if value is not None and not isinstance(value, dict):
            raise ValueError("an item is Markdown text or a mapping with title, text or file, and kind")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> "MatterItem":
        if (self.text is None) == (self.file is None):
            raise ValueError("an item needs exactly one of `text` or `file`")
        if self.file is not None and not self.file.strip():
            raise ValueError("`file` is empty")
        return self


def _matter_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, (str, dict)):
        return [value]
    if not isinstance(value, list):
        raise ValueError("must be a list of Markdown texts or {title, text|file, kind} items")
    return value


def _stamp(value: Any) -> Any:
    """``modified``: a date, or a date and time; without a zone it is UTC."""
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        stamp = dt.datetime.fromisoformat(str(value).strip().replace(" ", "T"))
    except ValueError:
        raise ValueError(f"`{value}` is not a date such as 2025-06-01 or 2025-06-01T09:30:00Z") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.astimezone(dt.timezone.utc).replace(microsecond=0)


class ExportConfig(_Block):
    """The ``export:`` block of ``novelforge.yaml`` (docs/export.md)."""

    modified: Annotated[Optional[dt.datetime], BeforeValidator(_stamp)] = Field(
        None, description="The timestamp stored in EPUB and DOCX files (`2025-06-01`); default: "
                          "SOURCE_DATE_EPOCH, else 2000-01-01.")
    front_matter: Annotated[list[MatterItem], BeforeValidator(_matter_list)] = Field(
        default_factory=list, validation_alias=AliasChoices("front_matter", "front-matter"),
        description="Sections before the first chapter: Markdown texts or {title, text|file, kind}.")
    back_matter: Annotated[list[MatterItem], BeforeValidator(_matter_list)] = Field(
        default_factory=list, validation_alias=AliasChoices("back_matter", "back-matter"),
        description="Sections after the last chapter, as `front_matter`.")
    manuscript: Optional[ManuscriptSettings] = Field(  # type: ignore[valid-type]
        None, description="The manuscript-format DOCX (docs/export-docx.md).")
    docx: Optional[ManuscriptSettings] = Field(  # type: ignore[valid-type]
        None, description="Options of `--format docx`, over `manuscript`.")
    reading: Optional[ReadingSettings] = Field(  # type: ignore[valid-type]
        None, description="The DOCX reading copy (docs/export-docx.md).")
    docx_reading: Optional[ReadingSettings] = Field(  # type: ignore[valid-type]
        None, alias="docx-reading", validation_alias=AliasChoices("docx-reading", "docx_reading"),
        description="Options of `--format docx-reading`, over `reading`.")
    epub: Optional[EpubSettings] = Field(None, description="The EPUB: cover image and scene-break ornament.")
    html: Optional[HtmlSettings] = Field(None, description="The HTML page: scene-break ornament.")
    md: Optional[PlainSettings] = Field(None, description="Markdown: no options yet.")
    txt: Optional[PlainSettings] = Field(None, description="Plain text: no options yet.")

    @field_validator("manuscript", "docx", "reading", "docx_reading", "epub", "html", "md", "txt", mode="before")
    @classmethod
    def _empty_block(cls, value: Any) -> Any:
        return {} if value is None else value
