"""Places of missile-defense news (issue 20), from invented sentences in the style of the
stories about THAAD at Seongju, Aegis Ashore at Akita and Yamaguchi and Arrow 3 at Holzdorf:
areas with their type word, seas and islands, facility cues, sure countries and capitals, and
the outlet's home as a prior. Each rule is checked with the rule
as it is and with the rule removed (monkeypatched away), so that a rule that stops mattering
fails here."""
from __future__ import annotations

import re

import pytest

from dashboard.core.geoparse import home as H
from dashboard.core.geoparse import mentions as M
from dashboard.core.geoparse import toponyms as T
from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.geoparse.home import StorySource, country_of_tld, story_home
from dashboard.core.geoparse.mentions import area_type_base, explain_mentions
from dashboard.core.geoparse.places import CONFIDENT
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.services.gazetteer_file import ensure_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return ensure_gazetteer()


def judged(text: str, gaz: Gazetteer) -> dict[str, tuple[bool, str]]:
    return {j.mention.name: (j.kept, j.rule) for j in explain_mentions(text, gaz)}


def placed(text: str, gaz: Gazetteer, **kw) -> dict[str, tuple[str | None, str | None]]:
    return {p.name: (p.feature, p.country_code) for p in geoparse(text, gaz, **kw)}


# -- second-level and first-level areas with their type word -------------------------------
@pytest.mark.parametrize("name, base", [
    ("Akita Prefecture", "Akita"), ("Seongju-gun", "Seongju"), ("Moscow Oblast", "Moscow"),
    ("Dhi Qar Governorate", "Dhi Qar"), ("Gyeongsangbuk-do", "Gyeongsangbuk"), ("Akita", None),
    ("Prefecture", None),
])
def test_area_type_base(name: str, base: str | None) -> None:
    assert area_type_base(name) == base


