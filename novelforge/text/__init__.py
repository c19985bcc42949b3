"""Prose analysis: what the rules read instead of the raw text."""
