"""The one lifecycle of the dashboard's stores (the geocode cache, the article library): where they
live, their schema version, and what happens when storage fails.

A store is a :class:`Schema` (its tables, version and upgrades) at a location: a SQLite file (the
embedded default, one file per store under ``DASHBOARD_DATA_DIR``) or a PostgreSQL database
(``DASHBOARD_DATABASE_URL``), through one SQLAlchemy Core code path.

On start the schema is checked and, when needed, created or upgraded, inside one transaction that
holds the schema lock (``BEGIN IMMEDIATE`` in SQLite, an advisory lock in PostgreSQL), so several
processes starting at once never take each other's new tables for foreign ones. The version is a
row per store in ``schema_version``; a SQLite file made before that table existed is recognised by
its tables and upgraded. Writes are one transaction each: SQLite's ``BEGIN IMMEDIATE`` (rollback
journal, ``synchronous=FULL``), or PostgreSQL with a per-store advisory lock when asked for
(``exclusive``), so a check and the write it decides cannot interleave with another process's.

Nothing here takes the app down. A damaged or foreign SQLite file is set aside
(``<name>.corrupt-<UTC time>``, never deleted) and a new one started; a read-only store is read
but not written; a store that cannot be opened is unavailable. A full disk, another process's
lock or a database server that went away fails the operation at hand only: reads give their
default, writes raise :class:`StoreError` saying why, and the store is opened again (the server
reconnected) on a later use. Each such state is a readable notice.
"""
from __future__ import annotations

import enum
import logging
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import QueuePool

