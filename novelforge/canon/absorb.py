"""A merge's field work: the surviving entry of ``canon merge A B`` takes B's name and
aliases as aliases and B's fields; a field both give differently is refused unless the
caller says which wins (``keep``)."""

from __future__ import annotations

from pathlib import Path

from novelforge.errors import UsageError


def absorb(p, edit, other: Path, rel: str):
    """The surviving entry takes the other's names as aliases and its fields."""
    from novelforge.canon.write_all import broken, text_of
    from novelforge.project.yamlio import parse_yaml

    try:
        theirs = parse_yaml(text_of(other)[0]) or {}
    except Exception as exc:
        raise broken(other.name, exc) from None

    def merge(data) -> None:
        if data is None or not isinstance(theirs, dict):
            return
        if p.kind != "promises":
            names = [theirs.get("name")] + list(theirs.get("aliases") or [])
            have = {data.get("name")} | set(data.get("aliases") or [])
            fresh = [str(n) for n in names if n and n not in have]
            fresh = list(dict.fromkeys(fresh))
            if fresh:
                if "aliases" not in data or data["aliases"] is None:
                    from ruamel.yaml.comments import CommentedSeq

                    seq = CommentedSeq(fresh)
                    seq.fa.set_flow_style()    # `aliases: [Eliza, Miss Eliza]`, as the format writes it
                    data["aliases"] = seq
                else:
                    data["aliases"].extend(fresh)
                edit.aliases_added.extend(fresh)
        for key, value in theirs.items():
            if key in ("id",) or (p.kind != "promises" and key in ("name", "aliases")):
                continue
            mine = data.get(key)
            if key not in data or mine is None:
                data[key] = value
                edit.fields_merged.append(key)
            elif isinstance(mine, dict) and isinstance(value, dict):
                for sub, v in value.items():
                    if sub not in mine:
                        mine[sub] = v
                        edit.fields_merged.append(f"{key}.{sub}")
                    elif mine[sub] != v:
                        _choose(p, edit, rel, f"{key}.{sub}", mine, sub, v)
            elif isinstance(mine, list) and isinstance(value, list):
                extra = [v for v in value if v not in mine]
                mine.extend(extra)
                if extra:
                    edit.fields_merged.append(key)
            elif mine != value:
                _choose(p, edit, rel, key, data, key, value)
        rel_map = data.get("relationships")
        if isinstance(rel_map, dict):
            for who in (p.old, p.new):
                if who in rel_map:     # the entry's relationship to itself
                    del rel_map[who]
                    p.dropped.append(f"{rel}: `relationships.{who}` (the entry itself, after the merge)")

    return merge


def _choose(p, edit, rel: str, key: str, holder, sub, theirs) -> None:
    if p.keep == "a":
        p.dropped.append(f"{rel}: `{key}: {theirs}` of `{p.old}` (--keep a)")
        return
    if p.keep == "b":
        p.dropped.append(f"{rel}: `{key}: {holder[sub]}` of `{p.new}` (--keep b)")
        holder[sub] = theirs
        edit.fields_merged.append(key)
        return
    raise UsageError(f"`{key}` differs: `{holder[sub]}` for `{p.new}`, `{theirs}` for `{p.old}`", path=rel,
                     help="say which wins with --keep a (the first entry) or --keep b (the second); "
                          "nothing was written")
