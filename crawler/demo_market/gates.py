"""The demo market's age gates and consent wall, as real boards put them in front of
everything (docs/SITES.md, Gates). Each is real: without passing it a crawler gets the
gate in place of every page, and no item.

- radannonsen: "Är du över 18?", a form posted to the server, which sets a cookie;
- visitkortet: "Adults only", a button whose script sets a cookie (so a plain HTTP
  crawler passes it by sending that cookie);
- sockerdejt: a cookie-consent wall built by script, closed by a click (pages.py).
"""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from crawler.demo_market.pages import page

AGE_COOKIE = ("alder", "over18")  # radannonsen's, set by its form
ADULT_COOKIE = ("age_verified", "1")  # visitkortet's, set by its script
# sockerdejt's consent cookie is pages.CONSENT_COOKIE, next to the script that sets it


def passed(request: Request, cookie: tuple[str, str]) -> bool:
    name, value = cookie
    return request.cookies.get(name) == value


def age_form(site_path: str, title: str, request: Request) -> Response:
    """The Swedish age gate: a form that posts the answer and comes back to the page."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = (f'<h1>{escape(title)}</h1><div class="aldersgrans"><h2>Är du över 18?</h2>'
            "<p>Annonserna här är för vuxna. Du måste vara minst 18 år.</p>"
            f'<form class="alder" method="post" action="{site_path}/alder">'
            f'<input type="hidden" name="till" value="{escape(back)}">'
            '<button type="submit" name="svar" value="ja">Ja, jag är över 18</button> '
            '<button type="submit" name="svar" value="nej">Nej</button></form></div>')
    return HTMLResponse(page(f"{title} – åldersgräns", body))


async def answer_age_form(site_path: str, request: Request) -> Response:
    """The form's answer: "ja" sets the cookie and goes back to the page asked for."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    back = form.get("till", [""])[0]
    if form.get("svar") != ["ja"]:
        return RedirectResponse("/", status_code=303)
    if not back.startswith(f"{site_path}/"):  # only back into the site itself
        back = f"{site_path}/"
    response = RedirectResponse(back, status_code=303)
    name, value = AGE_COOKIE
    response.set_cookie(name, value, path=f"{site_path}/", httponly=True, samesite="lax")
    return response


def adult_button(site_path: str, title: str) -> Response:
    """The English gate: a button whose script sets the cookie and reloads."""
    name, value = ADULT_COOKIE
    body = (f'<h1>{escape(title)}</h1><div class="age-gate"><h2>Adults only</h2>'
            "<p>You must be 18 or over to enter this site.</p>"
            '<button type="button" id="enter">I am 18 or over – enter</button></div>')
    script = ('document.getElementById("enter").addEventListener("click", function () {'
              f'document.cookie = "{name}={value}; path={site_path}/; SameSite=Lax";'
              "location.reload();});")
    return HTMLResponse(page(f"{title} – adults only", body, "en", script))
