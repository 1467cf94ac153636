"""The atlas page's logic: its filters from and to the link, and which installations pass them."""
from __future__ import annotations

import datetime as dt

from dashboard.core.topics.browse import atlas_choices, atlas_geography, matching_installations
from dashboard.core.view.state import AtlasFilter, atlas_to_query, is_atlas_link, parse_atlas_query
from dashboard.services.articles import catalogue

CATALOGUE = catalogue()
CHOICES = atlas_choices(CATALOGUE)


def _ids(found: AtlasFilter, day: dt.date = dt.date(2025, 1, 1)) -> set[str]:
    return {i.id for i in matching_installations(CATALOGUE, found, day)}


def test_the_link_round_trips_and_drops_unknown_values_with_a_notice() -> None:
    params = {"page": "atlas", "country": "Poland,Atlantis", "kind": "radar,interceptors", "status": "operational",
              "date": "2012-06-01", "story": "epaa", "system": "sm-3-block-iia", "zoom": "3"}
    found, problems = parse_atlas_query(params, CHOICES)
    assert found == AtlasFilter(countries=("Poland",), systems=("sm-3-block-iia",), kinds=("radar", "interceptors"),
                                stories=("epaa",), statuses=("operational",), date=dt.date(2012, 6, 1))
    assert problems == ("country: unknown 'Atlantis'", "unknown parameter 'zoom'")
    assert parse_atlas_query(atlas_to_query(found), CHOICES) == (found, ())
    assert is_atlas_link({"page": "atlas"}) and not is_atlas_link({"article": "x"})


def test_each_filter_narrows_the_installations() -> None:
    everything = {i.id: i for i in CATALOGUE.atlas.installations}
    assert _ids(AtlasFilter()) == set(everything)
    spain = _ids(AtlasFilter(countries=("Spain",)))
    assert "rota-destroyers" in spain and {everything[i].country for i in spain} == {"Spain"}
    ashore = _ids(AtlasFilter(systems=("aegis-ashore",)))
    assert {"deveselu-aegis-ashore", "redzikowo-aegis-ashore"} <= ashore
    assert all("aegis-ashore" in everything[i].systems for i in ashore) and "gabala-radar" not in ashore
    command = _ids(AtlasFilter(kinds=("command",)))
    assert "ramstein-command" in command and {everything[i].kind for i in command} == {"command"}
    assert "redzikowo-aegis-ashore" in _ids(AtlasFilter(stories=("missile-defense-2007",)))
    assert "deveselu-aegis-ashore" not in _ids(AtlasFilter(stories=("missile-defense-2007",)))
    assert _ids(AtlasFilter(countries=("Spain",), kinds=("radar",))) == {
        i for i in spain if everything[i].kind == "radar"}  # filters combine


def test_status_is_read_on_the_filters_day() -> None:
    cancelled_2009 = _ids(AtlasFilter(statuses=("cancelled",)), dt.date(2009, 12, 1))
    assert cancelled_2009 >= {"czech-radar", "redzikowo-aegis-ashore"}  # the 2007 plan's sites
    assert "redzikowo-aegis-ashore" in _ids(AtlasFilter(statuses=("operational",)), dt.date(2025, 1, 1))
    assert "deveselu-aegis-ashore" in _ids(AtlasFilter(statuses=("not-yet",)), dt.date(2005, 1, 1))


def test_the_atlas_geography_draws_installations_as_sites_with_their_kinds_role() -> None:
    chosen = tuple(i for i in CATALOGUE.atlas.installations if i.id in {"rota-destroyers", "kurecik-radar"})
    geo = atlas_geography(CATALOGUE, chosen)
    assert {(s.id, s.role) for s in geo.sites} == {("rota-destroyers", "naval-base"), ("kurecik-radar", "radar")}
    assert any(e.site_id == "kurecik-radar" for e in geo.events)
