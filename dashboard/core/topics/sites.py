"""The phrases of an article that refer to curated sites (see ``references.csv`` in a topic)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core.phrase_search import PhraseSearch
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
    spans: dict[re.Pattern[str], list[tuple[int, int]]] = {}  # one search per distinct pattern
    search = PhraseSearch(text)
    for reference in references:
        if reference.pattern not in spans:
            spans[reference.pattern] = search.spans(reference.pattern)
        found.extend(SiteMention(reference.site_id, start, end, reference.link) for start, end in spans[reference.pattern])
    found.sort(key=lambda m: (m.site_id, m.start, -(m.end - m.start)))
    kept: list[SiteMention] = []
    for mention in found:
        previous = kept[-1] if kept else None
        if previous and previous.site_id == mention.site_id and mention.start < previous.end:
            continue
        kept.append(mention)
    return tuple(sorted(kept, key=lambda m: (m.start, m.site_id)))
