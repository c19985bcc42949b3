"""`novelforge import`: structure detection in plain text, Markdown and DOCX, Markdown
emphasis from Word, canon suggestions, and the project it writes (loaded without
findings, checked without errors)."""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS
from novelforge.cli import app as cli_app
from novelforge.import_ import ImportOptions, import_file, parse_size, read_book
from novelforge.import_.headings import is_break_line, match_heading, md_escape
from novelforge.import_.structure import Block, build_book
from novelforge.project.loader import load_project


def call(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli_app.main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), "utf-8")
    return path


def book_of(tmp_path: Path, name: str, text: str, **kw):
    book, _fmt = read_book(write(tmp_path / name, text), ImportOptions(**kw))
    return book


def assert_clean_project(root: Path) -> None:
    project = load_project(root)
    assert project.diagnostics == [], [str(d.message) for d in project.diagnostics]
    assert project.scenes


def prose(n: int, word: str = "word") -> str:
    """A hard-wrapped paragraph of ``n`` words."""
    return textwrap.fill(" ".join([word] * n), 70)


# ----------------------------------------------------------------------------- headings
@pytest.mark.parametrize("line,kind,title", [
    ("CHAPTER I.", "chapter", "Chapter I"),
    ("CHAPTER IV. THE RED-HEADED LEAGUE.", "chapter", "Chapter IV. The Red-Headed League"),
    ("Chapter 12: The Road", "chapter", "Chapter 12: The Road"),
    ("Chapter Twenty-One", "chapter", "Chapter Twenty-One"),
    ("ADVENTURE I. A SCANDAL IN BOHEMIA", "chapter", "Adventure I. A Scandal in Bohemia"),
    ("BOOK ONE: 1805", "part", "Book One: 1805"),
    ("Part One", "part", "Part One"),
    ("PART II. _The Country of the Saints._", "part", "Part II. The Country of the Saints"),
    ("SECOND EPILOGUE", "part", "Second Epilogue"),
    ("IV. THE BOSCOMBE VALLEY MYSTERY", "numbered-roman", "IV. The Boscombe Valley Mystery"),
    ("XII", "bare-roman", "XII"),
    ("7.", "bare-arabic", "7"),
    ("Prologue", "special", "Prologue"),
    ("THE INDUCTION", "special", "The Induction"),
    ("The Prologue", "special", "The Prologue"),
    ("CHAPTER V. OUR ADVERTISEMENT BRINGS A VISITOR.", "chapter", "Chapter V. Our Advertisement Brings a Visitor"),
    ("CHAPTER III. THE LAURISTON GARDEN MYSTERY [6]", "chapter", "Chapter III. The Lauriston Garden Mystery"),
    ("PART A. THE BEGINNING", "part", None),
    ("CHAPTER II. JONATHAN HARKER'S JOURNAL--_continued_", "chapter",
     "Chapter II. Jonathan Harker's Journal--_continued"),
    ("CHAPTER IV. THE LETTER OF _Le Roi_ AND THE KING", "chapter", "Chapter IV. The Letter of _Le Roi_ and the King"),
    ("CHAPTER VI. A CONTINUATION OF THE REMINISCENCES OF JOHN WATSON, M.D.", "chapter",
     "Chapter VI. A Continuation of the Reminiscences of John Watson, M.D."),
])
def test_heading_lines(line, kind, title):
    h = match_heading(line)
    if title is None:
        assert h is None
        return
    assert h is not None and h.kind == kind and h.title == title


@pytest.mark.parametrize("line", [
    "Part of the crowd went home.", "Book two of his memoirs, he said, was lost, and so was the third.",
    "I went out.", "D. Appleton and Co.", "M.",
    "Chapter and verse, she said, until the end of time, and then some more.",
])
def test_prose_lines_are_not_headings(line):
    assert match_heading(line) is None


@pytest.mark.parametrize("line,expected", [("#", True), ("***", True), ("* * *", True), ("*  *  *  *  *", True),
                                           ("-----", True), ("❦", True), ("•  •  •", True), ("-", False),
                                           ("I.", False), ("# Heading", False)])
def test_scene_break_lines(line, expected):
    assert is_break_line(line) is expected


def test_markdown_escapes_keep_plain_text_plain():
    assert md_escape("# not a heading") == "\\# not a heading"
    assert md_escape("1805. The war began.") == "1805\\. The war began."
    assert md_escape("- a dash") == "\\- a dash"
    assert md_escape("a <!-- b") == "a <\\!-- b"
    assert md_escape("back\\*slash") == "back\\\\*slash"      # a backslash before punctuation
    assert md_escape("C:\\Users") == "C:\\Users"
    assert md_escape("—Then he left.") == "—Then he left."


