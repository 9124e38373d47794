"""Site definitions: the shipped ones load, and every malformed one names file, line, key."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.errors import ConfigError, ConfigErrors
from crawler.sites import PAGINATION, load_site, load_sites
from crawler.vocabulary import SITE_KINDS
from tests.conftest import SITES

GOOD = """\
name: board
kind: ad_board
start_urls: [/sites/board/]
list_page:
  items: li.ad
  link: a::attr(href)
fields:
  locality: .ort::text
  text: {css: ".text ::text", all: true}
"""


def write(tmp_path: Path, text: str, name: str = "board.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def errors_of(path: Path) -> list[ConfigError]:
    with pytest.raises((ConfigError, ConfigErrors)) as info:
        load_site(path)
    exc = info.value
    return exc.errors if isinstance(exc, ConfigErrors) else [exc]


def test_shipped_definitions_load() -> None:
    sites = {s.name: s for s in load_sites(SITES)}
    assert {"annonstavlan", "profilkatalogen", "sockerdejt", "radannonsen", "visitkortet",
            "dejtflodet"} <= set(sites)
    assert {s.kind for s in sites.values()} == {"ad_board", "profile_directory", "sugardating"}
    assert sum(s.render == "browser" for s in sites.values()) >= 2
    assert sites["profilkatalogen"].render == "browser"


def test_every_kind_of_site_and_of_pagination_is_shipped() -> None:
    """The shipped definitions are the examples: each way of paging a list is used by
    one, selectors are written in CSS and in XPath, items read in place and on a page
    of their own."""
    every = load_sites(SITES)
    assert len(every) >= 8
    for kind in SITE_KINDS:
        assert sum(s.kind == kind for s in every) >= 2, kind
    sites = [s for s in every if s.list_page is not None]
    for mode in PAGINATION:
        assert any(getattr(s.list_page, mode) is not None for s in sites), mode
    selectors = [e for s in sites for e in (s.list_page.items, *s.fields.values())]
    assert any(e.xpath for e in selectors) and any(e.css for e in selectors)
    assert any(s.list_page.link is None for s in sites if s.render == "http")
    assert any(s.list_page.link is not None for s in sites if s.render == "browser")
    # and the other ways of finding listings: a JSON API, sitemaps with JSON-LD/microdata
    assert any(s.api is not None and s.render == "http" for s in every)
    assert any(s.sitemap is not None for s in every)
    sources = {f.source for s in every for f in s.fields.values()}
    assert {"css", "xpath", "json", "jsonld", "microdata"} <= sources


def test_one_way_to_paginate(tmp_path: Path) -> None:
    text = GOOD.replace("  link: a::attr(href)\n", "  link: a::attr(href)\n"
                        "  next_page: a.n::attr(href)\n  page_parameter: {name: page}\n")
    [error] = errors_of(write(tmp_path, text))
    assert error.key == "list_page"
    assert ("at most one way to paginate between pages, not next_page and page_parameter"
            in error.message)


BROWSER = GOOD.replace("kind: ad_board", "kind: ad_board\nrender: browser")
NEXT = "  next_page: a.n::attr(href)\n"
NUMBER = "  page_parameter: {name: sida}\n"
MORE = "  load_more: {button: '#fler'}\n"
SCROLL = "  infinite_scroll: {end: '#slut'}\n"


# one way within a browser page may combine with one way from page to page; two of one
# kind cannot (which "next" would win?)
@pytest.mark.parametrize("modes, error", [
    (MORE + NEXT, None),
    (MORE + NUMBER, None),
    (SCROLL + NUMBER, None),
    (SCROLL + NEXT, None),
    (MORE + SCROLL, "within a page, not load_more and infinite_scroll"),
    (NEXT + NUMBER, "between pages, not next_page and page_parameter"),
    (MORE + SCROLL + NEXT, "within a page, not load_more and infinite_scroll"),
])
def test_pagination_modes_that_combine(tmp_path: Path, modes: str, error: str | None) -> None:
    path = write(tmp_path, BROWSER.replace("  link: a::attr(href)\n",
                                           "  link: a::attr(href)\n" + modes))
    if error is None:
        site = load_site(path)
        assert site.list_page.in_browser
    else:
        [found] = errors_of(path)
        assert found.key == "list_page" and error in found.message
        assert "may combine with one of next_page, page_parameter" in found.message


# gate: how to pass an age gate or consent wall; every error names its key
@pytest.mark.parametrize("render, gate, key, error", [
    ("http", "gate: {form: {css: form.alder, data: {svar: ja}}}", None, None),
    ("http", "gate: {form: {css: form.alder, url: /alder}, cookies: {lang: sv}}", None, None),
    ("http", "gate: {cookies: {age_verified: '1'}}", None, None),
    ("http", "gate: {headers: {X-Age-Verified: 'yes'}}", None, None),
    ("browser", "gate: {click: '#godkann'}", None, None),
    ("browser", "gate: {form: {css: form.alder}}", None, None),
    ("http", "gate: {click: '#godkann'}", "", "'gate.click' needs render: browser"),
    ("browser", "gate: {click: '#ok', form: {css: form}}", "gate", "not both"),
    ("http", "gate: {}", "gate", "say how to pass the gate"),
    ("http", "gate: {form: {css: '[['}}", "gate.form.css", "invalid CSS selector"),
    ("http", "gate: {form: {data: {a: b}}}", "gate.form.css", "Field required"),
    ("browser", "gate: {click: 'a[[b'}", "gate.click", "invalid CSS selector"),
    ("http", "gate: {cookies: {'bad name': x}}", "gate.cookies", "invalid cookie name"),
    ("http", "gate: {headers: {Cookie: 'a=b'}}", "gate.headers", "under 'cookies'"),
    ("http", "gate: {button: '#ok'}", "gate.button", "unknown key"),
])
def test_gate(tmp_path: Path, render: str, gate: str, key: str | None,
              error: str | None) -> None:
    text = (BROWSER if render == "browser" else GOOD) + gate + "\n"
    path = write(tmp_path, text)
    if error is None:
        assert load_site(path).gate is not None
        return
    [found] = errors_of(path)
    assert found.key == key and error in found.message, found
    assert found.path == str(path) and found.line is not None


BASE = """\
# a platform's base: no name, no start URL
kind: ad_board
list_page:
  items: li.ad
  link: a::attr(href)
  next_page: a.next::attr(href)
