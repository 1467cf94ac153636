"""The three kinds of article the first-view tests run on: the VOA 2007 story (the default), an
EPAA story (another topic) and a story pasted by the reader that names no curated site."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from helpers import EPAA, VOA


@dataclass(frozen=True)
class Story:
    """One article and what a reader selects in it.

    ``marker`` is the CSS selector of a marker to select in the map, ``name`` what the selection
    card then calls it and ``sentence`` part of the first sentence the card shows for it;
    ``mention`` is a highlighted phrase in the text that selects ``mention_name``.
    """

    kind: str
    marker: str
    name: str
    sentence: str
    mention: str
    mention_name: str
    #: a grey place of the article: the start of its marker's label, its name and words in the text
    place: str
    place_words: tuple[str, ...]
    has_timeline: bool


VOA_STORY = Story(
    kind="voa",
    marker=".site-gabala-radar",
    name="Gabala (Qabala) radar station, Daryal type",
    sentence="Russian President Vladimir Putin wants to use a Soviet-built radar base in Azerbaijan",
    mention="radar station in Azerbaijan",
    mention_name="Gabala (Qabala) radar station, Daryal type",
    place="Russia:",
    place_words=("Russian", "Russia"),
    has_timeline=True,
)
EPAA_STORY = Story(
    kind="epaa",
    marker=".site-deveselu-aegis-ashore",
    name="Aegis Ashore Romania (NSF Deveselu)",
    sentence="relies on a system almost identical to that used on Navy Aegis-capable guided-missile destroyers",
    mention="Deveselu",
    mention_name="Aegis Ashore Romania (NSF Deveselu)",
    place="Bucharest:",  # (Poland and Romania's points lie outside the focus: in the overview map)
    place_words=("Bucharest",),
    has_timeline=True,
)
PASTED_STORY = Story(
    kind="pasted",
    marker=".place-marker[aria-label^='Hanoi:']",
    name="Hanoi",
    sentence="Heavy rain closed schools across Hanoi on Tuesday as the Red River rose",
    mention="Ho Chi Minh City",
    mention_name="Ho Chi Minh City",
    place="Phu Quoc:",  # (Da Nang is grouped with Vietnam's point until one zooms in)
    place_words=("Phu Quoc",),
    has_timeline=False,
)
STORIES = (VOA_STORY, EPAA_STORY, PASTED_STORY)


def story_params():
    """``pytest.mark.parametrize`` values for the three stories, with readable ids."""
    return [pytest.param(story, id=story.kind) for story in STORIES]


def article_query(story: Story, request: pytest.FixtureRequest) -> str:
    """``?article=...&basemap=offline`` for ``story`` (the pasted one is added to the module's
    server first, once)."""
    article = {"voa": VOA, "epaa": EPAA}.get(story.kind) or request.getfixturevalue("pasted_story")
    return f"/?article={article}&basemap=offline"
