"""Hostile text in a real browser (Chromium): an article file whose title, outlet, author, url
and body carry every payload of tests/hostile_payloads.py, its standalone HTML export, and
hostile links. Nothing may run (no dialog, ``window.__pwned`` undefined in the page and in the
map iframe), nothing may be fetched from ``evil.example``, no console error, and the reader
sees the payloads' characters as text."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from helpers import MAP_FRAME, open_dashboard, wait_idle
from playwright.sync_api import Frame, Page, expect

from dashboard.core.escape import WORD_JOINER
from dashboard.core.geography import ArticleGeography
from dashboard.core.geoparse.article import Article
from dashboard.core.geoparse.places import Place
from dashboard.core.render.export import render_export
from dashboard.core.view.state import ViewState
from dashboard.services.static_assets import ensure_static_assets, inline_assets
from tests.harness import AppServer, PageWatch, start_server
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

pytestmark = pytest.mark.browser

BIDI = {chr(c) for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)}
EVIL = "evil.example"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[AppServer]:
    """One dashboard for the module, with the hostile article in DASHBOARD_ARTICLES_DIR."""
    folder = tmp_path_factory.mktemp("hostile-articles")
    (folder / "hostile.md").write_text(hostile_article_source(), encoding="utf-8")
    server = start_server(tmp_path_factory.mktemp("hostile"), {"DASHBOARD_ARTICLES_DIR": str(folder)})
    yield server
    server.stop()


def _record_dialogs(page: Page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def _map_frame(page: Page) -> Frame:
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    assert frame is not None
    return frame


def _assert_nothing_ran(page: Page, dialogs: list[str], watch: PageWatch) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert _map_frame(page).evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert not [url for url in watch.external_requests if EVIL in url]
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert page.locator(".katex").count() == 0  # no $...$ became LaTeX


def _words(text: str) -> str:
    """Text as a reader sees it: bidi controls and word joiners dropped, white space collapsed."""
    return " ".join("".join(c for c in text if c not in BIDI and c != WORD_JOINER).split())


def _tooltips(frame: Frame) -> list[str]:
    texts = []
    for marker in frame.locator(".place-marker").all():
        marker.dispatch_event("mouseover")
        tooltip = frame.locator(".leaflet-tooltip").last
        expect(tooltip).to_be_visible()
        texts.append(tooltip.inner_text())
        marker.dispatch_event("mouseout")
    return texts


def test_hostile_article_reads_as_text_and_runs_nothing(page: Page, hostile_server, watch) -> None:
    dialogs = _record_dialogs(page)
    frame = open_dashboard(page, f"{hostile_server.url}/?article={ARTICLE_ID}&basemap=offline")
    map_frame = _map_frame(page)
    expect(frame.locator(".site-gabala-radar")).to_have_count(1)
    expect(frame.locator(".site-poland-interceptors")).to_have_count(1)
    expect(page.locator("h1").first).to_have_text(TITLE)  # {{ 7*7 }}, ${...}, <script> as text
    main = page.locator("[data-testid=stMain]")
    expect(main).to_contain_text(_words(f"{OUTLET} · {AUTHOR}"))
    expect(page.get_by_role("link", name="Read the original article")).to_have_count(0)  # javascript: URL
    assert page.evaluate("getComputedStyle(document.body).display") != "none"  # no <style> applied

    tooltips = _tooltips(map_frame)
    for name in (*QUOTED_PLACES, "Paris", "Prague"):
        assert any(text.startswith(f"{name}: named") or f"“{name}”" in text for text in tooltips), (name, tooltips)

    page.get_by_role("radio", name="Gabala (Qabala) radar station, Daryal type").check(force=True)
    wait_idle(page)
    selection = page.locator(".st-key-selection")
    expect(selection.get_by_text("On the Gabala radar, a note from Vienna said", exact=False).first).to_be_visible()
    shown = _words(selection.inner_text())
    for name, payload in PAYLOADS:  # every payload in the excerpts, character for character
        assert _words(payload) in shown, name

    page.get_by_role("tab", name="Side by side").click()
    expect(main.get_by_text('<img src=x onerror="window.__pwned=3"> $x^2$', exact=False).first).to_be_visible()
    for tab in ("Timeline", "Distances", "Sites (table)"):
        page.get_by_role("tab", name=tab).click()
    _assert_nothing_ran(page, dialogs, watch)
    assert watch.external_requests == []


def test_the_exports_of_the_hostile_article_run_nothing(page: Page, hostile_server, watch) -> None:
    dialogs = _record_dialogs(page)
    open_dashboard(page, f"{hostile_server.url}/?article={ARTICLE_ID}&basemap=offline&site=gabala-radar")
    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as geojson:
        page.get_by_role("button", name="GeoJSON").click()
    data = json.loads(Path(geojson.value.path()).read_text(encoding="utf-8"))
    assert (data["article"]["title"], data["article"]["url"]) == (TITLE, JS_URL)
    with page.expect_download() as standalone:
        page.get_by_role("button", name="Map (HTML, works offline)").click()
    exported = Path(standalone.value.path()).read_text(encoding="utf-8")
    _assert_nothing_ran(page, dialogs, watch)

    errors: list[str] = []
    other = page.context.new_page()
    other_dialogs = _record_dialogs(other)
    other.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    other.on("pageerror", lambda err: errors.append(str(err)))
    other.set_content(exported)
    expect(other.locator(".site-gabala-radar")).to_have_count(1)
    expect(other.locator("h1")).to_have_text(TITLE)
    expect(other.locator(".export-header a")).to_have_count(0)  # the javascript: URL is not a link
    tooltips = _tooltips(other.main_frame)
    assert any(text.startswith("N'Djamena: named") for text in tooltips), tooltips
    assert other.evaluate("typeof window.__pwned") == "undefined"
    assert other_dialogs == [] and errors == []
    assert not [url for url in watch.external_requests if EVIL in url]
    other.close()


def test_every_payload_as_a_place_name_reads_as_text_in_a_tooltip(page: Page, watch) -> None:
    """Folium puts tooltips in JS template literals: one marker per payload (the 100 kB line
    too), in the standalone map page, each tooltip showing its name character for character."""
    dialogs = _record_dialogs(page)
    places = tuple(
        Place(f"P{i} {payload}", 0, 1, 30.0 + 2 * (i // 6), 10.0 + 3 * (i % 6), "gazetteer", 0.9)
        for i, (_, payload) in enumerate(ALL_PAYLOADS)
    )
    geo = ArticleGeography(Article(id="names", title=TITLE, text="x"), (), places, (), ())
    ensure_static_assets()
    page.set_content(render_export("html", geo, ViewState(layers=("places",)), None, assets=inline_assets()))
    expect(page.locator(".place-marker")).to_have_count(len(places))
    shown = {_words(text).split(": named once")[0] for text in _tooltips(page.main_frame)}
    assert shown == {_words(place.name.replace("\r", "\n")) for place in places}
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == [] and not [url for url in watch.external_requests if EVIL in url]


HOSTILE_LINKS = [
    {"site": "![b](http://evil.example/b.png)", "proposal": "${window.__pwned=5}", "basemap": "offline"},
    {"site": "<script>window.__pwned=1</script>", "role": "`; window.__pwned=6; `", "basemap": "offline"},
    {"article": "{{ 7*7 }}", "zoom": "NaN", "lat": "1e999", "lon": "-1e999", "basemap": "offline"},
    {"layers": "x," * 300, "date": "2007-13-45", "basemap": "javascript:window.__pwned=8"},
    {"<img src=x onerror=window.__pwned=3>": "1", "proposal": "[click](javascript:window.__pwned=7)",
     "lat": ":red[red]", "lon": "$x^2$", "basemap": "offline"},
]


@pytest.mark.parametrize("query", HOSTILE_LINKS, ids=["markdown image", "script", "jinja and numbers", "long list", "html key"])
def test_hostile_links_give_one_notice_as_text_and_a_working_map(page: Page, hostile_server, watch, query) -> None:
    dialogs = _record_dialogs(page)
    frame = open_dashboard(page, f"{hostile_server.url}/?{urlencode(query)}")
    expect(frame.locator(".site-marker").first).to_be_attached()
    notice = page.locator("[data-testid=stAlert]").filter(has_text="were ignored")
    expect(notice).to_have_count(1)
    shown = notice.inner_text()
    for value in query.values():  # each dropped value is quoted literally (up to 40 characters)
        if value not in ("offline", "1") and len(value) <= 40:
            assert value in shown, (value, shown)
    _assert_nothing_ran(page, dialogs, watch)
