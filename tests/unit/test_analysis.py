"""The analysis overlays and the figures behind them: distances to a topic's reference point
(dashboard.core.topics.distances), range rings, bands and lines as shapes to draw
(dashboard.core.render.overlays) and each site's status on a date (dashboard.core.topics.timeline).

Every figure comes from the topic folders in ``data/topics/``; the shapes are checked both as
:class:`PathSpec` values and as the GeoJSON the browser receives.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import itertools
import json
import math

import folium
import pytest

from dashboard.core.escape import for_html
from dashboard.core.geometry import distance_km
from dashboard.core.render.markers import LOOK_LABELS, STATUS_LOOKS
from dashboard.core.render.overlays import line_paths, range_paths
from dashboard.core.render.paths import PathLayer, PathSpec
from dashboard.core.topics.distances import distance_rows
from dashboard.core.topics.model import STATUSES, Event, RangeFact, Site, Source
from dashboard.core.topics.ranges import range_label
from dashboard.core.topics.timeline import (
    NOT_YET,
    PAST,
    standing_status,
    status_map,
    status_text,
)
from dashboard.services.articles import catalogue
from dashboard.services.static_assets import MAP_SCRIPT
from tests.mapscript import calls

OFFER_DAY = dt.date(2007, 6, 7)
AFTER_SUMMIT = dt.date(2007, 6, 9)
AFTER_CANCELLATION = dt.date(2010, 1, 1)
HOSTILE = "<script>alert(1)</script> ${alert(1)} `tick` \\1 {{ 7*7 }}"
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &#36;&#123;alert(1)&#125; &#96;tick&#96; &#92;1 &#123;&#123; 7*7 &#125;&#125;"
SOURCE = Source("s", "T1", "Publisher", "Title", "2007", "https://example.org/", "")


@pytest.fixture(scope="module")
def topic():
    loaded = catalogue().topic("missile-defense-2007")
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def sites(topic):
    return {site.id: site for site in topic.sites}


@pytest.fixture(scope="module")
def tehran(topic):
    point = topic.reference_point("tehran")
    assert point is not None
    return point


def colour(site: Site) -> str:
    return "#123456"


def classes(paths: list[PathSpec]) -> list[str]:
    return [str(p.style.get("className", "")) for p in paths]


def unwrap_lon(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance on a sphere of the mean Earth radius (an independent formula)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def rendered(paths: list[PathSpec]) -> str:
    fmap = folium.Map(tiles=None)
    group = folium.FeatureGroup(name="g")
    PathLayer(paths).add_to(group)
    group.add_to(fmap)
    return fmap.get_root().render()


def collection_in(page: str) -> dict:
    """The FeatureCollection a PathLayer writes into the page (``dashboardMap.paths(group, {...})``)."""
    return calls(page, "paths")[0][0]


# --- the reference point and distances -------------------------------------------------------


def test_tehran_is_geonames_112931(tehran) -> None:
    assert (tehran.lat, tehran.lon, tehran.country) == (35.69439, 51.42151, "Iran")
    assert [s.url for s in tehran.sources] == ["https://www.geonames.org/112931"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        tehran.lat = 0.0  # type: ignore[misc]


def test_gabala_to_tehran_is_about_656_km(sites, tehran) -> None:
    (row,) = distance_rows([sites["gabala-radar"]], tehran)
    assert (row.kind, row.from_id, row.to_id, row.to_name) == ("to-reference", "gabala-radar", "tehran", "Tehran")
    assert row.km == pytest.approx(656, abs=2)  # FACTS.md: about 656 km
    assert 140 < row.bearing_deg < 160  # south-south-east


def test_every_distance_agrees_with_an_independent_haversine() -> None:
    """The WGS-84 geodesic and a spherical great circle differ by well under 0.5 %."""
    checked = 0
    for topic in catalogue().topics:
        for reference in topic.reference_points:  # Tehran for the 2007 and EPAA stories, Pyongyang for three others
            points = {s.id: (s.lat, s.lon) for s in topic.sites} | {reference.id: reference.point}
            for row in distance_rows(topic.sites, reference):
                expected = haversine_km(points[row.from_id], points[row.to_id])
                assert row.km == pytest.approx(expected, rel=0.005), (row.from_id, row.to_id)
                checked += 1
    assert checked >= 40  # every story with a reference point, every leg


def test_distance_table_rows(sites, tehran) -> None:
    chosen = [sites[i] for i in ("czech-radar", "poland-interceptors", "gabala-radar", "iran")]
    rows = distance_rows(chosen, tehran)
    to_tehran = [r for r in rows if r.kind == "to-reference"]
    pairs = [r for r in rows if r.kind == "between-sites"]
    # Iran's country point is left out of the distances to its own capital.
    assert [r.from_id for r in to_tehran] == ["czech-radar", "poland-interceptors", "gabala-radar"]
    assert len(pairs) == 6 and rows == to_tehran + pairs
    by_pair = {(r.from_id, r.to_id): r for r in pairs}
    assert by_pair[("czech-radar", "poland-interceptors")].km == pytest.approx(586, abs=3)
    assert by_pair[("czech-radar", "gabala-radar")].km == pytest.approx(2816, rel=0.01)
    czech = next(r for r in to_tehran if r.from_id == "czech-radar")
    assert czech.km == pytest.approx(3407, abs=3)
    # Gabala is about 2,750 km closer to Tehran than the Czech site.
    assert czech.km - to_tehran[2].km == pytest.approx(2750, abs=30)


def test_distance_rows_refuse_duplicate_ids_and_a_site_named_like_the_reference(sites, tehran) -> None:
    with pytest.raises(ValueError):
        distance_rows([sites["gabala-radar"], sites["gabala-radar"]], tehran)
    with pytest.raises(ValueError):
        distance_rows([dataclasses.replace(sites["gabala-radar"], id="tehran")], tehran)


# --- range rings and bands -------------------------------------------------------------------


def test_range_labels(topic) -> None:
    labels = {(r.site_id, r.what): range_label(r) for r in topic.ranges}
    assert labels[("gabala-radar", "radar detection")] == "6,000 km"
    assert labels[("iran", "missile reach")] == "1,300–2,000 km"
    assert labels[("czech-radar", "radar detection")] == "no public figure"
    assert labels[("armavir-radar", "radar detection")] == "no public figure"


def test_rings_only_for_ranges_with_a_figure(topic, sites) -> None:
    paths = range_paths(list(sites.values()), topic.ranges, colour)
    names = classes(paths)
    rings = [n for n in names if n.startswith("range-ring")]
    # Gabala: one ring; Iran: a band, outlined by two rings. Nothing else has a figure.
    assert sorted(rings) == [
        "range-ring range-site-gabala-radar",
        "range-ring range-site-iran range-band-edge",
        "range-ring range-site-iran range-band-edge",
    ]
    assert [n for n in names if n.startswith("range-band-fill")] == ["range-band-fill range-site-iran"]
    # Without a figure: only a small "no public figure" circle at the site, never a ring.
    no_figure = [p for p in paths if "range-no-figure" in str(p.style.get("className"))]
    assert sorted(classes(no_figure)) == [
        "range-no-figure range-site-armavir-radar",
        "range-no-figure range-site-czech-radar",
        "range-no-figure range-site-poland-interceptors",
        "range-no-figure range-site-poland-interceptors",
    ]
    for path in no_figure:
        site = sites[str(path.style["className"]).rsplit("range-site-", 1)[1]]
        assert path.kind == "circle" and path.points == ((site.lat, site.lon),)
        assert "no public figure (no ring drawn)" in path.tooltip
    texts = [p.tooltip for p in paths]
    assert any("1,300–2,000 km (approximate, public sources)" in t for t in texts)
    assert any("radar detection: 6,000 km (approximate, public sources)" in t for t in texts)


def test_no_public_figure_draws_a_small_circle_in_pixels_never_a_ring(sites) -> None:
    czech = sites["czech-radar"]
    facts = [RangeFact("czech-radar", "radar detection", None, None, (SOURCE,)),
             RangeFact("czech-radar", "other estimate", None, None, (SOURCE,))]
    paths = range_paths([czech], facts, colour)
    assert [p.kind for p in paths] == ["circle", "circle"]
    radii = [p.style["radius"] for p in paths]
    # Leaflet's circleMarker radius is in pixels: a small mark, not a distance; two such
    # ranges at one site get two distinguishable circles.
    assert all(isinstance(r, int) and 5 <= r <= 40 for r in radii) and radii[0] != radii[1]
    assert all(p.style["fill"] is False and p.style["dashArray"] for p in paths)
    collection = collection_in(rendered(paths))
    assert [f["geometry"]["type"] for f in collection["features"]] == ["Point", "Point"]
    assert collection["features"][0]["geometry"]["coordinates"] == [czech.lon, czech.lat]
    assert "L.circleMarker(latlng, p.style)" in MAP_SCRIPT.read_text(encoding="utf-8")


def test_ring_is_geodesic_at_the_published_radius(topic, sites) -> None:
    gabala = sites["gabala-radar"]
    paths = range_paths([gabala], [r for r in topic.ranges if r.site_id == "gabala-radar"], colour)
    (ring,) = paths
    assert ring.kind == "line" and ring.style["dashArray"]
    centre = (gabala.lat, gabala.lon)
    assert len(ring.points) > 100
    for lat, lon in ring.points[::15]:
        assert distance_km(centre, (lat, unwrap_lon(lon))) == pytest.approx(6000, rel=1e-6)
    # In the page: a LineString with [lon, lat] coordinates, the same points.
    (feature,) = collection_in(rendered(paths))["features"]
    assert feature["geometry"]["type"] == "LineString"
    assert feature["geometry"]["coordinates"][0] == [ring.points[0][1], ring.points[0][0]]


def test_band_is_a_click_through_annulus_between_its_two_figures(topic, sites) -> None:
    iran = sites["iran"]
    paths = range_paths([iran], [r for r in topic.ranges if r.site_id == "iran"], colour)
    fill, *edges = paths
    assert fill.kind == "area" and fill.style["stroke"] is False and fill.style["fill"] is True
    assert "range-band-fill" in str(fill.style["className"])  # MAP_CSS: pointer-events none
    outer, hole = fill.points
    centre = (iran.lat, iran.lon)
    assert all(distance_km(centre, (lat, unwrap_lon(lon))) == pytest.approx(2000, rel=1e-6) for lat, lon in outer[::20])
    assert all(distance_km(centre, (lat, unwrap_lon(lon))) == pytest.approx(1300, rel=1e-6) for lat, lon in hole[::20])
    assert [e.kind for e in edges] == ["line", "line"]
    assert [round(distance_km(centre, e.points[0])) for e in edges] == [1300, 2000]
    (polygon,) = [f for f in collection_in(rendered(paths))["features"] if f["properties"]["kind"] == "area"]
    assert polygon["geometry"]["type"] == "Polygon" and len(polygon["geometry"]["coordinates"]) == 2


def test_a_ring_across_the_antimeridian_stays_continuous(sites) -> None:
    """Longitudes are unwrapped: a ring round a point at 178 E runs on past 180 instead of
    jumping across the world (Leaflet then draws it whole)."""
    east = dataclasses.replace(sites["gabala-radar"], id="far-east", lat=60.0, lon=178.0)
    (ring,) = range_paths([east], [RangeFact("far-east", "radar detection", 500.0, 500.0, (SOURCE,))], colour)
    lons = [lon for _, lon in ring.points]
    assert max(lons) > 180.0  # it does cross
    assert all(abs(b - a) < 5.0 for a, b in itertools.pairwise(lons))
    for lat, lon in ring.points[::10]:
        assert distance_km((60.0, 178.0), (lat, unwrap_lon(lon))) == pytest.approx(500, rel=1e-6)
    (feature,) = collection_in(rendered([ring]))["features"]
    coordinates = [lon for lon, _ in feature["geometry"]["coordinates"]]
    assert all(abs(b - a) < 5.0 for a, b in itertools.pairwise(coordinates))


def test_ranges_of_other_sites_are_left_out(topic, sites) -> None:
    paths = range_paths([sites["czech-radar"]], topic.ranges, colour)
    assert paths and all("range-site-czech-radar" in n for n in classes(paths))
    assert range_paths([sites["heiligendamm"]], topic.ranges, colour) == []


def test_range_tooltips_are_escaped(sites) -> None:
    hostile_site = dataclasses.replace(sites["gabala-radar"], name=HOSTILE)
    facts = [RangeFact("gabala-radar", HOSTILE, 100.0, 200.0, (SOURCE,)),
             RangeFact("gabala-radar", HOSTILE, None, None, (SOURCE,))]
    paths = range_paths([hostile_site], facts, colour)
    assert all(p.tooltip == for_html(html.unescape(p.tooltip)) for p in paths if p.tooltip)
    page = rendered(paths)
    assert "<script>alert(1)" not in page and "${alert(1)}" not in page and "`tick`" not in page
    assert "{{ 7*7 }}" not in page  # and it was not evaluated either: the escaped text is there
    tooltips = [f["properties"]["tooltip"] for f in collection_in(page)["features"] if f["properties"]["tooltip"]]
    assert tooltips and all(t.startswith(f"{HOSTILE_ESCAPED} – {HOSTILE_ESCAPED}: ") for t in tooltips)
    assert any("100–200 km" in t for t in tooltips) and any("no public figure" in t for t in tooltips)


# --- lines to the reference point ------------------------------------------------------------


def test_lines_only_from_the_roles_asked_for_with_their_distances(sites, tehran) -> None:
    paths = line_paths(list(sites.values()), ("radar",), tehran)
    lines = [p for p in paths if p.kind == "line"]
    assert sorted(classes(lines)) == [
        "reference-line tehran-line line-site-armavir-radar",
        "reference-line tehran-line line-site-czech-radar",
        "reference-line tehran-line line-site-gabala-radar",
    ]
    gabala = next(p for p in lines if "line-site-gabala-radar" in str(p.style["className"]))
    assert gabala.points[0] == (sites["gabala-radar"].lat, sites["gabala-radar"].lon)
    assert gabala.points[-1] == pytest.approx((tehran.lat, tehran.lon))
    assert gabala.tooltip.startswith("Gabala") and "to Tehran: 656 km (great circle, WGS-84)" in gabala.tooltip
    labels = {str(p.style["className"]): p.label for p in paths if p.kind == "label"}
    assert labels == {
        "distance-label distance-label-armavir-radar": "1,352 km",
        "distance-label distance-label-czech-radar": "3,407 km",
        "distance-label distance-label-gabala-radar": "656 km",
    }
    (point,) = [p for p in paths if p.kind == "circle"]
    assert point.points == ((tehran.lat, tehran.lon),) and "reference-tehran" in str(point.style["className"])
    page = rendered(paths)
    assert "656 km" in page and "distance-label-gabala-radar" in page and "tehran-line" in page


def test_a_line_is_geodesic_and_continuous_across_the_antimeridian(sites, tehran) -> None:
    far = dataclasses.replace(sites["gabala-radar"], id="pacific-radar", lat=50.0, lon=175.0, country="Nowhere")
    reference = dataclasses.replace(tehran, id="dateline", name="Dateline", lat=50.0, lon=-175.0)
    line, label, _ = line_paths([far], ("radar",), reference)
    lons = [lon for _, lon in line.points]
    assert lons[0] == 175.0 and lons[-1] == pytest.approx(185.0)  # east across 180, not back west
    assert all(abs(b - a) < 1.0 for a, b in itertools.pairwise(lons))
    assert line.points[len(line.points) // 2] == label.points[0]  # the label sits mid-line
    assert label.label == for_html(f"{round(distance_km((50.0, 175.0), (50.0, -175.0))):,} km")


def test_no_lines_without_sites_of_the_roles(sites, tehran) -> None:
    assert line_paths([sites["poland-interceptors"], sites["iran"]], ("radar",), tehran) == []


def test_line_labels_are_escaped(sites, tehran) -> None:
    hostile = dataclasses.replace(sites["gabala-radar"], name=HOSTILE)
    hostile_point = dataclasses.replace(tehran, name=HOSTILE, note=HOSTILE)
    page = rendered(line_paths([hostile], ("radar",), hostile_point))
    assert "<script>alert(1)" not in page and "${alert(1)}" not in page and "`tick`" not in page
    assert "{{ 7*7 }}" not in page
    tooltips = [f["properties"]["tooltip"] for f in collection_in(page)["features"]]
    assert tooltips[0].startswith(f"{HOSTILE_ESCAPED} to {HOSTILE_ESCAPED}: 656 km")
    assert tooltips[-1] == f"{HOSTILE_ESCAPED} (reference point; {HOSTILE_ESCAPED})"


# --- status on a date ------------------------------------------------------------------------


def test_status_map_on_the_offer_day_and_after_the_cancellation(topic, sites) -> None:
    ids = list(sites)
    on_offer = status_map(topic.events, ids, OFFER_DAY)
    assert on_offer["czech-radar"] == "announced"
    assert on_offer["poland-interceptors"] == "proposed"
    assert on_offer["gabala-radar"] == "operational"  # the offer does not replace "operational"
    assert on_offer["heiligendamm"] == "held"  # the summit, 6-8 June
    assert on_offer["armavir-radar"] == NOT_YET  # offered only on 2 July
    assert on_offer["kennebunkport"] == NOT_YET
    assert on_offer["iran"] is None  # no events at all: the usual look
    assert status_map(topic.events, ["heiligendamm"], AFTER_SUMMIT) == {"heiligendamm": PAST}
    later = status_map(topic.events, ids, AFTER_CANCELLATION)
    assert later["czech-radar"] == "cancelled"
    assert later["poland-interceptors"] == "cancelled"
    assert later["armavir-radar"] == "operational"
    assert status_map(topic.events, ["gabala-radar"], dt.date(2014, 1, 1)) == {"gabala-radar": "dismantled"}


def test_standing_status_rules() -> None:
    def event(day: str, status: str, end: str | None = None) -> Event:
        return Event("x", dt.date.fromisoformat(day), "day", status, "", (SOURCE,),
                     end=dt.date.fromisoformat(end) if end else None)

    events = [event("2000-01-01", "operational"), event("2001-01-01", "offered"),
              event("2002-01-01", "held", "2002-01-03")]
    assert standing_status(events, "x", dt.date(1999, 12, 31)) == NOT_YET
    assert standing_status(events, "x", dt.date(2001, 6, 1)) == "operational"  # diplomacy does not replace it
    assert standing_status(events, "x", dt.date(2002, 1, 3)) == "held"  # its last day
    assert standing_status(events, "x", dt.date(2002, 1, 4)) == PAST
    assert standing_status(events, "y", dt.date(2002, 1, 4)) is None  # no record at all
    assert standing_status([event("2000-01-01", "talks"), event("2000-02-01", "agreed")], "x",
                           dt.date(2000, 3, 1)) == "agreed"


def test_every_status_has_a_look_and_every_look_a_legend_label() -> None:
    assert set(STATUSES) | {NOT_YET, PAST} == set(STATUS_LOOKS)
    assert set(STATUS_LOOKS.values()) == set(LOOK_LABELS)
    for status in STATUS_LOOKS:
        assert status_text(status)
    with pytest.raises(ValueError):
        status_text("bogus onmouseover=alert(1)")
