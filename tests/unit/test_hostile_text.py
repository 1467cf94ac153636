"""Every hostile payload (tests/hostile_payloads.py) through the escaping functions, the
geoparser, the map builder, the link parser, the exports and the two SQLite stores: nothing
comes out in a form a browser, Markdown or Jinja would interpret, and the text survives."""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dashboard.core.escape import WORD_JOINER, for_html, for_js_string, for_markdown
from dashboard.core.geography import ArticleGeography, PlaceCluster, build_geography
from dashboard.core.geoparse.article import Article, parse_article
from dashboard.core.geoparse.places import Place
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.core.render.export import InlineAssets, render_export
from dashboard.core.render.mapview import (
    build_base_map,
    build_feature_groups,
    build_map,
)
from dashboard.core.topics.sites import Site, load_site_references, load_sites
from dashboard.core.view.state import (
    PARAM_NAMES,
    Choices,
    ViewState,
    parse_query,
    summarize_problems,
)
from dashboard.services.cache import GeocodeCache, GeocodeResult
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.services.library import ArticleLibrary
from dashboard.ui.tables import markdown_table
from tests.hostile_payloads import (
    ALL_PAYLOADS,
    ARTICLE_ID,
    AUTHOR,
    JS_URL,
    OUTLET,
    PAYLOADS,
    QUOTED_PLACES,
    TITLE,
    hostile_article_source,
)

IDS = [name for name, _ in ALL_PAYLOADS]
TEXTS = [text for _, text in ALL_PAYLOADS]
SHORT_IDS = [name for name, _ in PAYLOADS]
SHORT_TEXTS = [text for _, text in PAYLOADS]
BIDI = {chr(c) for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)}
# Characters CommonMark, GFM and Streamlit's extensions (math, :directives[]) give a meaning to.
MARKDOWN_ACTIVE = set("\\`*_{}[]()<>#+-.!|$:~^=&\"'")
SQL = "'); DROP TABLE articles; --"


def _markdown_unescape(text: str) -> str:
    """CommonMark's rule: a backslash before ASCII punctuation stands for that character; the
    word joiners ``for_markdown`` adds after a colon (Streamlit short codes) are invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text.replace(":" + WORD_JOINER, ":"))


def _unescaped_active(text: str) -> list[str]:
    """Active Markdown characters not preceded by an escaping backslash."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] in MARKDOWN_ACTIVE:
            found.append(text[i])
        i += 1
    return found


# --- the escaping functions -------------------------------------------------------------------


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_for_html_is_inert_and_reversible(payload: str) -> None:
    escaped = for_html(payload)
    assert not set(escaped) & set("<>`$\\{}\"'")
    assert html.unescape(escaped) == payload


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_for_markdown_escapes_every_active_character_and_keeps_the_text(payload: str) -> None:
    escaped = for_markdown(payload)
    assert _unescaped_active(escaped) == []
    assert not set(escaped) & BIDI
    assert _markdown_unescape(escaped) == "".join(c for c in payload if c not in BIDI)


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_for_js_string_leaves_no_jinja_opener(payload: str) -> None:
    escaped = for_js_string(payload)
    assert not any(opener in escaped for opener in ("{{", "{%", "{#"))
    assert escaped.replace("\u200b", "") == payload.replace("\u200b", "")


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_a_markdown_table_keeps_its_shape_with_payloads_in_its_cells(payload: str) -> None:
    frame = pd.DataFrame([{"Site": payload, "Country": "Poland"}, {"Site": "Gabala", "Country": payload}])
    lines = markdown_table(frame).split("\n")
    assert len(lines) == 4 and lines[1] == "| --- | --- |"
    for line in (lines[0], *lines[2:]):
        assert line.replace("\\|", "").count("|") == 3  # two cells: no pipe of the text is a column
        assert _unescaped_active(line.replace(" | ", "").strip("| ")) == []


