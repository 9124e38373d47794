"""Reading values out of parsed JSON by a path: JMESPath (jmespath.org), the language
parsel's ``Selector.jmespath`` uses too, so a site definition's JSON paths work in
the same devtools console (``jmespath.search``) a person tries them in.

A path finds strings, numbers, lists of them (nested lists flattened), or nothing.
What it finds becomes texts: a number as written in the JSON ("25", "4.5"), true and
false as "true"/"false"; objects are not values (a path that stops at an object names
no field) and null is nothing.
"""

from __future__ import annotations

import functools
from typing import Any

import jmespath
import jmespath.exceptions
import jmespath.parser


@functools.lru_cache(maxsize=512)
def compile_path(path: str) -> jmespath.parser.ParsedResult:
    """The compiled path; ValueError with the parser's reason when it is not JMESPath."""
    if not path.strip():
        raise ValueError("empty JSON path")
    try:
        return jmespath.compile(path)
    except jmespath.exceptions.JMESPathError as exc:
        reason = " ".join(str(exc).split())
        raise ValueError(f"invalid JSON path {path!r} (JMESPath): {reason}") from None


def search(data: Any, path: str) -> Any:
    """What ``path`` finds in ``data``, as JSON (None when nothing)."""
    try:
        return compile_path(path).search(data)
    except jmespath.exceptions.JMESPathError:
        # a function given the wrong type (length(null)): the data lacks what the path
        # expects, which for one item is "not there", not a broken crawl
        return None


def texts(data: Any, path: str) -> list[str]:
    """Every value ``path`` finds, as texts, in document order; nested lists flattened."""
    out: list[str] = []
    _flatten(search(data, path), out)
    return out


def _flatten(value: Any, out: list[str]) -> None:
    if value is None or isinstance(value, dict):
        return
    if isinstance(value, list):
        for element in value:
            _flatten(element, out)
    elif isinstance(value, bool):  # before int: bool is an int in Python
        out.append("true" if value else "false")
    elif isinstance(value, float) and value.is_integer():
        out.append(str(int(value)))  # 25.0 is written 25 by most APIs' readers
    else:
        out.append(str(value))
