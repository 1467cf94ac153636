"""The dashboard's view state and its URL form: the one place that parses and writes
query parameters (DESIGN.md: article, proposal, role, site, date, layers, basemap,
lat, lon, zoom). Unknown or malformed values are dropped and reported; the rest of
the link still applies."""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from dashboard.core.topics.sites import PROPOSALS, ROLES

LAYERS = ("places", "rings", "lines")
DEFAULT_LAYERS = ("places",)
BASEMAPS = ("osm", "offline")
MAX_VALUE_LENGTH = 200
MAX_LIST_ITEMS = 20
MIN_ZOOM, MAX_ZOOM = 1, 18
PARAM_NAMES = ("article", "proposal", "role", "site", "date", "layers", "basemap", "lat", "lon", "zoom")


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link restores. ``None`` means "the default"."""

    article: str | None = None
    proposals: tuple[str, ...] = PROPOSALS
    roles: tuple[str, ...] = ROLES
    site: str | None = None
    date: dt.date | None = None
    layers: tuple[str, ...] = DEFAULT_LAYERS
    basemap: str = "osm"
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None

    def with_changes(self, **changes: object) -> "ViewState":
        """Return a copy with the given fields replaced."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ParseResult:
    """A parsed link: the state, and one human-readable problem per dropped value."""

    state: ViewState
    problems: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Choices:
    """The ids a link may name (articles, sites) and the defaults for this server."""

    articles: frozenset[str]
    sites: frozenset[str]
    default_article: str | None
    default_basemap: str = "osm"


def _single(raw: str | Sequence[str]) -> str:
    if isinstance(raw, str):
        return raw
    return raw[-1] if raw else ""


def _shorten(value: str) -> str:
    return value if len(value) <= 40 else value[:37] + "..."


def _id_list(name: str, value: str, allowed: Iterable[str], problems: list[str]) -> tuple[str, ...] | None:
    allowed_set = set(allowed)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if len(items) > MAX_LIST_ITEMS:
        problems.append(f"{name}: too many values")
        items = items[:MAX_LIST_ITEMS]
    unknown = [item for item in items if item not in allowed_set]
    if unknown:
        problems.append(f"{name}: unknown {', '.join(repr(_shorten(u)) for u in unknown[:3])}")
    known = [item for item in dict.fromkeys(items) if item in allowed_set]
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
    for name, attribute, allowed in (("proposal", "proposals", PROPOSALS), ("role", "roles", ROLES), ("layers", "layers", LAYERS)):
        if name in values:
            parsed = _id_list(name, values[name], allowed, problems)
            if parsed is not None:
                state = state.with_changes(**{attribute: parsed})
    if "site" in values and values["site"]:
        if values["site"] in choices.sites:
            state = state.with_changes(site=values["site"])
        else:
            problems.append(f"site: unknown {_shorten(values['site'])!r}")
    if "date" in values and values["date"]:
        try:
            state = state.with_changes(date=dt.date.fromisoformat(values["date"]))
        except ValueError:
            problems.append(f"date: not YYYY-MM-DD ({_shorten(values['date'])!r})")
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
        state = state.with_changes(lat=round(lat, 5), lon=round(lon, 5))
    if zoom is not None:
        state = state.with_changes(zoom=int(round(zoom)))
    return ParseResult(state=state, problems=tuple(problems))


def to_query(state: ViewState) -> dict[str, str]:
    """Return the query parameters that reproduce ``state`` (defaults left out)."""
    query: dict[str, str] = {}
    if state.article:
        query["article"] = state.article
    if state.proposals != PROPOSALS:
        query["proposal"] = ",".join(state.proposals)
    if state.roles != ROLES:
        query["role"] = ",".join(state.roles)
    if state.site:
        query["site"] = state.site
    if state.date:
        query["date"] = state.date.isoformat()
    if state.layers != DEFAULT_LAYERS:
        query["layers"] = ",".join(state.layers)
    query["basemap"] = state.basemap
    if state.lat is not None and state.lon is not None:
        query["lat"] = f"{state.lat:.5f}".rstrip("0").rstrip(".")
        query["lon"] = f"{state.lon:.5f}".rstrip("0").rstrip(".")
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
