"""Place-mention extraction on small synthetic texts and the seed article."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.core.geoparse.article import load_article
from dashboard.core.geoparse.datelines import standalone_state
from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.geoparse.mentions import Mention, explain_mentions, extract_mentions
from dashboard.services.gazetteer_file import ensure_gazetteer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return ensure_gazetteer()


def names(text: str, gaz: Gazetteer, **kw) -> list[str]:
    found = extract_mentions(text, gaz, **kw)
    for m in found:
        assert text[m.start:m.end] == m.name
    return [m.name for m in found]


SUMMIT = (
    "Leaders of Britain, Canada, France, Germany, Italy, Japan, Russia and the United States met "
    "at the G8 summit. Guests came from China, India, Brazil and Mexico. President Bush said the "
    "U.S. plan would put a radar in the Czech Republic and interceptors in Poland against missiles "
    "from Iran. Russian President Vladimir Putin proposed the Azerbaijani radar in Azerbaijan "
    "instead, outside Europe. National Security Adviser Steve Hadley briefed reporters. George Bush "
    "will host Putin at the Bush family compound in Maine next month."
)


def test_summit_text_finds_every_country_and_no_people(gaz: Gazetteer) -> None:
    found = names(SUMMIT, gaz)
    for country in ("Britain", "Canada", "France", "Germany", "Italy", "Japan", "Russia",
                    "United States", "China", "India", "Brazil", "Mexico", "Czech Republic",
                    "Poland", "Iran", "Azerbaijan", "U.S."):
        assert country in found, country
    assert "Europe" in found and "Maine" in found
    for wrong in ("Bush", "Putin", "Hadley", "G8", "Vladimir", "Steve", "George"):
        assert wrong not in found, wrong


def test_seed_article(gaz: Gazetteer) -> None:
    text = load_article(ROOT / "data" / "articles" / "voa-2007-06-07-putin-gabala-offer.md").text
    found = set(names(text, gaz))
    expected = {"Germany", "Azerbaijan", "Czech Republic", "Poland", "Iran", "Britain", "Canada",
                "France", "Italy", "Japan", "Russia", "United States", "China", "India", "Brazil",
                "Mexico", "U.S.", "Europe", "Maine"}
    assert expected <= found
    assert not found & {"Bush", "Putin", "Hadley", "G8", "White House", "Vladimir", "Stearns"}


def test_offsets_are_exact_python_offsets(gaz: Gazetteer) -> None:
    text = "Café talk: “Russia’s envoy” left Côte d’Ivoire for São Paulo via Zürich."
    found = extract_mentions(text, gaz)
    assert Mention("Russia", text.index("Russia"), text.index("Russia") + 6) in found
    assert "São Paulo" in [m.name for m in found]
    assert "Zürich" in [m.name for m in found]
    for m in found:
        assert text[m.start:m.end] == m.name


def test_common_names_abbreviations_and_regions(gaz: Gazetteer) -> None:
    text = ("The U.K. and Holland joined Czechia. Tension grew in the Middle East and the Caucasus. "
            "He moved from Texas to Louisville, Ky. last year.")
    found = names(text, gaz)
    for name in ("U.K.", "Holland", "Czechia", "Middle East", "Caucasus", "Texas", "Louisville", "Ky."):
        assert name in found, name


def test_small_places_need_a_cue(gaz: Gazetteer) -> None:
    assert "Kennebunkport" in names("The talks will be held in Kennebunkport in July.", gaz)
    assert "Kennebunkport" in names("He flew to Kennebunkport, Maine, on Sunday.", gaz)
    assert "Kennebunkport" not in names("Kennebunkport Smith signed the letter.", gaz)


def test_unaccented_surname_is_not_an_accented_town(gaz: Gazetteer) -> None:
    # "Bush" folds to the Egyptian city "Būsh" (136,000 people): without a place cue it is a name.
    assert "Bush" not in names("Putin met Bush in Kennebunkport, Maine.", gaz)
    assert "Bush" in names("Protesters marched in Bush on Sunday.", gaz)


def test_datelines(gaz: Gazetteer) -> None:
    found = names("WASHINGTON (AP) \u2014 Officials met on Monday.\nLONDON, Ky. \u2014 A fire broke out.", gaz)
    assert found[:2] == ["WASHINGTON", "LONDON"] and "Ky." in found
    assert "WASHINGTON" not in names("The WASHINGTON office replied.", gaz)


@pytest.mark.parametrize("text, name, state", [
    ("WASHINGTON (AP) \u2014 Officials met.", "WASHINGTON", "DC"),
    ("ST. LOUIS \u2014 The team won.", "ST. LOUIS", "MO"),
    ("NEW  YORK -- Shares fell.", "NEW  YORK", "NY"),
    ("WASHINGTON, Pa. \u2014 Officials met.", "WASHINGTON", None),  # a state after it: the town
    ("ARLINGTON \u2014 The council met.", "ARLINGTON", None),  # not on the AP list
    ("WASHINGTON officials met.", "WASHINGTON", None),  # no dateline tail
])
def test_ap_standalone_datelines(text: str, name: str, state: str | None) -> None:
    assert standalone_state(text, 0, len(name)) == state


def test_person_names_are_not_places(gaz: Gazetteer) -> None:
    text = ("Jordan Spieth won the tournament. Spieth said the wind helped. Chad Smith played drums; "
            "Smith later toured. Georgia Stevens, 9, skates well, said Cory Stevens. Georgia began at "
            "four. Mr. Houston arrived with Gen. Paris.")
    found = names(text, gaz)
    for wrong in ("Jordan", "Chad", "Georgia", "Houston", "Paris"):
        assert wrong not in found, wrong


def test_surname_found_once_is_dropped_everywhere(gaz: Gazetteer) -> None:
    text = "Stephen Hadley spoke first. Later, Hadley returned to the podium."
    assert "Hadley" not in names(text, gaz)


def test_common_words_months_and_streets(gaz: Gazetteer) -> None:
    text = ("In May and March the Police met on Church Street. Reading the report, the Centre "
            "said nothing; us too. The South Regional Jail is full.")
    found = names(text, gaz)
    assert not set(found) & {"May", "March", "Police", "Church Street", "Reading", "Centre", "us", "South"}


def test_country_names_with_org_words_stay(gaz: Gazetteer) -> None:
    found = names("The Kentucky State Police and the Canada Border Services Agency met.", gaz)
    assert "Kentucky" in found and "Canada" in found


def test_demonyms(gaz: Gazetteer) -> None:
    text = "The Russian leader met Turkish troops. He shouted in Turkish, and Americans cheered."
    found = extract_mentions(text, gaz)
    assert [m.name for m in found] == ["Russian", "Turkish"]
    assert names(text, gaz, demonyms=False) == []


def test_us_only_in_capitals(gaz: Gazetteer) -> None:
    assert names("Putin Offers to Join US Missile Defense Plan", gaz) == ["US"]
    assert names("Tell us more about it.", gaz) == []


def test_explain_gives_rules(gaz: Gazetteer) -> None:
    judged = explain_mentions("President Bush went to Poland.", gaz)
    rules = {j.mention.name: (j.kept, j.rule) for j in judged}
    assert rules["Bush"] == (False, "title before")
    assert rules["Poland"][0] is True


def test_empty_and_lowercase_texts(gaz: Gazetteer) -> None:
    assert extract_mentions("", gaz) == ()
    assert extract_mentions("nothing capitalised here, not even paris.", gaz) == ()
