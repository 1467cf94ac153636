"""An article's geography: its places joined with the sites of the topics it refers to, filtered
by the view."""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from dashboard.core.geometry import distance_km
from dashboard.core.geoparse.article import Article, Sentence, split_sentences
from dashboard.core.geoparse.places import Place
from dashboard.core.topics.catalogue import Catalogue, attach_topics
from dashboard.core.topics.model import Event, RangeFact, Site, Speaker, Topic
from dashboard.core.topics.sites import SiteMention
from dashboard.core.view.layers import LAYER_KINDS, LayerKind
from dashboard.core.view.state import ViewState

#: A place this close to a referred site is drawn as the site.
SAME_POINT_KM = 1.0
PLACE_KEY_PREFIX = "place-"


@dataclass(frozen=True)
class PlaceGroup:
    """One point of the article's other places: every mention placed there, in text order.

    ``key`` (``place-<geonameid>`` or ``place-<lat>-<lon>``) selects it in a link (``site=``).
    """

    key: str
    lat: float
    lon: float
    mentions: tuple[Place, ...]

    @property
    def place(self) -> Place:
        """The first mention (its source, precision and confidence stand for the group)."""
        return self.mentions[0]

    @property
    def name(self) -> str:
        """The place's own name (``Russia``) where the gazetteer gave one, else the words used."""
        return self.place.place_name or self.place.name

    @property
    def words(self) -> tuple[str, ...]:
        """The distinct words the text uses for it (``Russian``, ``Russia``)."""
        return tuple(dict.fromkeys(m.name for m in self.mentions))

    @property
    def count(self) -> int:
        """How many times the text names it."""
        return len(self.mentions)

    @property
    def confident(self) -> bool:
        """True when the geoparser is sure of this place for at least one of its mentions."""
        return any(mention.confident for mention in self.mentions)

    @property
    def confidence(self) -> float:
        """The highest confidence of its mentions."""
        return max(mention.confidence for mention in self.mentions)


