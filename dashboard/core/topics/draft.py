"""Draft rows for the atlas: the facilities an article names that the atlas lacks (``python -m
dashboard atlas draft ARTICLE``). A draft is a proposal for an editor, never data: it carries
the name, the nearest point the gazetteer knows and the sentence, and no source."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core.geoparse.article import sentence_at, split_sentences
from dashboard.core.geoparse.places import Place
from dashboard.core.topics.catalogue import Catalogue
from dashboard.core.topics.sites import find_site_mentions

_NAME = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}"
#: Words that end a facility's own name ("Thule Air Base", "Clear Space Force Station").
_FACILITY_WORDS = (
    r"Air Force Base|Space Force Base|Space Force Station|Space Base|Air Base|Air Station|Naval Station|"
    r"Naval Air Station|Naval Support Facility|Army Airfield|Missile Range|Test Range|Radar Station|Training Area|"
    r"Air Field|Airfield|Garrison|Base|Station|Range"
)
_NAMED_FACILITY = re.compile(rf"(?<![\w-])(?:RAF\s+)?{_NAME}\s+(?:{_FACILITY_WORDS})(?![\w-])")
#: "a radar at Name", "the interceptors in Name", "a battery near Name".
_FACILITY_AT = re.compile(
    rf"\b(?:radars?|interceptors?|interceptor site|battery|batteries|missile defen[cs]e (?:site|base)|launchers?)"
    rf"\s+(?:at|in|near|on)\s+(?P<name>{_NAME})"
)
_KIND_WORDS = (("radar", "radar"), ("interceptor", "interceptors"), ("battery", "interceptors"),
               ("command", "command"), ("naval", "naval-base"), ("test", "test-range"), ("range", "test-range"))


@dataclass(frozen=True)
class DraftRow:
    """A proposed ``installations.csv`` row: ``kind`` is a guess from the sentence's words; the
    point is the gazetteer's nearest place (None when it knows none); ``sentence`` is the evidence."""

    id: str
    name: str
    kind: str
    place: Place | None
    sentence: str


def draft_rows(text: str, places: Sequence[Place], catalogue: Catalogue) -> tuple[DraftRow, ...]:
    """One draft per facility ``text`` names that no atlas or story phrase already refers to,
    in text order, each name once. ``places`` are the text's geoparsed places."""
    sentences = split_sentences(text)
    known = find_site_mentions(text, tuple(ref for topic in catalogue.topics for ref in topic.references))
    found: dict[str, DraftRow] = {}
    spans = [(m.start(), m.end(), m.group(0)) for m in _NAMED_FACILITY.finditer(text)]
    spans += [(m.start("name"), m.end("name"), m.group("name")) for m in _FACILITY_AT.finditer(text)]
    taken: list[tuple[int, int]] = [(m.start, m.end) for m in known]
    for start, end, name in sorted(spans, key=lambda span: (span[0], span[0] - span[1])):
        name = " ".join(name.split())
        if any(a < end and start < b for a, b in taken) or name in found:
            continue
        taken.append((start, end))
        sentence = sentence_at(sentences, start)
        sentence_text = " ".join(sentence.text.split()) if sentence else ""
        near_words = text[max(sentence.start if sentence else 0, start - 40):end + 20]
        found[name] = DraftRow(_kebab(name), name, _kind(near_words), _nearest(places, start, end, sentence), sentence_text)
    return tuple(found.values())


def _kebab(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _kind(words: str) -> str:
    """The installation kind the words around a name suggest ("" when none does)."""
    lowered = words.lower()
    return next((kind for word, kind in _KIND_WORDS if word in lowered), "")


def _nearest(places: Sequence[Place], start: int, end: int, sentence) -> Place | None:
    """The placed mention inside the name, else the closest one in the same sentence."""
    placed = [p for p in places if p.lat is not None and p.lon is not None]
    inside = [p for p in placed if start <= p.start and p.end <= end]
    if inside:
        return inside[0]
    if sentence is None:
        return None
    near = [p for p in placed if sentence.start <= p.start < sentence.end]
    return min(near, key=lambda p: min(abs(p.start - end), abs(p.end - start)), default=None)
