"""Heuristics for text that is not an aggregate: what page content looks like.

The audit cannot know every listing, so it looks for the shapes content takes: phone
numbers (parsed with libphonenumber's rules, as the pipeline does), e-mail addresses,
URLs with a path (an individual listing; a redacted URL keeps only its host), and long
runs of prose. A finding names the kind and the line, never the text: the audit's own
report must not become a sink.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from phonenumbers import Leniency, PhoneNumberMatcher

PHONE = "phone number"
EMAIL = "e-mail address"
URL = "URL with a path"
PROSE = "free text"
KINDS = (PHONE, EMAIL, URL, PROSE)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(r"\b(?:https?|wss?|ftp)://[^\s/\"'<>]+(/[^\s\"'<>]*)", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
# a "word" is letters only; words separated by spaces and ordinary punctuation form a run
_PROSE = re.compile(r"[^\W\d_]+(?:[ \t,.;:!?'\"()&-]+[^\W\d_]+)*")
_WORD = re.compile(r"[^\W\d_]+")
PROSE_WORDS = 20  # our own messages stay well under it; an ad's text does not
MIN_PHONE_DIGITS = 7
# a chart's axis as a PDF's text gives it: "0 20 40 60", evenly spaced from zero, which
# libphonenumber takes for a number ("020-40 60"); no stated number is written so
_TICKS = re.compile(r"(?<!\S)0(?: \d{1,6}){2,}(?!\S)")


def _axis_ticks(text: str) -> str:
    def blank(match: re.Match[str]) -> str:
        values = [int(v) for v in match.group().split()]
        steps = {b - a for a, b in zip(values, values[1:])}
        return " " * len(match.group()) if len(steps) == 1 and steps.pop() > 0 else match.group()

    return _TICKS.sub(blank, text)


@dataclass
class Findings:
    """What was found in one file or field: count and first places per kind. A place is
    a line of the file, or a line of one part of a document (``part`` "page 2" of a PDF:
    its lines are the page's text lines, not the file's)."""

    counts: Counter[str] = field(default_factory=Counter)
    lines: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def add(self, kind: str, line: int, part: str = "") -> None:
        self.counts[kind] += 1
        seen = self.lines.setdefault(kind, [])
        if len(seen) < 5 and (part, line) not in seen:
            seen.append((part, line))

    def __bool__(self) -> bool:
        return bool(self.counts)

    def describe(self, lines: bool = True) -> str:
        parts = []
        for kind in KINDS:
            n = self.counts.get(kind, 0)
            if n:
                where = f" ({_places(self.lines[kind])}{', …' if n > len(self.lines[kind]) else ''})"
                parts.append(f"{n} × {kind}{where if lines else ''}")
        return ", ".join(parts)


def _places(seen: list[tuple[str, int]]) -> str:
    """"line 2, 3" in a file; "page 2 line 4; metadata line 1" in a document's parts."""
    by_part: dict[str, list[str]] = {}
    for part, line in seen:
        by_part.setdefault(part, []).append(str(line))
    return "; ".join(f"{part + ' ' if part else ''}line {', '.join(numbers)}"
                     for part, numbers in by_part.items())


def scan_text(text: str, kinds: Iterable[str] = KINDS, allowed: Iterable[str] = (),
              findings: Findings | None = None, first_line: int = 1, part: str = "") -> Findings:
    """Look for content shapes in ``text``. ``allowed`` strings (the operator's own user
    agent or contact address from the configuration) are not content and are removed
    first. ``part``: what the lines are lines of, when not of the file (Findings)."""
    kinds = set(kinds)
    found = findings if findings is not None else Findings()
    for known in allowed:
        if known:
            # whole tokens only: the configured base URL must not hide the listing URLs
            # that begin with it
            text = re.sub(re.escape(known) + r"(?![^\s\"'<>)\],;])", " ", text)
    for number, line in enumerate(text.splitlines(), first_line):
        if EMAIL in kinds and "@" in line:
            for _ in _EMAIL.finditer(line):
                found.add(EMAIL, number, part)
        if URL in kinds and "://" in line:
            for match in _URL.finditer(line):
                if match.group(1).rstrip("/.,;:)]>'\"") not in ("", "/…", "/..."):
                    found.add(URL, number, part)
        if PHONE in kinds and len(_DIGITS.findall(line)) >= MIN_PHONE_DIGITS:
            for match in PhoneNumberMatcher(_axis_ticks(line), "SE", leniency=Leniency.VALID):
                # a stated number starts with a trunk or international prefix; without
                # one, digit runs (dates, counts, ports) are too easily taken for one
                if match.raw_string.lstrip("(").startswith(("0", "+")):
                    found.add(PHONE, number, part)
        if PROSE in kinds:
            for match in _PROSE.finditer(line):
                if len(_WORD.findall(match.group())) >= PROSE_WORDS:
                    found.add(PROSE, number, part)
    return found
