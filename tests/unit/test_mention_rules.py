"""Focused tests of the mention rules added for local and wire news, from invented sentences:
datelines, abbreviations, postal codes, county lists, compound regions, words that are mostly
not places, and the ocean."""
from __future__ import annotations

import pytest

from dashboard.core.geoparse import mentions as M
from dashboard.core.geoparse.datelines import is_dateline
from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.geoparse.mentions import explain_mentions, extract_mentions
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.services.gazetteer_file import ensure_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return ensure_gazetteer()


def names(text: str, gaz: Gazetteer) -> list[str]:
    return [m.name for m in extract_mentions(text, gaz)]


def rules(text: str, gaz: Gazetteer) -> dict[str, tuple[bool, str]]:
    return {j.mention.name: (j.kept, j.rule) for j in explain_mentions(text, gaz)}


# -- datelines --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, name", [
    ("WASHINGTON \u2014 Lawmakers met on Monday.", "WASHINGTON"),
    ("Storm closes roads. CHARLESTON, W.Va. -- Crews worked all night.", "CHARLESTON"),
    ("Rally draws crowd. BEIRUT (Reuters) - Thousands marched.", "BEIRUT"),
    ("MOSCOW: The ministry said nothing.", "MOSCOW"),
    ("Posted May 4, 2011 SACRAMENTO -- The board met.", "SACRAMENTO"),
    ("Bridge reopens. SAN FRANCISCO \u2014 Traffic resumed.", "SAN FRANCISCO"),
])
def test_datelines_in_capitals_are_places(text: str, name: str, gaz: Gazetteer) -> None:
    assert name in names(text, gaz)
    start = text.index(name)
    assert is_dateline(text, start, start + len(name))


@pytest.mark.parametrize("text, name", [
    ("The WASHINGTON office replied.", "WASHINGTON"),  # capitals inside a sentence
    ("He said PARIS-based firms left.", "PARIS"),  # a hyphen that joins words is no dash
    ("Visit PARIS now.", "PARIS"),  # no dateline tail
    ("Washington \u2014 the city \u2014 waited.", "Washington"),  # not in capitals
])
def test_capitals_elsewhere_are_not_datelines(text: str, name: str) -> None:
    start = text.index(name)
    assert not is_dateline(text, start, start + len(name))


def test_dateline_after_a_date_or_at_a_line_start(gaz: Gazetteer) -> None:
    assert is_dateline("Filed 2009 NEWARK -- ok", 11, 17)
    assert is_dateline("Intro\nLONDON, Ky. A fire broke out.", 6, 12)  # line start: the state suffices
    assert not is_dateline("Intro. LONDON, Ky. A fire broke out.", 7, 13)  # mid-line: needs the dash
    assert not is_dateline("Intro, LONDON \u2014 fire.", 7, 13)  # after a comma: not a story's start


def test_dateline_state_decides_the_town_and_the_story(gaz: Gazetteer) -> None:
    got = {p.name: p for p in geoparse("Fire hits plant. CHARLESTON, W.Va. -- Crews from nearby towns helped.", gaz)}
    assert got["CHARLESTON"].country_code == "US" and abs(got["CHARLESTON"].lon + 81.6) < 0.5
    assert "W.Va." in got and got["W.Va."].feature == "admin1"  # one token, not "Va."
    assert "Va." not in got


# -- abbreviations and postal codes -----------------------------------------------------------
def test_abbreviations(gaz: Gazetteer) -> None:
    got = {p.name: p for p in geoparse("He flew from N.Y.C. to D.C. after the EU and the U.K. agreed.", gaz)}
    assert got["N.Y.C."].feature == "city" and got["N.Y.C."].country_code == "US"
    assert got["D.C."].feature == "admin1" and abs(got["D.C."].lat - 38.9) < 0.2
    assert got["EU"].feature == "region" and abs(got["EU"].lon - 4.4) < 0.5
    assert got["U.K."].country_code == "GB"


def test_postal_codes_only_after_a_place(gaz: Gazetteer) -> None:
    assert rules("Police in Dublin, OH, arrested a man.", gaz)["OH"] == (True, "postal code after a place")
    assert "OH" not in names("OH, what a day.", gaz)
    assert "IN" not in names("IN THE NEWS: rain.", gaz)
    assert names("He moved to Reno, NV, last year.", gaz) == ["Reno", "NV"]


def test_saint_mount_and_fort_short_forms(gaz: Gazetteer) -> None:
    assert "St. Cloud" in names("A fire in St. Cloud destroyed a trailer.", gaz)
    assert "Mt. Airy" in names("The band from Mt. Airy won.", gaz)


def test_saints_institutions_are_not_towns(gaz: Gazetteer) -> None:
    assert rules("She studied at St. John's University in the city.", gaz)["St. John"] == (False, "institution name")


