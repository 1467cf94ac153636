"""What the article says about a site or a place (dashboard.core.geoparse.excerpts), with the
site mentions that attaching the topics finds (dashboard.core.topics.catalogue.attach_topics)."""
from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.geography import build_geography
from dashboard.core.geoparse.article import load_article, split_sentences
from dashboard.core.geoparse.excerpts import (
    excerpts_for_place,
    excerpts_for_site,
    split_highlight,
)
from dashboard.core.geoparse.places import Place
from dashboard.core.geoparse.quotes import Attribution
from dashboard.core.topics.catalogue import attach_topics
from dashboard.core.topics.sites import SiteMention
from dashboard.services.articles import bundled_articles_dir, catalogue

SEED_PATH = bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md"
PUTIN_QUOTE = '"The existing agreement with Azerbaijan makes it possible for us to do this.'


@pytest.fixture(scope="module")
def topics():
    return catalogue()


@pytest.fixture(scope="module")
def seed(topics):
    article = load_article(SEED_PATH)
    return article, article.sentences, attach_topics(article.text, topics, article.date).mentions


def azerbaijan_places(text: str) -> list[Place]:
    """Every "Azerbaijan" of the text, placed as the gazetteer places the country."""
    return [Place("Azerbaijan", m.start(), m.end(), 40.5, 47.5, "gazetteer", 0.99, 166.0, "country", "AZ", 587116,
                  "Azerbaijan") for m in re.finditer(r"\bAzerbaijan\b", text)]


def test_putins_quote_names_only_the_country_so_it_is_not_a_gabala_excerpt(seed) -> None:
    _article, sentences, mentions = seed
    assert sum(s.text == PUTIN_QUOTE for s in sentences) == 1
    gabala = excerpts_for_site("gabala-radar", sentences, mentions)
    assert gabala and all(e.sentence.text != PUTIN_QUOTE for e in gabala)
    # Its four references: the radar base, the radar station, the Soviet-era base, the Azerbaijani radar.
    phrases = [e.sentence.text[a:b] for e in gabala for a, b in e.spans]
    assert phrases == ["radar base in Azerbaijan", "radar station in Azerbaijan", "Soviet-era base", "Azerbaijani radar"]
    assert all(e.link == "inferred" for e in gabala)
    assert [e.attribution for e in gabala] == [None, None, Attribution("Bush", "reported"), Attribution("Hadley", "reported")]


def test_putins_quote_is_an_excerpt_of_the_place_azerbaijan_attributed_to_putin(seed) -> None:
    article, sentences, _ = seed
    places = azerbaijan_places(article.text)
    excerpts = excerpts_for_place("place-587116", sentences, places)
    assert len(excerpts) == len(places) == 5
    (quote,) = [e for e in excerpts if e.sentence.text == PUTIN_QUOTE]
    assert quote.attribution == Attribution("Putin", "quote")
    assert [quote.sentence.text[a:b] for a, b in quote.spans] == ["Azerbaijan"]
    assert quote.link == "named" and quote.site_id == "place-587116"
    assert [e.ordinal for e in excerpts] == [1, 2, 3, 4, 5] and {e.total for e in excerpts} == {5}


def test_place_excerpts_from_a_geography_group_every_word_for_the_place(topics) -> None:
    article = load_article(SEED_PATH)
    text = article.text
    words = azerbaijan_places(text)
    adjective = text.index("Azerbaijani")
    words.append(Place("Azerbaijani", adjective, adjective + 11, 40.5, 47.5, "gazetteer", 0.99, 166.0, "country", "AZ",
                       587116, "Azerbaijan"))
    geo = build_geography(article, words, topics)
    group = geo.place_group("place-587116")
    assert group is not None and group.count == 6 and group.words == ("Azerbaijan", "Azerbaijani")
    excerpts = excerpts_for_place(group.key, geo.sentences, group.mentions)
    assert [e.sentence.text[a:b] for e in excerpts for a, b in e.spans][-1] == "Azerbaijani"
    assert excerpts[-1].attribution == Attribution("Hadley", "reported")


def test_two_mentions_in_one_sentence_give_two_place_excerpts_so_cards_equal_the_times_named() -> None:
    text = "Prague and Prague again. Nothing here."
    sentences = split_sentences(text)
    prague = [Place("Prague", 11, 17, 50.08, 14.42, "gazetteer", 0.9), Place("Prague", 0, 6, 50.08, 14.42, "gazetteer", 0.9)]
    first, second = excerpts_for_place("place-3067696", sentences, prague)
    assert first.sentence == second.sentence
    assert (first.spans, second.spans) == (((0, 6),), ((11, 17),))  # each card highlights its own words
    assert [(e.ordinal, e.total) for e in (first, second)] == [(1, 2), (2, 2)]


