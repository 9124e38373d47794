"""HTML of the first three demo sites (server-rendered ad board pages and JavaScript
shells) and the page frame every site uses.

The shells of the two "browser" sites are static: all content arrives as JSON and is
written with textContent, so the raw HTML holds nothing a plain HTTP crawler could use.
"""

from __future__ import annotations

from html import escape

from crawler.demo_market.elsewhere import footer, website_link
from crawler.demo_market.market import Posting

_CSS = (
    "body{font-family:sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;"
    "color:#222}a{color:#1a5}ul.ads{list-style:none;padding:0}li.ad{margin:.3rem 0}"
    ".ort,.stad{color:#666}.member,.profile{border:1px solid #ddd;padding:.5rem;"
    "margin:.5rem 0}.profile-card{display:block;margin:.2rem 0}"
    "table.annonser{border-collapse:collapse}td,th{padding:.2rem .5rem;text-align:left}"
    ".card{border:1px solid #ddd;padding:.5rem;margin:.5rem 0}"
    # tall posts: a batch of the feed overflows the window, so only a scroll loads more
    ".post{min-height:14rem;border-bottom:1px solid #ddd;padding:.5rem 0}#botten{height:1px}"
)

AD_BOARD = "/sites/annonstavlan"
PROFILES = "/sites/profilkatalogen"
SUGAR = "/sites/sockerdejt"
CONSENT_COOKIE = ("samtycke", "ja")  # set by sockerdejt's consent wall (gates.py)


def page(title: str, body: str, lang: str = "sv", script: str = "", head: str = "") -> str:
    """A complete tiny page; `body` and `head` must already be escaped, `script` is
    trusted JS."""
    tail = f"<script>{script}</script>" if script else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style>{head}</head>"
        f"<body>{body}{footer()}{tail}</body></html>"
    )


def index(sites) -> str:
    items = "".join(
        f'<li><a href="/sites/{escape(s.name)}/">{escape(s.name)}</a> ({escape(s.kind)})</li>'
        for s in sites
    )
    return page("Demomarknad", "<h1>Demomarknad</h1><p>Syntetiska sidor för test av "
                f"insamlingen. Allt innehåll är påhittat.</p><ul>{items}</ul>")


# --- ad board (server-rendered) --------------------------------------------------------

def ad_list(items: list[tuple[str, Posting]], page_no: int, has_next: bool) -> str:
    lis = "".join(
        f'<li class="ad"><a class="ad-link" href="{AD_BOARD}/annons/{escape(hit_id)}">'
        f'{escape(p.fields["title"])}</a> <span class="ort">{escape(p.fields["locality"])}'
        f"</span></li>"
        for hit_id, p in items
    )
    nxt = (f'<a class="next" rel="next" href="{AD_BOARD}/?page={page_no + 1}">Nästa</a>'
           if has_next else "")
    return page(f"Annonstavlan – sida {page_no}",
                f'<h1>Annonstavlan</h1><ul class="ads">{lis}</ul><nav>{nxt}</nav>')


def ad_detail(p: Posting) -> str:
    f = p.fields
    optional = "".join(
        f'<p class="{cls}">{escape(f[key])}</p>'
        for key, cls in (("age", "alder"), ("gender", "kon"), ("languages", "sprak"))
        if key in f
    )
    text = "".join(f"<p>{escape(par)}</p>" for par in p.paragraphs if par)
    contact = "".join(
        f'<span class="{cls}">{escape(f[key])}</span>'
        for key, cls in (("phone", "telefon"), ("email", "epost"), ("handle", "handle"))
        if key in f
    )
    if p.image:
        # with canaries the page carries what real ones do: contact links as well
        contact += "".join(
            f'<a class="{cls}" href="{scheme}:{escape(f[key])}">{label}</a>'
            for key, cls, scheme, label in (("email", "mejla", "mailto", "Mejla"),
                                            ("phone", "ring", "tel", "Ring"))
            if key in f
        )
    image = f'<img class="bild" src="{escape(p.image)}" alt="">' if p.image else ""
    body = (
        f'<article class="annons"><h1 class="rubrik">{escape(f["title"])}</h1>{image}'
        f'<p class="ort">{escape(f["locality"])}</p>{optional}'
        f'<div class="text">{text}</div><p class="pris">{escape(f["price"])}</p>'
        f'<p class="kontakt">{contact}{website_link(p)}</p></article>'
        f'<p><a href="{AD_BOARD}/">Tillbaka</a></p>'
    )
    return page(f["title"], body)


