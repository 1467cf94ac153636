"""The geocoding chain and the Nominatim client, with geopy's real client against a local server.

Nothing here leaves 127.0.0.1. The rate limiter runs on a fake clock, so "one request per
second" is measured without waiting for seconds.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path

import geopy.exc
import pytest

from dashboard.config import ConfigError, Settings
from dashboard.core.geoparse.places import Place
from dashboard.services.cache import GeocodeCache
from dashboard.services.geocoding import (
    GeocodeOutcome,
    GeocoderRateLimited,
    GeocoderRefused,
    GeocoderUnavailable,
    GeocodingChain,
    GeocodingError,
    NominatimClient,
    build_chain,
    geocoding_chain_for,
    shared_limiter,
)
from dashboard.services.nominatim import feature_of, parse_place
from dashboard.services.ratelimit import ServiceLimiter
from tests.nominatim_server import (
    NominatimServer,
    RecordedRequest,
    Reply,
    nominatim_place,
)

USER_AGENT = "missile-defense-dashboard-tests/0.1 (+local tests)"
TIMEOUT_S = 0.25

QABALA = nominatim_place(
    "Qabala, Azerbaijan",
    40.9814,
    47.8458,
    type="town",
    addresstype="town",
    boundingbox=(40.95, 41.01, 47.80, 47.89),
    importance=0.45,
    country_code="az",
)
HEILIGENDAMM = nominatim_place(
    "Heiligendamm, Bad Doberan, Germany",
    54.1431,
    11.8437,
    type="village",
    importance=0.4,
    country_code="de",
)
SERVER_PLACES = {"gabala": [QABALA], "heiligendamm": [HEILIGENDAMM], "atlantis": []}

# A stand-in for the offline geoparser: finds known names, places those in its "gazetteer".
GAZETTEER = {"Poland": (52.0, 19.0), "Czech Republic": (49.75, 15.5)}
KNOWN_NAMES = ("Poland", "Czech Republic", "Gabala", "Heiligendamm", "Atlantis")
TEXT = (
    "Putin offered the Gabala radar instead of sites in Poland and the Czech Republic. "
    "Leaders met in Heiligendamm. Gabala is in Azerbaijan; Atlantis is nowhere."
)


def fake_geoparser(text: str) -> Sequence[Place]:
    places = []
    for name in KNOWN_NAMES:
        for match in re.finditer(re.escape(name), text):
            lat, lon = GAZETTEER.get(name, (None, None))
            places.append(
                Place(
                    name=name,
                    start=match.start(),
                    end=match.end(),
                    lat=lat,
                    lon=lon,
                    source="gazetteer" if lat is not None else "none",
                    confidence=0.8 if lat is not None else 0.0,
                )
            )
    return sorted(places, key=lambda p: p.start)


class FakeClock:
    """Monotonic time that moves only when something sleeps or a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def server() -> Iterator[NominatimServer]:
    with NominatimServer(SERVER_PLACES) as srv:
        yield srv


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> ServiceLimiter:
    return ServiceLimiter(1.0, clock=clock, sleep=clock.sleep)


@pytest.fixture
def client(server: NominatimServer, limiter: ServiceLimiter) -> NominatimClient:
    return NominatimClient(
        url=server.url, user_agent=USER_AGENT, timeout_s=TIMEOUT_S, limiter=limiter
    )


@pytest.fixture
def settings(server: NominatimServer, tmp_path: Path) -> Settings:
    return Settings(
        geocoder="nominatim",
        nominatim_url=server.url,
        data_dir=tmp_path / "data",
        user_agent=USER_AGENT,
        timeout_s=TIMEOUT_S,
    )


@pytest.fixture
def cache(settings: Settings) -> Iterator[GeocodeCache]:
    cache = GeocodeCache.in_dir(settings.data_dir)
    yield cache
    cache.close()


@pytest.fixture
def chain(settings: Settings, cache: GeocodeCache, client: NominatimClient) -> GeocodingChain:
    return GeocodingChain(settings, fake_geoparser, cache, client)


def queries(server: NominatimServer) -> list[str | None]:
    return [r.query for r in server.requests]


def by_name(outcome: GeocodeOutcome) -> dict[str, Place]:
    return {p.name: p for p in outcome.places}


# -- the client ------------------------------------------------------------------------------


