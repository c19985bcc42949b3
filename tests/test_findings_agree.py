"""Findings that agree with each other (issue #18): a broken file is one finding, not a
cascade, and one slip gets one piece of advice."""

from __future__ import annotations

from test_engine import codes_of, make_project, run


def test_a_broken_canon_file_is_not_unknown(tmp_path):
    """One unclosed `[` in mira.yaml is NF001 there; the scenes naming `mira` are not told to
    create a file that exists."""
    scenes = {f"01-a/0{i}-s.md": "Aria woke.\n" for i in range(1, 4)}
    root = make_project(tmp_path / "n", scenes)
    for i in range(1, 4):
        scene = root / f"manuscript/01-a/0{i}-s.md"
        scene.write_text(scene.read_text("utf-8").replace("pov: aria\n", "pov: aria\ncharacters: [aria, mira]\n"
                                                          "mentions: [mira]\n"), "utf-8")
    (root / "canon/characters/mira.yaml").write_text("id: mira\nname: Mira Sol\naliases: [Mira\n", "utf-8")
    report = run(root, select=["NF0", "NF2"])
    assert "NF001" in codes_of(report)
    assert [d for d in report.diagnostics if d.code == "NF201"] == []
    # a real unknown id is still reported, and mira as a location is still the wrong kind of id
    scene = root / "manuscript/01-a/01-s.md"
    scene.write_text(scene.read_text("utf-8").replace("pov: aria\n", "pov: aria\nlocation: mira\n"), "utf-8")
    nf201 = [d.message for d in run(root, select=["NF201"]).diagnostics if d.code == "NF201"]
    assert nf201 == ["`mira` in `location` is not a known location"]


def test_a_dead_speaker_gets_one_finding(tmp_path):
    """Oswin died in the first scene and speaks in the second, unlisted: NF401 reports it
    (give the line to someone alive); NF204 does not also say to add him to the cast. In a
    flashback he is alive, so NF204 reports him there."""
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Aria woke.\n",
                                         "01-a/02-the-road.md": '"Keep the key safe," Oswin said.\n',
                                         "01-a/03-the-past.md": '"Keep the key safe," Oswin said.\n'})
    (root / "canon/characters/oswin.yaml").write_text(
        "id: oswin\nname: Oswin Hale\naliases: [Oswin]\ndied_in: the-inn\n", "utf-8")
    past = root / "manuscript/01-a/03-the-past.md"
    past.write_text(past.read_text("utf-8").replace("status: draft\n", "status: draft\nflashback: true\n"), "utf-8")
    found = [(d.path.rsplit("/", 1)[-1], d.code, d.help) for d in run(root, select=["NF204", "NF401"]).diagnostics]
    assert found == [("02-the-road.md", "NF401", "give the line to someone alive, or make it a memory"),
                     ("03-the-past.md", "NF204", "add `oswin` to `characters` if Oswin Hale is present in the scene")]


def test_an_impossible_date_is_nf405_quoted_or_not(tmp_path):
    """`when: 1911-02-30` unquoted (a YAML timestamp that cannot be built) is the same NF405
    at the value as the quoted one; the rest of the front matter is read."""
    from novelforge.project.yamlio import parse_yaml

    assert parse_yaml("when: 1911-02-30\nborn: 1890-05-01\nat: 2001-12-14T21:59:43\n") == {
        "when": "1911-02-30", "born": "1890-05-01", "at": "2001-12-14T21:59:43"}
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Aria woke.\n", "01-a/02-the-road.md": "Aria rode.\n"})
    for name, when in (("01-the-inn.md", "1911-02-30"), ("02-the-road.md", "'1911-02-30'")):
        scene = root / "manuscript/01-a" / name
        scene.write_text(scene.read_text("utf-8").replace("status: draft\n", f"status: draft\nwhen: {when}\n"), "utf-8")
    report = run(root)
    found = sorted((d.path.rsplit("/", 1)[-1], d.line, d.column, d.code) for d in report.diagnostics)
    assert found == [("01-the-inn.md", 5, 7, "NF405"), ("02-the-road.md", 5, 7, "NF405")]
    messages = {d.message for d in report.diagnostics}
    assert messages == {"`when: 1911-02-30` cannot be read: day 30 does not exist in month 2"}
    assert all(s.meta.pov == "aria" for s in report.project.scenes)


def _oswin_speaks_after_death(tmp_path, status: str = ""):
    root = make_project(tmp_path / "n", {"01-a/01-the-inn.md": "Aria woke.\n",
                                         "01-a/02-the-road.md": '"Keep the key safe," Oswin said.\n'})
    (root / "canon/characters/oswin.yaml").write_text(
        f"id: oswin\nname: Oswin Hale\naliases: [Oswin]\n{status}died_in: the-inn\n", "utf-8")
    return root


def test_impact_of_removing_a_death_or_setting_a_character_alive(tmp_path):
    """`--set oswin.died_in=` removes the death (no `--in None` error); `--set oswin.status=alive`
    removes `died_in` too, so the NF401 disappears, and says so."""
    from novelforge import api

    root = _oswin_speaks_after_death(tmp_path)
    for spec, label in (("oswin.died_in=", "oswin.died_in = (removed)"),
                        ("oswin.status=alive", "oswin.status = alive (and `died_in: the-inn` removed)")):
        result = api.impact(root, sets=[spec])
        assert result.edits == [label]
        # alive, Oswin is now told to join the cast (NF204), which NF401 had stood in for
        assert [d.code for d in result.disappeared] == ["NF401"]
        assert [d.code for d in result.appeared] == ["NF204"]


def test_impact_bad_died_in_names_the_set_option(tmp_path, capsys):
    from test_cli import call

    root = _oswin_speaks_after_death(tmp_path)
    code, _out, err = call(capsys, "impact", str(root), "--set", "oswin.died_in=the-rod")
    assert code == 2 and "None" not in err and "--in" not in err
    assert "`--set oswin.died_in=the-rod`: no scene has that id — did you mean `the-road`?" in err


def test_status_alive_with_died_in_is_nf414(tmp_path):
    root = _oswin_speaks_after_death(tmp_path, "status: alive\n")
    found = [(d.path, d.line, d.column, d.code) for d in run(root, select=["NF414"]).diagnostics]
    assert found == [("canon/characters/oswin.yaml", 4, 9, "NF414")]
    # died_in alone is how a death is written; `status: dead` agrees
    for status in ("", "status: dead\n"):
        assert run(_oswin_speaks_after_death(tmp_path / f"s{len(status)}", status), select=["NF414"]).diagnostics == []
