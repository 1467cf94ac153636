"""One focused test per resolution rule of ``toponyms.py``, each from an invented sentence.

Every case is checked twice: with the rule as it is (the right place is chosen) and with the
rule removed or its weight set to zero (another place is chosen), so that a rule that stops
mattering, or a weight that drifts to nothing, fails here and not on a reader's story.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from dashboard.core.geoparse import toponyms as T
from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.geoparse.places import CONFIDENT, Place
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.services.gazetteer_file import ensure_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return ensure_gazetteer()


@dataclass(frozen=True)
class Case:
    rule: str  # module attribute of toponyms.py that the case depends on
    off: Any  # its value with the rule removed
    text: str
    name: str  # the mention checked (its first occurrence, or ``nth``)
    expect: Callable[[Place], bool]
    why: str
    nth: int = 0


def cc(code: str, feature: str | None = None) -> Callable[[Place], bool]:
    return lambda p: p.country_code == code and (feature is None or p.feature == feature)


def near(lat: float, lon: float, km: float = 100.0) -> Callable[[Place], bool]:
    def check(p: Place) -> bool:
        return p.lat is not None and abs(p.lat - lat) * 111 < km and abs(p.lon - lon) * 80 < km
    return check


ZERO_KINDS = {"country": 0.0, "admin1": 0.0, "admin2": 0.0, "city": 0.0}

CASES = [
    Case("POP_WEIGHT", 0.0, "Cordoba and Seville saw protests.", "Seville", cc("ES"),
         "the larger namesake (Seville, Spain) wins when nothing else differs"),
    Case("FEATURE_BONUS", ZERO_KINDS, "The envoy to Georgia left.", "Georgia", cc("GE", "country"),
         "a bare name more often means the country than a more populous state"),
    Case("FIXED_SCORE", {"continent": 0.0, "region": 0.0}, "Tourists returned to Crimea.", "Crimea",
         lambda p: p.feature == "region", "a region keeps its fixed score above the area of the same name"),
    Case("DEMONYM_SCORE", 0.0, "Somali pirates seized a ship.", "Somali", cc("SO", "country"),
         "a demonym means its country, not a province named like it"),
    Case("ALT_PENALTY", 0.0, "Students in Edinburg returned.", "Edinburg", cc("US"),
         "a town's own name beats a bigger city's alternate spelling"),
    Case("CAPITAL_BONUS", 0.0, "Talks in Sofia ended.", "Sofia", cc("BG"),
         "a national capital beats its namesakes"),
    Case("AREA_WORD_BONUS", 0.0, "Officials of Santiago province met.", "Santiago",
         lambda p: p.feature == "admin1", "'province' after the name means the area"),
    Case("COUNTRY_BONUS", 0.0, "Fans in Hamilton cheered after New Zealand won the match.", "Hamilton",
         cc("NZ"), "a country named in the story pulls its towns"),
    Case("ADMIN1_BONUS", 0.0, "The mayor of Springfield met farmers from across Illinois on Monday.",
         "Springfield", near(39.8, -89.6), "a state named in the story beats a bigger namesake elsewhere"),
    Case("IMPLIED_ADMIN1_BONUS", 0.0, "Crews from Springfield and Boston fought the fire.", "Springfield",
         near(42.1, -72.6), "a big city of the story implies its state (Massachusetts)"),
    Case("NEIGHBOUR_BONUS", 0.0, "Police in Enfield and Edmonton arrested two men.", "Edmonton", cc("GB"),
         "two names with candidates next to each other: the London pair"),
    Case("RESOLVED_NEIGHBOUR_BONUS", 0.0, "Police in Kingston said the road near Frankfort was closed.",
         "Kingston", cc("US"), "second pass: a place already chosen next door"),
    Case("CONTAINER_BONUS", 0.0, "Officials in Poland, Maine, said the road was closed.", "Poland",
         cc("US", "city"), "'Town, State' settles it, even against a country"),
    Case("DATELINE_ADMIN1_BONUS", 0.0, "ALPHARETTA \u2014 Officials in Madison said the school would reopen.",
         "Madison", near(33.6, -83.5), "the dateline's state is the story's home"),
    Case("DATELINE_COUNTRY_BONUS", 0.0, "ALPHARETTA \u2014 Officials in Naples said the school would reopen.",
         "Naples", cc("US"), "the dateline's country is the story's home"),
    Case("LIST_KIND_BONUS", 0.0, "Arlington, Ontario and Florida signed the pact.", "Florida",
         lambda p: p.feature == "admin1", "a name listed with states is a state"),
    Case("STATE_NAME_COUNTRIES", frozenset(), "Crowds filled the streets of New York.", "New York",
         lambda p: p.feature == "admin1", "a US state's bare name is the state"),
    Case("PASSES", 1, "Fires burned in Washington and Oregon.", "Washington", lambda p: p.feature == "admin1",
         "the second pass sees Oregon chosen as a state"),
    Case("_one_sense_per_name", lambda ctx, choices: choices,
         "Police in Paris, Texas, said a man from Paris was held near Versailles.", "Paris", near(33.7, -95.6),
         "one sense per name per story: the second Paris is the first one", nth=1),
    Case("_prefer_broad_names", lambda ctx, i, ranked: ranked,
         "Officials in Baltimore and Dundalk discussed the Middle East.", "Middle East",
         lambda p: p.feature == "region", "a region beats a namesake town next to the story's places"),
    Case("BIG_CAPITAL_POPULATION", float("inf"), "U.S. officials met in Dublin and London.", "Dublin", cc("IE"),
         "a big capital's name means the capital, not the namesake towns of the story's country"),
    Case("_dateline_state", lambda ctx, i, e: False,
         "BANGOR, Maine \u2014 Officials in Poland said the road was closed.", "Poland", cc("US", "city"),
         "a country's name yields to a town of the dateline's state"),
    Case("standalone_state", lambda text, start, end: None,
         "WASHINGTON (AP) \u2014 Lawmakers from Pittsburgh, Pa., and Erie met on Friday.", "WASHINGTON",
         near(38.9, -77.0), "an AP stand-alone dateline is the big city, whatever state the story names"),
    Case("_prefer_city_over_namesake_area", lambda ranked, area_word: ranked,
         "Farmers in Aleppo waited for aid.", "Aleppo", lambda p: p.feature == "city",
         "a city beats the same-named area it dominates"),
]


def _pick(places: tuple[Place, ...], case: Case) -> Place:
    found = [p for p in places if p.name == case.name]
    assert len(found) > case.nth, f"{case.name!r} not found in {[p.name for p in places]}"
    return found[case.nth]


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_rule_chooses_the_right_place(case: Case, gaz: Gazetteer) -> None:
    place = _pick(geoparse(case.text, gaz), case)
    assert case.expect(place), f"{case.why}: got {place}"


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_rule_is_what_decides(case: Case, gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(T, case.rule, case.off)
    place = _pick(geoparse(case.text, gaz), case)
    assert not case.expect(place), f"{case.rule} off should change the choice ({case.why})"


def test_a_dateline_with_a_state_is_the_town(gaz: Gazetteer) -> None:
    text = "WASHINGTON, Pa. \u2014 Lawmakers from Pittsburgh and Erie met on Friday."
    assert near(40.2, -80.2)(geoparse(text, gaz)[0])


def test_county_list_names_counties(gaz: Gazetteer) -> None:
    got = geoparse("A flood hit Potter and Randall counties in Texas.", gaz)
    potter, randall = got[0], got[1]
    assert (potter.name, potter.feature, potter.country_code) == ("Potter", "admin2", "US")
    assert randall.feature == "admin2" and near(35.0, -101.9, 150)(randall) and near(35.0, -101.9, 150)(potter)


def test_the_ocean(gaz: Gazetteer) -> None:
    (pacific,) = geoparse("Ships crossed the Pacific.", gaz)
    assert pacific.feature == "region" and pacific.lat == pytest.approx(30.0)


def test_a_state_named_in_the_story_does_not_make_a_country_a_town(gaz: Gazetteer) -> None:
    text = "The plan puts interceptors in Poland. The president will host the talks in Maine."
    assert geoparse(text, gaz)[0].feature == "country"


def test_postal_code_container(gaz: Gazetteer) -> None:
    assert near(40.1, -83.1)(geoparse("Police in Dublin, OH, arrested a man.", gaz)[0])


def test_the_capital_beats_its_state_unless_the_text_says_state(gaz: Gazetteer) -> None:
    assert geoparse("Talks in Washington ended on Friday.", gaz)[0].feature == "city"
    assert geoparse("Voters in Fayette County lined up early.", gaz)[0].feature == "admin2"


# -- confidence ---------------------------------------------------------------------------------
def test_confidence_comes_from_the_table_and_the_margin(gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    (sure,) = geoparse("Prices fell in Mexico.", gaz)
    assert sure.confidence >= CONFIDENT and sure.confident
    (unsure,) = geoparse("The victim, of Athens, was taken home.", gaz)
    assert unsure.confidence < CONFIDENT and not unsure.confident
    monkeypatch.setattr(T, "MARGIN_STEP", 0.0)
    (flat,) = geoparse("Prices fell in Mexico.", gaz)
    assert flat.confidence != sure.confidence


def test_confidence_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    def entry(feature: str, precision: float = 10.0) -> T.GazetteerEntry:
        return T.GazetteerEntry(1, "X", 0.0, 0.0, feature, "US", "XX", 1000, precision)

    only = T._Choice(entry("city"), 1.0, "only candidate", 0.0)
    assert T._confidence(only) == T.CONFIDENCE_TABLE[("only candidate", "city")]  # no margin term
    wide = T._Choice(entry("admin1", T.WIDE_KM + 1), 5.0, "population", 1.0)
    area = T._Choice(entry("admin1", T.WIDE_KM - 1), 5.0, "population", 1.0)
    assert T._confidence(wide) == T.CONFIDENCE_TABLE[("population", "wide")]
    assert T._confidence(area) == T.CONFIDENCE_TABLE[("population", "area")]
    narrow = T._Choice(entry("city"), 5.0, "population", 0.0)
    broad = T._Choice(entry("city"), 5.0, "population", 5.0)
    base = T.CONFIDENCE_TABLE[("population", "city")]
    assert T._confidence(narrow) == pytest.approx(base - T.MARGIN_STEP * T.MARGIN_CENTRE)
    assert T._confidence(broad) == pytest.approx(base + T.MARGIN_STEP * (2.0 - T.MARGIN_CENTRE))
    unknown = T._Choice(entry("admin2"), 5.0, "no such rule", 1.0)
    assert T._confidence(unknown) == T.DEFAULT_CONFIDENCE
    monkeypatch.setitem(T.CONFIDENCE_TABLE, ("population", "city"), 5.0)
    assert T._confidence(narrow) == T.MAX_CONFIDENCE
    monkeypatch.setitem(T.CONFIDENCE_TABLE, ("population", "city"), -5.0)
    assert T._confidence(narrow) == T.MIN_CONFIDENCE


def test_x_city_follows_the_bare_name(gaz: Gazetteer) -> None:
    text = "OAKTON, Ohio -- The Dublin City Council voted; residents of Dublin and Worthington spoke."
    got = {p.name: p for p in geoparse(text, gaz)}
    assert (got["Dublin City"].lat, got["Dublin City"].lon) == (got["Dublin"].lat, got["Dublin"].lon)
    assert got["Dublin"].country_code == "US"


@pytest.mark.parametrize("text, name, where", [
    ("Crews from Hot Springs and Little Rock drove to Paris and London.", "Paris", near(35.3, -93.7)),
    ("The Dublin council met. Columbus officials and Ohio lawmakers came.", "Dublin", near(40.1, -83.1)),
    ("U.S. officials met in Salisbury.", "Salisbury", cc("US")),  # only Harare's old name
])
def test_a_big_capital_yields_to_a_town_the_story_points_at(text: str, name: str, where, gaz: Gazetteer) -> None:
    assert where(next(p for p in geoparse(text, gaz) if p.name == name))
