"""The persistent geocode cache: hits, misses, negative entries and concurrent writers on both
backends (``store_url``: SQLite and PostgreSQL); a damaged, foreign, read-only, locked or unusable
SQLite file (a full disk and two writer processes: test_storage_faults.py; a database server that
goes away: test_store.py)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.services.cache import (
    CACHE_FILENAME,
    GeocodeCache,
    GeocodeResult,
    normalise_query,
)

SERVICE = "nominatim:http://127.0.0.1:9"
GABALA = GeocodeResult(
    lat=40.98,
    lon=47.85,
    display_name="Qabala, Azerbaijan",
    feature="city",
    precision_km=7.0,
    country_code="az",
    importance=0.5,
)


class FakeClock:
    """Unix time that only moves when told to."""

    def __init__(self, now: float = 1_180_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(store_url: str, clock: FakeClock) -> Iterator[GeocodeCache]:
    cache = GeocodeCache(store_url, clock=clock)
    yield cache
    cache.close()


def test_miss_then_hit(cache: GeocodeCache, clock: FakeClock) -> None:
    assert cache.enabled and cache.writable
    assert cache.get(SERVICE, "Gabala") is None
    cache.put(SERVICE, "Gabala", GABALA)
    entry = cache.get(SERVICE, "  GABALA, ")
    assert entry is not None
    assert entry.result == GABALA
    assert entry.fetched_at == clock.now
    assert cache.get("nominatim:https://other.example", "Gabala") is None
    assert cache.take_notices() == ()


def test_query_normalisation() -> None:
    assert normalise_query("  Czech\u00a0 Republic. ") == "czech republic"
    assert normalise_query('"Gabala"') == "gabala"
    full_width = "\uff27\uff21\uff22\uff21\uff2c\uff21"  # "GABALA" in full-width letters
    assert normalise_query(full_width) == "gabala"  # NFKC


def test_negative_entries_expire(cache: GeocodeCache, clock: FakeClock) -> None:
    cache.put(SERVICE, "Atlantis", None)
    entry = cache.get(SERVICE, "atlantis")
    assert entry is not None and entry.result is None
    clock.now += cache.negative_ttl_s + 1
    assert cache.get(SERVICE, "atlantis") is None
    cache.put(SERVICE, "Gabala", GABALA)  # found answers do not expire
    clock.now += 10 * cache.negative_ttl_s
    assert cache.get(SERVICE, "gabala") is not None


def test_entries_survive_a_restart(store_url: str, clock: FakeClock) -> None:
    first = GeocodeCache(store_url, clock=clock)
    first.put(SERVICE, "Gabala", GABALA)
    first.close()
    second = GeocodeCache(store_url, clock=clock)
    entry = second.get(SERVICE, "Gabala")
    assert entry is not None and entry.result == GABALA
    second.close()


def test_replacing_an_entry(cache: GeocodeCache) -> None:
    cache.put(SERVICE, "Gabala", None)
    cache.put(SERVICE, "Gabala", GABALA)
    entry = cache.get(SERVICE, "Gabala")
    assert entry is not None and entry.result == GABALA


def test_out_of_range_points_are_not_cached(cache: GeocodeCache) -> None:
    cache.put(SERVICE, "Nowhere", GeocodeResult(lat=91.0, lon=0.0, display_name="x"))
    assert cache.get(SERVICE, "Nowhere") is None


def _corrupt_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*"))


def test_a_file_that_is_not_a_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    garbage = b"this is not a database\n" * 200
    path.write_bytes(garbage)
    cache = GeocodeCache(path)
    assert cache.enabled and cache.writable
    (aside,) = _corrupt_copies(path)
    assert aside.read_bytes() == garbage
    notices = cache.take_notices()
    assert len(notices) == 1 and "damaged" in notices[0] and aside.name in notices[0]
    cache.put(SERVICE, "Gabala", GABALA)
    assert cache.get(SERVICE, "Gabala") is not None
    assert cache.take_notices() == ()
    cache.close()


def test_a_malformed_database_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    first = GeocodeCache(path)
    for i in range(300):
        first.put(SERVICE, f"place {i} " + "x" * 100, GABALA)
    first.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 4 * 4096
    data[4096 + 50 : 4 * 4096] = b"\x41" * (4 * 4096 - 4096 - 50)
    path.write_bytes(bytes(data))

    cache = GeocodeCache(path)
    assert cache.enabled and cache.writable
    assert len(_corrupt_copies(path)) == 1
    assert any("damaged" in n for n in cache.take_notices())
    assert cache.get(SERVICE, "place 1 " + "x" * 100) is None  # a new, empty cache
    cache.close()


def test_a_foreign_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.close()
    cache = GeocodeCache(path)
    assert cache.writable
    assert len(_corrupt_copies(path)) == 1
    assert "not a geocode cache" in cache.take_notices()[0]
    cache.close()


def test_an_unusable_data_dir_disables_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    cache = GeocodeCache.in_dir(blocker)
    assert not cache.enabled
    cache.put(SERVICE, "Gabala", GABALA)  # no crash
    assert cache.get(SERVICE, "Gabala") is None
    notices = cache.take_notices()
    assert len(notices) == 1 and "unavailable" in notices[0]
    assert cache.take_notices() == notices  # a lasting condition is repeated


def _read_only_connect(path: str, **kwargs: Any) -> sqlite3.Connection:
    conn = sqlite3.connect(path, **kwargs)
    conn.execute("PRAGMA query_only = 1")  # writes now fail with SQLITE_READONLY
    return conn


def test_a_read_only_cache_still_answers(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    writer = GeocodeCache(path)
    writer.put(SERVICE, "Gabala", GABALA)
    writer.close()

    cache = GeocodeCache(path, connect=_read_only_connect)
    assert cache.enabled and not cache.writable
    entry = cache.get(SERVICE, "Gabala")
    assert entry is not None and entry.result == GABALA
    cache.put(SERVICE, "Atlantis", None)  # ignored, no crash
    assert cache.get(SERVICE, "Atlantis") is None
    assert any("read-only" in n for n in cache.take_notices())
    cache.close()


def test_a_new_read_only_cache_is_disabled(tmp_path: Path) -> None:
    cache = GeocodeCache(tmp_path / CACHE_FILENAME, connect=_read_only_connect)
    assert not cache.enabled
    assert "unavailable" in cache.take_notices()[0]


def test_a_locked_cache_skips_the_write(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    cache = GeocodeCache(path, busy_timeout_s=0.05)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        cache.put(SERVICE, "Gabala", GABALA)  # waits 50 ms, then gives up
        notices = cache.take_notices()
        assert len(notices) == 1 and "locked" in notices[0]
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.put(SERVICE, "Gabala", GABALA)
    assert cache.get(SERVICE, "Gabala") is not None
    assert cache.writable
    cache.close()


def test_two_caches_creating_one_new_file_at_once_share_it(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    others: list[GeocodeCache] = []

    def connect_while_another_creates(name: str, **kwargs: Any) -> sqlite3.Connection:
        """A connection that lets another server create the cache just before it writes."""
        conn = sqlite3.connect(name, **kwargs)

        def before_statement(sql: str) -> None:
            if not others and sql.lstrip().upper().startswith(("BEGIN", "CREATE")):
                others.append(GeocodeCache(path))

        conn.set_trace_callback(before_statement)
        return conn

    cache = GeocodeCache(path, connect=connect_while_another_creates)
    assert others, "the other server never ran: the test proved nothing"
    assert cache.writable and cache.take_notices() == () and others[0].take_notices() == ()
    assert not _corrupt_copies(path), "the other server's new file was taken for a foreign one"
    others[0].put(SERVICE, "Gabala", GABALA)
    assert cache.get(SERVICE, "Gabala") is not None, "both use the one file"
    others[0].close()
    cache.close()


def test_concurrent_writers(cache: GeocodeCache) -> None:
    def write(start: int) -> None:
        for i in range(start, start + 25):
            cache.put(SERVICE, f"place {i}", GABALA if i % 2 else None)

    threads = [threading.Thread(target=write, args=(n * 25,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(cache.get(SERVICE, f"place {i}") is not None for i in range(100))
    assert cache.take_notices() == ()
