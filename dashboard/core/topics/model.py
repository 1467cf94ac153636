"""The values a topic is made of (see docs/TOPICS.md): sources, categories, roles, sites, the
phrases that refer to sites, ranges, events, speakers, reference points, the layers a topic offers
and its comparison. All frozen; a :class:`Topic` holds one story's curated layer."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

#: Source tiers of the source policy (``../shared/docs/FACTS.md``), strongest first.
TIERS = ("T1", "T2", "T2-state", "T3", "untiered")
TIER_LABELS = {
    "T1": "primary",
    "T2": "wire service or newspaper of record",
    "T2-state": "state media (what the government said)",
    "T3": "reference work",
    "untiered": "attribution only",
}
SHAPES = ("triangle", "diamond", "octagon", "square", "circle", "hexagon", "star")
#: How a phrase refers to a site: by its name or an alias, indirectly, or as ``context`` (a name
#: every story of the topic uses, like the threat's country: it counts only once another phrase
#: has attached the topic).
LINKS = ("named", "inferred", "context")
#: Event statuses; ``held`` is an event that lasts from its date to its ``end`` (a summit).
STATUSES = (
    "proposed",
    "announced",
    "offered",
    "talks",
    "agreed",
    "under-construction",
    "operational",
    "held",
    "closed",
    "cancelled",
    "dismantled",
)
DATE_PRECISIONS = ("day", "month", "year")
#: What an atlas installation is (``installations.csv``, column ``kind``).
INSTALLATION_KINDS = ("radar", "interceptors", "command", "naval-base", "test-range")
#: What an atlas system is (``systems.csv``, column ``kind``).
SYSTEM_KINDS = ("radar", "interceptor", "command", "weapon-system")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Source:
    """A cited source: ``tier`` is one of :data:`TIERS`; ``url`` is empty when not verified."""

    id: str
    tier: str
    publisher: str
    title: str = ""
    date: str = ""
    url: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        """``publisher, title (date)`` as the reader sees it."""
        parts = [part for part in (self.publisher, self.title) if part]
        text = ", ".join(parts) or self.id
        return f"{text} ({self.date})" if self.date else text


@dataclass(frozen=True)
class Category:
    """A filterable group of sites (URL parameter ``proposal``): the US plan, a phase ..."""

    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Role:
    """What a site is (radar, interceptors ...) and how its marker looks."""

    id: str
    label: str
    colour: str
    shape: str


@dataclass(frozen=True)
class ReferencePoint:
    """A named point that distances and lines are measured to, with its sources."""

    id: str
    name: str
    country: str
    lat: float
    lon: float
    sources: tuple[Source, ...]
    note: str = ""

    @property
    def point(self) -> tuple[float, float]:
        """``(lat, lon)`` in degrees."""
        return (self.lat, self.lon)


@dataclass(frozen=True)
class Site:
    """A curated site with sourced coordinates; ``precision_km`` is the stated uncertainty."""

    id: str
    role: str
    category: str
    name: str
    country: str
    lat: float
    lon: float
    precision_km: float
    sources: tuple[Source, ...]
    note: str
    topic: str = ""
    installation: str = ""  # the atlas installation this site is, or "" for a story's own point
    label: str = ""  # the short name shown beside its marker (labels.csv); empty: the name

    @property
    def short_name(self) -> str:
        """The name a map label shows: the topic's short label, else the full name."""
        return self.label or self.name


@dataclass(frozen=True)
class SiteReference:
    """A phrase (regular expression) by which an article may refer to a site."""

    site_id: str
    pattern: re.Pattern[str]
    link: str  # "named", "inferred" or "context" (see LINKS)
    note: str = ""


@dataclass(frozen=True)
class RangeFact:
    """A published range for a site's radar or missiles.

    ``min_km``/``max_km`` are both ``None`` when no public figure exists, equal for a single
    figure, and a band (``min_km < max_km``) when sources give several figures.
    """

    site_id: str
    what: str
    min_km: float | None
    max_km: float | None
    sources: tuple[Source, ...]
    note: str = ""

    @property
    def has_figure(self) -> bool:
        """True when there is a figure to draw (a ring or a band)."""
        return self.max_km is not None

    @property
    def is_band(self) -> bool:
        """True when the sources give a band of figures rather than one."""
        return self.min_km is not None and self.max_km is not None and self.min_km < self.max_km


