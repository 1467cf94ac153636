"""The map as the browser receives it: the base map (dashboard.core.render.base) with the groups
the composer plans (dashboard.core.render.compose, markers.py). Local assets only, the CSS, the
DOM classes of the contract, escaped labels and tooltips, a legend of what is drawn, the frame,
what a click selects, and the tile fallback."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from html.parser import HTMLParser

import pytest

from dashboard.core.escape import for_html, for_js_string
from dashboard.core.geography import ArticleGeography, build_geography
from dashboard.core.geoparse.article import load_article
from dashboard.core.geoparse.places import Place
from dashboard.core.render.base import LOCAL_ASSETS, MAP_CSS, build_base_map
from dashboard.core.render.basemap import SERVED_BASEMAP_URL, load_basemap
from dashboard.core.render.compose import MapPlan, compose_map, draw_groups, frame_key
from dashboard.core.render.focus import MAX_FRAME_ZOOM, bounds_of
from dashboard.core.render.legend import InsetMap
from dashboard.core.render.markers import SELECTED_SIZE, SITE_SIZE
from dashboard.core.view.state import ViewState
from dashboard.services.articles import bundled_articles_dir, catalogue
from dashboard.services.static_assets import MAP_SCRIPT
from tests.mapscript import calls

VOA = bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md"
EPAA = bundled_articles_dir() / "usace-2016-01-07-romania-missile-defense-complex.md"
OFFER_DAY = dt.date(2007, 6, 7)
LATER = dt.date(2010, 1, 1)
ALL_LAYERS = ("places", "rings", "lines")
EVIL_NAME = "Evil ${alert(1)} `x` <img src=x onerror=alert(1)> \\1 {{ 7*7 }}"
CDN_HOSTS = ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "netdna.bootstrapcdn.com", "unpkg.com")
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def place(name: str, start: int, lat: float, lon: float, place_name: str = "", geonameid: int | None = None) -> Place:
    return Place(name, start, start + len(name), lat, lon, "gazetteer", 0.9, 100.0, "city", "RU", geonameid, place_name)


MOSCOW = tuple(place("Moscow", i * 10, 55.7558, 37.6173, "Moscow", 524901) for i in range(3))
SOUTH = place("Santiago", 100, -33.45, -70.66, "Santiago", 3871336)


@pytest.fixture(scope="module")
def topics():
    return catalogue()


@pytest.fixture(scope="module")
def voa(topics) -> ArticleGeography:
    return build_geography(load_article(VOA), [*MOSCOW, SOUTH], topics)


def page_of(geo: ArticleGeography, view: ViewState, day: dt.date | None, outlines=SERVED_BASEMAP_URL) -> str:
    fmap = build_base_map(view, outlines)
    for group in draw_groups(compose_map(geo, view, day), keep_first_frame=view.has_map_view):  # as the app does
        group.add_to(fmap)
    return fmap.get_root().render()


@pytest.fixture(scope="module")
def seed_page(voa) -> str:
    return page_of(voa, ViewState(site="gabala-radar", layers=ALL_LAYERS), OFFER_DAY)


def collections(page: str) -> list[dict]:
    """Every FeatureCollection the page hands to ``dashboardMap.markers`` / ``paths``, decoded."""
    found = []
    for match in re.finditer(r"dashboardMap\.(?:markers|paths)\(\w+, ", page):
        if page[match.end()] == "{":
            found.append(json.JSONDecoder().raw_decode(page[match.end():])[0])
    return found


def markers(page: str) -> list[dict]:
    """The properties of every marker drawn by a MarkerLayer."""
    return [f["properties"] for c in collections(page) for f in c["features"] if "classes" in f["properties"]]


def legend_html(page: str) -> str:
    """The legend's HTML as the page hands it to ``dashboardMap.legend``."""
    found = calls(page, "legend")
    return found[0][0] if found else ""


def legend_rows(page: str) -> list[tuple[str, str, str]]:
    """(section, kind, label) of each legend row, labels as the reader reads them."""
    legend = legend_html(page)
    rows = []
    for section, body in re.findall(r'<div class="legend-title">(.*?)</div><ul class="legend-list">(.*?)</ul>', legend):
        for kind, label in re.findall(r'<li class="legend-row legend-([a-z-]+)"><span class="legend-symbol">.*?'
                                      r'</span><span>(.*?)</span></li>', body):
            rows.append((html.unescape(section), kind, html.unescape(label)))
    return rows