def test_client_returns_a_result_and_sends_an_identifying_request(
    client: NominatimClient, server: NominatimServer
) -> None:
    result = client.geocode("Gabala")
    assert result is not None
    assert (result.lat, result.lon) == (40.9814, 47.8458)
    assert result.display_name == "Qabala, Azerbaijan"
    assert result.feature == "city"
    assert result.country_code == "az"
    assert result.precision_km is not None and 3 < result.precision_km < 6
    (request,) = server.requests
    assert request.path == "/search"
    assert request.params["q"] == "Gabala"
    assert request.params["format"] == "json"
    assert request.params["limit"] == "1"
    assert request.headers["user-agent"] == USER_AGENT


def test_not_found_is_none(client: NominatimClient, server: NominatimServer) -> None:
    assert client.geocode("Atlantis") is None
    assert client.geocode("   ") is None  # blank: no request
    assert client.geocode("x" * 500) is None  # absurdly long: no request
    assert queries(server) == ["Atlantis"]


@pytest.mark.parametrize(
    ("reply", "error", "cause", "message"),
    [
        (Reply.error(503), GeocoderUnavailable, geopy.exc.GeocoderTimedOut, "HTTP 503"),
        (Reply.error(502), GeocoderUnavailable, geopy.exc.GeocoderServiceError, "HTTP 502"),
        (Reply.error(500), GeocoderUnavailable, geopy.exc.GeocoderServiceError, "HTTP 500"),
        (
            Reply(body="[{not json"),
            GeocoderUnavailable,
            geopy.exc.GeocoderParseError,
            "malformed answer",
        ),
        (Reply.json({"foo": 1}), GeocoderUnavailable, TypeError, "malformed answer"),
        (
            Reply.json([{"lat": "north", "lon": "1"}]),
            GeocoderUnavailable,
            ValueError,
            "malformed answer",
        ),
        (
            Reply.json([{"lat": "10", "lon": "200", "display_name": "x"}]),
            GeocoderUnavailable,
            ValueError,
            "lat/lon out of range",
        ),  # geopy would wrap it to 160 W
        (
            Reply.connection_reset(),
            GeocoderUnavailable,
            geopy.exc.GeocoderUnavailable,
            "connection failed",
        ),
        (
            Reply.json([QABALA], delay_s=2.0),
            GeocoderUnavailable,
            geopy.exc.GeocoderTimedOut,
            f"timed out after {TIMEOUT_S:g} s",
        ),
        (Reply.error(403), GeocoderRefused, geopy.exc.GeocoderInsufficientPrivileges, "HTTP 403"),
        (
            Reply.json({"error": "Bad query"}),
            GeocoderRefused,
            geopy.exc.GeocoderQueryError,
            "Bad query",
        ),
    ],
)
def test_client_failures_raise_translated_errors(
    client: NominatimClient,
    server: NominatimServer,
    reply: Reply,
    error: type[GeocodingError],
    cause: type[BaseException],
    message: str,
) -> None:
    server.enqueue(reply)
    started = time.monotonic()
    with pytest.raises(error, match=re.escape(message)) as info:
        client.geocode("Gabala")
    assert time.monotonic() - started < TIMEOUT_S + 0.5
    assert isinstance(info.value.__cause__, cause)  # raise ... from err
    assert len(server.requests) == 1


def test_connection_refused(limiter: ServiceLimiter) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = NominatimClient(
        url=f"http://127.0.0.1:{port}",
        user_agent=USER_AGENT,
        timeout_s=TIMEOUT_S,
        limiter=limiter,
    )
    with pytest.raises(GeocoderUnavailable, match="connection failed"):
        client.geocode("Gabala")


def test_429_pauses_the_service_for_retry_after(
    client: NominatimClient, server: NominatimServer, clock: FakeClock
) -> None:
    server.enqueue(Reply.error(429, retry_after="120"))
    with pytest.raises(GeocoderRateLimited) as info:
        client.geocode("Gabala")
    assert info.value.retry_after == 120
    assert isinstance(info.value.__cause__, geopy.exc.GeocoderRateLimited)

    clock.now += 119
    with pytest.raises(GeocoderRateLimited) as info:  # still paused: no request is sent
        client.geocode("Gabala")
    assert info.value.retry_after == pytest.approx(1)
    assert len(server.requests) == 1

    clock.now += 1
    assert client.geocode("Gabala") is not None
    assert len(server.requests) == 2


