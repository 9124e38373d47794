"""Values read out of JSON by path, per shape of JSON real APIs send."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.jsonpath import compile_path, search, texts

AD = {
    "id": 17,
    "plats": {"stad": "Göteborg", "lan": None},
    "alder": 34,
    "betyg": 4.5,
    "vikt": 60.0,
    "verifierad": True,
    "sprak": ["Svenska", "Engelska"],
    "kontakt": {"telefon": [], "konton": [["Snap: anna_1"], ["Kik: @anna_1"]]},
    "om": [{"typ": "fri", "text": "Hej där."}, {"typ": "pris", "text": "1000 kr"}],
}


@pytest.mark.parametrize("path, expected", [
    ("plats.stad", ["Göteborg"]),  # nested object
    ("plats.lan", []),  # null is nothing
    ("plats.postnummer", []),  # a missing key is nothing, not an error
    ("saknas.helt.och.hallet", []),  # nor a missing parent
    ("alder", ["34"]),  # numbers as values
    ("betyg", ["4.5"]),
    ("vikt", ["60"]),  # a float that is whole, as most readers write it
    ("verifierad", ["true"]),
    ("id", ["17"]),
    ("sprak", ["Svenska", "Engelska"]),  # an array: each element a value
    ("sprak[0]", ["Svenska"]),
    ("kontakt.telefon", []),  # an empty array
    ("kontakt.konton", ["Snap: anna_1", "Kik: @anna_1"]),  # nested arrays flattened
    ("plats", []),  # a path that stops at an object names no value
    ("om[?typ=='fri'].text", ["Hej där."]),  # a filter
    ("om[].text", ["Hej där.", "1000 kr"]),
    ("length(kontakt.saknas)", []),  # a function on a missing value: nothing, no crash
])
def test_texts_by_shape(path: str, expected: list[str]) -> None:
    assert texts(AD, path) == expected


@pytest.mark.parametrize("data, path, expected", [
    ([{"a": 1}, {"a": 2}], "[].a", ["1", "2"]),  # a batch that is itself the list
    ([{"a": 1}, {"b": 2}], "[].a", ["1"]),  # a key missing in some items
    ({"data": {"items": []}}, "data.items", []),
    ("just a string", "@", ["just a string"]),
])
def test_other_shapes(data: Any, path: str, expected: list[str]) -> None:
    assert texts(data, path) == expected


def test_search_returns_json_and_none() -> None:
    assert search(AD, "plats") == {"stad": "Göteborg", "lan": None}
    assert search(AD, "nope") is None


@pytest.mark.parametrize("path", ["a.[", "", "  ", "a[?b==]", "foo(bar"])
def test_bad_paths_say_why(path: str) -> None:
    with pytest.raises(ValueError, match="JSON path"):
        compile_path(path)
