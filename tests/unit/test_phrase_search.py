"""Phrase patterns run only near the words every match must contain (dashboard/core/phrase_search.py):
the spans are those of a full search, for every phrase of the curated data."""
from __future__ import annotations

import re

import pytest

from bench.intake import synthetic_text
from dashboard.core import phrase_search as P
from dashboard.core.phrase_search import PhraseSearch, required_words
from dashboard.services.articles import catalogue


def full(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [span for m in pattern.finditer(text) if (span := P.phrase_span(m))[1] > span[0]]


def test_a_patterns_name_group_is_the_phrase() -> None:
    # "the radar ... near Pechora": the town names the installation; the words before only say where
    text = "The radar, which Moscow built near Pechora, is old. Vorkuta is cold."
    pattern = re.compile(r"\bradar\b[^.]{0,60}\b(?P<name>Pechora)\b", re.I)
    start = text.index("Pechora")
    assert PhraseSearch(text).spans(pattern) == [(start, start + len("Pechora"))]
    assert PhraseSearch(text).spans(re.compile(r"\bVorkuta\b")) == [(text.index("Vorkuta"), text.index(" is cold"))]


@pytest.mark.parametrize("pattern, flags, words", [
    (r"\bBrdy\b", 0, [{"Brdy"}]),
    (r"radar (?:base|station) in the Czech Republic", re.I, [{"radar "}, {"base", "station"}, {" in the czech republic"}]),
    (r"\bArmavir\b(?=[^.]*\bradar)|\bradar\b[^.]*\bArmavir\b", re.I, [{"armavir"}]),
    (r"(?:US )?interceptors? in Alaska", 0, [{"interceptor"}, {" in Alaska"}]),
    (r"(?:ab)+c", 0, [{"ab"}]),
    (r"a?b|c", 0, []),  # nothing long enough in every match
    (r"(?i:Brdy) hill", 0, [{" hill"}]),  # a scoped ignore-case part is not read
])
def test_the_words_every_match_contains(pattern: str, flags: int, words: list[set[str]]) -> None:
    assert [set(s) for s in required_words(re.compile(pattern, flags))] == words


def texts() -> list[str]:
    from pathlib import Path
    folder = Path(P.__file__).resolve().parents[2] / "data" / "articles"
    articles = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))]
    invented = ("The THAAD battery in Seongju County stays. Russia's Voronezh radar at Armavir and the radar "
                "station in Azerbaijan were offered; interceptors in Alaska and the X-band radar in Japan. ")
    return [*articles, invented * 40, synthetic_text(300_000) + invented + synthetic_text(100_000, seed=2)]


def test_every_curated_phrase_finds_what_a_full_search_finds() -> None:
    patterns = {ref.pattern for topic in catalogue().topics for ref in topic.references}
    assert len(patterns) > 100
    for text in texts():
        search = P.PhraseSearch(text)
        for pattern in patterns:
            assert search.spans(pattern) == full(pattern, text), pattern.pattern


def test_a_pattern_runs_only_around_its_rarest_required_word() -> None:
    text = "x" * 50_000 + " radar in Armavir " + "y" * 50_000
    pattern = re.compile(r"\bradar\b[^.]*\bArmavir\b", re.I)
    [(low, high)] = P.PhraseSearch(text)._windows(pattern)
    assert high - low == 2 * P.WINDOW and low < 50_001 < 50_016 < high
    assert PhraseSearch(text).spans(pattern) == full(pattern, text) == [(50_001, 50_017)]
    assert P.PhraseSearch("no such place " * 1000)._windows(pattern) == []  # a required word is absent: not run
    assert P.PhraseSearch(text)._windows(re.compile("a?b")) is None  # nothing known: the whole text
