"""What a story's site gets from the atlas installation it is (docs/TOPICS.md): the phrases that
name it, the published ranges of the systems it hosts, and its dated history."""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence

from dashboard.core.topics.model import Atlas, Event, Installation, RangeFact, Site, SiteReference

#: Words that may stand between a system's name and ``in <country>`` ("THAAD battery in").
_BETWEEN = r"(?:[\s-]+[A-Za-z/-]+){0,3}?"


def _literal(text: str) -> str:
    """``text`` as a pattern matching it as whole words, case as written."""
    return rf"(?<!\w){re.escape(text)}(?!\w)"


def system_country_pattern(atlas: Atlas, installation: Installation) -> re.Pattern[str] | None:
    """A pattern for "one of its systems, in its country" (``THAAD in South Korea``,
    ``Arrow 3 for Germany``, ``South Korea's THAAD battery``), or None for an installation without
    systems or country. A system named alone never matches, nor one named with an adjective of
    nationality (``the Israeli Arrow 3`` names where it is made, not where it stands)."""
    names = [
        name
        for system_id in installation.systems
        if (system := atlas.system(system_id)) is not None
        for name in (system.name, *system.aliases)
    ]
    if not names or not installation.country:
        return None
    system = "(?:" + "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True)) + ")"
    country = re.escape(installation.country)
    return re.compile(
        rf"(?<!\w){system}(?!\w){_BETWEEN}\s+(?:in|on|at|to|for)\s+(?:the\s+)?{country}(?!\w)"
        rf"|(?<!\w){country}(?:'s|’s)?{_BETWEEN}\s+{system}(?!\w)"
    )


def references_of(installation: Installation, atlas: Atlas, site_id: str) -> tuple[SiteReference, ...]:
    """Every phrase that refers to ``installation``, credited to the site ``site_id``: its names
    (``named``), the atlas's ``references.csv`` rows, and its systems named with its country
    (``inferred``)."""
    names = dict.fromkeys((installation.name, *installation.aliases))
    found = [SiteReference(site_id, re.compile(_literal(name)), "named", "name or alias (atlas)") for name in names]
    found += [dataclasses.replace(ref, site_id=site_id) for ref in atlas.references if ref.site_id == installation.id]
    pattern = system_country_pattern(atlas, installation)
    if pattern is not None:
        found.append(SiteReference(site_id, pattern, "inferred", "a system it hosts, named with its country (atlas)"))
    return tuple(found)


def installation_references(sites: Iterable[Site], atlas: Atlas) -> tuple[SiteReference, ...]:
    """The atlas's phrases for every site that is an installation."""
    return tuple(
        ref
        for site in sites
        if (installation := atlas.installation(site.installation)) is not None
        for ref in references_of(installation, atlas, site.id)
    )


def installation_ranges(
    sites: Iterable[Site], shown_systems: Mapping[str, Sequence[str]], atlas: Atlas
) -> tuple[RangeFact, ...]:
    """The ranges of the systems each installation site shows (``shown_systems``: site id ->
    system ids), credited to the site."""
    return tuple(
        dataclasses.replace(fact, site_id=site.id)
        for site in sites
        for system_id in shown_systems.get(site.id, ())
        for fact in atlas.ranges
        if fact.site_id == system_id
    )


def installation_events(sites: Iterable[Site], atlas: Atlas) -> tuple[Event, ...]:
    """Each installation site's history from the atlas, credited to the site."""
    return tuple(
        dataclasses.replace(event, site_id=site.id)
        for site in sites
        if site.installation
        for event in atlas.events
        if event.site_id == site.installation
    )
