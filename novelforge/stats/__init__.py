"""``novelforge stats``: the writing dashboard — :mod:`.measure` (the manuscript now),
:mod:`.history` (words per day from git, the goal's projected finish), :mod:`.render`
(text and JSON), :mod:`.html` with :mod:`.svg` (the page and its charts)."""