# ----------------------------------------------------------------------------- plain text
GUTENBERG = f"""
Produced by Someone Kind


THE TEST NOVEL.

By Ada Example


CONTENTS

    CHAPTER I. THE START

    CHAPTER II. THE MIDDLE

    CHAPTER III. THE END


CHAPTER I. THE START.

{prose(60, "alpha")}

{prose(40, "beta")}

* * *

{prose(50, "gamma")}


CHAPTER II. THE MIDDLE.

{prose(45, "delta")}

***

{prose(45, "epsilon")}

#

{prose(45, "zeta")}


CHAPTER III. THE END.

    Roses are red,
    violets are blue,
    this verse keeps its lines.

{prose(40, "eta")}
"""


def test_gutenberg_text(tmp_path):
    book = book_of(tmp_path, "novel.txt", GUTENBERG)
    assert book.title == "The Test Novel" and book.author == "Ada Example"
    assert [c.title for c in book.chapters] == ["Chapter I. The Start", "Chapter II. The Middle",
                                                "Chapter III. The End"]
    assert [len(c.scenes) for c in book.chapters] == [2, 3, 1]
    first = book.chapters[0].scenes[0].paragraphs
    assert len(first) == 2 and "\n" not in first[0] and first[0].count("alpha") == 60   # hard wraps joined
    assert book.chapters[2].scenes[0].paragraphs[0] == "Roses are red,\nviolets are blue,\nthis verse keeps its lines."
    # the table of contents is front matter, not three empty chapters
    assert any("CHAPTER II. THE MIDDLE" in p for p in book.front_matter)


def test_books_and_chapters_become_parts(tmp_path):
    text = "\n\n".join(["WAR AND TESTS", "By Leo Example",
                        "BOOK ONE: 1805", "CHAPTER I", prose(40), "CHAPTER II", prose(40),
                        "BOOK TWO: 1806", "CHAPTER I", prose(40),
                        "FIRST EPILOGUE: 1813 - 20", "CHAPTER I", prose(40)])
    book = book_of(tmp_path, "wp.txt", text)
    assert book.parts == ["Book One: 1805", "Book Two: 1806", "First Epilogue: 1813 - 20"]
    assert [(c.part, c.title) for c in book.chapters] == [
        ("Book One: 1805", "Chapter I"), ("Book One: 1805", "Chapter II"),
        ("Book Two: 1806", "Chapter I"), ("First Epilogue: 1813 - 20", "Chapter I")]
    root = tmp_path / "wp"
    import_file(tmp_path / "wp.txt", root)
    assert_clean_project(root)
    ids = [s.id for s in load_project(root).scenes]
    assert len(ids) == len(set(ids)) == 4
    assert (root / "manuscript/01-book-one-1805/part.yaml").read_text("utf-8") == 'title: "Book One: 1805"\n'


def test_roman_titles_with_numbered_sections(tmp_path):
    # The Adventures of Sherlock Holmes: "I. A SCANDAL IN BOHEMIA" stories, "I." sections inside
    text = "\n\n".join(["I. A SCANDAL IN BOHEMIA", "I.", prose(40), "II.", prose(40),
                        "II. THE RED-HEADED LEAGUE", prose(40)])
    book = book_of(tmp_path, "adv.txt", text)
    assert [c.title for c in book.chapters] == ["I. A Scandal in Bohemia", "II. The Red-Headed League"]
    assert [s.title for s in book.chapters[0].scenes] == ["I. A Scandal in Bohemia (I)", "I. A Scandal in Bohemia (II)"]


def test_title_on_the_next_line(tmp_path):
    text = "\n\n".join(["Chapter I\nThe Science of Deduction", prose(40), "Chapter II\nThe Statement of the Case",
                        prose(40), "CHAPTER III", "THE LAST ONE", prose(40)])
    book = book_of(tmp_path, "sign.txt", text)
    assert [c.title for c in book.chapters] == ["Chapter I. The Science of Deduction",
                                                "Chapter II. The Statement of the Case", "Chapter III. The Last One"]


def test_part_one_and_numbered_chapters(tmp_path):
    text = "\n\n".join(["Part One", "Chapter 1", prose(40), "Chapter 2", prose(40),
                        "Part Two", "An epigraph, said somebody.", "Chapter 3", prose(40)])
    book = book_of(tmp_path, "p.txt", text)
    assert [(c.part, c.title) for c in book.chapters] == [("Part One", "Chapter 1"), ("Part One", "Chapter 2"),
                                                          ("Part Two", "Chapter 3")]
    # text between a part heading and its first chapter opens that chapter, titled by the part
    assert book.chapters[2].scenes[0].title == "Part Two"
    assert book.chapters[2].scenes[0].paragraphs == ["An epigraph, said somebody."]


def test_no_headings_is_one_chapter(tmp_path):
    book = book_of(tmp_path, "story.txt", f"{prose(30)}\n\n* * *\n\n{prose(30)}\n", title="A Story")
    assert [c.title for c in book.chapters] == ["A Story"]
    assert len(book.chapters[0].scenes) == 2


