"""The demo market over real HTTP on 127.0.0.1 (uvicorn in a thread, httpx as client)."""

from __future__ import annotations

import signal
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser

import httpx
import pytest
from parsel import Selector

from crawler.demo_market import Market, MarketServer, generate, serve_forever

BOARD = "/sites/annonstavlan"
PROFILES = "/sites/profilkatalogen"
SUGAR = "/sites/sockerdejt"
LINES = "/sites/radannonsen"
CARDS = "/sites/visitkortet"
FEED = "/sites/dejtflodet"


class ByClass(HTMLParser):
    """Text of every element by class name, in document order (enough for tiny pages)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: dict[str, list[str]] = {}
        self.hrefs: dict[str, list[str]] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class")
        if cls and "href" in a:
            self.hrefs.setdefault(cls, []).append(a["href"])
        if cls:
            self.found.setdefault(cls, []).append("")
        self._open.append((tag, cls))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, cls in self._open:
            if cls:
                self.found[cls][-1] += data


@pytest.fixture(scope="module")
def market():
    return generate(seed=2, listings=300)


# the cookies that pass the market's gates (crawler/demo_market/gates.py)
PASSED = {"alder": "over18", "age_verified": "1", "samtycke": "ja"}


@pytest.fixture(scope="module")
def client(market):
    with MarketServer(market) as server, httpx.Client(base_url=server.url,
                                                      cookies=PASSED) as c:
        assert server.url == f"http://127.0.0.1:{server.port}"
        yield c


def test_robots_and_index(client):
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.text == "User-agent: *\nDisallow: /__market/\n"
    index = client.get("/").text
    for path in (BOARD, PROFILES, SUGAR, LINES, CARDS, FEED):
        assert f'href="{path}/"' in index


def test_ad_board_pages_reach_every_live_hit_once(client, market):
    seen, url, pages = [], f"{BOARD}/", 0
    while url:
        r = client.get(url)
        assert r.status_code == 200
        page = ByClass(r.text)
        links = page.hrefs.get("ad-link", [])
        assert len(links) <= 20 and len(page.found["ort"]) == len(links)
        seen += links
        url = (page.hrefs.get("next") or [None])[0]
        pages += 1
    live = market.live_hits("annonstavlan")
    assert seen == [f"{BOARD}/annons/{h.hit_id}" for h in live]
    assert pages == -(-len(live) // 20)
    past = client.get(f"{BOARD}/?page={pages + 1}")
    assert past.status_code == 200
    assert "ad-link" not in past.text and 'class="next"' not in past.text
    for bad in ("abc", "0", "-1", "1.5", ""):
        assert client.get(f"{BOARD}/", params={"page": bad}).status_code == 400


def test_ad_detail_shows_the_posting_fields(client, market):
    hits = market.live_hits("annonstavlan")
    richest = max(hits, key=lambda h: len(market.posting(h.listing_id).fields))
    for h in (richest, hits[0], hits[-1]):
        p = market.posting(h.listing_id)
        r = client.get(f"{BOARD}/annons/{h.hit_id}")
        assert r.status_code == 200
        page = ByClass(r.text)
        f = p.fields
        assert page.found["rubrik"] == [f["title"]]
        assert page.found["ort"] == [f["locality"]]
        assert page.found["pris"] == [f["price"]]
        assert page.found["text"] == ["".join(p.paragraphs)]  # <p> per paragraph, no gaps
        assert " ".join(p.paragraphs) == f["text"]
        for key, cls in (("age", "alder"), ("gender", "kon"), ("languages", "sprak"),
                         ("phone", "telefon"), ("email", "epost"), ("handle", "handle")):
            assert page.found.get(cls) == ([f[key]] if key in f else None), key


def test_reposts_render_identically(client, market):
    by_posting: dict[int, list[str]] = {}
    for h in market.live_hits("annonstavlan"):
        by_posting.setdefault(h.listing_id, []).append(h.hit_id)
    repost = next(ids for ids in by_posting.values() if len(ids) > 1)
    a, b = (client.get(f"{BOARD}/annons/{i}").text for i in repost[:2])
    assert a == b


def test_text_is_escaped_in_html_and_kept_in_json():
    base = generate(seed=1, listings=40)
    markup = "<b>Fika</b> & <script>alert(1)</script>"
    postings = [replace(p, title=markup, sentences=(markup,) + p.sentences[1:])
                if p.site == "annonstavlan" else
                replace(p, name=markup) if p.site == "profilkatalogen" else p
                for p in base.postings]
    m = Market(seed=1, listings=40, horizon_days=base.horizon_days,
               advertisers=list(base.advertisers.values()), postings=postings,
               hits=list(base.hits))
    with MarketServer(m) as server, httpx.Client(base_url=server.url) as c:
        board = c.get(f"{BOARD}/").text
        detail = c.get(f"{BOARD}/annons/{m.live_hits('annonstavlan')[0].hit_id}").text
        for html in (board, detail):
            assert "&lt;b&gt;Fika&lt;/b&gt; &amp; &lt;script&gt;" in html
            assert "<b>" not in html and "alert(1)</script>" not in html
        profile = m.live_hits("profilkatalogen")[0].hit_id
        assert c.get(f"{PROFILES}/api/profile/{profile}").json()["name"] == markup


def test_unknown_or_not_yet_live_hit_is_404(client, market):
    assert client.get(f"{BOARD}/annons/nosuchhit").status_code == 404
    future = next(h for h in market.hits
                  if h.site == "annonstavlan" and market.posting(h.listing_id).start_day > 0)
    assert client.get(f"{BOARD}/annons/{future.hit_id}").status_code == 404
    assert client.get("/no/such/page").status_code == 404


def test_profile_api_lists_every_live_profile(client, market):
    names, page = [], 1
    while page is not None:
        data = client.get(f"{PROFILES}/api/profiles", params={"page": page}).json()
        assert data["page"] == page and len(data["profiles"]) <= 24
        names += [(p["id"], p["name"]) for p in data["profiles"]]
        page = data["next"]
    live = market.live_hits("profilkatalogen")
    assert names == [(h.hit_id, market.posting(h.listing_id).fields["name"]) for h in live]
    assert client.get(f"{PROFILES}/api/profiles", params={"page": "x"}).status_code == 400


def test_profile_api_detail_matches_the_posting(client, market):
    for h in market.live_hits("profilkatalogen")[:30]:
        f = market.posting(h.listing_id).fields
        data = client.get(f"{PROFILES}/api/profile/{h.hit_id}").json()
        assert (data["id"], data["name"], data["city"]) == (h.hit_id, f["name"], f["locality"])
        for key in ("age", "gender", "languages", "orientation", "nationality", "ethnicity"):
            assert data.get(key) == f.get(key)
        assert " ".join(data["about"]) == f["text"]
        assert data["contact"] == {k: f[k] for k in ("phone", "email", "handle") if k in f}
    r = client.get(f"{PROFILES}/api/profile/000000")
    assert r.status_code == 404 and r.json() == {"error": "not found"}


def test_profile_html_holds_nothing_without_javascript(client, market):
    live = market.live_hits("profilkatalogen")
    shells = {client.get(f"{PROFILES}/profile/{h.hit_id}").text for h in live[:5]}
    shells.add(client.get(f"{PROFILES}/profile/nosuchprofile").text)
    assert len(shells) == 1  # one static shell, whichever profile is asked for
    listing = client.get(f"{PROFILES}/", params={"page": 1}).text
    for h in live[:24]:
        p = market.posting(h.listing_id)
        for html in (listing, *shells):
            assert f">{p.name}<" not in html and h.hit_id not in html
            assert p.sentences[1] not in html
    assert "profile-card" in listing and "data-ready" not in listing.split("<script>")[0]
    assert client.get(f"{PROFILES}/", params={"page": "zero"}).status_code == 400


def test_members_api_pages_with_a_more_flag(client, market):
    live = market.live_hits("sockerdejt")
    members, offset, more = [], 0, True
    while more:
        data = client.get(f"{SUGAR}/api/members", params={"offset": offset, "limit": 24}).json()
        members += data["members"]
        offset += len(data["members"])
        more = data["more"]
    assert [m["id"] for m in members] == [h.hit_id for h in live]
    first = members[0]
    f = market.posting(live[0].listing_id).fields
    assert (first["alias"], first["city"], first["about"]) == (f["name"], f["locality"], f["text"])
    capped = client.get(f"{SUGAR}/api/members", params={"limit": 500}).json()
    assert len(capped["members"]) == min(100, len(live))
    end = client.get(f"{SUGAR}/api/members", params={"offset": len(live)}).json()
    assert end == {"members": [], "more": False}
    for bad in ({"offset": -1}, {"limit": 0}, {"limit": "many"}):
        assert client.get(f"{SUGAR}/api/members", params=bad).status_code == 400
    shell = client.get(f"{SUGAR}/").text
    assert 'id="visa-fler"' in shell and 'id="members"' in shell and first["alias"] not in shell


def test_advance_changes_what_is_served():
    m = generate(seed=4, listings=200)
    with MarketServer(m) as server, httpx.Client(base_url=server.url) as c:
        before = c.get("/__market/state").json()
        assert before["day"] == 0 and before["seed"] == 4
        assert before["sites"] == ["annonstavlan", "profilkatalogen", "sockerdejt",
                                   "radannonsen", "visitkortet", "dejtflodet",
                                   "kontaktnavet", "profilarkivet"]
        assert before["live_hits"] == {s: len(m.live_hits(s, 0)) for s in before["sites"]}
        gone = next(h for h in m.live_hits("annonstavlan", 0)
                    if m.posting(h.listing_id).end_day <= 7)
        assert c.get(f"{BOARD}/annons/{gone.hit_id}").status_code == 200
        assert c.get("/__market/advance", params={"days": 7}).status_code == 405
        assert c.post("/__market/advance", params={"days": 0}).status_code == 400
        assert c.post("/__market/advance", params={"days": 7}).json() == {"day": 7}
        after = c.get("/__market/state").json()
        assert after["day"] == 7 == m.day
        assert after["live_hits"] == {s: len(m.live_hits(s, 7)) for s in after["sites"]}
        assert after["live_hits"] != before["live_hits"]
        assert c.get(f"{BOARD}/annons/{gone.hit_id}").status_code == 404


def test_only_loopback_hosts_and_stop_is_idempotent():
    m = generate(seed=1, listings=20)
    for host in ("0.0.0.0", "192.168.1.10", "example.org", "::"):
        with pytest.raises(ValueError):
            MarketServer(m, host=host)
        with pytest.raises(ValueError):
            serve_forever(listings=20, host=host, port=0)
    server = MarketServer(m, host="localhost").start()
    other = MarketServer(m).start()
    try:
        assert server.port != other.port and server.url.startswith("http://127.0.0.1:")
    finally:
        server.stop()
        server.stop()
        other.stop()
    assert not server.alive


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_forever_stops_cleanly_on_signal(sig):
    code = ("from crawler.demo_market.server import serve_forever\n"
            "serve_forever(seed=1, listings=50, port=0, advance_days=3,\n"
            "              on_ready=lambda url: print(url, flush=True))\n"
            "print('stopped', flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read()
        assert httpx.get(f"{url}/__market/state").json()["day"] == 3
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out.strip() == "stopped" and "Traceback" not in err


# -- the three later sites ---------------------------------------------------------------

def test_line_ads_are_paged_by_number_until_an_empty_page(client, market):
    seen, page_no = [], 1
    while True:
        r = client.get(f"{LINES}/", params={"sida": page_no})
        assert r.status_code == 200
        assert 'rel="next"' not in r.text and 'class="next"' not in r.text
        rows = Selector(r.text).xpath("//table[@class='annonser']//tr[@class='rad']")
        if not rows:
            break
        assert len(rows) <= 6
        seen += rows.xpath("./td[@class='rubrik']/a/@href").getall()
        page_no += 1
    live = market.live_hits("radannonsen")
    assert len(live) > 6, "the fixture market has several numbered pages"
    assert seen == [f"{LINES}/annons/{h.hit_id}" for h in live]
    assert client.get(f"{LINES}/").text == client.get(f"{LINES}/", params={"sida": 1}).text
    for bad in ("x", "0", "-2"):
        assert client.get(f"{LINES}/", params={"sida": bad}).status_code == 400


def test_line_ad_fields_sit_under_labels(client, market):
    for h in market.live_hits("radannonsen")[:10]:
        f = market.posting(h.listing_id).fields
        page = Selector(client.get(f"{LINES}/annons/{h.hit_id}").text)
        ad = page.xpath("//div[@id='annons']")
        labelled = dict(zip(ad.xpath("./dl/dt/text()").getall(),
                            ad.xpath("./dl/dd/text()").getall()))
        expected = {label: f[key] for key, label in (
            ("locality", "Ort"), ("age", "Ålder"), ("gender", "Kön"), ("languages", "Språk"),
            ("price", "Pris"), ("phone", "Telefon"), ("email", "E-post"), ("handle", "Kontakt"))
            if key in f}
        assert labelled == expected
        assert ad.xpath("./h2/text()").get() == f["title"]
        assert " ".join(ad.xpath("./div[@class='beskrivning']/p/text()").getall()) == f["text"]
    assert client.get(f"{LINES}/annons/0000000").status_code == 404


def test_cards_carry_every_field_and_the_next_page_is_in_the_head(client, market):
    cards, url = [], f"{CARDS}/"
    while url:
        page = Selector(client.get(url).text)
        assert len(page.css("article.card")) <= 5
        cards += page.css("article.card")
        url = page.css("head link[rel=next]::attr(href)").get()
        assert not page.css("body a[rel=next]")
    live = market.live_hits("visitkortet")
    assert len(live) > 5 and len(cards) == len(live)
    for card, h in zip(cards, live):
        f = market.posting(h.listing_id).fields
        assert card.css("::attr(data-city)").get() == f["locality"]
        assert card.css("::attr(data-age)").get() == f.get("age")
        assert card.css("::attr(data-gender)").get() == f.get("gender")
        assert card.css(".card-name::text").get() == f["name"]
        for key in ("orientation", "nationality", "ethnicity"):
            assert card.css(f"li[data-k={key}]::text").get() == f.get(key)
        # languages: one chip each, nothing between them
        chips = card.css("li[data-k=languages] .chip::text").getall()
        assert ", ".join(chips) == f.get("languages", "")
        assert " ".join(card.css(".card-about p::text").getall()) == f["text"]
        for key, cls in (("phone", "tel"), ("email", "mail"), ("handle", "social")):
            assert card.css(f".card-contact .{cls}::text").get() == f.get(key)
    last = -(-len(live) // 5)
    assert client.get(f"{CARDS}/page/{last}").status_code == 200
    assert client.get(f"{CARDS}/page/{last + 1}").status_code == 404


def test_feed_api_serves_batches_until_the_end_of_each_numbered_page(client, market):
    live = market.live_hits("dejtflodet")
    posts, batches, page_no = [], 0, 1
    while page_no is not None:
        start, end, on_page = 0, False, 0
        while not end:
            data = client.get(f"{FEED}/api/poster",
                              params={"sida": page_no, "start": start}).json()
            assert len(data["poster"]) <= 5
            posts += data["poster"]
            start += len(data["poster"])
            on_page += len(data["poster"])
            end = data["slut"]
            batches += 1
        assert on_page <= 15
        page_no = data["nasta"]
    assert live and [p["id"] for p in posts] == [h.hit_id for h in live]
    assert batches == sum(max(1, -(-min(15, len(live) - s) // 5))
                          for s in range(0, max(1, len(live)), 15))
    beyond = client.get(f"{FEED}/api/poster", params={"sida": 99}).json()
    assert beyond == {"poster": [], "slut": True, "nasta": None}
    assert client.get(f"{FEED}/", params={"sida": "x"}).status_code == 400
    f = market.posting(live[0].listing_id).fields
    first = (posts[0]["alias"], posts[0]["city"], posts[0]["about"])
    assert first == (f["name"], f["locality"], f["text"])
    assert client.get(f"{FEED}/api/poster", params={"start": "x"}).status_code == 400
    shell = client.get(f"{FEED}/").text
    assert 'id="flode"' in shell and "IntersectionObserver" in shell
    assert posts[0]["alias"] not in shell and 'id="slut"' not in shell


def test_a_layout_change_breaks_every_shipped_site_s_items(market):
    """The fault that the health check must notice reaches all eight sites: their shipped
    item selectors match before it and nothing after (for the browser sites: the class
    their script gives each item is renamed)."""
    from crawler import jsonpath
    from crawler.sites import load_sites
    from spiders.structured import jsonld_texts
    from tests.conftest import SITES

    with MarketServer(market) as server, httpx.Client(base_url=server.url,
                                                      cookies=PASSED) as c:
        for site in load_sites(SITES):
            start = site.start_urls[0]
            if site.list_page is None:
                continue  # the API and sitemap sites: below
            items = site.list_page.items
            for changed in (False, True):
                server.faults.set(site.name, layout_changed=changed)
                html = c.get(start).text
                if site.render == "http":
                    found = (Selector(html).css(items.css) if items.css
                             else Selector(html).xpath(items.xpath))
                    assert bool(found) != changed, (site.name, changed)
                else:
                    item_class = items.css.rsplit(".", 1)[1]
                    assert (f'"{item_class}"' in html) != changed, (site.name, changed)
        sites = {s.name: s for s in load_sites(SITES)}
        api, sitemap = sites["kontaktnavet"], sites["profilarkivet"]
        profile = f"/sites/profilarkivet/profile/{market.live_hits('profilarkivet')[0].hit_id}"
        for changed in (False, True):
            server.faults.set("kontaktnavet", layout_changed=changed)
            server.faults.set("profilarkivet", layout_changed=changed)
            batch = c.get(api.start_urls[0]).json()
            assert bool(jsonpath.search(batch, api.api.items)) != changed
            page = Selector(c.get(profile).text)
            assert bool(jsonld_texts(page, sitemap.fields["locality"].jsonld)) != changed
        server.faults.clear()


def test_gated_sites_serve_only_their_gate_until_it_is_passed(market):
    """The gates are real: without the answer every page of the site is the gate (no
    item, no content), and the answer is the cookie that the gate itself sets."""
    with MarketServer(market) as server, httpx.Client(base_url=server.url) as c:
        hit = market.live_hits("radannonsen")[0]
        for url in (f"{LINES}/", f"{LINES}/?sida=2", f"{LINES}/annons/{hit.hit_id}"):
            gate = Selector(c.get(url).text)
            assert gate.css("h2::text").get() == "Är du över 18?"
            assert not gate.css("tr.rad, #annons")
            assert gate.css("form.alder input[name=till]::attr(value)").get() == url
        no = c.post(f"{LINES}/alder", data={"till": f"{LINES}/", "svar": "nej"})
        assert no.status_code == 303 and "alder" not in c.cookies
        # an answer never leads out of the site
        yes = c.post(f"{LINES}/alder", data={"till": "http://example.org/", "svar": "ja"})
        assert yes.status_code == 303 and yes.headers["location"] == f"{LINES}/"
        assert c.cookies.get("alder") == "over18"
        assert Selector(c.get(f"{LINES}/").text).css("tr.rad")

        cards = Selector(c.get(f"{CARDS}/").text)
        assert cards.css(".age-gate h2::text").get() == "Adults only"
        assert not cards.css("article.card") and "age_verified=1" in cards.css("script").get()
        c.cookies.set("age_verified", "1")
        assert Selector(c.get(f"{CARDS}/").text).css("article.card")

        assert c.get(f"{SUGAR}/api/members").status_code == 403
        c.cookies.set("samtycke", "ja")
        assert c.get(f"{SUGAR}/api/members").json()["members"]