@pytest.mark.parametrize("text, name, cc", [
    ("Officials of Nagano Prefecture and Gifu Prefecture met the farmers.", "Nagano Prefecture", "JP"),
    ("Shelling hit Kharkiv Oblast and Sumy Oblast overnight.", "Kharkiv Oblast", "UA"),
])
def test_a_name_before_its_type_word_is_the_area_never_a_surname(
        text: str, name: str, cc: str, gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    assert judged(text, gaz)[name] == (True, "area with its type word")
    assert placed(text, gaz)[name] == ("admin1", cc)
    monkeypatch.setattr(M, "_with_area_type", lambda text, tokens, hit: hit)
    assert name not in judged(text, gaz)
    # without the rule the type word, used twice, reads as a surname ("Nagano Prefecture")
    assert judged(text, gaz)[name.split()[0]] == (False, "surname after")


def test_an_unknown_area_with_its_type_word_is_proposed_to_the_geocoder(
        gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Farmers of Uljin County blocked the road; villagers from Uljin-gun joined them."
    unknown = [p.name for p in geoparse(text, gaz, include_unknown=True) if p.source == "none"]
    assert unknown == ["Uljin County", "Uljin-gun"]
    monkeypatch.setattr(M, "_TYPED_AREA_RE", re.compile(r"(?!)"))
    assert [p.name for p in geoparse(text, gaz, include_unknown=True) if p.source == "none"] == []


# -- physical geography ---------------------------------------------------------------------
@pytest.mark.parametrize("text, name", [
    ("Two destroyers patrolled the Sea of Japan after the launch.", "Sea of Japan"),
    ("Tankers waited outside the Strait of Hormuz for a week.", "Strait of Hormuz"),
    ("A frigate sailed through the Taiwan Strait on Sunday.", "Taiwan Strait"),
])
def test_a_country_inside_a_sea_or_strait_name_is_not_the_country(text: str, name: str, gaz: Gazetteer) -> None:
    got = placed(text, gaz)
    assert got[name][0] == "region"
    assert not {"Japan", "Hormuz", "Taiwan"} & set(got)


@pytest.mark.parametrize("text, name, cc", [
    ("The debris fell on Honshu and the radar on Shemya tracked it.", "Honshu", "JP"),
    ("The debris fell on Honshu and the radar on Shemya tracked it.", "Shemya", "US"),
    ("Reactors in Tohoku were inspected again.", "Tohoku", "JP"),
    ("The battery deployed to the Negev for a test.", "Negev", "IL"),
    ("A launch from Kamchatka was reported.", "Kamchatka", "RU"),
])
def test_islands_and_regions_that_news_name(text: str, name: str, cc: str, gaz: Gazetteer) -> None:
    assert placed(text, gaz)[name] == ("region", cc)


# -- facility cues --------------------------------------------------------------------------
def test_a_town_before_air_base_is_a_place(gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Büchel air base was closed for a week after the drill."
    assert judged(text, gaz)["Büchel"] == (True, "city, facility")
    monkeypatch.setattr(M, "FACILITY_AFTER", ())
    assert judged(text, gaz)["Büchel"] == (False, "small place without a cue")


def test_the_town_after_naval_station_is_a_place_and_naval_is_not(
        gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Destroyers of Naval Station Rota sailed on Monday."
    got = judged(text, gaz)
    assert got["Rota"] == (True, "city, facility")
    assert got["Naval"][0] is False
    monkeypatch.setattr(M, "_FACILITY_BEFORE_RE", re.compile(r"(?!)"))
    assert judged(text, gaz)["Rota"][0] is False


def test_a_fort_the_gazetteer_knows_is_a_place(gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Fort Greely hosts most of the interceptors."
    assert judged(text, gaz)["Fort Greely"] == (True, "fort or camp the gazetteer knows")
    monkeypatch.setattr(M, "_FACILITY_PREFIXES", ())
    assert judged(text, gaz)["Fort Greely"][0] is False


# -- sure where a reader would be sure -----------------------------------------------------


def confidence(text: str, name: str, gaz: Gazetteer) -> tuple[str | None, float]:
    p = next(p for p in geoparse(text, gaz) if p.name == name)
    return p.country_code, p.confidence


@pytest.mark.parametrize("text, name, cc", [
    ("The U.S. plan puts a radar in the Czech Republic and interceptors in Poland. The U.S. "
     "president will host the Russian leader in Kennebunkport, Maine, after U.S. talks.", "Poland", "PL"),
    ("Envoys from Japan and China met in Warsaw on Friday.", "Warsaw", "PL"),
])
def test_countries_and_capitals_of_an_international_story_are_confident(
        text: str, name: str, cc: str, gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    code, conf = confidence(text, name, gaz)
    assert code == cc and conf >= CONFIDENT
    monkeypatch.setattr(T, "INTERNATIONAL_COUNTRIES", 99)
    assert confidence(text, name, gaz)[1] < CONFIDENT


def test_an_area_named_like_the_capital_it_holds_counts_as_the_capital(gaz: Gazetteer) -> None:
    from types import SimpleNamespace

    def one(name: str, feature: str) -> object:
        return next(e for e in gaz.candidates(name) if e.feature == feature)

    seoul_area, seoul, busan = one("Seoul", "admin1"), one("Seoul", "city"), one("Busan", "city")
    ctx = SimpleNamespace(options=[((seoul_area, "name"), (seoul, "name"))])
    assert T._country_or_capital(ctx, 0, seoul_area) and T._country_or_capital(ctx, 0, seoul)
    assert not T._country_or_capital(SimpleNamespace(options=[((seoul_area, "name"),)]), 0, seoul_area)
    assert not T._country_or_capital(SimpleNamespace(options=[((busan, "name"),)]), 0, busan)
    gyeonggi = one("Gyeonggi-do", "admin1")  # an area around the capital, not named like it
    assert not T._country_or_capital(SimpleNamespace(options=[((gyeonggi, "name"), (seoul, "name"))]), 0, gyeonggi)


def test_a_big_namesake_in_a_country_the_story_does_not_name_leaves_the_capital_sure(gaz: Gazetteer) -> None:
    text = "Envoys from Japan and China met in London on Friday."
    assert confidence(text, "London", gaz) == ("GB", T.CONFIDENCE_TABLE[(T.INTERNATIONAL_RULE, "city")])


def test_a_capital_stays_in_doubt_when_a_big_namesake_lies_in_a_named_country(
        gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Rallies in London drew crowds across Canada, and Syria was the topic."
    assert confidence(text, "London", gaz)[1] < CONFIDENT  # London, Ontario is as likely
    monkeypatch.setattr(T, "_big_namesake_pointed", lambda ctx, i, e: False)
    assert confidence(text, "London", gaz)[1] >= CONFIDENT


def test_a_capital_over_the_area_named_after_it_is_sure_in_a_story_of_one_country(
        gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The metropolis holding the capital is the same answer on a map, not a rival."""
    text = "Japan will not build the two radar sites, the defence minister said in Tokyo on Monday."
    code, conf = confidence(text, "Tokyo", gaz)
    assert code == "JP" and conf >= CONFIDENT
    monkeypatch.setattr(T, "_within_namesake_area", lambda city, area: False)
    assert confidence(text, "Tokyo", gaz)[1] < CONFIDENT


def test_the_explain_view_names_the_new_rules(gaz: Gazetteer) -> None:
    from dashboard.core.geoparse.explain import explain_text

    out = explain_text("Envoys from Japan and China met in Warsaw. Officials of Nagano Prefecture and "
                       "Gifu Prefecture watched Büchel air base.", gaz)
    assert "decided by: country or capital in an international story" in out
    assert "area with its type word" in out and "city, facility" in out


# -- the outlet's home as context ----------------------------------------------------------


@pytest.mark.parametrize("url, cc", [
    ("https://www.example.de/politik/1", "DE"), ("http://news.example.co.uk/a", "GB"),
    ("https://example.com.au/x", "AU"), ("https://www.example.com/x", None),
    ("https://example.tv/x", None), ("https://example.io", None), ("not a url", None), ("", None),
    ("www.example.de/x", "DE"), ("https://www.example.de./x", "DE"), ("http://[::1", None),
])
def test_country_of_the_url_domain(url: str, cc: str | None) -> None:
    assert country_of_tld(url) == cc


def test_the_home_comes_from_the_most_specific_clue(gaz: Gazetteer) -> None:
    def where(source: StorySource | None, home_place: str = "") -> tuple[str, str | None] | None:
        home = story_home(source, gaz, home_place)
        return None if home is None else (home.country_code, home.admin1)

    assert where(StorySource("https://example.co.uk/x", "The Houston Chronicle")) == ("US", "TX")
    assert where(StorySource("https://www.houston.example.com/x")) == ("US", "TX")  # a domain label
    assert where(StorySource("https://www.houston.com/x")) == ("US", "TX")
    assert where(StorySource("https://www.news.example.com/x")) is None
    assert where(StorySource("https://germany.example.com/x")) == ("DE", None)  # a country's name
    assert where(StorySource("https://texas.example.com/x")) == ("US", "TX")  # a state's name
    assert where(StorySource("https://kennebunkport.example.com/x")) is None  # a small town's name
    assert where(StorySource("http://localhost/x")) is None
    assert story_home(StorySource("https://example.co.uk/x"), gaz).reason == "country domain .uk"
    assert story_home(None, gaz, "Germany").reason == "DASHBOARD_HOME_PLACE (Germany)"
    assert where(StorySource("https://www.example.co.uk/x")) == ("GB", None)
    assert where(StorySource("https://www.example.com/x"), "Alexandria, Louisiana") == ("US", "LA")
    assert where(StorySource("https://www.example.com/x")) is None
    assert where(None, "Germany") == ("DE", None)
    assert where(None) is None


def test_a_local_name_leans_to_the_outlets_home(gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Police in Alexandria arrested two men on Friday after a chase."
    home = StorySource("https://www.example.com/local", "The Shreveport Times")
    assert placed(text, gaz)["Alexandria"] == ("city", "EG")
    assert placed(text, gaz, source=home)["Alexandria"] == ("city", "US")
    assert placed(text, gaz, home_place="Louisiana")["Alexandria"] == ("city", "US")
    monkeypatch.setattr(T, "HOME_ADMIN1_BONUS", 0.0)
    monkeypatch.setattr(T, "HOME_COUNTRY_BONUS", 0.0)
    assert placed(text, gaz, source=home)["Alexandria"] == ("city", "EG")


def test_a_country_domain_is_a_prior(gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Flooding closed roads near Richmond overnight."
    uk = StorySource("https://news.example.co.uk/story")
    assert placed(text, gaz, source=uk)["Richmond"] == ("city", "GB")
    monkeypatch.setattr(H, "_home_of_tld", lambda host: None)
    assert placed(text, gaz, source=uk)["Richmond"] == ("city", "US")


def test_a_home_is_a_prior_never_an_override(gaz: Gazetteer) -> None:
    text = "Tourists filled Paris for the summer, and the Seine ran low."
    assert placed(text, gaz, home_place="Paris, Texas")["Paris"] == ("city", "FR")
    assert placed(text, gaz, source=StorySource("https://example.com/x", "The Paris News"))["Paris"] == ("city", "FR")


def test_the_batch_cli_takes_url_and_outlet(gaz: Gazetteer) -> None:
    import io
    import json

    from dashboard.__main__ import run_geoparse

    seen: list[StorySource | None] = []

    def place_text(text: str, source: StorySource | None = None):
        seen.append(source)
        return geoparse(text, gaz, source=source)

    lines = [json.dumps({"id": 1, "text": "Police in Alexandria arrested two men.",
                         "url": "https://www.example.com/x", "outlet": "The Shreveport Times"}),
             json.dumps({"id": 2, "text": "Police in Alexandria arrested two men."}),
             json.dumps({"id": 3, "text": "x", "url": 7})]
    out, err = io.StringIO(), io.StringIO()
    assert run_geoparse(lines, out, err, place_text) == 1
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0]["places"][0]["lon"] < -80 < 0 < rows[1]["places"][0]["lon"]  # Louisiana, then Egypt
    assert rows[2] == {"id": 3, "error": '"url" must be a string'}
    assert seen == [StorySource("https://www.example.com/x", "The Shreveport Times"), StorySource()]


# -- "X, Y" settles it ----------------------------------------------------------------------
def test_town_comma_country_settles_it_over_the_dateline(gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "PERTH, Ont. -- The skater, who moved here from Perth, Australia, won the provincial title."

    def second_perth() -> str | None:
        return [p for p in geoparse(text, gaz) if p.name == "Perth"][0].country_code

    assert second_perth() == "AU"
    monkeypatch.setattr(T, "SETTLED_BY_CONTAINER", False)
    assert second_perth() == "CA"


def test_a_country_before_a_comma_is_not_contained(gaz: Gazetteer) -> None:
    text = "Talks with Russia, U.S. officials said on Wednesday, will resume in Geneva."
    assert placed(text, gaz)["Russia"] == ("country", "RU")


# -- invented stories in the style of the three reports ------------------------------------
STORIES = {
    "thaad": ("SEOUL -- Trucks carried new interceptors to the THAAD battery in Seongju County "
              "overnight, and residents of Seongju-gun blocked the road again. Officials in Seoul "
              "and Washington said the radar watches North Korea."),
    "aegis-ashore": ("TOKYO -- The defense ministry dropped its plan for Aegis Ashore sites in Akita "
                     "Prefecture and Yamaguchi Prefecture. Boosters could fall on Honshu, not into the "
                     "Sea of Japan, officials said, and radars in Tohoku would be used instead."),
    "arrow-3": ("BERLIN -- The first Arrow 3 launchers arrived at Holzdorf air base on the border of "
                "Brandenburg and Saxony, and the Luftwaffe said the system would watch Russia from "
                "the Baltic to the Black Sea."),
}


@pytest.mark.parametrize("story, expected", [
    ("thaad", {"Seongju County": ("unknown", None), "Seongju-gun": ("unknown", None),
               "Seoul": ("city", "KR"), "North Korea": ("country", "KP")}),
    ("aegis-ashore", {"Akita Prefecture": ("admin1", "JP"), "Yamaguchi Prefecture": ("admin1", "JP"),
                      "Honshu": ("region", "JP"), "Sea of Japan": ("region", None), "Tohoku": ("region", "JP")}),
    ("arrow-3", {"Holzdorf": ("city", "DE"), "Brandenburg": ("admin1", "DE"), "Baltic": ("region", None),
                 "Black Sea": ("region", None)}),
])
def test_the_places_the_stories_are_about(story: str, expected: dict, gaz: Gazetteer) -> None:
    got = placed(STORIES[story], gaz, include_unknown=True)
    assert {name: got.get(name) for name in expected} == expected
    assert "Japan" not in got  # the sea's "Japan" is not the country
