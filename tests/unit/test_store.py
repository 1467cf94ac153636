"""The store lifecycle (services/store.py): where the stores live, the schema version (files made by
the previous version upgraded, a newer one left alone), a PostgreSQL server that is down, restarted
or read-only, and one Nominatim request budget shared by every process using the store."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import threading
import time
from itertools import combinations, pairwise
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from test_library import _article

from dashboard.config import Settings
from dashboard.services.cache import CACHE_FILENAME, GeocodeCache, GeocodeResult
from dashboard.services.library import FILE_NAME, ArticleLibrary, LibraryError
from dashboard.services.nominatim import (
    GeocoderRateLimited,
    GeocoderUnavailable,
    NominatimClient,
)
from dashboard.services.ratelimit import Budget, Pause, ServiceLimiter
from dashboard.services.store import Fault, classify
from tests.nominatim_server import NominatimServer, nominatim_place
from tests.postgres import PostgresServer, wait_until_accepting

ROOT = Path(__file__).resolve().parents[2]
PRAGUE = GeocodeResult(lat=50.08, lon=14.42, display_name="Prague, Czechia", feature="city")


def _versions(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.text("SELECT component, version FROM schema_version")).all())
    finally:
        engine.dispose()


def _psql(url: str, *statements: str) -> None:
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


# --- where the stores live ---------------------------------------------------------------------


def test_without_a_database_url_each_store_is_its_own_file_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    library, cache = ArticleLibrary.from_settings(settings), GeocodeCache.from_settings(settings)
    assert library.path == tmp_path / FILE_NAME and cache.path == tmp_path / CACHE_FILENAME
    library.close()
    cache.close()


def test_both_stores_share_one_database_and_record_their_versions(store_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "unused", database_url=store_url)
    library, cache = ArticleLibrary.from_settings(settings), GeocodeCache.from_settings(settings)
    assert library.writable and cache.writable and library.notices == () and cache.take_notices() == ()
    assert library.save(_article("Talks in Prague."))
    cache.put("test", "Prague", PRAGUE)
    assert _versions(store_url) == {"article-library": 1, "geocode-cache": 2}
    assert not (tmp_path / "unused").exists(), "nothing is written to the data folder"
    library.close()
    cache.close()


# --- files made by the previous version ----------------------------------------------------------

# The schemas exactly as the previous version (before schema_version) created them.
LEGACY_LIBRARY = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    outlet TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    date TEXT,
    url TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    added_at REAL NOT NULL
)
"""
LEGACY_CACHE = """
CREATE TABLE geocode (
    service TEXT NOT NULL,
    query TEXT NOT NULL,
    found INTEGER NOT NULL CHECK (found IN (0, 1)),
    lat REAL CHECK (lat BETWEEN -90 AND 90),
    lon REAL CHECK (lon BETWEEN -180 AND 180),
    display_name TEXT,
    feature TEXT,
    precision_km REAL,
    country_code TEXT,
    importance REAL,
    fetched_at REAL NOT NULL,
    CHECK (found = 0 OR (lat IS NOT NULL AND lon IS NOT NULL)),
    PRIMARY KEY (service, query)
) WITHOUT ROWID
"""


def _legacy_library(folder: Path) -> dict[str, str]:
    """A library.sqlite as the previous version wrote it, with two articles; returns id -> text."""
    articles = [_article("Talks in Prague.", title="Prague"), _article("Radar talks in Warsaw.", title="Warsaw")]
    conn = sqlite3.connect(folder / FILE_NAME)
    conn.execute(LEGACY_LIBRARY)
    for n, article in enumerate(articles):
        conn.execute(
            "INSERT INTO articles (id, title, outlet, author, date, url, licence, text, added_at)"
            " VALUES (?, ?, '', '', '2007-06-07', '', '', ?, ?)",
            (article.id, article.title, article.text, 1_180_000_000.0 + n),
        )
    conn.commit()
    conn.close()
    return {article.id: article.text for article in articles}


def test_a_library_file_of_the_previous_version_opens_with_its_articles(tmp_path: Path) -> None:
    before = _legacy_library(tmp_path)
    library = ArticleLibrary.in_dir(tmp_path)
    assert library.writable and library.notices == ()
    assert {article_id: article.text for article_id, article in library.articles().items()} == before
    assert [entry.date.isoformat() for entry in library.entries() if entry.date] == ["2007-06-07", "2007-06-07"]
    assert library.save(_article("Talks in Riga."))
    library.close()
    assert _versions(f"sqlite:///{tmp_path / FILE_NAME}") == {"article-library": 1}
    assert not list(tmp_path.glob("*.corrupt-*")), "nothing was set aside"


