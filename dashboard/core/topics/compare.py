"""Two categories of a topic side by side (its ``[comparison]``): for the 2007 story the US plan
(a radar in the Czech Republic and interceptors in Poland) and the Russian proposal (Gabala, then
a new radar near Armavir).

For each side: its curated sites (also those the article does not name, marked "not in this
article"), their geodesic distance and bearing to the reference point, their published ranges
(or "no public figure"), their standing status on the chosen day, and the article's sentences
whose speaker belongs to that side. Speakers are matched by surname (what
:func:`dashboard.core.geoparse.quotes.attribute` returns) against the topic's ``speakers.csv``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.core import format as fmt
from dashboard.core.geography import ArticleGeography
from dashboard.core.geometry import distance_km, initial_bearing_deg
from dashboard.core.geoparse.quotes import attribute
from dashboard.core.topics.model import (
    Event,
    RangeFact,
    ReferencePoint,
    Site,
    Source,
    Speaker,
    Topic,
)
from dashboard.core.topics.ranges import NO_PUBLIC_FIGURE, range_label
from dashboard.core.topics.timeline import (
    events_for,
    events_until,
    standing_status,
    status_on,
    status_text,
)

NOT_IN_ARTICLE = "not in this article"


@dataclass(frozen=True)
class RangeSummary:
    """A published range as shown: ``label`` is ``6,000 km``, ``1,300–2,000 km`` or
    ``no public figure``."""

    what: str
    label: str
    min_km: float | None
    max_km: float | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ComparedSite:
    """One site of a side, measured and dated.

    ``status`` is the standing status on the comparison's day (see
    :func:`timeline.standing_status`), or None for a site without events; ``status_event`` is
    the event that set it, ``latest_event`` the site's last event on or before the day (an
    offer, say, that did not change an ``operational`` status).
    """

    site: Site
    in_article: bool
    km_to_reference: float
    bearing_deg: float
    ranges: tuple[RangeSummary, ...]
    status: str | None
    status_event: Event | None
    latest_event: Event | None = None

    @property
    def article_note(self) -> str:
        """``""`` when the article refers to the site, else ``"not in this article"``."""
        return "" if self.in_article else NOT_IN_ARTICLE

    @property
    def ranges_label(self) -> str:
        """All published ranges in one line, or ``no public figure`` when there are none."""
        if not self.ranges:
            return NO_PUBLIC_FIGURE
        return "; ".join(f"{r.what}: {r.label}" for r in self.ranges)

    @property
    def status_label(self) -> str:
        """The status as the reader reads it, with the event's date (``offered (7 Jun 2007)``)."""
        if self.status is None:
            return "no recorded events"
        text = status_text(self.status)
        if self.status_event is None:
            return text
        return f"{text} ({fmt.day_with_precision(self.status_event.date, self.status_event.date_precision)})"


@dataclass(frozen=True)
class Statement:
    """An article sentence attributed to a speaker of one side (``kind``: quote or reported)."""

    sentence_index: int
    text: str
    speaker: str
    speaker_role: str
    kind: str


@dataclass(frozen=True)
class ComparisonSide:
    """One side: its sites (curated order) and what the article has its side say."""

    category: str
    label: str
    sites: tuple[ComparedSite, ...]
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class TopicComparison:
    """A topic's two sides on ``day``, measured to ``reference``."""

    title: str
    day: dt.date | None
    reference: ReferencePoint
    sides: tuple[ComparisonSide, ...]

    def side(self, category: str) -> ComparisonSide:
        """Return the side of that category id. Raises KeyError for another id."""
        for side in self.sides:
            if side.category == category:
                return side
        raise KeyError(category)


def _summaries(site_id: str, ranges: Sequence[RangeFact]) -> tuple[RangeSummary, ...]:
    return tuple(
        RangeSummary(fact.what, range_label(fact), fact.min_km, fact.max_km, fact.sources)
        for fact in ranges
        if fact.site_id == site_id
    )


def _statements(geo: ArticleGeography, speakers: Sequence[Speaker], sides: Sequence[str]) -> dict[str, list[Statement]]:
    by_name = {speaker.name: speaker for speaker in speakers}
    found: dict[str, list[Statement]] = {side: [] for side in sides}
    for index, sentence in enumerate(geo.sentences):
        attribution = attribute(geo.sentences, index)
        speaker = by_name.get(attribution.speaker) if attribution else None
        if attribution is None or speaker is None or speaker.side not in found:
            continue
        found[speaker.side].append(
            Statement(sentence.index, sentence.text, speaker.name, speaker.role, attribution.kind)
        )
    return found


def _latest(events: Sequence[Event], site_id: str, day: dt.date | None) -> Event | None:
    if day is None:
        return None
    until = events_until(events_for(events, site_id), day)
    return until[-1] if until else None


def compare(geo: ArticleGeography, topic: Topic, day: dt.date | None) -> TopicComparison | None:
    """Return ``topic``'s comparison for the article on ``day`` (None when it declares none).

    Every site of both sides is listed, also those the article does not refer to. ``day``
    defaults to the article's date (statuses are None when both are missing).
    Raises ValueError for a site with coordinates out of range.
    """
    if topic.comparison is None:
        return None
    reference = topic.reference_point(topic.comparison.reference)
    if reference is None:  # the loader checks this; a hand-built topic may not
        return None
    day = day or geo.article.date
    referred = {site.id for site in geo.sites}
    labels = {category.id: category.label for category in topic.categories}
    statements = _statements(geo, topic.speakers, topic.comparison.sides)
    sides = []
    for category in topic.comparison.sides:
        compared = tuple(
            ComparedSite(
                site=site,
                in_article=site.id in referred,
                km_to_reference=distance_km((site.lat, site.lon), reference.point),
                bearing_deg=initial_bearing_deg((site.lat, site.lon), reference.point),
                ranges=_summaries(site.id, topic.ranges),
                status=standing_status(topic.events, site.id, day) if day else None,
                status_event=status_on(topic.events, site.id, day) if day else None,
                latest_event=_latest(topic.events, site.id, day),
            )
            for site in topic.sites
            if site.category == category
        )
        sides.append(ComparisonSide(category, labels[category], compared, tuple(statements[category])))
    return TopicComparison(topic.comparison.title, day, reference, tuple(sides))


def comparison_frame(comparison: TopicComparison) -> pd.DataFrame:
    """Return one row per compared site, for a table; numbers and dates already formatted.

    Columns: ``side``, ``site``, ``in article``, ``km to <reference>``, ``bearing``,
    ``published ranges``, ``status``, ``latest event``. Text is raw: escape it where it is shown.
    """
    km_column = f"to {comparison.reference.name}"
    rows = [
        {
            "side": side.label,
            "site": item.site.name,
            "in article": "yes" if item.in_article else NOT_IN_ARTICLE,
            km_column: fmt.km(item.km_to_reference),
            "bearing": fmt.bearing(item.bearing_deg),
            "published ranges": item.ranges_label,
            "status": item.status_label,
            "latest event": (
                f"{fmt.day_with_precision(item.latest_event.date, item.latest_event.date_precision)}: "
                f"{item.latest_event.summary}" if item.latest_event else ""
            ),
        }
        for side in comparison.sides
        for item in side.sites
    ]
    columns = ["side", "site", "in article", km_column, "bearing", "published ranges", "status", "latest event"]
    return pd.DataFrame(rows, columns=columns)
