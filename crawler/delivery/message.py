"""The e-mails, built only from what the outputs already show.

A weekly summary is the report's own HTML file as the body, a plain-text rendering of
the same file as the alternative, and the report's PDF attached: nothing is computed
here, so the e-mail can hold nothing the report does not. An alert says that a snapshot
found a stated age under 18 in a län, and on which site(s): no count, no listing, no
URL, no text of any ad.

The Message-ID is made from what the delivery is (kind, län, week or snapshot), not
from the time or a random number: a message tried again after an uncertain end (a
process killed just after the server took it) carries the same id, so the mail systems that
drop duplicates drop it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from html.parser import HTMLParser

from crawler.normalise.geography import UNKNOWN as UNKNOWN_ORT
from crawler.report import swedish
from crawler.report.weeks import Week

# what a reader's mail program may sort on; "auto-generated" keeps out-of-office replies away
AUTO_SUBMITTED = "auto-generated"
_BLOCK = {"p", "div", "section", "header", "footer", "h1", "h2", "h3", "h4", "li", "tr",
          "table", "figure", "figcaption", "br", "ul", "ol", "article"}
_SKIP = {"style", "script", "svg", "head", "title"}


def report_subject(week: Week, place: str) -> str:
    """"Veckosammanfattning vecka 49 2026 – Stockholms län": a person can file by it."""
    return f"Veckosammanfattning vecka {week.week} {week.year} \u2013 {place}"


def alert_subject(place: str, taken: datetime, tz: str) -> str:
    from zoneinfo import ZoneInfo

    local = taken.astimezone(ZoneInfo(tz))
    # the day first: Python 3.11's header folding drops the space between two encoded
    # words when a long non-ASCII subject folds ("län– 2"); this order stays whole for
    # every län (tests/test_delivery.py checks all 21)
    return f"Larm {swedish.day(local.date())}: uppgiven ålder under 18 år i {place}"


def message_id(kind: str, county: str, period: str, domain: str) -> str:
    token = hashlib.sha256(f"{kind}\0{county}\0{period}".encode()).hexdigest()[:24]
    return f"<adcensus.{kind}.{token}@{domain}>"


def envelope(subject: str, sender: str, sender_name: str, recipients: Sequence[str],
             now: datetime, msg_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender))
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = AUTO_SUBMITTED
    return message


def weekly(message: EmailMessage, html: str, pdf: bytes | None, pdf_name: str) -> EmailMessage:
    """The report as the body (plain text first, HTML as the richer alternative) and
    its PDF attached."""
    message.set_content(plain_text(html), subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    if pdf is not None:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=pdf_name)
    message["Content-Language"] = "sv"  # after the parts: set_content clears Content-*
    return message


def alert(message: EmailMessage, county_name: str, places: Sequence[tuple[str, str]],
          taken: datetime, tz: str, snapshot_id: str) -> EmailMessage:
    message.set_content(alert_text(county_name, places, taken, tz, snapshot_id),
                        subtype="plain", charset="utf-8")
    message["Content-Language"] = "sv"
    return message


def alert_text(county_name: str, places: Sequence[tuple[str, str]], taken: datetime,
               tz: str, snapshot_id: str) -> str:
    """``places``: (site, ort) pairs; an ort of "unknown" is a listing that named the län
    but no ort, and its site may also have had such a listing in another län."""
    from zoneinfo import ZoneInfo

    local = taken.astimezone(ZoneInfo(tz))
    when = f"{swedish.day(local.date())} kl. {local:%H:%M}"
    known = [f"  {site} – {ort}" for site, ort in places if ort != UNKNOWN_ORT]
    unknown = sorted({site for site, ort in places if ort == UNKNOWN_ORT})
    where = ["Sajt och ort:", *known] if known else []
    if unknown:
        where.append("Utan angiven ort (annonsen angav länet men ingen ort; sajten kan "
                     "också ha haft en sådan annons i ett annat län): " + ", ".join(unknown))
    if not places:
        where = ["Sajt och ort: kan inte anges (ingen sajt hade en sådan annons med känd "
                 "ort i länet i denna ögonblicksbild)."]
    return "\n".join([
        f"Ögonblicksbilden som togs {when} fann minst en annons i {county_name} som "
        "uppgav en ålder under 18 år.",
        "",
        f"Län: {county_name}",
        *where,
        "",
        "Uppgiften är exakt: den visas som finns/finns inte, aldrig som ett antal. "
        "Annonsens text, adress och kontaktuppgifter sparas aldrig och kan inte "
        "skickas; sök upp annonsen på sajten.",
        "",
        f"Ögonblicksbild: {snapshot_id}",
        "Detta meddelande skickas en gång per ögonblicksbild och län av adcensus.",
    ]) + "\n"



class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._row = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag == "tr":
            self._row += 1
            self.parts.append("\n")
        elif tag in _BLOCK and not self._row:
            self.parts.append("\n")
        else:  # a cell, or a block or span inside a row: one line per row
            self.parts.append("  " if tag in ("td", "th") else " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "tr":
            self._row = max(0, self._row - 1)
            self.parts.append("\n")
        elif tag in _BLOCK and not self._row:
            self.parts.append("\n")
        elif tag == "span":
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # inside a row the template's own line breaks are spaces: one line per row
            self.parts.append(data.replace("\n", " ") if self._row else data)


def plain_text(html: str) -> str:
    """The report's words and numbers without its markup, styles or charts."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts)
             .splitlines())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip() + "\n"
