"""Export: the manuscript as DOCX (standard manuscript format and reading copy), EPUB 3,
Markdown, HTML and plain text. :mod:`novelforge.export.book` turns a project into a
:class:`~novelforge.export.book.Book` that every writer renders."""
