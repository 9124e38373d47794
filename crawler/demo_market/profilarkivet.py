"""Profilarkivet: a profile directory in English whose list is a search form (nothing
to page through) and whose profiles are found from its sitemaps: ``sitemap.xml`` is an
index naming a sitemap of ordinary pages and gzipped sitemaps of profiles, a few per
file. Each profile page describes the person for search engines in JSON-LD (an
``@graph`` with a ``Person``: name, address, languages, nationality, the profile extras
as ``additionalProperty``, contacts) and marks age, gender and social handle up as
microdata; the visible markup has no classes worth selecting."""

from __future__ import annotations

import gzip
import json
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from crawler.demo_market import wordlists as v
from crawler.demo_market.market import Market, Posting
from crawler.demo_market.pages import not_found, page

SITE = "profilarkivet"
PATH = f"/sites/{SITE}"
PER_SITEMAP = 8  # small, so even a test market has several sitemap files
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
PAGES = ("about", "search", "contact")  # ordinary pages: in a sitemap, not listings


def person(p: Posting) -> dict:
    f = p.fields
    names = v.LANGUAGE_DISPLAY[SITE]
    out: dict = {
        "@type": "Person",
        "name": f["name"],
        "address": {"@type": "PostalAddress", "addressLocality": f["locality"],
                    "addressCountry": "SE"},
        "knowsLanguage": [{"@type": "Language", "name": names[code]} for code in p.languages],
        "description": p.text,
        "additionalProperty": [{"@type": "PropertyValue", "name": key.title(), "value": f[key]}
                               for key in ("orientation", "ethnicity") if key in f],
    }
    if "nationality" in f:
        out["nationality"] = {"@type": "Country", "name": f["nationality"]}
    if "phone" in f:
        out["telephone"] = f["phone"]
    if "email" in f:
        out["email"] = f["email"]
    if p.image:
        out["image"] = p.image
    return out


def profile_page(hit_id: str, p: Posting) -> str:
    f = p.fields
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Profilarkivet", "url": f"{PATH}/"},
        {"@type": "ProfilePage", "url": f"{PATH}/profile/{hit_id}", "mainEntity": person(p)},
    ]}
    # "</" cannot end the script early: json escapes no slash, so escape it here
    data = json.dumps(graph, ensure_ascii=False).replace("</", "<\\/")
    facts = []
    if "age" in f:
        facts.append(f'<div>Age <span itemprop="age">{escape(f["age"])}</span></div>')
    if "gender" in f:
        facts.append(f'<div>Gender <span itemprop="gender">{escape(f["gender"])}</span></div>')
    if "handle" in f:
        facts.append(f'<div itemprop="contactPoint" itemscope itemtype="https://schema.org/'
                     f'ContactPoint"><span itemprop="identifier">{escape(f["handle"])}</span>'
                     '</div>')
    body = (f'<h1>Profilarkivet</h1><div itemscope itemtype="https://schema.org/Person">'
            f'<h2 itemprop="name">{escape(f["name"])}</h2>{"".join(facts)}'
            f'<div>{escape(f["locality"])}</div><p>{escape(p.text)}</p></div>')
    head = f'<script type="application/ld+json">{data}</script>'
    return page(f"{f['name']} – Profilarkivet", body, "en", head=head)


def urlset(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{XMLNS}">{entries}'
            "</urlset>").encode()


def routes(market: Market) -> list[Route]:
    def origin(request: Request) -> str:
        # a sitemap holds absolute URLs (the protocol requires them)
        return str(request.base_url).rstrip("/")

    async def front(request: Request) -> Response:
        return HTMLResponse(page("Profilarkivet", '<h1>Profilarkivet</h1><form action="search">'
                                 '<input name="q"><button>Search</button></form>', "en"))

    async def index(request: Request) -> Response:
        base = origin(request)
        chunks = -(-len(market.live_hits(SITE)) // PER_SITEMAP)
        files = [f"{base}{PATH}/sitemaps/pages.xml"] + [
            f"{base}{PATH}/sitemaps/profiles-{n}.xml.gz" for n in range(1, chunks + 1)]
        entries = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in files)
        return Response(f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{XMLNS}">'
                        f"{entries}</sitemapindex>", media_type="application/xml")

    async def ordinary(request: Request) -> Response:
        base = origin(request)
        return Response(urlset([f"{base}{PATH}/{name}" for name in PAGES]),
                        media_type="application/xml")

    async def profiles(request: Request) -> Response:
        n = int(request.path_params["n"])
        hits = market.live_hits(SITE)[(n - 1) * PER_SITEMAP:n * PER_SITEMAP]
        if n < 1 or not hits:
            return HTMLResponse(not_found("en"), status_code=404)
        base = origin(request)
        body = urlset([f"{base}{PATH}/profile/{h.hit_id}" for h in hits])
        # a .xml.gz file served as such: gzip bytes, no Content-Encoding
        return Response(gzip.compress(body, mtime=0), media_type="application/gzip")

    async def profile(request: Request) -> Response:
        h = market.hit(SITE, request.path_params["hit_id"])
        if h is None:
            return HTMLResponse(not_found("en"), status_code=404)
        return HTMLResponse(profile_page(h.hit_id, market.posting(h.listing_id)))

    return [Route(f"{PATH}/", front), Route(f"{PATH}/sitemap.xml", index),
            Route(f"{PATH}/sitemaps/pages.xml", ordinary),
            Route(PATH + "/sitemaps/profiles-{n:int}.xml.gz", profiles),
            Route(PATH + "/profile/{hit_id}", profile)]
