"""JSON-LD and microdata read as field sources, and JSON items read by the same
function, on pages and items built here: per shape, what each field comes out as."""

from __future__ import annotations

import json
from typing import Any

import pytest
from parsel import Selector

from crawler.sites import FieldSource
from spiders.listings import read
from spiders.structured import jsonld_objects, microdata_texts

PERSON = {"@type": "Person", "name": "Anna", "address": {"addressLocality": "Lund"},
          "knowsLanguage": [{"name": "English"}, {"name": "Svenska"}],
          "telephone": "070-174 06 05", "age": 31}


def page(*blocks: Any, body: str = "", raw: str = "") -> Selector:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>'
                      for b in blocks)
    return Selector(text=f"<html><head>{scripts}{raw}</head><body>{body}</body></html>")


def read_node(node: Any, name: str, source: dict[str, Any]) -> Any:
    return read(node, name, FieldSource.model_validate(source))


@pytest.mark.parametrize("blocks, name, path, expected", [
    ([PERSON], "locality", "address.addressLocality", "Lund"),
    ([PERSON], "languages", "knowsLanguage[].name", ("English", "Svenska")),
    ([PERSON], "phone", "telephone", ("070-174 06 05",)),
    ([PERSON], "age", "age", "31"),  # a number
    ([PERSON], "ethnicity", "ethnicity", ""),  # missing
    # a top-level array, and an @graph: each object searched, the first that has it wins
    ([[{"@type": "WebSite", "name": "Sajten"}, PERSON]], "locality",
     "address.addressLocality", "Lund"),
    ([{"@context": "https://schema.org", "@graph": [{"@type": "WebSite"}, PERSON]}],
     "locality", "address.addressLocality", "Lund"),
    ([{"@type": "ProfilePage", "mainEntity": PERSON}], "locality",
     "mainEntity.address.addressLocality", "Lund"),
    ([{"@type": "WebSite", "name": "Sajten"}, PERSON], "name", "name", "Sajten"),
    ([{"@type": "WebSite", "name": "Sajten"}, PERSON], "name",
     "[@][?\"@type\"=='Person'][].name", "Anna"),  # pick the object by its type
    ([], "locality", "address.addressLocality", ""),  # no JSON-LD on the page
])
def test_jsonld(blocks: list[Any], name: str, path: str, expected: Any) -> None:
    assert read_node(page(*blocks), name, {"jsonld": path}) == expected


def test_jsonld_skips_broken_blocks_and_keeps_control_characters() -> None:
    raw = ('<script type="application/ld+json">{"name": "bro</script>'
           '<script type="application/ld+json">{"description": "rad ett\nrad två"}</script>')
    objects = jsonld_objects(page(raw=raw))
    assert objects == [{"description": "rad ett\nrad två"}]
    assert read_node(page(raw=raw), "text", {"jsonld": "description"}) == "rad ett rad två"


MICRODATA = """
<div itemscope itemtype="https://schema.org/Person">
  <h2 itemprop="name">Anna</h2>
  <span itemprop="age">31</span>
  <meta itemprop="gender" content="Female">
  <a itemprop="url" href="/p/1">profil</a>
  <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
    <span itemprop="addressLocality"> Lund </span>
    <span itemprop="name">should not be the person's name</span>
  </div>
  <div itemprop="contactPoint" itemscope><span itemprop="identifier">Snap: anna_1</span></div>
  <div itemprop="contactPoint" itemscope><span itemprop="identifier">Kik: @anna_1</span></div>
  <p><span itemprop="knowsLanguage">English</span>,
     <span itemprop="knowsLanguage">Svenska</span></p>
</div>
<div itemscope><span itemprop="name">Another item</span></div>
"""


@pytest.mark.parametrize("name, source, expected", [
    ("name", {"microdata": "name"}, "Anna"),  # not the address's name (a nested item)
    ("name", {"microdata": "name", "all": True}, "Anna Another item"),
    ("age", {"microdata": "age"}, "31"),
    ("gender", {"microdata": "gender"}, "Female"),  # a meta's content
    ("locality", {"microdata": "address.addressLocality"}, "Lund"),
    ("handle", {"microdata": "contactPoint.identifier"}, ("Snap: anna_1", "Kik: @anna_1")),
    ("languages", {"microdata": "knowsLanguage"}, ("English", "Svenska")),
    ("ethnicity", {"microdata": "ethnicity"}, ""),
    ("locality", {"microdata": "address.nothing"}, ""),
])
def test_microdata(name: str, source: dict[str, Any], expected: Any) -> None:
    assert read_node(Selector(text=MICRODATA), name, source) == expected


def test_microdata_values_from_attributes() -> None:
    assert microdata_texts(Selector(text=MICRODATA), "url") == ["/p/1"]


ITEM = {"plats": {"stad": "Malmö"}, "alder": 27, "sprak": ["Svenska", "English, Deutsch"],
        "om": ["Hej.", "  Välkommen  hit. "], "kontakt": {"telefon": [], "epost": None,
                                                        "konton": [["Snap: a_1"]]}}


@pytest.mark.parametrize("name, source, expected", [
    ("locality", {"json": "plats.stad"}, "Malmö"),
    ("age", {"json": "alder"}, "27"),
    ("text", {"json": "om"}, "Hej. Välkommen hit."),  # paragraphs joined, spaces collapsed
    ("languages", {"json": "sprak"}, ("Svenska", "English, Deutsch")),  # a list stays a list
    ("languages", {"json": "sprak", "split": [","]}, ("Svenska", "English", "Deutsch")),
    ("phone", {"json": "kontakt.telefon"}, ()),  # an empty array
    ("email", {"json": "kontakt.epost"}, ()),  # null
    ("handle", {"json": "kontakt.konton"}, ("Snap: a_1",)),  # nested arrays
    ("gender", {"json": "kon"}, ""),  # a missing key
])
def test_json_items(name: str, source: dict[str, Any], expected: Any) -> None:
    assert read_node(ITEM, name, source) == expected