from dashboard.config import Settings
from dashboard.errors import DashboardError
from dashboard.services.sqlite_files import (
    SQLITE_BUSY,
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_LOCKED,
    SQLITE_NOTADB,
    SQLITE_READONLY,
    FileIdentity,
    file_identity,
    full_disk_advice,
    result_code,
    set_aside,
    set_aside_lock,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
Connect = Callable[..., sqlite3.Connection]
Upgrade = Callable[[Connection], None]

MAX_EVENTS = 20
DEFAULT_RECONNECT_INTERVAL_S = 2.0
_SCHEMA_LOCK = "dashboard-schema"

_versions = sa.MetaData()
SCHEMA_VERSION = sa.Table(
    "schema_version",
    _versions,
    sa.Column("component", sa.Text, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)


class Fault(enum.Enum):
    """What kind of failure a database error is."""

    DAMAGED = "damaged"  # a corrupt or foreign SQLite file
    READ_ONLY = "read-only"
    FULL = "full"  # no space left
    LOCKED = "locked"  # another process holds a lock (or a lock wait timed out)
    GONE = "gone"  # the database server cannot be reached, or closed the connection
    UNAVAILABLE = "unavailable"  # the store is not open (its notice says why)
    REPLACED = "replaced"  # the damaged SQLite file was set aside by another process; the new one is open
    OTHER = "other"

    @property
    def transient(self) -> bool:
        """True for failures that pass by themselves (the operation can simply be tried again)."""
        return self in (Fault.FULL, Fault.LOCKED, Fault.GONE)


class StoreError(DashboardError, RuntimeError):
    """A store operation failed; ``reason`` says why and what to do, ``fault`` what kind it was."""

    def __init__(self, fault: Fault, reason: str) -> None:
        super().__init__(reason)
        self.fault = fault
        self.reason = reason


class _Damaged(DashboardError):
    """The SQLite file is not a usable store (internal signal)."""


class _Unusable(DashboardError):
    """The store cannot be used as it is: written by a newer version, or foreign in a shared database
    (internal signal; never set aside)."""


@dataclass(frozen=True)
class Schema:
    """One store's tables and how to bring an older copy up to date.

    ``upgrades[n]`` takes the tables from version ``n`` to ``n + 1``. ``legacy_tables`` are the
    tables a SQLite file made before ``schema_version`` existed holds (that is version 1; their
    columns must include the current ones). ``noun`` names the store in notices ("geocode
    cache"); ``when_read_only`` and ``when_unavailable`` say what the reader loses then.
    """

    component: str
    noun: str
    file_name: str
    metadata: sa.MetaData
    version: int
    upgrades: Mapping[int, Upgrade] = field(default_factory=dict)
    legacy_tables: tuple[str, ...] = ()
    when_read_only: str = ""
    when_unavailable: str = ""

    @property
    def probe_table(self) -> sa.Table:
        """The table a write is tried on to learn whether the store is writable."""
        return next(iter(self.metadata.sorted_tables))


@dataclass(frozen=True)
class Location:
    """Where a store lives: ``url`` for SQLAlchemy, ``path`` for a SQLite file, ``label`` for people
    (never with credentials)."""

    url: URL
    path: Path | None
    label: str

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @classmethod
    def of(cls, where: str | Path) -> Location:
        """A SQLite file (a Path, or a ``sqlite:///`` URL) or a PostgreSQL URL.

        Raises ValueError for anything else (the URL itself is checked by ``config``).
        """
        if isinstance(where, Path):
            path = where
        else:
            url = make_url(where)
            if url.get_backend_name() == "postgresql":
                url = url.set(drivername="postgresql+psycopg")
                label = f"postgresql://{url.host or 'localhost'}{f':{url.port}' if url.port else ''}/{url.database or ''}"
                return cls(url=url, path=None, label=label)
            if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
                raise ValueError(f"not a SQLite file or PostgreSQL URL: {url.render_as_string(hide_password=True)}")
            path = Path(url.database)
        path = Path(path).expanduser().absolute()
        return cls(url=URL.create("sqlite", database=str(path)), path=path, label=str(path))


def location_for(database_url: str | None, data_dir: Path, schema: Schema) -> Location:
    """The store's location: ``database_url`` when set, else its own SQLite file in ``data_dir``."""
    return Location.of(database_url) if database_url else Location.of(Path(data_dir) / schema.file_name)


B = TypeVar("B", bound="StoreBacked")


class StoreBacked:
    """What the stores' public classes (``GeocodeCache``, ``ArticleLibrary``) share: where they are
    found and whether they can be used. A subclass sets ``SCHEMA`` and ``self._store``."""

    SCHEMA: ClassVar[Schema]
    _store: Store

    @classmethod
    def in_dir(cls: type[B], data_dir: Path, **kwargs: Any) -> B:
        """The store's own SQLite file in ``data_dir`` (created when missing)."""
        return cls(Path(data_dir) / cls.SCHEMA.file_name, **kwargs)  # type: ignore[call-arg]

    @classmethod
    def from_settings(cls: type[B], settings: Settings, **kwargs: Any) -> B:
        """The store ``settings`` name: ``DASHBOARD_DATABASE_URL``, else its file in the data folder."""
        return cls(location_for(settings.database_url, settings.data_dir, cls.SCHEMA), **kwargs)  # type: ignore[call-arg]

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a database server."""
        return self._store.path

    @property
    def location(self) -> Location:
        """Where the store lives."""
        return self._store.location

    @property
    def available(self) -> bool:
        """True when the store can be read."""
        return self._store.available

    @property
    def writable(self) -> bool:
        """True when the store can be written."""
        return self._store.writable

    def close(self) -> None:
        """Close the store; later calls find it unavailable."""
        self._store.close()


class Store:
    """One store (``schema`` at ``where``); thread-safe, one operation at a time.

    ``connect`` replaces ``sqlite3.connect`` for a SQLite file (a test seam: it is called with the
    path and sqlite3's keyword arguments). ``busy_timeout_s`` is how long a write waits for another
    process's lock; ``reconnect_interval_s`` how long after losing the database server the next
    attempt to reach it is made (reads meanwhile give their default at once). ``clock`` is Unix time.
    """

    def __init__(
        self,
        where: str | Path | Location,
        schema: Schema,
        *,
        busy_timeout_s: float = 5.0,
        connect: Connect | None = None,
        reconnect_interval_s: float = DEFAULT_RECONNECT_INTERVAL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.location = where if isinstance(where, Location) else Location.of(where)
        self.schema = schema
        self._busy_timeout_s = busy_timeout_s
        self._connect = connect or sqlite3.connect
        self._reconnect_interval_s = reconnect_interval_s
        self._clock = clock
        self._lock = threading.RLock()
        self._engine: Engine | None = None
        self._writable = False
        self._events: list[str] = []
        self._condition: str | None = None  # a lasting state (unavailable, read-only), repeated in notices
        self._why_unavailable = "it is not open"
        self._reopen_at: float | None = None  # the last open failed in passing: try again from then on
        self._opened_file: FileIdentity | None = None  # the SQLite file this engine's first connection opened
        with self._lock:
            self._open()

    # -- state -------------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a database server."""
        return self.location.path

    @property
    def available(self) -> bool:
        """True when the store can be read."""
        return self._engine is not None

    @property
    def writable(self) -> bool:
        """True when the store can be written."""
        return self._engine is not None and self._writable

    def notices(self, *, take: bool = False) -> tuple[str, ...]:
        """The lasting condition (if any) and the events so far; ``take`` clears the events."""
        with self._lock:
            events = list(self._events)
            if take:
                self._events.clear()
            if self._condition and self._condition not in events:
                events.insert(0, self._condition)
            return tuple(events)

    def event(self, text: str) -> None:
        """Record something the reader should know (logged once while it waits to be shown)."""
        with self._lock:
            if text in self._events:
                return
            log.warning("%s", text)
            if len(self._events) < MAX_EVENTS:
                self._events.append(text)

    # -- operations ----------------------------------------------------------------------------

    def read(self, work: Callable[[Connection], T], default: T, *, strict: bool = False) -> T:
        """``work(connection)`` in a read transaction; ``default`` when the store cannot be read.

        A failure is a notice (and a damaged file is set aside); with ``strict`` it raises
        :class:`StoreError` instead.
        """
        with self._lock:
            self._reopen_if_due()
            if self._engine is None:
                if strict:
                    raise self._unavailable()
                return default
            try:
                with self._engine.connect() as conn:
                    return work(conn)
            except SQLAlchemyError as err:
                failure = self._on_failure(err)
            if failure.fault is Fault.REPLACED and self._engine is not None:
                return self.read(work, default, strict=strict)  # once: the new file is open now
                raise failure
            if failure.fault not in (Fault.DAMAGED, Fault.GONE):  # those are said by the store's condition
                self.event(f"The {self.schema.noun} could not be read ({failure.reason}).")
            return default

    def write(self, work: Callable[[Connection], T], *, exclusive: bool = False) -> T:
        """``work(connection)`` in one write transaction, committed whole or rolled back.

        ``exclusive``: no other process writes this store until it ends (SQLite always; in
        PostgreSQL an advisory lock), for a check and the write it decides. Raises
        :class:`StoreError` when the store cannot be written.
        """
        with self._lock:
            self._reopen_if_due(now=True)
            if self._engine is None:
                raise self._unavailable()
            if not self._writable:
                raise StoreError(Fault.READ_ONLY, f"the {self.schema.noun} {self.location.label} is read-only")
            try:
                with self._write_transaction(self._engine, exclusive=exclusive) as conn:
                    return work(conn)
            except SQLAlchemyError as err:
                failure = self._on_failure(err)
                if failure.fault is not Fault.REPLACED or self._engine is None:
                    raise failure from err
            return self.write(work, exclusive=exclusive)  # once: nothing was written to the old file

    def now(self, conn: Connection) -> float:
        """Unix time as the store sees it: the database server's clock, or this machine's for a file."""
        if self.location.is_sqlite:
            return self._clock()
        return float(conn.execute(sa.select(sa.func.extract("epoch", sa.func.clock_timestamp()))).scalar_one())

    def upsert(self, conn: Connection, table: sa.Table, values: Mapping[str, Any]) -> None:
        """Insert ``values`` into ``table``, replacing the row with the same primary key."""
        if self.location.is_sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
        statement = insert(table).values(**values)
        keys = [column.name for column in table.primary_key.columns]
        conn.execute(statement.on_conflict_do_update(
            index_elements=keys, set_={name: statement.excluded[name] for name in values if name not in keys},
        ))

    def close(self) -> None:
        """Close every connection; later operations find the store unavailable."""
        with self._lock:
            self._dispose()
            self._reopen_at = None
            self._why_unavailable = "it was closed"
            self._condition = f"The {self.schema.noun} is closed."

    # -- opening ---------------------------------------------------------------------------------

    def _reopen_if_due(self, *, now: bool = False) -> None:
        """Open again after a failure that passes (a full disk, a lock, the server gone)."""
        if self._engine is None and self._reopen_at is not None and (now or self._clock() >= self._reopen_at):
            self._reopen_at = None
            self._open()

    def _open(self) -> None:
        path = self.location.path
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                self._disable(f"its folder {path.parent} cannot be created ({err.strerror or err})")
                return
        try:
            self._start()
        except _Damaged as err:
            self._set_aside(str(err))
        except _Unusable as err:
            self._disable(str(err))
        except SQLAlchemyError as err:
            fault = classify(err)
            if fault is Fault.DAMAGED and path is not None:
                self._set_aside(_short(err))
            elif fault is Fault.GONE:
                self._disable(f"{self._unreachable(err)}; it reconnects by itself")
                self._reopen_at = self._clock() + self._reconnect_interval_s
            elif fault.transient:
                self._disable(f"{self._reason(fault, err)} (it is opened again on the next use)")
                self._reopen_at = self._clock()
            elif fault is Fault.READ_ONLY:
                self._disable(f"{self.location.label} is read-only and holds no {self.schema.noun} yet")
            else:
                self._disable(f"{self.location.label} cannot be opened ({_short(err)})")

    def _start(self) -> None:
        """Connect, check the schema (create or upgrade it), learn whether writes are possible."""
        engine = self._make_engine()
        try:
            writable = self._prepare(engine)
        except BaseException:
            engine.dispose()
            raise
        self._engine, self._writable = engine, writable
        self._condition = None  # opened: whatever kept it closed has passed
        if not writable:
            self._condition = (
                f"The {self.schema.noun} {self.location.label} is read-only: {self.schema.when_read_only}"
            )
            log.warning("%s", self._condition)

    def _make_engine(self) -> Engine:
        if self.location.path is None:
            query = self.location.url.query
            options = {"connect_timeout": 5, "application_name": "missile-defense-dashboard"}
            if "options" not in query:
                timeout_ms = int(self._busy_timeout_s * 1000)
                options["options"] = f"-c lock_timeout={timeout_ms} -c statement_timeout=60000"
            return sa.create_engine(
                self.location.url, poolclass=QueuePool, pool_size=1, max_overflow=2, pool_pre_ping=True,
                connect_args={key: value for key, value in options.items() if key not in query},
            )
        path, timeout, connect = str(self.location.path), self._busy_timeout_s, self._connect
        self._opened_file = None

        def creator() -> sqlite3.Connection:
            conn = connect(path, timeout=timeout, check_same_thread=False, isolation_level=None)
            if self._opened_file is None:
                self._opened_file = file_identity(Path(path))
            conn.execute("PRAGMA synchronous=FULL")
            return conn

        engine = sa.create_engine("sqlite://", creator=creator, poolclass=QueuePool, pool_size=1, max_overflow=2)

        @event.listens_for(engine, "begin")
        def begin(conn: Connection) -> None:
            # pysqlite's own transaction handling is off (isolation_level=None): BEGIN is ours
            conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'DEFERRED')}")

        return engine

    def _prepare(self, engine: Engine) -> bool:
        """Check, create or upgrade the schema; return whether the store is writable.

        Raises _Damaged (a SQLite file that is not this store), _Unusable, or SQLAlchemyError.
        """
        with engine.connect() as conn:
            if self.location.is_sqlite:
                check = conn.exec_driver_sql("PRAGMA quick_check").first()
                if check is None or check[0] != "ok":
                    raise _Damaged(f"integrity check: {check[0] if check else 'no answer'}")
            version, recorded = self._version(conn)
            conn.rollback()
        if recorded and version == self.schema.version:
            return self._can_write(engine)
        # Another process may be creating or upgrading it right now: look again under the lock.
        try:
            with self._write_transaction(engine, exclusive=True, lock=_SCHEMA_LOCK) as conn:
                version, recorded = self._version(conn)
                if not (recorded and version == self.schema.version):
                    self._create_or_upgrade(conn, version)
        except SQLAlchemyError as err:
            if classify(err) is Fault.READ_ONLY and version == self.schema.version:
                return False  # a file of this version without its version row: readable as it is
            raise
        return True

    def _version(self, conn: Connection) -> tuple[int, bool]:
        """(the store's schema version, whether it is recorded); 0 for a new store."""
        tables = set(sa.inspect(conn).get_table_names())
        if SCHEMA_VERSION.name in tables:
            found = conn.execute(
                sa.select(SCHEMA_VERSION.c.version).where(SCHEMA_VERSION.c.component == self.schema.component)
            ).scalar_one_or_none()
            if found is not None:
                if found > self.schema.version:
                    raise _Unusable(
                        f"{self.location.label} was written by a newer version of the dashboard (schema "
                        f"{found}; this one knows {self.schema.version}): run the newer version"
                    )
                return found, True
        mine = [name for name in self.schema.legacy_tables if name in tables]
        if mine:
            for name in mine:
                columns = {column["name"] for column in sa.inspect(conn).get_columns(name)}
                wanted = set(self.schema.metadata.tables[name].columns.keys())
                if not wanted <= columns:
                    raise self._foreign(f"its {name} table has columns {sorted(columns)[:8]}")
            if len(mine) < len(self.schema.legacy_tables):
                raise self._foreign(f"tables {sorted(tables)[:5]}")
            return 1, False
        if self.location.is_sqlite and tables and SCHEMA_VERSION.name not in tables:
            raise self._foreign(f"tables {sorted(tables)[:5]}")
        clash = tables & set(self.schema.metadata.tables)
        if clash:
            raise self._foreign(f"it already has a table {sorted(clash)[0]} but no schema version for it")
        return 0, False

    def _foreign(self, detail: str) -> Exception:
        noun = self.schema.noun
        message = f"not {'an' if noun[0] in 'aeiou' else 'a'} {noun} ({detail})"
        if self.location.is_sqlite:
            return _Damaged(message)
        return _Unusable(f"{self.location.label} is {message}; use another database")

    def _create_or_upgrade(self, conn: Connection, version: int) -> None:
        if version == 0:
            self.schema.metadata.create_all(conn)
        else:
            for step in range(version, self.schema.version):
                self.schema.upgrades[step](conn)
        SCHEMA_VERSION.create(conn, checkfirst=True)
        self.upsert(conn, SCHEMA_VERSION, {"component": self.schema.component, "version": self.schema.version})
        if version:
            log.warning("%s %s: schema upgraded from version %d to %d", self.schema.noun,
                        self.location.label, version, self.schema.version)

    def _can_write(self, engine: Engine) -> bool:
        """False when writes are refused (probed with a statement that changes nothing)."""
        table = self.schema.probe_table
        try:
            with engine.connect() as conn, conn.begin():
                if self.location.is_sqlite and conn.exec_driver_sql("PRAGMA query_only").scalar():
                    return False
                conn.execute(table.delete().where(sa.false()))
        except SQLAlchemyError as err:
            fault = classify(err)
            if fault is Fault.READ_ONLY:
                return False
            if fault is not Fault.LOCKED:  # locked: writable, just not right now
                raise
        return True

    @contextmanager
    def _write_transaction(
        self, engine: Engine, *, exclusive: bool, lock: str | None = None
    ) -> Iterator[Connection]:
        with engine.connect() as conn:
            if self.location.is_sqlite:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if exclusive and not self.location.is_sqlite:
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(lock_key(lock or self.schema.component))))
                yield conn

    # -- failures --------------------------------------------------------------------------------

    def _on_failure(self, err: SQLAlchemyError) -> StoreError:
        """Act on a failed operation (set a damaged file aside, note read-only, drop a lost server)
        and return the error to raise, with the reason for people."""
        fault = classify(err)
        reason = self._reason(fault, err)
        if fault is Fault.DAMAGED and self.location.is_sqlite:
            if self._set_aside(_short(err)):
                reason = (f"the {self.schema.noun} file was damaged; it was set aside and a new one started "
                          "(nothing was deleted)")
            else:
                fault = Fault.REPLACED
                reason = (f"the {self.schema.noun} file was damaged and another process has already set it "
                          "aside; the new one is open now")
        elif fault is Fault.READ_ONLY:
            self._writable = False
            self._condition = (
                f"The {self.schema.noun} {self.location.label} is read-only: {self.schema.when_read_only}"
            )
        elif fault is Fault.GONE:
            self._disable(f"{self._unreachable(err)}; it reconnects by itself")
            self._reopen_at = self._clock() + self._reconnect_interval_s
        log.info("%s %s: %s", self.schema.noun, self.location.label, _short(err))
        return StoreError(fault, reason)

    def _reason(self, fault: Fault, err: SQLAlchemyError) -> str:
        noun, path = self.schema.noun, self.location.path
        if fault is Fault.FULL:
            where = full_disk_advice(path.parent) if path else "database server's disk is full; free some space there"
            return f"the {where}, then try again (what was stored is unharmed)"
        if fault is Fault.LOCKED:
            return f"another process is holding the {noun} locked; try again in a moment"
        if fault is Fault.READ_ONLY:
            return f"the {noun} {self.location.label} is read-only"
        if fault is Fault.GONE:
            return f"{self._unreachable(err)}; try again in a moment"
        return _short(err)

    def _unreachable(self, err: SQLAlchemyError) -> str:
        return f"the database server {self.location.label} cannot be reached ({_short(err)})"

    def _set_aside(self, why: str) -> bool:
        """Set the damaged file aside and start a new one; return False when the path no longer
        names the file that failed (another process set it aside first: the new file is opened)."""
        path = self.location.path
        assert path is not None
        failed = self._opened_file
        self._dispose()
        try:
            with set_aside_lock(path):
                current = file_identity(path)
                if failed is not None and current != failed:
                    log.info("%s %s: already set aside by another process; opening the new file",
                             self.schema.noun, path)
                    self._start_or_disable()
                    return False
                target = set_aside(path, self._clock())
                if not self._start_or_disable():
                    return True
        except OSError as err:
            self._disable(f"{path.name} is damaged ({why}) and cannot be set aside ({err.strerror or err})")
            return True
        self.event(
            f"The {self.schema.noun} {path.name} was damaged ({why}); it was set aside as {target.name} "
            "and a new, empty one started. Nothing was deleted."
        )
        return True

    def _start_or_disable(self) -> bool:
        """Open the store again after a set-aside; False (and unavailable) when that fails."""
        try:
            self._start()
        except (SQLAlchemyError, _Damaged, _Unusable) as err:
            self._disable(f"a new {self.schema.noun} cannot be started ({_short(err)})")
            return False
        return True

    def _unavailable(self) -> StoreError:
        return StoreError(Fault.UNAVAILABLE, f"the {self.schema.noun} is unavailable: {self._why_unavailable}")

    def _disable(self, why: str) -> None:
        self._dispose()
        self._why_unavailable = why
        condition = f"The {self.schema.noun} is unavailable: {why}. {self.schema.when_unavailable}".rstrip()
        if condition != self._condition:  # logged once, not at every retry
            log.warning("%s", condition)
        self._condition = condition

    def _dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        self._writable = False


