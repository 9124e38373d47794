from __future__ import annotations

import copy
import json
import pickle

import pytest

from crawler.listing import CONTENT_FIELDS, FIELDS, INDICATOR_FIELDS, FieldTag, Listing


def a_listing() -> Listing:
    return Listing("annonstavlan", "ad_board",
                   {"text": "CANARY-text", "phone": "070-174 06 05", "locality": "Malmö"})


def test_every_field_is_tagged_once() -> None:
    assert set(INDICATOR_FIELDS) | set(CONTENT_FIELDS) == set(FIELDS)
    assert not set(INDICATOR_FIELDS) & set(CONTENT_FIELDS)
    assert {"phone", "email", "handle", "text", "name"} <= set(CONTENT_FIELDS)
    assert all(isinstance(tag, FieldTag) for tag in FIELDS.values())


def test_repr_shows_no_content() -> None:
    text = repr(a_listing()) + str(a_listing())
    assert "CANARY" not in text and "070" not in text and "Malmö" not in text
    assert "annonstavlan" in text


@pytest.mark.parametrize("dump", [
    pickle.dumps,
    lambda x: pickle.dumps(x, protocol=0),
    copy.copy,
    copy.deepcopy,
])
def test_cannot_be_serialised_or_copied(dump: object) -> None:
    with pytest.raises(TypeError, match="transient"):
        dump(a_listing())  # type: ignore[operator]


def test_not_json_serialisable_and_has_no_dict() -> None:
    listing = a_listing()
    with pytest.raises(TypeError):
        json.dumps(listing)
    assert not hasattr(listing, "__dict__")
    with pytest.raises(AttributeError):
        listing.extra = "x"  # type: ignore[attr-defined]


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(KeyError, match="not a listing field: url"):
        Listing("s", "ad_board", {"url": "http://127.0.0.1/ad/1"})
    with pytest.raises(KeyError):
        a_listing().get("url")


def test_empty_values_are_not_kept() -> None:
    listing = Listing("s", "ad_board", {"text": "x", "phone": ""})
    assert listing.filled() == {"text"}
    assert listing.get("phone") is None
