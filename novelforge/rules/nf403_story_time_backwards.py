from novelforge.rules.registry import rule
from novelforge.wording import plural


def _format_gap(minutes: int) -> str:
    days, rest = divmod(minutes, 1440)
    hours = rest // 60
    if days and hours:
        return f"{plural(days, 'day')} {plural(hours, 'hour')}"
    if days:
        return f"{plural(days, 'day')}"
    if hours:
        return f"{plural(hours, 'hour')}"
    return f"{plural(minutes, 'minute')}"


@rule("NF403", "story-time-backwards", "warning", "project", reads=("timeline",))
def check(ctx):
    """A scene's story time (`when`) is earlier than the scene before it, and it is not a flashback.

    ## What it does
    Reads every scene's `when` (see the story-time formats in docs/format.md) and, in
    reading order, compares each scene with the last earlier scene that is not a
    flashback. Scenes with `flashback: true` may go back in time; undated scenes are
    skipped; dates and day counts (`day 12`) are never compared with each other.

    ## Why is this bad
    Time that runs backwards without a signal confuses readers and is usually a
    renumbering slip: a scene moved, or a date typed wrong.

    ## Example
    ```yaml
    # 03-the-court/01-arrival.md
    when: 402-03-20 09:00
    # 03-the-court/02-audience.md
    when: 402-03-18 14:00
    ```

    ## Use instead
    ```yaml
    when: 402-03-20 14:00       # or mark the scene `flashback: true`
    ```
    """
    times, _errors = ctx.timeline()
    last = None  # (scene, time) of the last dated non-flashback scene
    for scene in ctx.project.scenes:
        t = times.get(scene.path)
        if t is None:
            continue
        if scene.meta.flashback:
            continue
        if last is not None and last[1].scale == t.scale and t.minutes < last[1].minutes:
            prev = last[0]
            yield ctx.at_meta(scene, ("when",),
                              f"`when: {scene.meta.when}` is {_format_gap(last[1].minutes - t.minutes)} before "
                              f"the previous scene `{prev.id}` (`when: {prev.meta.when}`)",
                              help="fix the date, move the scene, or mark it `flashback: true`")
            continue  # compare the next scene with the later one
        last = (scene, t)
