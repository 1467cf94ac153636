"""What the article says about a site (dashboard.core.geoparse.excerpts)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.geoparse.article import load_article, split_sentences
from dashboard.core.geoparse.excerpts import excerpts_for_site, split_highlight
from dashboard.core.geoparse.quotes import Attribution
from dashboard.core.topics.sites import (
    SiteMention,
    find_site_mentions,
    load_site_references,
)

SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "articles" / "voa-2007-06-07-putin-gabala-offer.md"


@pytest.fixture(scope="module")
def seed():
    article = load_article(SEED_PATH)
    sentences = article.sentences
    mentions = find_site_mentions(article.text, load_site_references())
    return sentences, mentions


def test_gabala_excerpt_holds_putins_quote(seed) -> None:
    sentences, mentions = seed
    excerpts = excerpts_for_site("gabala-radar", sentences, mentions)
    quote = '"The existing agreement with Azerbaijan makes it possible for us to do this.'
    matching = [e for e in excerpts if e.sentence.text == quote]
    assert len(matching) == 1
    excerpt = matching[0]
    assert excerpt.attribution == Attribution("Putin", "quote")
    assert [excerpt.sentence.text[a:b] for a, b in excerpt.spans] == ["Azerbaijan"]
    assert excerpt.link == "inferred"


def test_ordinals_count_one_to_n_in_article_order(seed) -> None:
    sentences, mentions = seed
    for site_id in ("gabala-radar", "czech-radar", "kennebunkport"):
        excerpts = excerpts_for_site(site_id, sentences, mentions)
        assert excerpts
        total = len(excerpts)
        assert [e.ordinal for e in excerpts] == list(range(1, total + 1))
        assert {e.total for e in excerpts} == {total}
        assert [e.sentence.index for e in excerpts] == sorted({e.sentence.index for e in excerpts})
        assert all(e.site_id == site_id for e in excerpts)


def test_spans_point_at_the_referring_phrases(seed) -> None:
    sentences, mentions = seed
    for excerpt in excerpts_for_site("gabala-radar", sentences, mentions):
        for start, end in excerpt.spans:
            phrase = excerpt.sentence.text[start:end]
            assert "Azerbaijan" in phrase or phrase in ("Soviet-era base", "Azerbaijani radar")
    (czech,) = excerpts_for_site("czech-radar", sentences, mentions)
    assert [czech.sentence.text[a:b] for a, b in czech.spans] == ["radar base in the Czech Republic"]
    assert czech.attribution is None


def test_one_excerpt_per_sentence_and_named_wins_over_inferred() -> None:
    text = "The Gabala radar in Azerbaijan is old. Nothing here. Azerbaijan agreed."
    sentences = split_sentences(text)
    excerpts = excerpts_for_site("gabala-radar", sentences, find_site_mentions(text, load_site_references()))
    assert [(e.sentence.index, e.link, len(e.spans)) for e in excerpts] == [(0, "named", 2), (2, "inferred", 1)]


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
    assert all(a[1] != b[1] for a, b in zip(runs, runs[1:])), "neighbouring runs must alternate"
    highlighted = set()
    position = 0
    for piece, on in runs:
        if on:
            highlighted.update(range(position, position + len(piece)))
        position += len(piece)
    expected = {i for start, end in spans for i in range(start, min(end, len(text)))}
    assert highlighted == expected
