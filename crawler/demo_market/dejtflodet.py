"""Dejtflödet: a sugardating feed built by JavaScript that loads the next posts when its
end scrolls into view (infinite scroll: no button, no link), a few at a time from a JSON
endpoint, and says "Inga fler inlägg" (``#slut``) once everything on the page is shown.
The feed is split into numbered pages (``?sida=N``, PAGE_POSTS posts each, a "Nästa
sida" link at the end of all but the last): page number plus infinite scroll. Every
field is on the post; the raw HTML holds none of them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from crawler.demo_market.market import Market, Posting
from crawler.demo_market.pages import JS_COMMON, page
from crawler.demo_market.params import BadParam, int_param

SITE = "dejtflodet"
PATH = f"/sites/{SITE}"
BATCH = 5  # posts per load: a batch of tall posts is more than a window shows
PAGE_POSTS = 15  # posts per numbered page: three scrolls' worth

_FEED_JS = JS_COMMON + """
(function () {
  const body = document.body;
  const feed = document.getElementById("flode");
  const bottom = document.getElementById("botten");
  const sida = new URLSearchParams(location.search).get("sida") || "1";
  let start = 0;
  let loading = false;
  let done = false;
  function post(m) {
    const s = el("section", "post");
    s.appendChild(el("h2", "smeknamn", m.alias));
    if (m.image) {
      const img = el("img", "foto");
      img.src = m.image;
      img.alt = "";
      s.appendChild(img);
    }
    if (m.url) {
      const a = el("a", "lank", "Visa");
      a.href = m.url;
      s.appendChild(a);
    }
    const facts = el("p", "fakta");
    for (const [key, cls] of [["city", "plats"], ["age", "alder"], ["gender", "kon"],
                              ["languages", "sprak"]]) {
      if (m[key] !== undefined && m[key] !== null) facts.appendChild(el("span", cls, m[key]));
    }
    s.appendChild(facts);
    s.appendChild(el("p", "presentation", m.about));
    const contact = el("p", "kontakt");
    for (const [key, cls] of [["handle", "handle"], ["email", "epost"], ["phone", "telefon"]]) {
      if (m[key] !== undefined && m[key] !== null) contact.appendChild(el("span", cls, m[key]));
    }
    if (m.webb) {
      const w = el("a", "webb", "Webb");
      w.href = m.webb;
      contact.appendChild(w);
    }
    s.appendChild(contact);
    return s;
  }
  function inView() {
    return bottom.getBoundingClientRect().top < window.innerHeight;
  }
  async function load() {
    if (loading || done) return;
    loading = true;
    body.dataset.ready = "0";
    try {
      const r = await fetch("%(base)s/api/poster?sida=" + encodeURIComponent(sida) +
                            "&start=" + start);
      if (!r.ok) throw new Error("HTTP " + r.status);
      const data = await r.json();
      for (const m of data.poster) feed.appendChild(post(m));
      start += data.poster.length;
      if (data.slut) {
        done = true;
        const end = el("p", null, "Inga fler inlägg.");
        end.id = "slut";
        bottom.before(end);
        if (data.nasta !== null) {
          const next = el("a", "nasta", "Nästa sida");
          next.href = "%(base)s/?sida=" + data.nasta;
          bottom.before(next);
        }
      }
    } catch (e) {
      // no end marker: a crawler waiting for one records the feed as broken
      body.dataset.error = "1";
      done = true;
    }
    loading = false;
    body.dataset.ready = "1";
    if (!done && inView()) load();  // a window taller than the batch: load on at once
  }
  new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) load();
  }).observe(bottom);
})();
""" % {"base": PATH}


def shell() -> str:
    body = ('<h1>Dejtflödet</h1><noscript>Sidan behöver JavaScript.</noscript>'
            '<div id="flode"></div><div id="botten"></div>')
    return page("Dejtflödet", body, "sv", _FEED_JS)


def post_json(hit_id: str, p: Posting) -> dict:
    f = p.fields
    out: dict = {"id": hit_id, "alias": f["name"], "city": f["locality"]}
    if p.image:
        # with canaries a post shows a picture and a link to the member's page
        out["image"] = p.image
        out["url"] = f"{PATH}/profil/{hit_id}"
    for key in ("age", "gender", "languages", "handle", "email", "phone"):
        if key in f:
            out[key] = f[key]
    if p.website:  # a link out of the market (elsewhere.py)
        out["webb"] = p.website
    out["about"] = f["text"]
    return out


def routes(market: Market) -> list[Route]:
    html = shell()

    async def feed(request: Request) -> Response:
        try:
            int_param(request, "sida", 1, 1)
        except BadParam as e:
            return PlainTextResponse(str(e), status_code=400)
        return HTMLResponse(html)

    async def posts(request: Request) -> Response:
        try:
            page_no = int_param(request, "sida", 1, 1)
            start = int_param(request, "start", 0, 0)
        except BadParam as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        hits = market.live_hits(SITE)
        on_page = hits[(page_no - 1) * PAGE_POSTS:page_no * PAGE_POSTS]
        chunk = on_page[start:start + BATCH]
        more_pages = page_no * PAGE_POSTS < len(hits)
        return JSONResponse({"poster": [post_json(h.hit_id, market.posting(h.listing_id))
                                        for h in chunk],
                             "slut": start + BATCH >= len(on_page),
                             "nasta": page_no + 1 if more_pages else None})

    return [Route(f"{PATH}/", feed), Route(f"{PATH}/api/poster", posts)]
