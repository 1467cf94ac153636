"""Many places: nearby ones cluster above a threshold, and the markers are capped."""
from __future__ import annotations

import folium

from dashboard.core.geography import place_markers
from dashboard.core.geoparse.places import Place
from dashboard.core.render.mapview import build_feature_groups
from dashboard.core.view.state import ViewState


def _place(i: int, lat: float, lon: float) -> Place:
    return Place(f"Town{i}", i, i + 5, lat, lon, "gazetteer", 0.9)


def test_few_places_are_drawn_one_by_one_most_mentioned_first() -> None:
    places = [(_place(1, 10, 10), 1), (_place(2, 20, 20), 3)]
    markers = place_markers(places)
    assert [p.name for p, _ in markers.singles] == ["Town2", "Town1"]
    assert markers.clusters == () and markers.dropped_places == 0


def test_many_places_cluster_by_cell_and_count_every_place() -> None:
    # 200 places in 4 tight groups, plus one lonely place far away
    places = [(_place(i, 50 + (i % 4) * 10 + 0.01 * i / 50, 10 + (i % 4) * 10), 1) for i in range(200)]
    places.append((_place(999, -40, -70), 7))
    markers = place_markers(places, threshold=150)
    assert len(markers.clusters) == 4
    assert sum(c.places for c in markers.clusters) == 200
    assert [p.name for p, _ in markers.singles] == ["Town999"]
    assert markers.shown_places == 201 and markers.dropped_places == 0


def test_cap_drops_the_least_mentioned_and_says_how_many() -> None:
    places = [(_place(i, -80 + i * 0.5, -170 + i * 3.3), 1 + (i == 7)) for i in range(100)]
    markers = place_markers(places, threshold=1000, limit=10)
    assert len(markers.singles) == 10 and markers.singles[0][0].name == "Town7"
    assert markers.dropped_places == 90 and markers.total_places == 100


def test_cluster_marker_renders_count_and_escaped_names() -> None:
    places = [(Place("Evil`${x}`<b>", 0, 5, 10.0 + i * 0.001, 10.0, "gazetteer", 0.9), 1) for i in range(3)]
    markers = place_markers(places, threshold=1)
    fmap = folium.Map(tiles=None)
    for group in build_feature_groups((), markers.singles, ViewState(), clusters=markers.clusters):
        group.add_to(fmap)
    html = fmap.get_root().render()
    assert "place-cluster" in html and "cluster-count" in html
    tooltip = html[html.index("bindTooltip"):]
    assert "3 places named in the article (Evil&#96;&#36;&#123;x&#125;&#96;&lt;b&gt;" in tooltip
    assert "`${x}`" not in tooltip.split("</div>")[0]
