"""Build the *untouched* benchmark project of one novel.

1. ``bench/make_project.py`` turns the corpus text into a project (chapters → scenes,
   frequent names → canon characters); it is imported, not copied.
2. The novel's spec (``bench/seeded/<novel>.yaml``) then adds what a statistic cannot
   know and an author would write: corrected and new canon entries (attributes,
   ``died_in``, ``knows``, relationships, items), scene front matter (``pov``,
   ``pov_mode``, ``when``, ``flashback``, ``transfers``) and contracts.
3. Each scene's cast is recomputed from the final canon with make_project's own name
   finder; the POV character joins the cast, and a dead character named after the death
   scene moves from ``characters`` to ``mentions`` (what an author keeping the front
   matter honest would do).

Everything in a spec must be true of the untouched text; the untouched run measures the
false positives that remain (see ``docs/benchmark-seeded.md``).
"""

from __future__ import annotations

import fnmatch
import importlib.util
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.seeded import HERE, REPO

_MP = None


def make_project():
    """``bench/make_project.py`` as a module (bench/ is not a package)."""
    global _MP
    if _MP is None:
        path = REPO / "bench" / "make_project.py"
        spec = importlib.util.spec_from_file_location("nf_bench_make_project", path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
        _MP = mod
    return _MP


def corpus_dir() -> Path:
    return make_project().CORPUS


def corpus_available(novel: str) -> bool:
    return (corpus_dir() / f"{novel}.txt").is_file()


# ----------------------------------------------------------------------------- yaml
def _yaml(typ: str = "safe"):
    from ruamel.yaml import YAML

    y = YAML(typ=typ, pure=True)
    y.default_flow_style = None
    y.width = 4096
    y.allow_unicode = True
    return y


def read_yaml(path: Path):
    return _yaml().load(Path(path).read_text(encoding="utf-8"))


def dump_yaml(data) -> str:
    buf = io.StringIO()
    y = _yaml()
    y.default_flow_style = False
    y.dump(data, buf)
    return buf.getvalue()


def load_spec(novel: str, folder: Path | None = None) -> dict:
    """``bench/seeded/<novel>.yaml``, or the held-out one in ``folder``."""
    path = (folder or HERE) / f"{novel}.yaml"
    if not path.is_file():
        raise SystemExit(f"no seeded spec for {novel}: {path}")
    return read_yaml(path) or {}


def yaml_str(value: str) -> str:
    """A YAML scalar: plain where that is unambiguous, otherwise JSON-quoted (valid YAML)."""
    if (re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,’'\-]*[A-Za-z0-9]|[A-Za-z]", value)
            and value.lower() not in {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}):
        return value
    return json.dumps(value, ensure_ascii=False)


class NameFinder:
    """Which characters a text names, as a reader sees it: their names and aliases as whole
    words, case-sensitive, the longest name winning where names overlap, possessives
    included and Markdown emphasis (`_Mina_`) ignored. A spec's cast is every character a
    scene names (the importer's casts tell speakers from the merely named)."""

    def __init__(self, chars: list[tuple[str, list[str]]]) -> None:
        by_form: dict[str, set[str]] = {}
        for cid, forms in chars:
            for f in forms:
                by_form.setdefault(f, set()).add(cid)
        self.by_form = by_form
        forms = sorted(by_form, key=lambda f: (-len(f), f))
        body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
        edges = rf"(?<![^\W_])(?<![’'\-])(?:{body})(?![^\W_])(?![’'](?!s\b)[^\W_])(?!-[^\W_])"
        self.pattern = re.compile(edges) if forms else None

    def find(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        found: dict[str, None] = {}
        for m in self.pattern.finditer(text):
            ids = self.by_form.get(re.sub(r"\s+", " ", m.group(0)), set())
            if len(ids) == 1:
                found.setdefault(next(iter(ids)), None)
        return sorted(found)


# ----------------------------------------------------------------------------- scenes
def natural_key(path: str) -> list:
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", path)]


@dataclass
class SceneFile:
    path: str                  # relative to the project root, forward slashes
    id: str
    index: int                 # reading order
    meta: dict
    body: str

    @property
    def words(self) -> int:
        return len(self.body.split())


_FM_ORDER = ["id", "title", "pov", "pov_mode", "location", "when", "flashback", "characters", "mentions",
             "transfers", "status"]


def split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.index("\n---\n", 3)
    meta = _yaml().load(text[4:end]) or {}
    return dict(meta), text[end + 5:]


def render_front_matter(meta: dict) -> str:
    keys = [k for k in _FM_ORDER if k in meta] + sorted(k for k in meta if k not in _FM_ORDER)
    out = ["---"]
    for k in keys:
        v = meta[k]
        if v is None or v == [] or v is False and k == "flashback":
            continue
        out.append(f"{k}: {_scalar(v)}")
    out.append("---")
    return "\n".join(out) + "\n"


def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if hasattr(v, "isoformat"):
        v = v.isoformat()
    if isinstance(v, str):
        return yaml_str(v)
    # lists and mappings: JSON flow style is valid YAML
    return json.dumps(v, ensure_ascii=False, default=str)


def read_scenes(root: Path) -> list[SceneFile]:
    from novelforge.project.layout import is_scene_name, skipped

    files = sorted((p for p in (root / "manuscript").rglob("*.md")
                    if is_scene_name(p.name) and not any(skipped(x) for x in p.relative_to(root).parts)),
                   key=lambda p: natural_key(p.relative_to(root).as_posix()))
    out = []
    for i, p in enumerate(files):
        meta, body = split_front_matter(p.read_text(encoding="utf-8"))
        sid = meta.get("id") or re.sub(r"^\d+[-_. ]*", "", p.stem)
        out.append(SceneFile(p.relative_to(root).as_posix(), sid, i, meta, body))
    return out


def write_scene(root: Path, s: SceneFile) -> None:
    (root / s.path).write_text(render_front_matter(s.meta) + s.body, encoding="utf-8")


def select(scenes: list[SceneFile], where: dict | None) -> list[SceneFile]:
    """Scenes matching a selection: ``ids``, ``from``/``to`` (scene ids, inclusive, reading
    order), ``path`` (glob on the project path), ``cast`` (all of these ids in
    ``characters``), ``pov``, ``dated`` (has a ``when``), ``flashback`` (true/false)."""
    where = where or {}
    by_id = {s.id: s for s in scenes}
    lo, hi = 0, len(scenes) - 1
    for key in ("from", "to"):
        if key in where:
            if where[key] not in by_id:
                raise ValueError(f"selection names an unknown scene `{where[key]}`")
    if "from" in where:
        lo = by_id[where["from"]].index
    if "to" in where:
        hi = by_id[where["to"]].index
    out = []
    for s in scenes:
        if not lo <= s.index <= hi:
            continue
        if "ids" in where and s.id not in where["ids"]:
            continue
        if "path" in where and not fnmatch.fnmatch(s.path, where["path"]):
            continue
        if "cast" in where and not set(where["cast"]) <= set(s.meta.get("characters") or []):
            continue
        if "pov" in where and s.meta.get("pov") != where["pov"]:
            continue
        if "dated" in where and bool(s.meta.get("when")) != bool(where["dated"]):
            continue
        if "flashback" in where and bool(s.meta.get("flashback")) != bool(where["flashback"]):
            continue
        out.append(s)
    if "ids" in where:
        missing = set(where["ids"]) - set(by_id)
        if missing:
            raise ValueError(f"selection names unknown scenes: {sorted(missing)}")
    return out


# ----------------------------------------------------------------------------- build
@dataclass
class Built:
    novel: str
    root: Path
    spec: dict
    scenes: list[SceneFile] = field(default_factory=list)
    words: int = 0
    stats: dict = field(default_factory=dict)


def build_untouched(novel: str, target: Path, spec: dict | None = None) -> Built:
    """Write the untouched project of ``novel`` into ``target`` (replaced if it exists)."""
    mp = make_project()
    spec = spec if spec is not None else load_spec(novel)
    target = Path(target)
    stats = mp.build(novel, target)
    chars = _apply_canon(target, spec.get("canon") or {})
    _apply_config(target, spec.get("config") or {})
    _apply_contracts(target, spec.get("contracts") or {})
    scenes = read_scenes(target)
    _apply_scenes(scenes, spec, chars)
    for s in scenes:
        write_scene(target, s)
    return Built(novel, target, spec, scenes, sum(s.words for s in scenes), stats)


def _apply_canon(root: Path, canon: dict) -> dict[str, dict]:
    """Edit the generated characters and add other canon; returns id → character entry."""
    cdir = root / "canon" / "characters"
    # the importer's ids for the spec's own (`sherlock-holmes: holmes`): the spec names
    # characters as its author does, whatever the suggestion called them
    for old, new in (canon.get("rename") or {}).items():
        path = cdir / f"{old}.yaml"
        if not path.is_file():
            raise ValueError(f"canon.rename: no generated character `{old}`")
        if (cdir / f"{new}.yaml").exists():
            raise ValueError(f"canon.rename: `{new}` exists already")
        path.rename(cdir / f"{new}.yaml")
    for cid in canon.get("remove") or []:
        path = cdir / f"{cid}.yaml"
        if not path.is_file():
            raise ValueError(f"canon.remove: no generated character `{cid}`")
        path.unlink()
    for kind, entries in canon.items():
        if kind in ("remove", "rename"):
            continue
        kdir = root / "canon" / kind
        kdir.mkdir(parents=True, exist_ok=True)
        for eid, patch in (entries or {}).items():
            path = kdir / f"{eid}.yaml"
            data = dict(read_yaml(path) or {}) if path.is_file() else {}
            patch = dict(patch or {})
            extra = patch.pop("add_aliases", None)
            data.update(patch)
            if extra:
                data["aliases"] = list(dict.fromkeys(list(data.get("aliases") or []) + list(extra)))
            path.write_text(dump_yaml(data), encoding="utf-8")
    out: dict[str, dict] = {}
    for path in sorted(cdir.glob("*.yaml")):
        out[path.stem] = dict(read_yaml(path) or {})
    return out


def _apply_config(root: Path, config: dict) -> None:
    if not config:
        return
    path = root / "novelforge.yaml"
    data = dict(read_yaml(path) or {})
    check = dict(data.get("check") or {})
    check.update(config.get("check") or {})
    data["check"] = check
    for k, v in config.items():
        if k != "check":
            data[k] = v
    path.write_text(dump_yaml(data), encoding="utf-8")


def _apply_contracts(root: Path, contracts: dict) -> None:
    if not contracts:
        return
    cdir = root / "contracts"
    cdir.mkdir(exist_ok=True)
    for name, body in contracts.items():
        (cdir / f"{name}.yaml").write_text(dump_yaml(body), encoding="utf-8")


def _apply_scenes(scenes: list[SceneFile], spec: dict, chars: dict[str, dict]) -> None:
    finder = NameFinder([(cid, [c.get("name") or cid, *(c.get("aliases") or [])]) for cid, c in sorted(chars.items())])
    for s in scenes:
        s.meta["characters"] = finder.find(s.body)      # every character the scene names
        s.meta.pop("mentions", None)
    for rule in spec.get("scenes") or []:
        for s in select(scenes, rule.get("where")):
            for k, v in (rule.get("set") or {}).items():
                s.meta[k] = v.isoformat() if hasattr(v, "isoformat") else v
    by_id = {s.id: s for s in scenes}
    for r in spec.get("when_ranges") or []:
        for s in select(scenes, {"from": r["from"], "to": r["to"]}):
            s.meta["when"] = str(r["when"])
    for sid, value in (spec.get("when") or {}).items():
        if sid not in by_id:
            raise ValueError(f"when: unknown scene `{sid}`")
        by_id[sid].meta["when"] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    for s in scenes:
        pov = s.meta.get("pov")
        if pov and pov not in s.meta["characters"]:
            s.meta["characters"] = sorted(s.meta["characters"] + [pov])
    # the dead leave the cast (they may still be named: memories, letters, confessions)
    for cid, c in chars.items():
        died = c.get("died_in")
        if not died and c.get("status") != "dead":
            continue
        if died and died not in by_id:
            raise ValueError(f"{cid}: died_in names an unknown scene `{died}`")
        died_at = by_id[died].index if died else -1    # `status: dead` alone: dead before the story
        revived = by_id[c["revived_in"]].index if c.get("revived_in") in by_id else None
        for s in scenes:
            if s.index <= died_at or s.meta.get("flashback") or (revived is not None and s.index >= revived):
                continue
            if cid in s.meta["characters"]:
                s.meta["characters"] = [x for x in s.meta["characters"] if x != cid]
                s.meta["mentions"] = sorted(set(s.meta.get("mentions") or []) | {cid})
