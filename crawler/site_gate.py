"""The step before a site's list: an age gate or a consent wall, and how to pass it.

Escort and sugardating sites commonly put "Är du över 18?" or a cookie-consent wall in
front of every page. A definition says how to answer it once, and the answer (a cookie,
mostly) is kept for the whole crawl of that site: by posting the gate's form over plain
HTTP, by clicking its button in the browser, or, where a cookie or header is all the gate
checks, by sending it with every request (no browser needed).
"""

from __future__ import annotations

import re

from parsel.csstranslator import HTMLTranslator
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_css = HTMLTranslator()
# RFC 9110 token: what a header or cookie name may be
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def _valid_css(value: str) -> str:
    try:
        _css.css_to_xpath(value)
    except Exception as exc:  # cssselect raises several unrelated types
        raise ValueError(f"invalid CSS selector {value!r}: {exc}") from None
    return value


def _valid_names(value: dict[str, str], what: str) -> dict[str, str]:
    bad = sorted(name for name in value if not _TOKEN.match(name))
    if bad:
        raise ValueError(f"invalid {what} name(s): {', '.join(map(repr, bad))}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GateForm(_Strict):
    """A gate answered by posting its form over plain HTTP (Scrapy's
    ``FormRequest.from_response``): the form's own fields are sent as the page fills
    them, with ``data`` set on top, and its first submit button is clicked."""

    css: str = Field(description="CSS selector of the gate's <form>")
    data: dict[str, str] = Field(default={}, description="form fields to set, e.g. the answer")
    url: str | None = Field(default=None, description=(
        "the page that shows the form, relative to the first start URL "
        "(default: the first start URL itself)"))

    @field_validator("css")
    @classmethod
    def _valid_form(cls, value: str) -> str:
        return _valid_css(value)


class Gate(_Strict):
    """How to pass an age gate or consent wall: ``form`` (plain HTTP post), ``click``
    (render: browser), and/or ``cookies`` and ``headers`` sent with every request."""

    form: GateForm | None = None
    click: str | None = Field(default=None, description=(
        "browser only: CSS selector of the button that closes the gate; clicked on every "
        "page where it shows, before the page counts as rendered"))
    cookies: dict[str, str] = Field(default={}, description="sent with every request")
    headers: dict[str, str] = Field(default={}, description="sent with every request")

    @field_validator("click")
    @classmethod
    def _valid_click(cls, value: str | None) -> str | None:
        return _valid_css(value) if value is not None else None

    @field_validator("cookies")
    @classmethod
    def _valid_cookies(cls, value: dict[str, str]) -> dict[str, str]:
        return _valid_names(value, "cookie")

    @field_validator("headers")
    @classmethod
    def _valid_headers(cls, value: dict[str, str]) -> dict[str, str]:
        if any(name.lower() == "cookie" for name in value):
            raise ValueError("give cookies under 'cookies', not as a Cookie header")
        return _valid_names(value, "header")

    @model_validator(mode="after")
    def _one_way(self) -> Gate:
        if self.form is not None and self.click is not None:
            raise ValueError("give 'form' (plain HTTP) or 'click' (browser), not both")
        if self.form is None and self.click is None and not self.cookies and not self.headers:
            raise ValueError("say how to pass the gate: form, click, cookies or headers")
        return self
