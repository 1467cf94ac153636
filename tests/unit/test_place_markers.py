"""An article's other places on the map: many places cluster above a threshold and the markers
are capped, most mentioned first (dashboard.core.geography.place_markers); each marker is named
for the reader by its place and the words the article uses (dashboard.core.render.compose)."""
from __future__ import annotations

import dataclasses
import html

import folium
import pytest

from dashboard.core.geography import (
    CLUSTER_THRESHOLD,
    MAX_PLACE_MARKERS,
    PlaceGroup,
    build_geography,
    place_markers,
)
from dashboard.core.geoparse.article import Article, load_article
from dashboard.core.geoparse.places import Place
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.core.render.compose import (
    _place_marker,
    compose_map,
    draw_groups,
    place_label,
)
from dashboard.core.view.state import ViewState
from dashboard.services.articles import bundled_articles_dir, catalogue
from dashboard.services.gazetteer_file import ensure_gazetteer


def mention(name: str, start: int, lat: float, lon: float, place_name: str = "", geonameid: int | None = None) -> Place:
    return Place(name, start, start + len(name), lat, lon, "gazetteer", 0.9, 50.0, "city", None, geonameid, place_name)


def group(i: int, lat: float, lon: float, count: int = 1) -> PlaceGroup:
    """Place ``Town<i>``, named ``count`` times."""
    mentions = tuple(mention(f"Town{i}", i * 100 + k * 10, lat, lon) for k in range(count))
    return PlaceGroup(f"place-{i}", lat, lon, mentions)


