"""Nominatim through geopy, behind one shared limiter, with our own exception hierarchy.

"Not found" is ``None``; a service that is down, slow, rate-limiting or answering nonsense
raises a :class:`GeocodingError` (translated from geopy's exceptions with ``raise ... from``),
so callers can never mistake an outage for an empty answer.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import geopy.exc as gexc
from geopy.adapters import (
    AdapterHTTPError,
    BaseAdapter,
    RequestsAdapter,
    URLLibAdapter,
    get_retry_after,
)
from geopy.distance import great_circle
from geopy.geocoders import Nominatim
from geopy.location import Location

from dashboard.config import ConfigError, normalise_service_url
from dashboard.errors import DashboardError
from dashboard.services.cache import GeocodeResult
from dashboard.services.ratelimit import BudgetUnavailable, ServiceLimiter

AdapterFactory = Callable[..., BaseAdapter]

# Nominatim's data licence requires this credit wherever its results are shown.
NOMINATIM_ATTRIBUTION = "Geocoding: Nominatim, data © OpenStreetMap contributors (ODbL)"

DEFAULT_ERROR_COOLDOWN_S = 30.0
DEFAULT_RETRY_AFTER_S = 60.0
MAX_QUERY_LENGTH = 200

_FEATURE_BY_TYPE = {
    "continent": "continent",
    "country": "country",
    "state": "admin1",
    "province": "admin1",
    "region": "admin1",
    "state_district": "admin1",
    "county": "admin1",
    "city": "city",
    "town": "city",
    "village": "city",
    "hamlet": "city",
    "municipality": "city",
    "borough": "city",
    "suburb": "city",
    "city_district": "city",
    "quarter": "city",
    "neighbourhood": "city",
    "locality": "city",
    "island": "region",
    "archipelago": "region",
    "sea": "region",
    "peninsula": "region",
    "mountain_range": "region",
}
_SITE_CLASSES = frozenset(
    {"military", "man_made", "aeroway", "building", "amenity", "tourism", "historic", "landuse"}
)
# Fallback precision (km) by feature when the answer has no usable bounding box.
_PRECISION_BY_FEATURE = {
    "continent": 3000.0,
    "country": 500.0,
    "admin1": 150.0,
    "region": 300.0,
    "city": 10.0,
    "site": 1.0,
}


class GeocodingError(DashboardError):
    """A geocoding service could not answer; the run should stop calling it."""


class GeocoderUnavailable(GeocodingError):
    """The service is down, timed out, answered HTTP 5xx, reset the connection or sent nonsense."""


class GeocoderRateLimited(GeocodingError):
    """The service answered HTTP 429; ``retry_after`` is the pause (seconds) it asked for."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GeocoderRefused(GeocodingError):
    """The service refused the request (HTTP 400/401/402/403: bad query, blocked user agent)."""


def default_adapter_factory(*, proxies: object, ssl_context: object) -> BaseAdapter:
    """Return geopy's requests adapter without hidden retries (or urllib's if requests is absent).

    geopy's default ``RequestsAdapter`` retries failed connections twice behind the caller's
    back, which would bypass the rate limiter; every request here goes through the limiter.
    """
    if RequestsAdapter.is_available:
        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)


