"""The demo market over HTTP: eight small sites plus a control endpoint for tests.

The first three are served here; each later one has its own module (pages and routes)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from crawler.demo_market import (
    dejtflodet,
    gates,
    kontaktnavet,
    pages,
    profilarkivet,
    radannonsen,
    visitkortet,
)
from crawler.demo_market.market import Market, Posting
from crawler.demo_market.params import BadParam, int_param

AD_PAGE_SIZE = 20
PROFILE_PAGE_SIZE = 24
MEMBERS_DEFAULT_LIMIT = 24
MEMBERS_MAX_LIMIT = 100

ROBOTS = "User-agent: *\nDisallow: /__market/\n"
# a 1x1 transparent GIF: what every picture URL of the market returns
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c"
                      "00000000010001000002024401003b")


def create_app(market: Market) -> Starlette:
    """A Starlette app serving `market` at its current day (market.day)."""
    # Rendered detail pages never change (a posting's content is fixed); only whether
    # they are live does, which is checked on every request.
    detail_cache: dict[str, str] = {}
    static = {
        "index": pages.index(market.sites),
        "profile_list": pages.profile_list_shell(),
        "profile": pages.profile_shell(),
        "members": pages.members_shell(),
    }

    def bad(message: str, as_json: bool = False) -> Response:
        if as_json:
            return JSONResponse({"error": message}, status_code=400)
        return PlainTextResponse(message, status_code=400)

    async def robots(request: Request) -> Response:
        return PlainTextResponse(ROBOTS)

    async def image(request: Request) -> Response:
        return Response(PIXEL, media_type="image/gif")

    async def index(request: Request) -> Response:
        return HTMLResponse(static["index"])

    # --- ad board ----------------------------------------------------------------

    async def ad_list(request: Request) -> Response:
        try:
            page_no = int_param(request, "page", 1, 1)
        except BadParam as e:
            return bad(str(e))
        hits = market.live_hits("annonstavlan")
        start = (page_no - 1) * AD_PAGE_SIZE
        chunk = hits[start:start + AD_PAGE_SIZE]
        items = [(h.hit_id, market.posting(h.listing_id)) for h in chunk]
        return HTMLResponse(pages.ad_list(items, page_no, start + AD_PAGE_SIZE < len(hits)))

    async def ad_detail(request: Request) -> Response:
        hit_id = request.path_params["hit_id"]
        h = market.hit("annonstavlan", hit_id)
        if h is None:
            return HTMLResponse(pages.not_found("sv"), status_code=404)
        html = detail_cache.get(hit_id)
        if html is None:
            html = detail_cache[hit_id] = pages.ad_detail(market.posting(h.listing_id))
        return HTMLResponse(html)

    # --- profile directory ---------------------------------------------------------

    async def profile_list(request: Request) -> Response:
        try:
            int_param(request, "page", 1, 1)
        except BadParam as e:
            return bad(str(e))
        return HTMLResponse(static["profile_list"])

    async def profile_page(request: Request) -> Response:
        # Always the same shell: whether the profile exists is only known to the script.
        return HTMLResponse(static["profile"])

    async def api_profiles(request: Request) -> Response:
        try:
            page_no = int_param(request, "page", 1, 1)
        except BadParam as e:
            return bad(str(e), as_json=True)
        hits = market.live_hits("profilkatalogen")
        start = (page_no - 1) * PROFILE_PAGE_SIZE
        chunk = hits[start:start + PROFILE_PAGE_SIZE]
        profiles = [{"id": h.hit_id, "name": market.posting(h.listing_id).fields["name"]}
                    for h in chunk]
        more = start + PROFILE_PAGE_SIZE < len(hits)
        return JSONResponse({"profiles": profiles, "page": page_no,
                             "next": page_no + 1 if more else None})

    async def api_profile(request: Request) -> Response:
        h = market.hit("profilkatalogen", request.path_params["profile_id"])
        if h is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(_profile_json(h.hit_id, market.posting(h.listing_id)))

    # --- sugardating ---------------------------------------------------------------

    async def members_page(request: Request) -> Response:
        return HTMLResponse(static["members"])

    async def api_members(request: Request) -> Response:
        if not gates.passed(request, pages.CONSENT_COOKIE):
            return JSONResponse({"error": "consent needed"}, status_code=403)
        try:
            offset = int_param(request, "offset", 0, 0)
            limit = min(int_param(request, "limit", MEMBERS_DEFAULT_LIMIT, 1),
                        MEMBERS_MAX_LIMIT)
        except BadParam as e:
            return bad(str(e), as_json=True)
        hits = market.live_hits("sockerdejt")
        chunk = hits[offset:offset + limit]
        members = [_member_json(h.hit_id, market.posting(h.listing_id)) for h in chunk]
        return JSONResponse({"members": members, "more": offset + limit < len(hits)})

    # --- control (not crawled; robots.txt disallows it) -----------------------------

    async def advance(request: Request) -> Response:
        try:
            days = int_param(request, "days", 7, 1)
        except BadParam as e:
            return bad(str(e), as_json=True)
        return JSONResponse({"day": market.advance(days)})

    async def state(request: Request) -> Response:
        return JSONResponse({
            "day": market.day,
            "seed": market.seed,
            "listings": market.listings,
            "sites": [s.name for s in market.sites],
            "live_hits": {s.name: len(market.live_hits(s.name)) for s in market.sites},
        })

    routes = [
        Route("/robots.txt", robots),
        Route("/", index),
        Route("/sites/annonstavlan/", ad_list),
        Route("/sites/annonstavlan/annons/{hit_id}", ad_detail),
        Route("/sites/profilkatalogen/", profile_list),
        Route("/sites/profilkatalogen/profile/{profile_id}", profile_page),
        Route("/sites/profilkatalogen/api/profiles", api_profiles),
        Route("/sites/profilkatalogen/api/profile/{profile_id}", api_profile),
        Route("/sites/sockerdejt/", members_page),
        Route("/sites/sockerdejt/api/members", api_members),
        *radannonsen.routes(market),
        *visitkortet.routes(market),
        *dejtflodet.routes(market),
        *kontaktnavet.routes(market),
        *profilarkivet.routes(market),
        Route("/sites/{site}/img/{name}", image),
        Route("/__market/advance", advance, methods=["POST"]),
        Route("/__market/state", state),
    ]
    return Starlette(routes=routes)


def _profile_json(hit_id: str, p: Posting) -> dict:
    f = p.fields
    out: dict = {"id": hit_id, "name": f["name"], "city": f["locality"]}
    if p.image:
        out["image"] = p.image
    for key in ("age", "gender", "languages", "orientation", "nationality", "ethnicity"):
        if key in f:
            out[key] = f[key]
    out["about"] = [par for par in p.paragraphs if par]
    out["contact"] = {k: f[k] for k in ("phone", "email", "handle") if k in f}
    return out


def _member_json(hit_id: str, p: Posting) -> dict:
    f = p.fields
    out: dict = {"id": hit_id, "alias": f["name"], "city": f["locality"]}
    if p.image:
        # with canaries the market shows a picture and a link to each member's page
        out["image"] = p.image
        out["url"] = f"/sites/sockerdejt/medlem/{hit_id}"
    for key in ("age", "gender", "languages"):
        if key in f:
            out[key] = f[key]
    out["about"] = f["text"]
    for key in ("handle", "email", "phone"):
        if key in f:
            out[key] = f[key]
    return out