fields:
  locality: .ort::text
  age: .alder::text
"""


def test_a_definition_extends_a_base(tmp_path: Path) -> None:
    (tmp_path / "bases").mkdir()
    write(tmp_path / "bases", BASE, "platform.yaml")
    write(tmp_path / "bases", "extends: platform\nrender: http\n", "platform2.yaml")
    child = write(tmp_path, "name: board\nextends: platform\nstart_urls: [/b/]\n"
                  "list_page: {next_page: null, page_parameter: {name: sida}}\n"
                  "fields: {age: null, gender: .kon::text}\n")
    site = load_site(child)
    assert site.extends == "platform" and site.kind == "ad_board"
    # mappings merge key by key, the child winning; null removes what the base gave
    assert site.list_page.items.css == "li.ad" and site.list_page.next_page is None
    assert site.list_page.page_parameter.name == "sida"
    assert list(site.fields) == ["locality", "gender"]
    # by relative path, and a base extending a base
    other = write(tmp_path, "name: other\nextends: bases/platform2.yaml\nstart_urls: [/o/]\n",
                  "other.yaml")
    assert load_site(other).list_page.next_page.css == "a.next::attr(href)"
    # bases are not sites: a directory's sites are its own files only
    assert [s.name for s in load_sites(tmp_path)] == ["board", "other"]


@pytest.mark.parametrize("child, bases, key, error", [
    ("extends: nosuch\n", {}, "extends", "base 'nosuch' not found"),
    ("extends: ../elsewhere.yaml\n", {}, "extends", "not found"),
    ("extends: [a, b]\n", {}, "extends", "give a base's name"),
    ("extends: a\n", {"a": "extends: b\n", "b": "extends: a\n"}, "extends",
     "in a cycle: board.yaml -> a.yaml -> b.yaml -> a.yaml"),
    ("extends: a\n", {"a": BASE.replace("age: .alder::text", "age: '[['")}, "fields.age",
     "(the value comes from base"),
    ("extends: a\nfields: {age: '[['}\n", {"a": BASE}, "fields.age", "invalid CSS"),
    ("extends: a\nlist_page: {load_more: {button: '#x'}}\n", {"a": BASE}, "",
     "need render: browser"),
])
def test_extends_errors_name_the_file_and_the_base(tmp_path: Path, child: str,
                                                   bases: dict[str, str], key: str,
                                                   error: str) -> None:
    (tmp_path / "bases").mkdir()
    for name, text in bases.items():
        write(tmp_path / "bases", text, f"{name}.yaml")
    path = write(tmp_path, "name: board\nstart_urls: [/b/]\n" + child)
    [found] = errors_of(path)
    assert found.path == str(path), found
    assert found.key == key and error in found.message, found
    if "comes from base" in error:
        assert str(tmp_path / "bases" / "a.yaml") in found.message and found.line == 3


def test_shipped_definitions_use_gates_bases_and_combined_pagination() -> None:
    sites = {s.name: s for s in load_sites(SITES)}
    gates = [s.gate for s in sites.values() if s.gate is not None]
    assert any(g.form for g in gates) and any(g.click for g in gates)
    assert any(g.cookies or g.headers for g in gates)
    assert sum(s.extends is not None for s in sites.values()) >= 2
    assert any(s.list_page.in_browser and (s.list_page.next_page or s.list_page.page_parameter)
               for s in sites.values())


def test_page_parameter_and_infinite_scroll(tmp_path: Path) -> None:
    numbered = load_site(write(tmp_path, GOOD.replace(
        "  link: a::attr(href)\n", "  link: a::attr(href)\n  page_parameter: {name: sida}\n")))
    assert numbered.list_page.page_parameter.first == 1
    assert numbered.list_page.page_parameter.max_pages == 1000
    [error] = errors_of(write(tmp_path, GOOD.replace(
        "  link: a::attr(href)\n", "  link: a::attr(href)\n  page_parameter: {name: 'a b'}\n")))
    assert error.key == "list_page.page_parameter.name"

    scroll = "  infinite_scroll: {end: '#slut', max_steps: 20}\n"
    [error] = errors_of(write(tmp_path, GOOD.replace("  link: a::attr(href)\n",
                                                     "  link: a::attr(href)\n" + scroll)))
    assert "need render: browser" in error.message
    browser = GOOD.replace("kind: ad_board", "kind: ad_board\nrender: browser")
    site = load_site(write(tmp_path, browser.replace("  link: a::attr(href)\n",
                                                     "  link: a::attr(href)\n" + scroll)))
    assert site.list_page.infinite_scroll.end == "#slut" and site.list_page.in_browser
    [error] = errors_of(write(tmp_path, browser.replace(
        "  link: a::attr(href)\n", "  link: a::attr(href)\n  infinite_scroll: {end: '[['}\n")))
    assert error.key.startswith("list_page.infinite_scroll.end")


def test_good_definition(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, GOOD))
    assert site.fields["locality"].css == ".ort::text"
    assert site.fields["text"].all
    assert site.resolved_start_urls("http://127.0.0.1:8000") == ["http://127.0.0.1:8000/sites/board/"]
    assert site.domains(["http://127.0.0.1:8000/x"]) == ["127.0.0.1"]


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  link:", "  lnk:"))
    [error] = errors_of(path)
    assert error.path == str(path)
    assert error.key == "list_page.lnk"
    assert error.line == 6
    assert "unknown key" in str(error)
    assert f"{path}:6: key 'list_page.lnk'" in str(error)


def test_unknown_field_name(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, GOOD + "  url: a::attr(href)\n"))
    assert error.key == "fields"
    assert "unknown field(s) url" in error.message


def test_bad_css_selector(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, GOOD.replace("li.ad", "li[[ad")))
    assert error.key.startswith("list_page.items")
    assert error.line == 5
    assert "invalid CSS selector 'li[[ad'" in error.message


def test_bad_xpath(tmp_path: Path) -> None:
    text = GOOD.replace(".ort::text", "{xpath: '//p[@class='}")
    [error] = errors_of(write(tmp_path, text))
    assert error.key.startswith("fields.locality")
    assert "invalid XPath" in error.message


def test_wrong_type_and_missing_start_urls(tmp_path: Path) -> None:
    text = GOOD.replace("start_urls: [/sites/board/]\n", "").replace("kind: ad_board", "kind: forum")
    errors = errors_of(write(tmp_path, text))
    keys = {e.key for e in errors}
    assert {"kind", "start_urls"} <= keys
    assert any("ad_board" in e.message for e in errors if e.key == "kind")


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, GOOD + "fields: [unclosed\n"))
    assert error.line is not None and error.line >= 10
    assert "not valid YAML" in error.message


@pytest.mark.parametrize("text, key, first, line", [
    # a field given twice: YAML keeps the last one, so the first selector is lost unseen
    (GOOD + "  locality: .stad::text\n", "fields.locality", 8, 10),
    (GOOD.replace("kind: ad_board\n", "kind: ad_board\nkind: sugardating\n"), "kind", 2, 3),
    (GOOD + "list_page: {items: div}\n", "list_page", 4, 10),
])
def test_a_key_given_twice_is_named_with_both_lines(tmp_path: Path, text: str, key: str,
                                                    first: int, line: int) -> None:
    [error] = errors_of(write(tmp_path, text))
    assert (error.key, error.line) == (key, line)
    assert f"key given twice (first on line {first})" in error.message


def test_browser_options_need_browser(tmp_path: Path) -> None:
    [error] = errors_of(write(tmp_path, GOOD + "wait_for: body\n"))
    assert "need render: browser" in error.message


def test_directory_collects_errors_of_every_file(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("kind: ad_board", "kind: x"), "a.yaml")
    write(tmp_path, GOOD.replace("name: board", "name: Bad Name"), "b.yaml")
    with pytest.raises(ConfigErrors) as info:
        load_sites(tmp_path)
    assert {Path(e.path).name for e in info.value.errors} == {"a.yaml", "b.yaml"}


def test_duplicate_names(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(ConfigErrors, match="duplicate site name"):
        load_sites(tmp_path)


def test_published_json_schema_is_current() -> None:
    import json

    from crawler.sites import json_schema

    published = json.loads((SITES.parent / "docs" / "site-definition.schema.json").read_text())
    assert published == json.loads(json.dumps(json_schema())), (
        "docs/site-definition.schema.json is stale: regenerate it (see docs/SITES.md)")
    # a selector may be written as a plain CSS string
    assert {"type": "string", "description": "a CSS selector"} in \
        published["properties"]["fields"]["additionalProperties"]["anyOf"]


def test_politeness_overrides(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, GOOD + "politeness: {concurrency: 2, delay_s: 1.5}\n"))
    assert site.politeness.concurrency == 2 and site.politeness.delay_s == 1.5
    [error] = errors_of(write(tmp_path, GOOD + "politeness: {delay: 1}\n"))
    assert error.key == "politeness.delay"


@pytest.mark.parametrize("field, error", [
    ("  languages: {css: '.sprak li::text', all: true}\n", None),
    ("  languages: {css: '.sprak::text', split: '\\\\s*[,/]\\\\s*'}\n", None),
    ("  languages: {css: '.sprak::text', split: [',', '/', ' och ']}\n", None),
    ("  handle: {css: '.kontakt::text', split: [',']}\n", None),
    ("  languages: {css: '.sprak::text', split: '[,'}\n", "invalid regular expression"),
    ("  languages: {css: '.sprak::text', split: 'x*'}\n", "matches the empty string"),
    ("  languages: {css: '.sprak::text', split: []}\n", "a list of separators"),
    ("  title: {css: '.rubrik::text', split: [',']}\n", "split is for list fields"),
])
def test_split_of_list_fields(tmp_path: Path, field: str, error: str | None) -> None:
    path = write(tmp_path, GOOD + field)
    if error is None:
        assert load_site(path).fields
    else:
        [found] = errors_of(path)
        assert error in found.message and found.key.startswith("fields")


API = """\
name: navet
kind: sugardating
start_urls: ["/api/v2/annonser?limit=50"]
api:
  items: data.annonser