def test_long_opening_without_heading_becomes_a_chapter(tmp_path):
    text = "\n\n".join([prose(300, "opening"), prose(300, "more"), "Chapter 2", prose(40), "Chapter 3", prose(40)])
    book = book_of(tmp_path, "pp.txt", text)
    assert [c.title for c in book.chapters] == ["Opening", "Chapter 2", "Chapter 3"]
    assert book.front_matter == []


def test_last_entry_of_a_list_is_not_the_openings_title(tmp_path):
    # a list of illustrations before the dedication and a long opening: its last entry is no title
    text = "\n\n".join(["CONTENTS", "HIPPOGRIFF IN FLIGHT", "SOLDIERS OF DEMONLAND", "THE LAST CONJURING",
                        prose(300, "opening"), prose(300, "more"), "Chapter 2", prose(40), "Chapter 3", prose(40)])
    book = book_of(tmp_path, "w.txt", text)
    assert [c.title for c in book.chapters] == ["Opening", "Chapter 2", "Chapter 3"]
    # a title line of its own still names the opening
    text = "\n\n".join(["A NOVEL", "By A. Writer", "THE BEGINNING", prose(300, "opening"), prose(300, "more"),
                        "Chapter 2", prose(40), "Chapter 3", prose(40)])
    assert [c.title for c in book_of(tmp_path, "x.txt", text).chapters][0] == "The Beginning"


def test_induction_heading_after_a_table_of_contents(tmp_path):
    text = "\n\n".join(["CONTENTS", "THE INDUCTION", "I. THE CASTLE", "II. THE SEA", "THE INDUCTION", prose(200),
                        "I: THE CASTLE", prose(200), "II: THE SEA", prose(200)])
    book = book_of(tmp_path, "w.txt", text)
    assert [c.title for c in book.chapters] == ["The Induction", "I: The Castle", "II: The Sea"]


def test_illustration_marks_become_comments(tmp_path):
    from novelforge.text.masking import without_comments

    text = "\n\n".join(["Chapter 1", prose(40), "[Illustration: THE LORDS JUSS\nIN KOSHTRA BELORN.]",
                        prose(40), "[Illustration]", "[Illustrated by the author, who liked it.] Then more.",
                        "Chapter 2", prose(40)])
    paras = book_of(tmp_path, "i.txt", text).chapters[0].scenes[0].paragraphs
    assert paras[1] == "<!-- [Illustration: THE LORDS JUSS IN KOSHTRA BELORN.] -->"
    assert paras[3] == "<!-- [Illustration] -->"
    assert paras[4].startswith("[Illustrated by the author")          # prose that opens with a bracket
    assert without_comments(paras[1]) == ""


# ----------------------------------------------------------------------------- markdown
def test_markdown_headings_and_title_block(tmp_path):
    md = f"""
    ---
    title: "The Ember Test"
    author: Mara Example
    lang: en-GB
    ---

    # Ashes

    The *summons* reached \\*Cinderholt\\* at night.

    * * *

    {prose(10)}

    # The Road

    Second chapter.
    """
    book = book_of(tmp_path, "b.md", md)
    assert (book.title, book.author, book.language) == ("The Ember Test", "Mara Example", "en-GB")
    assert [c.title for c in book.chapters] == ["Ashes", "The Road"]
    assert book.chapters[0].scenes[0].paragraphs == ["The *summons* reached \\*Cinderholt\\* at night."]
    assert len(book.chapters[0].scenes) == 2


def test_markdown_title_heading_parts_and_setext(tmp_path):
    md = "# My Book\n\n## Part One\n\n### Chapter 1\n\nText one.\n\n### Chapter 2\n\nText two.\n\n" \
         "## Part Two\n\n### Chapter 3\n\nText three.\n"
    book = book_of(tmp_path, "p.md", md)
    assert book.title == "My Book"
    assert [(c.part, c.title) for c in book.chapters] == [("Part One", "Chapter 1"), ("Part One", "Chapter 2"),
                                                          ("Part Two", "Chapter 3")]
    setext = "Ashes\n=====\n\nText.\n\nThe Road\n========\n\nMore text.\n"
    assert [c.title for c in book_of(tmp_path, "s.md", setext).chapters] == ["Ashes", "The Road"]


def test_one_styled_heading_over_chapter_lines(tmp_path):
    md = "# My Novel\n\nChapter 1\n\nIt began.\n\nChapter 2\n\nIt went on.\n"
    book = book_of(tmp_path, "one.md", md)
    assert book.title == "My Novel" and [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]


def test_markdown_without_headings_uses_heading_lines(tmp_path):
    md = "**Chapter 1**\n\nIt began.\n\n**Chapter 2**\n\nIt went on.\n"
    book = book_of(tmp_path, "c.md", md, title="T")
    assert [c.title for c in book.chapters] == ["Chapter 1", "Chapter 2"]


