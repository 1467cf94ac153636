"""Articles: header parsing, loading, and sentences with exact offsets (dashboard.core.geoparse.article)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.geoparse.article import (
    ArticleError,
    load_article,
    load_articles,
    parse_article,
    sentence_at,
    split_paragraphs,
    split_sentences,
)

ARTICLES_DIR = Path(__file__).resolve().parents[2] / "data" / "articles"
SEED_PATH = ARTICLES_DIR / "voa-2007-06-07-putin-gabala-offer.md"

HEADER = """---
id: test-article-1
title: A Title: With a Colon
outlet: Test Outlet
date: 2007-06-07
url: https://example.org/a
---
"""


def texts(sentences) -> list[str]:
    return [s.text for s in sentences]


def assert_exact_offsets(text: str) -> None:
    sentences = split_sentences(text)
    paragraphs = split_paragraphs(text)
    previous_end = 0
    for number, sentence in enumerate(sentences):
        assert sentence.index == number
        assert text[sentence.start:sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text
        assert sentence.start >= previous_end
        p_start, p_end = paragraphs[sentence.paragraph]
        assert p_start <= sentence.start < sentence.end <= p_end, "a sentence spans two paragraphs"
        previous_end = sentence.end


# --- header -----------------------------------------------------------------------------


def test_header_fields_are_parsed_and_body_starts_after_the_header() -> None:
    article = parse_article(HEADER + "Body text here.\n", default_id="ignored")
    assert article.id == "test-article-1"
    assert article.title == "A Title: With a Colon"  # only the first colon separates key and value
    assert article.outlet == "Test Outlet"
    assert article.date == dt.date(2007, 6, 7)
    assert article.url == "https://example.org/a"
    assert article.text == "Body text here."


def test_crlf_header_is_accepted() -> None:
    source = HEADER.replace("\n", "\r\n") + "Body.\r\n"
    article = parse_article(source, default_id="x")
    assert (article.id, article.date) == ("test-article-1", dt.date(2007, 6, 7))
    assert article.text.startswith("Body.")


def test_missing_header_takes_the_id_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "My Own Story (Draft).txt"
    path.write_text("Plain body without any header.\n", encoding="utf-8")
    article = load_article(path)
    assert article.id == "my-own-story-draft"
    assert article.title == article.id  # no title given: the id stands in
    assert article.date is None
    assert article.text == "Plain body without any header."


def test_header_without_id_uses_the_default_id() -> None:
    article = parse_article("---\ntitle: T\n---\nBody.", default_id="from-file")
    assert article.id == "from-file"
    assert article.title == "T"


@pytest.mark.parametrize("date", ["2007-13-01", "7 June 2007", "2007-06-31", "yesterday"])
def test_bad_date_raises(date: str) -> None:
    with pytest.raises(ArticleError, match="date"):
        parse_article(f"---\ntitle: T\ndate: {date}\n---\nBody.", default_id="a")


@pytest.mark.parametrize("bad_id", ["Upper-Case", "has space", "-leading-dash", "under_score", "x" * 81, "é"])
def test_bad_id_raises(bad_id: str) -> None:
    with pytest.raises(ArticleError, match="id"):
        parse_article(f"---\nid: {bad_id}\ntitle: T\n---\nBody.", default_id="a")


@pytest.mark.parametrize("body", ["", "\n\n", "   \n\t\n"])
def test_empty_body_raises(body: str) -> None:
    with pytest.raises(ArticleError, match="no text"):
        parse_article("---\ntitle: T\n---\n" + body, default_id="a")
    with pytest.raises(ArticleError):
        parse_article(body, default_id="a")


def test_unknown_header_key_raises() -> None:
    with pytest.raises(ArticleError, match="header"):
        parse_article("---\ntitle: T\nscript: <b>\n---\nBody.", default_id="a")


def test_non_utf8_file_raises_article_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 in Baku.".encode("latin-1"))
    with pytest.raises(ArticleError, match="UTF-8"):
        load_article(path)


def test_load_articles_keys_by_id_keeps_the_first_and_skips_missing_dirs(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "story.md").write_text("---\ntitle: First\n---\nOne.", encoding="utf-8")
    (second / "story.txt").write_text("---\ntitle: Second\n---\nTwo.", encoding="utf-8")
    (second / "notes.csv").write_text("not,an,article", encoding="utf-8")
    loaded = load_articles(tmp_path / "missing", first, second)
    assert list(loaded) == ["story"]
    assert loaded["story"].title == "First"


# --- the seed article -----------------------------------------------------------------


def test_seed_article_metadata_and_sentence_count() -> None:
    article = load_article(SEED_PATH)
    assert article.id == "voa-2007-06-07-putin-gabala-offer"
    assert article.date == dt.date(2007, 6, 7)
    assert article.outlet.startswith("VOA")
    assert article.url.startswith("https://www.voanews.com/")
    sentences = article.sentences
    assert len(sentences) == 19
    assert sentences[0].text.startswith("Russian President Vladimir Putin wants to use")
    assert sentences[-1].text.endswith("also are attending the summit.")
    assert_exact_offsets(article.text)


def test_seed_article_keeps_abbreviations_and_quotes_inside_sentences() -> None:
    sentences = load_article(SEED_PATH).sentences
    by_start = {s.text.split()[0] + " " + s.text.split()[1]: s for s in sentences}
    hadley = by_start["U.S. National"]
    assert hadley.text.endswith("to the United States and European allies.")
    quote = next(s for s in sentences if s.text.startswith('"The existing agreement'))
    assert quote.text == '"The existing agreement with Azerbaijan makes it possible for us to do this.'
    closing = sentences[quote.index + 1]
    assert closing.paragraph == quote.paragraph
    assert closing.text.endswith('global security and stability," Putin said.')


def test_seed_sentence_at_finds_the_sentence_of_an_offset() -> None:
    article = load_article(SEED_PATH)
    sentences = article.sentences
    offset = article.text.index("Czech Republic")
    found = sentence_at(sentences, offset)
    assert found is not None and "Czech Republic" in found.text
    assert sentence_at(sentences, len(article.text) + 5) is None


# --- synthetic texts --------------------------------------------------------------------


def test_abbreviations_do_not_end_sentences_but_question_and_exclamation_marks_do() -> None:
    text = "Mr. Smith went to Washington. He met the U.S. President there! Did he? Yes, said Gen. Lee."
    assert texts(split_sentences(text)) == [
        "Mr. Smith went to Washington.",
        "He met the U.S. President there!",
        "Did he?",
        "Yes, said Gen. Lee.",
    ]
    assert_exact_offsets(text)


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = '"We will go," he said. "Then we leave." She agreed. \u201cReally?\u201d Yes.'
    assert texts(split_sentences(text)) == [
        '"We will go," he said.',
        '"Then we leave."',
        "She agreed.",
        "\u201cReally?\u201d",
        "Yes.",
    ]
    assert_exact_offsets(text)


def test_question_inside_a_quote_followed_by_lower_case_does_not_split() -> None:
    text = '"Is it over?" he asked. It was.'
    assert texts(split_sentences(text)) == ['"Is it over?" he asked.', "It was."]


def test_multi_paragraph_text_never_joins_paragraphs() -> None:
    text = (
        "  First paragraph, line one\ncontinues here. Second sentence\n\n"
        "A heading without a full stop\n \t \n"
        "Last paragraph. Ends here.\n\n\n"
    )
    sentences = split_sentences(text)
    assert texts(sentences) == [
        "First paragraph, line one\ncontinues here.",
        "Second sentence",
        "A heading without a full stop",
        "Last paragraph.",
        "Ends here.",
    ]
    assert [s.paragraph for s in sentences] == [0, 0, 1, 2, 2]
    assert_exact_offsets(text)


def test_unfinished_sentence_before_a_paragraph_break_ends_at_the_break() -> None:
    text = "It was said that\n\nThe next paragraph starts."
    sentences = split_sentences(text)
    assert texts(sentences) == ["It was said that", "The next paragraph starts."]
    assert [s.paragraph for s in sentences] == [0, 1]


_SENTENCE_ALPHABET = st.sampled_from(list("aZ .?!\"'\u201c\u201d\n\t U.S Mr 19"))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_SENTENCE_ALPHABET, max_size=80))
def test_offsets_are_exact_and_cover_every_visible_character(text: str) -> None:
    assert_exact_offsets(text)
    covered = "".join(s.text for s in split_sentences(text))
    assert "".join(covered.split()) == "".join(text.split())
