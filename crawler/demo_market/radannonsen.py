"""Radannonsen: a small ad board of one-line ads in a table, paged by number (``?sida=N``)
with no next link, and detail pages whose fields sit in a definition list under Swedish
labels, so its site definition reads them with XPath. A page past the last is empty.
Every page sits behind an age gate, "Är du över 18?", answered by a form post that sets
a cookie (gates.py)."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from crawler.demo_market import gates
from crawler.demo_market.elsewhere import website_link
from crawler.demo_market.market import Market, Posting
from crawler.demo_market.pages import not_found, page
from crawler.demo_market.params import BadParam, int_param

SITE = "radannonsen"
PATH = f"/sites/{SITE}"
PAGE_SIZE = 6  # small, so even a test market has several numbered pages

# field -> the label of its row in the ad's definition list
LABELS = (("locality", "Ort"), ("age", "Ålder"), ("gender", "Kön"), ("languages", "Språk"),
          ("price", "Pris"), ("phone", "Telefon"), ("email", "E-post"), ("handle", "Kontakt"))


def list_page(items: list[tuple[str, Posting]], page_no: int) -> str:
    rows = "".join(
        f'<tr class="rad"><td class="rubrik"><a href="{PATH}/annons/{escape(hit_id)}">'
        f'{escape(p.fields["title"])}</a></td><td>{escape(p.fields["locality"])}</td></tr>'
        for hit_id, p in items
    )
    body = (f'<h1>Radannonsen</h1><table class="annonser"><tr><th>Rubrik</th><th>Ort</th>'
            f'</tr>{rows}</table><p class="sida">Sida {page_no}</p>')
    return page(f"Radannonsen – sida {page_no}", body)


def detail(p: Posting) -> str:
    f = p.fields
    rows = "".join(f"<dt>{label}</dt><dd>{escape(f[key])}</dd>"
                   for key, label in LABELS if key in f)
    text = "".join(f"<p>{escape(par)}</p>" for par in p.paragraphs if par)
    image = links = ""
    if p.image:
        # with canaries the ad carries what real ones do: a picture and contact links
        image = f'<img src="{escape(p.image)}" alt="">'
        links = "".join(f'<a href="{scheme}:{escape(f[key])}">{label}</a> '
                        for key, scheme, label in (("email", "mailto", "Mejla"),
                                                   ("phone", "tel", "Ring"))
                        if key in f)
    body = (f'<div id="annons"><h2>{escape(f["title"])}</h2>{image}<dl>{rows}</dl>'
            f'<div class="beskrivning">{text}</div><p>{links}{website_link(p)}</p></div>'
            f'<p><a href="{PATH}/">Tillbaka</a></p>')
    return page(f["title"], body)


def routes(market: Market) -> list[Route]:
    details: dict[str, str] = {}  # a posting's page never changes, only whether it is live

    async def listing(request: Request) -> Response:
        if not gates.passed(request, gates.AGE_COOKIE):
            return gates.age_form(PATH, "Radannonsen", request)
        try:
            page_no = int_param(request, "sida", 1, 1)
        except BadParam as e:
            return PlainTextResponse(str(e), status_code=400)
        hits = market.live_hits(SITE)
        chunk = hits[(page_no - 1) * PAGE_SIZE:page_no * PAGE_SIZE]
        return HTMLResponse(list_page([(h.hit_id, market.posting(h.listing_id)) for h in chunk],
                                      page_no))

    async def ad(request: Request) -> Response:
        if not gates.passed(request, gates.AGE_COOKIE):
            return gates.age_form(PATH, "Radannonsen", request)
        hit_id = request.path_params["hit_id"]
        h = market.hit(SITE, hit_id)
        if h is None:
            return HTMLResponse(not_found("sv"), status_code=404)
        html = details.get(hit_id)
        if html is None:
            html = details[hit_id] = detail(market.posting(h.listing_id))
        return HTMLResponse(html)

    async def answer(request: Request) -> Response:
        return await gates.answer_age_form(PATH, request)

    return [Route(f"{PATH}/", listing), Route(f"{PATH}/annons/{{hit_id}}", ad),
            Route(f"{PATH}/alder", answer, methods=["POST"])]
