from novelforge.rules.registry import rule


@rule("NF405", "unreadable-story-time", "warning", "scene", reads=("front-matter", "timeline"))
def check(scene, index, ctx):
    """A scene's `when` is not a story time NovelForge can read.

    ## What it does
    Reports `when` values that are not in one of the story-time forms: `402-03-14 20:00`,
    `day 12 evening`, `+2 days` after a dated scene, or a date in the project's custom
    calendar (`14 Frostmoon 402`). Dates that do not exist (`402-02-30`) are reported too.

    ## Why is this bad
    A time NovelForge cannot read is left out of every time check: the scene can run
    backwards, or put a character in two places, without a finding.

    ## Example
    ```yaml
    when: the next morning
    ```

    ## Use instead
    ```yaml
    when: +1 day morning
    ```
    """
    _times, errors = ctx.timeline()
    reason = errors.get(scene.path)
    if reason:
        if reason.startswith("not a story time"):
            message = f"`when: {scene.meta.when}` is not a story time NovelForge can read"
        else:
            message = f"`when: {scene.meta.when}` cannot be read: {reason}"
        yield ctx.at_meta(scene, ("when",), message,
                          help="write `402-03-14 20:00`, `day 12 evening` or `+2 days` (docs/format.md, Story time)")
