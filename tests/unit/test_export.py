"""Exports (dashboard.core.render.export): GeoJSON, CSV and the standalone offline HTML map,
which is the app's map from the same composer (groups, place cap, legend, frame)."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import json
import re
from html.parser import HTMLParser

import pytest

from dashboard.core.geography import ArticleGeography, build_geography
from dashboard.core.geoparse.article import Article, load_article
from dashboard.core.geoparse.places import Place
from dashboard.core.render.basemap import load_basemap
from dashboard.core.render.compose import compose_map
from dashboard.core.render.export import (
    CSV_COLUMNS,
    EXPORT_FORMATS,
    InlineAssets,
    render_export,
    sites_csv,
    sites_geojson,
    standalone_html,
)
from dashboard.core.topics.model import Source
from dashboard.core.topics.timeline import status_map
from dashboard.core.view.state import ViewState
from dashboard.services.articles import bundled_articles_dir, catalogue
from tests.mapscript import calls

VOA = bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md"
EPAA = bundled_articles_dir() / "usace-2016-01-07-romania-missile-defense-complex.md"
SITES_2007 = {"czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport"}
HOSTILE = "<script>alert(1)</script> ${alert(1)} `tick` \\1 <img src=x onerror=alert(2)>"
FAKE_ASSETS = InlineAssets(js=(("leaflet", "/* leaflet */"),), css=(("leaflet_css", "/* css */"),))
ALL_LAYERS = ViewState(layers=("places", "rings", "lines"))
OFFER_DAY = dt.date(2007, 6, 7)
EXTERNAL_LOADS = (
    re.compile(r"<script[^>]*\ssrc\s*=", re.IGNORECASE),
    re.compile(r"<link\b", re.IGNORECASE),
    re.compile(r"<(?:img|iframe|embed|object|source|video|audio)\b[^>]*\s(?:src|data)\s*=", re.IGNORECASE),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.IGNORECASE),
    re.compile(r"@import", re.IGNORECASE),
    re.compile(r"tile\.openstreetmap\.org"),
)
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def places() -> list[Place]:
    return [
        Place("Poland", 10, 16, 52.0, 20.0, "gazetteer", 0.9, 500.0, "country", "PL", 798544, "Poland"),
        Place("Maine", 30, 35, 45.25, -69.0, "gazetteer", 0.8, 150.0, "admin1", "US", 4971068, "Maine"),
        Place("Atlantis", 40, 48, None, None, "none", 0.0),
    ]


@pytest.fixture(scope="module")
def topics():
    return catalogue()


@pytest.fixture(scope="module")
def geo(topics) -> ArticleGeography:
    return build_geography(load_article(VOA), places(), topics)


@pytest.fixture(scope="module")
def epaa(topics) -> ArticleGeography:
    return build_geography(load_article(EPAA), [], topics)


@pytest.fixture(scope="module")
def hostile_geo(topics) -> ArticleGeography:
    article = Article(
        id="hostile-article",
        title=HOSTILE,
        text=f"The radar in Gabala and the town of {HOSTILE} are far apart.",
        outlet=HOSTILE,
        author="A. Writer",
        date=OFFER_DAY,
        url="javascript:alert(3)",
    )
    hostile_place = Place(HOSTILE, 30, 30 + len(HOSTILE), 50.0, 30.0, "nominatim", 0.5)
    formula = Place("=HYPERLINK(\"http://x\")", 0, 3, 48.0, 2.0, "nominatim", 0.5)
    return build_geography(article, [hostile_place, formula], topics)


@pytest.fixture(scope="module")
def outlines():
    return load_basemap()


@pytest.fixture(scope="module")
def voa_page(geo, outlines) -> str:
    return standalone_html(geo, ALL_LAYERS, OFFER_DAY, outlines, assets=FAKE_ASSETS)


class _Links(HTMLParser):
    """Every URL-valued attribute of the page, and which are plain links (``<a href>``)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.other: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        for name, value in attrs:
            if name in ("href", "src", "data", "action", "poster", "srcset") and value:
                (self.links if (tag, name) == ("a", "href") else self.other).append(
                    value if (tag, name) == ("a", "href") else (tag, name, value))


# --- GeoJSON ---------------------------------------------------------------------------------