def test_a_place_has_as_many_excerpts_as_times_named(topics) -> None:
    """"Named N times" (the marker and the panel say ``group.count``) equals the mention cards."""
    article = load_article(SEED_PATH)
    us = [m for m in re.finditer(r"U\.S\.|United States", article.text)]
    places = [Place(m.group(), m.start(), m.end(), 39.76, -98.5, "gazetteer", 0.95, geonameid=6252001) for m in us]
    group = build_geography(article, places, topics).place_group("place-6252001")
    assert group is not None and group.count == len(us) > 2
    excerpts = excerpts_for_place(group.key, split_sentences(article.text), group.mentions)
    assert len(excerpts) == group.count and {e.total for e in excerpts} == {group.count}


def test_ordinals_count_one_to_n_in_article_order(seed) -> None:
    _, sentences, mentions = seed
    for site_id in ("gabala-radar", "czech-radar", "kennebunkport", "heiligendamm"):
        excerpts = excerpts_for_site(site_id, sentences, mentions)
        assert excerpts, site_id
        total = len(excerpts)
        assert [e.ordinal for e in excerpts] == list(range(1, total + 1))
        assert {e.total for e in excerpts} == {total}
        assert [e.sentence.index for e in excerpts] == sorted({e.sentence.index for e in excerpts})
        assert all(e.site_id == site_id for e in excerpts)


def test_spans_point_at_the_referring_phrases(seed) -> None:
    _, sentences, mentions = seed
    (czech,) = excerpts_for_site("czech-radar", sentences, mentions)
    assert [czech.sentence.text[a:b] for a, b in czech.spans] == ["radar base in the Czech Republic"]
    assert czech.attribution is None
    (maine,) = excerpts_for_site("kennebunkport", sentences, mentions)
    assert [maine.sentence.text[a:b] for a, b in maine.spans] == ["Bush family compound in Maine"]
    assert maine.attribution == Attribution("Bush", "reported")


def test_one_excerpt_per_sentence_and_named_wins_over_inferred(topics) -> None:
    text = "The Gabala radar station in Azerbaijan is old. Nothing here. The Azerbaijani radar agreed."
    sentences = split_sentences(text)
    mentions = attach_topics(text, topics).mentions
    excerpts = excerpts_for_site("gabala-radar", sentences, mentions)
    assert [(e.sentence.index, e.link) for e in excerpts] == [(0, "named"), (2, "inferred")]
    assert [excerpts[0].sentence.text[a:b] for a, b in excerpts[0].spans] == ["Gabala", "radar station in Azerbaijan"]


def test_a_context_mention_is_not_called_an_indirect_reference(seed) -> None:
    _, sentences, mentions = seed
    (iran,) = excerpts_for_site("iran", sentences, mentions)
    assert [iran.sentence.text[a:b] for a, b in iran.spans] == ["Iran"]
    assert iran.link != "inferred"


def test_other_sites_and_mentions_outside_sentences_are_ignored() -> None:
    sentences = split_sentences("Iran was named.")
    mentions = [SiteMention("iran", 0, 4, "named"), SiteMention("iran", 500, 504, "named")]
    assert excerpts_for_site("gabala-radar", sentences, mentions) == ()
    (only,) = excerpts_for_site("iran", sentences, mentions)
    assert (only.ordinal, only.total, only.spans) == (1, 1, ((0, 4),))


# --- split_highlight --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([], [("abcdef", False)]),
        ([(0, 6)], [("abcdef", True)]),
        ([(0, 2)], [("ab", True), ("cdef", False)]),
        ([(4, 6)], [("abcd", False), ("ef", True)]),
        ([(3, 5), (0, 1)], [("a", True), ("bc", False), ("de", True), ("f", False)]),  # unsorted
        ([(1, 4), (2, 5)], [("a", False), ("bcde", True), ("f", False)]),  # overlap merged
        ([(1, 3), (3, 5)], [("a", False), ("bcde", True), ("f", False)]),  # touching merged
        ([(1, 5), (2, 3)], [("a", False), ("bcde", True), ("f", False)]),  # contained
        ([(2, 2)], [("abcdef", False)]),  # empty span ignored
        ([(4, 99)], [("abcd", False), ("ef", True)]),  # past the end clipped
    ],
)
def test_split_highlight_edge_cases(spans, expected) -> None:
    assert split_highlight("abcdef", spans) == expected


def test_split_highlight_of_empty_text() -> None:
    assert split_highlight("", []) == []
    assert split_highlight("", [(0, 3)]) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.lists(st.tuples(st.integers(0, 35), st.integers(0, 35)), max_size=6))
def test_split_highlight_keeps_the_text_and_highlights_exactly_the_spans(text: str, spans) -> None:
    runs = split_highlight(text, spans)
    assert "".join(piece for piece, _ in runs) == text
    assert all(piece for piece, _ in runs)
    assert all(a[1] != b[1] for a, b in itertools.pairwise(runs)), "neighbouring runs must alternate"
    highlighted = set()
    position = 0
    for piece, on in runs:
        if on:
            highlighted.update(range(position, position + len(piece)))
        position += len(piece)
    expected = {i for start, end in spans for i in range(start, min(end, len(text)))}
    assert highlighted == expected
