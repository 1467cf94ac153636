"""The dashboard's view and its URL form: the one place that parses and writes query parameters
(DESIGN.md: article, proposal, role, site, date, layers, basemap, lat, lon, zoom). Unknown or
malformed values are dropped and reported; the rest of the link still applies."""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from dashboard.core.view.layers import DEFAULT_LAYERS, MAP_LAYER_IDS

BASEMAPS = ("osm", "offline")
MAX_VALUE_LENGTH = 200
MAX_LIST_ITEMS = 20
MIN_ZOOM, MAX_ZOOM = 1, 18
#: Decimals of ``lat``/``lon`` in a link (about 11 m): the parser rounds to it, the writer writes it.
COORDINATE_DECIMALS = 4
PARAM_NAMES = ("article", "proposal", "role", "site", "date", "layers", "basemap", "places", "lat", "lon", "zoom")
#: ``places=``: every place the geoparser placed, or only those it is sure of.
PLACE_SETS = ("all", "confident")
#: A selected article place (see ``geography.PlaceGroup.key``) rather than a curated site.
PLACE_KEY_RE = re.compile(r"^place-[0-9a-z-]{1,40}$")


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link restores. ``None`` means "the default" (for ``categories`` and
    ``roles``: all of them, whatever topics exist)."""

    article: str | None = None
    categories: tuple[str, ...] | None = None
    roles: tuple[str, ...] | None = None
    site: str | None = None  # a curated site's id, or an article place's key
    date: dt.date | None = None
    layers: tuple[str, ...] = DEFAULT_LAYERS
    basemap: str = "osm"
    uncertain: bool = True  # show places the geoparser is unsure of (``places=confident`` hides them)
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None

    def with_changes(self, **changes: object) -> ViewState:
        """Return a copy with the given fields replaced."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def shows_category(self, category: str) -> bool:
        """True when sites of that category pass the filter."""
        return self.categories is None or category in self.categories

    def shows_role(self, role: str) -> bool:
        """True when sites (or places, ``place``) of that role pass the filter."""
        return self.roles is None or role in self.roles

    @property
    def has_map_view(self) -> bool:
        """True when the link fixes where the map looks (lat, lon and zoom)."""
        return self.lat is not None and self.lon is not None and self.zoom is not None


@dataclass(frozen=True)
class ParseResult:
    """A parsed link: the state, and one human-readable problem per dropped value."""

    state: ViewState
    problems: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Choices:
    """The ids a link may name (in their canonical order) and this server's defaults."""

    articles: frozenset[str]
    sites: frozenset[str]
    categories: tuple[str, ...]
    roles: tuple[str, ...]
    default_article: str | None
    default_basemap: str = "osm"


def _single(raw: str | Sequence[str]) -> str:
    if isinstance(raw, str):
        return raw
    return raw[-1] if raw else ""