# -- counties, regions, generic words ---------------------------------------------------------
def test_county_list(gaz: Gazetteer) -> None:
    text = "Rain flooded roads in Potter, Randall and Van Zandt counties on Friday."
    assert names(text, gaz)[:3] == ["Potter", "Randall", "Van Zandt"]  # neither Potter nor Van Zandt is a town
    assert rules(text, gaz)["Randall"] == (True, "county list")
    assert M.county_list_follows(text, text.index("Potter") + 6)
    assert not M.county_list_follows("Potter and Randall met.", 6)
    assert not M.county_list_follows("Potter County met.", 6)  # one county is named by its own hit


def test_compound_regions_are_regions(gaz: Gazetteer) -> None:
    got = geoparse("Asian-Pacific markets fell while Asia-Pacific leaders met on Euro-Atlantic security.", gaz)
    assert [(p.name, p.feature) for p in got] == [
        ("Asian-Pacific", "region"), ("Asia-Pacific", "region"), ("Euro-Atlantic", "region")]


@pytest.mark.parametrize("word", ["Arab", "Pacific", "Mobile", "Reading", "Bath", "Toyota", "Port", "Harbour"])
def test_words_that_are_mostly_not_places(word: str, gaz: Gazetteer) -> None:
    assert word not in names(f"The {word} deal was signed by {word} officials.", gaz)


def test_a_strong_cue_makes_them_places(gaz: Gazetteer) -> None:
    assert rules("A storm hit Mobile, Ala., overnight.", gaz)["Mobile"] == (True, "city, state after comma")
    assert rules("Leaders met in the city of Arab on Monday.", gaz)["Arab"][0] is True
    assert rules("Leaders met in Arab on Monday.", gaz)["Arab"] == (False, "generic word")  # "in" is weak


def test_the_pacific_alone_is_the_ocean(gaz: Gazetteer) -> None:
    assert rules("Ships crossed the Pacific.", gaz)["Pacific"] == (True, "the ocean")
    assert "Pacific" not in names("The Pacific coast was calm.", gaz)
    assert "Atlantic" not in names("A video by The Atlantic went viral.", gaz)  # a title


def test_eu_is_a_place_as_a_noun_not_as_a_modifier(gaz: Gazetteer) -> None:
    assert "EU" in names("Norway never joined the EU, and Iceland left the E.U. talks.", gaz)
    found = names("EU leaders met. The Canada-EU deal and the EU-Canada pact passed.", gaz)
    assert "EU" not in found and "Canada" in found


def test_saints_pairs_and_dedications_are_not_towns(gaz: Gazetteer) -> None:
    assert "St. Peter" not in names("Bells rang at the church of St. Peter on Sunday.", gaz)
    assert "St. Peter" not in names("A mass for St. Peter and St. Paul was held.", gaz)
    assert "St. Peter" in names("The council of St. Peter, Minn., met.", gaz)


def test_a_preposition_governing_another_noun_is_no_cue(gaz: Gazetteer) -> None:
    assert "Lucy" not in names("The nurse slid a tube into Lucy's windpipe.", gaz)
    assert "Millfield" not in names("Judges met at Millfield Theatre on Friday.", gaz)
    assert "Millfield" in names("Judges met in Millfield on Friday.", gaz)


def test_villages_of_500_people_with_a_cue(gaz: Gazetteer) -> None:
    # GeoNames places of 500-999 people are in the gazetteer and need a cue like other small places
    small = [e for e in gaz.candidates("Holly Pond") if e.feature == "city"]
    assert small and all(500 <= e.population < 1000 for e in small)
    assert "Holly Pond" in names("The board met in Holly Pond on Monday.", gaz)
    assert "Holly Pond" not in names("The Holly Pond team won on Monday.", gaz)


def test_small_place_next_to_a_cued_town(gaz: Gazetteer) -> None:
    text = "A crash in Chinnor left two hurt; Watlington crews helped."
    assert rules(text, gaz)["Watlington"] == (True, "small place next to a cued town")
    far = "A crash in Hartford left two hurt; Watlington crews helped."  # no namesake nearby
    assert rules(far, gaz)["Watlington"] == (False, "small place without a cue")
    assert rules("Watlington crews helped.", gaz)["Watlington"] == (False, "small place without a cue")
    hyphen = "A crash in Chinnor left two hurt; Watlington-Smith crews helped."
    assert not any(j.kept for j in explain_mentions(hyphen, gaz) if j.mention.name == "Watlington")
    person = ("A crash in Chinnor left two hurt. Watlington fled. Watlington was caught. "
              "Watlington was charged.")  # a name used three times without a cue is a person's
    assert not any(j.kept for j in explain_mentions(person, gaz) if j.mention.name == "Watlington")


