"""Structured data embedded in a page, read as a field source: JSON-LD and microdata.

Many directories describe a profile for search engines (schema.org ``Person``,
``LocalBusiness``, ``Offer``) in a ``<script type="application/ld+json">`` block or in
``itemprop`` attributes; where a site has it, it is steadier than the visible markup,
which is redesigned more often than what search engines are fed.

Both are read here with lxml and json, which parsel already brings. ``extruct`` reads
these and more (RDFa, Open Graph, microformats) but pulls in rdflib, pyRdfa3, mf2py and
html-text for formats these sites do not use; the two read here are a few dozen lines.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree
from parsel import Selector
from scrapy.http import Response, TextResponse

from crawler import jsonpath
from crawler.listing import LIST_FIELDS, Value
from crawler.sites import FieldSource

Node = Selector | Response

_JSONLD = ".//script[@type='application/ld+json']/text()"


def jsonld_objects(node: Node) -> list[Any]:
    """Every JSON-LD object in ``node``: top-level arrays and ``@graph`` members each
    an object of their own; a block that is not valid JSON is skipped."""
    objects: list[Any] = []
    for text in node.xpath(_JSONLD).getall():
        try:
            # strict=False: control characters (a newline in a description) are common
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        _collect(data, objects)
    return objects


def _collect(data: Any, objects: list[Any]) -> None:
    if isinstance(data, list):
        for element in data:
            _collect(element, objects)
    elif isinstance(data, dict):
        objects.append(data)
        _collect(data.get("@graph"), objects)


def jsonld_texts(node: Node, path: str) -> list[str]:
    """What ``path`` finds in the first JSON-LD object where it finds anything."""
    for obj in jsonld_objects(node):
        found = jsonpath.texts(obj, path)
        if found:
            return found
    return []


# where an element with itemprop keeps its value (the microdata specification's list)
_VALUE_ATTRIBUTE = {"meta": "content", "audio": "src", "embed": "src", "iframe": "src",
                    "img": "src", "source": "src", "track": "src", "video": "src",
                    "a": "href", "area": "href", "link": "href", "object": "data",
                    "data": "value", "meter": "value", "time": "datetime"}


def microdata_texts(node: Node, path: str) -> list[str]:
    """Values of the itemprop path ``address.addressLocality``: properties of the
    page's top-level items (``itemscope`` not itself a property), then of the item each
    step names; every match, in document order."""
    selector = node.selector if isinstance(node, TextResponse) else node
    root = selector.root if isinstance(selector, Selector) else None
    if not isinstance(root, etree._Element):
        return []
    scopes = [e for e in root.iter() if isinstance(e.tag, str)
              and e.get("itemscope") is not None and e.get("itemprop") is None]
    names = path.split(".")
    for name in names[:-1]:
        scopes = [p for scope in scopes for p in _properties(scope, name)
                  if p.get("itemscope") is not None]
    return [v for scope in scopes for p in _properties(scope, names[-1])
            if (v := _value(p))]


def _properties(scope: etree._Element, name: str) -> list[etree._Element]:
    """Elements of ``scope`` carrying property ``name``, not looking into nested items."""
    found: list[etree._Element] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if name in (child.get("itemprop") or "").split():
                found.append(child)
            if child.get("itemscope") is None:
                walk(child)

    walk(scope)
    return found


def _value(element: etree._Element) -> str:
    attribute = _VALUE_ATTRIBUTE.get(element.tag)
    if attribute is not None and element.get(attribute) is not None:
        value = element.get(attribute) or ""
    elif element.get("content") is not None:
        value = element.get("content") or ""
    else:
        value = "".join(element.itertext())
    return " ".join(value.split())


def read_structured(node: Any, name: str, source: FieldSource) -> Value:
    """A field whose source is ``json`` (``node`` is an API item, parsed JSON),
    ``jsonld`` or ``microdata`` (``node`` is a page or an element of one). A list field
    keeps every value found, each split by ``split``; any other field joins what its
    JSON path finds (an array of paragraphs is the whole text) or takes the first
    microdata match (every one with ``all``)."""
    if source.json_ is not None:
        found = jsonpath.texts(node, source.json_)
    elif source.jsonld is not None:
        found = jsonld_texts(node, source.jsonld)
    else:
        assert source.microdata is not None
        found = microdata_texts(node, source.microdata)
        if name not in LIST_FIELDS and not source.all:
            found = found[:1]
    if name not in LIST_FIELDS:
        return " ".join(" ".join(found).split())
    splitter = source.splitter
    values = (" ".join(part.split()) for text in found
              for part in (splitter.split(text) if splitter is not None else (text,)))
    return tuple(v for v in values if v)
