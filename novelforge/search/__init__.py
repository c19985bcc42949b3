"""Full-text search over a project's prose and canon (``novelforge search``).

:mod:`novelforge.search.store` keeps an SQLite FTS5 index of every scene line (its
dialogue and its narration in two columns) and every canon file line, in the project's
cache folder (outside the project, like the analysis cache), updated file by file by
content hash. :mod:`novelforge.search.query` turns a query and its filters into FTS5 and
SQL, expands a character's name to every alias, and finds where in the line it matched.
"""
