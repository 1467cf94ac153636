"""The two 2007 proposals side by side: the US plan (a radar in the Czech Republic and
interceptors in Poland) and the Russian proposal (Gabala, then a new radar near Armavir).

For each side: its curated sites (also those the article does not name, marked "not in this
article"), their geodesic distance and bearing to Tehran, their published ranges (or "no
public figure"), their standing status on the chosen day, and the article's sentences whose
speaker belongs to that side.

Speakers are matched by surname (what :func:`dashboard.core.geoparse.quotes.attribute` returns) against
``data/speakers.csv`` (``name,side,role``): a short list of the US and Russian officials who
spoke about missile defence in 2007, with their office at the time. A speaker not in the list
(the reporter, a third country) belongs to neither side.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.core.geography import ArticleGeography
from dashboard.core.geometry import distance_km, initial_bearing_deg
from dashboard.core.geoparse.quotes import attribute
from dashboard.core.render.mapview import status_text
from dashboard.core.render.overlays import (
    NO_PUBLIC_FIGURE,
    TEHRAN,
    ReferencePoint,
    range_label,
    status_map,
)
from dashboard.core.topics.ranges import RangeFact
from dashboard.core.topics.sites import (
    DATA_DIR,
    PROPOSAL_LABELS,
    ROLE_LABELS,
    Site,
    load_sites,
)
from dashboard.core.topics.timeline import Event, events_for, events_until, status_on

__all__ = [
    "COMPARED_PROPOSALS",
    "ComparedSite",
    "NOT_IN_ARTICLE",
    "ProposalComparison",
    "ProposalSide",
    "RangeSummary",
    "SPEAKERS_CSV",
    "Speaker",
    "SpeakerDataError",
    "Statement",
    "compare_proposals",
    "comparison_frame",
    "load_speakers",
]

COMPARED_PROPOSALS = ("us-plan", "russian-proposal")
SPEAKERS_CSV = DATA_DIR / "speakers.csv"
NOT_IN_ARTICLE = "not in this article"


class SpeakerDataError(ValueError):
    """A row of data/speakers.csv is invalid (the message names the file and line)."""


@dataclass(frozen=True)
class Speaker:
    """A person quoted about the proposals: surname, the side they speak for, their office."""

    name: str
    side: str
    role: str


@dataclass(frozen=True)
class RangeSummary:
    """A published range as shown: ``label`` is ``6,000 km``, ``1,300–2,000 km`` or
    ``no public figure``."""

    what: str
    label: str
    min_km: float | None
    max_km: float | None
    source_urls: tuple[str, ...]


@dataclass(frozen=True)
class ComparedSite:
    """One site of a proposal, measured and dated.

    ``status`` is the standing status on the comparison's day, ``analysis.NOT_YET`` before
    the site's record starts, or None for a site without events; ``status_event`` is the
    event that set it, ``latest_event`` the site's last event on or before the day (an
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
        """The status as the reader sees it, with the event's date (``offered (7 Jun 2007)``)."""
        if self.status is None:
            return "no recorded events"
        text = status_text(self.status)
        return f"{text} ({self.status_event.when})" if self.status_event else text


@dataclass(frozen=True)
class Statement:
    """An article sentence attributed to a speaker of one side (``kind``: quote or reported)."""

    sentence_index: int
    text: str
    speaker: str
    speaker_role: str
    kind: str


@dataclass(frozen=True)
class ProposalSide:
    """One proposal: its sites (curated order) and what the article has its side say."""

    proposal: str
    label: str
    sites: tuple[ComparedSite, ...]
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class ProposalComparison:
    """The proposals side by side on ``day``, measured to ``reference``."""

    day: dt.date | None
    reference: ReferencePoint
    sides: tuple[ProposalSide, ...]

    def side(self, proposal: str) -> ProposalSide:
        """Return the side of that proposal id. Raises KeyError for another id."""
        for side in self.sides:
            if side.proposal == proposal:
                return side
        raise KeyError(proposal)


