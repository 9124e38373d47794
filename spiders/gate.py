"""Passing an age gate or consent wall (crawler/site_gate.py), and telling that a list
page that yields no items looks like one.

Plain HTTP: the gate's form is posted once before any list page is asked for, and the
cookie it sets stays in Scrapy's cookie jar (COOKIES_ENABLED) for the rest of the site's
crawl; given cookies and headers go with every request. Browser: a page method clicks
the gate's button wherever it shows, before the page counts as rendered, since a
browser context (spiders/recycle.py) may be replaced at any time with its cookies.
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

# words of an age gate and of a consent wall, in Swedish and English; the recogniser
# reads them only in the page's controls, headings and short texts, never stores them
_AGE = re.compile(r"(?<!\d)18\s*(?:\+|år|or\s+(?:over|older))|"
                  r"(?:över|over|above|under|minst)\s+18(?!\d)|"
                  r"\b(?:ålder|age|adults?|vuxna?|vuxen|myndig)\b", re.IGNORECASE)
_CONSENT = re.compile(r"\b(?:cookies?|samtycke|samtycker|consent|godkänn|accept(?:era)?|"
                      r"gdpr|integritet|privacy)\b", re.IGNORECASE)
GATE_SEEN = "list_page_looks_like_"  # the drop reason's prefix, read by spiders/check.py
_CONTROLS = (("form", "form"),
             ("button", "button, input[type=submit], input[type=button], [role=button]"),
             ("link", "a"))
# text where a gate states its question: headings, labels, paragraphs, dialogs, controls
_TEXT = ("//body//*[self::h1 or self::h2 or self::h3 or self::p or self::label or "
         "self::legend or self::button or self::a or self::dialog or @role='dialog']"
         "//text()[not(ancestor::script) and not(ancestor::style)]")


def looks_like_gate(page: Selector) -> str | None:
    """For a list page with no items: ``list_page_looks_like_<age_gate|consent_wall>_
    <form|button|link>`` when the page has a control and words of an age gate or a
    consent wall, else None. A reason name only: nothing of the page is kept."""
    text = " ".join(page.xpath(_TEXT).getall())
    kind = "age_gate" if _AGE.search(text) else "consent_wall" if _CONSENT.search(text) else None
    if kind is None:
        return None
    for control, css in _CONTROLS:
        found = page.css(css)
        if control == "link":
            # "Enter, I am 18" is a gate; a footer link "Om cookies" on an empty list is not
            found = [a for a in found if _AGE.search(_text(a))]
        if found:
            return f"{GATE_SEEN}{kind}_{control}"
    return None


def _text(node: Selector) -> str:
    return " ".join(node.xpath(".//text()").getall())


def form_fields(form: Selector, data: dict[str, str]) -> list[tuple[str, str]]:
    """What a browser would send for ``form`` when its first submit button is clicked,
    with ``data`` set on top: named inputs (checked boxes only, no buttons), selects,
    textareas. (Scrapy's FormRequest.from_response does this but is deprecated in
    favour of a library the project does not depend on.)"""
    fields: list[tuple[str, str]] = []
    for node in form.xpath(".//input[@name] | .//select[@name] | .//textarea[@name]"):
        tag = node.xpath("name()").get().lower()
        name = node.attrib["name"]
        kind = node.attrib.get("type", "text").lower()
        if tag == "input" and kind in ("submit", "image", "button", "reset", "file"):
            continue
        if tag == "input" and kind in ("checkbox", "radio") and "checked" not in node.attrib:
            continue
        if tag == "select":
            options = node.xpath(".//option[@selected]") or node.xpath(".//option")
            value = (options[0].attrib.get("value", options[0].xpath("string()").get() or "")
                     if options else "")
        elif tag == "textarea":
            value = node.xpath("string()").get() or ""
        else:
            value = node.attrib.get("value", "on" if kind in ("checkbox", "radio") else "")
        fields.append((name, value))
    button = form.xpath(".//button[not(@type) or @type='submit'] | .//input[@type='submit']")
    if button and "name" in button[0].attrib:
        fields.append((button[0].attrib["name"], button[0].attrib.get("value", "")))
    fields = [(name, value) for name, value in fields if name not in data]
    return fields + list(data.items())


async def click_through(page: Any, button: str, ready: str | None) -> None:
    """A page method: click the gate's ``button`` if the page shows it, and wait until
    it is gone (the wall closed or the page reloaded without it). With ``ready`` (the
    site's wait_for), first wait for whichever comes first, so that a gate built by
    JavaScript is there to be clicked."""
    if ready is not None:
        await page.wait_for_selector(f"{button}, {ready}")
    control = page.locator(f"css={button}")
    if not await control.count():
        return
    await control.first.click()
    await control.first.wait_for(state="detached")
