"""Validated documents as plain values, kept between runs.

The loader validates every YAML document (``novelforge.yaml``, a scene's front matter,
a canon entry, a contract…) against its pydantic model in
:mod:`novelforge.project.schema`, and keeps the result as a :class:`Record`: the model's
fields as plain attributes (nested models are records too), which fields the author set
(``model_fields_set``), and the document's values as validated (``_input``), from which
the exact pydantic model is rebuilt when a caller asks for one (:meth:`Record.to_model`,
:meth:`Record.model_dump`).

A document that validated without a finding is kept in the analysis cache
(:class:`Validated`), by its path and the hash of its values: a run whose documents are
all unchanged reads their records back and never imports pydantic, which is most of a
warm run's start-up (bench/PHASES_RESULTS.md). A document with a finding is validated
every run, so that its findings are reported exactly as the validation words them.

Rules, exports and the server read a record as they read the model (``meta.pov``,
``config.check.select``); a field the check never reads and whose model has behaviour
of its own (``novelforge.yaml``'s ``llm:`` block) is *lazy*: the record rebuilds the
model from its values on first use.
"""

from __future__ import annotations

import hashlib
import importlib
from typing import Any, Iterator

_NO_INPUT: Any = ()          # a nested record: its values belong to its document's record
# the values a kept record may hold besides builtin scalars and containers (cache.ALLOWED)
_PLAIN = (str, int, float, bool, type(None), bytes)


class Record:
    """A validated document (or a block of one): its model's fields as attributes."""

    def __init__(self, schema: str, fields: tuple[str, ...], values: dict[str, Any], fields_set: frozenset,
                 input: Any = _NO_INPUT, lazy: frozenset = frozenset(), updates: dict | None = None) -> None:
        d = self.__dict__
        d.update(values)
        d["_schema"] = schema            # "module:Model" of novelforge.project.schema & co.
        d["_fields"] = fields
        d["_input"] = input
        d["_lazy"] = lazy
        d["_updates"] = updates or {}    # fields set by model_copy(update=…) since the validation
        d["model_fields_set"] = fields_set

    # ------------------------------------------------------------------ the model's
    def __getattr__(self, name: str) -> Any:
        # only called for a name the record does not hold: a lazy field, built on first use
        d = self.__dict__
        if name in d.get("_lazy", ()):
            value = getattr(self.to_model(), name)
            d[name] = value
            return value
        raise AttributeError(f"{self._name()} has no field {name!r}")

    def to_model(self) -> Any:
        """The pydantic model this record was made from (validated again from the record's
        values, which gives the same model, and kept)."""
        d = self.__dict__
        model = d.get("_model")
        if model is None:
            if d["_input"] is _NO_INPUT:
                raise TypeError(f"{self._name()} is a block of a document; ask the document's record for its model")
            model = _schema_class(d["_schema"]).model_validate(d["_input"])
            if d["_updates"]:
                model = model.model_copy(update=d["_updates"])
            d["_model"] = model
        return model

    def model_dump(self, **kwargs: Any) -> Any:
        """As pydantic's ``model_dump`` (same arguments, same result)."""
        return self.to_model().model_dump(**kwargs)

    def model_copy(self, update: dict[str, Any] | None = None) -> "Record":
        """A copy with the fields in ``update`` replaced, as pydantic's (not validated; the
        model the copy gives has them too). The record itself is never changed: the one
        the cache keeps is the document's as validated."""
        d = self.__dict__
        update = dict(update or {})
        values = {f: d[f] for f in self._fields if f in d}
        values.update(update)
        return Record(self._schema, self._fields, values, self.model_fields_set | set(update), d["_input"],
                      self._lazy - set(update), {**d["_updates"], **update})

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(field, value) pairs, as iterating a pydantic model gives them."""
        for f in self._fields:
            yield f, getattr(self, f)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self._schema == other._schema and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  (mutable, as the models)

    def __repr__(self) -> str:
        return f"{self._name()}({', '.join(f'{k}={v!r}' for k, v in self)})"

    def _name(self) -> str:
        return self.__dict__.get("_schema", "Record").rsplit(":", 1)[-1]

    # ------------------------------------------------------------------ kept in the cache
    def __getstate__(self) -> dict[str, Any]:
        d = self.__dict__
        return {k: v for k, v in d.items() if k != "_model" and k not in d["_lazy"]}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def _schema_class(schema: str) -> Any:
    module, _, name = schema.partition(":")
    if module.split(".")[0] != "novelforge":     # a record names NovelForge's own models only
        raise TypeError(f"{schema} is not a model of NovelForge")
    return getattr(importlib.import_module(module), name)


def record_of(model: Any, input: Any = _NO_INPUT, lazy: frozenset = frozenset()) -> tuple[Record, bool]:
    """(the record of the pydantic ``model``, whether every value in it is plain data
    that the cache can keep). ``input`` is what ``model`` was validated from; ``lazy``
    the fields left to the model (read from it on first use)."""
    plain = [True]
    record = _record(model, input, lazy, plain)
    record.__dict__["_model"] = model
    return record, plain[0]


def _record(model: Any, input: Any, lazy: frozenset, plain: list) -> Record:
    cls = type(model)
    fields = tuple(cls.model_fields)
    values = {name: _value(getattr(model, name), plain) for name in fields if name not in lazy}
    if model.__pydantic_extra__:
        plain[0] = False        # extra keys belong to the model's own handling
    return Record(f"{cls.__module__}:{cls.__qualname__}", fields, values, frozenset(model.model_fields_set),
                  input, lazy)


def _value(value: Any, plain: list) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list):
        return [_value(v, plain) for v in value]
    if isinstance(value, dict):
        return {k: _value(v, plain) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_value(v, plain) for v in value)
    if hasattr(type(value), "model_fields"):
        return _record(value, _NO_INPUT, frozenset(), plain)
    import datetime as dt

    from novelforge.diagnostics import Severity

    if not isinstance(value, (dt.date, dt.timedelta, dt.tzinfo, Severity)):
        plain[0] = False
    return value


# ---------------------------------------------------------------------- the cache
def values_digest(value: Any) -> str:
    """The hash a document's values are kept under: ``repr`` tells apart every type YAML
    gives (``1``, ``1.0``, ``'1'``, ``True``, a date)."""
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Validated:
    """The records of one project's documents that validated without a finding, read
    from the cache as one value when the loader starts and written back (only what this
    run validated) when it is done, if anything changed. A slot is (document path,
    where in it, model); a record is served only for the same values."""

    def __init__(self, cache: Any) -> None:
        from novelforge.analysis import keys

        self.cache = cache
        self.key = keys.validated_key()
        kept = cache.get(self.key, _is_kept)
        self.kept: dict[tuple, tuple[str, Record]] = kept if kept is not None else {}
        self.now: dict[tuple, tuple[str, Record]] = {}
        self.changed = kept is None

    def get(self, slot: tuple, digest: str) -> Record | None:
        hit = self.kept.get(slot)
        if hit is None or hit[0] != digest:
            return None
        self.now[slot] = hit
        return hit[1]

    def put(self, slot: tuple, digest: str, record: Record) -> None:
        self.now[slot] = (digest, record)
        self.changed = True

    def save(self) -> None:
        if self.changed or len(self.now) != len(self.kept):
            self.cache.set(self.key, self.now)


def _is_kept(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], Record) for v in value.values())
