"""One slug rule for ids, folders and file names (novelforge.text.slug)."""

from __future__ import annotations

from novelforge.text.slug import slug, without_accents


def test_ids_and_folders_are_ascii_with_the_accents_spelled_out():
    assert slug("Natásha Rostóva") == "natasha-rostova"
    assert slug("The Ember Queen's Return") == "the-ember-queen-s-return"
    assert slug("Война и мир") == ""
    assert slug("Война и мир", fallback="x") == "x"


def test_a_long_slug_is_cut_at_a_dash_when_that_keeps_half_of_it():
    title = "the adventure of the engineer's thumb and other stories"
    cut = slug(title, 40)
    assert len(cut) <= 40 and title.replace("'", "-").replace(" ", "-").startswith(cut) and not cut.endswith("-")
    assert cut == "the-adventure-of-the-engineer-s-thumb"
    assert slug("a-" + "x" * 60, 40) == ("a-" + "x" * 60)[:40]       # the dash is too early


def test_candidate_ids_are_cut_at_the_limit_itself():
    long = "questions-book-one-1805-03-chapter-iii-who-can-tell-what-it-was"
    assert slug(long, 60, whole_words=False) == long[:60].rstrip("-")


def test_a_file_name_keeps_every_letter_and_fits_any_file_system():
    assert slug("Война и мир", 80, ascii=False) == "война-и-мир"
    name = slug("字" * 200, 80, ascii=False, fallback="book")
    assert len(name) <= 80 and len(name.encode("utf-8")) <= 160
    assert slug("***", 80, ascii=False, fallback="book") == "book"


def test_export_and_the_importer_use_it():
    from novelforge.export.writer import slug as file_name
    from novelforge.import_.headings import slugify

    assert file_name("Война и мир") == slug("Война и мир", 80, ascii=False)
    assert slugify("Natásha Rostóva") == slug("Natásha Rostóva")


def test_without_accents():
    assert without_accents("Pávlovna Schérer") == "Pavlovna Scherer"
    assert without_accents("plain") == "plain"
