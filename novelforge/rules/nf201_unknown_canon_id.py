from novelforge.project.layout import CANON
from novelforge.project.loader import suggest
from novelforge.rules.registry import rule

# front-matter key → (canon kind it refers to, what to call it)
FIELDS = (
    ("pov", "characters", "character"),
    ("location", "locations", "location"),
    ("characters", "characters", "character"),
    ("mentions", None, "canon entry"),
)


@rule("NF201", "unknown-canon-id", "error", "scene", reads=("front-matter", "canon"))
def check(scene, index, ctx):
    """A scene's front matter names a character, location or canon entry that does not exist.

    ## What it does
    Checks `pov`, `location`, `characters` and `mentions` against the ids in `canon/`
    (`mentions` may name an entry of any kind) and suggests the closest id.

    ## Why is this bad
    A misspelled id breaks every check that depends on it: the scene's cast, continuity,
    the POV character's knowledge and the Writers' Room context.

    ## Example
    ```yaml
    pov: arya
    characters: [arya, bram]
    ```

    ## Use instead
    ```yaml
    pov: aria
    characters: [aria, bram]
    ```

    An id whose canon file exists but cannot be read (broken YAML, NF001, or an empty file,
    NF008) is not reported here: the file's own finding says what to fix.
    """
    canon = ctx.project.canon
    every_id = {e.id for e in ctx.project.entities()}
    unread = ctx.project.unread_canon
    every_unread = set().union(*unread.values()) if unread else set()
    meta = scene.meta
    for key, kind, noun in FIELDS:
        value = getattr(meta, key)
        values = [(None, value)] if isinstance(value, str) else list(enumerate(value or []))
        pool = set(canon.get(kind, {})) if kind else every_id
        for i, ident in values:
            if ident is None or ident in pool or ident in (unread.get(kind, set()) if kind else every_unread):
                continue
            keypath = (key,) if i is None else (key, i)
            hint = suggest(ident, pool)
            if kind and ident in every_id:
                other = next(e.kind for e in ctx.project.entities() if e.id == ident)
                message = f"`{key}: {ident}` names a {other[:-1] if other.endswith('s') else other}, not a {noun}"
            else:
                message = f"`{ident}` in `{key}` is not a known {noun}" + (f" — did you mean `{hint}`?" if hint else "")
            where = f"{CANON}/{kind}/{ident}.yaml" if kind else f"{CANON}/<kind>/{ident}.yaml"
            yield ctx.at_meta(scene, keypath, message, entity=ident,
                              help=f"fix the id, or create `{where}`")
