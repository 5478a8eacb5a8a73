"""Find the JSON object inside what a language model wrote, leniently and without ever raising.

Models wrap JSON in prose or code fences, and ``max_new_tokens`` can cut it off mid-string; the
first object is taken, and a cut-off one is closed before parsing.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def first_json_object(text: str) -> dict[str, Any] | None:
    """The first ``{...}`` in ``text`` that parses as a JSON object, else None."""
    start = text.find("{")
    while start != -1:
        candidate, cut_off = _balanced(text, start)
        obj = _parse(candidate)
        # A cut-off object may end inside a key or a value: drop the last member until it parses.
        fragment = text[start:]
        while obj is None and cut_off and "," in fragment:
            fragment = fragment[: fragment.rfind(",")]
            candidate, cut_off = _balanced(fragment, 0)
            obj = _parse(candidate)
        if obj is not None:
            return obj
        start = text.find("{", start + 1)
    return None


def _balanced(text: str, start: int) -> tuple[str, bool]:
    """From ``start`` to its matching brace; if the text ends first, close what is open.

    The flag says the object was cut off (closed here rather than by the text)."""
    closers: list[str] = []
    in_string = escaped = False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "{[":
            closers.append("}" if ch == "{" else "]")
        elif ch in "}]":
            if not closers or closers.pop() != ch:
                return text[start : i + 1], False  # mismatched: let the parser reject it
            if not closers:
                return text[start : i + 1], False
    tail = text[start:]
    if escaped:
        tail = tail[:-1]
    if in_string:
        tail += '"'
    return tail.rstrip().rstrip(",:") + "".join(reversed(closers)), True


def _parse(candidate: str) -> dict[str, Any] | None:
    for attempt in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
        try:
            obj = json.loads(attempt)
        except ValueError:
            continue
        return obj if isinstance(obj, dict) else None
    return None
