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
    nf206_unknown_scene_reference,
    nf301_forbidden_term,
    nf302_avoided_term,
    nf303_inconsistent_variant,
    nf304_missing_required_context,
    nf305_custom_pattern,
    nf309_contract_not_enforced,
    nf401_dead_character_present,
    nf402_attribute_contradiction,
    nf403_story_time_backwards,
    nf404_knowledge_before_learned,
    nf405_unreadable_story_time,
    nf406_tense_slip,
    nf407_pov_slip,
    nf408_relationship_contradiction,
    nf901_unused_suppression,
)
