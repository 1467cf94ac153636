"""A persistent geocode cache in SQLite: (service, normalised query) -> result or "not found".

The cache never crashes its caller. A corrupt or foreign file is moved aside
(``<name>.corrupt-<UTC timestamp>``) and rebuilt; a read-only or locked file degrades to fewer or
no cached answers. Each such event becomes a human-readable notice (:meth:`take_notices`) and a
log warning. Writes are single statements in transactions (SQLite's rollback journal),
so a crash never leaves a half-written row.

On a full disk the cache keeps answering from what it holds and simply stops remembering; it
resumes by itself once space is free (a cache that could not even be created then, or that
another process held locked, is opened again on the next write). Several servers may share the
file: the schema is created inside one ``BEGIN IMMEDIATE`` transaction that checks it again, so
two processes starting on a fresh folder never take each other's new file for a foreign one.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.services.sqlite_files import (
    full_disk_advice,
    is_disk_full,
    is_transient,
    set_aside,
)

log = logging.getLogger(__name__)

CACHE_FILENAME = "geocode-cache.sqlite"
SCHEMA_VERSION = 1
DEFAULT_NEGATIVE_TTL_S = 30 * 24 * 3600.0
_MAX_NOTICES = 20

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_SQLITE_READONLY = 8

_SCHEMA = """
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

Connect = Callable[..., sqlite3.Connection]


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


class _CorruptCacheError(Exception):
    """The file is not a usable cache database (internal signal)."""


