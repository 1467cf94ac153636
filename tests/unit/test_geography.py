"""An article's places joined with its topics' sites, filtered by the view (dashboard.core.geography)."""
from __future__ import annotations

import pytest

from dashboard.core.geography import (
    PlaceGroup,
    build_geography,
    place_markers,
    visible_places,
    visible_sites,
)
from dashboard.core.geoparse.article import Article, load_article
from dashboard.core.geoparse.places import Place
from dashboard.core.view.state import ViewState
from dashboard.services.articles import bundled_articles_dir, catalogue

CATALOGUE = catalogue()
BY_ID = {site.id: site for site in CATALOGUE.sites}


def place(name: str, lat: float | None, lon: float | None, start: int = 0, geonameid: int | None = None) -> Place:
    source = "gazetteer" if lat is not None else "none"
    return Place(name, start, start + len(name), lat, lon, source, 0.9 if lat is not None else 0.0,
                 geonameid=geonameid, place_name=name)


def article(text: str) -> Article:
    return Article(id="synthetic", title="Synthetic", text=text)


@pytest.fixture(scope="module")
def seed_geo():
    voa = load_article(bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md")
    return build_geography(voa, [], CATALOGUE, notices=["a notice"])


def test_seed_geography_refers_to_the_six_contract_sites(seed_geo) -> None:
    assert {s.id for s in seed_geo.sites} == {
        "czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport"}
    assert [t.id for t in seed_geo.topics] == ["missile-defense-2007"]
    assert len(seed_geo.sentences) == 19 and seed_geo.notices == ("a notice",)
    assert seed_geo.site("gabala-radar") == BY_ID["gabala-radar"]
    assert seed_geo.site("armavir-radar") is None  # curated, but this article does not refer to it
    assert seed_geo.offers("rings") and seed_geo.offers("timeline")
    assert {r.site_id for r in seed_geo.ranges} <= {s.id for s in seed_geo.sites}


def test_only_sites_the_article_refers_to_are_joined() -> None:
    geo = build_geography(article("A radar base in the Czech Republic against Iran."), [], CATALOGUE)
    assert [s.id for s in geo.sites] == ["czech-radar", "iran"]  # in the topic's order
    assert [m.site_id for m in geo.site_mentions] == ["czech-radar", "iran"]


def test_an_article_with_no_topic_has_no_sites_and_offers_no_topic_layer() -> None:
    geo = build_geography(article("Hanoi and Ho Chi Minh City."), [place("Hanoi", 21.0, 105.8)], CATALOGUE)
    assert geo.sites == () and geo.topics == () and not geo.offers("rings")
    assert [g.name for g in geo.other_places] == ["Hanoi"]


def test_visible_sites_follow_categories_and_roles(seed_geo) -> None:
    def ids(**view) -> set[str]:
        return {s.id for s in visible_sites(seed_geo, ViewState(**view))}

    assert len(ids()) == 6
    assert ids(categories=("us-plan",)) == {"czech-radar", "poland-interceptors"}
    assert ids(roles=("radar",)) == {"czech-radar", "gabala-radar"}
    assert ids(categories=("us-plan",), roles=("radar",)) == {"czech-radar"}
    assert ids(categories=("diplomacy", "threat"), roles=("summit",)) == {"heiligendamm", "kennebunkport"}
    assert ids(categories=()) == set()
    assert ids(roles=("place",)) == set()


def test_other_places_drop_places_at_a_site_and_group_duplicates() -> None:
    brdy = BY_ID["czech-radar"]
    places = [
        place("Brdy", brdy.lat + 0.005, brdy.lon),  # ~0.56 km from the site: the site stands for it
        place("Prague", 50.0875, 14.4214, 10, geonameid=3067696),
        place("Prague", 50.08751, 14.42139, 40, geonameid=3067696),  # the same point, a second mention
        place("Plzen", brdy.lat + 0.02, brdy.lon, 60),  # ~2.2 km from the site: kept
        place("Atlantis", None, None, 80),  # not placed: nothing to draw
    ]
    geo = build_geography(article("A radar base in the Czech Republic."), places, CATALOGUE)
    assert [(g.name, g.mentions[0].start, g.count) for g in geo.other_places] == [("Prague", 10, 2), ("Plzen", 60, 1)]
    assert geo.other_places[0].key == "place-3067696"
    assert geo.place_group("place-3067696") is geo.other_places[0]


def test_a_place_named_inside_a_site_phrase_is_the_site() -> None:
    text = "Bush and Putin met at Kennebunkport."
    start = text.index("Kennebunkport")
    town = place("Kennebunkport", 43.3615, -70.4767, start)  # the town, ~2.5 km from Walker's Point
    geo = build_geography(article(text), [town], CATALOGUE)
    assert [s.id for s in geo.sites] == ["kennebunkport"]
    assert geo.other_places == ()  # shown once, as the site


def test_places_near_a_site_the_article_does_not_name_are_kept() -> None:
    brdy = BY_ID["czech-radar"]
    geo = build_geography(article("Missiles over the sea."), [place("Brdy", brdy.lat, brdy.lon)], CATALOGUE)
    assert [(g.name, g.count) for g in geo.other_places] == [("Brdy", 1)]


def test_a_place_group_names_the_place_and_the_words_used() -> None:
    mentions = (Place("Russian", 0, 7, 60.0, 100.0, "gazetteer", 0.9, place_name="Russia"),
                Place("Russia", 20, 26, 60.0, 100.0, "gazetteer", 0.9, place_name="Russia"))
    group = PlaceGroup("place-2017370", 60.0, 100.0, mentions)
    assert (group.name, group.words, group.count) == ("Russia", ("Russian", "Russia"), 2)


def test_visible_places_need_the_place_role_and_the_places_layer() -> None:
    geo = build_geography(article("Missiles over the sea."), [place("Paris", 48.8566, 2.3522)], CATALOGUE)
    assert len(visible_places(geo, ViewState())) == 1
    assert visible_places(geo, ViewState(roles=("radar", "threat"))) == ()
    assert visible_places(geo, ViewState(layers=("rings",))) == ()


def test_place_markers_cluster_above_the_threshold_and_cap() -> None:
    groups = [PlaceGroup(f"place-{i}", (i % 40) * 0.5, (i // 40) * 0.5, (place(f"P{i}", 0, 0),) * (1 + i % 3))
              for i in range(200)]
    markers = place_markers(groups, threshold=150, limit=50)
    assert markers.clusters and markers.total_places == 200
    assert len(markers.singles) + len(markers.clusters) <= 50
    assert markers.shown_places + markers.dropped_places == 200
    few = place_markers(groups[:10])
    assert few.clusters == () and few.dropped_places == 0 and len(few.singles) == 10


def test_uncertain_places_can_be_hidden_and_are_marked() -> None:
    from dashboard.core.render.compose import compose_map

    sure = Place("Lyon", 0, 4, 45.76, 4.84, "gazetteer", 0.95, place_name="Lyon", geonameid=2996944)
    unsure = Place("Paris", 10, 15, 33.66, -95.55, "gazetteer", 0.55, place_name="Paris", geonameid=4717560)
    geo = build_geography(article("Lyon and Paris were named."), [sure, unsure], CATALOGUE)
    assert [g.confident for g in geo.other_places] == [True, False]
    assert [g.name for g in visible_places(geo, ViewState())] == ["Lyon", "Paris"]
    assert [g.name for g in visible_places(geo, ViewState(uncertain=False))] == ["Lyon"]

    shown = compose_map(geo, ViewState(), None)
    (places,) = [g for g in shown.groups if g.markers]
    paris = next(m for m in places.markers if m.key == "place-4717560")
    assert "uncertain" in paris.classes and "not sure of this place (confidence 0.55)" in paris.label
    assert "uncertain" not in next(m for m in places.markers if m.key == "place-2996944").classes
    assert any(entry.kind == "uncertain" for entry in shown.legend)

    hidden = compose_map(geo, ViewState(uncertain=False), None)
    assert [m.key for g in hidden.groups for m in g.markers] == ["place-2996944"]
    assert not any(entry.kind == "uncertain" for entry in hidden.legend)
    assert "1 places the geoparser is not sure of are hidden." in hidden.notes
    assert hidden.frame_key != shown.frame_key  # hiding them refits the map


def test_inside_a_site_phrase_agrees_with_checking_every_phrase() -> None:
    """The merged, bisected spans give the same answer as a pass over every named phrase."""
    import dataclasses
    import random

    from dashboard.core.topics.sites import SiteMention

    rng = random.Random(3)
    base = build_geography(article("x" * 2000), [], CATALOGUE)
    for _ in range(30):
        mentions = tuple(sorted(
            (SiteMention("iran", start, start + rng.randint(1, 40), rng.choice(("named", "inferred")))
             for start in (rng.randint(0, 1900) for _ in range(rng.randint(0, 25)))),
            key=lambda m: m.start))
        geo = dataclasses.replace(base, site_mentions=mentions)
        for _ in range(60):
            start = rng.randint(0, 1990)
            probe = Place("P", start, start + rng.randint(1, 12), 1.0, 1.0, "gazetteer", 0.9)
            naive = any(m.start < probe.end and probe.start < m.end and m.link == "named" for m in mentions)
            assert geo._inside_site_phrase(probe) is naive, (mentions, probe)


def test_an_editor_can_remove_a_place_from_the_map() -> None:
    geo = build_geography(article("Hanoi and Hue."), [place("Hanoi", 21.0, 105.8, 0, 1581130),
                                                      place("Hue", 16.4, 107.6, 10, 1580240)], CATALOGUE)
    view = ViewState()
    assert [g.key for g in visible_places(geo, view)] == ["place-1581130", "place-1580240"]
    removed = view.hiding("place-1581130")
    assert [g.name for g in visible_places(geo, removed)] == ["Hue"]
    assert [g.name for g in visible_places(geo, removed.showing("place-1581130"))] == ["Hanoi", "Hue"]
    assert len(geo.other_places) == 2  # the geography itself keeps it: only the view hides it
