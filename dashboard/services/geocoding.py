"""The geocoding chain: embedded gazetteer, then (when enabled) cache and Nominatim.

Order, per run of :meth:`GeocodingChain.place_text`:

1. The offline geoparser (pure gazetteer extraction and resolution) finds every mention and
   places what it can. Its answers always win: they are curated, deterministic and offline.
2. Only when ``settings.geocoder == "nominatim"`` and not offline, each *distinct* name it left
   unplaced is looked up in the cache, then (on a miss) at Nominatim; fresh answers, including
   "not found", are cached. The cache is Nominatim's memory, so it is not read in gazetteer or
   offline mode: those modes give the same answer on every machine, whatever was cached before.
3. On a :class:`GeocodingError` the run stops calling Nominatim (the cache is still read for the
   remaining names), keeps the gazetteer's results and adds a visible notice. An outage is never
   reported as "not found" and never cached.

``geocoding_chain_for`` is the one place the chain is put together from the settings and the embedded
gazetteer (the page, the command line and the benchmarks call it); ``build_chain`` takes any offline
geoparser (tests give a fake one). Both share one limiter per Nominatim server, one client and one cache per process, so
Streamlit reruns and concurrent sessions all obey the same 1 request/s; the limiter takes each
request slot from the cache's store too (``cache.StoredBudget``), so every process using the same
store (servers behind a load balancer, the command line) shares that one budget.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dashboard.config import Settings, normalise_service_url
from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.geoparse.home import StorySource
from dashboard.core.geoparse.places import Place
from dashboard.core.geoparse.toponyms import bound_geoparser
from dashboard.services.cache import SCHEMA as CACHE_SCHEMA
from dashboard.services.cache import GeocodeCache, GeocodeResult, normalise_query
from dashboard.services.nominatim import (
    AdapterFactory,
    GeocoderRateLimited,
    GeocoderRefused,
    GeocoderUnavailable,
    GeocodingError,
    NominatimClient,
)
from dashboard.services.ratelimit import ServiceLimiter
from dashboard.services.store import location_for

__all__ = (
    "GeocodeOutcome",
    "GeocoderRateLimited",
    "GeocoderRefused",
    "GeocoderUnavailable",
    "GeocodingChain",
    "GeocodingError",
    "NominatimClient",
    "build_chain",
    "geocoding_chain_for",
    "shared_limiter",
)

#: ``geoparser(text)``, or ``geoparser(text, source=StorySource)`` when the story's URL/outlet is known.
OfflineGeoparser = Callable[..., Sequence[Place]]
Progress = Callable[[int, int], None]

NOMINATIM_MIN_INTERVAL_S = 1.0  # Nominatim's usage policy: at most 1 request per second
DEFAULT_CONFIDENCE = 0.6


@dataclass(frozen=True)
class GeocodeOutcome:
    """The places of one text (in the geoparser's order) and notices to show the reader."""

    places: tuple[Place, ...]
    notices: tuple[str, ...] = ()

    @property
    def unplaced(self) -> tuple[Place, ...]:
        """The mentions left without coordinates."""
        return tuple(p for p in self.places if not p.placed)


class GeocodingChain:
    """Places the mentions of a text: gazetteer first, then cache and Nominatim when enabled."""

    def __init__(
        self,
        settings: Settings,
        offline_geoparser: OfflineGeoparser,
        cache: GeocodeCache | None,
        nominatim: NominatimClient | None,
    ) -> None:
        self.settings = settings
        self._geoparse = offline_geoparser
        self.cache = cache
        self.nominatim = nominatim
        self.service = nominatim.service if nominatim else f"nominatim:{settings.nominatim_url}"

    def place_text(self, text: str, on_progress: Progress | None = None, *,
                   source: StorySource | None = None) -> GeocodeOutcome:
        """Return the places named in ``text`` and any notices; never raises a GeocodingError.

        ``source`` (the story's URL and outlet) is handed to the geoparser as context.

        ``on_progress(done, total)`` is called as the distinct unplaced names are looked up
        (first with ``done == 0``); it is not called when nothing needs looking up.
        """
        places = tuple(self._geoparse(text) if source is None else self._geoparse(text, source=source))
        if not self.settings.nominatim_enabled:
            return GeocodeOutcome(places=places)
        names: dict[str, str] = {}
        for place in places:
            key = normalise_query(place.name)
            if not place.placed and key and key not in names:
                names[key] = place.name
        if not names:
            return GeocodeOutcome(places=places, notices=self._cache_notices())

        answers: dict[str, tuple[GeocodeResult, str]] = {}
        failure: GeocodingError | None = None
        skipped = 0
        total = len(names)
        if on_progress:
            on_progress(0, total)
        for done, (key, name) in enumerate(names.items(), start=1):
            entry = self.cache.get(self.service, name) if self.cache is not None else None
            if entry is not None:
                if entry.result is not None:
                    answers[key] = (entry.result, "cache")
            elif self.nominatim is None or failure is not None:
                skipped += 1
            else:
                try:
                    result = self.nominatim.geocode(name)
                except GeocodingError as err:
                    failure = err
                    skipped += 1
                else:
                    if self.cache is not None:
                        self.cache.put(self.service, name, result)
                    if result is not None:
                        answers[key] = (result, "nominatim")
            if on_progress:
                on_progress(done, total)

        notices: list[str] = []
        if skipped:
            notices.append(_outage_notice(failure, skipped))
        notices.extend(self._cache_notices())
        placed = tuple(_apply(p, answers.get(normalise_query(p.name))) for p in places)
        return GeocodeOutcome(places=placed, notices=tuple(notices))

    def _cache_notices(self) -> tuple[str, ...]:
        return self.cache.take_notices() if self.cache is not None else ()


def _apply(place: Place, answer: tuple[GeocodeResult, str] | None) -> Place:
    if place.placed or answer is None:
        return place
    result, source = answer
    confidence = DEFAULT_CONFIDENCE
    if result.importance is not None:
        confidence = min(0.9, max(0.5, 0.5 + 0.4 * result.importance))
    return dataclasses.replace(
        place,
        lat=result.lat,
        lon=result.lon,
        source=source,
        confidence=confidence,
        precision_km=result.precision_km,
        feature=result.feature,
        country_code=result.country_code or place.country_code,
        place_name=result.display_name.split(",")[0].strip(),
    )


def _outage_notice(failure: GeocodingError | None, skipped: int) -> str:
    count = f"{skipped} place{'s' if skipped != 1 else ''} left unplaced"
    tail = f"{count}; showing the offline gazetteer's results."
    if failure is None:
        return f"Nominatim is not set up: {tail}"
    if isinstance(failure, GeocoderRateLimited):
        return f"Nominatim is rate-limiting requests ({failure}): {tail}"
    if isinstance(failure, GeocoderRefused):
        return f"Nominatim refused the request ({failure}): {tail}"
    return f"Nominatim unavailable ({failure}): {tail}"


# -- one limiter, client and cache per process ---------------------------------------------

_shared_lock = threading.Lock()
_limiters: dict[tuple[str, str], ServiceLimiter] = {}
_clients: dict[tuple[str, str, float, str], NominatimClient] = {}
_caches: dict[str, GeocodeCache] = {}


def shared_limiter(service_url: str, cache: GeocodeCache | None = None) -> ServiceLimiter:
    """Return the process-wide limiter for the Nominatim server at ``service_url``.

    With ``cache``, the limiter also takes its request slots and pauses from that cache's store,
    which every process using the store shares. Raises ``ConfigError`` for an invalid URL.
    """
    url = normalise_service_url(service_url)
    with _shared_lock:
        return _limiter_locked(url, cache)


def _limiter_locked(service_url: str, cache: GeocodeCache | None) -> ServiceLimiter:
    key = (service_url, _store_key(cache) if cache is not None else "")
    limiter = _limiters.get(key)
    if limiter is None:
        budget = cache.budget(f"nominatim:{service_url}") if cache is not None else None
        limiter = _limiters[key] = ServiceLimiter(NOMINATIM_MIN_INTERVAL_S, budget=budget)
    return limiter


def _store_key(cache: GeocodeCache) -> str:
    return cache.location.url.render_as_string(hide_password=False)


def build_chain(
    settings: Settings,
    gazetteer_geoparser: OfflineGeoparser,
    *,
    adapter_factory: AdapterFactory | None = None,
) -> GeocodingChain:
    """Return a chain for ``settings``, reusing this process's limiter, client and cache.

    Offline or gazetteer mode gets neither cache nor client. Raises ``ConfigError`` if the
    Nominatim client rejects the settings. ``adapter_factory`` (geopy's) is for tests; a client
    built with one is not shared.
    """
    if not settings.nominatim_enabled:
        return GeocodingChain(settings, gazetteer_geoparser, None, None)
    url = settings.nominatim_url
    location = location_for(settings.database_url, Path(settings.data_dir).resolve(), CACHE_SCHEMA)
    store_key = location.url.render_as_string(hide_password=False)
    with _shared_lock:
        cache = _caches.get(store_key)
        if cache is None:
            cache = _caches[store_key] = GeocodeCache(location)
        limiter = _limiter_locked(url, cache)
        key = (url, settings.user_agent, settings.timeout_s, store_key)
        client = _clients.get(key) if adapter_factory is None else None
        if client is None:
            client = NominatimClient(
                url=url,
                user_agent=settings.user_agent,
                timeout_s=settings.timeout_s,
                limiter=limiter,
                adapter_factory=adapter_factory,
            )
            if adapter_factory is None:
                _clients[key] = client
    return GeocodingChain(settings, gazetteer_geoparser, cache, client)


def geocoding_chain_for(
    settings: Settings,
    gazetteer: Gazetteer,
    *,
    gazetteer_only: bool = False,
    adapter_factory: AdapterFactory | None = None,
) -> GeocodingChain:
    """Return the chain for ``settings`` over the embedded ``gazetteer``.

    With Nominatim enabled, the geoparser also lists the names the gazetteer does not know,
    unplaced, for Nominatim to try. ``gazetteer_only`` gives the offline tier alone (what a page
    shows at once) while still listing those names. Raises ``ConfigError`` as :func:`build_chain`.
    """
    geoparser = bound_geoparser(gazetteer, include_unknown=settings.nominatim_enabled, home_place=settings.home_place)
    tier_settings = dataclasses.replace(settings, offline=True) if gazetteer_only else settings
    return build_chain(tier_settings, geoparser, adapter_factory=adapter_factory)