def test_geojson_is_an_rfc_7946_feature_collection_sites_then_places(geo) -> None:
    collection = sites_geojson(geo)
    json.dumps(collection, allow_nan=False)  # serialisable, no NaN
    assert collection["type"] == "FeatureCollection"
    assert collection["article"]["id"] == "voa-2007-06-07-putin-gabala-offer"
    assert collection["article"]["date"] == "2007-06-07"
    assert "GeoNames (CC BY 4.0)" in collection["attribution"]
    features = collection["features"]
    assert all(f["type"] == "Feature" and set(f) == {"type", "geometry", "properties"} for f in features)
    kinds = [f["properties"]["kind"] for f in features]
    assert kinds == ["site"] * 6 + ["place"] * 3
    assert [f["properties"]["id"] for f in features[:6]] == [s.id for s in geo.sites]
    czech = features[0]
    assert czech["geometry"] == {"type": "Point", "coordinates": [13.74794, 49.63522]}  # [lon, lat]
    props = czech["properties"]
    assert (props["role"], props["proposal"], props["topic"], props["precision_km"]) == ("radar", "us-plan", "missile-defense-2007", 1.0)
    assert props["mentions"] == 1 and props["note"]
    maine = next(f for f in features if f["properties"].get("name") == "Maine")
    assert maine["geometry"]["coordinates"] == [-69.0, 45.25]
    assert (maine["properties"]["start"], maine["properties"]["end"]) == (30, 35)
    assert maine["properties"]["source"] == "gazetteer" and maine["properties"]["confidence"] == 0.8
    assert maine["properties"]["source_url"] == ["https://www.geonames.org/4971068"]
    atlantis = next(f for f in features if f["properties"].get("name") == "Atlantis")
    assert atlantis["geometry"] is None  # RFC 7946: an unlocated feature


def test_geojson_coordinates_are_lon_lat_in_range(geo) -> None:
    for feature in sites_geojson(geo)["features"]:
        if feature["geometry"] is None:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    kennebunkport = next(f for f in sites_geojson(geo)["features"] if f["properties"].get("id") == "kennebunkport")
    assert kennebunkport["geometry"]["coordinates"] == [-70.4594, 43.3433]  # west: longitude first


def test_geojson_carries_each_sites_sources_with_their_urls_and_tiers(geo) -> None:
    features = {f["properties"]["id"]: f["properties"] for f in sites_geojson(geo)["features"] if f["properties"]["kind"] == "site"}
    gabala = features["gabala-radar"]
    assert (gabala["source_url"], gabala["source_tier"]) == (["https://en.wikipedia.org/wiki/Qabala_Radar"], ["T3"])
    iran = features["iran"]
    assert iran["source_url"] == ["https://www.cia.gov/the-world-factbook/countries/iran/", "https://www.geonames.org/130758"]
    assert iran["source_tier"] == ["T1", "T3"]
    czech = features["czech-radar"]
    assert czech["source_tier"] == ["T1"]  # two T1 sources: the tier once, not "T1 ; T1"
    for site in geo.sites:
        assert features[site.id]["source_tier"] == list(dict.fromkeys(s.tier for s in site.sources))
        urls = features[site.id]["source_url"]
        assert urls == list(dict.fromkeys(s.url for s in site.sources if s.url))
        assert all(u.startswith(("https://", "http://")) and u == u.strip() for u in urls)
        assert [(s["label"], s["tier"]) for s in features[site.id]["sources"]] == [(s.label, s.tier) for s in site.sources]


def test_geojson_source_urls_and_tiers_line_up_when_a_source_has_no_url(geo) -> None:
    unverified = Source("ministry", "T1", "Ministry", "A report", "2007", "", "URL not verified")
    reference = Source("wiki", "T3", "Wikipedia (en)", "A page", "", "https://en.wikipedia.org/wiki/X", "")
    site = dataclasses.replace(geo.sites[0], sources=(unverified, reference))
    (feature, *_) = sites_geojson(dataclasses.replace(geo, sites=(site,)))["features"]
    properties = feature["properties"]
    assert properties["source_url"] == [reference.url]  # no empty item for the source without one
    assert properties["source_tier"] == ["T1", "T3"]
    assert properties["sources"] == [{"label": unverified.label, "url": None, "tier": "T1"},
                                     {"label": reference.label, "url": reference.url, "tier": "T3"}]


