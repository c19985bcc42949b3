"""Templates a project provides are sandboxed, bounded and strict (issue #11)."""

from __future__ import annotations

import pytest

from novelforge.templating import MAX_ITEMS, TemplateProblem, render_untrusted

NAME = "prompts/draft.md.j2"


def render(source: str, **context) -> str:
    return render_untrusted(source, context, name=NAME)


def test_an_ordinary_template_renders():
    out = render("# {{ scene.title }}\n{% for b in beats %}- {{ b }}\n{% endfor %}",
                 scene={"title": "The Summons"}, beats=["a bell", "a door"])
    assert out == "# The Summons\n- a bell\n- a door\n"


ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch /tmp/nf-pwned').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__['os'].system('id') }}",
    "{{ config.__class__.__init__.__globals__ }}",
    "{{ beats.append('x') }}",                      # changing a value: immutable sandbox
    "{{ scene.update(title='x') }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% extends '../../novelforge.yaml' %}",
    "{{ request }}",                                # a name the context does not have
]


@pytest.mark.parametrize("source", ESCAPES)
def test_a_template_cannot_reach_past_its_values(source, tmp_path):
    with pytest.raises(TemplateProblem) as exc:
        render("line one\n" + source, scene={"title": "t"}, beats=["b"])
    problem = exc.value
    assert problem.name == NAME and problem.line in (1, 2), (problem.line, problem.message)
    assert str(problem).startswith(f"{NAME}:{problem.line}:")


def test_loops_and_output_are_bounded():
    with pytest.raises(TemplateProblem, match="more than 100,000 numbers") as exc:
        render("\n\n{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}")
    assert exc.value.line == 3
    assert render("{% for a in range(10) %}{{ a }}{% endfor %}") == "0123456789"
    with pytest.raises(TemplateProblem, match="characters"):
        render("{% for a in range(%d) %}{{ big }}{%% endfor %%}".replace("%d", str(MAX_ITEMS // 2)).replace("%%", "%"),
               big="x" * 100)


def test_a_broken_template_says_where():
    with pytest.raises(TemplateProblem, match="cannot be read") as exc:
        render("one\ntwo {{ oops \nthree")
    assert exc.value.line in (2, 3)
