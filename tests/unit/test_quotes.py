"""Who speaks in a sentence (dashboard.core.geoparse.quotes)."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.core.geoparse.article import load_article, split_sentences
from dashboard.core.geoparse.quotes import Attribution, attribute, is_quote

SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "articles" / "voa-2007-06-07-putin-gabala-offer.md"


@pytest.fixture(scope="module")
def seed_sentences():
    return load_article(SEED_PATH).sentences


def seed_attribution(sentences, beginning: str) -> Attribution | None:
    matches = [s for s in sentences if s.text.startswith(beginning)]
    assert len(matches) == 1, beginning
    return attribute(sentences, matches[0].index)


def only(text: str, index: int = 0) -> Attribution | None:
    return attribute(split_sentences(text), index)


# --- the seed article -----------------------------------------------------------------------


def test_quote_whose_attribution_is_in_the_next_sentence_goes_to_putin(seed_sentences) -> None:
    # '"The existing agreement ... to do this.' / 'And the president ... stability," Putin said.'
    assert seed_attribution(seed_sentences, '"The existing agreement with Azerbaijan') == Attribution("Putin", "quote")
    assert seed_attribution(seed_sentences, "And the president of Azerbaijan stressed") == Attribution(
        "Putin", "quote"
    )


def test_reported_speech_after_a_title_goes_to_hadley(seed_sentences) -> None:
    assert seed_attribution(seed_sentences, "U.S. National Security Adviser Steve Hadley says") == Attribution(
        "Hadley", "reported"
    )


def test_he_said_resolves_to_the_last_person_named(seed_sentences) -> None:
    # The previous paragraph is "President Bush says President Putin made clear ...": Bush is its subject.
    assert seed_attribution(seed_sentences, '"As a result of these conversations') == Attribution("Bush", "quote")
    # "... then we will have no problems," he said.  follows "The Russian leader says ...": Putin.
    assert seed_attribution(seed_sentences, '"I think that if we work together') == Attribution("Putin", "quote")


def test_description_as_subject_resolves_to_the_person(seed_sentences) -> None:
    assert seed_attribution(seed_sentences, "The Russian leader says he and the American") == Attribution(
        "Putin", "reported"
    )


def test_sentences_without_speech_have_no_speaker(seed_sentences) -> None:
    assert seed_attribution(seed_sentences, "The U.S. plan calls for building") is None
    assert seed_attribution(seed_sentences, "The G8 members are") is None


# --- synthetic --------------------------------------------------------------------------------


def test_speech_verb_before_the_name_after_the_quote() -> None:
    assert only('"We will not accept this," said Putin.') == Attribution("Putin", "quote")


def test_curly_quotes_and_full_names_give_the_surname() -> None:
    assert only("\u201cWe agree,\u201d Angela Merkel said.") == Attribution("Merkel", "quote")


def test_title_before_the_name_after_the_quote() -> None:
    assert only('"Nothing changes," Mr. Lavrov said.') == Attribution("Lavrov", "quote")
    assert only('"Nothing changes," said Secretary Rice.') == Attribution("Rice", "quote")


def test_speaker_named_before_the_quote() -> None:
    assert only('Putin said: "The offer stands."') == Attribution("Putin", "quote")


def test_quote_without_attribution_has_no_speaker() -> None:
    text = '"Nothing will change." The meeting ended.'
    sentences = split_sentences(text)
    assert is_quote(sentences[0])
    assert attribute(sentences, 0) is None


def test_attribution_is_not_taken_from_another_paragraph() -> None:
    text = '"Nothing will change."\n\n"Maybe," Bush said.'
    sentences = split_sentences(text)
    assert attribute(sentences, 0) is None
    assert attribute(sentences, 1) == Attribution("Bush", "quote")


def test_pronoun_with_nobody_named_before_has_no_speaker() -> None:
    assert only('"Is it over?" he asked.') is None


def test_reported_speech_with_a_title() -> None:
    assert only("Prime Minister Tony Blair said the talks went well.") == Attribution("Blair", "reported")


def test_is_quote_only_for_double_quotes() -> None:
    sentences = split_sentences("It's the plan's end. He said \u201cno\u201d.")
    assert [is_quote(s) for s in sentences] == [False, True]
