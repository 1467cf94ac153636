"""The phrases of an article that refer to curated sites (see ``references.csv`` in a topic)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core.topics.model import SiteReference


@dataclass(frozen=True)
class SiteMention:
    """A span of article text that refers to a site (``link``: named or inferred)."""

    site_id: str
    start: int
    end: int
    link: str


def find_site_mentions(text: str, references: Sequence[SiteReference]) -> tuple[SiteMention, ...]:
    """Return every span of ``text`` that refers to a site, in text order.

    Where phrases overlap for the same site (``radar station in Azerbaijan`` and
    ``Azerbaijani radar``) only the longest is kept, so each reference is counted once.
    """
    found: list[SiteMention] = []
    for reference in references:
        for match in reference.pattern.finditer(text):
            if match.end() > match.start():
                found.append(SiteMention(reference.site_id, match.start(), match.end(), reference.link))
    found.sort(key=lambda m: (m.site_id, m.start, -(m.end - m.start)))
    kept: list[SiteMention] = []
    for mention in found:
        previous = kept[-1] if kept else None
        if previous and previous.site_id == mention.site_id and mention.start < previous.end:
            continue
        kept.append(mention)
    return tuple(sorted(kept, key=lambda m: (m.start, m.site_id)))