def test_geojson_carries_statuses_on_the_day(geo) -> None:
    features = json.loads(render_export("geojson", geo, ViewState(), OFFER_DAY))["features"]
    status = {f["properties"]["id"]: f["properties"]["status"] for f in features if f["properties"]["kind"] == "site"}
    assert status == {"czech-radar": "announced", "poland-interceptors": "proposed", "gabala-radar": "operational",
                      "iran": None, "heiligendamm": "held", "kennebunkport": "not-yet"}
    later = json.loads(render_export("geojson", geo, ViewState(), dt.date(2010, 1, 1)))["features"]
    assert {f["properties"].get("id"): f["properties"]["status"] for f in later if f["properties"]["kind"] == "site"}[
        "czech-radar"] == "cancelled"
    undated = json.loads(render_export("geojson", geo, ViewState(), None))["features"]
    assert all(f["properties"].get("status") is None for f in undated)


# --- CSV -------------------------------------------------------------------------------------


def test_csv_header_rows_and_crlf(geo) -> None:
    text = sites_csv(geo, status_map(geo.events, [s.id for s in geo.sites], OFFER_DAY))
    assert text.split("\r\n")[0] == ",".join(CSV_COLUMNS)
    assert {"topic", "source_url", "source_tier", "status", "proposal", "geonameid"} <= set(CSV_COLUMNS)
    assert text.endswith("\r\n") and text.count("\r\n") == len(geo.sites) + 3 + 1  # RFC 4180 line ends
    assert "\n" not in text.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["kind"] for r in rows] == ["site"] * 6 + ["place"] * 3
    czech = rows[0]
    assert (czech["id"], czech["lat"], czech["lon"], czech["status"]) == ("czech-radar", "49.63522", "13.74794", "announced")
    assert (czech["topic"], czech["proposal"], czech["source_tier"]) == ("missile-defense-2007", "us-plan", "T1")
    assert czech["source_url"].startswith("https://vlada.gov.cz/")  # today " ; https://..." (a source without URL)
    for row in rows:  # a clean list: URLs separated by one space, none empty, no " ; "
        urls = row["source_url"].split(" ") if row["source_url"] else []
        assert all(url.startswith(("https://", "http://")) for url in urls) and " ; " not in row["source_tier"]
    atlantis = next(r for r in rows if r["name"] == "Atlantis")
    assert (atlantis["kind"], atlantis["lat"], atlantis["lon"], atlantis["source"], atlantis["topic"]) == ("place", "", "", "none", "")
    maine = next(r for r in rows if r["name"] == "Maine")
    assert (maine["geonameid"], maine["source_url"]) == ("4971068", "https://www.geonames.org/4971068")
    kennebunkport = next(r for r in rows if r["id"] == "kennebunkport")
    assert kennebunkport["lon"] == "-70.4594"  # numbers are not prefixed


def test_csv_defuses_formulas(hostile_geo) -> None:
    rows = list(csv.DictReader(io.StringIO(sites_csv(hostile_geo), newline="")))
    formula = next(r for r in rows if "HYPERLINK" in r["name"])
    assert formula["name"] == "'=HYPERLINK(\"http://x\")"
    for start in ("+1", "-1+2", "@SUM(A1)", "\tx", "\rx"):
        geo = dataclasses.replace(hostile_geo, places=(Place(start, 0, 1, 1.0, 1.0, "gazetteer", 1.0),))
        (row,) = [r for r in csv.DictReader(io.StringIO(sites_csv(geo), newline="")) if r["kind"] == "place"]
        assert row["name"] == "'" + start


# --- dispatch --------------------------------------------------------------------------------


def test_render_export_formats(geo) -> None:
    assert EXPORT_FORMATS == ("html", "geojson", "csv")
    assert render_export("csv", geo, ViewState(), None).startswith("kind,id,name")
    assert render_export("html", geo, ViewState(), None, assets=FAKE_ASSETS).startswith("<!DOCTYPE html>")
    assert render_export("geojson", geo, ViewState(), None).endswith("}\n")
    with pytest.raises(ValueError, match="unknown export format"):
        render_export("kml", geo, ViewState(), None)
    with pytest.raises(ValueError, match="assets"):
        render_export("html", geo, ViewState(), None)


