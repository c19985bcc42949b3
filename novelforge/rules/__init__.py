"""Rules. Importing this package registers every built-in rule in the central table
(:data:`novelforge.rules.registry.RULES`); one module per rule."""

from novelforge.rules import (  # noqa: F401  (imported for registration)
    load,
    nf101_duplicate_scene_id,
    nf102_empty_drafted_scene,
    nf201_unknown_canon_id,
    nf202_pov_not_in_cast,
    nf203_listed_character_not_named,
    nf204_unlisted_character_present,
    nf205_misspelled_name,
    nf901_unused_suppression,
)