class NominatimClient:
    """Looks places up at one Nominatim server; one request at a time through ``limiter``.

    Keyword-only configuration, checked at construction (raises ``ConfigError``). The limiter
    must be shared by every client of the same server in the process.
    """

    def __init__(
        self,
        *,
        url: str,
        user_agent: str,
        timeout_s: float,
        limiter: ServiceLimiter,
        adapter_factory: AdapterFactory | None = None,
        language: str = "en",
        error_cooldown_s: float = DEFAULT_ERROR_COOLDOWN_S,
        default_retry_after_s: float = DEFAULT_RETRY_AFTER_S,
    ) -> None:
        self.url = normalise_service_url(url)
        self.service = f"nominatim:{self.url}"
        self.limiter = limiter
        self.timeout_s = timeout_s
        self.language = language
        self.error_cooldown_s = error_cooldown_s
        self.default_retry_after_s = default_retry_after_s
        parts = urlsplit(self.url)
        try:
            self._geocoder = Nominatim(
                user_agent=user_agent,
                timeout=timeout_s,
                domain=self.url.split("://", 1)[1],
                scheme=parts.scheme,
                # A server on this machine is reached directly, never through a proxy.
                proxies={} if _is_loopback(parts.hostname or "") else None,
                adapter_factory=adapter_factory or default_adapter_factory,
            )
        except gexc.ConfigurationError as err:
            raise ConfigError(f"Nominatim client: {err}") from err

    def geocode(self, query: str) -> GeocodeResult | None:
        """Return the best match for ``query``, or ``None`` when Nominatim finds nothing.

        Waits for the shared limiter (another request in flight, then the interval). Raises
        ``GeocoderRateLimited`` (HTTP 429, or still inside the pause it asked for),
        ``GeocoderRefused`` (HTTP 4xx) or ``GeocoderUnavailable`` (timeouts, 5xx, connection
        errors, malformed answers, a recent failure still cooling down, or a shared request
        budget that cannot be reached).
        """
        text = " ".join(query.split())
        if not text or len(text) > MAX_QUERY_LENGTH:
            return None
        self._raise_if_paused()
        try:
            with self.limiter.request_slot():
                self._raise_if_paused()  # again: a pause may have begun while this call waited
                location = self._call(text)
        except BudgetUnavailable as err:  # nothing was sent: other servers may be using the budget
            raise GeocoderUnavailable(f"not asked: {err}") from err
        if location is None:
            return None
        try:
            return parse_place(location.raw)
        except ValueError as err:
            self.limiter.pause(self.error_cooldown_s, "unavailable", "malformed answer")
            raise GeocoderUnavailable(f"malformed answer ({err})") from err

    def _call(self, text: str) -> Location | None:
        """One request through geopy; geopy's exceptions become ours, and pauses are set."""
        try:
            return self._geocoder.geocode(
                text, exactly_one=True, addressdetails=True, language=self.language
            )
        except gexc.GeocoderRateLimited as err:
            retry_after = (
                float(err.retry_after)
                if err.retry_after is not None
                else self.default_retry_after_s
            )
            self.limiter.pause(retry_after, "rate-limited", "HTTP 429")
            raise GeocoderRateLimited(
                f"HTTP 429 Too Many Requests; retry after {retry_after:.0f} s",
                retry_after=retry_after,
            ) from err
        except (
            gexc.GeocoderQueryError,
            gexc.GeocoderAuthenticationFailure,
            gexc.GeocoderInsufficientPrivileges,
            gexc.GeocoderQuotaExceeded,
        ) as err:
            detail = _describe(err, self.timeout_s)
            self.limiter.pause(self.error_cooldown_s, "refused", detail)
            raise GeocoderRefused(detail) from err
        except gexc.GeopyError as err:
            detail = _describe(err, self.timeout_s)
            # A 503 may say how long to stay away; never come back sooner than the cooldown.
            cooldown = max(self.error_cooldown_s, _retry_after_of(err) or 0.0)
            self.limiter.pause(cooldown, "unavailable", detail)
            raise GeocoderUnavailable(detail) from err
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as err:
            # geopy's JSON parsing failed on an answer of the wrong shape
            self.limiter.pause(self.error_cooldown_s, "unavailable", "malformed answer")
            raise GeocoderUnavailable("malformed answer") from err

    def _raise_if_paused(self) -> None:
        pause = self.limiter.pause_state()
        if pause is None:
            return
        wait = f"{math.ceil(pause.remaining_s)} s"
        if pause.kind == "rate-limited":
            raise GeocoderRateLimited(
                f"paused after HTTP 429; retry in {wait}", retry_after=pause.remaining_s
            )
        message = f"{pause.detail or pause.kind} a moment ago; not retrying for {wait}"
        if pause.kind == "refused":
            raise GeocoderRefused(message)
        raise GeocoderUnavailable(message)


def parse_place(raw: object) -> GeocodeResult:
    """Return the :class:`GeocodeResult` for one Nominatim ``/search`` JSON object.

    Raises ``ValueError`` when ``raw`` has no valid ``lat``/``lon``.
    """
    if not isinstance(raw, Mapping):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"no valid lat/lon: {err}") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"lat/lon out of range: {lat}, {lon}")
    feature = feature_of(raw)
    importance = raw.get("importance")
    address = raw.get("address")
    country = address.get("country_code") if isinstance(address, Mapping) else None
    return GeocodeResult(
        lat=lat,
        lon=lon,
        display_name=str(raw.get("display_name") or ""),
        feature=feature,
        precision_km=_bbox_radius_km(raw.get("boundingbox")) or _PRECISION_BY_FEATURE.get(feature),
        country_code=country.lower() if isinstance(country, str) and len(country) == 2 else None,
        importance=float(importance) if isinstance(importance, (int, float)) else None,
    )


def feature_of(raw: Mapping[str, object]) -> str:
    """Return the Place ``feature`` for a Nominatim result from its type, class or rank."""
    for key in ("addresstype", "type"):
        value = raw.get(key)
        if isinstance(value, str) and value in _FEATURE_BY_TYPE:
            return _FEATURE_BY_TYPE[value]
    if raw.get("class") in _SITE_CLASSES:
        return "site"
    rank = raw.get("place_rank")
    if isinstance(rank, int) and not isinstance(rank, bool):
        if rank <= 4:
            return "country"
        if rank <= 12:
            return "admin1"
        if rank <= 22:
            return "city"
        return "site"
    return "unknown"


def _bbox_radius_km(bbox: object) -> float | None:
    """Half the diagonal of Nominatim's ``[south, north, west, east]`` box, or ``None``."""
    if not isinstance(bbox, (list, tuple)) or len(bbox) != 4:
        return None
    try:
        south, north, west, east = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return None
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        return None
    diagonal_km = float(great_circle((south, west), (north, east)).km)
    return max(0.05, diagonal_km / 2)


def _describe(err: gexc.GeopyError, timeout_s: float) -> str:
    """A short cause for a notice: ``HTTP 503``, ``timed out after 5 s``, ``connection failed``."""
    cause = err.__cause__
    if isinstance(cause, AdapterHTTPError):
        return f"HTTP {cause.status_code}"
    if isinstance(err, gexc.GeocoderTimedOut):
        return f"timed out after {timeout_s:g} s"
    if isinstance(err, gexc.GeocoderParseError):
        return "malformed answer"
    if isinstance(err, gexc.GeocoderUnavailable):
        return "connection failed"
    message = " ".join(str(err).split())
    return f"{type(err).__name__}: {message[:120]}" if message else type(err).__name__


def _retry_after_of(err: gexc.GeopyError) -> float | None:
    cause = err.__cause__
    if isinstance(cause, AdapterHTTPError) and cause.headers is not None:
        value = get_retry_after(cause.headers)
        return float(value) if value is not None else None
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
