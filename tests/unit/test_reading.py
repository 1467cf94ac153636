"""The article cut into runs for the reader (dashboard.core.reading)."""
from __future__ import annotations

import random

from dashboard.core.geoparse.article import split_sentences
from dashboard.core.reading import Mark, paragraph_runs

TEXT = "Radars in Poland. Talks in the Czech Republic went on.\n\nA new paragraph about Gabala."


def _naive_runs(text, sentences, marks):
    """The definition: every kept mark that overlaps a sentence, cut to it (one pass per sentence)."""
    marks = sorted(marks, key=lambda m: (m.start, -(m.end - m.start)))
    kept = []
    for mark in marks:
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    paragraphs = []
    for index, sentence in enumerate(sentences):
        if index == 0 or sentence.paragraph != sentences[index - 1].paragraph:
            paragraphs.append([])
        cursor = sentence.start
        for mark in kept:
            if mark.end <= sentence.start or mark.start >= sentence.end:
                continue
            start, end = max(mark.start, sentence.start), min(mark.end, sentence.end)
            if start > cursor:
                paragraphs[-1].append({"text": text[cursor:start]})
            paragraphs[-1].append({"text": text[start:end], "key": mark.key, "colour": mark.colour,
                                   "kind": mark.kind, "name": mark.name})
            cursor = end
        paragraphs[-1].append({"text": text[cursor:sentence.end] + " "})
    return paragraphs


def test_mentions_become_runs_in_their_paragraphs() -> None:
    sentences = split_sentences(TEXT)
    poland = TEXT.index("Poland")
    czech = TEXT.index("the Czech Republic")
    marks = [Mark(poland, poland + 6, "place-1", "#666", "place", "Poland"),
             Mark(czech + 4, czech + 9, "place-2", "#666", "place", "Czech"),  # inside the site phrase: loses
             Mark(czech, czech + 18, "czech-radar", "#0072B2", "site", "Czech radar")]
    runs = paragraph_runs(TEXT, sentences, marks)
    assert len(runs) == 2
    assert [r.get("key") for r in runs[0] if "key" in r] == ["place-1", "czech-radar"]
    assert "".join(r["text"] for r in runs[0]).startswith("Radars in Poland. Talks in the Czech Republic")
    assert runs[1] == [{"text": "A new paragraph about Gabala. "}]


def test_one_pass_gives_what_checking_every_mark_per_sentence_gives() -> None:
    rng = random.Random(5)
    words = ["Warsaw", "radar", "talks.", "Prague", "and", "Iran.", "\n\nNew", "said"]
    for _ in range(40):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 80)))
        sentences = split_sentences(text)
        marks = []
        for _ in range(rng.randint(0, 30)):
            start = rng.randrange(len(text))
            marks.append(Mark(start, min(len(text), start + rng.randint(1, 25)), f"k{start}", "#000", "place", "n"))
        assert paragraph_runs(text, sentences, marks) == _naive_runs(text, sentences, marks)