@dataclass(frozen=True)
class ArticleGeography:
    """Everything the dashboard shows for one article (immutable, cacheable)."""

    article: Article
    sentences: tuple[Sentence, ...]
    places: tuple[Place, ...]
    site_mentions: tuple[SiteMention, ...]
    sites: tuple[Site, ...]  # the sites the article refers to, in topic and file order
    topics: tuple[Topic, ...] = ()  # the topics those sites belong to
    notices: tuple[str, ...] = ()
    #: The attached stories' other sites, which the article does not name ("Show the whole story").
    unnamed_sites: tuple[Site, ...] = ()

    def site(self, site_id: str) -> Site | None:
        """Return the referred site with that id, or None."""
        return next((s for s in self.sites if s.id == site_id), None)

    def is_named(self, site: Site) -> bool:
        """True when the article refers to the site (False for a story's other sites)."""
        return any(s.id == site.id for s in self.sites)

    def topic_of(self, site: Site) -> Topic | None:
        """The topic a site of this article belongs to."""
        return next((t for t in self.topics if t.id == site.topic), None)

    @cached_property
    def ranges(self) -> tuple[RangeFact, ...]:
        """Published ranges of the referred sites (from their topics)."""
        ids = {s.id for s in self.sites}
        return tuple(r for t in self.topics for r in t.ranges if r.site_id in ids)

    @cached_property
    def events(self) -> tuple[Event, ...]:
        """Every event of the attached topics (a comparison also shows sites the text omits)."""
        return tuple(sorted((e for t in self.topics for e in t.events), key=lambda e: e.date))

    @cached_property
    def speakers(self) -> tuple[Speaker, ...]:
        """The attached topics' speakers."""
        return tuple(s for t in self.topics for s in t.speakers)

    def offers(self, layer_id: str) -> bool:
        """True when an attached topic offers that layer kind (``rings``, ``lines``, ``timeline``);
        ``story`` when a story has sites the article does not name."""
        if layer_id == "story":
            return bool(self.unnamed_sites)
        return any(layer_id in t.layers for t in self.topics)

    def switchable_layers(self) -> tuple[LayerKind, ...]:
        """The map layers a reader can switch for this article, in registry order: every
        ``on_map`` kind that is not a topic's, and those of a topic only when one offers them."""
        return tuple(kind for kind in LAYER_KINDS if kind.on_map and (not kind.from_topic or self.offers(kind.id)))

    @cached_property
    def other_places(self) -> tuple[PlaceGroup, ...]:
        """Placed mentions that are not curated sites, one group per point, most named first.

        A mention inside a phrase that refers to a site, or placed within ``SAME_POINT_KM`` of a
        referred site, is the site: its marker stands for it.
        """
        grouped: dict[tuple[float, float], list[Place]] = {}
        for place in self.places:
            if place.lat is None or place.lon is None or self._inside_site_phrase(place):
                continue
            grouped.setdefault((round(place.lat, 4), round(place.lon, 4)), []).append(place)
        groups = [
            PlaceGroup(_place_key(group[0], point), point[0], point[1], tuple(group))
            for point, group in grouped.items()
            if all(distance_km(point, (s.lat, s.lon)) >= SAME_POINT_KM for s in self.sites)
        ]
        return tuple(sorted(groups, key=lambda g: -g.count))

    def place_group(self, key: str) -> PlaceGroup | None:
        """The other place with that key, or None."""
        return next((g for g in self.other_places if g.key == key), None)

    @cached_property
    def _named_site_spans(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The starts and ends of the phrases that name a site, merged where they overlap, in
        text order (so one look-up per place, not one pass over every phrase: a 2 MB paste names
        sites ~1,300 times and places ~21,000 times)."""
        merged: list[list[int]] = []
        for mention in sorted((m for m in self.site_mentions if m.link == "named"), key=lambda m: m.start):
            if merged and mention.start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], mention.end)
            else:
                merged.append([mention.start, mention.end])
        return tuple(span[0] for span in merged), tuple(span[1] for span in merged)

    def _inside_site_phrase(self, place: Place) -> bool:
        starts, ends = self._named_site_spans
        last = bisect_left(starts, place.end) - 1  # the last phrase that starts before the place ends
        return last >= 0 and ends[last] > place.start


def _place_key(place: Place, point: tuple[float, float]) -> str:
    if place.geonameid:
        return f"{PLACE_KEY_PREFIX}{place.geonameid}"
    return f"{PLACE_KEY_PREFIX}{point[0]:.4f}-{point[1]:.4f}".replace(".", "d").replace("--", "-m")


def build_geography(
    article: Article,
    places: Sequence[Place],
    catalogue: Catalogue,
    notices: Sequence[str] = (),
) -> ArticleGeography:
    """Join an article's geocoded places with the sites of the topics it refers to."""
    attachment = attach_topics(article.text, catalogue, article.date)
    referred = {m.site_id for m in attachment.mentions}
    stories = {t.id for t in catalogue.stories}
    return ArticleGeography(
        article=article,
        sentences=split_sentences(article.text),
        places=tuple(places),
        site_mentions=attachment.mentions,
        sites=tuple(s for t in attachment.topics for s in t.sites if s.id in referred),
        topics=attachment.topics,
        notices=tuple(notices),
        unnamed_sites=tuple(s for t in attachment.topics if t.id in stories for s in t.sites if s.id not in referred),
    )


def visible_sites(geo: ArticleGeography, view: ViewState) -> tuple[Site, ...]:
    """The referred sites that pass the category and role filters, then (with the ``story``
    layer on) the attached stories' sites the article does not name."""
    shown = (*geo.sites, *geo.unnamed_sites) if "story" in view.layers else geo.sites
    return tuple(s for s in shown if view.shows_category(s.category) and view.shows_role(s.role))


def visible_places(geo: ArticleGeography, view: ViewState) -> tuple[PlaceGroup, ...]:
    """Other places, when the ``place`` role and the ``places`` layer are both on (without the
    uncertain ones when the view hides them, and never those an editor removed)."""
    if not view.shows_role("place") or "places" not in view.layers:
        return ()
    return tuple(group for group in geo.other_places
                 if (view.uncertain or group.confident) and view.shows_place(group.key))


def day_of(view: ViewState, article: Article, today: dt.date) -> dt.date:
    """The day the map shows: the link's date, else the article's, else ``today``."""
    return view.date or article.date or today


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

    singles: tuple[PlaceGroup, ...]
    clusters: tuple[PlaceCluster, ...]
    total_places: int
    dropped_places: int

    @property
    def shown_places(self) -> int:
        """How many places the markers stand for."""
        return self.total_places - self.dropped_places


def place_markers(
    places: Sequence[PlaceGroup],
    threshold: int = CLUSTER_THRESHOLD,
    limit: int = MAX_PLACE_MARKERS,
    cell_deg: float = CLUSTER_CELL_DEG,
) -> PlaceMarkers:
    """Group places into grid cells when there are more than ``threshold``; cap the markers.

    Markers are kept in order of mentions (most first), so a cap drops the least mentioned.
    """
    ranked = sorted(places, key=lambda group: -group.count)
    if len(ranked) <= threshold:
        kept = tuple(ranked[:limit])
        return PlaceMarkers(kept, (), len(ranked), len(ranked) - len(kept))
    cells: dict[tuple[int, int], list[PlaceGroup]] = {}
    for group in ranked:
        cells.setdefault((int(group.lat // cell_deg), int(group.lon // cell_deg)), []).append(group)
    kept_cells = sorted(cells.values(), key=lambda cell: -sum(g.count for g in cell))[:limit]
    singles = tuple(cell[0] for cell in kept_cells if len(cell) == 1)
    clusters = tuple(
        PlaceCluster(
            lat=sum(g.lat for g in cell) / len(cell),
            lon=sum(g.lon for g in cell) / len(cell),
            places=len(cell),
            mentions=sum(g.count for g in cell),
            names=tuple(g.name for g in cell[:5]),
        )
        for cell in kept_cells
        if len(cell) > 1
    )
    shown = len(singles) + sum(c.places for c in clusters)
    return PlaceMarkers(singles, clusters, len(ranked), len(ranked) - shown)