# ----------------------------------------------------------------------------- docx
def make_docx(path: Path, build) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    build(document)
    document.save(str(path))
    return path


def test_docx_heading_styles_and_emphasis(tmp_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    def build(d):
        d.core_properties.title = "Core Title"
        d.core_properties.author = "Core Author"
        d.add_paragraph("The Word Novel", style="Title")
        d.add_heading("Ashes", level=1)
        p = d.add_paragraph("She was ")
        p.add_run("very").italic = True
        p.add_run(" ")
        p.add_run("bold").bold = True
        p.add_run(" and ")
        r = p.add_run("both ")
        r.bold = r.italic = True
        p.add_run("and *stars* and ")
        p.add_run("underlined").underline = True
        p.add_run(".")
        d.add_paragraph("# a line that is not a heading")
        c = d.add_paragraph("❦")
        c.alignment = WD_ALIGN_PARAGRAPH.CENTER
        d.add_paragraph("After the ornament.")
        d.add_paragraph("")
        d.add_paragraph("")
        d.add_paragraph("After two empty paragraphs.")
        d.add_paragraph("* * *")
        d.add_paragraph("After stars.")
        d.add_heading("The Road", level=1)
        d.add_paragraph("Second chapter.")

    path = make_docx(tmp_path / "novel.docx", build)
    book, fmt = read_book(path, ImportOptions())
    assert fmt == "docx" and book.title == "The Word Novel" and book.author == "Core Author"
    assert [c.title for c in book.chapters] == ["Ashes", "The Road"]
    scenes = book.chapters[0].scenes
    assert scenes[0].paragraphs == [
        "She was *very* **bold** and ***both*** and \\*stars\\* and *underlined*.",
        "\\# a line that is not a heading"]
    assert [s.paragraphs for s in scenes[1:]] == [["After the ornament."], ["After two empty paragraphs."],
                                                  ["After stars."]]


def test_docx_without_heading_styles(tmp_path):
    def build(d):
        for n, roman in enumerate(["I", "II", "III"], 1):
            d.add_paragraph(f"CHAPTER {roman}")
            d.add_paragraph(f"Paragraph {n} " + "text " * 40)

    book, _ = read_book(make_docx(tmp_path / "plain.docx", build), ImportOptions(title="T"))
    assert [c.title for c in book.chapters] == ["Chapter I", "Chapter II", "Chapter III"]


def test_docx_block_style_spacing_is_not_a_scene_break(tmp_path):
    def build(d):
        d.add_heading("One", level=1)
        for i in range(6):
            d.add_paragraph(f"Paragraph {i}.")
            d.add_paragraph("")
        d.add_paragraph("")
        d.add_paragraph("After a break.")

    book, _ = read_book(make_docx(tmp_path / "spaced.docx", build), ImportOptions(title="T"))
    scenes = book.chapters[0].scenes
    assert [len(s.paragraphs) for s in scenes] == [6, 1]


# ----------------------------------------------------------------------------- canon
HOLMES = " ".join([
    "Mr. Sherlock Holmes was in the room. Holmes said nothing at all.",
    "I looked at Holmes. \"Come,\" said Holmes. Sherlock Holmes rose. Mr. Holmes smiled.",
    "However, we went to Baker Street. Hope was gone, and we had no hope. We walked along Baker Street.",
    "Lestrade came in. \"No,\" said Lestrade. Mr. Lestrade frowned. I told Lestrade the news.",
] * 3)


def test_suggest_canon_groups_variants(tmp_path):
    source = write(tmp_path / "holmes.txt", "\n\n".join(["Chapter 1", HOLMES, "Chapter 2", HOLMES]))
    root = tmp_path / "holmes"
    result = import_file(source, root, ImportOptions(suggest_canon=True, title="Holmes"))
    assert result.characters >= 2 and result.locations >= 1
    holmes = (root / "canon/characters/sherlock-holmes.yaml").read_text("utf-8")
    assert holmes.startswith("# Suggested by `novelforge import --suggest-canon`")
    assert 'name: "Sherlock Holmes"' in holmes
    for alias in ("Holmes", "Mr. Holmes"):
        assert f'"{alias}"' in holmes
    assert "status" not in holmes.split("\n", 3)[3]        # left to its default
    assert (root / "canon/locations/baker-street.yaml").is_file()
    names = " ".join(p.read_text("utf-8") for p in (root / "canon").rglob("*.yaml"))
    assert "However" not in names and '"Hope"' not in names        # sentence-initial, and seen in lower case
    project = load_project(root)
    assert project.diagnostics == []
    assert project.characters["sherlock-holmes"].model.status == "alive"


def test_a_name_that_is_also_a_word_when_it_is_used_as_a_name(tmp_path):
    from novelforge.import_.canon import suggest_canon

    # Flask is a person twenty times, a flask once; hope is a word as often as Hope is a name
    text = "\n\n".join(["Chapter 1", " ".join(
        ["\"Aye,\" said Flask. Mr. Flask went aft, and Flask laughed at it."] * 7
        + ["He drank from a flask. Hope was gone, and we had no hope, no hope at all."] * 1
        + ["\"No,\" said Hope. Hope left."] * 2), "Chapter 2", "Flask sat down. Flask rose."])
    ids = [e.id for e in suggest_canon(book_of(tmp_path, "f.txt", text)).characters]
    assert "flask" in ids and "hope" not in ids


def test_a_mother_and_daughter_of_one_surname_are_two_characters(tmp_path):
    from novelforge.import_.canon import suggest_canon

    text = "\n\n".join(["Chapter 1", " ".join(
        ["Mrs. Westenra sighed. \"Come,\" said Mrs. Westenra. Miss Westenra smiled, and Miss Westenra slept."] * 4
        + ["Madame Charpentier wept. \"No,\" said Mrs. Charpentier. Madame Charpentier sat."] * 4),
        "Chapter 2", "Mrs. Westenra rose. Miss Westenra rose."])
    chars = {e.id: [e.name, *e.aliases] for e in suggest_canon(book_of(tmp_path, "w.txt", text)).characters}
    assert chars["mrs-westenra"] == ["Mrs. Westenra"] and chars["miss-westenra"] == ["Miss Westenra"]
    assert [k for k in chars if "charpentier" in k] == ["charpentier"]     # Madame is Mrs.: one woman


def test_kings_of_one_name_and_their_numbers_are_two_characters(tmp_path):
    from novelforge.import_.canon import suggest_canon

    text = "\n\n".join(["Chapter 1", " ".join(
        ["King Gorice XI. sat. \"No,\" said Gorice. Then Gorice XII came, and Gorice XI. went."] * 4
        + ["\"Go,\" said King Gorice XII, and Gorice XII rode. Gorice rode."] * 2), "Chapter 2", "Gorice XI slept."])
    chars = {e.id: [e.name, *e.aliases] for e in suggest_canon(book_of(tmp_path, "k.txt", text)).characters}
    assert chars["gorice-xi"][0] == "Gorice XI" and "King Gorice XI" in chars["gorice-xi"]
    assert chars["gorice-xii"][0] == "Gorice XII" and "gorice" not in chars


FAMILY = "\n\n".join([
    "Elizabeth walked to Netherfield. \"Come, Lizzy,\" said Mr. Bennet. Elizabeth came, and Elizabeth sat.",
    "Mrs. Bennet sighed. \"Miss Lizzy is out,\" said Hill. Elizabeth laughed. Mr. Bennet read.",
    "\"Miss Eliza Bennet,\" said Miss Bingley. Elizabeth Bennet smiled, and Elizabeth said nothing.",
    "Mrs. Bennet called. \"Eliza,\" said Miss Bingley. Miss Eliza went in. Mrs. Bennet said nothing.",
    "Kitty coughed. Miss Kitty ran. \"Kitty!\" said Mrs. Bennet. Lady Catherine frowned, and Lady "
    "Catherine said no. Lady Catherine left.",
    "Jane sat with Jenny. Jane and Jenny talked. \"No,\" said Jenny. \"Yes,\" said Jane. Miss Jenny "
    "smiled, and Jane smiled.",
] * 4)


def test_suggest_canon_joins_a_first_name_and_its_short_forms(tmp_path):
    """`Lizzy` (a pet form) and `Eliza` (a shortening given the same surname) are Elizabeth;
    `Kitty` is no `Lady Catherine`, and `Jenny` named beside `Jane` is someone else."""
    from novelforge.import_.canon import suggest_canon
    from novelforge.import_.text import read_text

    book = read_text("\n\n".join(["Chapter 1", FAMILY, "Chapter 2", FAMILY]))
    people = {e.name: e.aliases for e in suggest_canon(book).characters}
    assert {"Lizzy", "Eliza"} <= set(people["Elizabeth"]), people
    assert "Lizzy" not in people and "Eliza" not in people
    assert "Kitty" in people and "Kitty" not in people.get("Lady Catherine", []) + people.get("Catherine", [])
    assert "Jenny" in people and "Jenny" not in people.get("Jane", []) + people.get("Jane Bennet", [])


# ----------------------------------------------------------------------------- writing
def test_writes_a_valid_project_and_check_has_no_errors(tmp_path, capsys):
    source = write(tmp_path / "novel.txt", GUTENBERG)
    root = tmp_path / "out"
    code, out, err = call(capsys, "import", str(source), "--into", str(root), "--suggest-canon")
    assert code == 0, err
    assert "3 chapters" in out and "6 scenes" in out
    assert_clean_project(root)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert "manuscript/01-the-start/01-the-start-1.md" in files
    assert "manuscript/01-the-start/chapter.yaml" in files
    assert "manuscript/_front-matter.md" in files and "novelforge.yaml" in files
    scene = (root / "manuscript/01-the-start/01-the-start-1.md").read_text("utf-8")
    assert scene.startswith('---\ntitle: "Chapter I. The Start (1)"\nstatus: draft\n---\n\n')
    config = (root / "novelforge.yaml").read_text("utf-8")
    assert 'title: "The Test Novel"' in config and 'author: "Ada Example"' in config
    assert not [p for p in root.parent.iterdir() if p.name.startswith(".novelforge-import-")]
    code, out, _err = call(capsys, "check", str(root), "--format", "json", "--exit-zero")
    assert code == 0 and json.loads(out)["summary"]["errors"] == 0


def test_title_and_author_options(tmp_path, capsys):
    source = write(tmp_path / "my_story.txt", prose(20))
    code, _out, err = call(capsys, "import", str(source), "--into", str(tmp_path / "p"), "--title", "Given: A Title",
                           "--author", "Someone")
    assert code == 0, err
    project = load_project(tmp_path / "p")
    assert (project.config.title, project.config.author) == ("Given: A Title", "Someone")
    assert project.chapters[0].title == "Given: A Title"


def test_default_target_is_named_after_the_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = write(tmp_path / "The Long Night.txt", prose(20))
    code, _out, err = call(capsys, "import", str(source))
    assert code == 0, err
    assert (tmp_path / "the-long-night/novelforge.yaml").is_file()
    assert load_project(tmp_path / "the-long-night").config.title == "The Long Night"


def test_imports_into_a_folder_with_unrelated_files(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "README.md").write_text("mine\n", "utf-8")
    (root / ".gitignore").write_text("build/\n", "utf-8")
    (root / "manuscript").mkdir()
    import_file(write(tmp_path / "n.txt", prose(20)), root, ImportOptions(title="N"))
    assert (root / "README.md").read_text("utf-8") == "mine\n"
    assert (root / ".gitignore").read_text("utf-8") == "build/\n"
    assert_clean_project(root)


@pytest.mark.parametrize("text,size", [("50MB", 50_000_000), ("500kB", 500_000), ("2 GB", 2_000_000_000),
                                       ("1.5MB", 1_500_000), ("1234", 1234)])
def test_parse_size(text, size):
    assert parse_size(text) == size


def test_every_written_file_is_utf8_with_newlines(tmp_path):
    source = write(tmp_path / "n.txt", "Chapter 1\r\n\r\nCafé au lait — “quoted”.\r\n")
    root = tmp_path / "n"
    import_file(source, root, ImportOptions(title="N"))
    for p in root.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert b"\r" not in data
            data.decode("utf-8")
    assert "Café au lait — “quoted”." in (root / "manuscript/01-chapter-1/01-chapter-1.md").read_text("utf-8")


def test_import_does_not_load_docx_for_text(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    source = write(tmp_path / "n.txt", prose(20))
    code = (f"import sys; from novelforge.cli.app import main\n"
            f"try:\n    main(['import', {str(source)!r}, '--into', {str(tmp_path / 'p')!r}])\n"
            f"except SystemExit as e:\n    assert e.code == 0, e.code\n"
            f"assert 'docx' not in sys.modules\nprint('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr


def test_blocks_api_is_reusable():
    blocks = [Block("heading", "One", level=1), Block("para", "Text.", ("Text.",)), Block("break"),
              Block("para", "More.", ("More.",))]
    book = build_book(blocks, title="T")
    assert [[s.paragraphs for s in c.scenes] for c in book.chapters] == [[["Text."], ["More."]]]


def test_markdown_chapters_with_numbered_sections_are_not_parts(tmp_path):
    chapters = "".join(f"# Chapter {n}\n\n## 1\n\nText {n}a.\n\n## 2\n\nText {n}b.\n\n## 3\n\nText {n}c.\n\n"
                       for n in ("One", "Two"))
    book = book_of(tmp_path, "sections.md", chapters, title="T")
    assert [c.title for c in book.chapters] == ["Chapter One", "Chapter Two"] and book.parts == []
    assert [s.title for s in book.chapters[0].scenes] == ["Chapter One (1)", "Chapter One (2)", "Chapter One (3)"]
    named = "# The Early Years\n\n" + "".join(f"## {t}\n\nText.\n\n" for t in ("Ashes", "Embers", "Smoke")) + \
            "# The Later Years\n\n" + "".join(f"## {t}\n\nText.\n\n" for t in ("Fire", "Flame", "Blaze"))
    book = book_of(tmp_path, "named.md", named, title="T")
    assert book.parts == ["The Early Years", "The Later Years"] and len(book.chapters) == 6


# ----------------------------------------------------------------------------- any text
FUZZ_EXAMPLES = 60


def _fuzz_text():
    from hypothesis import strategies as st

    pieces = st.sampled_from([
        "Chapter 1", "CHAPTER IV.", "Part One", "BOOK TWO: 1806", "I.", "12", "Prologue", "* * *", "#", "***",
        "---", "# Heading", "## Sub", "  indented line", "By Someone", "1. a list item", "- dash item", "<!-- c -->",
        "word " * 12, "Holmes said, “Come.”", "Mr. Holmes went to Baker Street.", "_italic_ and *stars*", "\\",
        "A SHOUTED TITLE", "café ŒUVRE ﬁ", "\u2028", "\x0c", "\t", "", "", "",
    ])
    return st.lists(pieces, min_size=1, max_size=40).map("\n".join)


def test_any_text_imports_into_a_clean_project(tmp_path_factory):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from novelforge.import_.canon import suggest_canon
    from novelforge.import_.markdown import read_markdown
    from novelforge.import_.text import read_text
    from novelforge.import_.write import write_project

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(text=_fuzz_text(), markdown=st.booleans())
    def check(text, markdown):
        book = read_markdown(text) if markdown else read_text(text)
        book.title = book.title or "T"
        for chapter in book.chapters:
            if chapter.implicit:
                chapter.title = book.title
        if not book.chapters:
            return
        root = tmp_path_factory.mktemp("fuzz") / "p"
        write_project(book, root, canon=suggest_canon(book))
        project = load_project(root)
        assert project.diagnostics == [], [d.message for d in project.diagnostics]
        source_words = Counter(w.lower() for w in re.findall(r"[^\W_]+", text))
        kept = Counter()
        for p in root.rglob("*"):
            if p.is_file() and p.suffix in (".md", ".yaml"):
                kept += Counter(w.lower() for w in re.findall(r"[^\W_]+", p.read_text("utf-8")))
        lost = source_words - kept
        if book.author:                       # a bare title page ("By Someone") is only novelforge.yaml
            lost.pop("by", None)
        assert not lost

    check()


def test_any_word_document_keeps_its_text_and_emphasis(tmp_path_factory):
    """Random paragraphs of random runs in a Word file: the imported Markdown, read back
    the way the exporters read it, gives the same text with the same italics and bold."""
    docx = pytest.importorskip("docx")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from novelforge.export.book import parse_inline

    texts = st.sampled_from(["word", "two words", " lead", "trail ", "*star*", "a*b", "_under_", "back\\slash", "a_b",
                             "“quoted,”", "(paren)", "—dash—", "’s", "don't",
                             "# hash", "1. one", "<!-- c", "“curly”", "it's", "x", " ", "--", "Chapter 9"])
    run = st.tuples(texts, st.booleans(), st.booleans(), st.booleans())
    para = st.tuples(st.sampled_from(["Normal", "Normal", "Normal", "Heading 1", "Heading 2"]),
                     st.lists(run, min_size=1, max_size=5))

    from novelforge.import_.emphasis import _shape

    def norm(runs):
        return _shape(runs, lenient=True)   # punctuation at an emphasis edge may move outside it

    @settings(max_examples=FUZZ_EXAMPLES // 2, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(paras=st.lists(para, min_size=1, max_size=8))
    def check(paras):
        document = docx.Document()
        expected = []
        for style, runs in paras:
            p = document.add_paragraph(style=style)
            for text, italic, bold, underline in runs:
                r = p.add_run(text)
                r.italic, r.bold = italic or None, bold or None
                if underline and not italic:
                    r.underline = True
            if style == "Normal" and "".join(t for t, *_ in runs).strip():
                expected.append(norm([(t, i or u, b) for t, i, b, u in runs]))
        path = tmp_path_factory.mktemp("docx") / "f.docx"
        document.save(str(path))
        book, _ = read_book(path, ImportOptions(title="T"))
        got = []
        for md in [*book.front_matter, *(p for scene in book.scenes for p in scene.paragraphs)]:
            runs = parse_inline(md, "en", typography=False)
            got.append(norm([(r.text, r.italic, r.bold) for r in runs]))
        got = [g for g in got if g[0]]
        expected = [e for e in expected if e[0] and not is_break_line(e[0])]
        titles = {c.title for c in book.chapters} | {s.title for s in book.scenes} | {book.title}
        lenient = any("could not be written" in n for n in book.notes)
        by_text = {}
        for e in expected:
            by_text.setdefault(e[0], []).append(e)
        headings = {" ".join("".join(t for t, *_ in runs).split()) for style, runs in paras if style != "Normal"}
        for g in got:                       # a paragraph keeps its emphasis
            if g[0] in by_text and g[0] not in headings:
                assert g in by_text[g[0]] or lenient, (g, by_text[g[0]])
        texts = {g[0] for g in got}
        for e in expected:                  # and none is lost (a heading line may become a title)
            assert e[0] in texts or any(e[0] in (t or "") for t in titles), (e, got, titles)

    check()


def test_suggested_canon_fills_each_scenes_cast(tmp_path):
    from novelforge.import_ import ImportOptions, import_file
    from novelforge.project.loader import load_project
    from novelforge.rules.engine import CheckOptions, check_project

    chapters = []
    for n in range(1, 4):
        chapters.append(f"CHAPTER {n}\n\n" + " ".join(
            ["Holmes looked up from his chair. \"Watson,\" said Holmes, \"the game is afoot.\" "
             "Watson laughed and reached for his hat. Lestrade waited in the street below."] * 3))
    source = tmp_path / "novel.txt"
    source.write_text("\n\n".join(chapters) + "\n", "utf-8")
    import_file(source, tmp_path / "p", ImportOptions(suggest_canon=True))
    scene = sorted((tmp_path / "p" / "manuscript").rglob("*.md"))[0].read_text("utf-8")
    assert "characters: [" in scene and "holmes" in scene
    report = check_project(load_project(tmp_path / "p"), CheckOptions(use_cache=False))
    assert not [d for d in report.diagnostics if d.code in ("NF203", "NF204")]


# ----------------------------------------------------------------------------- back matter
def _novel_with(tail: str) -> str:
    return ("THE BOOK\n\nBy Ada Example\n\n\nCHAPTER I.\n\n" + prose(300, "alpha") + "\n\n\nCHAPTER II.\n\n"
            + prose(300, "beta") + "\n\n" + prose(200, "gamma") + "\n\n" + tail)


@pytest.mark.parametrize("tail,kept", [
    ("THE END\n\n       *       *       *\n\n_There's More to Follow!_\n\nMore stories of the sort you like.\n\n"
     "GROSSET & DUNLAP, _Publishers_, NEW YORK\n", "THE END"),
    ("ORIGINAL TRANSCRIBER'S NOTES:\n\n[Footnote 1: Frontispiece, with the caption.]\n\n"
     "[Footnote 2: “asked,”: should be “asked.”]\n", None),
    ("_Printed in Great Britain by_ R. & R. CLARK, LIMITED, _Edinburgh_.\n\nTranscriber’s Notes:\n\n"
     "  - Blank pages have been removed.\n", None),
])
def test_back_matter_is_split_off_the_last_chapter(tmp_path, tail, kept):
    """An edition's notes, errata and advertisements after the end go to
    manuscript/_back-matter.md like the front matter, not into the last chapter."""
    root = tmp_path / "p"
    import_file(write(tmp_path / "novel.txt", _novel_with(tail)), root, ImportOptions())
    last = sorted((root / "manuscript").glob("02-*/*.md"))
    text = "\n".join(p.read_text("utf-8") for p in last)
    assert "gamma" in text
    assert ("Publishers" not in text and "Footnote" not in text and "Transcriber" not in text
            and "Printed in" not in text)
    if kept:
        assert text.rstrip().endswith(kept)
    back = (root / "manuscript" / "_back-matter.md").read_text("utf-8")
    assert ("Footnote 2" in back or "NEW YORK" in back or "Blank pages" in back)
    assert "gamma" not in back
    assert_clean_project(root)


@pytest.mark.parametrize("tail", [
    "“The end,” she said, “is where we start.”\n",
    "He read the transcriber's notes twice and put them away. " + prose(20, "delta") + "\n",
    "THE END\n",                                   # nothing after it: nothing to split
])
def test_an_ending_that_is_the_book_stays(tmp_path, tail):
    book = book_of(tmp_path, "novel.txt", _novel_with(tail))
    assert book.back_matter == []
    assert book.chapters[-1].scenes[-1].paragraphs[-1].startswith(tail.split()[0].rstrip("\n"))


@pytest.mark.skipif(not (CORPUS / "dracula.txt").exists(), reason="the corpus is not here")
@pytest.mark.parametrize("novel,first_back,last_kept", [
    ("dracula", "_There's More to Follow!_", "THE END"),
    ("a_study_in_scarlet", "ORIGINAL TRANSCRIBER’S NOTES:", None),
    ("the_worm_ouroboros", "_Printed in Great Britain by_", None),
    ("pride_and_prejudice", None, None),
    ("moby_dick", None, None),
    ("the_sign_of_the_four", None, None),
])
def test_corpus_back_matter(tmp_path, novel, first_back, last_kept):
    """The corpus novels are read where they are (never copied into the repository)."""
    book, _fmt = read_book(CORPUS / f"{novel}.txt", ImportOptions())
    if first_back is None:
        assert book.back_matter == []
        return
    assert book.back_matter[0].startswith(first_back), book.back_matter[:2]
    last = book.chapters[-1].scenes[-1].paragraphs[-1]
    if last_kept:
        assert last == last_kept
    assert not any(w in last for w in ("Transcriber", "Footnote", "Publishers"))
