"""What the article says about a site or a place: its sentences, the mentions highlighted, and
who is speaking."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core.geoparse.article import Sentence, sentence_at
from dashboard.core.geoparse.places import Place
from dashboard.core.geoparse.quotes import Attribution, attribute
from dashboard.core.topics.sites import SiteMention


@dataclass(frozen=True)
class Excerpt:
    """One sentence that refers to a site (or names a place; ``site_id`` is then its key).

    ``spans`` are the referring phrases as offsets into ``sentence.text``; ``ordinal``
    counts from 1 to ``total`` over the site's excerpts.
    """

    site_id: str
    sentence: Sentence
    spans: tuple[tuple[int, int], ...]
    link: str
    ordinal: int
    total: int
    attribution: Attribution | None


def excerpts_for_site(
    site_id: str, sentences: tuple[Sentence, ...], mentions: Sequence[SiteMention]
) -> tuple[Excerpt, ...]:
    """Return one excerpt per sentence that refers to ``site_id``, in article order.

    A sentence counts as ``named`` unless every phrase in it refers to the site indirectly.
    """
    by_sentence: dict[int, list[SiteMention]] = {}
    for mention in mentions:
        if mention.site_id != site_id:
            continue
        sentence = sentence_at(sentences, mention.start)
        if sentence is not None:
            by_sentence.setdefault(sentence.index, []).append(mention)
    total = len(by_sentence)
    excerpts = []
    for ordinal, (index, found) in enumerate(sorted(by_sentence.items()), start=1):
        sentence = sentences[index]
        spans = tuple(
            (max(m.start, sentence.start) - sentence.start, min(m.end, sentence.end) - sentence.start) for m in found
        )
        link = "inferred" if all(m.link == "inferred" for m in found) else "named"  # context names it too
        excerpts.append(
            Excerpt(site_id, sentence, spans, link, ordinal, total, attribute(sentences, index))
        )
    return tuple(excerpts)


def excerpts_for_place(key: str, sentences: tuple[Sentence, ...], mentions: Sequence[Place]) -> tuple[Excerpt, ...]:
    """Return one excerpt per mention of the place, in article order, each highlighting its own
    words: a sentence that names the place twice gives two, so the excerpts add up to the times
    the article names it (what its marker and panel say)."""
    located = [(place, sentence_at(sentences, place.start)) for place in sorted(mentions, key=lambda p: p.start)]
    found = [(place, sentence) for place, sentence in located if sentence is not None]
    return tuple(
        Excerpt(key, sentence, ((max(place.start, sentence.start) - sentence.start, min(place.end, sentence.end) - sentence.start),),
                "named", ordinal, len(found), attribute(sentences, sentence.index))
        for ordinal, (place, sentence) in enumerate(found, start=1)
    )


def split_highlight(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into (piece, highlighted) runs for the given spans.

    Overlapping and touching spans give one highlighted run; spans are clipped to the
    text, so no run is empty.
    """
    runs: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in sorted(spans):
        start, end = max(start, cursor), min(end, len(text))
        if end <= start:
            continue
        if runs and runs[-1][1] and start == cursor:
            runs[-1] = (runs[-1][0] + text[start:end], True)
        else:
            if start > cursor:
                runs.append((text[cursor:start], False))
            runs.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        runs.append((text[cursor:], False))
    return runs