def spread(n: int, count=lambda i: 1) -> list[PlaceGroup]:
    """``n`` places each in its own 2-degree cell (no two cluster)."""
    return [group(i, -80 + (i % 70) * 2.3, -178 + (i // 70) * 4.1, count(i)) for i in range(n)]


def test_the_limits_are_the_documented_ones() -> None:
    assert (CLUSTER_THRESHOLD, MAX_PLACE_MARKERS) == (150, 400)


def test_few_places_are_drawn_one_by_one_most_mentioned_first() -> None:
    markers = place_markers([group(1, 10, 10, 1), group(2, 20, 20, 3)])
    assert [g.name for g in markers.singles] == ["Town2", "Town1"]
    assert markers.clusters == () and markers.dropped_places == 0 and markers.shown_places == 2


def test_clustering_starts_above_150_places() -> None:
    # Pairs of places share a cell: at 150 places they are still drawn one by one.
    def pairs(n: int) -> list[PlaceGroup]:
        return [group(i, -80 + (i // 2) * 2.0 + 0.1 * (i % 2), 0.5 + (i // 140) * 10, 1) for i in range(n)]

    at = place_markers(pairs(CLUSTER_THRESHOLD))
    assert len(at.singles) == 150 and at.clusters == ()
    above = place_markers(pairs(CLUSTER_THRESHOLD + 1))
    assert above.clusters and len(above.singles) + 2 * len(above.clusters) == 151
    assert above.shown_places == 151 and above.dropped_places == 0


def test_many_places_cluster_by_cell_and_count_every_place() -> None:
    # 200 places in 4 tight groups, plus one lonely place far away
    places = [group(i, 50 + (i % 4) * 10 + 0.01 * i / 50, 10 + (i % 4) * 10, count=2) for i in range(200)]
    places.append(group(999, -40, -70, 7))
    markers = place_markers(places)
    assert len(markers.clusters) == 4
    assert sorted(c.places for c in markers.clusters) == [50, 50, 50, 50]
    assert [c.mentions for c in markers.clusters] == [100, 100, 100, 100]
    assert [g.name for g in markers.singles] == ["Town999"]
    assert markers.shown_places == 201 and markers.dropped_places == 0
    for cluster in markers.clusters:  # drawn at the mean point of its places
        assert 50 <= cluster.lat <= 81 and cluster.lon in (10, 20, 30, 40)
        assert len(cluster.names) == 5


@pytest.mark.parametrize("threshold", [10_000, CLUSTER_THRESHOLD], ids=["one by one", "clustering"])
def test_the_cap_of_400_keeps_the_most_mentioned_and_says_how_many_are_dropped(threshold: int) -> None:
    places = spread(500, count=lambda i: 1 + (i % 7 == 3) * 5)  # every 7th place from 3 is named 6 times
    assert len({(int(g.lat // 2), int(g.lon // 2)) for g in places}) == 500  # no two share a cell
    markers = place_markers(places, threshold=threshold)
    assert len(markers.singles) + len(markers.clusters) == MAX_PLACE_MARKERS
    assert markers.total_places == 500 and markers.dropped_places == 100 and markers.shown_places == 400
    kept = {g.key for g in markers.singles}
    assert {g.key for g in places if g.count == 6} <= kept  # every much-named place survives
    assert [g.count for g in markers.singles] == sorted((g.count for g in markers.singles), reverse=True)


def test_the_cap_ranks_clusters_by_all_their_mentions() -> None:
    """A cell of 50 places named once each (50 mentions) outranks a place named twice."""
    crowd = [group(i, 30.0 + i * 0.01, 30.0, 1) for i in range(50)]
    pairs = [group(100 + i, -80 + (i % 70) * 2.3, -178 + (i // 70) * 4.1, 2) for i in range(150)]
    markers = place_markers(crowd + pairs, limit=10)
    assert [c.places for c in markers.clusters] == [50] and len(markers.singles) == 9
    assert markers.dropped_places == 141


def test_the_composer_draws_at_most_400_place_markers_and_says_so() -> None:
    article = Article(id="many", title="Many places", text="x" * 10)
    geo = build_geography(article, [m for g in spread(450) for m in g.mentions], catalogue())
    plan = compose_map(geo, ViewState(), None)
    drawn = [m for g in plan.groups for m in g.markers]
    assert len(drawn) == MAX_PLACE_MARKERS and all("place-marker" in m.classes for m in drawn)
    assert plan.places.dropped_places == 50
    assert "50 of 450 places are not drawn (at most 400 markers; the least mentioned are left out)." in plan.notes


# --- what each marker says ---------------------------------------------------------------------


def test_a_place_is_named_by_its_own_name_with_the_words_the_article_uses() -> None:
    russia = PlaceGroup("place-2017370", 60.0, 100.0, (
        mention("Russian", 0, 60.0, 100.0, "Russia", 2017370),
        mention("Russia", 20, 60.0, 100.0, "Russia", 2017370),
        mention("Russian", 40, 60.0, 100.0, "Russia", 2017370),
    ))
    label = place_label(russia)
    assert label.startswith("Russia: named 3 times in the article")
    assert "Russian" in label.split("(as", 1)[1]  # the word the article used
    assert label.endswith("from the embedded GeoNames gazetteer")
    once = PlaceGroup("place-1", 1.0, 2.0, (mention("Poland", 0, 1.0, 2.0, "Poland"),))
    assert place_label(once) == "Poland: named once in the article; from the embedded GeoNames gazetteer"
    unnamed = PlaceGroup("place-2", 1.0, 2.0, (dataclasses.replace(mention("Gdansk", 0, 1.0, 2.0), source="nominatim"),))
    assert place_label(unnamed).startswith("Gdansk: named once")  # no place name: the word used
    assert place_label(unnamed).endswith("from the Nominatim (OpenStreetMap)")


def test_the_place_marker_carries_the_label_as_its_accessible_name() -> None:
    czechia = PlaceGroup("place-3077311", 49.75, 15.5, (mention("Czech Republic", 5, 49.75, 15.5, "Czechia", 3077311),))
    spec = _place_marker(czechia, selected=False)
    assert spec.label == place_label(czechia) and html.unescape(spec.tooltip) == spec.label
    assert spec.label.startswith("Czechia: named once in the article") and "Czech Republic" in spec.label
    assert (spec.key, spec.lat, spec.lon, spec.classes) == ("place-3077311", 49.75, 15.5, "place-marker")
    selected = _place_marker(czechia, selected=True)
    assert selected.classes == "place-marker selected" and selected.size > spec.size and selected.z > spec.z


@pytest.fixture(scope="module")
def voa_geo():
    article = load_article(bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md")
    return build_geography(article, geoparse(article.text, ensure_gazetteer()), catalogue())


def test_every_place_marker_of_the_voa_article_has_a_name_and_its_count(voa_geo) -> None:
    plan = compose_map(voa_geo, ViewState(), voa_geo.article.date)
    places = [m for g in plan.groups for m in g.markers if "place-marker" in m.classes]
    assert len(places) == len(voa_geo.other_places) >= 15
    by_key = {g.key: g for g in voa_geo.other_places}
    for marker in places:
        place = by_key[marker.key]
        assert marker.label.strip() and marker.label.startswith(f"{place.name}: named ")
        times = "once" if place.count == 1 else f"{place.count} times"
        assert f"named {times} in the article" in marker.label
    russia = next(m for m in places if m.key == "place-2017370")
    assert russia.label.startswith("Russia: named 7 times") and "Russian" in russia.label
    usa = next(m for m in places if m.key == "place-6252001")
    assert usa.label.startswith("United States: named 9 times") and "U.S." in usa.label and "American" in usa.label


def test_cluster_marker_renders_count_and_escaped_names() -> None:
    # 160 hostile places (each a different point) in one 2-degree cell, one lone place.
    hostile = [mention("Evil`${x}`<b>", i * 20, 10.0 + i * 0.001, 10.0, "", 10_000 + i) for i in range(160)]
    geo = build_geography(Article(id="evil", title="t", text="x"), [*hostile, mention("Lone", 9999, -40.0, -70.0)],
                          catalogue())
    plan = compose_map(geo, ViewState(), None)
    drawn = [m for g in plan.groups for m in g.markers]
    (cluster,) = [m for m in drawn if "place-cluster" in m.classes.split()]
    assert len(drawn) == 2 and plan.places.clusters[0].places == 160
    assert cluster.key == "" and "place-marker" in cluster.classes.split()
    assert cluster.html == '<span class="cluster-count">160</span>'
    assert cluster.label.startswith("160 places named in the article (Evil`$" + "{x}`<b>, Evil")
    assert cluster.label.endswith(", ...); 160 mentions. Zoom in to see them apart.")
    assert cluster.tooltip.startswith("160 places named in the article (Evil&#96;&#36;&#123;x&#125;&#96;&lt;b&gt;")
    assert "Nearby places are grouped: 1 markers stand for several places each." in plan.notes
    fmap = folium.Map(tiles=None)
    for feature_group in draw_groups(plan):
        feature_group.add_to(fmap)
    page = fmap.get_root().render()
    assert "cluster-count" in page and "<b>" not in page