@pytest.mark.parametrize("code", [":material/home:", ":material_lock:", ":streamlit:"])
def test_for_markdown_keeps_streamlit_short_codes_as_text(code: str) -> None:
    """Streamlit replaces these in the parsed text, where escapes no longer count."""
    escaped = for_markdown(f"see {code} here")
    assert ":material_" not in escaped.replace("\\", "") and ":material/" not in escaped.replace("\\", "")
    assert ":streamlit:" not in escaped.replace("\\", "")
    assert _markdown_unescape(escaped) == f"see {code} here"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escaping_holds_for_any_text(text: str) -> None:
    assume(WORD_JOINER not in text)
    assert html.unescape(for_html(text)) == text
    assert not set(for_html(text)) & set("<>`$\\{}")
    assert _unescaped_active(for_markdown(text)) == []
    assert _markdown_unescape(for_markdown(text)) == "".join(c for c in text if c not in BIDI)


# --- the map ----------------------------------------------------------------------------------


def _site(name: str) -> Site:
    return Site("gabala-radar", "radar", "russian-proposal", name, f"Land {name}", 40.87, 47.80, 2.0,
                "https://example.org", name)


def _map_html(name: str) -> str:
    place = Place(f"Town {name}", 0, 5, 41.0, 45.0, "gazetteer", 0.9)
    cluster = PlaceCluster(42.0, 44.0, 3, 4, (f"A {name}", f"B {name}"))
    view = ViewState(site="gabala-radar", layers=("places", "rings", "lines"))
    fmap = build_map(view, [_site(f"Radar {name}")], [(place, 2)], None)
    for group in build_feature_groups([], [], view, clusters=[cluster]):
        group.add_to(fmap)
    return fmap.get_root().render()


class _Scripts(HTMLParser):
    """The text of every <script> element of a page, as a browser's HTML parser splits them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script"
        if self._inside:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


def _js_literals(script: str) -> tuple[list[str], list[str]]:
    """The template literals and the quoted strings of a script (a small lexer: enough for
    the code Folium writes, which has no comments or regular expressions)."""
    templates: list[str] = []
    strings: list[str] = []
    i = 0
    while i < len(script):
        quote = script[i]
        if quote in "\"'`":
            j = i + 1
            while script[j] != quote:
                j += 2 if script[j] == "\\" else 1
            (templates if quote == "`" else strings).append(script[i + 1:j])
            i = j + 1
        else:
            i += 1
    return templates, strings


def _jinja_newlines(text: str) -> str:
    """branca renders every page through Jinja, which turns a bare CR into LF (harmless)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _literals_of(page: str) -> tuple[int, list[str], list[str]]:
    parser = _Scripts()
    parser.feed(page)
    templates: list[str] = []
    strings: list[str] = []
    for script in parser.scripts:
        t, s = _js_literals(script)
        templates += t
        strings += s
    return len(parser.scripts), templates, strings


def _map_literals(name: str) -> tuple[int, list[str], list[str]]:
    return _literals_of(_map_html(name))


BENIGN = _map_literals("plain words")


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_map_script_keeps_its_shape_with_payloads_in_every_name(payload: str) -> None:
    """Every tooltip is a JS template literal, alt and title are JSON strings: a payload must
    not end one early, add a ``${...}`` or a backslash escape, or close the <script>."""
    scripts, templates, strings = _map_literals(payload)
    assert (scripts, len(templates), len(strings)) == (BENIGN[0], len(BENIGN[1]), len(BENIGN[2]))
    for literal in templates:
        assert "${" not in literal and "\\" not in literal
        for tag in ("<script", "<img", "<svg", "<style", "{{", "{%"):
            assert tag not in literal.lower()
    assert all("<" not in string for string in strings if "Town" in string or "Radar" in string)
    tooltips = [html.unescape(t) for t in templates if "Town" in t]
    assert tooltips and _jinja_newlines(f"Town {payload}").strip() in tooltips[0]  # the reader sees the text


def test_place_names_from_a_hostile_article_are_words_and_reach_the_tooltips_as_text() -> None:
    article = parse_article(hostile_article_source(), "ignored")
    places = geoparse(article.text, ensure_gazetteer())
    names = {place.name for place in places}
    assert set(QUOTED_PLACES) <= names and {"Paris", "Prague", "Azerbaijan"} <= names
    for name in names:  # payload characters never become part of a place name
        assert re.fullmatch(r"[^\W\d_]+(?:['\u2019\- ][^\W\d_]+)*", name), name
    geo = build_geography(article, places, load_sites(), load_site_references())
    view = ViewState(article=ARTICLE_ID)
    groups = build_feature_groups(geo.sites, geo.other_places, view)
    fmap = build_base_map(view, None)
    for group in groups:
        group.add_to(fmap)
    parser = _Scripts()
    parser.feed(fmap.get_root().render())
    literals = "".join(t for script in parser.scripts for t in _js_literals(script)[0])
    for name in QUOTED_PLACES:
        assert for_html(name) in literals
        assert "'" not in name or name not in literals  # the ASCII quote is an entity


