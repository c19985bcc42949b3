"""Canon names that open with lower-case words (`old Mr. Darcy`, `the late Mr. Darcy`,
`van Helsing`) or have no capital at all (`my wife`): found in prose, and the longest
name across all characters wins (issue #16)."""

from __future__ import annotations

from novelforge.text.index import build_index
from novelforge.text.names import NameTable

TABLE = NameTable.build([
    (("characters", "darcy"), ["Fitzwilliam Darcy", "Darcy", "Mr. Darcy"]),
    (("characters", "old-darcy"), ["old Mr. Darcy", "the late Mr. Darcy"]),
    (("characters", "mina"), ["Mina", "my wife"]),
    (("characters", "helsing"), ["van Helsing"]),
])


def mentions(text: str) -> list[tuple[str, str]]:
    return [(" ".join(m.text.split()), m.entities[0][1]) for m in build_index(text, 0, TABLE).mentions]


def test_lower_case_words_before_a_name_make_the_longer_name():
    assert mentions("Old Mr. Darcy walked in. Then the late Mr. Darcy spoke.") == [
        ("Old Mr. Darcy", "old-darcy"), ("late Mr. Darcy", "old-darcy")]
    assert mentions("We saw the old\nMr. Darcy go.") == [("old Mr. Darcy", "old-darcy")]


def test_without_the_lower_case_words_it_is_the_shorter_name():
    assert mentions("Mr. Darcy laughed; a bold Mr. Darcy, a gold Mr. Darcy.") == [
        ("Mr. Darcy", "darcy"), ("Mr. Darcy", "darcy"), ("Mr. Darcy", "darcy")]


def test_a_name_without_capitals_matches_as_whole_words_in_any_case():
    assert mentions("My wife came in, and my\nwife sat down. Mina smiled.") == [
        ("My wife", "mina"), ("my wife", "mina"), ("Mina", "mina")]
    assert mentions("His army wifely duties, my wifely aunt.") == []


def test_a_lower_case_particle_opens_a_name():
    assert mentions("Then van Helsing came, and Van Helsing spoke.") == [
        ("van Helsing", "helsing"), ("Van Helsing", "helsing")]


def test_an_acting_old_name_acts():
    idx = build_index("Old Mr. Darcy walked across the lawn.", 0, TABLE)
    assert [(m.entities[0][1], m.acts) for m in idx.mentions] == [("old-darcy", True)]


def test_the_table_fingerprint_sees_lower_case_names():
    other = NameTable.build([(("characters", "mina"), ["Mina", "my bride"])])
    same = NameTable.build([(("characters", "mina"), ["Mina", "my wife"])])
    assert other.fingerprint != same.fingerprint
