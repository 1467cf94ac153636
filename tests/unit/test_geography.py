"""An article's places joined with the curated sites, filtered by the view (dashboard.core.geography)."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.core.geography import build_geography, visible_places, visible_sites
from dashboard.core.geoparse.article import Article, load_article
from dashboard.core.geoparse.places import Place
from dashboard.core.topics.sites import load_site_references, load_sites
from dashboard.core.view.state import ViewState

SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "articles" / "voa-2007-06-07-putin-gabala-offer.md"
SITES = load_sites()
REFERENCES = load_site_references()
BY_ID = {site.id: site for site in SITES}


def place(name: str, lat: float | None, lon: float | None, start: int = 0) -> Place:
    source = "gazetteer" if lat is not None else "none"
    return Place(name, start, start + len(name), lat, lon, source, 0.9 if lat is not None else 0.0)


def article(text: str) -> Article:
    return Article(id="synthetic", title="Synthetic", text=text)


@pytest.fixture(scope="module")
def seed_geo():
    return build_geography(load_article(SEED_PATH), [], SITES, REFERENCES, notices=["a notice"])


def test_seed_geography_refers_to_the_six_contract_sites(seed_geo) -> None:
    assert {s.id for s in seed_geo.sites} == {
        "czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport"
    }
    assert len(seed_geo.sentences) == 19
    assert seed_geo.notices == ("a notice",)
    assert seed_geo.site("gabala-radar") == BY_ID["gabala-radar"]
    assert seed_geo.site("armavir-radar") is None  # curated, but this article does not refer to it


def test_only_sites_the_article_refers_to_are_joined() -> None:
    geo = build_geography(article("A radar base in the Czech Republic against Iran."), [], SITES, REFERENCES)
    assert [s.id for s in geo.sites] == ["czech-radar", "iran"]  # in the order of sites.csv
    assert [m.site_id for m in geo.site_mentions] == ["czech-radar", "iran"]


def test_visible_sites_follow_proposals_and_roles(seed_geo) -> None:
    def ids(**view) -> set[str]:
        return {s.id for s in visible_sites(seed_geo, ViewState(**view))}

    assert len(ids()) == 6
    assert ids(proposals=("us-plan",)) == {"czech-radar", "poland-interceptors"}
    assert ids(roles=("radar",)) == {"czech-radar", "gabala-radar"}
    assert ids(proposals=("us-plan",), roles=("radar",)) == {"czech-radar"}
    assert ids(proposals=("diplomacy", "threat"), roles=("summit",)) == {"heiligendamm", "kennebunkport"}
    assert ids(proposals=()) == set()
    assert ids(roles=("place",)) == set()


def test_other_places_drop_places_at_a_site_and_group_duplicates() -> None:
    brdy = BY_ID["czech-radar"]
    places = [
        place("Brdy", brdy.lat + 0.005, brdy.lon),  # ~0.56 km from the site: the site stands for it
        place("Prague", 50.0875, 14.4214, 10),
        place("Prague", 50.08751, 14.42139, 40),  # the same point, a second mention
        place("Plzen", brdy.lat + 0.02, brdy.lon, 60),  # ~2.2 km from the site: kept
        place("Atlantis", None, None, 80),  # not placed: nothing to draw
    ]
    geo = build_geography(article("A radar base in the Czech Republic."), places, SITES, REFERENCES)
    result = geo.other_places
    assert [(p.name, p.start, count) for p, count in result] == [("Prague", 10, 2), ("Plzen", 60, 1)]


def test_places_near_a_site_the_article_does_not_name_are_kept() -> None:
    brdy = BY_ID["czech-radar"]
    geo = build_geography(article("Missiles from Iran."), [place("Brdy", brdy.lat, brdy.lon)], SITES, REFERENCES)
    assert [(p.name, count) for p, count in geo.other_places] == [("Brdy", 1)]


def test_visible_places_need_the_place_role_and_the_places_layer() -> None:
    geo = build_geography(article("Missiles from Iran."), [place("Paris", 48.8566, 2.3522)], SITES, REFERENCES)
    assert len(visible_places(geo, ViewState())) == 1
    assert visible_places(geo, ViewState(roles=("radar", "threat"))) == ()
    assert visible_places(geo, ViewState(layers=("rings",))) == ()
    assert visible_places(geo, ViewState(layers=())) == ()