fields:
  locality: {json: plats.stad}
"""

SITEMAP = """\
name: arkivet
kind: profile_directory
start_urls: [/sitemap.xml]
sitemap:
  listings: /profile/
fields:
  locality: {jsonld: address.addressLocality}
"""


@pytest.mark.parametrize("base, change, key, error", [
    # the api block and its paging
    (API, "", None, None),
    (API, "  offset: {name: offset}\n", None, None),
    (API, "  page: {name: sida, first: 1}\n", None, None),
    (API, "  next_url: paging.next\n", None, None),
    (API, "  detail: links.self\n  detail_item: annons\n", None, None),
    (API, "  offset: {name: offset}\n  next_url: paging.next\n", "api",
     "at most one way to page the API, not offset and next_url"),
    (API, "  detail_item: annons\n", "api", "give 'detail' too"),
    (API, "  next_url: 'paging.[next'\n", "api.next_url", "invalid JSON path 'paging.[next'"),
    (API, "  offset: {name: 'a b'}\n", "api.offset.name", "should match pattern"),
    (API, "  max_pages: 0\n", "api.max_pages", "greater than or equal to 1"),
    # the sitemap block
    (SITEMAP, "", None, None),
    (SITEMAP, "  follow: profiles-\n  max_sitemaps: 5\n", None, None),
    (SITEMAP, "  follow: '[a'\n", "sitemap.follow", "invalid regular expression '[a'"),
    (SITEMAP, "  listing: x\n", "sitemap.listing", "unknown key"),
])
def test_api_and_sitemap_blocks(tmp_path: Path, base: str, change: str, key: str | None,
                                error: str | None) -> None:
    block = "api:\n" if base is API else "sitemap:\n"
    path = write(tmp_path, base.replace(block, block + change))
    if key is None:
        assert load_site(path).name
        return
    errors = errors_of(path)
    assert any(e.key.startswith(key) and (error is None or error in e.message)
               for e in errors), [(e.key, e.message) for e in errors]


@pytest.mark.parametrize("base, fields, error", [
    (API, "  age: {json: alder}\n  languages: {json: 'sprak[].namn'}\n", None),
    (API, "  text: {json: \"om[?typ=='fri'].text\"}\n", None),
    (API, "  languages: {json: sprak, split: [',']}\n", None),
    (API, "  age: .alder::text\n", "every field is a JSON path ({json: ...}), not age"),
    (API, "  age: {json: alder, all: true}\n", "a JSON path's array is read whole"),
    (API, "  age: {json: 'alder[', }\n", "invalid JSON path 'alder['"),
    (API, "  age: {json: ''}\n", "empty JSON path"),
    (API, "  age: {json: alder, css: .alder}\n", "not css and json"),
    (API, "  age: {jsonld: alder}\n", "not age"),
    (GOOD, "  age: {json: alder}\n", "fields age: a 'json' path reads an API's items"),
    (GOOD, "  age: {jsonld: 'mainEntity.age'}\n", None),
    (GOOD, "  age: {microdata: age}\n  handle: {microdata: contactPoint.identifier}\n", None),
    (GOOD, "  age: {microdata: 'a..b'}\n", "should match pattern"),
    (GOOD, "  age: {}\n", "give exactly one of 'css', 'xpath', 'json', 'jsonld' or 'microdata'"),
    (SITEMAP, "  languages: {jsonld: 'knowsLanguage[].name'}\n", None),
])
def test_field_sources(tmp_path: Path, base: str, fields: str, error: str | None) -> None:
    path = write(tmp_path, base + fields)
    if error is None:
        assert load_site(path).fields
    else:
        errors = errors_of(path)
        assert any(error in e.message for e in errors), [(e.key, e.message) for e in errors]


@pytest.mark.parametrize("change, error", [
    # exactly one way of finding the listings
    ("list_page:\n  items: li.ad\n", "give one of 'list_page', 'api' or 'sitemap'"),
    ("sitemap:\n  listings: /x/\n", "not api and sitemap"),
    ("render: browser\n", "'api' is read with plain HTTP: render must be http"),
])
def test_one_way_to_find_listings(tmp_path: Path, change: str, error: str) -> None:
    text = API + change if "list_page" not in change else (
        GOOD.replace("list_page:\n  items: li.ad\n  link: a::attr(href)\n", ""))
    errors = errors_of(write(tmp_path, text))
    assert any(error in e.message for e in errors), [(e.key, e.message) for e in errors]


def test_the_json_key_is_spelled_json(tmp_path: Path) -> None:
    # the model's attribute is json_ (BaseModel has a json method); the YAML key is json
    [error] = errors_of(write(tmp_path, API + "  age: {json_: alder}\n"))
    assert error.key == "fields.age.json_" and "unknown key" in error.message