def load_speakers(path: Path | str = SPEAKERS_CSV) -> tuple[Speaker, ...]:
    """Read the speaker list. Raises SpeakerDataError naming the line for a missing column,
    an empty name, a side other than ``us-plan``/``russian-proposal``, or a repeated name."""
    path = Path(path)
    speakers: list[Speaker] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("name", "side", "role") if c not in (reader.fieldnames or ())]
        if missing:
            raise SpeakerDataError(f"{path.name} line 1: missing columns {missing}")
        for row in reader:
            where = f"{path.name} line {reader.line_num}"
            name, side, role = ((row.get(c) or "").strip() for c in ("name", "side", "role"))
            if not name:
                raise SpeakerDataError(f"{where}: empty name")
            if side not in COMPARED_PROPOSALS:
                raise SpeakerDataError(f"{where}: side must be one of {COMPARED_PROPOSALS}, got {side!r}")
            if any(s.name == name for s in speakers):
                raise SpeakerDataError(f"{where}: {name!r} is listed twice")
            speakers.append(Speaker(name, side, role))
    return tuple(speakers)


def _summaries(site_id: str, ranges: Sequence[RangeFact]) -> tuple[RangeSummary, ...]:
    return tuple(
        RangeSummary(fact.what, range_label(fact), fact.min_km, fact.max_km, fact.source_urls)
        for fact in ranges
        if fact.site_id == site_id
    )


def _statements(geo: ArticleGeography, speakers: Sequence[Speaker]) -> dict[str, list[Statement]]:
    by_name = {speaker.name: speaker for speaker in speakers}
    found: dict[str, list[Statement]] = {proposal: [] for proposal in COMPARED_PROPOSALS}
    for index, sentence in enumerate(geo.sentences):
        attribution = attribute(geo.sentences, index)
        speaker = by_name.get(attribution.speaker) if attribution else None
        if attribution is None or speaker is None:
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


def compare_proposals(
    geo: ArticleGeography,
    ranges: Iterable[RangeFact],
    events: Iterable[Event],
    day: dt.date | None = None,
    *,
    sites: Sequence[Site] | None = None,
    speakers: Sequence[Speaker] | None = None,
    reference: ReferencePoint = TEHRAN,
) -> ProposalComparison:
    """Return the US plan and the Russian proposal side by side.

    ``day`` defaults to the article's date (statuses are None when both are missing).
    ``sites`` is the curated list (default: ``data/sites.csv``) and ``speakers`` the speaker
    list (default: ``data/speakers.csv``); both are read from disk only when not given.
    Raises SiteDataError / SpeakerDataError for bad data files, ValueError for a bad point.
    """
    ranges, events = tuple(ranges), tuple(events)
    curated = tuple(sites) if sites is not None else load_sites()
    people = tuple(speakers) if speakers is not None else load_speakers()
    day = day or geo.article.date
    referred = {site.id for site in geo.sites}
    statuses = status_map(events, [s.id for s in curated], day) if day else {}
    statements = _statements(geo, people)
    sides = []
    for proposal in COMPARED_PROPOSALS:
        compared = tuple(
            ComparedSite(
                site=site,
                in_article=site.id in referred,
                km_to_reference=distance_km((site.lat, site.lon), reference.point),
                bearing_deg=initial_bearing_deg((site.lat, site.lon), reference.point),
                ranges=_summaries(site.id, ranges),
                status=statuses.get(site.id),
                status_event=status_on(events, site.id, day) if day else None,
                latest_event=_latest(events, site.id, day),
            )
            for site in curated
            if site.proposal == proposal
        )
        sides.append(ProposalSide(proposal, PROPOSAL_LABELS[proposal], compared, tuple(statements[proposal])))
    return ProposalComparison(day, reference, tuple(sides))


def comparison_frame(comparison: ProposalComparison) -> pd.DataFrame:
    """Return one row per compared site, for a table.

    Columns: ``proposal``, ``site``, ``role``, ``country``, ``in article``,
    ``km to <reference>`` (rounded to whole km), ``bearing`` (degrees, rounded),
    ``published ranges``, ``status``, ``latest event``. Text is raw: escape it where it is shown.
    """
    km_column = f"km to {comparison.reference.name}"
    rows = [
        {
            "proposal": side.label,
            "site": item.site.name,
            "role": ROLE_LABELS[item.site.role],
            "country": item.site.country,
            "in article": "yes" if item.in_article else NOT_IN_ARTICLE,
            km_column: round(item.km_to_reference),
            "bearing": round(item.bearing_deg),
            "published ranges": item.ranges_label,
            "status": item.status_label,
            "latest event": f"{item.latest_event.when}: {item.latest_event.summary}" if item.latest_event else "",
        }
        for side in comparison.sides
        for item in side.sites
    ]
    columns = ["proposal", "site", "role", "country", "in article", km_column, "bearing", "published ranges", "status", "latest event"]
    return pd.DataFrame(rows, columns=columns)