def legend_of(plan: MapPlan) -> list[tuple[str, str, str]]:
    return [(e.section, e.kind, e.label) for e in plan.legend]


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        for name in ("src", "href"):
            if attributes.get(name):
                self.urls.append((tag, attributes[name]))


# --- assets and CSS ---------------------------------------------------------------------------


def test_every_script_and_stylesheet_is_served_locally(seed_page: str) -> None:
    parser = _Assets()
    parser.feed(seed_page)
    assert {url for _, url in parser.urls} == {url for _, url in LOCAL_ASSETS.js + LOCAL_ASSETS.css}
    assert all(url.startswith("/app/static/") for _, url in parser.urls)
    for cdn in CDN_HOSTS:
        assert cdn not in seed_page
    # No other URL anywhere in the page: the OpenStreetMap tile template and its copyright link
    # (the OSM basemap), and the SVG namespace of the markers' icons.
    urls = set(re.findall(r"https?://[^\s\"'<>)\\]+", seed_page))
    assert urls == {"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://www.openstreetmap.org/copyright", SVG_NAMESPACE}


def test_the_offline_basemap_page_names_no_remote_url(voa) -> None:
    page = page_of(voa, ViewState(basemap="offline", layers=ALL_LAYERS), OFFER_DAY)
    assert set(re.findall(r"https?://[^\s\"'<>)\\]+", page)) == {SVG_NAMESPACE}
    assert json.dumps(SERVED_BASEMAP_URL) in page  # the outlines the browser fetches from this server


def test_the_map_css_is_in_the_head(seed_page: str) -> None:
    head = seed_page[: seed_page.index("</head>")]
    assert MAP_CSS in head
    for rule in (".site-marker, .place-marker", ".status-look-planned svg", ".status-look-ended svg",
                 ".status-look-future svg", "path.range-band-fill { pointer-events: none", ".place-cluster",
                 ".map-legend", ".distance-label"):
        assert rule in MAP_CSS, rule


# --- markers ----------------------------------------------------------------------------------


def test_each_site_marker_carries_its_class_and_only_the_selected_one_is_selected(voa, seed_page: str) -> None:
    drawn = markers(seed_page)
    assert len(voa.sites) == 6
    for site in voa.sites:
        own = [m for m in drawn if f"site-{site.id}" in m["classes"].split()]
        assert len(own) == 1, site.id
        (marker,) = own
        classes = marker["classes"].split()
        assert {"site-marker", f"role-{site.role}"} <= set(classes)
        assert ("selected" in classes) == (site.id == "gabala-radar")
        assert marker["size"] == (SELECTED_SIZE if site.id == "gabala-radar" else SITE_SIZE)
        assert marker["key"] == site.id
    assert sum("selected" in m["classes"].split() for m in drawn) == 1


def test_site_markers_take_the_look_of_their_status_on_the_day(voa) -> None:
    def by_site(day: dt.date | None) -> dict[str, dict]:
        return {m["key"]: m for m in markers(page_of(voa, ViewState(), day))}

    on_offer, later, undated = by_site(OFFER_DAY), by_site(LATER), by_site(None)
    assert on_offer["czech-radar"]["classes"] == "site-marker site-czech-radar role-radar status-announced status-look-planned"
    assert on_offer["gabala-radar"]["classes"].endswith("status-operational status-look-active")
    assert on_offer["kennebunkport"]["classes"].endswith("status-not-yet status-look-future")
    assert later["czech-radar"]["classes"].endswith("status-cancelled status-look-ended")
    assert "status-cross" in later["czech-radar"]["html"] and "status-cross" not in on_offer["czech-radar"]["html"]
    assert "status: cancelled" in later["czech-radar"]["label"] and "status: cancelled" in later["czech-radar"]["tooltip"]
    assert on_offer["iran"]["classes"] == "site-marker site-iran role-threat"  # no events: the usual look
    assert not any("status-" in m["classes"] for m in undated.values())


def test_place_markers_carry_place_marker_and_what_the_article_says(seed_page: str) -> None:
    places = [m for m in markers(seed_page) if "place-marker" in m["classes"].split()]
    assert sorted(m["key"] for m in places) == ["place-3871336", "place-524901"]
    moscow = next(m for m in places if m["key"] == "place-524901")
    assert moscow["label"].startswith("Moscow: named 3 times in the article")
    assert not any("site-" in m["classes"] for m in places)


def test_site_labels_name_the_role_and_the_category(seed_page: str) -> None:
    gabala = next(m for m in markers(seed_page) if m["key"] == "gabala-radar")
    assert gabala["label"] == "Gabala (Qabala) radar station, Daryal type (Radar, Russian proposal; status: operational)"
    assert html.unescape(gabala["tooltip"]) == gabala["label"]


