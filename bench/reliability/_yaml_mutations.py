"""The mutations of the yaml_fuzz harness: each takes a valid file's bytes, a seeded
random generator and the place, and returns the broken (or oddly valid) bytes."""

from __future__ import annotations

import random
import re

from bench.reliability._yaml_places import Place


def _yaml_lines(place: Place, lines: list[str]) -> range:
    """Indexes of the lines of ``lines`` that are YAML (front matter for a Markdown place)."""
    if place.form == "yaml":
        return range(len(lines))
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), len(lines))
    return range(1, max(end, 2))


def _value_lines(place: Place, lines: list[str]) -> list[int]:
    return [i for i in _yaml_lines(place, lines) if i < len(lines) and re.match(r"^\s*[\w-]+:\s*\S", lines[i])]


def _edit_lines(data: bytes, place: Place, rng: random.Random, edit) -> bytes:
    lines = data.decode("utf-8").split("\n")
    edit(lines, rng)
    return "\n".join(lines).encode("utf-8")


def truncate(data: bytes, rng: random.Random, place: Place) -> bytes:
    return data[:rng.randrange(len(data))]


def byte_flips(data: bytes, rng: random.Random, place: Place) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] ^= rng.randrange(1, 256)
    return bytes(out)


def binary(data: bytes, rng: random.Random, place: Place) -> bytes:
    kind = rng.randrange(3)
    if kind == 0:
        return rng.randbytes(rng.randrange(1, 4096))
    if kind == 1:  # printable garbage without NUL: reaches the parser
        return bytes(rng.choice(b"\t\n\r !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~\x7f\x1b\x0c")
                     for _ in range(rng.randrange(1, 4096)))
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randrange(1, 64)) + data[at:]


