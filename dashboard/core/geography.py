"""An article's geography: its places joined with the curated sites, filtered by the view."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from dashboard.core.geometry import distance_km
from dashboard.core.geoparse.article import Article, Sentence, split_sentences
from dashboard.core.geoparse.places import Place
from dashboard.core.topics.sites import (
    Site,
    SiteMention,
    SiteReference,
    find_site_mentions,
)
from dashboard.core.view.state import ViewState

SAME_POINT_KM = 1.0


@dataclass(frozen=True)
class ArticleGeography:
    """Everything the dashboard shows for one article (immutable, cacheable)."""

    article: Article
    sentences: tuple[Sentence, ...]
    places: tuple[Place, ...]
    site_mentions: tuple[SiteMention, ...]
    sites: tuple[Site, ...]  # curated sites the article refers to
    notices: tuple[str, ...] = ()

    def site(self, site_id: str) -> Site | None:
        """Return the referred site with that id, or None."""
        return next((s for s in self.sites if s.id == site_id), None)

    @cached_property
    def other_places(self) -> tuple[tuple[Place, int], ...]:
        """Placed article mentions that are not curated sites: one (place, count) per point.

        Mentions placed at (nearly) the same point as a referred site are left out: the
        site's own marker stands for them. Computed once per geography (the app shares one).
        """
        grouped: dict[tuple[float, float], list[Place]] = {}
        for place in self.places:
            if place.lat is not None and place.lon is not None:
                grouped.setdefault((round(place.lat, 4), round(place.lon, 4)), []).append(place)
        return tuple(
            (group[0], len(group))
            for point, group in grouped.items()
            if all(distance_km(point, (s.lat, s.lon)) >= SAME_POINT_KM for s in self.sites)
        )


def build_geography(
    article: Article,
    places: Sequence[Place],
    sites: Sequence[Site],
    references: tuple[SiteReference, ...],
    notices: Sequence[str] = (),
) -> ArticleGeography:
    """Join an article's geocoded places with the curated sites it refers to."""
    mentions = find_site_mentions(article.text, references)
    referred = {m.site_id for m in mentions}
    return ArticleGeography(
        article=article,
        sentences=split_sentences(article.text),
        places=tuple(places),
        site_mentions=mentions,
        sites=tuple(s for s in sites if s.id in referred),
        notices=tuple(notices),
    )


def visible_sites(geo: ArticleGeography, view: ViewState) -> tuple[Site, ...]:
    """The referred sites that pass the proposal and role filters."""
    return tuple(s for s in geo.sites if s.proposal in view.proposals and s.role in view.roles)


def visible_places(geo: ArticleGeography, view: ViewState) -> tuple[tuple[Place, int], ...]:
    """Other places, when the ``place`` role and the ``places`` layer are both on."""
    if "place" not in view.roles or "places" not in view.layers:
        return ()
    return geo.other_places


#: Above this many other places, nearby places are drawn as one cluster marker.
CLUSTER_THRESHOLD = 150
#: Never more than this many place markers (clusters included); the most mentioned win.
MAX_PLACE_MARKERS = 400
CLUSTER_CELL_DEG = 2.0


@dataclass(frozen=True)
class PlaceCluster:
    """Several article places drawn as one marker: their mean point, how many, and names."""

    lat: float
    lon: float
    places: int
    mentions: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class PlaceMarkers:
    """What the map draws for the other places, and what was left out."""

    singles: tuple[tuple[Place, int], ...]
    clusters: tuple[PlaceCluster, ...]
    total_places: int
    dropped_places: int

    @property
    def shown_places(self) -> int:
        """How many places the markers stand for."""
        return self.total_places - self.dropped_places


def place_markers(
    places: Sequence[tuple[Place, int]],
    threshold: int = CLUSTER_THRESHOLD,
    limit: int = MAX_PLACE_MARKERS,
    cell_deg: float = CLUSTER_CELL_DEG,
) -> PlaceMarkers:
    """Group places into grid cells when there are more than ``threshold``; cap the markers.

    Markers are kept in order of mentions (most first), so a cap drops the least mentioned.
    """
    ranked = sorted(places, key=lambda item: -item[1])
    if len(ranked) <= threshold:
        kept = tuple(ranked[:limit])
        return PlaceMarkers(kept, (), len(ranked), len(ranked) - len(kept))
    cells: dict[tuple[int, int], list[tuple[Place, int]]] = {}
    for place, count in ranked:
        key = (int((place.lat or 0.0) // cell_deg), int((place.lon or 0.0) // cell_deg))
        cells.setdefault(key, []).append((place, count))
    groups = sorted(cells.values(), key=lambda group: -sum(count for _, count in group))[:limit]
    singles = tuple(group[0] for group in groups if len(group) == 1)
    clusters = tuple(
        PlaceCluster(
            lat=sum(p.lat or 0.0 for p, _ in group) / len(group),
            lon=sum(p.lon or 0.0 for p, _ in group) / len(group),
            places=len(group),
            mentions=sum(count for _, count in group),
            names=tuple(p.name for p, _ in group[:5]),
        )
        for group in groups
        if len(group) > 1
    )
    shown = len(singles) + sum(c.places for c in clusters)
    return PlaceMarkers(singles, clusters, len(ranked), len(ranked) - shown)