@pytest.fixture(scope="module")
def evil_page(voa) -> str:
    evil_site = dataclasses.replace(voa.sites[0], name=EVIL_NAME)
    evil_place = place(EVIL_NAME, 0, 10.0, 10.0)
    geo = dataclasses.replace(voa, sites=(evil_site,), places=(evil_place,))
    return page_of(geo, ViewState(site=evil_site.id, layers=ALL_LAYERS), OFFER_DAY)


def test_hostile_names_reach_tooltips_as_html_entities_and_labels_as_plain_strings(evil_page: str) -> None:
    drawn = markers(evil_page)
    assert len(drawn) == 2  # the site and the article place
    for marker in drawn:
        tooltip, label = marker["tooltip"], marker["label"]
        assert tooltip == for_html(html.unescape(tooltip))  # for_html, exactly once
        assert not set(tooltip) & set("<>`$\\{}")
        assert "&#36;&#123;alert(1)&#125;" in tooltip and "&lt;img src=x onerror=alert(1)&gt;" in tooltip
        assert "&#96;x&#96;" in tooltip and "&#92;1" in tooltip
        # The label is a JS string (title, aria-label): the text as typed, Jinja openers split.
        assert label == for_js_string(html.unescape(tooltip))
        assert "{{" not in label and "{\u200b{ 7*7 }}" in label and "<img src=x onerror=alert(1)>" in label
    # Which property goes where: the tooltip (HTML) is the escaped one, the label only reaches
    # DOM properties and attributes.
    script = MAP_SCRIPT.read_text(encoding="utf-8")
    assert "bindTooltip(p.tooltip" in script and "title: p.label" in script
    assert 'setAttribute("aria-label", p.label)' in script
    assert "label.innerHTML = p.name" in script  # the visible label: escaped like the tooltip
    assert all(m["name"] == for_html(html.unescape(m["name"])) for m in drawn)
    assert "<img" not in evil_page and "{{ 7*7 }}" not in evil_page
    assert "49" not in "".join(m["label"] + m["tooltip"] for m in drawn)  # never evaluated


def test_hostile_names_reach_the_legend_as_html_entities(evil_page: str) -> None:
    legend = legend_html(evil_page)
    assert f"<span>{for_html(EVIL_NAME)}: 3,407 km</span>" in legend  # the distance line of the site
    assert "<img" not in legend and "${" not in legend and "{{" not in legend
    assert ("Distances to Tehran (great circle)", "line", f"{EVIL_NAME}: 3,407 km") in legend_rows(evil_page)


# --- the legend -------------------------------------------------------------------------------


def test_the_legend_lists_what_is_drawn(voa, seed_page: str) -> None:
    rows = legend_rows(seed_page)
    assert rows == legend_of(compose_map(voa, ViewState(site="gabala-radar", layers=ALL_LAYERS), OFFER_DAY))
    assert rows == [
        ("Sites", "role", "Radar"),
        ("Sites", "role", "Interceptors"),
        ("Sites", "role", "Threat"),
        ("Sites", "role", "Summit"),
        ("Sites", "place", "Other place named in the article"),
        ("Status on 7 Jun 2007", "status", "agreed, operational or under way on this date"),
        ("Status on 7 Jun 2007", "status", "proposed, offered or in talks (planned)"),
        ("Status on 7 Jun 2007", "status", "not yet in the record on this date"),
        ("Ranges", "ring", "Published range (a band where sources differ; approximate)"),
        ("Ranges", "no-figure", "No public figure: no ring is drawn"),
        ("Distances to Tehran (great circle)", "line", "Proposed X-band radar, Brdy (hill 718): 3,407 km"),
        ("Distances to Tehran (great circle)", "line", "Gabala (Qabala) radar station, Daryal type: 656 km"),
    ]


def test_the_legend_follows_the_filters_the_layers_and_the_day(voa) -> None:
    def kinds(view: ViewState, day: dt.date | None = OFFER_DAY) -> list[tuple[str, str, str]]:
        return legend_rows(page_of(voa, view, day))

    radars = kinds(ViewState(roles=("radar",), layers=()), None)
    assert radars == [("Sites", "role", "Radar")]  # no places, no statuses without a day, no layers
    later = {label for _, kind, label in kinds(ViewState(layers=()), LATER) if kind == "status"}
    assert "closed, cancelled or dismantled" in later and "not yet in the record on this date" not in later
    # Rings: a ring entry only where a figure is drawn, a "no public figure" entry only where one is not.
    russian = kinds(ViewState(categories=("russian-proposal",), layers=("rings",)))
    assert [k for _, k, _ in russian if k in ("ring", "no-figure")] == ["ring"]
    us_plan = kinds(ViewState(categories=("us-plan",), layers=("rings", "lines")))
    assert [k for _, k, _ in us_plan if k in ("ring", "no-figure")] == ["no-figure"]
    assert [label for _, k, label in us_plan if k == "line"] == ["Proposed X-band radar, Brdy (hill 718): 3,407 km"]