def not_found(lang: str = "sv") -> str:
    text = "Sidan finns inte." if lang == "sv" else "Page not found."
    return page(text, f'<p class="not-found">{text}</p>', lang)


# --- profile directory (JavaScript shells) ---------------------------------------------

JS_COMMON = """
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
"""

_PROFILE_LIST_JS = JS_COMMON + """
(async function () {
  const body = document.body;
  body.dataset.ready = "0";
  const list = document.getElementById("profiles");
  const page = new URLSearchParams(location.search).get("page") || "1";
  try {
    const r = await fetch("%(base)s/api/profiles?page=" + encodeURIComponent(page));
    if (!r.ok) throw new Error("HTTP " + r.status);
    const data = await r.json();
    for (const p of data.profiles) {
      const a = el("a", "profile-card", p.name);
      a.href = "%(base)s/profile/" + encodeURIComponent(p.id);
      list.appendChild(a);
    }
    if (data.next !== null) {
      const n = el("a", "next", "Next");
      n.rel = "next";
      n.href = "%(base)s/?page=" + encodeURIComponent(data.next);
      document.getElementById("pager").appendChild(n);
    }
  } catch (e) {
    body.dataset.error = "1";
    list.appendChild(el("p", "error", "Could not load profiles."));
  }
  body.dataset.ready = "1";
})();
""" % {"base": PROFILES}

_PROFILE_JS = JS_COMMON + """
(async function () {
  const body = document.body;
  body.dataset.ready = "0";
  const root = document.getElementById("app");
  const id = decodeURIComponent(location.pathname.split("/").pop());
  try {
    const r = await fetch("%(base)s/api/profile/" + encodeURIComponent(id));
    if (r.status === 404) {
      root.appendChild(el("p", "not-found", "Profile not found."));
    } else {
      if (!r.ok) throw new Error("HTTP " + r.status);
      const p = await r.json();
      const section = el("section", "profile");
      section.appendChild(el("h1", "name", p.name));
      if (p.image) {
        const img = el("img", "photo");
        img.src = p.image;
        img.alt = "";
        section.appendChild(img);
      }
      const dl = document.createElement("dl");
      const rows = [["city", "City"], ["age", "Age"], ["gender", "Gender"],
                    ["languages", "Languages"], ["orientation", "Orientation"],
                    ["nationality", "Nationality"], ["ethnicity", "Ethnicity"]];
      for (const [key, label] of rows) {
        if (p[key] === undefined || p[key] === null) continue;
        dl.appendChild(el("dt", null, label));
        dl.appendChild(el("dd", key, p[key]));
      }
      section.appendChild(dl);
      const about = el("div", "about");
      for (const par of p.about) about.appendChild(el("p", null, par));
      section.appendChild(about);
      const contact = el("p", "contact");
      for (const key of ["phone", "email", "handle"]) {
        if (p.contact && p.contact[key]) contact.appendChild(el("span", key, p.contact[key]));
      }
      section.appendChild(contact);
      root.appendChild(section);
    }
  } catch (e) {
    body.dataset.error = "1";
    root.appendChild(el("p", "error", "Could not load the profile."));
  }
  body.dataset.ready = "1";
})();
""" % {"base": PROFILES}

_NOSCRIPT_EN = "<noscript>This page needs JavaScript.</noscript>"


