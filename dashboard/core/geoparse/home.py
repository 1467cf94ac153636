"""A story's home: where its outlet is, a prior for its local names (a Louisiana paper's
"Alexandria" is in Louisiana), never an override.

The home comes, most specific first, from:

* the outlet's name when it names a place ("The Seattle Times", "Manchester Evening News");
* the outlet's web domain when one of its labels is the name of a big city, a first-level area
  or a country ("gainesville.com", "texastribune.org" does not count: labels are whole words);
* the country-code top-level domain of the story's URL (``.de`` is Germany, ``.uk`` Britain):
  how the web's country domains work, not a list of outlets; generic domains (``.com``) and
  country codes sold as vanity domains (``.tv``, ``.io``, ``.me``...) say nothing;
* the deployment's own home (``DASHBOARD_HOME_PLACE``: a local newsroom names its town, state
  or country).

No open directory of news outlets with their homes exists under a licence a newsroom could
publish (see data/SOURCES.md, "Outlet homes"), so the home is derived, never looked up.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from dashboard.core.geoparse.gazetteer import Gazetteer, GazetteerEntry, name_key

#: Country-code top-level domains whose code differs from the ISO 3166 alpha-2 code.
_TLD_COUNTRY = {"uk": "GB"}
#: Country codes sold and used as generic domains ("news.tv", "app.io"): no country.
_VANITY_TLDS = frozenset({"tv", "io", "me", "co", "fm", "ai", "ly", "ms", "cc", "ws", "to", "nu", "am",
                          "im", "la", "gg", "sh", "ac", "st", "vc", "tk", "ag", "gl", "is", "it", "eu"})
#: A domain label names the outlet's home only when it is the name of a place at least this big
#: (or of a first-level area or country): small towns share their names with too many words.
DOMAIN_PLACE_POPULATION = 100_000
#: Shorter domain labels are prefixes and second-level parts ("www", "m", "co", "com").
MIN_DOMAIN_LABEL = 4


@dataclass(frozen=True)
class StorySource:
    """Where a story comes from: its URL and its outlet's name (either may be empty)."""

    url: str = ""
    outlet: str = ""


@dataclass(frozen=True)
class Home:
    """A story's home: a country, and a first-level area within it when known; ``reason`` says
    where it comes from (shown in the explain view)."""

    country_code: str
    admin1: str | None
    reason: str


def story_home(source: StorySource | None, gazetteer: Gazetteer, home_place: str = "") -> Home | None:
    """Return the story's home from its outlet, its URL or the deployment's ``home_place``
    (most specific first), or ``None`` when none of them says anything."""
    if source is not None:
        if source.outlet and (home := _home_in_name(source.outlet, gazetteer, "outlet's name")):
            return home
        host = _host(source.url)
        if host and (home := _home_in_domain(host, gazetteer)):
            return home
        if host and (home := _home_of_tld(host)):
            return home
    if home_place.strip():
        return _home_of_place(home_place.strip(), gazetteer)
    return None


def country_of_tld(url: str) -> str | None:
    """The ISO country code of ``url``'s country-code top-level domain, or ``None`` for generic
    and vanity domains ("https://www.spiegel.de/x" -> "DE", "https://www.bbc.co.uk" -> "GB")."""
    home = _home_of_tld(_host(url))
    return home.country_code if home else None


def _host(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def _home_of_tld(host: str) -> Home | None:
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if len(tld) != 2 or not tld.isalpha() or tld in _VANITY_TLDS:
        return None
    return Home(_TLD_COUNTRY.get(tld, tld.upper()), None, f"country domain .{tld}")


def _home_in_domain(host: str, gazetteer: Gazetteer) -> Home | None:
    for label in host.split(".")[:-1]:
        if len(label) < MIN_DOMAIN_LABEL:  # "www", "m", "co", "com": never a place here
            continue
        entry = _biggest(gazetteer, label)
        if entry is not None:
            return _home_of_entry(entry, f"web domain {host}")
    return None


def _home_in_name(text: str, gazetteer: Gazetteer, reason: str) -> Home | None:
    """The first place a short name ("The Seattle Times", "Alexandria, Louisiana") names."""
    from dashboard.core.geoparse.mentions import extract_mentions
    from dashboard.core.geoparse.toponyms import explain_resolution

    for r in explain_resolution(text, extract_mentions(text, gazetteer), gazetteer):
        if r.chosen is not None and (home := _home_of_entry(r.chosen, f"{reason} ({text})")):
            return home
    return None


def _home_of_place(name: str, gazetteer: Gazetteer) -> Home | None:
    return _home_in_name(name, gazetteer, "DASHBOARD_HOME_PLACE")


def _biggest(gazetteer: Gazetteer, label: str) -> GazetteerEntry | None:
    key = name_key(label)
    info = gazetteer.names.get(key)
    if info is None:
        return None
    for e in gazetteer.candidates(key):
        if e.feature in ("country", "admin1") or (e.feature == "city" and e.population >= DOMAIN_PLACE_POPULATION):
            return e
    return None


def _home_of_entry(e: GazetteerEntry, reason: str) -> Home | None:
    if not e.country_code:
        return None
    return Home(e.country_code, None if e.feature == "country" else e.admin1, reason)
