"""Loading the story world: canon entries (``canon/<kind>/``), declared promises
(``promises.yaml``, ``canon/promises.yaml``, ``canon/promises/``) and contracts
(``contracts/``). A part of the loader (:class:`WorldLoader` is mixed into it): each
bad file or value is a finding with its position, the rest is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from novelforge.contracts import TYPES as CONTRACT_TYPES
from novelforge.diagnostics import Severity
from novelforge.project import problems as P
from novelforge.project.layout import (
    CANON,
    CANON_MARKDOWN,
    CANON_SUFFIXES,
    CONTRACT_SUFFIXES,
    CONTRACTS,
    PROMISES_FILE,
    PROMISES_KIND,
)
from novelforge.project.models import KIND_FIELDS, Entity, Promise
from novelforge.project.record import record_of, values_digest
from novelforge.project.validation import _clean_loc, _explain, _field_names, _fields_at, _kind_name, suggest
from novelforge.project.yamlio import YamlDoc


def _article(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


class WorldLoader:
    """Canon, promises and contracts; the loader provides ``top``, ``walk``, ``folders``,
    ``read_text``, ``load_yaml``, ``split_front_matter``, ``validate``, ``value_diag``,
    ``full``, ``diag`` and ``calendar``."""

    canon: dict[str, dict[str, Entity]]
    calendar: Any
    unread_canon: dict[str, set[str]]

    def drop_kind_fields(self, doc: YamlDoc, kind: str) -> Any:
        """``doc.data`` without the fields that only another kind of canon entry has
        (`travel:` on a character), each reported: no rule reads them there."""
        data = doc.data
        if not isinstance(data, dict):
            return data
        stray = [k for k in data if isinstance(k, str) and KIND_FIELDS.get(k, kind) != kind]
        if not stray:
            return data
        singular = kind[:-1] if kind.endswith("s") else kind
        for k in stray:
            owner = KIND_FIELDS[k]
            self.value_diag(doc, P.UNKNOWN_KEY,
                            f"`{k}` means nothing on {_article(singular)}: only {owner} ({CANON}/{owner}/) have it",
                            (k,), key=True, severity=Severity.WARNING,
                            help=f"move it to the {owner[:-1]} it belongs to, or delete it")
        return {k: v for k, v in data.items() if k not in stray}

    def load_canon(self) -> tuple[dict[str, dict[str, Entity]], dict[str, Promise]]:
        canon: dict[str, dict[str, Entity]] = {}
        promises: dict[str, Promise] = {}
        base = self.top(CANON)
        many: list[Path] = []
        if base is not None:
            kinds, files = self.walk(base)
            for kind_dir in kinds:
                kind = kind_dir.name
                for path in self._files_below(kind_dir):
                    if kind == PROMISES_KIND:
                        self._load_promise_file(path, promises)
                    else:
                        self._load_entity(path, kind, canon.setdefault(kind, {}))
            many += [f for f in files if f.name == PROMISES_FILE]
        root_file = self.top(PROMISES_FILE, folder=False)
        if root_file is not None:
            many.insert(0, root_file)
        for path in many:
            self._load_promise_file(path, promises, many=True)
        return canon, promises

    def _files_below(self, folder: Path, suffixes: tuple[str, ...] = CANON_SUFFIXES) -> list[Path]:
        out: list[Path] = []
        for _folder, _dirs, files in self.folders(folder):
            out.extend(f for f in files if f.suffix.lower() in suffixes)
        return out

    def _entity_doc(self, path: Path) -> tuple[YamlDoc | None, str]:
        text = self.read_text(path)
        if text is None:
            return None, ""
        rel = self.rel(path)
        if not text.strip():
            self.diag(P.EMPTY_FILE, f"`{rel}` is empty", rel, severity=Severity.WARNING,
                      help="fill it in or delete it")
            return None, ""
        if path.suffix.lower() == CANON_MARKDOWN:
            doc, body_start, ok = self.split_front_matter(path, text)
            if doc is None and ok:
                doc = YamlDoc(rel, "", {}, 0)
            return doc, text[body_start:].strip()
        return self.load_yaml(path, text), ""

    def _load_entity(self, path: Path, kind: str, into: dict[str, Entity]) -> None:
        doc, body = self._entity_doc(path)
        if doc is None:
            # the file exists but could not be read (its finding says why): the entry it holds
            # is known by its file name, so references to it are not unknown ids
            self.unread_canon.setdefault(kind, set()).add(path.stem)
            return
        model = self.validate("EntityModel", doc, "a canon entry", data=self.drop_kind_fields(doc, kind))
        if kind == "events" and model.when and not self._event_time_ok(doc, model):
            model = model.model_copy(update={"when": None})
        if body and not model.description:
            model = model.model_copy(update={"description": body})
        eid = model.id or path.stem
        entity = Entity(kind=kind, id=eid, path=doc.path, model=model, doc=doc)
        if eid in into:
            keep, extra = into[eid], entity
            # the file named after the id is the real one; report the other
            if Path(keep.path).stem != eid and path.stem == eid:
                keep, extra = entity, keep
            into[eid] = keep
            xdoc = extra.doc
            line, col = xdoc.position(("id",)) if isinstance(xdoc.data, dict) and "id" in xdoc.data else (1, 1)
            self.diag(P.DUPLICATE_ENTITY,
                      f"the {kind[:-1] if kind.endswith('s') else kind} id `{eid}` is already used by `{keep.path}`",
                      extra.path, line, col, entity=eid, help="give each canon entry its own `id`")
            return
        into[eid] = entity

    def _event_time_ok(self, doc: YamlDoc, model: Any) -> bool:
        """An event's `when` is read by NF410 in the project's calendar; one it cannot read
        is reported here (False) and left out (events have no earlier scene for `+2 days`)."""
        from novelforge.timeline import Calendar, parse_when

        months = self.calendar.months if self.calendar is not None else None
        try:
            parse_when(model.when, Calendar([(m.name, m.days) for m in months] if months else None))  # type: ignore[arg-type]
        except ValueError as exc:
            reason = str(exc)
            if "relative time" in reason:
                reason = "an event's time is a date or a day (`402-03-14`, `day 12`), not relative to a scene"
            self.value_diag(doc, P.INVALID_VALUE, f"`when: {model.when}` cannot be read: {reason}", ("when",),
                            help="write a date (`402-03-14 20:00`) or a day count (`day 12 evening`)")
            return False
        return True

    def _load_promise_file(self, path: Path, into: dict[str, Promise], many: bool = False) -> None:
        doc, body = self._entity_doc(path)
        if doc is None:
            return
        if many:
            if doc.data is not None and not isinstance(doc.data, dict):
                self.diag(P.INVALID_VALUE,
                          f"`{doc.path}` should map promise ids to promises, not be a {_kind_name(doc.data)}",
                          doc.path, *doc.position(()),
                          help="write one `id: description` (or `id: {description: …, payoff_within: …}`) per line")
                return
            items = doc.data if isinstance(doc.data, dict) else {}
            for pid, value in items.items():
                self._add_promise(str(pid), value, doc, (pid,), into)
            return
        model = self.validate("PromiseModel", doc, "a promise")
        pid = model.id or path.stem
        if body and not model.description:
            model = model.model_copy(update={"description": body})
        self._store_promise(pid, model, doc, into)

    def _add_promise(self, pid: str, value: Any, doc: YamlDoc, keypath: tuple, into: dict[str, Promise]) -> None:
        if isinstance(value, str):
            value = {"description": value}
        if not isinstance(value, dict):
            self.value_diag(doc, P.INVALID_VALUE,
                            f"promise `{pid}` should be a description or a set of `key: value` pairs", keypath)
            return
        model = self.validate("PromiseModel", doc, f"promise `{pid}`", data=value, keypath=keypath)
        self._store_promise(model.id or pid, model, doc, into)

    def _store_promise(self, pid: str, model: Any, doc: YamlDoc, into: dict[str, Promise]) -> None:
        if pid in into:
            self.diag(P.DUPLICATE_ENTITY, f"the promise id `{pid}` is already used by `{into[pid].path}`",
                      doc.path, 1, 1, help="give each promise its own id")
            return
        into[pid] = Promise(id=pid, path=doc.path, model=model, doc=doc)

    def _contract_record(self, doc: YamlDoc, cid: str, full: str, body: dict) -> Any:
        """The record of a contract that validates (kept like every document's, see
        :meth:`validate`), or None after reporting every problem in it."""
        slot = digest = None
        if self.validated is not None:
            slot, digest = (doc.path, (cid,), "contract"), values_digest(body)
            hit = self.validated.get(slot, digest)
            if hit is not None:
                return hit
        from pydantic import ValidationError

        from novelforge.contracts.models import MODELS

        model = MODELS[body["type"]]
        try:
            contract = model.model_validate(body)
        except ValidationError as exc:
            seen: set[tuple] = set()
            for err in exc.errors():
                raw_loc = err["loc"]
                loc = _clean_loc(raw_loc)
                if loc in seen:
                    continue
                seen.add(loc)
                err = {**err, "loc": loc, "at_key": "[key]" in raw_loc}
                msg, sev, kind, key = _explain(err, body, _fields_at(model, loc) if loc else [], f"contract `{cid}`",
                                               hints=not self.full(doc))
                self.value_diag(doc, kind, msg, (cid, *loc), key=key, severity=sev, contract=full,
                                help=f"fields of a `{body['type']}` contract: " + ", ".join(_field_names(model)))
            return None
        record, plain = record_of(contract, body)
        if slot is not None and plain:
            self.validated.put(slot, digest, record)
        return record

    def _validate_contract(self, doc: YamlDoc, cid: str, full: str, body: dict) -> Any:
        """The typed contract, or None after reporting every problem in it (a contract with
        an error is not half-enforced)."""
        contract = self._contract_record(doc, cid, full, body)
        if contract is None:
            return None
        # ids the contract names must exist in canon (which is loaded before contracts)
        refs: list[tuple[tuple, str, str]] = []
        if getattr(contract, "entity", None):
            refs.append(((cid, "entity"), contract.entity, "characters"))
        if body["type"] == "travel":
            refs += [((cid, "between", i), loc, "locations") for i, loc in enumerate(contract.between)]
        bad = False
        for keypath, ident, kind in refs:
            pool = self.canon.get(kind, {})
            if ident not in pool:
                hint = suggest(ident, list(pool))
                self.value_diag(doc, P.INVALID_VALUE,
                                f"`{ident}` is not a known {kind[:-1]}"
                                + (f" — did you mean `{hint}`?" if hint else ""),
                                keypath, contract=full, help=f"ids come from the file names in {CANON}/{kind}/")
                bad = True
        return None if bad else contract

    def load_contracts(self) -> tuple[dict[str, Any], dict[str, YamlDoc]]:
        contracts: dict[str, Any] = {}
        docs: dict[str, YamlDoc] = {}
        base = self.top(CONTRACTS)
        if base is None:
            return contracts, docs
        for path in self._files_below(base, CONTRACT_SUFFIXES):
            text = self.read_text(path)
            if text is None:
                continue
            doc = self.load_yaml(path, text)
            if doc is None or doc.data is None:
                continue
            if not isinstance(doc.data, dict):
                self.diag(P.INVALID_VALUE,
                          f"a contracts file should map contract ids to contracts, not be a {_kind_name(doc.data)}",
                          doc.path, 1, 1)
                continue
            prefix = path.stem
            for cid, body in doc.data.items():
                full = f"{prefix}.{cid}"
                if not isinstance(body, dict):
                    self.value_diag(doc, P.INVALID_VALUE, f"contract `{cid}` should be a set of `key: value` pairs",
                                    (cid,), key=True, contract=full)
                    continue
                ctype = body.get("type")
                if ctype not in CONTRACT_TYPES:
                    hint = suggest(str(ctype), CONTRACT_TYPES) if ctype and not self.full(doc) else None
                    msg = (f"contract `{cid}` has no `type`" if ctype is None
                           else f"`type: {ctype}` is not a contract type")
                    self.value_diag(doc, P.INVALID_VALUE, msg + (f" — did you mean `{hint}`?" if hint else ""),
                                    (cid, "type") if ctype is not None else (cid,), key=ctype is None,
                                    contract=full, help="valid types: " + ", ".join(CONTRACT_TYPES))
                    continue
                model = self._validate_contract(doc, cid, full, body)
                if model is not None:
                    contracts[full] = model
                    docs[full] = doc
        return contracts, docs
