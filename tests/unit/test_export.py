"""Exports (dashboard.core.render.export): GeoJSON, CSV and the standalone offline HTML map."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from dashboard.core.geography import build_geography
from dashboard.core.geoparse.article import Article, load_article
from dashboard.core.geoparse.places import Place
from dashboard.core.render.basemap import load_basemap
from dashboard.core.render.export import (
    CSV_COLUMNS,
    EXPORT_FORMATS,
    InlineAssets,
    render_export,
    sites_csv,
    sites_geojson,
    standalone_html,
)
from dashboard.core.topics.ranges import load_ranges
from dashboard.core.topics.sites import DATA_DIR, load_site_references, load_sites
from dashboard.core.topics.timeline import load_events
from dashboard.core.view.state import ViewState

SEED = DATA_DIR / "articles" / "voa-2007-06-07-putin-gabala-offer.md"
HOSTILE = "<script>alert(1)</script> ${alert(1)} `tick` \\1 <img src=x onerror=alert(2)>"
JSON_ALT_TITLE = re.compile(r'"(?:alt|title)": "(?:[^"\\]|\\.)*"')
FAKE_ASSETS = InlineAssets(js=(("leaflet", "/* leaflet */"),), css=(("leaflet_css", "/* css */"),))
ALL_LAYERS = ViewState(layers=("places", "rings", "lines"))
EXTERNAL_LOADS = (
    re.compile(r"<script[^>]*\ssrc\s*=", re.IGNORECASE),
    re.compile(r"<link\b", re.IGNORECASE),
    re.compile(r"<img[^>]*\ssrc\s*=\s*[\"']?https?:", re.IGNORECASE),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.IGNORECASE),
    re.compile(r"@import", re.IGNORECASE),
    re.compile(r"tile\.openstreetmap\.org"),
)


def places() -> list[Place]:
    return [
        Place("Poland", 10, 16, 52.0, 20.0, "gazetteer", 0.9, 500.0, "country", "PL", 798544),
        Place("Maine", 30, 35, 45.25, -69.0, "gazetteer", 0.8, 150.0, "admin1", "US", 4971068),
        Place("Atlantis", 40, 48, None, None, "none", 0.0),
    ]


@pytest.fixture(scope="module")
def geo():
    return build_geography(load_article(SEED), places(), load_sites(), load_site_references())


@pytest.fixture(scope="module")
def hostile_geo():
    article = Article(
        id="hostile-article",
        title=HOSTILE,
        text=f"The radar in Gabala and the town of {HOSTILE} are far apart.",
        outlet=HOSTILE,
        author="A. Writer",
        date=dt.date(2007, 6, 7),
        url="javascript:alert(3)",
    )
    hostile_place = Place(HOSTILE, 30, 30 + len(HOSTILE), 50.0, 30.0, "nominatim", 0.5)
    formula = Place("=HYPERLINK(\"http://x\")", 0, 3, 48.0, 2.0, "nominatim", 0.5)
    return build_geography(article, [hostile_place, formula], load_sites(), load_site_references())


@pytest.fixture(scope="module")
def outlines():
    return load_basemap()


# --- GeoJSON ---------------------------------------------------------------------------------


def test_geojson_structure(geo):
    collection = sites_geojson(geo)
    json.dumps(collection, allow_nan=False)  # serialisable, no NaN
    assert collection["type"] == "FeatureCollection"
    assert collection["article"]["id"] == "voa-2007-06-07-putin-gabala-offer"
    assert collection["article"]["date"] == "2007-06-07"
    features = collection["features"]
    assert all(f["type"] == "Feature" and set(f) == {"type", "geometry", "properties"} for f in features)
    kinds = [f["properties"]["kind"] for f in features]
    assert kinds == ["site"] * len(geo.sites) + ["place"] * 3
    czech = next(f for f in features if f["properties"].get("id") == "czech-radar")
    assert czech["geometry"] == {"type": "Point", "coordinates": [13.74794, 49.63522]}  # [lon, lat]
    props = czech["properties"]
    assert props["role"] == "radar" and props["proposal"] == "us-plan" and props["precision_km"] == 1.0
    assert props["source_url"].startswith("http") and props["note"]
    maine = next(f for f in features if f["properties"].get("name") == "Maine")
    assert maine["geometry"]["coordinates"] == [-69.0, 45.25]
    assert (maine["properties"]["start"], maine["properties"]["end"]) == (30, 35)
    assert maine["properties"]["source"] == "gazetteer" and maine["properties"]["confidence"] == 0.8
    assert maine["properties"]["source_url"] == "https://www.geonames.org/4971068"
    atlantis = next(f for f in features if f["properties"].get("name") == "Atlantis")
    assert atlantis["geometry"] is None  # RFC 7946: an unlocated feature


def test_geojson_coordinates_are_lon_lat_in_range(geo):
    for feature in sites_geojson(geo)["features"]:
        if feature["geometry"] is None:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    kennebunkport = next(f for f in sites_geojson(geo)["features"] if f["properties"].get("id") == "kennebunkport")
    assert kennebunkport["geometry"]["coordinates"][0] < 0  # west: longitude first


def test_geojson_carries_statuses(geo):
    statuses = {"czech-radar": "cancelled"}
    features = sites_geojson(geo, statuses)["features"]
    status = {f["properties"].get("id"): f["properties"].get("status") for f in features if f["properties"]["kind"] == "site"}
    assert status["czech-radar"] == "cancelled" and status["gabala-radar"] is None


# --- CSV -------------------------------------------------------------------------------------


def test_csv_header_and_rows(geo):
    text = sites_csv(geo)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert len(rows) == len(geo.sites) + 3
    czech = next(r for r in rows if r["id"] == "czech-radar")
    assert (czech["kind"], czech["lat"], czech["lon"]) == ("site", "49.63522", "13.74794")
    assert czech["source_url"].startswith("http")
    atlantis = next(r for r in rows if r["name"] == "Atlantis")
    assert (atlantis["kind"], atlantis["lat"], atlantis["lon"], atlantis["source"]) == ("place", "", "", "none")
    kennebunkport = next(r for r in rows if r["id"] == "kennebunkport")
    assert kennebunkport["lon"] == "-70.4594"  # numbers are not prefixed


def test_csv_defuses_formulas(hostile_geo):
    rows = list(csv.DictReader(io.StringIO(sites_csv(hostile_geo))))
    formula = next(r for r in rows if "HYPERLINK" in r["name"])
    assert formula["name"].startswith("'=")


# --- dispatch --------------------------------------------------------------------------------


def test_render_export_formats(geo):
    assert EXPORT_FORMATS == ("html", "geojson", "csv")
    events = load_events()
    geojson = json.loads(render_export("geojson", geo, ViewState(), events=events))
    status = {f["properties"].get("id"): f["properties"]["status"] for f in geojson["features"] if f["properties"]["kind"] == "site"}
    assert status["czech-radar"] == "announced"  # on the article's date
    later = json.loads(render_export("geojson", geo, ViewState(date=dt.date(2010, 1, 1)), events=events))
    assert any(f["properties"].get("status") == "cancelled" for f in later["features"])
    assert render_export("csv", geo, ViewState()).startswith("kind,id,name")
    assert "<!DOCTYPE html>" in render_export("html", geo, ViewState(), assets=FAKE_ASSETS)
    with pytest.raises(ValueError, match="unknown export format"):
        render_export("kml", geo, ViewState())
    with pytest.raises(ValueError, match="assets"):
        render_export("html", geo, ViewState())


# --- standalone HTML -------------------------------------------------------------------------


def test_html_has_map_header_and_inlined_assets(geo, outlines):
    html = standalone_html(geo, ALL_LAYERS, outlines, load_ranges(), load_events(), assets=FAKE_ASSETS)
    assert html.startswith("<!DOCTYPE html>")
    assert "/* leaflet */" in html and "/* css */" in html
    assert "<h1>Putin Offers to Join US Missile Defense Plan</h1>" in html
    assert "VOA (Voice of America) · 7 Jun 2007" in html
    assert "GeoNames (CC BY 4.0)" in html and "Natural Earth" in html
    for marker in ("site-czech-radar", "site-gabala-radar", "place-marker", "range-ring", "tehran-line"):
        assert marker in html
    assert "status-announced" in html  # statuses on the article's date
    assert "Events up to 7 Jun 2007" in html


def test_html_loads_nothing_from_the_network(geo, outlines):
    html = standalone_html(geo, ALL_LAYERS, outlines, load_ranges(), load_events(), assets=FAKE_ASSETS)
    for pattern in EXTERNAL_LOADS:
        assert not pattern.search(html), pattern.pattern
    assert "writeView" not in html  # the page URL is not written from an exported file


def test_html_without_outlines_uses_tiles_only_as_a_template(geo):
    html = standalone_html(geo, ViewState(), None, (), (), assets=FAKE_ASSETS)
    assert "tile.openstreetmap.org" in html  # tiles show when online; nothing else is loaded
    for pattern in EXTERNAL_LOADS[:-1]:
        assert not pattern.search(html), pattern.pattern


def test_html_escapes_untrusted_strings(hostile_geo, outlines):
    html = standalone_html(hostile_geo, ALL_LAYERS, outlines, load_ranges(), load_events(), assets=FAKE_ASSETS)
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    # Marker ``alt``/``title`` options are JSON strings (tojavascript escapes < and quotes), set
    # as DOM properties: there `${...}` and backticks are inert. Everywhere else they must not
    # appear raw (Folium puts tooltip text in JS template literals).
    outside_json = JSON_ALT_TITLE.sub("", html)
    assert "${alert(1)}" not in outside_json
    assert "`tick`" not in outside_json
    assert 'href="javascript:' not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &#36;&#123;alert(1)&#125; &#96;tick&#96; &#92;1"
    assert f"<h1>{escaped}" in html  # the header
    assert f"<title>{escaped}" in html
    assert html.count(escaped) >= 3  # header, title, and the place marker's tooltip


def test_inlined_script_cannot_close_its_tag(geo):
    assets = InlineAssets(js=(("leaflet", 'var s = "</script><b>bold</b>";'),), css=(("c", "a{} </style><i>"),))
    html = standalone_html(geo, ViewState(), None, (), (), assets=assets)
    assert 'var s = "<\\/script><b>bold</b>";' in html
    assert "a{} <\\/style><i>" in html


def test_inline_assets_are_the_xstatic_files():
    from dashboard.services.static_assets import embed_css_images, inline_assets

    assets = inline_assets()
    names = [name for name, _ in assets.js]
    assert names == ["leaflet", "jquery"]
    assert all(len(text) > 50_000 for _, text in assets.js)
    (_, css), = assets.css
    assert ".leaflet-container" in css and "url(images/" not in css
    assert "url(data:image/png;base64," in css
    assert embed_css_images("a{background:url(images/x.png)}", {}) == "a{background:url(images/x.png)}"


# --- in a real browser -----------------------------------------------------------------------


@pytest.mark.browser
def test_exported_map_renders_offline_in_chromium(hostile_geo, outlines, tmp_path, browser):
    """The exported file shows its markers with every non-file request blocked, runs no
    injected script, and logs no console error."""
    from dashboard.services.static_assets import inline_assets

    view = ALL_LAYERS.with_changes(date=dt.date(2010, 1, 1))
    html = standalone_html(hostile_geo, view, outlines, load_ranges(), load_events(), assets=inline_assets())
    page_path = tmp_path / "export.html"
    page_path.write_text(html, encoding="utf-8")

    blocked: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_path.as_uri())
        page.locator(".site-gabala-radar").wait_for(state="attached", timeout=10_000)
        assert page.locator(".site-marker").count() == len(hostile_geo.sites)
        assert page.locator(".place-marker").count() == 2
        assert page.locator(".site-gabala-radar.status-operational").count() == 1
        assert page.locator("path.range-ring").count() >= 1
        assert page.locator("path.tehran-line").count() == 1
        assert page.locator("h1").text_content() == HOSTILE
        # The reader's own measurement: two clicks, a great-circle distance.
        page.click(".map-measure-button")
        box = page.locator(".folium-map").bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
        page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
        page.locator(".measure-label").wait_for(timeout=5_000)
        assert re.fullmatch(r"[\d,.]+ km \(great circle\)", page.locator(".map-measure-readout").text_content())
    finally:
        context.close()
    assert blocked == []
    assert dialogs == []
    assert errors == []