# --- links ------------------------------------------------------------------------------------

CHOICES = Choices(frozenset({"a"}), frozenset({"iran", "gabala-radar"}), "a")


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_links_with_payloads_are_dropped_never_raise(payload: str) -> None:
    params = {name: payload for name in PARAM_NAMES} | {payload[:30] or "empty": "1"}
    result = parse_query(params, CHOICES)
    assert result.problems
    assert result.state.site is None and result.state.lat is None and result.state.zoom is None
    assert result.state.article == "a"
    notice = summarize_problems(result.problems)
    assert notice is not None and len(notice) < 2_000  # a 100 kB value is never echoed whole
    assert _unescaped_active(for_markdown(notice)) == []


@pytest.mark.parametrize("payload", SHORT_TEXTS, ids=SHORT_IDS)
def test_payloads_inside_lists_and_repeated_keys_are_dropped(payload: str) -> None:
    result = parse_query({"proposal": f"us-plan,{payload}", "site": ["iran", payload]}, CHOICES)
    assert result.state.proposals == ("us-plan",)
    assert result.state.site is None and result.problems


# --- exports ----------------------------------------------------------------------------------


def _geo(name: str) -> ArticleGeography:
    article = Article(id="hostile", title=f"Title {name}", text=f"Talks in Prague. {name}",
                      outlet=f"Outlet {name}", author=f"Author {name}", url=JS_URL)
    places = (Place(f"Prague {name}", 9, 15, 50.08, 14.42, "gazetteer", 0.9),
              Place(f"Nowhere {name}", 0, 5, None, None, "none", 0.0))
    return ArticleGeography(article, (), places, (), (_site(f"Radar {name}"),))


