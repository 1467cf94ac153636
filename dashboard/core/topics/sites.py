"""Curated sites (data/sites.csv) and the article phrases that refer to them."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from dashboard.paths import data_dir

PROPOSALS = ("us-plan", "russian-proposal", "threat", "diplomacy")
ROLES = ("radar", "interceptors", "threat", "summit", "place")
PROPOSAL_LABELS = {
    "us-plan": "US plan",
    "russian-proposal": "Russian proposal",
    "threat": "The threat",
    "diplomacy": "Diplomacy",
}
ROLE_LABELS = {
    "radar": "Radar",
    "interceptors": "Interceptors",
    "threat": "Threat",
    "summit": "Summit",
    "place": "Other place",
}
LINKS = ("named", "inferred")
SITE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

DATA_DIR = data_dir()


class SiteDataError(ValueError):
    """A row of the curated site data is invalid (message names the file and line)."""


@dataclass(frozen=True)
class Site:
    """A curated site with sourced coordinates; ``precision_km`` is the stated uncertainty."""

    id: str
    role: str
    proposal: str
    name: str
    country: str
    lat: float
    lon: float
    precision_km: float
    source_url: str
    note: str


@dataclass(frozen=True)
class SiteReference:
    """A phrase (regular expression) by which an article may refer to a site."""

    site_id: str
    pattern: re.Pattern[str]
    link: str  # "named": the article names the site; "inferred": it names it indirectly
    note: str


@dataclass(frozen=True)
class SiteMention:
    """A span of article text that refers to a site."""

    site_id: str
    start: int
    end: int
    link: str


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(number, row) for number, row in enumerate(csv.DictReader(handle), start=2)]


def load_sites(path: Path = DATA_DIR / "sites.csv") -> tuple[Site, ...]:
    """Read and validate the curated sites. Raises SiteDataError naming the bad line."""
    sites = []
    for line, row in _rows(path):
        where = f"{path.name} line {line}"
        try:
            site = Site(
                id=row["id"],
                role=row["role"],
                proposal=row["proposal"],
                name=row["name"],
                country=row["country"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                precision_km=float(row["precision_km"]),
                source_url=row["source_url"],
                note=row["note"],
            )
        except (KeyError, TypeError, ValueError) as err:
            raise SiteDataError(f"{where}: {err}") from err
        if not SITE_ID_RE.match(site.id):
            raise SiteDataError(f"{where}: bad site id {site.id!r}")
        if site.role not in ROLES or site.proposal not in PROPOSALS:
            raise SiteDataError(f"{where}: unknown role or proposal")
        if not (-90 <= site.lat <= 90 and -180 <= site.lon <= 180):
            raise SiteDataError(f"{where}: coordinates out of range")
        if not site.source_url.startswith(("http://", "https://")):
            raise SiteDataError(f"{where}: a source URL is required")
        sites.append(site)
    return tuple(sites)


def load_site_references(path: Path = DATA_DIR / "site_references.csv") -> tuple[SiteReference, ...]:
    """Read the phrases that refer to sites. Raises SiteDataError naming the bad line."""
    references = []
    for line, row in _rows(path):
        try:
            pattern = re.compile(row["pattern"], re.IGNORECASE)
        except (KeyError, re.error) as err:
            raise SiteDataError(f"{path.name} line {line}: {err}") from err
        if row.get("link") not in LINKS:
            raise SiteDataError(f"{path.name} line {line}: link must be one of {LINKS}")
        references.append(SiteReference(row["site_id"], pattern, row["link"], row.get("note", "")))
    return tuple(references)


def find_site_mentions(text: str, references: tuple[SiteReference, ...]) -> tuple[SiteMention, ...]:
    """Return every span of ``text`` that refers to a site, in text order.

    Where phrases overlap for the same site (``radar station in Azerbaijan`` and
    ``Azerbaijan``) only the longest is kept, so each reference is counted once.
    """
    found: list[SiteMention] = []
    for reference in references:
        for match in reference.pattern.finditer(text):
            found.append(SiteMention(reference.site_id, match.start(), match.end(), reference.link))
    found.sort(key=lambda m: (m.site_id, m.start, -(m.end - m.start)))
    kept: list[SiteMention] = []
    for mention in found:
        previous = kept[-1] if kept else None
        if previous and previous.site_id == mention.site_id and mention.start < previous.end:
            continue
        kept.append(mention)
    return tuple(sorted(kept, key=lambda m: (m.start, m.site_id)))