# -- cues and the words around a name -----------------------------------------------------------
@pytest.mark.parametrize("verb", ["said", "says", "told", "added", "wrote", "asked", "reported", "reports",
                                  "news agency"])
def test_a_name_before_a_speech_verb_is_a_speaker(verb: str, gaz: Gazetteer) -> None:
    text = f"Officials in Texas met on Monday. Lancaster {verb} the plan was final."
    assert rules(text, gaz)["Lancaster"] == (False, "speaker")
    assert rules("Officials in Texas met on Monday. Lancaster voted.", gaz)["Lancaster"] == (True, "big city")


@pytest.mark.parametrize("text", [
    "Tega Cay, S.C., hosted the fair.",  # an abbreviation with its full stop
    "Tega Cay, SC hosted the fair.",  # a postal code
    "Tega Cay, Ohio, grew.",
    "Tega Cay, South Carolina, grew.",  # a state of two words
    "Tega Cay, Rhode Island, grew.",  # whose first word alone is no place
])
def test_a_state_after_the_comma_is_a_cue(text: str, gaz: Gazetteer) -> None:
    assert rules(text, gaz)["Tega Cay"] == (True, "city, state after comma")


@pytest.mark.parametrize("text", [
    "Tega Cay, Jones grew.",  # a town after the comma, not a state
    "Tega Cay, EU officials said.",  # two capitals that are no postal code
    "Tega Cay, (pop. 7,620) grew.",  # no word after the comma
    "Tega Cay hosted the fair.",
])
def test_no_state_after_the_comma_is_no_cue(text: str, gaz: Gazetteer) -> None:
    assert rules(text, gaz)["Tega Cay"] == (False, "small place without a cue")


@pytest.mark.parametrize("text", [
    "Crews reached Tega Cay and Fort Mill.",
    "Crews reached Tega Cay or Fort Mill.",
    "Crews reached Tega Cay, Fort Mill and Rock Hill.",
])
def test_a_town_listed_after_a_kept_place_is_kept(text: str, gaz: Gazetteer) -> None:
    assert rules(text, gaz)["Fort Mill"] == (True, "city in a list of places")


@pytest.mark.parametrize("text", ["Officials and Tega Cay voters met.", "Officials or Tega Cay voters met.",
                                  "Officials, Tega Cay voters met.", "Fort Mill grew. Tega Cay grew."])
def test_a_list_without_a_kept_place_before_is_no_cue(text: str, gaz: Gazetteer) -> None:
    assert rules(text, gaz)["Tega Cay"] == (False, "small place without a cue")


@pytest.mark.parametrize("text, kept", [
    ("A crash in Chinnor left two hurt; Kowalczyk-Watlington crews helped.", False),  # a double surname
    ("A crash in Chinnor left two hurt; Chinnor-Watlington crews helped.", True),  # two places joined
])
def test_a_name_joined_by_a_hyphen_to_a_word_that_is_no_place_is_a_persons(
    text: str, kept: bool, gaz: Gazetteer
) -> None:
    assert rules(text, gaz)["Watlington"][0] is kept


def test_a_city_known_by_an_older_name_counts_with_its_population(gaz: Gazetteer) -> None:
    info = gaz.names["rangoon"]  # only another name of Yangon: no town is called Rangoon
    assert info.city_pop == 0
    assert rules("Flights came in from Rangoon.", gaz)["Rangoon"] == (True, "city, preposition")


def test_a_name_written_with_its_diacritics_is_an_ordinary_small_place(gaz: Gazetteer) -> None:
    assert rules("K\u00f3rnik grew.", gaz)["K\u00f3rnik"] == (False, "small place without a cue")


def test_an_organisation_code_joined_by_a_hyphen_or_before_a_noun_is_a_modifier(gaz: Gazetteer) -> None:
    assert rules("The Canada-EU deal was signed.", gaz)["EU"] == (False, "organisation as a modifier")
    assert rules("A Canada-EU and Mexico deal was signed.", gaz)["EU"] == (False, "organisation as a modifier")
    assert rules("Britain joined the EU Tuesday.", gaz)["EU"] == (True, "country/area")
    assert rules("He spoke of the EU Commission.", gaz)["EU"] == (True, "country/area")


def test_the_ocean_needs_the_lower_case_article_or_a_sentence_start(gaz: Gazetteer) -> None:
    assert rules("Ships left port. The Pacific is wide.", gaz)["Pacific"] == (True, "the ocean")
    assert rules("Stories ran in The Atlantic.", gaz)["Atlantic"] == (False, "generic word")  # a title
    assert rules("Pacific storms grew.", gaz)["Pacific"] == (False, "generic word")


