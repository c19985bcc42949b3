from novelforge.rules.registry import rule
from novelforge.timeline import calendar_of, parse_when


def _times(ctx):
    """Story times of events (`when:` in canon/events) and scenes, by id."""
    cal = calendar_of(ctx.project)
    out = {}
    for eid, ent in ctx.project.canon.get("events", {}).items():
        if ent.model.when:
            try:
                out[eid] = parse_when(ent.model.when, cal)
            except ValueError:
                pass
    scene_times, _ = ctx.timeline()
    for scene in ctx.project.scenes:
        if scene.path in scene_times and scene.id not in out:
            out[scene.id] = scene_times[scene.path]
    return out


@rule("NF410", "event-order", "error", "project", reads=("timeline", "canon:events", "contracts:order"))
def check(ctx):
    """Two events (or scenes) happen in the opposite order to the one canon requires.

    ## What it does
    Reads the order canon demands — `before:` and `after:` lists in `canon/events/*.yaml`,
    and `order` contracts (`before: the-fall`, `after: the-coronation`; ids of events or
    scenes) — and compares the story times: an event's `when:` or a scene's `when`.
    Pairs where either time is unknown, or on different scales, are skipped; an id that
    names nothing is reported.

    ## Why is this bad
    The backstory has a timeline too; an author who moves the coronation must not end up
    with a coronation before the old king's death.

    ## Example
    ```yaml
    # canon/events/the-fall.yaml
    when: 384-11-09
    before: [the-coronation]
    # canon/events/the-coronation.yaml
    when: 380-06-01
    ```

    ## Use instead
    ```yaml
    # canon/events/the-coronation.yaml
    when: 385-06-01
    ```
    """
    times = ctx.memo("event-times", lambda: _times(ctx))
    known = set(ctx.project.canon.get("events", {})) | {s.id for s in ctx.project.scenes}
    pairs = []  # (first, then, path, keypath-holder, doc, contract id)
    for eid, ent in sorted(ctx.project.canon.get("events", {}).items()):
        for i, other in enumerate(ent.model.before):
            pairs.append((eid, other, ent, ("before", i), None))
        for i, other in enumerate(ent.model.after):
            pairs.append((other, eid, ent, ("after", i), None))
    for cid, c in sorted(ctx.project.contracts.items()):
        if c.type == "order":
            doc = ctx.project.contract_docs.get(cid)
            pairs.append((c.before, c.after, doc, (cid.split(".", 1)[1], "before"), cid))
    for first, then, holder, keypath, contract in pairs:
        doc = holder if contract else holder.doc
        path = doc.path if doc is not None else "contracts"
        line, col = doc.position(keypath) if doc is not None else (1, 1)
        for ident in (first, then):
            if ident not in known:
                yield ctx.at_file(path, line, col, f"`{ident}` is not an event or a scene id",
                                  contract=contract, entity=None if contract else holder.id,
                                  help="ids of canon/events entries or of scenes")
                break
        else:
            a, b = times.get(first), times.get(then)
            if a is None or b is None or a.scale != b.scale or a.minutes < b.minutes:
                continue
            yield ctx.at_file(path, line, col,
                              f"`{first}` must come before `{then}`, but its story time is "
                              f"{'the same' if a.minutes == b.minutes else 'later'}",
                              contract=contract, entity=None if contract else holder.id,
                              help="fix a `when`, or the order in canon")
