"""The curated topics as shipped: they load, keep their contract ids, place their sites where their
sources say, date what FACTS.md dates, and cite only sources the source policy allows."""
from __future__ import annotations

import datetime as dt

import pytest
from geopy.distance import geodesic

from dashboard.core.topics.policy import load_policy, policy_problem as policy_problems
from dashboard.core.topics.timeline import standing_status
from dashboard.paths import data_dir
from dashboard.services.articles import catalogue

CATALOGUE = catalogue()
TOPICS = {topic.id: topic for topic in CATALOGUE.topics}
SITES = {site.id: site for site in CATALOGUE.sites}

CONTRACT = {
    "missile-defense-2007": {
        "czech-radar": ("radar", "us-plan"),
        "poland-interceptors": ("interceptors", "us-plan"),
        "gabala-radar": ("radar", "russian-proposal"),
        "iran": ("threat", "threat"),
        "heiligendamm": ("summit", "diplomacy"),
        "kennebunkport": ("summit", "diplomacy"),
    },
    "epaa": {
        "deveselu-aegis-ashore": ("interceptors", "epaa-phase-2"),
        "redzikowo-aegis-ashore": ("interceptors", "epaa-phase-3"),
        "kurecik-radar": ("radar", "epaa-phase-1"),
        "rota-destroyers": ("ships", "epaa-phase-2"),
        "ramstein-command": ("command", "nato-command"),
    },
    "thaad-korea": {"seongju-thaad": ("interceptors", "thaad-battery")},
    "japan-missile-defense": {
        "shariki-tpy2": ("radar", "us-radars"),
        "kyogamisaki-tpy2": ("radar", "us-radars"),
        "araya-aegis-ashore": ("interceptors", "aegis-ashore-plan"),
        "mutsumi-aegis-ashore": ("interceptors", "aegis-ashore-plan"),
    },
    "us-homeland-defense": {
        "fort-greely-gbi": ("interceptors", "gmd-interceptors"),
        "vandenberg-gbi": ("interceptors", "gmd-interceptors"),
        "clear-lrdr": ("radar", "gmd-sensors"),
        "shemya-cobra-dane": ("radar", "gmd-sensors"),
        "pituffik-radar": ("radar", "gmd-sensors"),
        "fylingdales-radar": ("radar", "gmd-sensors"),
    },
    "arrow-3-germany": {"holzdorf-arrow-3": ("interceptors", "arrow-3-germany")},
}