def invalid_utf8(data: bytes, rng: random.Random, place: Place) -> bytes:
    bad = rng.choice([b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xe2\x82", b"\x80"])
    at = rng.randrange(len(data) + 1)
    return data[:at] + bad + data[at:]


def nul(data: bytes, rng: random.Random, place: Place) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"\x00" * rng.randint(1, 3) + data[at:]


def bom(data: bytes, rng: random.Random, place: Place) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:
        return b"\xef\xbb\xbf" + data
    if kind == 1:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + data
    if kind == 2:
        return b"\xff\xfe" + data.decode("utf-8").encode("utf-16-le")
    if kind == 3:
        return b"\xfe\xff" + data.decode("utf-8").encode("utf-16-be")
    at = rng.randrange(len(data) + 1)  # a BOM in the middle
    return data[:at] + b"\xef\xbb\xbf" + data[at:]


def crlf(data: bytes, rng: random.Random, place: Place) -> bytes:
    kind = rng.randrange(3)
    if kind == 0:
        return data.replace(b"\n", b"\r\n")
    if kind == 1:
        return data.replace(b"\n", b"\r")
    lines = data.split(b"\n")
    return b"\n".join(line + (b"\r" if rng.random() < 0.5 else b"") for line in lines)


def long_line(data: bytes, rng: random.Random, place: Place) -> bytes:
    size = rng.choice([100_000, 1_000_000, 3_000_000])
    word = rng.choice(["ash ", "x", "é", "日本", "a: b ", "[a], ", "- "])
    filler = (word * (size // len(word) + 1))[:size]

    def edit(lines, rng):
        spots = _value_lines(place, lines) or list(_yaml_lines(place, lines))
        i = rng.choice(spots)
        how = rng.randrange(3)
        if how == 0 and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ": " + filler
        elif how == 1:
            lines.insert(i, "note: " + filler)
        else:
            lines.insert(i, filler.replace(" ", "") + ": x")
    return _edit_lines(data, place, rng, edit)


def deep_nesting(data: bytes, rng: random.Random, place: Place) -> bytes:
    depth = rng.choice([50, 99, 100, 101, 1_000, 30_000, 200_000])
    form = rng.randrange(4)
    if form == 0:
        value = "[" * depth + "]" * depth
    elif form == 1:
        value = "{a: " * depth + "1" + "}" * depth
    elif form == 2:
        value = "[" * depth  # never closed
    else:
        value = None

    def edit(lines, rng):
        spots = _value_lines(place, lines) or list(_yaml_lines(place, lines))
        i = rng.choice(spots)
        if value is None:  # a block list nested by `- - -` under a key
            lines[i: i + 1] = [lines[i].split(":", 1)[0] + ":", "  " + "- " * depth + "x"]
        else:
            lines[i] = lines[i].split(":", 1)[0] + ": " + value
    return _edit_lines(data, place, rng, edit)


WRONG = ["[1, 2]", "{a: 1}", "42", "-3", "0", "true", "~", "2024-01-01", "''", "[[]]", "3.5", "[a, [b]]", "{}",
         "'0 chapters'", "5 eons", "[x, y, z]", "{eyes: [1, 2]}", ".inf", "0x10", "2024-01-01 10:00:00"]


def wrong_types(data: bytes, rng: random.Random, place: Place) -> bytes:
    def edit(lines, rng):
        spots = _value_lines(place, lines)
        if not spots:
            return
        i = rng.choice(spots)
        lines[i] = lines[i].split(":", 1)[0] + ": " + rng.choice(WRONG)
    return _edit_lines(data, place, rng, edit)


def duplicate_key(data: bytes, rng: random.Random, place: Place) -> bytes:
    def edit(lines, rng):
        spots = _value_lines(place, lines)
        if not spots:
            return
        i = rng.choice(spots)
        target = rng.choice([j for j in _yaml_lines(place, lines) if j > i] or [i + 1])
        lines.insert(target, lines[i])
    return _edit_lines(data, place, rng, edit)


ODD = ["\u202e", "\u2066", "\u2069", "\u200f", "\u0301\u0301\u0301", "\u2028", "\u2029", "\u0085", "\ufeff",
       "\ufffe", "\uffff", "\u200d", "\U0001F600", "\x7f", "\x1b[31m", "\x0c", "\u00a0", "\u3000", "\U000E0041",
       '"\\ud800"', '"\\udfff\\ud800"', '"\\U0011FFFF"', '"\\x"', '"\\N\\_\\L\\P"', "'\\ud800'", "\t"]


def odd_unicode(data: bytes, rng: random.Random, place: Place) -> bytes:
    odd = rng.choice(ODD)

    def edit(lines, rng):
        spots = _value_lines(place, lines) or list(_yaml_lines(place, lines))
        i = rng.choice(spots)
        line = lines[i]
        if odd.startswith(("\"", "'")) and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + odd
        else:
            at = rng.randrange(len(line) + 1)
            lines[i] = line[:at] + odd + line[at:]
    return _edit_lines(data, place, rng, edit)


SLIPS = [
    lambda line: "\t" + line,
    lambda line: line + ": stray",
    lambda line: line.split(":", 1)[0] + ": [unclosed, list" if ":" in line else line + " [",
    lambda line: line.split(":", 1)[0] + ": {unclosed: map" if ":" in line else line + " {",
    lambda line: line.split(":", 1)[0] + ': "unclosed quote' if ":" in line else line + ' "',
    lambda line: line + "\n---\nsecond: document",
    lambda line: line.split(":", 1)[0] + ": *undefined" if ":" in line else "*undefined",
    lambda line: line.split(":", 1)[0] + ": !custom tag" if ":" in line else "!custom tag",
    lambda line: "? " + line,
    lambda line: "- " + line,
    lambda line: line.split(":", 1)[0] + ": |0\n  text" if ":" in line else line,
    lambda line: "%YAML 2.0\n" + line,
    lambda line: "@" + line,
    lambda line: "`" + line,
    lambda line: "  " + line,
    lambda line: line.split(":", 1)[0] + ": 'it''s' fine' x" if ":" in line else line,
    lambda line: line.split(":", 1)[0] + ': "bad \\q escape"' if ":" in line else line,
    lambda line: line.split(":", 1)[0] + ": &a [1, *a]" if ":" in line else line,
    lambda line: line.split(":", 1)[0] + ": [a, b]: c" if ":" in line else line,
    lambda line: line + "\n...\nafter: end",
    lambda line: line.replace(":", "", 1),
    lambda line: line.replace(": ", ":"),
    lambda line: "<<: 1\n" + line,
    lambda line: line.split(":", 1)[0] + ": " + "9" * 5000 if ":" in line else line,
    lambda line: line.split(":", 1)[0] + ": 2024-02-30" if ":" in line else line,
]


def yaml_slip(data: bytes, rng: random.Random, place: Place) -> bytes:
    slip = rng.choice(SLIPS)

    def edit(lines, rng):
        spots = _value_lines(place, lines) or list(_yaml_lines(place, lines))
        i = rng.choice(spots)
        lines[i] = slip(lines[i])
    return _edit_lines(data, place, rng, edit)


HOSTILE = [
    "x: !!python/object/apply:os.system ['echo ran > {m}']",
    "x: !!python/name:os.system",
    "x: !!binary aGVsbG8=",
    "x: !!set {a, b}",
    "a: &a [1, 2]\nb: [*a, *a, *a]",
    "m0: &m0 {a: 1}\n" + "\n".join(f"m{i}: &m{i} {{<<: [*m{i - 1}, *m{i - 1}]}}" for i in range(1, 20)),
    'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "\n".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 8)),
    "base: &b {eyes: grey}\nwho:\n  <<: *b\n  hair: red",
]


def hostile(data: bytes, rng: random.Random, place: Place) -> bytes:
    doc = rng.choice(HOSTILE).replace("{m}", "/nonexistent/yaml-fuzz-marker")

    def edit(lines, rng):
        spots = list(_yaml_lines(place, lines))
        i = rng.choice(spots[1:] or spots) if place.form == "front" else rng.choice(spots or [0])
        lines[i:i] = doc.split("\n")
    return _edit_lines(data, place, rng, edit)


MUTATIONS = {f.__name__: f for f in (truncate, byte_flips, binary, invalid_utf8, nul, bom, crlf, long_line,
                                     deep_nesting, wrong_types, duplicate_key, odd_unicode, yaml_slip, hostile)}