# --- standalone HTML -------------------------------------------------------------------------


def test_html_has_the_map_the_header_and_the_inlined_assets(voa_page: str) -> None:
    assert voa_page.startswith("<!DOCTYPE html>")
    assert "<script>\n/* leaflet */\n</script>" in voa_page and "<style>\n/* css */\n</style>" in voa_page
    assert "<h1>Putin Offers to Join US Missile Defense Plan</h1>" in voa_page
    assert "VOA (Voice of America) · 7 Jun 2007 · Scott Stearns" in voa_page
    assert "GeoNames (CC BY 4.0)" in voa_page and "Natural Earth" in voa_page
    for marker in ("site-czech-radar", "site-gabala-radar", "place-marker", "range-ring", "tehran-line"):
        assert marker in voa_page
    assert "status-announced" in voa_page  # statuses on the day
    assert "Events up to 7 Jun 2007" in voa_page and "Published ranges" in voa_page


def test_html_loads_nothing_from_the_network_and_links_only_in_the_notes(voa_page: str) -> None:
    for pattern in EXTERNAL_LOADS:
        assert not pattern.search(voa_page), pattern.pattern
    parser = _Links()
    parser.feed(voa_page)
    assert parser.other == []  # no src=, no stylesheet link: nothing is loaded
    assert parser.links and all(link.startswith(("https://", "http://")) for link in parser.links)
    # Every other URL of the page is the text of a link, the GeoNames credit, or the SVG namespace.
    outside_links = re.sub(r"<a href=\"[^\"]*\"[^>]*>.*?</a>", "", voa_page)
    assert set(re.findall(r"https?://[^\s\"'<>)\\]+", outside_links)) <= {SVG_NAMESPACE, "https://www.geonames.org/."}
    head, _body = voa_page.split("<body>", 1)
    assert "<a " not in head
    assert "writeView" not in voa_page  # the page URL is not written from an exported file


def test_html_inlines_the_real_leaflet(geo, outlines) -> None:
    from dashboard.services.static_assets import inline_assets

    assets = inline_assets()
    page = standalone_html(geo, ViewState(), OFFER_DAY, outlines, assets=assets)
    parser = _Links()
    parser.feed(page)  # an HTML parser reads script and style content as text, like a browser
    assert parser.other == []
    ours = page
    for _, text in assets.js + assets.css:  # inlined whole, unchanged (branca's Jinja pass included)
        assert text in ours
        ours = ours.replace(text, "")
    for pattern in EXTERNAL_LOADS:  # jQuery's own code mentions "<link"; the rest of the page does not
        assert not pattern.search(ours), pattern.pattern
    scripts = re.findall(r"<script>\n(.*?)\n</script>", page, flags=re.DOTALL)
    assert any(s.startswith("/* @preserve\n * Leaflet 1.9") and len(s) > 50_000 for s in scripts)
    assert any("jQuery" in s and len(s) > 50_000 for s in scripts)
    assert "url(data:image/png;base64," in page


def test_html_without_outlines_uses_tiles_only_as_a_template(geo) -> None:
    page = standalone_html(geo, ViewState(), None, None, assets=FAKE_ASSETS)
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in page  # tiles show when online
    assert "Map tiles: © OpenStreetMap contributors" in page
    for pattern in EXTERNAL_LOADS[:-1]:
        assert not pattern.search(page), pattern.pattern


def test_html_is_drawn_by_the_same_composer_legend_frame_and_notes(geo, voa_page: str) -> None:
    plan = compose_map(geo, ALL_LAYERS, OFFER_DAY)
    (legend,) = calls(voa_page, "legend")
    legend_text = html.unescape(legend[0])
    for entry in plan.legend:
        assert entry.label in legend_text
    assert "Gabala (Qabala) radar station, Daryal type: 656 km" in legend_text
    (frame,), = calls(voa_page, "frame")
    assert frame["bounds"] == [list(plan.frame[0]), list(plan.frame[1])]
    assert frame["keepFirst"] is False  # an export always frames its markers
    for note in plan.notes:
        assert f"<p>{html.escape(note)}</p>" in voa_page


