"""The proposals side by side (dashboard.core.topics.compare) and the speaker list."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.geography import build_geography
from dashboard.core.geoparse.article import load_article
from dashboard.core.render.overlays import NOT_YET
from dashboard.core.topics.compare import (
    NOT_IN_ARTICLE,
    SpeakerDataError,
    compare_proposals,
    comparison_frame,
    load_speakers,
)
from dashboard.core.topics.ranges import load_ranges
from dashboard.core.topics.sites import DATA_DIR, load_site_references, load_sites
from dashboard.core.topics.timeline import load_events

SEED = DATA_DIR / "articles" / "voa-2007-06-07-putin-gabala-offer.md"


@pytest.fixture(scope="module")
def sites():
    return load_sites()


@pytest.fixture(scope="module")
def geo(sites):
    return build_geography(load_article(SEED), [], sites, load_site_references())


@pytest.fixture(scope="module")
def comparison(geo, sites):
    return compare_proposals(geo, load_ranges(), load_events(), sites=sites, speakers=load_speakers())


def by_id(side):
    return {item.site.id: item for item in side.sites}


def test_sides_and_their_sites(comparison):
    assert [side.proposal for side in comparison.sides] == ["us-plan", "russian-proposal"]
    assert [side.label for side in comparison.sides] == ["US plan", "Russian proposal"]
    assert set(by_id(comparison.side("us-plan"))) == {"czech-radar", "poland-interceptors"}
    assert set(by_id(comparison.side("russian-proposal"))) == {"gabala-radar", "armavir-radar"}
    with pytest.raises(KeyError):
        comparison.side("threat")


def test_day_defaults_to_the_article_date(comparison):
    assert comparison.day == dt.date(2007, 6, 7)
    assert comparison.reference.name == "Tehran"


def test_gabala_is_about_650_km_from_tehran(comparison):
    gabala = by_id(comparison.side("russian-proposal"))["gabala-radar"]
    assert gabala.km_to_reference == pytest.approx(650, rel=0.01)
    assert gabala.in_article and gabala.article_note == ""
    czech = by_id(comparison.side("us-plan"))["czech-radar"]
    assert czech.km_to_reference == pytest.approx(3399, rel=0.01)


def test_armavir_is_listed_but_not_in_the_article(comparison):
    armavir = by_id(comparison.side("russian-proposal"))["armavir-radar"]
    assert not armavir.in_article
    assert armavir.article_note == NOT_IN_ARTICLE == "not in this article"
    assert armavir.km_to_reference == pytest.approx(1352, rel=0.01)
    assert armavir.status == NOT_YET and armavir.status_label == "not yet in the record"


def test_published_ranges_or_no_public_figure(comparison):
    us, russia = by_id(comparison.side("us-plan")), by_id(comparison.side("russian-proposal"))
    assert us["czech-radar"].ranges_label == "radar detection: no public figure"
    assert [r.label for r in us["poland-interceptors"].ranges] == ["no public figure", "no public figure"]
    assert russia["gabala-radar"].ranges_label == "radar detection: 6,000 km"
    assert russia["armavir-radar"].ranges[0].label == "4,000–6,000 km"
    assert russia["gabala-radar"].ranges[0].source_urls


def test_status_on_the_offer_day_and_later(geo, sites, comparison):
    us, russia = by_id(comparison.side("us-plan")), by_id(comparison.side("russian-proposal"))
    assert us["czech-radar"].status == "announced"
    assert us["czech-radar"].status_label == "announced (19 Jan 2007)"
    assert russia["gabala-radar"].status == "operational"
    assert russia["gabala-radar"].latest_event.status == "offered"  # the offer of that day
    later = compare_proposals(geo, load_ranges(), load_events(), dt.date(2010, 1, 1), sites=sites, speakers=load_speakers())
    assert by_id(later.side("us-plan"))["czech-radar"].status == "cancelled"
    assert by_id(later.side("russian-proposal"))["armavir-radar"].status == "operational"


def test_statements_by_side(comparison):
    russian = comparison.side("russian-proposal").statements
    us = comparison.side("us-plan").statements
    putin_quotes = [s for s in russian if s.speaker == "Putin" and s.kind == "quote"]
    assert any(s.text.startswith('"The existing agreement with Azerbaijan') for s in putin_quotes)
    assert any("equal access to the management of this system" in s.text for s in putin_quotes)
    assert all(s.speaker != "Putin" for s in us)
    assert {s.speaker for s in us} == {"Bush", "Hadley"}
    assert any(s.speaker == "Bush" and s.kind == "quote" and "better understanding" in s.text for s in us)
    # The reporter speaks for neither side.
    assert all(s.speaker != "Stearns" for s in us + russian)
    assert [s.sentence_index for s in russian] == sorted(s.sentence_index for s in russian)


def test_comparison_frame(comparison):
    frame = comparison_frame(comparison)
    assert list(frame.columns) == [
        "proposal", "site", "role", "country", "in article", "km to Tehran", "bearing",
        "published ranges", "status", "latest event",
    ]
    assert len(frame) == 4
    gabala = frame[frame["site"].str.startswith("Gabala")].iloc[0]
    assert gabala["proposal"] == "Russian proposal" and gabala["km to Tehran"] == 656
    armavir = frame[frame["site"].str.contains("Armavir")].iloc[0]
    assert armavir["in article"] == "not in this article"


def test_speaker_list_is_valid():
    speakers = load_speakers()
    sides = {s.name: s.side for s in speakers}
    assert sides["Putin"] == sides["Lavrov"] == "russian-proposal"
    assert sides["Bush"] == sides["Hadley"] == sides["Gates"] == sides["Rice"] == "us-plan"
    assert all(s.role for s in speakers)


@pytest.mark.parametrize(
    "body, message",
    [
        ("Putin,russia,President\n", "side must be one of"),
        (",us-plan,Someone\n", "empty name"),
        ("Bush,us-plan,President\nBush,us-plan,President\n", "listed twice"),
    ],
)
def test_speaker_list_errors(tmp_path: Path, body: str, message: str):
    path = tmp_path / "speakers.csv"
    path.write_text("name,side,role\n" + body, encoding="utf-8")
    with pytest.raises(SpeakerDataError, match=message):
        load_speakers(path)


def test_speaker_list_needs_its_columns(tmp_path: Path):
    path = tmp_path / "speakers.csv"
    path.write_text("name,side\nPutin,russian-proposal\n", encoding="utf-8")
    with pytest.raises(SpeakerDataError, match="missing columns"):
        load_speakers(path)
