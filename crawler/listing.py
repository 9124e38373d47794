"""Listing: one item seen on a site, held in memory only while a snapshot runs.

FIELDS is the one list that says which extracted field is an *indicator* (a stated
category that may be counted) and which is *transient content* (used only to
recognise copies and advertisers, then dropped). Site definitions may extract only
these fields, and minimisation relies on the same list.

A Listing cannot be pickled, copied to JSON or shown in a log: it has no ``__dict__``,
``__reduce__`` and ``__getstate__`` refuse, and its repr names only the site and which
fields were filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, NoReturn


class FieldTag(Enum):
    INDICATOR = "indicator"
    CONTENT = "transient content"


FIELDS: Mapping[str, FieldTag] = {
    # indicators: stated categories, normalised into the codebook
    "locality": FieldTag.INDICATOR,
    "languages": FieldTag.INDICATOR,
    "gender": FieldTag.INDICATOR,
    "age": FieldTag.INDICATOR,
    "orientation": FieldTag.INDICATOR,
    "nationality": FieldTag.INDICATOR,
    "ethnicity": FieldTag.INDICATOR,
    # transient content: never leaves the snapshot process
    "title": FieldTag.CONTENT,
    "text": FieldTag.CONTENT,
    "name": FieldTag.CONTENT,
    "price": FieldTag.CONTENT,
    "phone": FieldTag.CONTENT,
    "email": FieldTag.CONTENT,
    "handle": FieldTag.CONTENT,
}

# Fields whose value is a list: each chip, <li> or separated part is its own value (a
# tuple), normalised one by one; joined into one string, "English Svenska" was read as
# English only. Contacts too: two numbers are two identifiers.
LIST_FIELDS = frozenset({"languages", "phone", "email", "handle"})

INDICATOR_FIELDS = tuple(n for n, t in FIELDS.items() if t is FieldTag.INDICATOR)
CONTENT_FIELDS = tuple(n for n, t in FIELDS.items() if t is FieldTag.CONTENT)

Value = str | tuple[str, ...]


class Listing:
    """Extracted fields of one hit. Values are strings, or tuples for many-valued fields."""

    __slots__ = ("site", "kind", "_values")

    def __init__(self, site: str, kind: str, values: Mapping[str, Value]) -> None:
        unknown = set(values) - FIELDS.keys()
        if unknown:
            raise KeyError(f"not a listing field: {', '.join(sorted(unknown))}")
        self.site = site
        self.kind = kind
        self._values: dict[str, Value] = {k: v for k, v in values.items() if v}

    def get(self, name: str) -> Value | None:
        if name not in FIELDS:
            raise KeyError(f"not a listing field: {name}")
        return self._values.get(name)

    def values(self) -> tuple[Value | None, ...]:
        """Every field's value in the order of FIELDS (None where not filled)."""
        get = self._values.get
        return tuple(get(name) for name in FIELDS)

    def filled(self) -> frozenset[str]:
        return frozenset(self._values)

    def __repr__(self) -> str:
        return f"<Listing site={self.site} filled={sorted(self._values)}>"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Listing is transient and cannot be serialised")

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("a Listing is transient and cannot be serialised")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a Listing is transient and cannot be serialised")

    def __copy__(self) -> NoReturn:
        raise TypeError("a Listing is transient and cannot be copied")

    def __deepcopy__(self, memo: Any) -> NoReturn:
        raise TypeError("a Listing is transient and cannot be copied")