def normalise_query(text: str) -> str:
    """Return the cache key form of a query: NFKC, case-folded, single-spaced, trimmed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split()).strip(" .,;:!?\"'()[]{}")


class GeocodeCache:
    """The cache file at ``path``; thread-safe (one connection behind a lock).

    ``negative_ttl_s``: how long a "not found" answer is trusted (found answers do not expire).
    ``clock`` gives Unix time; ``connect`` is ``sqlite3.connect`` or a test double.
    """

    def __init__(
        self,
        path: Path,
        *,
        negative_ttl_s: float = DEFAULT_NEGATIVE_TTL_S,
        busy_timeout_s: float = 2.0,
        clock: Callable[[], float] = time.time,
        connect: Connect = sqlite3.connect,
    ) -> None:
        self.path = Path(path)
        self.negative_ttl_s = negative_ttl_s
        self._busy_timeout_s = busy_timeout_s
        self._clock = clock
        self._connect = connect
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._writable = False
        self._notices: list[str] = []
        self._condition: str | None = None  # a lasting state, repeated by every take_notices()
        self._reopen = False  # the last open met a full disk or a lock: try again on the next write
        with self._lock:
            self._open()

    @classmethod
    def in_dir(cls, data_dir: Path, **kwargs: Any) -> GeocodeCache:
        """Return the cache file ``geocode-cache.sqlite`` in ``data_dir`` (created if needed)."""
        return cls(Path(data_dir) / CACHE_FILENAME, **kwargs)

    @property
    def enabled(self) -> bool:
        """True when cached answers can be read."""
        return self._conn is not None

    @property
    def writable(self) -> bool:
        """True when new answers are remembered."""
        return self._conn is not None and self._writable

    def get(self, service: str, query: str) -> CacheEntry | None:
        """Return the cached answer for ``query`` at ``service``, or ``None`` on a miss.

        An expired "not found" entry, an unreadable row or an unusable cache is a miss.
        """
        key = normalise_query(query)
        with self._lock:
            if self._conn is None or not key:
                return None
            try:
                row = self._conn.execute(
                    "SELECT found, lat, lon, display_name, feature, precision_km, country_code,"
                    " importance, fetched_at FROM geocode WHERE service = ? AND query = ?",
                    (service, key),
                ).fetchone()
            except sqlite3.DatabaseError as err:
                self._on_error(err, "reading")
                return None
        if row is None:
            return None
        entry = _row_to_entry(row)
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
        with self._lock:
            if self._conn is None and self._reopen:
                self._reopen = False
                self._open()
            if self._conn is None or not self._writable or not key:
                return
            values = (
                (service, key, 0, None, None, None, None, None, None, None, self._clock())
                if result is None
                else (
                    service,
                    key,
                    1,
                    result.lat,
                    result.lon,
                    result.display_name,
                    result.feature,
                    result.precision_km,
                    result.country_code,
                    result.importance,
                    self._clock(),
                )
            )
            try:
                with self._conn:  # one transaction: committed whole or rolled back
                    self._conn.execute(
                        "INSERT OR REPLACE INTO geocode (service, query, found, lat, lon,"
                        " display_name, feature, precision_km, country_code, importance,"
                        " fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        values,
                    )
            except sqlite3.DatabaseError as err:
                self._on_error(err, "writing")

    def take_notices(self) -> tuple[str, ...]:
        """Return the notices since the last call (plus any lasting condition), then clear them."""
        with self._lock:
            notices = list(self._notices)
            self._notices.clear()
            if self._condition and self._condition not in notices:
                notices.insert(0, self._condition)
            return tuple(notices)

    def close(self) -> None:
        """Close the database connection; later calls behave as a disabled cache."""
        with self._lock:
            self._reopen = False
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- internals -------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self._disable(f"cannot create the folder {self.path.parent} ({err.strerror or err})")
            return
        try:
            self._conn, self._writable = self._connect_and_prepare()
        except _CorruptCacheError as err:
            self._set_aside_and_rebuild(str(err))
        except sqlite3.DatabaseError as err:
            if _is_corrupt(err):
                self._set_aside_and_rebuild(str(err))
            elif is_transient(err):
                why = full_disk_advice(self.path.parent) if is_disk_full(err) else f"cannot open {self.path} ({err})"
                self._disable(f"{why} (it is opened again on the next write)")
                self._reopen = True
            else:
                self._disable(f"cannot open {self.path} ({err})")

    def _connect_and_prepare(self) -> tuple[sqlite3.Connection, bool]:
        conn = self._connect(str(self.path), timeout=self._busy_timeout_s, check_same_thread=False)
        try:
            writable = _prepare(conn)
        except BaseException:
            conn.close()
            raise
        self._condition = None  # opened: whatever kept it closed has passed
        if not writable:
            self._mark_read_only()
        return conn, writable

    def _set_aside_and_rebuild(self, why: str) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        try:
            target = set_aside(self.path, self._clock())
        except OSError as err:
            self._disable(f"{self.path} is damaged ({why}) and cannot be moved aside ({err})")
            return
        try:
            self._conn, self._writable = self._connect_and_prepare()
        except (sqlite3.DatabaseError, _CorruptCacheError) as err:
            self._disable(f"cannot rebuild {self.path} ({err})")
            return
        self._notice(
            f"Geocode cache {self.path.name} was damaged ({why}); it was moved to "
            f"{target.name} and a new, empty cache was started."
        )

    def _on_error(self, err: sqlite3.DatabaseError, doing: str) -> None:
        if _is_corrupt(err):
            self._set_aside_and_rebuild(str(err))
        elif getattr(err, "sqlite_errorcode", None) is not None and (
            err.sqlite_errorcode & 0xFF == _SQLITE_READONLY
        ):
            self._mark_read_only()
        elif is_disk_full(err):  # this answer only: the next write tries again
            self._notice(
                f"Geocode cache: {full_disk_advice(self.path.parent)}. New answers are not "
                "remembered until then; cached ones are still used."
            )
        else:  # locked, busy, I/O error: skip this operation only
            self._notice(f"Geocode cache: {doing} failed ({err}); continuing without it.")

    def _mark_read_only(self) -> None:
        self._writable = False
        self._condition = (
            f"Geocode cache {self.path} is read-only: cached answers are used, "
            "new ones are not remembered."
        )
        log.warning("%s", self._condition)

    def _disable(self, why: str) -> None:
        self._conn = None
        self._writable = False
        condition = f"Geocode cache disabled: {why}. Answers are not remembered."
        if condition != self._condition:  # logged once, not at every retry
            log.warning("%s", condition)
        self._condition = condition

    def _notice(self, text: str) -> None:
        if text in self._notices:  # already waiting to be shown (and logged)
            return
        log.warning("%s", text)
        if len(self._notices) < _MAX_NOTICES:
            self._notices.append(text)


def _prepare(conn: sqlite3.Connection) -> bool:
    """Check and, if needed, create the schema; return whether the file is writable.

    Raises ``_CorruptCacheError`` for a damaged or foreign database, ``sqlite3.DatabaseError`` for
    other failures. The journal stays SQLite's default rollback journal: unlike WAL it lets a
    read-only file in a read-only folder still be read.
    """
    check = conn.execute("PRAGMA quick_check").fetchone()
    if check is None or check[0] != "ok":
        raise _CorruptCacheError(f"integrity check failed: {check[0] if check else 'no answer'}")
    if _has_schema(conn):
        return _can_write(conn)
    # Another server may be creating the file right now: check again inside a write
    # transaction, and create the table and its version in that same transaction.
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not _has_schema(conn):
            conn.execute(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return True


def _has_schema(conn: sqlite3.Connection) -> bool:
    """True for a geocode cache, False for an empty file; raises ``_CorruptCacheError`` otherwise."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if version == SCHEMA_VERSION and "geocode" in tables:
        return True
    if version != 0 or tables:
        raise _CorruptCacheError(
            f"not a geocode cache (schema version {version}, tables {sorted(tables)})"
        )
    return False


def _can_write(conn: sqlite3.Connection) -> bool:
    """Return False if the file is read-only (probed with a statement that changes nothing)."""
    if conn.execute("PRAGMA query_only").fetchone()[0]:
        return False
    try:
        conn.execute("DELETE FROM geocode WHERE 0")
    except sqlite3.OperationalError as err:
        code = getattr(err, "sqlite_errorcode", None)
        # busy or locked: writable, just not right now
        return code is None or code & 0xFF != _SQLITE_READONLY
    finally:
        conn.rollback()
    return True


def _is_corrupt(err: sqlite3.DatabaseError) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(err).lower()
    return "malformed" in text or "not a database" in text


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