def profile_list_shell() -> str:
    body = (f'<h1>Profilkatalogen</h1>{_NOSCRIPT_EN}<div id="profiles"></div>'
            '<nav id="pager"></nav>')
    return page("Profilkatalogen", body, "en", _PROFILE_LIST_JS)


def profile_shell() -> str:
    body = (f'<p><a href="{PROFILES}/">Profilkatalogen</a></p>{_NOSCRIPT_EN}'
            '<main id="app"></main>')
    return page("Profile – Profilkatalogen", body, "en", _PROFILE_JS)


# --- sugardating (JavaScript "load more") ----------------------------------------------

_MEMBERS_JS = JS_COMMON + """
(function () {
  const body = document.body;
  const box = document.getElementById("members");
  const LIMIT = 24;
  let offset = 0;
  let loading = false;
  function removeButton() {
    const b = document.getElementById("visa-fler");
    if (b) b.remove();
  }
  function card(m) {
    const d = el("div", "member");
    d.appendChild(el("h2", "alias", m.alias));
    if (m.image) {
      const img = el("img", "bild");
      img.src = m.image;
      img.alt = "";
      d.appendChild(img);
    }
    if (m.url) {
      const a = el("a", "profil", "Profil");
      a.href = m.url;
      d.appendChild(a);
    }
    d.appendChild(el("span", "stad", m.city));
    for (const [key, cls] of [["age", "alder"], ["gender", "kon"], ["languages", "sprak"]]) {
      if (m[key] !== undefined && m[key] !== null) d.appendChild(el("span", cls, m[key]));
    }
    d.appendChild(el("p", "om", m.about));
    for (const [key, cls] of [["handle", "handle"], ["email", "epost"], ["phone", "telefon"]]) {
      if (m[key] !== undefined && m[key] !== null) d.appendChild(el("span", cls, m[key]));
    }
    return d;
  }
  async function load() {
    if (loading) return;
    loading = true;
    body.dataset.ready = "0";
    try {
      const r = await fetch("%(base)s/api/members?offset=" + offset + "&limit=" + LIMIT);
      if (!r.ok) throw new Error("HTTP " + r.status);
      const data = await r.json();
      for (const m of data.members) box.appendChild(card(m));
      offset += data.members.length;
      if (!data.more) removeButton();
    } catch (e) {
      // Without the button a crawler stops instead of clicking forever.
      body.dataset.error = "1";
      removeButton();
    }
    loading = false;
    body.dataset.ready = "1";
  }
  const more = document.getElementById("visa-fler");
  function start() {
    more.addEventListener("click", load);
    load();
  }
  if (document.cookie.split("; ").indexOf("%(consent)s") >= 0) {
    start();
    return;
  }
  // the consent wall: nothing is loaded, and no button to load more, until it is answered
  more.remove();
  const wall = el("div", "samtycke");
  wall.id = "samtycke";
  wall.setAttribute("role", "dialog");
  wall.appendChild(el("h2", null, "Vi använder cookies"));
  wall.appendChild(el("p", null, "Godkänn cookies för att se medlemmarna."));
  const ok = el("button", null, "Godkänn alla");
  ok.id = "godkann";
  ok.type = "button";
  ok.addEventListener("click", function () {
    document.cookie = "%(consent)s; path=%(base)s/; SameSite=Lax";
    wall.remove();
    box.after(more);
    start();
  });
  wall.appendChild(ok);
  box.before(wall);
  body.dataset.ready = "1";
})();
""" % {"base": SUGAR, "consent": "=".join(CONSENT_COOKIE)}


def members_shell() -> str:
    body = ('<h1>Sockerdejt</h1><noscript>Sidan behöver JavaScript.</noscript>'
            '<div id="members"></div><button id="visa-fler" type="button">Visa fler</button>')
    return page("Sockerdejt", body, "sv", _MEMBERS_JS)
