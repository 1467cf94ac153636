"""A persistent geocode cache: (service, normalised query) -> result or "not found", and the
request budget each geocoding service shares across every process that uses the same store.

It lives in the store of ``services/store.py`` (``geocode-cache.sqlite`` in the data folder, or the
database of ``DASHBOARD_DATABASE_URL``) and never crashes its caller: a damaged file is set aside
and rebuilt, a read-only, locked or full store, or a database server that went away, degrades to
fewer or no cached answers with a notice (:meth:`GeocodeCache.take_notices`), and the cache
resumes by itself. Writes are single statements in one transaction each, so a crash never leaves
a half-written row.

Schema version 2 added ``service_budget`` (one row per service: when its next request may start,
and any pause it asked for); a version-1 file (``PRAGMA user_version = 1``, table ``geocode``) is
upgraded on start.
"""

from __future__ import annotations

import logging
import math
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dashboard.services.ratelimit import BudgetUnavailable, Pause
from dashboard.services.store import (
    Connect,
    Fault,
    Location,
    Schema,
    Store,
    StoreBacked,
    StoreError,
)

log = logging.getLogger(__name__)

CACHE_FILENAME = "geocode-cache.sqlite"
DEFAULT_NEGATIVE_TTL_S = 30 * 24 * 3600.0

_metadata = sa.MetaData()
GEOCODE = sa.Table(
    "geocode",
    _metadata,
    sa.Column("service", sa.Text, primary_key=True),
    sa.Column("query", sa.Text, primary_key=True),
    sa.Column("found", sa.Integer, sa.CheckConstraint("found IN (0, 1)"), nullable=False),
    sa.Column("lat", sa.Float, sa.CheckConstraint("lat BETWEEN -90 AND 90")),
    sa.Column("lon", sa.Float, sa.CheckConstraint("lon BETWEEN -180 AND 180")),
    sa.Column("display_name", sa.Text),
    sa.Column("feature", sa.Text),
    sa.Column("precision_km", sa.Float),
    sa.Column("country_code", sa.Text),
    sa.Column("importance", sa.Float),
    sa.Column("fetched_at", sa.Float, nullable=False),
    sa.CheckConstraint("found = 0 OR (lat IS NOT NULL AND lon IS NOT NULL)"),
    sqlite_with_rowid=False,
)
BUDGET = sa.Table(
    "service_budget",
    _metadata,
    sa.Column("service", sa.Text, primary_key=True),
    sa.Column("next_at", sa.Float, nullable=False),  # Unix time (the store's clock)
    sa.Column("paused_until", sa.Float, nullable=False),
    sa.Column("pause_kind", sa.Text, nullable=False),
    sa.Column("pause_detail", sa.Text, nullable=False),
)
SCHEMA = Schema(
    component="geocode-cache",
    noun="geocode cache",
    file_name=CACHE_FILENAME,
    metadata=_metadata,
    version=2,
    upgrades={1: lambda conn: BUDGET.create(conn, checkfirst=True)},
    legacy_tables=("geocode",),
    when_read_only="cached answers are used, new ones are not remembered.",
    when_unavailable="Answers are not remembered.",
)


@dataclass(frozen=True)
class GeocodeResult:
    """A geocoding service's answer for one query: a point with what kind of place it is."""

    lat: float
    lon: float
    display_name: str
    feature: str = "unknown"
    precision_km: float | None = None
    country_code: str | None = None
    importance: float | None = None


@dataclass(frozen=True)
class CacheEntry:
    """A cached answer: ``result`` is ``None`` when the service found nothing."""

    result: GeocodeResult | None
    fetched_at: float  # Unix time of the service's answer


