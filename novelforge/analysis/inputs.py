"""A hash of each input a rule may declare it reads (``rules.registry.READS``), for the key
of its cached findings: a scene rule's findings are reused exactly when none of the
inputs it declares changed. The scene's own text (prose and front matter) is in the key
separately (its content hash); ``novelforge.yaml`` is in every key."""

from __future__ import annotations

from novelforge.analysis.keys import digest
from novelforge.project.layout import CANON, CONFIG_FILE, PROMISES_FILE, PROMISES_KIND


class Inputs:
    def __init__(self, session, features: dict[str, object] | None = None) -> None:
        self.session = session
        self.project = session.project
        self.features = features or {}   # book-wide facts (@world_feature) by name
        self._done: dict[str, str] = {}

    def digest(self, term: str) -> str:
        found = self._done.get(term)
        if found is None:
            found = self._done[term] = digest(self._value(term))
        return found

    def of(self, reads) -> str:
        """One hash of the inputs ``reads`` names, and of ``novelforge.yaml``."""
        return digest((self.digest("config"), [(t, self.digest(t)) for t in sorted(reads)]))

    def _yaml_under(self, prefix: str) -> list[tuple[str, str]]:
        return sorted((p, d) for p, d in self.project.yaml_digests.items() if p.startswith(prefix))

    def _value(self, term: str) -> object:
        project = self.project
        scenes = project.scenes
        if term == "config":
            return project.yaml_digests.get(CONFIG_FILE)
        if term == "prose":
            return self.session.names.fingerprint      # mentions depend on every name
        if term == "front-matter":
            return None                                # in the scene's content hash
        if term == "structure":
            return ([(s.path, s.id, s.chapter.path if s.chapter else None, s.readable) for s in scenes],
                    sorted((p, d) for p, d in project.yaml_digests.items()
                           if p.endswith(("/chapter.yaml", "/part.yaml"))))
        if term == "timeline":
            return [(s.path, s.id, s.meta.when, s.meta.flashback) for s in scenes]
        if term == "cast":
            return [(s.path, sorted(s.meta.characters), s.meta.pov, s.meta.location,
                     repr(s.meta.transfers)) for s in scenes]
        if term == "canon":
            return self._yaml_under(f"{CANON}/")
        if term.startswith("canon:"):
            return self._yaml_under(f"{CANON}/{term.split(':', 1)[1]}/")
        if term.startswith("contracts:"):
            ctype = term.split(":", 1)[1]
            return [(cid, repr(c)) for cid, c in sorted(project.contracts.items()) if c.type == ctype]
        if term == "promises":
            # every scene's markers live in its text: any scene's text
            return (self._yaml_under(f"{CANON}/{PROMISES_KIND}"), project.yaml_digests.get(PROMISES_FILE),
                    [(s.path, s.content_hash) for s in scenes])
        if term == "book":
            return sorted(self.features.items())
        raise KeyError(term)
