"""Who tells the book, for the rules that judge a scene against its narrator (NF203,
NF407) or ask who says `said I` where a scene names no `pov:` (NF404): whether the book
is told in the first person, and by whom, read from every scene. Both are book-wide facts
(:func:`~novelforge.rules.registry.world_feature`), part of the key of a scene's cached
findings."""

from __future__ import annotations

from collections import Counter

from novelforge.rules.registry import world_feature

FIRST_PERSON_BOOK = "first-person-book"
BOOK_NARRATOR = "book-narrator"


def first_person_book(ctx) -> bool:
    """A book in which at least one scene in five reads as first person (a Watson, an
    Ishmael, a journal): its scenes are first person unless they say `pov_mode: third`
    (a third-person novel quoting letters stays far below that)."""
    return ctx.memo(FIRST_PERSON_BOOK, lambda: _first_person_book(ctx))


def _first_person_book(ctx) -> bool:
    session = ctx.session
    scenes = [s for s in ctx.project.scenes if s.readable
              and (i := session.light(s.path)) is not None and i.words >= 200]
    session.first_persons(scenes)   # all at once, in parallel
    return bool(scenes) and sum(1 for s in scenes if session.first_person(s)) >= 0.2 * len(scenes)


def book_narrator(ctx) -> str | None:
    """The character who tells the book's first-person scenes: the `pov:` of two thirds
    or more of the first-person scenes that name one (two at least), for a scene that
    names none. None when the book has no such narrator (third person, or several)."""
    return ctx.memo(BOOK_NARRATOR, lambda: _book_narrator(ctx))


def scene_first_person(scene, index, ctx) -> bool:
    """Whether ``scene`` is told in the first person: its `pov_mode:` (or the book's
    setting), else its own narration, else the book's."""
    mode = scene.meta.pov_mode or ctx.project.config.pov_mode
    if mode is not None:
        return mode == "first"
    return bool(index.first_person) or first_person_book(ctx)


def _book_narrator(ctx) -> str | None:
    session = ctx.session
    default = ctx.project.config.pov_mode
    named = [s for s in ctx.project.scenes if s.readable and s.meta.pov
             and (s.meta.pov_mode or default) != "third"]
    session.first_persons([s for s in named if (s.meta.pov_mode or default) is None])
    povs = Counter(s.meta.pov for s in named if (s.meta.pov_mode or default) == "first" or session.first_person(s))
    if not povs:
        return None
    pov, count = povs.most_common(1)[0]
    return pov if count >= 2 and count * 3 >= 2 * sum(povs.values()) else None


@world_feature
def _narrator(ctx, codes) -> tuple | None:
    if not {"NF203", "NF404", "NF407"} & set(codes):
        return None
    return (first_person_book(ctx), book_narrator(ctx))
