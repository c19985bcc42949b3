"""Reading a project's files and YAML documents, and turning bad values into findings:
a part of the loader (:class:`DocLoader` is mixed into it, beside
:class:`~novelforge.project.load_world.WorldLoader`). The loader provides ``files``,
``rel``, ``diag``, ``diags``, ``sources``, ``cache``, ``fingerprints``, ``yaml_prints``,
``setting_problems`` and the counts of value findings.

A YAML document is read by the quickest reader that is certain of it: a flat ``key:
value`` one line by line (:mod:`novelforge.project.yamlflat`), else the parse a run left
in the cache, else the guarded parser (:func:`~novelforge.project.yamlio.parse_yaml`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from novelforge.diagnostics import Severity
from novelforge.project import problems as P
from novelforge.project.layout import CONFIG_FILE
from novelforge.project.record import Record, record_of, values_digest
from novelforge.project.validation import _clean_loc, _explain, _fields_at, _kind_name, drop_all
from novelforge.project.yamlflat import read_flat
from novelforge.project.yamlio import YamlDoc, YamlSyntaxError, parse_yaml
from novelforge.wording import agree

# findings about values (unknown keys, bad values) listed per file; the rest are counted in
# one closing finding, so a file with 100,000 unknown keys is reported in well under a second
MAX_VALUE_FINDINGS = 50


_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_UNSET: Any = object()


class DocLoader:
    """Files, YAML documents, front matter and the findings about their values."""

    files: Any
    rel: Any
    diag: Any
    diags: list
    sources: dict[str, str]
    cache: Any
    fingerprints: list[tuple[str, str]]
    yaml_prints: list[tuple[str, str]]
    setting_problems: dict[str, list]
    validated: Any          # a project.record.Validated, or None (no cache)
    _value_counts: dict[str, int]
    _omitted: dict[str, list]

    def read_text(self, path: Path) -> str | None:
        text = self.files.read_text(path)
        if text is not None:
            self.sources[self.rel(path)] = text
        return text

    def load_yaml(self, path: Path, text: str, line_offset: int = 0) -> YamlDoc | None:
        rel = self.rel(path)
        key = None
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        self.fingerprints.append((rel, digest))
        self.yaml_prints.append((rel, digest))
        flat = read_flat(text)        # most documents: `key: value` lines, read as the parser would
        if flat is not None:
            return YamlDoc(rel, text, flat, line_offset)
        if self.cache is not None:
            # a parse that succeeded before is reused; positions stay lazy (YamlDoc)
            from novelforge.analysis import keys

            key = keys.yaml_key(digest)
            hit = self.cache.get(key, _one_value)
            if hit is not None:
                return YamlDoc(rel, text, hit[0], line_offset)
        try:
            data = parse_yaml(text, line_offset)
            if key is not None:
                self.cache.set(key, (data,))
        except YamlSyntaxError as exc:
            self.diag(P.YAML_SYNTAX, exc.message, rel, exc.line, exc.column,
                      help=exc.help or "YAML needs `key: value` pairs indented with spaces; quote text that "
                                       "contains `: ` or starts with `[`, `{`, `*`, `&` or `!`")
            return None
        return YamlDoc(rel, text, data, line_offset)

    def value_diag(self, doc: YamlDoc, kind: tuple[str, str], message: str, keypath: tuple, *, key: bool = False,
                   severity: Severity = Severity.ERROR, help: str | None = None, **extra: Any) -> None:
        """A finding about a value at ``keypath`` in ``doc``. Past :data:`MAX_VALUE_FINDINGS`
        in one file they are only counted (no position is looked up), and :meth:`close`
        reports the count in one finding."""
        count = self._value_counts[doc.path] = self._value_counts.get(doc.path, 0) + 1
        if count > MAX_VALUE_FINDINGS:
            omitted = self._omitted.get(doc.path)
            if omitted is None:
                omitted = self._omitted[doc.path] = [doc, keypath, key, 0, 0, Severity.WARNING]
            omitted[3] += 1
            omitted[4] += kind == P.UNKNOWN_KEY
            if severity.rank > omitted[5].rank:
                omitted[5] = severity
            return
        line, col = doc.position(tuple(keypath), key=key)
        self.diag(kind, message, doc.path, line, col, severity=severity, help=help, **extra)
        if doc.path == CONFIG_FILE and keypath and isinstance(keypath[0], str):
            self.setting_problems.setdefault(keypath[0], []).append(self.diags[-1])

    def full(self, doc: YamlDoc) -> bool:
        return self._value_counts.get(doc.path, 0) >= MAX_VALUE_FINDINGS

    def close(self) -> None:
        """One finding per file whose value findings were cut short."""
        for path, (doc, keypath, key, count, unknown, severity) in sorted(self._omitted.items()):
            line, col = doc.position(tuple(keypath), key=key)
            what = (agree(count, 'unknown key', 'unknown keys') if unknown == count
                    else agree(count, 'problem', 'problems') + ' with keys and values')
            self.diag(P.UNKNOWN_KEY if unknown == count else P.INVALID_VALUE,
                      f"{count:,} more {what} in `{path}`, from here on, are not listed one by one", path, line, col,
                      severity=severity, help="fix the ones listed above and run the check again")
        self._omitted.clear()

    def validate(self, model: str, doc: YamlDoc, what: str, *, data: Any = _UNSET,
                 keypath: tuple = (), **extra: Any) -> Record:
        """Validate ``doc.data`` (or ``data``, found at ``keypath`` in ``doc``) against the
        model named ``model`` (of :mod:`novelforge.project.schema`); report each problem
        and drop the bad value, so that what is loaded is only what is valid. The record
        of a document that validated without a finding is kept, and served for the same
        values without validating (:class:`~novelforge.project.record.Validated`)."""
        value = doc.data if data is _UNSET else data
        slot = digest = None
        if self.validated is not None and isinstance(value, dict):
            slot, digest = (doc.path, keypath, model), values_digest(value)
            hit = self.validated.get(slot, digest)
            if hit is not None:
                return hit
        from novelforge.project import schema

        cls = getattr(schema, model)
        findings = self._value_counts.get(doc.path, 0)
        instance, data = self._validate(cls, doc, what, value, keypath, extra)
        record, plain = record_of(instance, data, schema.LAZY.get(model, frozenset()))
        if slot is not None and plain and self._value_counts.get(doc.path, 0) == findings:
            self.validated.put(slot, digest, record)
        return record

    def blank(self, model: str) -> Record:
        """The record of an empty document (a scene without front matter)."""
        slot, digest = ("", (), model), values_digest({})
        hit = self.validated.get(slot, digest) if self.validated is not None else None
        if hit is None:
            from novelforge.project import schema

            hit, _plain = record_of(getattr(schema, model)(), {}, schema.LAZY.get(model, frozenset()))
            if self.validated is not None:
                self.validated.put(slot, digest, hit)
        import copy

        return copy.deepcopy(hit)   # its own lists, as a model's

    def _validate(self, model: Any, doc: YamlDoc, what: str, value: Any, keypath: tuple,
                  extra: dict) -> tuple[Any, dict]:
        """(the pydantic model, the values it was validated from) of :meth:`validate`."""
        from pydantic import ValidationError

        if value is not None and not isinstance(value, dict):
            self.value_diag(doc, P.INVALID_VALUE,
                            f"{what} should be a set of `key: value` pairs, not a {_kind_name(value)}", keypath,
                            **extra)
        data = dict(value) if isinstance(value, dict) else {}
        dropped: set[tuple] = set()          # values this validation took out already
        for _attempt in range(6):
            try:
                return model.model_validate(data), data
            except ValidationError as exc:
                seen: set[tuple] = set()
                drops: list[tuple[tuple, bool]] = []
                for err in exc.errors():
                    # a value that fits no branch of a union (`text or a list`) gives one error
                    # per branch, with pydantic's branch names in the location: report it once
                    raw_loc = err["loc"]
                    loc = _clean_loc(raw_loc)
                    if not loc or loc in seen:
                        continue
                    seen.add(loc)
                    if err["type"] == "missing" and loc in dropped and len(loc) > 1:
                        # the bad value reported was required (`goal: {words: -5}`): what held
                        # it goes too, and "missing" is not reported on top of "should be"
                        drops.append((loc[:-1], False))
                        continue
                    unknown = err["type"] == "extra_forbidden"
                    drops.append((loc, unknown))
                    dropped.add(loc)
                    if self.full(doc):   # only counted: no message, no "did you mean"
                        self.value_diag(doc, P.UNKNOWN_KEY if unknown else P.INVALID_VALUE, "", keypath + loc,
                                        key=unknown, severity=Severity.WARNING if unknown else Severity.ERROR)
                        continue
                    err = {**err, "loc": loc, "at_key": "[key]" in raw_loc}
                    msg, sev, kind, key = _explain(err, data, _fields_at(model, loc), what)
                    self.value_diag(doc, kind, msg, keypath + loc, key=key, severity=sev, **extra)
                if not drop_all(data, drops):
                    break
        return model(), {}

    def split_front_matter(self, path: Path, text: str) -> tuple[YamlDoc | None, int, bool]:
        """(front matter doc, body offset, ok). A file without front matter is all body."""
        if not (text.startswith("---\n") or text.rstrip(" \t") == "---" or re.match(r"---[ \t]+\n", text)):
            return None, 0, True
        first_nl = text.find("\n")
        if first_nl == -1:
            first_nl = len(text)
        m = _FM_CLOSE.search(text, first_nl + 1)
        if not m:
            self.diag(P.UNCLOSED_FRONT_MATTER,
                      "the front matter opened on line 1 is never closed", self.rel(path), 1, 1,
                      help="end the front matter with a line containing only `---`")
            return None, len(text), False
        yaml_text = text[first_nl + 1:m.start()]
        body_start = m.end() + 1 if m.end() < len(text) else m.end()
        doc = self.load_yaml(path, yaml_text, line_offset=1)
        if doc is None:
            return None, body_start, False
        if doc.data is None:
            doc.data = {}
        return doc, body_start, True


def _one_value(hit: Any) -> bool:
    """The shape of a cached YAML parse: the data in a 1-tuple (None is a real value)."""
    return isinstance(hit, tuple) and len(hit) == 1
