"""Jinja2 templates a project provides (prompt templates in ``prompts/``), rendered so that
a template committed to a repository can read the values it is given and nothing else.

* **Sandboxed**: :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` — no attribute
  that starts with ``_`` (so no ``''.__class__.__mro__`` walk to ``os``), no method that
  changes a value, no unsafe callables; nothing is imported, no file is read (no loader:
  ``{% include %}``, ``{% import %}`` and ``{% extends %}`` name nothing that exists).
* **Bounded**: ``range()`` hands out at most :data:`MAX_ITEMS` numbers over a whole
  render, and the output stops at :data:`MAX_OUTPUT` characters, so a template cannot
  loop or grow without end.
* **Strict**: a name the context does not have is an error, not silently empty text.

Every problem is a :class:`TemplateProblem` with the template's line (and column when
Jinja knows it), for a one-line message ``prompts/draft.md.j2:4:1: …``.
"""

from __future__ import annotations

from typing import Any

MAX_ITEMS = 100_000        # numbers range() may produce in one render, all loops together
MAX_OUTPUT = 2_000_000     # characters of output


class TemplateProblem(Exception):
    def __init__(self, message: str, name: str, line: int, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.name, self.line, self.column = message, name, line, column

    def __str__(self) -> str:
        return f"{self.name}:{self.line}:{self.column}: {self.message}"


def _environment():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                         keep_trailing_newline=True, loader=None)


def _line_in(exc: BaseException, name: str) -> int:
    """The template line the error was raised at (Jinja maps its frames to it)."""
    line = getattr(exc, "lineno", None)
    if line:
        return int(line)
    tb = exc.__traceback__
    found = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == name:
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def render_untrusted(source: str, context: dict[str, Any], *, name: str) -> str:
    """Render ``source`` (a template from a project) with ``context``. ``name`` is the
    template's project-relative path, used in messages. Raises :class:`TemplateProblem`."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    env = _environment()
    budget = [MAX_ITEMS]

    def bounded_range(*args: int):
        numbers = range(*args)
        budget[0] -= len(numbers)
        if budget[0] < 0:
            raise _TooMuch(f"the template's loops ask for more than {MAX_ITEMS:,} numbers")
        return numbers

    env.globals["range"] = bounded_range
    try:
        # compiled under the template's own name, so error frames point into it
        code = env.compile(source, name=name, filename=name)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"the template cannot be read: {exc.message}", name, exc.lineno or 1) from None
    template = env.template_class.from_code(env, code, env.make_globals(None))
    out: list[str] = []
    size = 0
    try:
        for piece in template.generate(**context):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise _TooMuch(f"the template writes more than {MAX_OUTPUT:,} characters")
            out.append(piece)
    except SecurityError as exc:
        raise TemplateProblem(f"the template tried something templates may not do: {exc}", name,
                              _line_in(exc, name)) from None
    except UndefinedError as exc:
        raise TemplateProblem(f"the template uses a value that does not exist: {exc.message}", name,
                              _line_in(exc, name)) from None
    except _TooMuch as exc:
        raise TemplateProblem(str(exc), name, _line_in(exc, name)) from None
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"the template cannot be read: {exc.message}", name, exc.lineno or 1) from None
    except TypeError as exc:
        if "no loader" in str(exc):
            raise TemplateProblem("a project template cannot include, import or extend other files; "
                                  "put everything in this one", name, _line_in(exc, name)) from None
        raise TemplateProblem(f"the template failed: {exc}", name, _line_in(exc, name)) from None
    except Exception as exc:   # a filter given the wrong value, a division by zero…
        raise TemplateProblem(f"the template failed: {exc}", name, _line_in(exc, name)) from None
    return "".join(out)


class _TooMuch(Exception):
    pass


def render_page(name: str, context: dict[str, Any]) -> str:
    """Render one of NovelForge's own HTML pages, ``templates/NAME`` (the ``stats`` and
    ``timeline`` pages): the same sandbox, with **autoescaping on**, so every value from a
    project (a character's name, a chapter title) is written as text, never as markup."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from novelforge.scaffold import templates_dir

    env = ImmutableSandboxedEnvironment(loader=FileSystemLoader(str(templates_dir() / "pages")), autoescape=True,
                                        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template(name).render(**context)