def test_429_without_retry_after_uses_the_default(
    client: NominatimClient, server: NominatimServer, limiter: ServiceLimiter
) -> None:
    server.enqueue(Reply.error(429))
    with pytest.raises(GeocoderRateLimited) as info:
        client.geocode("Gabala")
    assert info.value.retry_after == client.default_retry_after_s
    pause = limiter.pause_state()
    assert pause is not None and pause.kind == "rate-limited"


def test_503_cools_down_and_respects_its_retry_after(
    client: NominatimClient, server: NominatimServer, limiter: ServiceLimiter, clock: FakeClock
) -> None:
    server.enqueue(Reply.error(503, retry_after="300"))
    with pytest.raises(GeocoderUnavailable):
        client.geocode("Gabala")
    pause = limiter.pause_state()
    assert pause is not None and pause.remaining_s == 300 and pause.detail == "HTTP 503"
    with pytest.raises(GeocoderUnavailable, match="HTTP 503 a moment ago"):
        client.geocode("Heiligendamm")
    assert len(server.requests) == 1
    clock.now += 300
    assert client.geocode("Heiligendamm") is not None


def test_one_request_per_second_on_a_fake_clock(
    client: NominatimClient, server: NominatimServer, clock: FakeClock
) -> None:
    arrivals: list[float] = []

    def answer(request: RecordedRequest) -> Reply:
        arrivals.append(clock())  # the fake time at which the request reached the server
        return Reply.json([QABALA])

    server.set_handler(answer)
    started = time.monotonic()
    for i in range(5):
        client.geocode(f"place {i}")
    elapsed = time.monotonic() - started
    assert len(server.requests) == 5
    gaps = [b - a for a, b in pairwise(arrivals)]
    assert gaps == [1.0, 1.0, 1.0, 1.0]
    assert clock.sleeps == [1.0, 1.0, 1.0, 1.0]
    assert elapsed < 1.0  # the waiting happened on the fake clock only


def test_clients_sharing_a_limiter_share_the_rate(
    client: NominatimClient, server: NominatimServer, limiter: ServiceLimiter, clock: FakeClock
) -> None:
    other = NominatimClient(
        url=server.url, user_agent=USER_AGENT, timeout_s=TIMEOUT_S, limiter=limiter
    )
    start = clock()
    client.geocode("Gabala")
    other.geocode("Gabala")
    client.geocode("Gabala")
    assert clock() - start == 2.0


def test_limiter_spaces_concurrent_threads() -> None:
    limiter = ServiceLimiter(0.01)
    starts: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        granted = limiter.acquire()
        with lock:
            starts.append(granted)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    assert len(starts) == 8
    assert all(b - a >= 0.01 for a, b in pairwise(starts))