# Each facility's position as printed by the page its row cites, typed in by hand here (degrees,
# minutes, seconds converted): the data must stay within 5 km of it.
PRINTED = {
    "czech-radar": (49 + 38 / 60 + 6.8 / 3600, 13 + 44 / 60 + 52.6 / 3600),  # Czech MoD study: 49:38:06.8 N 13:44:52.6 E
    "gabala-radar": (40 + 52 / 60, 47 + 48 / 60),  # en.wikipedia "Qabala Radar": 40°52′N 47°48′E
    "iran": (32.0, 53.0),  # CIA World Factbook country point
    "heiligendamm": (54.1428, 11.8439),  # de.wikipedia "Heiligendamm"
    "kennebunkport": (43 + 20 / 60 + 36 / 3600, -(70 + 27 / 60 + 34 / 3600)),  # Walker's Point Estate
    "poland-interceptors": (54 + 28 / 60 + 44 / 3600, 17 + 6 / 60 + 27 / 3600),  # Słupsk-Redzikowo airport
    "redzikowo-aegis-ashore": (54 + 28 / 60 + 44 / 3600, 17 + 6 / 60 + 27 / 3600),
    "deveselu-aegis-ashore": (44.0787, 24.4134),  # en.wikipedia "Deveselu Military Base"
    "kurecik-radar": (38.3494, 37.7936),  # en.wikipedia "Kürecik Radar Station"
    "rota-destroyers": (36.6208, -6.3316),  # en.wikipedia "Naval Station Rota, Spain"
    "ramstein-command": (49.4368, 7.6003),  # en.wikipedia "Ramstein Air Base"
    "fylingdales-radar": (54 + 21 / 60 + 32 / 3600, -(40 / 60 + 11 / 3600)),  # en.wikipedia "RAF Fylingdales"
    "pituffik-radar": (76 + 34 / 60 + 13 / 3600, -(68 + 17 / 60 + 56 / 3600)),  # fr.wikipedia "Site J de Thulé"
    "kyogamisaki-tpy2": (35 + 46 / 60, 135 + 11 / 60 + 43 / 3600),  # ja.wikipedia "経ヶ岬通信所"
    "shariki-tpy2": (40 + 59 / 60, 140 + 21 / 60 + 31 / 3600),  # ja.wikipedia "車力分屯基地"
    "clear-lrdr": (64 + 17 / 60 + 26 / 3600, -(149 + 11 / 60 + 13 / 3600)),  # en.wikipedia "Clear Space Force Station"
    "shemya-cobra-dane": (52 + 43 / 60 + 27 / 3600, 174 + 7 / 60 + 8 / 3600),  # en.wikipedia "Shemya"
    "vandenberg-gbi": (34 + 45 / 60 + 5 / 3600, -(120 + 31 / 60 + 13 / 3600)),  # en.wikipedia "Vandenberg SFB"
    "andersen-thaad": (13 + 34 / 60 + 52 / 3600, 144 + 55 / 60 + 28 / 3600),  # en.wikipedia "Andersen AFB"
    "holzdorf-arrow-3": (51 + 46 / 60 + 4 / 3600, 13 + 10 / 60 + 4 / 3600),  # de.wikipedia "Fliegerhorst Holzdorf"
    "ominato-fps5": (41 + 16 / 60 + 44 / 3600, 141 + 7 / 60 + 11 / 3600),  # ja.wikipedia "大湊分屯基地": the summit radar
    "beale-uewr": (39 + 8 / 60, -(121 + 21 / 60)),  # 47 CFR 2.106, footnote US270
}
# Where the facility is not the airfield or the town the news names (printed positions as above).
NOT_AT = {
    "pituffik-radar": ((76 + 31 / 60 + 52 / 3600, -(68 + 42 / 60 + 11 / 3600)), 8.0),  # Thule airfield, ~11 km away
    "kyogamisaki-tpy2": ((35.60623, 135.04429), 15.0),  # the centre of Kyotango (GeoNames 11612557)
    "shariki-tpy2": ((40.80357, 140.40299), 15.0),  # the centre of Tsugaru (GeoNames 6822205)
    "ominato-fps5": ((41 + 15 / 60 + 12 / 3600, 141 + 7 / 60 + 43 / 3600), 2.5),  # the sub base's offices at the foot
}


def test_every_story_loads_without_failures() -> None:
    assert CATALOGUE.failures == ()
    assert set(TOPICS) == {
        "missile-defense-2007", "epaa", "thaad-korea", "japan-missile-defense", "us-homeland-defense",
        "arrow-3-germany", "atlas"}


@pytest.mark.parametrize("site_id", sorted(NOT_AT))
def test_the_facility_is_not_placed_at_the_airfield_or_town(site_id: str) -> None:
    site = SITES[site_id]
    elsewhere, at_least_km = NOT_AT[site_id]
    assert geodesic((site.lat, site.lon), elsewhere).km > at_least_km


@pytest.mark.parametrize("topic_id", sorted(CONTRACT))
def test_contract_site_ids_roles_and_categories(topic_id: str) -> None:
    topic = TOPICS[topic_id]
    found = {site.id: (site.role, site.category) for site in topic.sites}
    for site_id, expected in CONTRACT[topic_id].items():
        assert found[site_id] == expected


@pytest.mark.parametrize("site_id", sorted(PRINTED))
def test_coordinates_are_within_5_km_of_the_printed_position(site_id: str) -> None:
    site = SITES[site_id]
    distance = geodesic((site.lat, site.lon), PRINTED[site_id]).km
    assert distance < 5.0, f"{site_id} is {distance:.1f} km from the position its source prints"