def test_a_read_only_library_file_of_the_previous_version_is_still_listed(tmp_path: Path) -> None:
    before = _legacy_library(tmp_path)

    def read_only(path: str, **kwargs: object) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, **kwargs)  # type: ignore[arg-type]

    library = ArticleLibrary.in_dir(tmp_path, connect=read_only)
    assert library.available and not library.writable and "read-only" in library.notices[0]
    assert set(library.articles()) == set(before)


def test_a_cache_file_of_the_previous_version_is_upgraded(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / CACHE_FILENAME)
    conn.execute(LEGACY_CACHE)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO geocode VALUES ('nominatim:x', 'prague', 1, 50.08, 14.42, 'Prague', 'city', 10, 'cz', 0.7, 1)"
    )
    conn.commit()
    conn.close()
    cache = GeocodeCache.in_dir(tmp_path)
    assert cache.writable and cache.take_notices() == ()
    entry = cache.get("nominatim:x", "Prague")
    assert entry is not None and entry.result is not None and entry.result.country_code == "cz"
    assert cache.budget("nominatim:x").take(1.0) == 0.0, "the table added by version 2 is there"
    cache.close()
    assert _versions(f"sqlite:///{tmp_path / CACHE_FILENAME}") == {"geocode-cache": 2}


def test_a_store_written_by_a_newer_version_is_left_alone(store_url: str) -> None:
    library = ArticleLibrary(store_url)
    article = _article("Talks in Prague.")
    library.save(article)
    library.close()
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE schema_version SET version = 99 WHERE component = 'article-library'"))
    newer = ArticleLibrary(store_url)
    assert not newer.available and "newer version" in newer.notices[0]
    with pytest.raises(LibraryError, match="newer version"):
        newer.save(_article("Talks in Riga."))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE schema_version SET version = 1"))
        assert conn.execute(sa.text("SELECT count(*) FROM articles")).scalar() == 1, "its data is untouched"
    engine.dispose()
    assert ArticleLibrary(store_url).articles()[article.id] == article


