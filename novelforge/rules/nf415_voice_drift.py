from novelforge.rules.registry import rule


@rule("NF415", "voice-drift", "info", "project", reads=("prose", "structure", "cast", "canon:characters"))
def check(ctx):
    """A character's lines in one scene sound more like another character than like them.

    ## What it does
    Off unless `voices: {drift-words: N}` is set in `novelforge.yaml`. For each scene where
    a character says at least N words (by the speaker attribution `novelforge voices`
    reads), builds that character's voice fingerprint from their dialogue in every *other*
    scene, and the fingerprints of the other characters with at least `voices: {min-words}`
    (default 1000) words, and compares the scene's lines with them by cosine Delta on the
    100 most frequent words (docs/voices.md). When the lines are nearer another character's
    fingerprint than the speaker's own, the scene is reported at the character's first
    line there, with both distances.

    ## Why is this bad
    A character who suddenly talks like someone else — the gruff smuggler with the
    chancellor's periods — is often a draft written in a hurry, or a line given to the
    wrong speaker. It is only a hint (an info): fingerprints need a lot of dialogue, and on
    *Pride and Prejudice* nearest-fingerprint attribution of a scene's lines is right about
    30% of the time (bench/VOICES_RESULTS.md), so read the scene before changing it.

    ## Example
    ```markdown
    "Pursuant to the matter of the tariff, I submit that the council must deliberate,"
    said Bram.     (Bram, elsewhere: "Ain't no tariff I can't dodge, love.")
    ```
    (`voices: {drift-words: 20}`)

    ## Use instead
    ```markdown
    "Tariff? Council can chew on it. I'll dodge it same as always," said Bram.
    ```
    """
    cfg = ctx.project.config.voices
    if not cfg.drift_words:
        return
    from novelforge.text.reference import genders
    from novelforge.voices import fingerprint as F
    from novelforge.voices.lines import spoken_lines

    lines = ctx.memo("voice-lines", lambda: spoken_lines(ctx.session, genders(ctx)))
    by_speaker: dict[str, dict[str, list]] = {}
    for line in lines:
        by_speaker.setdefault(line.speaker, {}).setdefault(line.scene, []).append(line)
    totals = {s: sum(len(F.tokens(x.text)) for ls in scenes.values() for x in ls) for s, scenes in by_speaker.items()}
    scenes = {s.path: s for s in ctx.project.scenes}
    chars = ctx.project.characters
    name = lambda cid: chars[cid].name if cid in chars else cid  # noqa: E731
    for speaker, per_scene in sorted(by_speaker.items()):
        for path, here in sorted(per_scene.items()):
            said = [x.text for x in here]
            if sum(len(F.tokens(t)) for t in said) < cfg.drift_words:
                continue
            own = [x.text for p, ls in per_scene.items() if p != path for x in ls]
            mine = F.voice(speaker, own)
            if mine.words < cfg.min_words:
                continue
            others = [F.voice(s, [x.text for ls in sc.values() for x in ls]) for s, sc in sorted(by_speaker.items())
                      if s != speaker and totals[s] >= cfg.min_words]
            if not others:
                continue
            fingerprints = [mine, *others]
            words = F.most_frequent(fingerprints)
            vectors, norms = F.zscores(fingerprints, words)
            probe, _ = F.zscores([F.voice("this scene", said)], words, norms)
            near = {v.speaker: F.cosine_distance(vectors[v.speaker], probe["this scene"]) for v in fingerprints}
            closest = min(near, key=lambda s: (near[s], s))
            if closest == speaker:
                continue
            first = here[0]
            yield ctx.at(scenes[path], first.start, first.end,
                         f"{name(speaker)}'s lines here sound more like {name(closest)} "
                         f"(cosine Delta {near[closest]:.2f}) than like {name(speaker)} ({near[speaker]:.2f})",
                         entity=speaker,
                         help=f"read the scene's lines aloud beside {name(speaker)}'s others; or check who says them")
