"""Which topics an article gets, and which of its sentences refer to a site (not merely to the
site's country). Invented sentences test the rules; the bundled articles test the data."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.geoparse.article import load_article, sentence_at, split_sentences
from dashboard.core.topics.catalogue import attach_topics, load_catalogue
from dashboard.services.articles import bundled_articles_dir, catalogue
from tests.topic_fixture import FILES, write_topic

CATALOGUE = catalogue()
VOA = load_article(bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md")
USACE = load_article(bundled_articles_dir() / "usace-2016-01-07-romania-missile-defense-complex.md")

# Hand-labelled: (sentence index, site) for every sentence of the VOA article that refers to a
# curated site, by name, alias or indirect phrase. Sentences that only name a country
# ("the president of Azerbaijan") are not mentions of the Gabala radar.
VOA_LABELS = {
    (0, "gabala-radar"),  # a Soviet-built radar base in Azerbaijan
    (2, "gabala-radar"),  # a Soviet-built radar station in Azerbaijan
    (6, "heiligendamm"),  # the G8 summit in Germany
    (7, "gabala-radar"),  # the Soviet-era base
    (8, "czech-radar"),  # a radar base in the Czech Republic
    (8, "poland-interceptors"),  # interceptor missiles in Poland
    (8, "iran"),  # missiles from Iran
    (9, "gabala-radar"),  # the Azerbaijani radar
    (16, "kennebunkport"),  # the Bush family compound in Maine
    (18, "heiligendamm"),  # "attending the summit": an anaphor the phrases do not catch
}


def _found(article) -> set[tuple[int, str]]:
    sentences = split_sentences(article.text)
    return {(sentence_at(sentences, m.start).index, m.site_id) for m in attach_topics(article.text, CATALOGUE, article.date).mentions}


def test_site_mentions_on_the_voa_article_are_precise() -> None:
    found = _found(VOA)
    true = found & VOA_LABELS
    precision, recall = len(true) / len(found), len(true) / len(VOA_LABELS)
    assert precision == 1.0, f"sentences wrongly credited to a site: {sorted(found - VOA_LABELS)}"
    assert recall >= 0.9, f"missed: {sorted(VOA_LABELS - found)}"
    assert (4, "gabala-radar") not in found and (3, "gabala-radar") not in found  # they name Azerbaijan only


def test_the_voa_article_gets_its_six_2007_sites_and_no_epaa_site() -> None:
    attached = attach_topics(VOA.text, CATALOGUE, VOA.date)
    assert [t.id for t in attached.topics] == ["missile-defense-2007"]
    assert {m.site_id for m in attached.mentions} == {
        "czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport"}


def test_the_usace_article_gets_the_epaa_topic_only() -> None:
    attached = attach_topics(USACE.text, CATALOGUE, USACE.date)
    assert [t.id for t in attached.topics] == ["epaa"]
    assert "deveselu-aegis-ashore" in {m.site_id for m in attached.mentions}


def test_an_unrelated_story_gets_no_topic() -> None:
    text = "The mayor of Hanoi opened a bridge over the Red River. Vietnam's exports to Poland grew."
    assert attach_topics(text, CATALOGUE).topics == ()


# The atlas's phrases for a site named by the town or area it stands in (references.csv): the town
# counts in a sentence about the installation's kind, never alone or beside any radar.
ATLAS_PHRASES = [
    ("Engineers finished the radar at Pechora in the far north.", {"pechora-radar"}),
    ("A Voronezh radar near Orsk went on duty.", {"orsk-voronezh"}),
    ("The early-warning radar at Beale was upgraded.", {"beale-uewr"}),
    ("The Pave Paws radar on Cape Cod watches the Atlantic.", {"cape-cod-uewr"}),
    ("The Voronezh radar in Kaliningrad covers Europe.", {"pionersky-voronezh"}),
    ("The Aegis Ashore survey at Araya contained errors.", {"araya-aegis-ashore"}),
    ("Seongju's THAAD battery was resupplied.", {"seongju-thaad"}),
    ("Trucks entered the former Lotte Skyhill course.", {"seongju-thaad"}),
    ("The US radar in Turkey feeds NATO.", {"kurecik-radar"}),
    ("A new radar on Sado Island watches the Sea of Japan.", {"sado-fps5"}),
    ("NATO's missile defence command at Ramstein took charge.", {"ramstein-command"}),
    ("Doppler radar showed rain over Cape Cod on Sunday.", set()),
    ("Orsk and Barnaul celebrated their city days.", set()),
    ("The Ramstein group pledged Patriot missile defense systems for Ukraine.", set()),
    ("Police radar caught drivers in Minato ward.", set()),
]


@pytest.mark.parametrize(("sentence", "sites"), ATLAS_PHRASES)
def test_an_installation_is_named_by_its_town_only_in_a_sentence_about_it(sentence: str, sites: set[str]) -> None:
    assert {m.site_id for m in attach_topics(sentence, CATALOGUE).mentions} == sites


def test_the_phrase_is_the_town_not_the_words_between() -> None:
    # a place named between "radar" and the town stays a place of its own on the map
    text = "The radar, which Moscow built near Pechora, is old."
    assert [text[m.start:m.end] for m in attach_topics(text, CATALOGUE).mentions] == ["Pechora"]


# --- the rules, on invented topics and sentences ----------------------------------------------------


def test_a_contested_phrase_goes_to_the_topic_with_more_distinct_sites(tmp_path: Path) -> None:
    write_topic(tmp_path, "alpha")
    extra = FILES["references.csv"] + "{id}-north-radar,\\bTwin Hill\\b,named,shared\n"
    write_topic(tmp_path, "beta", **{"references.csv": extra})
    alpha_extra = FILES["references.csv"] + "{id}-south-depot,\\bTwin Hill\\b,named,shared\n"
    write_topic(tmp_path, "alpha", **{"references.csv": alpha_extra})
    topics = load_catalogue(tmp_path)
    # beta: Twin Hill (its north radar) and Southbury (its depot) = two sites; alpha: Twin Hill only
    text = "Crews left Twin Hill for Southbury."
    attached = attach_topics(text, topics)
    assert [t.id for t in attached.topics] == ["beta"]
    assert {m.site_id for m in attached.mentions} == {"beta-north-radar", "beta-south-depot"}


def test_a_tie_goes_to_the_topic_whose_period_holds_the_date(tmp_path: Path) -> None:
    write_topic(tmp_path, "alpha")  # period 2001-2002
    later = (FILES["references.csv"] + "{id}-south-depot,\\bTwin Hill\\b,named,shared\n")
    write_topic(tmp_path, "alpha", **{"references.csv": later})
    write_topic(tmp_path, "beta", **{"references.csv": later})
    (tmp_path / "beta" / "topic.toml").write_text(
        (tmp_path / "beta" / "topic.toml").read_text().replace("start = 2001-01-01, end = 2002-12-31", "start = 2010-01-01"))
    topics = load_catalogue(tmp_path)
    assert [t.id for t in attach_topics("Twin Hill.", topics, dt.date(2011, 5, 1)).topics] == ["beta"]
    assert [t.id for t in attach_topics("Twin Hill.", topics, dt.date(2001, 5, 1)).topics] == ["alpha"]
    assert [t.id for t in attach_topics("Twin Hill.", topics, None).topics] == ["alpha"]  # then the first topic


def test_a_context_name_alone_attaches_nothing(tmp_path: Path) -> None:
    refs = FILES["references.csv"] + "{id}-south-depot,\\bInventia\\b,context,the country every story names\n"
    topics = load_catalogue(write_topic(tmp_path, "alpha", **{"references.csv": refs}).parent)
    assert attach_topics("Inventia held elections.", topics).topics == ()
    attached = attach_topics("Inventia held elections near the Northfield radar.", topics)
    assert [t.id for t in attached.topics] == ["alpha"]
    assert {m.site_id for m in attached.mentions} == {"alpha-south-depot", "alpha-north-radar"}