class _Shape(HTMLParser):
    """The tags, attribute names and script count of an HTML page (not the text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.hrefs: list[str] = []
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = False if tag == "h1" else self._in_h1

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data


def _shape(page: str) -> _Shape:
    parser = _Shape()
    parser.feed(page)
    return parser


EMPTY_ASSETS = InlineAssets(js=(), css=())


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_html_export_has_the_shape_of_a_plain_one(payload: str) -> None:
    view = ViewState(layers=("places",))
    page = render_export("html", _geo(payload), view, assets=EMPTY_ASSETS)
    plain = render_export("html", _geo("plain words"), view, assets=EMPTY_ASSETS)
    hostile, benign = _shape(page), _shape(plain)
    assert [tag for tag, _ in hostile.tags] == [tag for tag, _ in benign.tags]
    assert hostile.tags == benign.tags  # no new element, no new attribute (no onerror=)
    assert not any(href.lower().startswith("javascript") for href in hostile.hrefs)
    assert hostile.h1 == _jinja_newlines(f"Title {payload}")  # entities decoded: the reader sees the text
    scripts, templates, strings = _literals_of(page)
    assert (scripts, len(templates), len(strings)) == tuple(
        len(x) if isinstance(x, list) else x for x in _literals_of(plain)
    )
    assert not any("${" in t or "\\" in t for t in templates)


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_geojson_and_csv_exports_keep_payloads_as_data(payload: str) -> None:
    geo = _geo(payload)
    data = json.loads(render_export("geojson", geo, ViewState()))
    assert data["article"]["title"] == f"Title {payload}"
    assert data["article"]["url"] == JS_URL
    names = [feature["properties"]["name"] for feature in data["features"]]
    assert names == [f"Radar {payload}", f"Prague {payload}", f"Nowhere {payload}"]
    rows = list(csv.DictReader(io.StringIO(render_export("csv", geo, ViewState()), newline="")))
    assert [row["name"] for row in rows] == names


def test_csv_cells_that_start_like_a_formula_are_quoted() -> None:
    geo = ArticleGeography(Article(id="f", title="t", text="x"), (),
                           (Place("=HYPERLINK(\"http://evil.example\")", 0, 1, 1.0, 1.0, "gazetteer", 1.0),), (), ())
    (row,) = csv.DictReader(io.StringIO(render_export("csv", geo, ViewState())))
    assert row["name"].startswith("'=")


def test_a_carriage_return_cannot_smuggle_a_formula_row_into_the_csv() -> None:
    """A bare CR ends a row in spreadsheets: a cell holding one must be quoted, or the text after
    it starts a new row whose first cell escapes the formula guard."""
    name = "Town\r=2+5+cmd|' /C calc'!A0"  # no comma or quote: those alone would get it quoted
    geo = ArticleGeography(Article(id="f", title="t", text="x"), (),
                           (Place(name, 0, 1, 1.0, 1.0, "gazetteer", 1.0),), (), ())
    text = render_export("csv", geo, ViewState())
    physical_lines = re.split(r"\r\n|\r|\n", text.replace('"' + name.replace('"', '""') + '"', "QUOTED"))
    assert not any(line.startswith("=") for line in physical_lines)
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert row["name"] == name


SSTI = "{{ 'EXEC' ~ 'UTED' }}{{ cycler.__init__.__globals__.os.getcwd() }}{% if 1 %}{{ 'RAN' ~ 'X' }}{% endif %}"
EXECUTED = ("EXECUTED", "RANX")


def test_no_template_code_in_text_runs_on_the_server() -> None:
    """branca compiles rendered scripts as Jinja templates: text must never be evaluated."""
    rendered = _map_html(SSTI)
    assert os.getcwd() not in rendered and not any(mark in rendered for mark in EXECUTED)
    page = render_export("html", _geo(SSTI), ViewState(layers=("places",)), assets=EMPTY_ASSETS)
    assert os.getcwd() not in page and not any(mark in page for mark in EXECUTED)


# --- storage ----------------------------------------------------------------------------------


def test_the_article_library_stores_hostile_articles_verbatim(tmp_path: Path) -> None:
    library = ArticleLibrary.in_dir(tmp_path)
    article = parse_article(hostile_article_source(), "ignored")
    assert library.save(article)
    sneaky = Article(id="sql", title=SQL, text=f"{SQL} in Prague", outlet=SQL, author=SQL, url=SQL, licence=SQL)
    assert library.save(sneaky)
    library.close()
    reopened = ArticleLibrary.in_dir(tmp_path).articles()
    assert reopened == {ARTICLE_ID: article, "sql": sneaky}
    assert (reopened[ARTICLE_ID].title, reopened[ARTICLE_ID].outlet, reopened[ARTICLE_ID].author) == (TITLE, OUTLET, AUTHOR)


@pytest.mark.parametrize("payload", SHORT_TEXTS + [SQL], ids=SHORT_IDS + ["sql"])
def test_the_geocode_cache_keeps_hostile_queries_and_answers_apart(tmp_path: Path, payload: str) -> None:
    cache = GeocodeCache.in_dir(tmp_path)
    cache.put("nominatim", f"Town {payload}", GeocodeResult(1.0, 2.0, display_name=payload))
    cache.put("nominatim", "Prague", GeocodeResult(50.0, 14.0, display_name="Praha"))
    entry = cache.get("nominatim", f"Town {payload}")
    assert entry is not None and entry.result is not None and entry.result.display_name == payload
    assert cache.get("nominatim", "Prague").result.display_name == "Praha"  # type: ignore[union-attr]
    cache.close()


# --- fetching by URL (open) -------------------------------------------------------------------


def test_fetching_an_article_never_reaches_a_loopback_address() -> None:
    """On a shared server any reader can ask the server to fetch a URL; the page's text is then
    stored and shown to every reader. An internal page must not be reachable that way."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from dashboard.config import Settings
    from dashboard.core.geoparse.intake import IntakeError
    from dashboard.services.fetch import fetch_page

    hits: list[str] = []

    class Internal(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            hits.append(self.path)
            body = b"<html><body><p>internal admin page: secret</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Internal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(IntakeError):
            fetch_page(f"http://127.0.0.1:{server.server_address[1]}/admin", Settings(timeout_s=2.0))
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