def test_every_site_has_sources_a_precision_and_a_name() -> None:
    for site in CATALOGUE.sites:
        assert site.sources and site.name and site.country
        assert 0 < site.precision_km <= 1000


def _policy() -> dict[str, tuple[str, str]]:
    return load_policy(data_dir() / "source_policy.csv")


def test_the_policy_gives_a_reason_for_every_domain() -> None:
    policy = _policy()
    assert policy
    for domain, (tier, reason) in policy.items():
        assert tier in {"T1", "T2", "T2-state", "T3", "untiered"}, domain
        assert len(reason) >= 10, f"{domain}: say why it is acceptable"


def test_every_cited_source_follows_the_policy() -> None:
    policy = _policy()
    problems = [
        f"{topic.id}: {problem}"
        for topic in CATALOGUE.topics
        for source in topic.sources.values()
        if source.url and (problem := policy_problems(source.url, source.tier, policy))
    ]
    assert problems == []


@pytest.mark.parametrize(
    "url",
    [
        "http://docplayer.cz/142104-Predbezne-posouzeni.html",
        "http://the-uncensored-wiki.com:20151/2015-wikipedia_en_all_2015-05/A/Redzikowo.html",
        "https://wikimili.com/en/Walker's_Point_Estate",
        "https://sputnikglobe.com/20100928/160757170.html",
        "https://fr.topwar.ru/11891-proshloe-i-buduschee-daryala.html",
    ],
)
def test_mirrors_and_farms_are_refused(url: str) -> None:
    assert policy_problems(url, "untiered", _policy()) is not None


def test_a_source_cited_at_another_tier_is_refused() -> None:
    assert "cited as T1" in policy_problems("https://www.voanews.com/a/x.html", "T1", _policy())


def test_sources_without_url_say_why() -> None:
    for topic in CATALOGUE.topics:
        for source in topic.sources.values():
            assert source.url or source.note, f"{topic.id}: {source.id}"


@pytest.mark.parametrize(
    ("site_id", "day", "status"),
    [
        ("gabala-radar", "2007-06-07", "operational"),  # offered, but the radar stayed in service
        ("gabala-radar", "2012-12-31", "closed"),
        ("czech-radar", "2007-06-07", "announced"),
        ("czech-radar", "2010-01-01", "cancelled"),
        ("poland-interceptors", "2007-06-07", "proposed"),
        ("poland-interceptors", "2008-09-01", "agreed"),
        ("heiligendamm", "2007-06-07", "held"),  # the summit was under way: not "planned"
        ("heiligendamm", "2007-06-09", "past"),
        ("kennebunkport", "2007-06-07", "not-yet"),
        ("armavir-radar", "2013-06-06", "operational"),
        ("deveselu-aegis-ashore", "2016-05-12", "operational"),
        ("redzikowo-aegis-ashore", "2024-12-01", "operational"),
    ],
)
def test_status_on_dates_that_facts_md_gives(site_id: str, day: str, status: str) -> None:
    topic = TOPICS[SITES[site_id].topic]
    assert standing_status(topic.events, site_id, dt.date.fromisoformat(day)) == status


def test_disagreements_are_stated_in_the_notes() -> None:
    notes = " ".join(e.note for t in CATALOGUE.topics for e in t.events).lower()
    for words in ("9 dec", "24 dec"):  # Gabala lease end: MFA vs RIA/Wikipedia
        assert words in notes
    assert "2023" in notes and "2024" in notes  # Redzikowo "operational": US Navy vs NATO


def test_ranges_without_a_figure_say_what_is_known() -> None:
    facts = [fact for topic in CATALOGUE.topics for fact in topic.ranges]
    assert any(fact.has_figure for fact in facts)
    for fact in facts:
        if not fact.has_figure:
            assert len(fact.note) > 20
    gabala = next(f for f in facts if f.site_id == "gabala-radar")
    assert (gabala.min_km, gabala.max_km) == (6000, 6000)
    shahab = next(f for f in facts if f.site_id == "iran")
    assert (shahab.min_km, shahab.max_km) == (1300, 2000)
