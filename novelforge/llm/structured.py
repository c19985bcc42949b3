"""Structured answers: the JSON schema sent with a request, and reading an answer into
the prompt's pydantic model.

A server that ignores ``response_format`` often answers with the JSON object inside
prose or a Markdown fence (```` ```json ````): the first complete JSON object in the
text is taken. An answer that still does not parse is asked for once more, with the
validation error (:func:`retry_messages`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ValidationError

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)


def json_schema(schema: type[BaseModel]) -> dict:
    return schema.model_json_schema()


def response_format(schema: type[BaseModel]) -> dict:
    """The OpenAI ``response_format`` for ``schema`` (litellm translates it for other
    providers that take a schema)."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", schema.__name__)[:64] or "answer"
    return {"type": "json_schema", "json_schema": {"name": name, "schema": json_schema(schema), "strict": False}}


def schema_instruction(schema: type[BaseModel]) -> dict:
    """A system message with the schema, for a model that takes no ``response_format``."""
    return {"role": "system", "content": "Answer with one JSON object, and nothing else, that matches this "
                                         "JSON Schema:\n" + json.dumps(json_schema(schema), sort_keys=True)}


def extract_json(text: str) -> Any:
    """The JSON value in ``text``: all of it, else a fenced block, else the first
    balanced ``{…}`` (or ``[…]``). Raises ``ValueError`` when there is none."""
    stripped = text.strip()
    candidates = [stripped]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            pass
    decoder = json.JSONDecoder()
    for i, ch in enumerate(text):
        if ch in "{[":
            try:
                value, _end = decoder.raw_decode(text, i)
                return value
            except ValueError:
                continue
    raise ValueError("the answer holds no JSON object" if stripped else "the answer was empty")


def parse(schema: type[BaseModel], text: str) -> tuple[BaseModel | None, str | None]:
    """(the value, None) or (None, why it does not parse) — the reason is short and
    quotes no more than pydantic's location and message."""
    try:
        data = extract_json(text)
    except ValueError as exc:
        return None, str(exc)
    try:
        return schema.model_validate(data), None
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:5]:
            loc = ".".join(str(p) for p in err.get("loc", ())) or "the answer"
            problems.append(f"{loc}: {err.get('msg', 'invalid')}")
        more = len(exc.errors()) - len(problems)
        return None, "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def retry_messages(messages: list[dict], text: str, problem: str) -> list[dict]:
    """The conversation again, with the answer that did not parse and why."""
    return [*messages, {"role": "assistant", "content": text[:4000]},
            {"role": "user", "content": "That answer could not be read: " + problem
             + ". Answer again with only the JSON object, matching the schema exactly."}]
