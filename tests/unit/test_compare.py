"""A topic's two sides compared (dashboard.core.topics.compare), on the VOA article."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dashboard.core.geography import build_geography
from dashboard.core.geoparse.article import load_article
from dashboard.core.topics.compare import NOT_IN_ARTICLE, compare, comparison_frame
from dashboard.core.topics.timeline import NOT_YET
from dashboard.services.articles import bundled_articles_dir, catalogue

CATALOGUE = catalogue()
TOPIC = CATALOGUE.topic("missile-defense-2007")


@pytest.fixture(scope="module")
def geo():
    return build_geography(load_article(bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md"), [], CATALOGUE)


@pytest.fixture(scope="module")
def comparison(geo):
    return compare(geo, TOPIC, None)


def by_id(side):
    return {item.site.id: item for item in side.sites}


def test_sides_and_their_sites(comparison):
    assert comparison.title == "US plan vs Russian proposal"
    assert [side.category for side in comparison.sides] == ["us-plan", "russian-proposal"]
    assert [side.label for side in comparison.sides] == ["US plan", "Russian proposal"]
    assert set(by_id(comparison.side("us-plan"))) == {"czech-radar", "poland-interceptors"}
    assert set(by_id(comparison.side("russian-proposal"))) == {"gabala-radar", "armavir-radar"}
    with pytest.raises(KeyError):
        comparison.side("threat")


def test_a_topic_without_a_comparison_gives_none(geo):
    epaa = CATALOGUE.topic("epaa")
    assert compare(geo, dataclasses.replace(epaa, comparison=None), None) is None


def test_day_defaults_to_the_article_date(comparison):
    assert comparison.day == dt.date(2007, 6, 7)
    assert comparison.reference.name == "Tehran"


def test_distances_to_tehran(comparison):
    gabala = by_id(comparison.side("russian-proposal"))["gabala-radar"]
    assert gabala.km_to_reference == pytest.approx(656, rel=0.01)
    assert gabala.in_article and gabala.article_note == ""
    assert by_id(comparison.side("us-plan"))["czech-radar"].km_to_reference == pytest.approx(3399, rel=0.01)


def test_armavir_is_listed_but_not_in_the_article(comparison):
    armavir = by_id(comparison.side("russian-proposal"))["armavir-radar"]
    assert not armavir.in_article and armavir.article_note == NOT_IN_ARTICLE == "not in this article"
    assert armavir.km_to_reference == pytest.approx(1352, rel=0.02)
    assert armavir.status == NOT_YET and armavir.status_label == "not yet in the record"


def test_published_ranges_or_no_public_figure(comparison):
    us, russia = by_id(comparison.side("us-plan")), by_id(comparison.side("russian-proposal"))
    assert "no public figure" in us["czech-radar"].ranges_label
    assert all(r.label == "no public figure" for r in us["poland-interceptors"].ranges)
    assert russia["gabala-radar"].ranges[0].label == "6,000 km"
    assert russia["gabala-radar"].ranges[0].sources


def test_status_on_the_offer_day_and_later(geo, comparison):
    us, russia = by_id(comparison.side("us-plan")), by_id(comparison.side("russian-proposal"))
    assert us["czech-radar"].status == "announced" and us["czech-radar"].status_label == "announced (19 Jan 2007)"
    assert russia["gabala-radar"].status == "operational"
    assert russia["gabala-radar"].latest_event.status == "offered"  # the offer of that day
    later = compare(geo, TOPIC, dt.date(2010, 1, 1))
    assert by_id(later.side("us-plan"))["czech-radar"].status == "cancelled"
    assert by_id(later.side("russian-proposal"))["armavir-radar"].status == "operational"


def test_statements_by_side(comparison):
    russian, us = comparison.side("russian-proposal").statements, comparison.side("us-plan").statements
    putin_quotes = [s for s in russian if s.speaker == "Putin" and s.kind == "quote"]
    assert any(s.text.startswith('"The existing agreement with Azerbaijan') for s in putin_quotes)
    assert all(s.speaker != "Putin" for s in us)
    assert {s.speaker for s in us} == {"Bush", "Hadley"}
    assert all(s.speaker != "Stearns" for s in us + russian)  # the reporter speaks for neither side
    assert [s.sentence_index for s in russian] == sorted(s.sentence_index for s in russian)


def test_comparison_frame_is_formatted_like_the_map(comparison):
    frame = comparison_frame(comparison)
    assert list(frame.columns) == ["side", "site", "in article", "to Tehran", "bearing", "published ranges", "status",
                                   "latest event"]
    assert len(frame) == 4
    gabala = frame[frame["site"].str.startswith("Gabala")].iloc[0]
    assert gabala["side"] == "Russian proposal" and gabala["to Tehran"] == "656 km"
    czech = frame[frame["site"].str.contains("Brdy")].iloc[0]
    assert czech["to Tehran"].endswith(" km") and "," in czech["to Tehran"]  # 3,4xx km, as on the map
    assert frame[frame["site"].str.contains("Armavir")].iloc[0]["in article"] == "not in this article"