def normalise_query(text: str) -> str:
    """Return the cache key form of a query: NFKC, case-folded, single-spaced, trimmed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(" .,;:!?\"'()[]{}")


class GeocodeCache(StoreBacked):
    """The geocode cache at ``where`` (a SQLite file path, or a database URL); thread-safe.
    ``GeocodeCache.in_dir(folder)`` is ``geocode-cache.sqlite`` there; ``from_settings`` follows
    ``DASHBOARD_DATABASE_URL``.

    ``negative_ttl_s``: how long a "not found" answer is trusted (found answers do not expire).
    ``clock`` gives Unix time; ``connect`` replaces ``sqlite3.connect`` (a test seam). Other
    keyword arguments go to :class:`~dashboard.services.store.Store`.
    """

    SCHEMA = SCHEMA

    def __init__(
        self,
        where: str | Path | Location,
        *,
        negative_ttl_s: float = DEFAULT_NEGATIVE_TTL_S,
        busy_timeout_s: float = 2.0,
        clock: Callable[[], float] = time.time,
        connect: Connect | None = None,
        **store_options: Any,
    ) -> None:
        self.negative_ttl_s = negative_ttl_s
        self._clock = clock
        self._store = Store(where, SCHEMA, busy_timeout_s=busy_timeout_s, connect=connect, clock=clock,
                            **store_options)

    @property
    def enabled(self) -> bool:
        """True when cached answers can be read."""
        return self._store.available

    def get(self, service: str, query: str) -> CacheEntry | None:
        """Return the cached answer for ``query`` at ``service``, or ``None`` on a miss.

        An expired "not found" entry, an unreadable row or an unusable cache is a miss.
        """
        key = normalise_query(query)
        if not key:
            return None
        statement = sa.select(
            GEOCODE.c.found, GEOCODE.c.lat, GEOCODE.c.lon, GEOCODE.c.display_name, GEOCODE.c.feature,
            GEOCODE.c.precision_km, GEOCODE.c.country_code, GEOCODE.c.importance, GEOCODE.c.fetched_at,
        ).where(GEOCODE.c.service == service, GEOCODE.c.query == key)
        row = self._store.read(lambda conn: conn.execute(statement).first(), None)
        if row is None:
            return None
        entry = _row_to_entry(tuple(row))
        if entry is None:
            return None
        if entry.result is None and self._clock() - entry.fetched_at > self.negative_ttl_s:
            return None
        return entry

    def put(self, service: str, query: str, result: GeocodeResult | None) -> None:
        """Remember ``result`` (``None``: not found) for ``query``; never raises."""
        key = normalise_query(query)
        if result is not None and not _valid_point(result.lat, result.lon):
            log.warning("not caching an out-of-range point for %r: %r", query, result)
            return
        if not key:
            return
        values: dict[str, object] = {"service": service, "query": key, "found": 0, "fetched_at": self._clock()}
        if result is not None:
            values.update(
                found=1, lat=result.lat, lon=result.lon, display_name=_text(result.display_name),
                feature=_text(result.feature), precision_km=result.precision_km,
                country_code=_text(result.country_code), importance=result.importance,
            )
        else:
            values.update(lat=None, lon=None, display_name=None, feature=None, precision_km=None,
                          country_code=None, importance=None)
        try:
            self._store.write(lambda conn: self._store.upsert(conn, GEOCODE, values))
        except StoreError as err:
            # read-only, unavailable, set aside, server gone: the store's lasting notice says so
            if err.fault in (Fault.FULL, Fault.LOCKED, Fault.OTHER):
                self._store.event(
                    f"The geocode cache did not remember a new answer: {err.reason}. Cached answers are still used."
                )

    def budget(self, service: str) -> StoredBudget:
        """The request budget of ``service`` that every process using this store shares."""
        return StoredBudget(self._store, service)

    def take_notices(self) -> tuple[str, ...]:
        """Return the notices since the last call (plus any lasting condition), then clear them."""
        return self._store.notices(take=True)



class StoredBudget:
    """One service's request budget: a row of ``service_budget`` taken under the store's write lock,
    so every process using the store keeps to one interval and one pause.

    Times are the store's clock (the database server's for PostgreSQL), so replicas on machines
    whose clocks differ still agree.
    """

    def __init__(self, store: Store, service: str) -> None:
        self._store = store
        self.service = service

    def take(self, min_interval_s: float) -> float:
        """Take the next request slot and return 0, or return how long to wait; raises BudgetUnavailable."""

        def work(conn: Connection) -> float:
            now = self._store.now(conn)
            row = self._row(conn, lock=True)
            if row is None:
                conn.execute(BUDGET.insert().values(
                    service=self.service, next_at=now + min_interval_s, paused_until=0.0, pause_kind="",
                    pause_detail="",
                ))
                return 0.0
            wait = min(row.next_at - now, min_interval_s)  # a clock set back never blocks for longer
            if wait > 0:
                return wait
            conn.execute(BUDGET.update().where(BUDGET.c.service == self.service).values(next_at=now + min_interval_s))
            return 0.0

        try:
            return self._store.write(work, exclusive=True)
        except StoreError as err:
            raise BudgetUnavailable(f"the shared request budget is unavailable: {err.reason}") from err

    def pause(self, seconds: float, kind: str, detail: str = "") -> None:
        """Keep every process away for ``seconds`` (a longer pause is kept); failures are logged only."""

        def work(conn: Connection) -> None:
            until = self._store.now(conn) + max(0.0, float(seconds))
            row = self._row(conn, lock=True)
            if row is None:
                conn.execute(BUDGET.insert().values(
                    service=self.service, next_at=0.0, paused_until=until, pause_kind=kind, pause_detail=detail,
                ))
            elif until > row.paused_until:
                conn.execute(BUDGET.update().where(BUDGET.c.service == self.service).values(
                    paused_until=until, pause_kind=kind, pause_detail=detail,
                ))

        try:
            self._store.write(work, exclusive=True)
        except StoreError as err:
            log.warning("the shared pause of %s was not recorded: %s", self.service, err.reason)

    def pause_state(self) -> Pause | None:
        """The shared pause now, or None (also when the store cannot be read)."""

        def work(conn: Connection) -> Pause | None:
            row = self._row(conn, lock=False)
            if row is None:
                return None
            remaining = row.paused_until - self._store.now(conn)
            return Pause(remaining, row.pause_kind, row.pause_detail) if remaining > 0 else None

        return self._store.read(work, None)

    def _row(self, conn: Connection, *, lock: bool) -> Any:
        statement = sa.select(BUDGET).where(BUDGET.c.service == self.service)
        return conn.execute(statement.with_for_update() if lock else statement).first()


def _text(value: str | None) -> str | None:
    """``value`` without NUL characters (PostgreSQL's text cannot hold them)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def _valid_point(lat: object, lon: object) -> bool:
    return (
        isinstance(lat, float | int)
        and isinstance(lon, float | int)
        and math.isfinite(lat)
        and math.isfinite(lon)
        and -90 <= lat <= 90
        and -180 <= lon <= 180
    )


def _row_to_entry(row: tuple[object, ...]) -> CacheEntry | None:
    found, lat, lon, name, feature, precision, country, importance, fetched_at = row
    if not isinstance(fetched_at, float | int):
        return None
    if not found:
        return CacheEntry(result=None, fetched_at=float(fetched_at))
    if not _valid_point(lat, lon):
        return None
    return CacheEntry(
        result=GeocodeResult(
            lat=float(lat),  # type: ignore[arg-type]
            lon=float(lon),  # type: ignore[arg-type]
            display_name=str(name or ""),
            feature=str(feature or "unknown"),
            precision_km=float(precision) if isinstance(precision, float | int) else None,
            country_code=str(country) if country else None,
            importance=float(importance) if isinstance(importance, float | int) else None,
        ),
        fetched_at=float(fetched_at),
    )