def _shorten(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def _id_list(name: str, value: str, allowed: Sequence[str], problems: list[str]) -> tuple[str, ...] | None:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(items) > MAX_LIST_ITEMS:
        problems.append(f"{name}: too many values")
        items = items[:MAX_LIST_ITEMS]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        problems.append(f"{name}: unknown {', '.join(repr(_shorten(u)) for u in unknown[:3])}")
    known = [item for item in dict.fromkeys(items) if item in allowed]
    if not known and items:
        return None
    # keep the canonical order so equal states give equal links
    return tuple(item for item in allowed if item in known)


def _number(name: str, value: str, low: float, high: float, problems: list[str]) -> float | None:
    try:
        number = float(value)
    except ValueError:
        problems.append(f"{name}: not a number ({_shorten(value)!r})")
        return None
    if not math.isfinite(number) or not low <= number <= high:
        problems.append(f"{name}: out of range ({_shorten(value)!r})")
        return None
    return number


def _all_or(selected: tuple[str, ...] | None, allowed: Sequence[str]) -> tuple[str, ...] | None:
    """``None`` (all) when ``selected`` is every allowed id, else ``selected``."""
    return None if selected is not None and set(selected) >= set(allowed) else selected


def parse_query(params: Mapping[str, str | Sequence[str]], choices: Choices) -> ParseResult:
    """Parse query parameters into a ViewState, never raising.

    Each unknown parameter, over-long value or invalid value is dropped with a problem
    message; an empty list (``proposal=``) means "none selected".
    """
    problems: list[str] = []
    state = ViewState(article=choices.default_article, basemap=choices.default_basemap)
    values: dict[str, str] = {}
    for name, raw in params.items():
        if name not in PARAM_NAMES:
            problems.append(f"unknown parameter {_shorten(name)!r}")
            continue
        value = _single(raw).strip()
        if len(value) > MAX_VALUE_LENGTH:
            problems.append(f"{name}: value too long")
            continue
        values[name] = value

    if "article" in values:
        if values["article"] in choices.articles:
            state = state.with_changes(article=values["article"])
        else:
            problems.append(f"article: unknown {_shorten(values['article'])!r}")
    for name, attribute, allowed in (("proposal", "categories", choices.categories), ("role", "roles", choices.roles)):
        if name in values:
            parsed = _id_list(name, values[name], allowed, problems)
            if parsed is not None:
                state = state.with_changes(**{attribute: _all_or(parsed, allowed)})
    if "layers" in values:
        parsed = _id_list("layers", values["layers"], MAP_LAYER_IDS, problems)
        if parsed is not None:
            state = state.with_changes(layers=parsed)
    if values.get("site"):
        site = values["site"]
        if site in choices.sites or PLACE_KEY_RE.match(site):
            state = state.with_changes(site=site)
        else:
            problems.append(f"site: unknown {_shorten(site)!r}")
    if values.get("date"):
        try:
            state = state.with_changes(date=dt.date.fromisoformat(values["date"]))
        except ValueError:
            problems.append(f"date: not YYYY-MM-DD ({_shorten(values['date'])!r})")
    if "places" in values:
        if values["places"] in PLACE_SETS:
            state = state.with_changes(uncertain=values["places"] == "all")
        else:
            problems.append(f"places: unknown {_shorten(values['places'])!r}")
    if "basemap" in values:
        if values["basemap"] in BASEMAPS:
            state = state.with_changes(basemap=values["basemap"])
        else:
            problems.append(f"basemap: unknown {_shorten(values['basemap'])!r}")
    lat = _number("lat", values["lat"], -90, 90, problems) if "lat" in values else None
    lon = _number("lon", values["lon"], -180, 180, problems) if "lon" in values else None
    zoom = _number("zoom", values["zoom"], MIN_ZOOM, MAX_ZOOM, problems) if "zoom" in values else None
    if (lat is None) != (lon is None):
        problems.append("lat and lon must be given together")
    elif lat is not None and lon is not None:
        state = state.with_changes(lat=round(lat, COORDINATE_DECIMALS), lon=round(lon, COORDINATE_DECIMALS))
    if zoom is not None:
        state = state.with_changes(zoom=int(round(zoom)))
    return ParseResult(state=state, problems=tuple(problems))


def _coordinate(value: float) -> str:
    return f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")


def to_query(state: ViewState) -> dict[str, str]:
    """Return the query parameters that reproduce ``state`` (defaults left out)."""
    query: dict[str, str] = {}
    if state.article:
        query["article"] = state.article
    if state.categories is not None:
        query["proposal"] = ",".join(state.categories)
    if state.roles is not None:
        query["role"] = ",".join(state.roles)
    if state.site:
        query["site"] = state.site
    if state.date:
        query["date"] = state.date.isoformat()
    if state.layers != DEFAULT_LAYERS:
        query["layers"] = ",".join(state.layers)
    query["basemap"] = state.basemap
    if not state.uncertain:
        query["places"] = "confident"
    if state.lat is not None and state.lon is not None:
        query["lat"] = _coordinate(state.lat)
        query["lon"] = _coordinate(state.lon)
    if state.zoom is not None:
        query["zoom"] = str(state.zoom)
    return query


def summarize_problems(problems: Sequence[str]) -> str | None:
    """Return the single notice shown for a link's dropped values, or None."""
    if not problems:
        return None
    shown = "; ".join(problems[:5])
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"Some parts of this link were ignored: {shown}{more}. The rest of the link applies."


# --- the atlas page (``?page=atlas``): its filters, in the link --------------------------------

ATLAS_PAGE = "atlas"
ATLAS_PARAM_NAMES = ("page", "country", "system", "kind", "story", "status", "date", "basemap")


@dataclass(frozen=True)
class AtlasFilter:
    """The atlas page's filters: an empty tuple shows all; ``date`` is the day statuses are
    read on (None: today)."""

    countries: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    stories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date: dt.date | None = None
    basemap: str = "osm"


@dataclass(frozen=True)
class AtlasChoices:
    """The values the atlas page's link may name, in their canonical order."""

    countries: tuple[str, ...]
    systems: tuple[str, ...]
    kinds: tuple[str, ...]
    stories: tuple[str, ...]
    statuses: tuple[str, ...]
    default_basemap: str = "osm"


#: (query parameter, AtlasFilter field, AtlasChoices field) of the atlas page's list filters.
_ATLAS_LISTS = (("country", "countries"), ("system", "systems"), ("kind", "kinds"), ("story", "stories"),
                ("status", "statuses"))


def is_atlas_link(params: Mapping[str, str | Sequence[str]]) -> bool:
    """True when the query parameters open the atlas page (``page=atlas``)."""
    return "page" in params and _single(params["page"]).strip() == ATLAS_PAGE


def parse_atlas_query(params: Mapping[str, str | Sequence[str]], choices: AtlasChoices) -> tuple[AtlasFilter, tuple[str, ...]]:
    """The atlas page's filters from query parameters, never raising, and one problem per
    dropped value (as :func:`parse_query`)."""
    problems: list[str] = []
    found = AtlasFilter(basemap=choices.default_basemap)
    for name, raw in params.items():
        if name not in ATLAS_PARAM_NAMES:
            problems.append(f"unknown parameter {_shorten(name)!r}")
            continue
        value = _single(raw).strip()
        if len(value) > MAX_VALUE_LENGTH:
            problems.append(f"{name}: value too long")
        elif name == "date" and value:
            try:
                found = replace(found, date=dt.date.fromisoformat(value))
            except ValueError:
                problems.append(f"date: not YYYY-MM-DD ({_shorten(value)!r})")
        elif name == "basemap":
            if value in BASEMAPS:
                found = replace(found, basemap=value)
            else:
                problems.append(f"basemap: unknown {_shorten(value)!r}")
        elif name != "page":
            field_name = dict(_ATLAS_LISTS)[name]
            parsed = _id_list(name, value, getattr(choices, field_name), problems)
            found = replace(found, **{field_name: parsed or ()})
    return found, tuple(problems)


def atlas_to_query(found: AtlasFilter) -> dict[str, str]:
    """The query parameters that reproduce the atlas page's filters (empty filters left out)."""
    query = {"page": ATLAS_PAGE}
    for name, field_name in _ATLAS_LISTS:
        if getattr(found, field_name):
            query[name] = ",".join(getattr(found, field_name))
    if found.date:
        query["date"] = found.date.isoformat()
    query["basemap"] = found.basemap
    return query
