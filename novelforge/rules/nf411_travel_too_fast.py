import re

from novelforge.rules.registry import rule
from novelforge.wording import agree, plural

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(minute|min|hour|hr|day|week|month)s?\s*$", re.I)
_UNIT = {"minute": 1, "min": 1, "hour": 60, "hr": 60, "day": 1440, "week": 7 * 1440, "month": 30 * 1440}


def minutes(value) -> int | None:
    """`3 days` → 4320; a bare number is days."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value * 1440)
    m = _DURATION.match(str(value))
    return int(float(m.group(1)) * _UNIT[m.group(2).lower()]) if m else None


def _format(mins: int) -> str:
    if mins % 1440 == 0:
        d = mins // 1440
        return f"{plural(d, 'day')}"
    if mins >= 1440:
        return f"{mins / 1440:.1f} days"
    h = mins / 60
    return f"{h:g} {agree(h, 'hour', 'hours')}"


def travel_table(ctx) -> dict[frozenset, int]:
    """{frozenset({a, b}): minimum minutes} from locations' `travel:` and `travel` contracts."""
    table: dict[frozenset, int] = {}
    for lid, ent in ctx.project.locations.items():
        for other, value in ent.model.travel.items():
            mins = minutes(value)
            if mins is not None and other != lid:
                key = frozenset((lid, other))
                table[key] = max(table.get(key, 0), mins)
    for c in ctx.project.contracts.values():
        if c.type == "travel" and len(c.between) == 2:
            mins = minutes(c.minimum)
            if mins is not None:
                key = frozenset(c.between)
                table[key] = max(table.get(key, 0), mins)
    return table


def appearances(ctx) -> dict[str, list]:
    """character → [(time, scene)] for scenes with a time and a location, in story time."""
    times, _ = ctx.timeline()
    out: dict[str, list] = {}
    for scene in ctx.project.scenes:
        t = times.get(scene.path)
        if t is None or not scene.meta.location or scene.meta.flashback:
            continue
        cast = set(scene.meta.characters) | ({scene.meta.pov} if scene.meta.pov else set())
        for cid in cast:
            out.setdefault(cid, []).append((t, scene))
    for cid in out:
        out[cid].sort(key=lambda p: (p[0].scale, p[0].minutes, p[1].index))
    return out


@rule("NF411", "travel-too-fast", "warning", "project",
      reads=("timeline", "cast", "canon:locations", "canon:characters", "contracts:travel"))
def check(ctx):
    """A character gets from one location to another faster than the travel table allows.

    ## What it does
    Follows each character through the scenes they are in (`characters` or `pov`) that
    have a `when` and a `location`, in story time. When two consecutive appearances are at
    different locations, the time between them must be at least the minimum travel time:
    `travel: {emberfall: 3 days}` in a location's canon (either direction), or a `travel`
    contract (`between: [cinderholt, emberfall]`, `minimum: 4 days`). Flashbacks are
    skipped.

    ## Why is this bad
    Fantasy readers draw the map; a journey that takes two weeks in chapter 3 and two days
    in chapter 12 breaks it.

    ## Example
    ```yaml
    # canon/locations/cinderholt.yaml
    travel: {emberfall: 4 days}
    # scene A: location: cinderholt, when: 402-03-14 — scene B: location: emberfall, when: 402-03-15
    ```

    ## Use instead
    ```yaml
    # scene B
    when: 402-03-18
    ```
    """
    table = ctx.memo("travel-table", lambda: travel_table(ctx))
    if not table:
        return
    chars = ctx.project.characters
    for cid, seen in sorted(ctx.memo("appearances", lambda: appearances(ctx)).items()):
        for (t1, s1), (t2, s2) in zip(seen, seen[1:]):
            if t1.scale != t2.scale or s1.meta.location == s2.meta.location:
                continue
            need = table.get(frozenset((s1.meta.location, s2.meta.location)))
            gap = t2.minutes - t1.minutes
            if need is None or gap <= 0 or gap >= need:
                continue  # gap 0 is NF412's (two places at once)
            name = chars[cid].name if cid in chars else cid
            yield ctx.at_meta(s2, ("when",),
                              f"{name} reaches `{s2.meta.location}` {_format(gap)} after being in "
                              f"`{s1.meta.location}` (`{s1.id}`); the journey takes at least {_format(need)}",
                              entity=cid, help="move the scene later, or change the travel time in canon")
