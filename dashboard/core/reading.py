"""The article as the reader sees it beside the map: paragraphs of text runs, each highlighted
mention a run of its own with what it selects."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core.geoparse.article import Sentence


@dataclass(frozen=True)
class Mark:
    """A highlighted span of the text: ``key`` is what clicking it selects (a site id or a place
    key), ``kind`` ``site`` or ``place``, ``name`` what it is called, ``colour`` its role's."""

    start: int
    end: int
    key: str
    colour: str
    kind: str
    name: str


def paragraph_runs(text: str, sentences: Sequence[Sentence], marks: Sequence[Mark]) -> list[list[dict[str, str]]]:
    """Return the article's paragraphs, each a list of runs: ``{"text"}`` for plain text,
    ``{"text", "key", "colour", "kind", "name"}`` for a mention.

    Where marks overlap, the earlier (and at the same start, the longer) one wins: a site phrase
    over a place inside it. A mark that crosses a sentence's end is cut there. One pass over the
    sentences and the marks (a 2 MB paste has ~20,000 of each).
    """
    ordered = sorted(marks, key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mark] = []
    for mark in ordered:
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    paragraphs: list[list[dict[str, str]]] = []
    first = 0  # the first kept mark that does not end before the current sentence
    for index, sentence in enumerate(sentences):
        if index == 0 or sentence.paragraph != sentences[index - 1].paragraph:
            paragraphs.append([])
        while first < len(kept) and kept[first].end <= sentence.start:
            first += 1
        cursor = sentence.start
        following = first
        while following < len(kept) and kept[following].start < sentence.end:
            mark = kept[following]
            start, end = max(mark.start, sentence.start), min(mark.end, sentence.end)
            if start > cursor:
                paragraphs[-1].append({"text": text[cursor:start]})
            paragraphs[-1].append({"text": text[start:end], "key": mark.key, "colour": mark.colour, "kind": mark.kind,
                                   "name": mark.name})
            cursor = end
            following += 1
        paragraphs[-1].append({"text": text[cursor:sentence.end] + " "})
    return paragraphs
