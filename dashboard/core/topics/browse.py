"""Browsing the atlas without an article: which installations pass the atlas page's filters
(country, system, kind, story, status on a day), and the geography that draws them with the
map's own labels and legends."""
from __future__ import annotations

import dataclasses
import datetime as dt

from dashboard.core.geography import ArticleGeography
from dashboard.core.geoparse.article import Article
from dashboard.core.topics.catalogue import Catalogue, unclaimed_topic
from dashboard.core.topics.model import INSTALLATION_KINDS, STATUSES, Installation
from dashboard.core.topics.timeline import NOT_YET, standing_status
from dashboard.core.view.state import AtlasChoices, AtlasFilter

#: The status filter's values: an event status, or "not yet in the record" on that day.
BROWSE_STATUSES = (*STATUSES, NOT_YET)
ATLAS_ARTICLE = Article(id="atlas", title="The missile-defense atlas", text="")
BROWSE_SUMMARY = "Every installation that passes the page's filters, with its sourced point, its systems' published ranges and its dated history."


def atlas_choices(catalogue: Catalogue, default_basemap: str = "osm") -> AtlasChoices:
    """What the atlas page's link may name: the atlas's countries and systems, the kinds, the
    stories and the statuses."""
    atlas = catalogue.atlas
    return AtlasChoices(
        countries=tuple(sorted({i.country for i in atlas.installations})),
        systems=tuple(s.id for s in atlas.systems),
        kinds=INSTALLATION_KINDS,
        stories=tuple(t.id for t in catalogue.stories),
        statuses=BROWSE_STATUSES,
        default_basemap=default_basemap,
    )


def status_of(catalogue: Catalogue, installation: Installation, day: dt.date) -> str:
    """The installation's standing status on ``day`` (``not-yet`` before or without a record)."""
    return standing_status(catalogue.atlas.events, installation.id, day) or NOT_YET


def matching_installations(catalogue: Catalogue, found: AtlasFilter, day: dt.date) -> tuple[Installation, ...]:
    """The installations that pass every filter of ``found`` (statuses read on ``day``), in atlas order."""

    def passes(installation: Installation) -> bool:
        return (
            (not found.countries or installation.country in found.countries)
            and (not found.systems or any(s in found.systems for s in installation.systems))
            and (not found.kinds or installation.kind in found.kinds)
            and (not found.stories or any(t.id in found.stories for t in catalogue.stories_of(installation.id)))
            and (not found.statuses or status_of(catalogue, installation, day) in found.statuses)
        )

    return tuple(i for i in catalogue.atlas.installations if passes(i))


def atlas_geography(catalogue: Catalogue, installations: tuple[Installation, ...]) -> ArticleGeography:
    """A geography that draws ``installations`` as sites (role from their kind, their systems'
    ranges, their history), for the composer and the export. Empty when the atlas has no
    ``atlas.toml``."""
    topic = unclaimed_topic(catalogue.atlas, ())
    if topic is None:
        return ArticleGeography(ATLAS_ARTICLE, (), (), (), ())
    topic = dataclasses.replace(topic, summary=BROWSE_SUMMARY)
    wanted = {i.id for i in installations}
    return ArticleGeography(ATLAS_ARTICLE, (), (), (), tuple(s for s in topic.sites if s.id in wanted), (topic,))
