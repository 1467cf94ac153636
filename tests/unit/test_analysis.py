"""Analysis layers (dashboard.core.render.overlays) and the status look of site markers (mapview)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import folium
import pytest

from dashboard.core.geometry import distance_km
from dashboard.core.render.mapview import (
    STATUS_LOOKS,
    build_base_map,
    build_feature_groups,
    site_marker,
)
from dashboard.core.render.overlays import (
    LINES_LAYER_NAME,
    NOT_YET,
    RANGES_LAYER_NAME,
    TEHRAN,
    distance_rows,
    range_label,
    range_layers,
    status_map,
    tehran_lines,
)
from dashboard.core.topics.ranges import RangeFact, load_ranges
from dashboard.core.topics.sites import load_sites
from dashboard.core.topics.timeline import STATUSES, load_events
from dashboard.core.view.state import ViewState

OFFER_DAY = dt.date(2007, 6, 7)
AFTER_CANCELLATION = dt.date(2010, 1, 1)
HOSTILE = "<script>alert(1)</script> ${alert(1)} `tick` \\1"


@pytest.fixture(scope="module")
def sites():
    return {site.id: site for site in load_sites()}


@pytest.fixture(scope="module")
def ranges():
    return load_ranges()


@pytest.fixture(scope="module")
def events():
    return load_events()


def children(group: folium.FeatureGroup) -> list:
    return list(group._children.values())


def class_names(group: folium.FeatureGroup) -> list[str]:
    return [child.options.get("className", "") for child in children(group) if hasattr(child, "options")]


def tooltip_texts(group: folium.FeatureGroup) -> list[str]:
    texts = []
    for child in children(group):
        for grandchild in child._children.values():
            if isinstance(grandchild, folium.Tooltip):
                texts.append(grandchild.text)
    return texts


def rendered(*elements) -> str:
    fmap = folium.Map(tiles=None)
    for element in elements:
        element.add_to(fmap)
    return fmap.get_root().render()


def unwrap_lon(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0


# --- the reference point and distances -------------------------------------------------------


def test_tehran_is_geonames_112931():
    assert (TEHRAN.lat, TEHRAN.lon) == (35.69439, 51.42151)
    assert TEHRAN.source_url == "https://www.geonames.org/112931"
    with pytest.raises(dataclasses.FrozenInstanceError):
        TEHRAN.lat = 0.0  # type: ignore[misc]


def test_gabala_to_tehran_is_about_650_km(sites):
    rows = distance_rows([sites["gabala-radar"]])
    assert len(rows) == 1
    row = rows[0]
    assert (row.kind, row.from_id, row.to_id, row.to_name) == ("to-reference", "gabala-radar", "tehran", "Tehran")
    assert row.km == pytest.approx(650, rel=0.01)
    assert row.km == pytest.approx(656, abs=2)  # FACTS.md (a point 3 km away in Tehran): about 656 km
    assert 140 < row.bearing_deg < 160  # south-south-east


def test_distance_table_rows(sites):
    chosen = [sites[i] for i in ("czech-radar", "poland-interceptors", "gabala-radar", "iran")]
    rows = distance_rows(chosen)
    to_tehran = [r for r in rows if r.kind == "to-reference"]
    pairs = [r for r in rows if r.kind == "between-sites"]
    # Iran's country point is left out of the distances to its own capital.
    assert [r.from_id for r in to_tehran] == ["czech-radar", "poland-interceptors", "gabala-radar"]
    assert len(pairs) == 6 and rows == to_tehran + pairs
    by_pair = {(r.from_id, r.to_id): r for r in pairs}
    assert by_pair[("czech-radar", "poland-interceptors")].km == pytest.approx(585, abs=3)
    assert by_pair[("czech-radar", "gabala-radar")].km == pytest.approx(2809, rel=0.01)
    czech = next(r for r in to_tehran if r.from_id == "czech-radar")
    # Gabala is about 2,750 km closer to Tehran than the Czech site.
    assert czech.km - to_tehran[2].km == pytest.approx(2750, abs=30)


def test_distance_rows_refuse_duplicate_ids(sites):
    with pytest.raises(ValueError):
        distance_rows([sites["gabala-radar"], sites["gabala-radar"]])


# --- range rings and bands -------------------------------------------------------------------


def test_range_labels(ranges):
    labels = {(r.site_id, r.what): range_label(r) for r in ranges}
    assert labels[("gabala-radar", "radar detection")] == "6,000 km"
    assert labels[("iran", "missile reach")] == "1,300–2,000 km"
    assert labels[("czech-radar", "radar detection")] == "no public figure"


def test_rings_only_for_ranges_with_a_figure(sites, ranges):
    group = range_layers(list(sites.values()), ranges)
    assert group.layer_name == RANGES_LAYER_NAME
    names = class_names(group)
    rings = [n for n in names if n.startswith("range-ring")]
    # Gabala: one ring; Armavir and Iran: bands, each outlined by two rings.
    assert sum("range-site-gabala-radar" in n for n in rings) == 1
    assert sum("range-site-iran" in n for n in rings) == 2
    assert sum("range-site-armavir-radar" in n for n in rings) == 2
    assert not any("czech-radar" in n or "poland-interceptors" in n for n in rings)
    fills = [n for n in names if n.startswith("range-band-fill")]
    assert sorted(fills) == ["range-band-fill range-site-armavir-radar", "range-band-fill range-site-iran"]
    # Without a figure: only a small "no public figure" circle at the site, no ring.
    no_figure = [n for n in names if n.startswith("range-no-figure")]
    assert sorted(no_figure) == [
        "range-no-figure range-site-czech-radar",
        "range-no-figure range-site-poland-interceptors",
        "range-no-figure range-site-poland-interceptors",
    ]
    czech = [c for c in children(group) if "czech-radar" in c.options.get("className", "")]
    assert len(czech) == 1 and isinstance(czech[0], folium.CircleMarker)
    texts = tooltip_texts(group)
    assert any("1,300–2,000 km (approximate, public sources)" in t for t in texts)
    assert any("radar detection: no public figure" in t for t in texts)


def test_ring_is_geodesic_at_the_published_radius(sites, ranges):
    gabala = [r for r in ranges if r.site_id == "gabala-radar"]
    group = range_layers([sites["gabala-radar"]], gabala)
    (line,) = [c for c in children(group) if isinstance(c, folium.PolyLine)]
    centre = (sites["gabala-radar"].lat, sites["gabala-radar"].lon)
    for lat, lon in line.locations[::15]:
        assert distance_km(centre, (lat, unwrap_lon(lon))) == pytest.approx(6000, rel=1e-6)
    # Ring styles are dashed, and band fills do not catch the pointer.
    assert line.options["dashArray"]
    iran = range_layers([sites["iran"]], [r for r in ranges if r.site_id == "iran"])
    fill = next(c for c in children(iran) if isinstance(c, folium.Polygon))
    assert fill.options["interactive"] is False


def test_ranges_of_other_sites_are_left_out(sites, ranges):
    group = range_layers([sites["czech-radar"]], ranges)
    assert all("czech-radar" in n for n in class_names(group))


def test_range_tooltips_are_escaped(sites):
    hostile_site = dataclasses.replace(sites["gabala-radar"], name=HOSTILE)
    fact = RangeFact("gabala-radar", HOSTILE, 100.0, 200.0, ("https://example.org/",), "")
    html = rendered(range_layers([hostile_site], [fact]))
    assert "<script>alert(1)" not in html and "${alert(1)}" not in html and "`tick`" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#36;&#123;alert(1)&#125; &#96;tick&#96; &#92;1" in html


# --- lines to Tehran -------------------------------------------------------------------------


def test_lines_only_for_radars(sites):
    group = tehran_lines(list(sites.values()))
    assert group.layer_name == LINES_LAYER_NAME
    lines = [n for n in class_names(group) if n.startswith("tehran-line")]
    assert sorted(lines) == [
        "tehran-line line-site-armavir-radar",
        "tehran-line line-site-czech-radar",
        "tehran-line line-site-gabala-radar",
    ]
    gabala = next(c for c in children(group) if "line-site-gabala-radar" in c.options.get("className", ""))
    assert gabala.locations[0] == [sites["gabala-radar"].lat, sites["gabala-radar"].lon]
    assert gabala.locations[-1] == [TEHRAN.lat, TEHRAN.lon]
    texts = tooltip_texts(group)
    assert any(t.startswith("Gabala") and "to Tehran: 656 km" in t for t in texts)
    html = rendered(group)
    assert "656 km" in html and "distance-label-gabala-radar" in html


def test_no_lines_without_radars(sites):
    group = tehran_lines([sites["poland-interceptors"], sites["iran"]])
    assert children(group) == []


def test_line_labels_are_escaped(sites):
    hostile = dataclasses.replace(sites["gabala-radar"], name=HOSTILE)
    html = rendered(tehran_lines([hostile]))
    assert "<script>alert(1)" not in html and "${alert(1)}" not in html and "`tick`" not in html


# --- status on a date ------------------------------------------------------------------------


def test_status_map_on_the_offer_day_and_after_the_cancellation(sites, events):
    ids = list(sites)
    on_offer = status_map(events, ids, OFFER_DAY)
    assert on_offer["czech-radar"] == "announced"
    assert on_offer["gabala-radar"] == "operational"
    assert on_offer["armavir-radar"] == NOT_YET
    assert on_offer["iran"] is None  # no events at all: usual look
    later = status_map(events, ids, AFTER_CANCELLATION)
    assert later["czech-radar"] == "cancelled"
    assert later["poland-interceptors"] == "cancelled"
    assert later["armavir-radar"] == "operational"


def test_every_status_has_a_look():
    assert set(STATUSES) | {NOT_YET} == set(STATUS_LOOKS)


def test_site_marker_without_status_is_unchanged(sites):
    marker = site_marker(sites["czech-radar"], selected=False)
    icon = next(c for c in marker._children.values() if isinstance(c, folium.DivIcon))
    assert "status-" not in icon.options["class_name"]
    assert "status-cross" not in icon.options["html"]


def test_site_marker_with_status(sites):
    marker = site_marker(sites["czech-radar"], selected=False, status="cancelled")
    icon = next(c for c in marker._children.values() if isinstance(c, folium.DivIcon))
    assert "status-cancelled" in icon.options["class_name"].split()
    assert "status-look-ended" in icon.options["class_name"].split()
    assert "status-cross" in icon.options["html"]
    tooltip = next(c for c in marker._children.values() if isinstance(c, folium.Tooltip))
    assert "status: cancelled" in tooltip.text
    with pytest.raises(ValueError):
        site_marker(sites["czech-radar"], selected=False, status="bogus onmouseover=alert(1)")


def test_feature_groups_restyle_by_date(sites, events):
    chosen = [sites[i] for i in ("czech-radar", "poland-interceptors", "gabala-radar", "iran")]
    ids = [s.id for s in chosen]

    def rendered_groups(day: dt.date) -> str:
        return rendered(*build_feature_groups(chosen, [], ViewState(), status_map(events, ids, day)))

    before, after = rendered_groups(OFFER_DAY), rendered_groups(AFTER_CANCELLATION)
    assert "site-czech-radar role-radar status-announced status-look-planned" in before
    assert "site-czech-radar role-radar status-cancelled status-look-ended" in after
    assert "site-gabala-radar role-radar status-operational status-look-active" in before
    assert "site-iran role-threat\"" in before  # no status: class list unchanged
    assert "status-cancelled" not in before


# --- measure control -------------------------------------------------------------------------


def test_measure_control_is_local_code():
    with_measure = build_base_map(ViewState(basemap="offline"), None).get_root().render()
    without = build_base_map(ViewState(), None, measure=False).get_root().render()
    control = 'L.DomUtil.create("button", "map-measure-button"'
    assert control in with_measure and control not in without
    assert "leaflet-measure" not in with_measure and "cdn.jsdelivr" not in with_measure
