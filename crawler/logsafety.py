"""Log output that cannot carry an individual listing's URL or contact details.

Every line, tracebacks included, passes through ``redact`` after formatting: a URL
keeps its scheme and host (which site) and loses its path and query (which listing);
``mailto:``, ``tel:`` and similar links, e-mail addresses and phone numbers are replaced
by a placeholder. An exception's message is also stripped of quoted literals, where
Python and libraries put the offending value ("invalid literal for int(): 'Anna 23'").
This is the net under the crawler's own log formatter, which logs no item at all.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator
from types import TracebackType

from phonenumbers import Leniency, PhoneNumberMatcher

_URL = re.compile(r"\b([a-z][a-z0-9+.-]{1,15})://([^/\s\"'<>]*)[^\s\"'<>]*", re.IGNORECASE)
# links without an authority part: what a page's contact buttons hold
_URI = re.compile(r"\b(mailto|tel|sms|callto|facetime|skype|whatsapp|viber|tg|data|javascript):"
                  r"[^\s\"'<>]+", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# seven or more digits with at most separators between them: worth asking libphonenumber
_PHONE_LIKE = re.compile(r"\d(?:[ \t\-()/.]{0,2}\d){6,}")
_SNAPSHOT_ID = re.compile(r"\b\d{8}T\d{6}Z\b")  # crawler.snapshot.new_snapshot_id
_QUOTED = re.compile(r"b?'(?:[^'\\\n]|\\.){2,}'|b?\"(?:[^\"\\\n]|\\.){2,}\"")


def _phones(text: str) -> str:
    if not _PHONE_LIKE.search(text):
        return text
    out, last = [], 0
    ids = [m.span() for m in _SNAPSHOT_ID.finditer(text)]
    for match in PhoneNumberMatcher(text, "SE", leniency=Leniency.POSSIBLE):
        # "possible", not "valid": the fictional ranges and new number series count too;
        # but as stated on a page, with a trunk or international prefix (a bare digit run
        # is more often an id, a count or a time than a phone number)
        decimal = match.start > 0 and text[match.start - 1] in ".,"  # 0.0123456 s
        # a snapshot id taken at 01:08:31 is "20261125T010831Z-6842", not a number from
        # Stockholm's 010 range (only ids: digits glued to a name may well be a phone)
        in_id = any(a <= match.start and match.end <= b for a, b in ids)
        if match.raw_string.lstrip("(").startswith(("0", "+")) and not decimal and not in_id:
            out += [text[last:match.start], "<phone>"]
            last = match.end
    return "".join(out) + text[last:] if out else text


def redact(text: str) -> str:
    text = _URL.sub(lambda m: f"{m.group(1)}://{m.group(2)}/…", text)
    text = _URI.sub(lambda m: f"{m.group(1)}:…", text)
    text = _EMAIL.sub("<e-mail>", text)
    return "\n".join(_phones(line) for line in text.split("\n"))


def scrub_message(message: str) -> str:
    """An exception's message without quoted values, URLs or contact details."""
    return redact(_QUOTED.sub("'…'", message))


def format_exception(exc_type: type[BaseException], exc: BaseException,
                     tb: TracebackType | None) -> str:
    """A traceback as Python prints it, but each exception's message scrubbed: the frames
    (file, line, code) say where, the type says what; the message is where a value goes."""
    return "".join(_chain(traceback.TracebackException(exc_type, exc, tb))).rstrip("\n")


def _chain(te: traceback.TracebackException) -> Iterator[str]:
    if te.__cause__ is not None:
        yield from _chain(te.__cause__)
        yield "\nThe above exception was the direct cause of the following exception:\n\n"
    elif te.__context__ is not None and not te.__suppress_context__:
        yield from _chain(te.__context__)
        yield "\nDuring handling of the above exception, another exception occurred:\n\n"
    if te.stack:
        yield "Traceback (most recent call last):\n"
        yield from te.stack.format()
    name = te.exc_type.__qualname__ if te.exc_type is not None else "Exception"
    module = te.exc_type.__module__ if te.exc_type is not None else "builtins"
    if module not in ("builtins", "__main__"):
        name = f"{module}.{name}"
    message = getattr(te, "_str", "")
    yield f"{name}: {scrub_message(message)}\n" if message else f"{name}\n"


class RedactingFormatter(logging.Formatter):
    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self._inner = inner or logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s")
        self._inner.formatException = self.formatException  # type: ignore[method-assign]

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def, override]
        exc_type, exc, tb = ei
        if exc_type is None or exc is None:
            return ""
        return format_exception(exc_type, exc, tb)

    def format(self, record: logging.LogRecord) -> str:
        # the exception text is made afresh: a cached one may predate this formatter
        record.exc_text = None
        return redact(self._inner.format(record))


def install_root_handler(level: str | int) -> logging.Handler:
    """The process's one log handler: stderr, redacted. Scrapy is told not to install its
    own, because Scrapy replaces its root handler whenever a crawler starts."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter())
    handler.setLevel(level)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
