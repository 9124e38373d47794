"""Visitkortet: a profile directory rendered on the server, in English, with every field
on the list page's cards (read in place: there is no detail page), several of them in
``data-`` attributes, and languages as one chip each. The next page is announced only in the head (``<link rel="next">``),
and a page number past the last is a 404. Every page sits behind an "Adults only" gate
whose button's script sets a cookie (gates.py): a plain HTTP crawler sends that cookie."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from crawler.demo_market import gates
from crawler.demo_market.elsewhere import website_link
from crawler.demo_market.market import Market, Posting
from crawler.demo_market.pages import not_found, page

SITE = "visitkortet"
PATH = f"/sites/{SITE}"
PAGE_SIZE = 5  # small, so even a test market has several pages

_ATTRIBUTES = (("locality", "data-city"), ("age", "data-age"), ("gender", "data-gender"))
_FACTS = ("languages", "orientation", "nationality", "ethnicity")
_CONTACT = (("phone", "tel"), ("email", "mail"), ("handle", "social"))


def card(hit_id: str, p: Posting) -> str:
    f = p.fields
    attributes = "".join(f' {attr}="{escape(f[key])}"' for key, attr in _ATTRIBUTES if key in f)
    facts = "".join(f'<li data-k="{key}">{_chips(f[key]) if key == "languages" else escape(f[key])}'
                    "</li>" for key in _FACTS if key in f)
    about = "".join(f"<p>{escape(par)}</p>" for par in p.paragraphs if par)
    contact = "".join(f'<span class="{cls}">{escape(f[key])}</span>'
                      for key, cls in _CONTACT if key in f)
    extra = ""
    if p.image:
        # with canaries a card has a picture and a link to the profile, as real ones do
        extra = (f'<img class="card-photo" src="{escape(p.image)}" alt="">'
                 f'<a class="card-link" href="{PATH}/profile/{escape(hit_id)}">Profile</a>')
    return (f'<article class="card"{attributes}><h2 class="card-name">{escape(f["name"])}</h2>'
            f'{extra}<ul class="facts">{facts}</ul><blockquote class="card-about">{about}'
            f'</blockquote><footer class="card-contact">{contact}{website_link(p)}</footer></article>')


def _chips(languages: str) -> str:
    # one chip per language, nothing between them: read with all: true, one value each
    return "".join(f'<span class="chip">{escape(name)}</span>' for name in languages.split(", "))


def list_page(items: list[tuple[str, Posting]], page_no: int, has_next: bool) -> str:
    head = f'<link rel="next" href="{PATH}/page/{page_no + 1}">' if has_next else ""
    cards = "".join(card(hit_id, p) for hit_id, p in items)
    return page(f"Visitkortet – page {page_no}",
                f'<h1>Visitkortet</h1><main class="cards">{cards}</main>', "en", head=head)


def routes(market: Market) -> list[Route]:
    def render(page_no: int) -> Response:
        hits = market.live_hits(SITE)
        start = (page_no - 1) * PAGE_SIZE
        if page_no > 1 and start >= len(hits):
            return HTMLResponse(not_found("en"), status_code=404)
        chunk = hits[start:start + PAGE_SIZE]
        return HTMLResponse(list_page([(h.hit_id, market.posting(h.listing_id)) for h in chunk],
                                      page_no, start + PAGE_SIZE < len(hits)))

    async def first(request: Request) -> Response:
        if not gates.passed(request, gates.ADULT_COOKIE):
            return gates.adult_button(PATH, "Visitkortet")
        return render(1)

    async def numbered(request: Request) -> Response:
        if not gates.passed(request, gates.ADULT_COOKIE):
            return gates.adult_button(PATH, "Visitkortet")
        page_no = request.path_params["page_no"]
        return render(page_no) if page_no >= 1 else HTMLResponse(not_found("en"), 404)

    return [Route(f"{PATH}/", first), Route(f"{PATH}/page/{{page_no:int}}", numbered)]