def test_one_request_in_flight_at_a_time(server: NominatimServer) -> None:
    limiter = ServiceLimiter(0.0)  # no interval: only the in-flight rule spaces requests
    client = NominatimClient(url=server.url, user_agent=USER_AGENT, timeout_s=1.0, limiter=limiter)
    server.set_handler(lambda request: Reply.json([QABALA], delay_s=0.05))
    threads = [threading.Thread(target=client.geocode, args=(f"q{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    arrivals = sorted(r.at for r in server.requests)
    assert len(arrivals) == 4
    assert all(b - a >= 0.045 for a, b in pairwise(arrivals))


def test_client_rejects_bad_configuration(limiter: ServiceLimiter) -> None:
    with pytest.raises(ConfigError):
        NominatimClient(url="ftp://x", user_agent=USER_AGENT, timeout_s=1, limiter=limiter)
    with pytest.raises(ConfigError, match="user_agent"):  # geopy's own check, translated
        NominatimClient(
            url="https://nominatim.openstreetmap.org",
            user_agent="my-application",
            timeout_s=1,
            limiter=limiter,
        )


def test_feature_and_precision_from_osm_answers() -> None:
    russia = parse_place(
        nominatim_place(
            "Russia",
            64.69,
            97.75,
            type="administrative",
            osm_class="boundary",
            addresstype="country",
            boundingbox=(41.18, 82.06, 19.64, 180.0),
        )
    )
    assert russia.feature == "country" and russia.precision_km is not None
    assert russia.precision_km > 1000
    radar = nominatim_place("Radar", 40.87, 47.79, type="radar", osm_class="military")
    assert parse_place(radar).feature == "site"
    assert parse_place(radar).precision_km == 1.0  # no bounding box: by feature
    assert feature_of({"class": "boundary", "type": "administrative", "place_rank": 8}) == "admin1"
    assert feature_of({"class": "x", "type": "y"}) == "unknown"
    with pytest.raises(ValueError):
        parse_place({"lat": "1"})


# -- the chain -------------------------------------------------------------------------------


def test_gazetteer_mode_never_touches_cache_or_network(
    server: NominatimServer, tmp_path: Path
) -> None:
    settings = Settings(geocoder="gazetteer", nominatim_url=server.url, data_dir=tmp_path / "d")
    chain = build_chain(settings, fake_geoparser)
    assert chain.nominatim is None and chain.cache is None
    outcome = chain.place_text(TEXT)
    assert outcome == GeocodeOutcome(places=tuple(fake_geoparser(TEXT)))
    assert server.requests == []
    assert not (tmp_path / "d").exists()


def test_offline_mode_never_touches_the_network(server: NominatimServer, tmp_path: Path) -> None:
    settings = Settings(
        offline=True, geocoder="nominatim", nominatim_url=server.url, data_dir=tmp_path
    )
    outcome = build_chain(settings, fake_geoparser).place_text(TEXT)
    assert [p.source for p in outcome.places if p.placed] == ["gazetteer", "gazetteer"]
    assert server.requests == []


def test_unplaced_names_are_looked_up_once_then_cached(
    chain: GeocodingChain, server: NominatimServer
) -> None:
    progress: list[tuple[int, int]] = []
    outcome = chain.place_text(TEXT, on_progress=lambda done, total: progress.append((done, total)))
    assert outcome.notices == ()
    # Each distinct unplaced name once; names the gazetteer placed are never sent.
    assert queries(server) == ["Gabala", "Heiligendamm", "Atlantis"]
    assert progress == [(0, 3), (1, 3), (2, 3), (3, 3)]
    places = outcome.places
    assert [(p.name, p.start, p.end) for p in places] == [
        (p.name, p.start, p.end) for p in fake_geoparser(TEXT)
    ]
    gabalas = [p for p in places if p.name == "Gabala"]
    assert len(gabalas) == 2
    assert all(p.source == "nominatim" and p.lat == 40.9814 for p in gabalas)
    assert gabalas[0].country_code == "az" and gabalas[0].feature == "city"
    assert by_name(outcome)["Poland"].source == "gazetteer"
    assert by_name(outcome)["Atlantis"].source == "none"
    assert [p.name for p in outcome.unplaced] == ["Atlantis"]

    again = chain.place_text(TEXT)
    assert len(server.requests) == 3  # everything, including "not found", came from the cache
    assert by_name(again)["Gabala"].source == "cache"
    assert by_name(again)["Heiligendamm"].lat == 54.1431
    assert by_name(again)["Atlantis"].placed is False


def test_an_outage_stops_the_run_and_says_so(
    chain: GeocodingChain, server: NominatimServer, cache: GeocodeCache, clock: FakeClock
) -> None:
    server.enqueue(Reply.json([QABALA]), Reply.error(503))
    outcome = chain.place_text(TEXT)
    assert queries(server) == ["Gabala", "Heiligendamm"]  # Atlantis was not tried
    assert outcome.notices == (
        "Nominatim unavailable (HTTP 503): 2 places left unplaced; "
        "showing the offline gazetteer's results.",
    )
    places = by_name(outcome)
    assert places["Gabala"].source == "nominatim"
    assert places["Poland"].source == "gazetteer"
    assert places["Heiligendamm"].placed is False
    # An outage is not "not found": nothing is cached for the names that were not answered.
    assert cache.get(chain.service, "Heiligendamm") is None
    assert cache.get(chain.service, "Atlantis") is None

    during = chain.place_text(TEXT)  # within the cooldown: the cache still answers
    assert len(server.requests) == 2
    assert by_name(during)["Gabala"].source == "cache"
    assert "not retrying" in during.notices[0] and "2 places left unplaced" in during.notices[0]

    clock.now += 60
    after = chain.place_text(TEXT)
    assert after.notices == ()
    assert by_name(after)["Heiligendamm"].source == "nominatim"


@pytest.mark.parametrize(
    ("reply", "phrase"),
    [
        (Reply.json([], delay_s=2.0), f"Nominatim unavailable (timed out after {TIMEOUT_S:g} s)"),
        (Reply(body="<html>oops"), "Nominatim unavailable (malformed answer)"),
        (Reply.connection_reset(), "Nominatim unavailable (connection failed)"),
        (Reply.error(403), "Nominatim refused the request (HTTP 403)"),
        (Reply.error(429, retry_after="30"), "Nominatim is rate-limiting requests (HTTP 429"),
    ],
)
def test_every_failure_becomes_a_notice(
    chain: GeocodingChain, server: NominatimServer, reply: Reply, phrase: str
) -> None:
    server.enqueue(reply)
    outcome = chain.place_text(TEXT)
    assert len(server.requests) == 1
    (notice,) = outcome.notices
    assert notice.startswith(phrase)
    assert notice.endswith("3 places left unplaced; showing the offline gazetteer's results.")
    assert [p.source for p in outcome.places if p.placed] == ["gazetteer", "gazetteer"]


def test_a_rate_limited_service_is_left_alone_until_retry_after(
    chain: GeocodingChain, server: NominatimServer, clock: FakeClock
) -> None:
    server.enqueue(Reply.error(429, retry_after="120"))
    first = chain.place_text(TEXT)
    assert "retry after 120 s" in first.notices[0]
    clock.now += 100
    second = chain.place_text(TEXT)
    assert "retry in 20 s" in second.notices[0]
    assert len(server.requests) == 1
    clock.now += 20
    assert chain.place_text(TEXT).notices == ()
    assert len(server.requests) == 4


def test_chain_without_cache_or_client(settings: Settings, server: NominatimServer) -> None:
    outcome = GeocodingChain(settings, fake_geoparser, None, None).place_text(TEXT)
    assert outcome.notices == (
        "Nominatim is not set up: 3 places left unplaced; showing the offline gazetteer's results.",
    )
    assert server.requests == []


def test_cache_notices_reach_the_reader(
    settings: Settings, client: NominatimClient, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    broken.write_text("not a folder")
    chain = GeocodingChain(settings, fake_geoparser, GeocodeCache.in_dir(broken), client)
    outcome = chain.place_text(TEXT)
    assert by_name(outcome)["Gabala"].source == "nominatim"
    assert any("geocode cache is unavailable" in n for n in outcome.notices)


def test_build_chain_shares_one_limiter_client_and_cache(
    settings: Settings, server: NominatimServer
) -> None:
    first = build_chain(settings, fake_geoparser)
    second = build_chain(settings, fake_geoparser)
    assert first.nominatim is not None and first.nominatim is second.nominatim
    assert first.cache is second.cache
    assert first.nominatim.limiter is shared_limiter(server.url, first.cache)
    assert first.nominatim.limiter.budget is not None, "the budget is shared through the cache's store"
    slower = build_chain(dataclasses.replace(settings, timeout_s=2.0), fake_geoparser)
    assert slower.nominatim is not first.nominatim
    assert slower.nominatim is not None and slower.nominatim.limiter is first.nominatim.limiter
    assert shared_limiter("http://127.0.0.1:1", first.cache) is not first.nominatim.limiter

    outcome = first.place_text("Gabala")  # through geopy's default HTTP stack, to 127.0.0.1
    assert by_name(outcome)["Gabala"].source == "nominatim"
    assert queries(server) == ["Gabala"]


# -- the one function that builds the chain over the embedded gazetteer -----------------------

REAL_TEXT = "The talks moved from Warsaw to a meeting held in Quxlandia."


def test_geocoding_chain_for_asks_nominatim_only_for_what_the_gazetteer_left(
    settings: Settings, server: NominatimServer
) -> None:
    from dashboard.services.gazetteer_file import ensure_gazetteer

    gazetteer = ensure_gazetteer()
    full = geocoding_chain_for(settings, gazetteer).place_text(REAL_TEXT)
    assert queries(server) == ["Quxlandia"]  # Warsaw came from the gazetteer
    assert by_name(full)["Warsaw"].source == "gazetteer"

    first_tier = geocoding_chain_for(settings, gazetteer, gazetteer_only=True)
    assert first_tier.nominatim is None
    shown_at_once = first_tier.place_text(REAL_TEXT)
    assert [p.name for p in shown_at_once.unplaced] == ["Quxlandia"]  # listed for the online tier
    assert len(server.requests) == 1

    offline = geocoding_chain_for(dataclasses.replace(settings, offline=True), gazetteer).place_text(REAL_TEXT)
    assert [p.name for p in offline.places] == ["Warsaw"]  # nothing could place Quxlandia