@dataclass(frozen=True)
class Event:
    """One dated event of a site. ``end`` is the last day of an event that lasts (``held``)."""

    site_id: str
    date: dt.date
    date_precision: str
    status: str
    summary: str
    sources: tuple[Source, ...]
    note: str = ""
    end: dt.date | None = None


@dataclass(frozen=True)
class Speaker:
    """A person quoted about the story: surname, the category they speak for, their office."""

    name: str
    side: str
    role: str


@dataclass(frozen=True)
class LinesLayer:
    """Lines from every site of ``from_roles`` to the reference point ``to``."""

    from_roles: tuple[str, ...]
    to: str


@dataclass(frozen=True)
class Comparison:
    """Two categories side by side, measured to a reference point."""

    title: str
    sides: tuple[str, str]
    reference: str


@dataclass(frozen=True)
class Topic:
    """One story's curated layer, loaded from ``data/topics/<id>/`` and validated."""

    id: str
    title: str
    summary: str
    period_start: dt.date | None
    period_end: dt.date | None
    timeline_start: dt.date | None
    categories: tuple[Category, ...]
    roles: tuple[Role, ...]
    reference_points: tuple[ReferencePoint, ...]
    layers: tuple[str, ...]  # layer kind ids offered (see dashboard.core.view.layers)
    lines: LinesLayer | None
    comparison: Comparison | None
    sites: tuple[Site, ...]
    references: tuple[SiteReference, ...]
    ranges: tuple[RangeFact, ...]
    events: tuple[Event, ...]
    speakers: tuple[Speaker, ...]
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False)
    version: str = ""  # a digest of the topic's files: changes whenever the data does

    def reference_point(self, point_id: str) -> ReferencePoint | None:
        """The reference point with that id, or None."""
        return next((p for p in self.reference_points if p.id == point_id), None)

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` lies in the topic's period (an open end runs to today)."""
        if self.period_start is None or day < self.period_start:
            return False
        return self.period_end is None or day <= self.period_end


@dataclass(frozen=True)
class System:
    """A missile-defense system (THAAD, a radar type, an interceptor) from ``data/atlas/systems.csv``."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str  # one of SYSTEM_KINDS
    sources: tuple[Source, ...]
    note: str = ""


@dataclass(frozen=True)
class Installation:
    """One physical installation of the atlas (a radar, an interceptor site, a command centre,
    a ship base, a test range) with sourced coordinates and the systems it hosts."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str  # one of INSTALLATION_KINDS
    country: str
    lat: float
    lon: float
    precision_km: float
    operator: str
    systems: tuple[str, ...]  # System ids
    sources: tuple[Source, ...]
    note: str = ""


@dataclass(frozen=True)
class Atlas:
    """Every installation and system, shared by the stories (``data/atlas/``). Ranges belong to
    systems (``RangeFact.site_id`` holds the system id); events to installations (``Event.site_id``
    holds the installation id)."""

    installations: tuple[Installation, ...] = ()
    systems: tuple[System, ...] = ()
    ranges: tuple[RangeFact, ...] = ()
    events: tuple[Event, ...] = ()
    references: tuple[SiteReference, ...] = ()  # site_id holds the installation id
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False)
    version: str = ""
    #: How installations that no story claims are drawn when an article names them (``atlas.toml``).
    title: str = ""
    summary: str = ""
    category: Category | None = None
    roles: tuple[Role, ...] = ()
    kind_roles: Mapping[str, str] = field(default_factory=dict, compare=False)  # installation kind -> role id

    def installation(self, installation_id: str) -> Installation | None:
        """The installation with that id, or None."""
        return self._installations.get(installation_id)

    def system(self, system_id: str) -> System | None:
        """The system with that id, or None."""
        return next((s for s in self.systems if s.id == system_id), None)

    @cached_property
    def _installations(self) -> Mapping[str, Installation]:
        return {i.id: i for i in self.installations}