def test_the_legend_names_clusters_when_places_are_grouped(voa) -> None:
    pairs = tuple(place(f"Town{i}", i, -50 + (i % 40), -170 + (i // 40) * 20) for i in range(200))
    geo = dataclasses.replace(voa, places=(*pairs, SOUTH))  # 100 cells of two places, one lone place
    rows = legend_rows(page_of(geo, ViewState(roles=("place",)), None))
    assert rows == [("Sites", "place", "Other place named in the article"),
                    ("Sites", "cluster", "Several nearby places (the number says how many)")]


# --- the frame --------------------------------------------------------------------------------


def bounds_of(points) -> tuple[tuple[float, float], tuple[float, float]]:
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return (min(lats), min(lons)), (max(lats), max(lons))


def test_the_frame_is_the_storys_focus_and_the_overview_holds_the_rest(voa, seed_page: str) -> None:
    plan = compose_map(voa, ViewState(layers=ALL_LAYERS), OFFER_DAY)
    drawn = [(m.lat, m.lon) for g in plan.groups for m in g.markers]
    assert len(drawn) == 8  # six sites, Moscow, Santiago
    # the European sites, Gabala, Iran and Moscow (named three times): not Kennebunkport or Santiago
    assert plan.frame == ((32.0, 11.84389), (55.7558, 53.0))
    assert plan.overview == bounds_of(drawn)
    (frame,), = calls(seed_page, "frame")
    assert frame["bounds"] == [list(plan.frame[0]), list(plan.frame[1])] and frame["maxZoom"] == MAX_FRAME_ZOOM
    (overview, options), = calls(seed_page, "inset")
    assert overview == [list(plan.overview[0]), list(plan.overview[1])]
    assert (options["width"], options["height"], options["zoomSnap"]) == (InsetMap.WIDTH_PX, InsetMap.HEIGHT_PX, 0.25)
    us_plan = compose_map(voa, ViewState(categories=("us-plan",), layers=()), OFFER_DAY)
    sites = [s for s in voa.sites if s.category == "us-plan"]
    assert us_plan.frame == bounds_of([(s.lat, s.lon) for s in sites]) and us_plan.overview is None
    assert "dashboardMap.inset(" not in page_of(voa, ViewState(categories=("us-plan",), layers=()), OFFER_DAY)


def test_a_link_with_its_own_view_keeps_it_on_first_paint(voa) -> None:
    """The app keeps the view a link opens on (lat, lon and zoom all given: ui/mappanel.py passes
    ``has_map_view`` of the session's first view); otherwise the map fits the frame."""
    assert ViewState(lat=40.5, lon=47.25, zoom=7).has_map_view is True
    for partial in (ViewState(lat=40.5, lon=47.25), ViewState(zoom=7), ViewState()):
        assert partial.has_map_view is False
    fixed = ViewState(lat=40.5, lon=47.25, zoom=7)
    assert calls(page_of(voa, fixed, OFFER_DAY), "frame")[0][0]["keepFirst"] is True
    assert calls(page_of(voa, ViewState(lat=40.5, lon=47.25), OFFER_DAY), "frame")[0][0]["keepFirst"] is False
    plan, unfixed = compose_map(voa, fixed, OFFER_DAY), compose_map(voa, ViewState(), OFFER_DAY)
    assert (plan.frame, plan.frame_key) == (unfixed.frame, unfixed.frame_key)  # one plan for every reader


def test_the_frame_key_changes_with_article_filters_and_layers_not_with_selection_or_date(voa, topics) -> None:
    base = ViewState(article=voa.article.id)
    key = compose_map(voa, base, OFFER_DAY).frame_key
    assert key == frame_key(voa, base)
    for same in (base.with_changes(site="gabala-radar"), base.with_changes(date=LATER), base.with_changes(zoom=5)):
        assert frame_key(voa, same) == key
    assert compose_map(voa, base, LATER).frame_key == key
    assert compose_map(voa, base.with_changes(site="czech-radar"), LATER).frame_key == key
    changed = [base.with_changes(categories=("us-plan",)), base.with_changes(roles=("radar",)),
               base.with_changes(layers=("places", "rings"))]
    keys = {frame_key(voa, view) for view in changed}
    assert key not in keys and len(keys) == 3
    epaa = build_geography(load_article(EPAA), [], topics)
    assert frame_key(epaa, base) != key


# --- what a click selects ---------------------------------------------------------------------


def test_a_click_at_a_marker_selects_its_key(voa) -> None:
    plan = compose_map(voa, ViewState(layers=ALL_LAYERS), OFFER_DAY)
    drawn = [m for g in plan.groups for m in g.markers]
    assert {m.key for m in drawn} == {s.id for s in voa.sites} | {"place-524901", "place-3871336"}
    for marker in drawn:
        assert plan.key_at(marker.lat, marker.lon) == marker.key
        assert plan.key_at(marker.lat + 2e-6, marker.lon - 2e-6) == marker.key  # JS float noise
    assert plan.key_at(0.0, 0.0) is None
    gabala = voa.site("gabala-radar")
    assert plan.key_at(gabala.lat + 0.01, gabala.lon) is None  # near is not at


def test_a_cluster_selects_nothing(voa) -> None:
    many = tuple(place(f"Town{i}", i, 10.0 + i * 0.001, 10.0) for i in range(160))
    plan = compose_map(dataclasses.replace(voa, places=many), ViewState(roles=("place",)), None)
    (cluster,) = [m for g in plan.groups for m in g.markers]
    assert "place-cluster" in cluster.classes and plan.key_at(cluster.lat, cluster.lon) is None


# --- base map: basemap, tile fallback, attribution, view, controls ----------------------------


def test_tile_fallback_only_for_osm_with_a_served_outlines_url() -> None:
    def has_fallback(view: ViewState, outlines) -> bool:
        return "dashboardMap.tileFallback(" in build_base_map(view, outlines).get_root().render()

    osm_served = build_base_map(ViewState(), SERVED_BASEMAP_URL).get_root().render()
    assert re.search(r"dashboardMap\.tileFallback\(map_\w+, tile_layer_\w+, " + re.escape(json.dumps(SERVED_BASEMAP_URL)), osm_served)
    assert 'tiles.on("tileerror"' in MAP_SCRIPT.read_text(encoding="utf-8")
    assert not has_fallback(ViewState(), None)
    assert not has_fallback(ViewState(), load_basemap())  # outlines written into the page (export)
    assert not has_fallback(ViewState(basemap="offline"), SERVED_BASEMAP_URL)
    offline = build_base_map(ViewState(basemap="offline"), SERVED_BASEMAP_URL).get_root().render()
    assert "tile.openstreetmap.org" not in offline


def test_osm_basemap_carries_its_attribution(seed_page: str) -> None:
    attributions = [json.loads(raw) for raw in re.findall(r'"attribution": ("(?:[^"\\]|\\.)*")', seed_page)]
    assert any("OpenStreetMap" in a and "contributors" in a and "openstreetmap.org/copyright" in a for a in attributions)
    assert "tile.openstreetmap.org" in seed_page


def test_view_centre_and_zoom_reach_the_map() -> None:
    page = build_base_map(ViewState(lat=40.5, lon=47.25, zoom=7), None).get_root().render()
    assert re.search(r"center: \[40\.5, 47\.25\]", page)
    assert re.search(r"\"zoom\": 7,", page)


def test_measure_control_is_local_code() -> None:
    with_measure = build_base_map(ViewState(basemap="offline"), None).get_root().render()
    without = build_base_map(ViewState(), None, measure=False).get_root().render()
    assert "dashboardMap.measure(" in with_measure and "dashboardMap.measure(" not in without
    assert 'L.DomUtil.create("button", "map-measure-button"' in MAP_SCRIPT.read_text(encoding="utf-8")
    assert "leaflet-measure" not in with_measure and "cdn.jsdelivr" not in with_measure


def test_only_markers_carry_the_marker_classes() -> None:
    """The contract classes (``site-<id>``, ``place-marker``) mark map markers only: a legend
    symbol that carried them would be counted, clicked and tested as a marker."""
    from dashboard.core.render.compose import _legend_roles
    from dashboard.core.render.legend import legend_html
    from dashboard.core.topics.catalogue import PLACE_ROLE

    entries = _legend_roles([], {"place": PLACE_ROLE}, places=True, clusters=True, uncertain=True, curated=False)
    html = legend_html(entries)
    assert "legend-uncertain" in html and "place-cluster" in html
    assert "place-marker" not in html and "site-marker" not in html
