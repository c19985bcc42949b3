"""The one builder of cache keys.

Every key folds in what changes the value stored under it (black's habit): the code
that computed it (:func:`code_fingerprint`), the content hash of the text it was
computed from, and every setting that changes the result. A key names its kind first
(``idx:``, ``person:``, ``rules:``, ``run:``, ``yaml:``) so one store can hold them all.
"""

from __future__ import annotations

import hashlib

_CODE_FINGERPRINT: str | None = None


def digest(value: object) -> str:
    """A short hash of ``repr(value)`` (values are built from sorted, plain data)."""
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def code_fingerprint() -> str:
    """Changes whenever NovelForge's own code changes (version, or any module edited), so
    no cached result outlives the code that computed it."""
    global _CODE_FINGERPRINT
    if _CODE_FINGERPRINT is None:
        import novelforge
        from novelforge.replay import package_files
        from novelforge.text.index import INDEX_VERSION

        # the package's .py files (the same walk as the stored runs' code stamp: once a process)
        stats = sorted(f for f in package_files() if f[0].endswith(".py"))
        _CODE_FINGERPRINT = digest((novelforge.__version__, INDEX_VERSION, stats))
    return _CODE_FINGERPRINT


def yaml_key(text_digest: str) -> str:
    """A YAML document's parsed data, by the hash of its text."""
    return f"yaml:{code_fingerprint()}:{text_digest}"


def validated_key() -> str:
    """A project's validated documents (:class:`~novelforge.project.record.Validated`), by
    the code and the installed pydantic that validated them."""
    return f"valid:{code_fingerprint()}:{digest(_pydantic_stamp())}"


def _pydantic_stamp() -> list:
    """The size and time of pydantic's and pydantic-core's files that change with every
    release, found without importing them (that is the point of keeping the records)."""
    import importlib.util
    import os

    stamp = []
    for name, files in (("pydantic", ("version.py",)), ("pydantic_core", ("__init__.py", "core_schema.py"))):
        spec = importlib.util.find_spec(name)
        folder = os.path.dirname(spec.origin) if spec is not None and spec.origin else None
        for file in files:
            try:
                st = os.stat(os.path.join(folder, file)) if folder else None
            except OSError:
                st = None
            stamp.append((name, file, st and (st.st_size, st.st_mtime_ns)))
    return stamp


def index_key(scene, names) -> str:
    """A scene's full text index: its text, the names it is read against, its POV."""
    return f"idx:{code_fingerprint()}:{scene.content_hash}:{names.fingerprint}:{scene.meta.pov}:{scene.meta.pov_mode}"


def summary_key(name: str, scene) -> str:
    """A compact fact of one scene that depends on its text alone (``name`` says which:
    ``words`` for ``promises suggest``'s word index), by the scene's content hash."""
    return f"sum:{name}:{code_fingerprint()}:{scene.content_hash}:{scene.body_start}"


def kept_key(name: str, basis: object) -> str:
    """A book-wide value a rule keeps between runs (``name`` says which), by everything it
    was computed from (``basis``: plain, sorted data) and the code."""
    return f"kept:{name}:{digest((code_fingerprint(), basis))}"


def person_key(scene) -> str:
    """Whether a scene reads as first person (a bool, cheaper to read back than an index)."""
    return f"person:{code_fingerprint()}:{scene.content_hash}:{scene.meta.pov_mode}"


def listing_key(commit: str, prefix: str) -> str:
    """A commit's file listing (path → blob id and size) below the project's folder: a
    commit never changes, so its id and the folder are all it depends on."""
    return f"git-listing:{code_fingerprint()}:{commit}:{prefix}"


def rules_key(selection: str, scene) -> str:
    """The findings of the selected scene rules on one scene's text. The value holds them
    by the hash of the inputs each group of rules reads (:mod:`novelforge.analysis.inputs`)."""
    return f"rules:{selection}:{scene.content_hash}:{scene.path}"


def suggest_key(project, rejected) -> str:
    """``promises suggest``'s candidates: every input file's bytes (``project.fingerprint``)
    and the candidates rejected before (``.novelforge/promises-rejected.json``)."""
    return "suggest:" + digest((code_fingerprint(), project.fingerprint, sorted(rejected)))


def run_key(project, codes, overrides, per_file, baseline, scenes) -> str:
    """A whole check's result: every input file's bytes (``project.fingerprint``) and
    every option that changes what is reported."""
    return "run:" + digest((code_fingerprint(), project.fingerprint, sorted(codes), sorted(overrides.items()),
                            [(p, sorted(c)) for p, c in per_file], sorted((baseline or {}).items()),
                            sorted(scenes) if scenes is not None else None))