# -- a first name, a surname ----------------------------------------------------------------------
@pytest.mark.parametrize("text, surname", [
    ("Jordan Stevens won the race. Fans thanked Stevens", True),  # the word recurs alone, last
    ("Jordan Stevens won the race. Jordan Stevens smiled. Stevens said it was hard.", True),
    ("Jordan Stevens won the race. Stevens Point cheered. Stevens said it was hard.", True),
    ("Jordan Stevens won the race. Jordan Stevens smiled.", False),  # only after the same name
    ("Jordan Stevens won the race. Fans cheered in Stevens Point", False),  # inside another name
])
def test_a_country_is_a_first_name_only_when_the_next_word_recurs_alone(
    text: str, surname: bool, gaz: Gazetteer
) -> None:
    judged = [(j.kept, j.rule) for j in explain_mentions(text, gaz) if j.mention.name == "Jordan"]
    assert judged and all(rule == ((False, "surname after") if surname else (True, "country/area"))
                          for rule in judged), judged


# -- demonyms and languages -------------------------------------------------------------------------
@pytest.mark.parametrize("text, demonym, kept", [
    ("He was held in Turkish custody.", "Turkish", True),
    ("Hackers made into Russian networks.", "Russian", True),
    ("He replied in Turkish, then left.", "Turkish", False),
    ("He translated it into Russian, slowly.", "Russian", False),
    ("He spoke French, fluently.", "French", False),
    ("Native American leaders met.", "American", False),
    ("Afro-Cuban music played. Anglo-French talks ended.", "French", False),
    ("French-speaking voters met.", "French", False),
    ("The French language thrives.", "French", False),
    ("French speakers met.", "French", False),
])
def test_a_demonym_is_a_place_unless_it_names_a_language_or_a_compound(
    text: str, demonym: str, kept: bool, gaz: Gazetteer
) -> None:
    assert rules(text, gaz)[demonym] == ((True, "demonym") if kept else (False, "demonym not kept"))


@pytest.mark.parametrize("text, pos, start", [
    ("Paris", 0, True),
    ("Go. (Paris", 5, True),
    ('"Paris', 1, True),
    ("\u201cParis", 1, True),
    ("He left! Paris", 9, True),
    ("Why? Paris", 5, True),
    ("Notes:\nParis", 7, True),
    ("Notes: Paris", 7, True),
    ("a; Paris", 3, True),
    ("\u201d Paris", 2, True),
    ("war \u2014 Paris", 6, True),
    ("war\u2014Paris", 4, True),
    ("a Paris", 2, False),
    ("aX Paris", 3, False),
    ("X Paris", 2, False),
    ("left, Paris", 6, False),
])
def test_sentence_start(text: str, pos: int, start: bool) -> None:
    assert M._sentence_start(text, pos) is start


# -- every rule of the decision, by the name it gives (the explain view shows it) ------------------
@pytest.mark.parametrize("text, name, judged", [
    ("Talks with the US ended.", "US", (True, "capitals code")),
    ("Mr. Dale met in August.", "August", (False, "common word")),
    ("Crews met the ORE team.", "ORE", (False, "short capitals")),
    ("Traffic on Tega Cay Road stopped.", "Tega Cay", (False, "street name")),
    ("PARIS \u2014 Talks ended.", "PARIS", (True, "dateline")),
    ("Talks in PARIS ended.", "PARIS", (False, "capitals outside a dateline")),
    ("Talks ended in Kowalczyk-Tega Cay.", "Tega Cay", (False, "part of a hyphenated name")),
    ("Students at Tega Cay College met.", "Tega Cay", (False, "institution name")),
    ("Students at St. Albans's College met.", "St. Albans", (False, "institution name")),
    ("A mass for St. Albans and St. George was held.", "St. Albans", (False, "saint's name")),
    ("Bells rang at the church of St. Albans on Sunday.", "St. Albans", (False, "saint's name")),
    ("Lancaster Smith won. Lancaster Smith spoke. Smith and Lancaster left.", "Lancaster",
     (False, "person's name in this text")),
    ("Officials in Boone County met.", "Boone County", (True, "county")),
    ("Commerce grew. The commerce was slow.", "Commerce", (False, "common word in this text")),
    ("Officials met Bush on Monday.", "Bush", (False, "matches only a name written with diacritics")),
    ("Officials in Ohio said Bellbrook grew.", "Bellbrook", (True, "city in a named state/province")),
    ("Officials in Texas said Tega Cay grew.", "Tega Cay", (False, "small place without a cue")),
    ("Officials in Chinnor, Oxfordshire, met.", "Oxfordshire", (True, "area after a place")),
    ("Tega Cay, SC hosted the fair.", "SC", (True, "postal code after a place")),
])
def test_each_rule_decides_its_own_case(text: str, name: str, judged: tuple[bool, str], gaz: Gazetteer) -> None:
    assert rules(text, gaz)[name] == judged