# -- errors ----------------------------------------------------------------------------------------

# PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_FAULTS = {
    "53100": Fault.FULL,  # disk_full
    "25006": Fault.READ_ONLY,  # read_only_sql_transaction (a standby)
    "42501": Fault.READ_ONLY,  # insufficient_privilege
    "55P03": Fault.LOCKED,  # lock_not_available (lock_timeout)
    "40001": Fault.LOCKED,  # serialization_failure
    "40P01": Fault.LOCKED,  # deadlock_detected
    "57014": Fault.LOCKED,  # query_canceled (statement_timeout)
    "57P01": Fault.GONE,  # admin_shutdown
    "57P02": Fault.GONE,  # crash_shutdown
    "57P03": Fault.GONE,  # cannot_connect_now (starting up, shutting down)
}
_SQLITE_FAULTS = {
    SQLITE_CORRUPT: Fault.DAMAGED,
    SQLITE_NOTADB: Fault.DAMAGED,
    SQLITE_READONLY: Fault.READ_ONLY,
    SQLITE_FULL: Fault.FULL,
    SQLITE_BUSY: Fault.LOCKED,
    SQLITE_LOCKED: Fault.LOCKED,
}


def classify(err: BaseException) -> Fault:
    """The kind of failure ``err`` (a SQLAlchemy or DBAPI error of either backend) is."""
    orig = err.orig if isinstance(err, DBAPIError) else err
    if isinstance(orig, sqlite3.Error):
        code = result_code(orig)
        if code is not None:
            return _SQLITE_FAULTS.get(code, Fault.OTHER)
        text = str(orig).lower()
        if "malformed" in text or "not a database" in text:
            return Fault.DAMAGED
        if "locked" in text:
            return Fault.LOCKED
        return Fault.OTHER
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate.startswith("08"):  # connection_exception
            return Fault.GONE
        return _PG_FAULTS.get(sqlstate, Fault.OTHER)
    if isinstance(err, DBAPIError) and (err.connection_invalidated or isinstance(err, sa.exc.OperationalError | sa.exc.InterfaceError)):
        return Fault.GONE  # refused, reset, closed: no SQLSTATE, the connection is gone
    return Fault.OTHER


def lock_key(name: str) -> int:
    """A stable advisory-lock number for ``name`` (the same in every process)."""
    return zlib.crc32(f"missile-defense-dashboard:{name}".encode())


def _short(err: BaseException) -> str:
    """The first line of the underlying error, without SQLAlchemy's statement and link."""
    orig = err.orig if isinstance(err, DBAPIError) else err
    text = " ".join(str(orig).split("\n", 1)[0].split())
    return text[:200] or type(orig).__name__