def test_html_applies_the_place_cap(geo) -> None:
    many = tuple(Place(f"Town{i}", i, i + 4, -80 + (i % 70) * 2.3, -178 + (i // 70) * 4.1, "gazetteer", 0.9) for i in range(420))
    page = standalone_html(dataclasses.replace(geo, places=many), ViewState(), None, None, assets=FAKE_ASSETS)
    assert page.count('"classes": "place-marker"') + page.count('"classes": "place-marker selected"') == 400
    assert "20 of 420 places are not drawn (at most 400 markers; the least mentioned are left out)." in page


def test_html_exports_the_view_not_the_links_map_position(geo) -> None:
    page = standalone_html(geo, ViewState(lat=10.0, lon=10.0, zoom=9, categories=("us-plan",)), None, None,
                           assets=FAKE_ASSETS)
    assert "site-czech-radar" in page and "site-gabala-radar" not in page  # the filters apply
    assert calls(page, "frame")[0][0]["keepFirst"] is False  # ... but the frame fits the markers


def test_html_lets_readers_zoom_the_page(voa_page: str) -> None:
    metas = re.findall(r"<meta name=\"viewport\"[^>]*>", voa_page)
    assert metas and any("width=device-width" in m for m in metas)
    assert not any("maximum-scale" in m or "user-scalable=no" in m for m in metas), metas


def test_html_lists_the_sources_with_their_tier(geo, voa_page: str) -> None:
    notes = voa_page[voa_page.index('<section class="export-notes"'):]
    gabala = geo.site("gabala-radar")
    (source,) = gabala.sources
    assert (f'<a href="{source.url}" rel="noopener noreferrer">{html.escape(source.label)}</a> [T3]') in notes
    assert "[T1]" in notes and "[T2]" in notes  # the ranges' sources too
    czech_unlinked = geo.site("czech-radar").sources[0]
    assert not czech_unlinked.url and f"{html.escape(czech_unlinked.label)} [T1]" in notes  # named, not linked
    assert "<h2>Reference points</h2>" in notes and "https://www.geonames.org/112931" in notes


def test_an_epaa_article_exports_epaa_sites_and_no_2007_site(epaa) -> None:
    assert [s.id for s in epaa.sites] == ["deveselu-aegis-ashore"]
    page = standalone_html(epaa, ALL_LAYERS, epaa.article.date, None, assets=FAKE_ASSETS)
    assert "site-deveselu-aegis-ashore" in page
    assert not any(f"site-{site_id}" in page for site_id in SITES_2007 | {"armavir-radar"})
    assert "European Phased Adaptive Approach" in page
    ids = {f["properties"].get("id") for f in sites_geojson(epaa)["features"]}
    assert ids == {"deveselu-aegis-ashore"}


def test_the_voa_article_exports_its_six_2007_sites_and_no_epaa_site(geo, topics, voa_page: str) -> None:
    assert {f"site-{s}" for s in SITES_2007} <= set(re.findall(r"site-[a-z0-9-]+", voa_page))
    epaa_ids = {s.id for s in topics.topic("epaa").sites}
    assert not any(f"site-{site_id}" in voa_page for site_id in epaa_ids)
    assert {r["id"] for r in csv.DictReader(io.StringIO(sites_csv(geo))) if r["kind"] == "site"} == SITES_2007


def test_html_escapes_untrusted_strings(hostile_geo, outlines) -> None:
    page = standalone_html(hostile_geo, ALL_LAYERS, OFFER_DAY, outlines, assets=FAKE_ASSETS)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert 'href="javascript:' not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &#36;&#123;alert(1)&#125; &#96;tick&#96; &#92;1"
    assert f"<h1>{escaped}" in page  # the header
    assert f"<title>{escaped}" in page
    assert f'<p class="export-article-meta">{escaped}' in page
    assert "Article: javascript:alert(3)" in page  # shown as text, not a link


def test_inlined_script_cannot_close_its_tag(geo) -> None:
    assets = InlineAssets(js=(("leaflet", 'var s = "</script><b>bold</b>";'),), css=(("c", "a{} </style><i>"),))
    page = standalone_html(geo, ViewState(), None, None, assets=assets)
    assert 'var s = "<\\/script><b>bold</b>";' in page
    assert "a{} <\\/style><i>" in page


def test_inline_assets_are_the_xstatic_files() -> None:
    from dashboard.services.static_assets import embed_css_images, inline_assets

    assets = inline_assets()
    assert [name for name, _ in assets.js] == ["leaflet", "jquery", "dashboard_map"]
    assert all(len(text) > 50_000 for _, text in assets.js[:2])
    assert assets.js[2][1].startswith("/* The dashboard's own map behaviour")
    (_, css), = assets.css
    assert ".leaflet-container" in css and "url(images/" not in css
    assert "url(data:image/png;base64," in css
    assert embed_css_images("a{background:url(images/x.png)}", {}) == "a{background:url(images/x.png)}"


# --- what the map shows: rings, lines, places an editor removed --------------------------------


def _overlay_paths(geo, view, day, layer):
    """The line and area shapes the composed map draws in ``layer``'s groups."""
    return [path for group in compose_map(geo, view, day).groups if group.layer == layer
            for path in group.paths if path.kind in ("line", "area")]


def test_geojson_carries_the_rings_and_lines_the_map_shows(geo) -> None:
    features = json.loads(render_export("geojson", geo, ALL_LAYERS, OFFER_DAY))["features"]
    rings = [f for f in features if f["properties"]["kind"] == "ring"]
    lines = [f for f in features if f["properties"]["kind"] == "line"]
    drawn_rings = _overlay_paths(geo, ALL_LAYERS, OFFER_DAY, "rings")
    drawn_lines = _overlay_paths(geo, ALL_LAYERS, OFFER_DAY, "lines")
    assert drawn_rings and drawn_lines  # the VOA story shows both
    assert [f["geometry"] for f in rings] == [p.feature()["geometry"] for p in drawn_rings]
    assert [f["geometry"] for f in lines] == [p.feature()["geometry"] for p in drawn_lines]
    assert {f["geometry"]["type"] for f in rings + lines} <= {"LineString", "Polygon"}
    assert {f["properties"]["site"] for f in rings} <= {s.id for s in geo.sites}
    gabala = next(f for f in rings if f["properties"]["site"] == "gabala-radar")
    assert "km" in gabala["properties"]["text"] and "&" not in gabala["properties"]["text"]  # plain text
    assert all(" km" in f["properties"]["text"] and "Tehran" in f["properties"]["text"] for f in lines)


def test_geojson_leaves_out_the_rings_and_lines_the_view_does_not_show(geo) -> None:
    for layers in (("places",), ("places", "rings")):
        features = json.loads(render_export("geojson", geo, ViewState(layers=layers), OFFER_DAY))["features"]
        kinds = {f["properties"]["kind"] for f in features}
        assert "line" not in kinds and ("ring" in kinds) == ("rings" in layers)
    only_iran = ALL_LAYERS.with_changes(categories=("threat",))
    features = json.loads(render_export("geojson", geo, only_iran, OFFER_DAY))["features"]
    assert {f["properties"]["site"] for f in features if f["properties"]["kind"] == "ring"} <= {"iran"}


def test_every_export_leaves_out_the_places_an_editor_removed(geo, outlines) -> None:
    removed = ALL_LAYERS.hiding("place-4971068")  # Maine
    collection = json.loads(render_export("geojson", geo, removed, OFFER_DAY))
    names = [f["properties"].get("name") for f in collection["features"] if f["properties"]["kind"] == "place"]
    assert names == ["Poland", "Atlantis"] and collection["hidden"] == ["place-4971068"]
    rows = list(csv.DictReader(io.StringIO(render_export("csv", geo, removed, OFFER_DAY), newline="")))
    assert [r["name"] for r in rows if r["kind"] == "place"] == ["Poland", "Atlantis"]
    kept = list(csv.DictReader(io.StringIO(render_export("csv", geo, ALL_LAYERS, OFFER_DAY), newline="")))
    assert [r["name"] for r in kept if r["kind"] == "place"] == ["Poland", "Maine", "Atlantis"]
    page = standalone_html(geo, removed, OFFER_DAY, outlines, assets=FAKE_ASSETS)
    assert "Maine: named" not in page and "Poland: named" in page
    assert "Removed from the map by the editor: Maine." in page
