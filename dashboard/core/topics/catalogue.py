"""Every topic at once: loading the topic folders (one bad topic does not take the others down),
the vocabulary they declare together (categories, roles, sites), and which topics an article gets.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from dashboard.core.topics.atlas import read_atlas
from dashboard.core.topics.installations import installation_events, installation_ranges, installation_references
from dashboard.core.topics.load import TOPIC_FILE, TopicError, load_topic
from dashboard.core.topics.model import Atlas, Category, Role, Site, SiteReference, Topic
from dashboard.core.topics.sites import SiteMention, find_site_mentions

#: The role of an article's own places (not a topic's: every article has them).
PLACE_ROLE = Role("place", "Other place", "#6F6F6F", "circle")
#: The id of the topic holding the atlas installations that no story claims (``atlas.toml``).
ATLAS_TOPIC_ID = "atlas"


@dataclass(frozen=True)
class TopicFailure:
    """A topic folder that could not be loaded, and why (the message names file, line, field)."""

    topic: str
    message: str


@dataclass(frozen=True)
class Catalogue:
    """The loaded topics (in folder-name order) and the ones that failed to load."""

    topics: tuple[Topic, ...]
    failures: tuple[TopicFailure, ...] = ()
    atlas: Atlas = field(default_factory=Atlas)

    @cached_property
    def categories(self) -> tuple[Category, ...]:
        """Every topic's categories, in topic order."""
        return tuple(category for topic in self.topics for category in topic.categories)

    @cached_property
    def roles(self) -> tuple[Role, ...]:
        """Every declared role once (topics agree on shared ids), then the places' role."""
        seen: dict[str, Role] = {}
        for topic in self.topics:
            for role in topic.roles:
                seen.setdefault(role.id, role)
        return (*seen.values(), PLACE_ROLE)

    @cached_property
    def sites(self) -> tuple[Site, ...]:
        """Every topic's sites, in topic and file order."""
        return tuple(site for topic in self.topics for site in topic.sites)

    @cached_property
    def version(self) -> str:
        """Changes whenever any topic's data does (a cache key)."""
        versions = [self.atlas.version, *(t.version for t in self.topics)]
        return hashlib.sha256("|".join(versions).encode()).hexdigest()[:16]

    @cached_property
    def stories(self) -> tuple[Topic, ...]:
        """The stories: every topic but the one of unclaimed atlas installations."""
        return tuple(t for t in self.topics if t.id != ATLAS_TOPIC_ID)

    def stories_of(self, installation_id: str) -> tuple[Topic, ...]:
        """The stories that have this installation among their sites."""
        return tuple(t for t in self.stories if any(s.installation == installation_id for s in t.sites))

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with that id, or None."""
        return next((t for t in self.topics if t.id == topic_id), None)

    def role(self, role_id: str) -> Role:
        """The role with that id; raises KeyError for an unknown one."""
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    def category(self, category_id: str) -> Category:
        """The category with that id; raises KeyError for an unknown one."""
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)


def load_catalogue(root: Path, atlas_dir: Path | None = None) -> Catalogue:
    """Load the atlas in ``atlas_dir`` (none when None) and every ``<root>/<topic-id>/topic.toml``;
    a topic that fails is kept as a failure, and so is each problem of the atlas (its sound rows
    are kept). The installations no story claims form one more topic, ``atlas``, last.

    Besides each topic's own checks, a later topic fails when it repeats a site id or a
    category id of an earlier one, or declares a shared role id with another look.
    """
    atlas, problems = read_atlas(atlas_dir) if atlas_dir is not None else (Atlas(), ())
    failures = [TopicFailure(ATLAS_TOPIC_ID, str(problem)) for problem in problems]
    topics: list[Topic] = []
    folders = sorted(p for p in Path(root).iterdir() if p.is_dir() and (p / TOPIC_FILE).exists()) if Path(root).is_dir() else []
    for folder in folders:
        try:
            topic = load_topic(folder, atlas)
            if topic.id == ATLAS_TOPIC_ID:
                raise TopicError(f"{topic.id}/{TOPIC_FILE}", None, "id", f"{ATLAS_TOPIC_ID!r} is reserved for the atlas")
            _check_against(topic, topics)
        except TopicError as err:
            failures.append(TopicFailure(folder.name, str(err)))
            continue
        topics.append(topic)
    unclaimed = unclaimed_topic(atlas, topics)
    if unclaimed is not None:
        try:
            _check_against(unclaimed, topics)
            topics.append(unclaimed)
        except TopicError as err:
            failures.append(TopicFailure(ATLAS_TOPIC_ID, str(err)))
    return Catalogue(tuple(topics), tuple(failures), atlas)


def unclaimed_topic(atlas: Atlas, stories: Sequence[Topic]) -> Topic | None:
    """The installations no story has among its sites, as the topic ``atlas`` (site id =
    installation id, role from its kind, drawn as ``atlas.toml`` says); None when there are none
    or the atlas has no ``atlas.toml``."""
    claimed = {site.installation for topic in stories for site in topic.sites}
    left = [i for i in atlas.installations if i.id not in claimed]
    if not left or atlas.category is None:
        return None
    sites = tuple(
        Site(
            id=i.id, role=atlas.kind_roles[i.kind], category=atlas.category.id, name=i.name, country=i.country,
            lat=i.lat, lon=i.lon, precision_km=i.precision_km, sources=i.sources, note=i.note,
            topic=ATLAS_TOPIC_ID, installation=i.id,
        )
        for i in left
    )
    used_roles = {site.role for site in sites}
    return Topic(
        id=ATLAS_TOPIC_ID, title=atlas.title, summary=atlas.summary, period_start=None, period_end=None,
        timeline_start=None, categories=(atlas.category,), roles=tuple(r for r in atlas.roles if r.id in used_roles),
        reference_points=(), layers=("rings", "timeline"), lines=None, comparison=None, sites=sites,
        references=installation_references(sites, atlas),
        ranges=installation_ranges(sites, {i.id: i.systems for i in left}, atlas),
        events=tuple(sorted(installation_events(sites, atlas), key=lambda e: e.date)),
        speakers=(), sources=atlas.sources, version=atlas.version,
    )


def _check_against(topic: Topic, earlier: Sequence[Topic]) -> None:
    file = f"{topic.id}/"
    for other in earlier:
        shared_sites = {s.id for s in topic.sites} & {s.id for s in other.sites}
        if shared_sites:
            raise TopicError(file + "sites.csv", None, "id", f"site id {sorted(shared_sites)[0]!r} is already used by topic {other.id!r}")
        shared_categories = {c.id for c in topic.categories} & {c.id for c in other.categories}
        if shared_categories:
            raise TopicError(file + TOPIC_FILE, None, "categories", f"category {sorted(shared_categories)[0]!r} is already declared by topic {other.id!r}")
        looks = {role.id: role for role in other.roles}
        for role in topic.roles:
            if role.id in looks and looks[role.id] != role:
                raise TopicError(file + TOPIC_FILE, None, "roles", f"role {role.id!r} must look as in topic {other.id!r} (label, colour, shape)")


@dataclass(frozen=True)
class Attachment:
    """The topics an article gets, and its phrases that refer to their sites (text order)."""

    topics: tuple[Topic, ...]
    mentions: tuple[SiteMention, ...]


def attach_topics(text: str, catalogue: Catalogue, day: dt.date | None = None) -> Attachment:
    """Return the topics ``text`` refers to and the site mentions that go with them.

    A phrase claimed by sites of several topics (both stories have a site at Redzikowo) goes to
    the topic the text refers to most: more distinct sites, then the topic whose period holds
    ``day`` (the article's date), then the earlier topic. A topic left with no phrase, or with
    ``context`` phrases only (its threat's country, say), is not attached. See docs/TOPICS.md.
    """
    references: list[SiteReference] = [ref for topic in catalogue.topics for ref in topic.references]
    found = find_site_mentions(text, tuple(references))
    topic_of = {site.id: topic.id for topic in catalogue.topics for site in topic.sites}
    order = {topic.id: index for index, topic in enumerate(catalogue.topics)}
    breadth: dict[str, set[str]] = {}
    for mention in found:
        if mention.link != "context":  # context names alone never attach a topic
            breadth.setdefault(topic_of[mention.site_id], set()).add(mention.site_id)

    def strength(topic_id: str) -> tuple[int, int, int]:
        topic = catalogue.topic(topic_id)
        covers = int(day is not None and topic is not None and topic.covers(day))
        return (len(breadth.get(topic_id, ())), covers, -order[topic_id])

    kept = [m for m in found if _wins(m, found, topic_of, strength)]
    attached = {topic_of[m.site_id] for m in kept if m.link != "context"}
    kept = [m for m in kept if topic_of[m.site_id] in attached]
    return Attachment(tuple(t for t in catalogue.topics if t.id in attached), tuple(kept))


def _wins(mention: SiteMention, found: Iterable[SiteMention], topic_of: dict[str, str], strength) -> bool:
    mine = topic_of[mention.site_id]
    rivals = {
        topic_of[other.site_id]
        for other in found
        if topic_of[other.site_id] != mine and other.start < mention.end and mention.start < other.end
    }
    return all(strength(mine) > strength(rival) for rival in rivals)