def test_another_programs_table_in_a_shared_database_is_not_touched(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    _psql(url, "CREATE TABLE articles (id text PRIMARY KEY, body text)", "INSERT INTO articles VALUES ('x', 'theirs')")
    library = ArticleLibrary(url)
    assert not library.available and "not an article library" in library.notices[0]
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT body FROM articles")).all() == [("theirs",)]
    engine.dispose()


# --- PostgreSQL: a server that is read-only, down, or restarted ------------------------------------


def test_a_role_that_may_only_read_lists_but_does_not_save(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    article = _article("Talks in Prague.")
    ArticleLibrary(url).save(article)
    _psql(url, "CREATE ROLE reader LOGIN", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    library = ArticleLibrary(url.replace("postgres@", "reader@"))
    assert library.available and not library.writable and "read-only" in library.notices[0]
    assert library.articles() == {article.id: article}
    with pytest.raises(LibraryError, match="read-only"):
        library.save(_article("Talks in Riga."))


def test_a_server_that_is_down_degrades_reads_fails_saves_clearly_and_is_reconnected(
    postgres: PostgresServer,
) -> None:
    url = postgres.create_database()
    article = _article("Talks in Prague.")
    library = ArticleLibrary(url, reconnect_interval_s=0.0)
    cache = GeocodeCache(url, reconnect_interval_s=0.0)
    library.save(article)
    cache.put("test", "Prague", PRAGUE)
    postgres.stop()
    try:
        assert library.articles() == {} and library.get(article.id) is None, "reads degrade, never raise"
        assert any("cannot be reached" in notice for notice in library.notices), library.notices
        with pytest.raises(LibraryError, match=r"could not be saved: .*cannot be reached"):
            library.save(_article("Talks in Riga."))
        assert cache.get("test", "Prague") is None
        cache.put("test", "Warsaw", PRAGUE)  # never raises
        assert any("cannot be reached" in notice for notice in cache.take_notices())
        # a store first opened while the server is down
        late = ArticleLibrary(url, reconnect_interval_s=0.0)
        assert not late.available and "reconnects by itself" in late.notices[0]
        with pytest.raises(LibraryError, match="could not be saved: the article library is unavailable"):
            late.save(_article("Talks in Riga."))
    finally:
        postgres.start()
    assert library.articles() == {article.id: article}, "reconnected by itself, no restart of the app"
    assert library.notices == () and library.save(_article("Talks in Riga."))
    assert cache.get("test", "Prague") is not None and cache.take_notices() == ()
    assert set(late.articles()) == set(library.articles()) and late.writable
    # reads are not retried at every call while the server is away: only after the interval
    patient = ArticleLibrary(url, reconnect_interval_s=60.0)
    postgres.stop()
    try:
        started = time.monotonic()
        assert [patient.articles() for _ in range(20)] == [{}] * 20
        assert time.monotonic() - started < 2.0
    finally:
        postgres.start()


RESTART_WRITER = """
import sys, time
from dashboard.core.geoparse.intake import ArticleFields, build_article
from dashboard.services.library import ArticleLibrary, LibraryError
library = ArticleLibrary(sys.argv[1], reconnect_interval_s=0.05)
body = "Officials met in Prague and Warsaw. " * 6000  # 216 kB
print("ready", flush=True)
deadline = time.monotonic() + float(sys.argv[2])
i = 0
while time.monotonic() < deadline:
    article = build_article(f"{i} {body}", ArticleFields(title=f"Article {i}"))
    try:
        library.add(article)
        print("saved", article.id, flush=True)
    except LibraryError as err:
        print("failed", article.id, str(err).replace(chr(10), " "), flush=True)
        time.sleep(0.02)
    library.entries()  # reads while the server comes and goes: never an exception
    i += 1
print("done", flush=True)
"""


def test_restarting_the_server_during_saves_leaves_each_save_whole_or_reported(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    writer = subprocess.Popen([sys.executable, "-c", RESTART_WRITER, url, "8"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(writer.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while sum(line.startswith("saved") for line in lines) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        for mode in ("fast", "immediate", "fast"):  # immediate: as if the server crashed
            postgres.restart(mode)
            time.sleep(0.8)
        writer.wait(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
        reader.join(timeout=10)
        wait_until_accepting(postgres)
    assert writer.returncode == 0, writer.stderr.read()  # type: ignore[union-attr]
    assert lines[-1].strip() == "done"
    outcomes = [line.rstrip("\n").split(" ", 2) for line in lines if line.startswith(("saved", "failed"))]
    saved = {fields[1] for fields in outcomes if fields[0] == "saved"}
    failed = {fields[1]: fields[2] for fields in outcomes if fields[0] == "failed"}
    assert failed, "no save met a restart: the test proved nothing"
    assert all("could not be saved" in reason for reason in failed.values()), failed
    last_failure = max(i for i, fields in enumerate(outcomes) if fields[0] == "failed")
    assert any(fields[0] == "saved" for fields in outcomes[last_failure:]), "it never reconnected by itself"

    stored = ArticleLibrary(url).articles()
    assert saved <= set(stored), "a save reported as done is missing"
    assert set(stored) <= saved | set(failed), "an article nobody saved"
    for article_id, article in stored.items():
        assert article_id.endswith(hashlib.sha256(article.text.encode()).hexdigest()[:10]), "half-written"
        assert article.text.endswith("Warsaw."), "cut short"
    # A failure reported while the commit itself was under way may still have landed (the server
    # committed, the answer was lost): it is then stored whole, and saving it again says so.
    for article_id in set(failed) & set(stored):
        assert ArticleLibrary(url).add(stored[article_id])[1] is False


# --- one Nominatim budget for every process --------------------------------------------------------


class _TimedBudget:
    """A budget that notes, for each slot it grants, when the taking began and when it returned:
    the store decided somewhere in between, however long this thread then waited to run."""

    def __init__(self, budget: Budget, slots: list[tuple[float, float]], lock: threading.Lock) -> None:
        self._budget, self._slots, self._lock = budget, slots, lock

    def take(self, min_interval_s: float) -> float:
        began = time.monotonic()
        wait = self._budget.take(min_interval_s)
        if wait <= 0:
            with self._lock:
                self._slots.append((began, time.monotonic()))
        return wait

    def pause(self, seconds: float, kind: str, detail: str = "") -> None:
        self._budget.pause(seconds, kind, detail)

    def pause_state(self) -> Pause | None:
        return self._budget.pause_state()


def test_two_limiters_on_one_store_share_one_interval(store_url: str) -> None:
    interval = 0.5
    slots: list[tuple[float, float]] = []
    lock = threading.Lock()

    def requests(cache: GeocodeCache) -> None:  # one limiter per process
        limiter = ServiceLimiter(interval, budget=_TimedBudget(cache.budget("nominatim:test"), slots, lock))
        for _ in range(3):
            limiter.acquire()

    caches = [GeocodeCache(store_url), GeocodeCache(store_url)]  # two processes' stores
    threads = [threading.Thread(target=requests, args=(cache,)) for cache in caches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(slots) == 6
    # However late a thread resumed, two decisions an interval apart leave that much room between
    # one slot's beginning and the other's return.
    widest = [max(b_end - a_began, a_end - b_began) for (a_began, a_end), (b_began, b_end) in combinations(slots, 2)]
    assert min(widest) >= interval * 0.9, sorted(widest)[:3]


def test_a_pause_one_process_records_holds_for_all(store_url: str) -> None:
    first = ServiceLimiter(1.0, budget=GeocodeCache(store_url).budget("nominatim:test"))
    second = ServiceLimiter(1.0, budget=GeocodeCache(store_url).budget("nominatim:test"))
    first.pause(120, "rate-limited", "HTTP 429")
    pause = second.pause_state()
    assert pause is not None and pause.kind == "rate-limited" and 110 < pause.remaining_s <= 120
    with NominatimServer({}) as server:
        client = NominatimClient(url=server.url, user_agent="dashboard-tests/0.1", timeout_s=1.0, limiter=second)
        with pytest.raises(GeocoderRateLimited):
            client.geocode("Gabala")
        assert server.requests == [], "no request was sent during the other process's pause"


def test_no_request_is_sent_when_the_budget_cannot_be_reached(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file where the data folder should be")
    cache = GeocodeCache.in_dir(tmp_path / "file" / "data")
    limiter = ServiceLimiter(1.0, budget=cache.budget("nominatim:test"))
    with NominatimServer({"gabala": []}) as server:
        client = NominatimClient(url=server.url, user_agent="dashboard-tests/0.1", timeout_s=1.0, limiter=limiter)
        with pytest.raises(GeocoderUnavailable, match="shared request budget is unavailable"):
            client.geocode("Gabala")
        assert server.requests == []


GEOCODER = """
import json, sys
from dashboard.services.cache import GeocodeCache
from dashboard.services.nominatim import NominatimClient
from dashboard.services.ratelimit import Budget, Pause, ServiceLimiter
store, url, shared, count = sys.argv[1], sys.argv[2], sys.argv[3] == "shared", int(sys.argv[4])
budget = GeocodeCache(store).budget("nominatim:" + url) if shared else None
client = NominatimClient(url=url, user_agent="dashboard-tests/0.1", timeout_s=2.0,
                         limiter=ServiceLimiter(float(sys.argv[5]), budget=budget))
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    client.geocode(f"place {i}")
"""


def _arrival_gaps(store_url: str, *, shared: bool, count: int, interval: float) -> list[float]:
    """Two processes each geocode ``count`` names at one local server; the gaps between arrivals."""
    with NominatimServer({}) as server:
        server.set_handler(lambda request: _answer())
        processes = [
            subprocess.Popen([sys.executable, "-c", GEOCODER, store_url, server.url, "shared" if shared else "own",
                              str(count), str(interval)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
            for _ in range(2)
        ]
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.close()
        for process in processes:
            assert process.wait(timeout=60) == 0
        arrivals = sorted(request.at for request in server.requests)
    assert len(arrivals) == 2 * count
    return [b - a for a, b in pairwise(arrivals)]


def _answer():  # type: ignore[no-untyped-def]
    from tests.nominatim_server import Reply

    return Reply.json([nominatim_place("Somewhere", 10.0, 10.0, type="town")])


# Arrivals are measured when the requests reach the server, after the process that sent one may
# have stalled on a busy machine: half the interval is left for that; without the budget the two
# processes' requests arrive together.
def test_two_processes_together_keep_to_one_request_per_interval(store_url: str) -> None:
    interval = 1.0
    alone = _arrival_gaps(store_url, shared=False, count=3, interval=interval)
    assert min(alone) < interval * 0.25, "without the shared budget they overlap: the check can fail"
    together = _arrival_gaps(store_url, shared=True, count=3, interval=interval)
    assert min(together) >= interval * 0.5, together


# --- errors ---------------------------------------------------------------------------------------------


def test_errors_are_classified_for_both_backends() -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    assert classify(full) is Fault.FULL
    assert classify(sqlite3.DatabaseError("file is not a database")) is Fault.DAMAGED
    assert classify(psycopg.errors.DiskFull()) is Fault.FULL
    assert classify(psycopg.errors.InsufficientPrivilege()) is Fault.READ_ONLY
    assert classify(psycopg.errors.AdminShutdown()) is Fault.GONE
    assert classify(psycopg.errors.LockNotAvailable()) is Fault.LOCKED
    assert classify(psycopg.errors.UniqueViolation()) is Fault.OTHER
    assert json.dumps([fault.value for fault in Fault if fault.transient]) == '["full", "locked", "gone"]'
