"""Kontaktnavet: a sugardating site whose page is a JavaScript shell and whose list is a
versioned JSON API (``/api/v2/annonser``), paged by ``offset`` and ``limit`` with a
``paging.next`` URL, each ad also at an endpoint of its own. The same ads are also
served by a GraphQL-style endpoint (``/graphql``, POST only: a query naming ``annonser``
with variables ``first`` and ``after``, answered as a connection of edges with an opaque
cursor), as newer sites have; it does not parse GraphQL, it answers that one query. The
JSON is shaped as real APIs are rather than as a page shows it: the place nested
(``plats.stad``), the age a number, languages and phone numbers arrays, the text an
array of paragraphs, keys missing or null when not stated. Read without a browser
(sites/kontaktnavet.yaml)."""

from __future__ import annotations

import base64
import json

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from crawler.demo_market import wordlists as v
from crawler.demo_market.market import Market, Posting
from crawler.demo_market.pages import JS_COMMON, page
from crawler.demo_market.params import BadParam, int_param

SITE = "kontaktnavet"
PATH = f"/sites/{SITE}"
API = f"{PATH}/api/v2/annonser"
GRAPHQL = f"{PATH}/graphql"
DEFAULT_LIMIT = 10
MAX_LIMIT = 50

_SHELL_JS = JS_COMMON + """
(async function () {
  const list = document.getElementById("annonser");
  let url = "%(api)s?offset=0&limit=%(limit)d";
  while (url) {
    const r = await fetch(url);
    if (!r.ok) break;
    const data = await r.json();
    for (const a of data.data.annonser) {
      const s = el("section", "annons");
      s.appendChild(el("h2", null, a.alias));
      s.appendChild(el("p", null, a.plats.stad));
      list.appendChild(s);
    }
    url = data.paging.next;
  }
  document.body.dataset.ready = "1";
})();
""" % {"api": API, "limit": DEFAULT_LIMIT}


def shell() -> str:
    body = ('<h1>Kontaktnavet</h1><noscript>Sidan behöver JavaScript.</noscript>'
            '<div id="annonser"></div>')
    return page("Kontaktnavet", body, "sv", _SHELL_JS)


def ad_json(hit_id: str, p: Posting) -> dict:
    f = p.fields
    names = v.LANGUAGE_DISPLAY[SITE]
    out: dict = {
        "id": hit_id,
        "alias": f["name"],
        "plats": {"stad": f["locality"], "land": "SE"},
        # a number, not text; absent when not stated, as an API omits what it lacks
        **({"alder": p.age} if p.age is not None else {}),
        "kon": f.get("gender"),  # null when not stated
        "sprak": [names[code] for code in p.languages],
        "om": [par for par in p.paragraphs if par],
        "kontakt": {
            # as the advertiser wrote it: any format, perhaps with the agency's number
            "telefon": [f["phone"]] if "phone" in f else [],
            "epost": f.get("email"),
            "konton": [f["handle"]] if "handle" in f else [],
        },
        "lank": f"{API}/{hit_id}",
    }
    if p.image:
        out["bild"] = {"url": p.image, "bredd": 1, "hojd": 1}
    if p.website:  # a link out of the market (elsewhere.py), as an API gives it: a URL
        out["webb"] = p.website
    return out


def routes(market: Market) -> list[Route]:
    html = shell()

    async def front(request: Request) -> Response:
        return HTMLResponse(html)

    async def ads(request: Request) -> Response:
        try:
            offset = int_param(request, "offset", 0, 0)
            limit = min(int_param(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
        except BadParam as e:
            return JSONResponse({"fel": str(e)}, status_code=400)
        hits = market.live_hits(SITE)
        chunk = hits[offset:offset + limit]
        more = offset + limit < len(hits)
        return JSONResponse({
            "data": {"annonser": [ad_json(h.hit_id, market.posting(h.listing_id))
                                  for h in chunk]},
            "paging": {"offset": offset, "limit": limit, "total": len(hits),
                       "next": f"{API}?offset={offset + limit}&limit={limit}" if more else None},
        })

    async def ad(request: Request) -> Response:
        h = market.hit(SITE, request.path_params["hit_id"])
        if h is None:
            return JSONResponse({"fel": "finns inte"}, status_code=404)
        return JSONResponse({"annons": ad_json(h.hit_id, market.posting(h.listing_id))})

    async def graphql(request: Request) -> Response:
        try:
            asked = json.loads(await request.body())
            query, variables = asked["query"], asked.get("variables") or {}
            first = min(int(variables.get("first", DEFAULT_LIMIT)), MAX_LIMIT)
            offset = _offset(variables.get("after"))
        except (ValueError, KeyError, TypeError, AttributeError):
            return JSONResponse({"errors": [{"message": "bad request"}]}, status_code=400)
        if not isinstance(query, str) or "annonser" not in query or first < 1:
            # as GraphQL does: 200, no data, the errors
            return JSONResponse({"data": None, "errors": [
                {"message": "Cannot query: ask for annonser(first, after)"}]})
        hits = market.live_hits(SITE)
        chunk = hits[offset:offset + first]
        edges = [{"cursor": _cursor(offset + n + 1),
                  "node": ad_json(h.hit_id, market.posting(h.listing_id))}
                 for n, h in enumerate(chunk)]
        return JSONResponse({"data": {"annonser": {
            "edges": edges,
            "pageInfo": {"endCursor": edges[-1]["cursor"] if edges else None,
                         "hasNextPage": offset + first < len(hits)}}}})

    return [Route(f"{PATH}/", front), Route(API, ads), Route(API + "/{hit_id}", ad),
            Route(GRAPHQL, graphql, methods=["POST"])]


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"annons:{offset}".encode()).decode()


def _offset(cursor: object) -> int:
    """The position after ``cursor`` (None: the start); ValueError for a cursor this API
    did not give."""
    if cursor is None:
        return 0
    kind, _, number = base64.urlsafe_b64decode(str(cursor).encode()).decode().partition(":")
    if kind != "annons" or not number.isdigit():
        raise ValueError("not a cursor")
    return int(number)
