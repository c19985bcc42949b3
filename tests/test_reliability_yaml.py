"""The YAML reliability harnesses (bench/reliability/yaml_fuzz.py and yaml_bombs.py) at a
small size, and the properties their classification rests on."""

from __future__ import annotations

import random

import pytest

from bench.reliability import yaml_bombs, yaml_fuzz
from bench.reliability._yaml_places import EXAMPLE, EXTRA, PLACES
from novelforge.project import yamlguard


def test_yaml_fuzz_holds():
    outcome = yaml_fuzz.run(28, seed=3)
    assert outcome.ok, outcome.failures
    figures = dict(outcome.figures)
    assert figures["tracebacks"] == "0" and figures["exit 3"] == "0"
    assert figures["broken files that gave exit 0 (or no error of their own)"] == "0"
    assert int(figures["through the real command (seeded sample)"]) >= 1


def test_yaml_bombs_hold():
    outcome = yaml_bombs.run(4, seed=0)
    assert outcome.ok, outcome.failures
    assert dict(outcome.figures)["code run by a tag (marker files)"] == "0"


def test_the_fuzz_cases_are_deterministic_and_cover_every_pairing():
    first, again = yaml_fuzz.cases(300, 7), yaml_fuzz.cases(300, 7)
    assert first == again
    every = len(PLACES) * len(yaml_fuzz.MUTATIONS)
    assert len(set(yaml_fuzz.cases(every, 0))) == every


def _original(place) -> bytes:
    path = EXAMPLE / place.path
    return path.read_bytes() if path.exists() else EXTRA[place.path].encode("utf-8")


def test_every_place_starts_valid_and_the_classifier_sees_breakage():
    for place in PLACES:
        data = _original(place)
        assert yaml_fuzz.broken(place, data) is None, place
        assert yaml_fuzz.broken(place, data + b"\x00") == "binary"
        assert yaml_fuzz.broken(place, b"\xff" + data) == "not UTF-8"
    config = PLACES[0]
    assert yaml_fuzz.broken(config, b"title: [x\n") == "broken YAML"
    assert yaml_fuzz.broken(config, b"title: [1, 2]\n") == "wrong values"
    assert yaml_fuzz.broken(config, b"titel: x\n") is None  # an unknown key is a warning
    assert yaml_fuzz.broken(config, b"\xef\xbb\xbftitle: x\r\n") is None


def test_the_guards_fast_path_never_skips_a_fuzz_case_the_full_guard_refuses():
    """plainly_safe() lets most texts skip the event pass: on every fuzz mutation of every
    place, a text it accepts is one the full pass accepts too."""
    checked = 0
    for i, (place, name) in enumerate(yaml_fuzz.cases(1_400, 11)):
        data = yaml_fuzz.MUTATIONS[name](_original(place), random.Random(i), place)
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
        if len(text) > yamlguard.FAST_LIMIT or not yamlguard.plainly_safe(text):
            continue
        checked += 1
        try:
            yamlguard.guard(text, fast=False)
        except yamlguard.Refused as exc:  # pragma: no cover - the failure this test exists for
            pytest.fail(f"case {i} ({name} in {place.name}): plainly_safe but refused: {exc.message}")
        except Exception:
            pass  # a syntax error is raised by the load either way
    assert checked > 300
