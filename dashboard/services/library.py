"""The reader's article library: a SQLite file under DASHBOARD_DATA_DIR.

Each article is one row written in one transaction (rollback journal, synchronous=FULL), so a
crash or a kill while saving leaves either the whole article or nothing. The same text is
stored once: a second upload of it (even under another title) returns the stored article.

Like the geocode cache, the library never takes the app down: a damaged or foreign file is set
aside (``library.sqlite.corrupt-<UTC time>``, with its journal) and a new library started; a
read-only file is listed but not written; a folder where no file can be made leaves the library
unavailable. Each such state is a readable notice (:attr:`ArticleLibrary.notices`). Saving or
removing when that cannot be done raises :class:`LibraryError` with the reason.

A full disk or another process's lock only fails the save at hand (rolled back whole, the file
unharmed); the next save tries again, and a library that could not even be opened for one of
these reasons is opened again on the next use. Several servers may share one library file:
each save is one ``BEGIN IMMEDIATE`` transaction, so the duplicate check and the insert cannot
interleave with another process's.
"""
from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.core.geoparse.article import Article
from dashboard.core.geoparse.intake import text_digest
from dashboard.services.sqlite_files import (
    full_disk_advice,
    is_disk_full,
    is_transient,
    result_code,
    set_aside,
)

log = logging.getLogger(__name__)

FILE_NAME = "library.sqlite"
_COLUMNS = ("id", "title", "outlet", "author", "date", "url", "licence", "text", "added_at")
_SCHEMA = """
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
# SQLite primary result codes (https://www.sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26

Connect = Callable[..., sqlite3.Connection]


class LibraryError(RuntimeError):
    """The library cannot be read or written; the message says why and what to do."""


class _Damaged(Exception):
    """The file is not a usable library (internal signal)."""


@dataclass(frozen=True)
class StoredArticle:
    """A library entry without its text (for listings)."""

    id: str
    title: str
    outlet: str
    date: dt.date | None
    added_at: float
    chars: int


class ArticleLibrary:
    """Stored articles in the SQLite file ``path``. Thread-safe (one connection behind a lock).

    ``connect`` is ``sqlite3.connect`` or a test double; ``busy_timeout_s`` is how long a write
    waits for another process's lock.
    """

    def __init__(self, path: Path, *, busy_timeout_s: float = 5.0, connect: Connect = sqlite3.connect) -> None:
        self.path = Path(path)
        self._busy_timeout_s = busy_timeout_s
        self._connect_fn = connect
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._writable = False
        self._events: list[str] = []
        self._condition: str | None = None  # a lasting state (unavailable, read-only)
        self._reopen = False  # the last open met a full disk or a lock: try again on the next use
        with self._lock:
            self._open()

    @classmethod
    def in_dir(cls, data_dir: Path, **kwargs: Any) -> ArticleLibrary:
        """The library file ``library.sqlite`` in ``data_dir`` (created when missing)."""
        return cls(Path(data_dir) / FILE_NAME, **kwargs)

    # -- state -----------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """True when stored articles can be read."""
        return self._conn is not None

    @property
    def writable(self) -> bool:
        """True when articles can be added and removed."""
        return self._conn is not None and self._writable

    @property
    def notices(self) -> tuple[str, ...]:
        """What the reader should know about the library (a damaged file set aside, read-only...)."""
        with self._lock:
            return tuple(([self._condition] if self._condition else []) + self._events)

    # -- reading ---------------------------------------------------------------------------

    def articles(self) -> dict[str, Article]:
        """Every stored article with its text, oldest first ({} when the library is unavailable)."""
        rows = self._read(f"SELECT {', '.join(_COLUMNS)} FROM articles ORDER BY added_at, id")
        return {row[0]: _article(row) for row in rows}

    def entries(self) -> list[StoredArticle]:
        """Every stored article without its text, oldest first (cheap: for selectors and lists)."""
        rows = self._read("SELECT id, title, outlet, date, added_at, length(text) FROM articles ORDER BY added_at, id")
        return [StoredArticle(row[0], row[1], row[2], _date(row[3]), row[4], row[5]) for row in rows]

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        rows = self._read(f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE id = ?", (article_id,))
        return _article(rows[0]) if rows else None

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and bool(self._read("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    # -- writing ---------------------------------------------------------------------------

    def add(self, article: Article) -> tuple[Article, bool]:
        """Store ``article`` unless it is already there; return (the stored article, created).

        An article with the same id, or with exactly the same text under another title, is
        not stored again: the stored one is returned with ``created=False``.
        Raises LibraryError when the library cannot be written (read-only, locked, disk full).
        """
        digest = text_digest(article.text)
        with self._lock:
            conn = self._writable_connection()
            try:
                with _Transaction(conn):
                    same = conn.execute(
                        f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE id = ?", (article.id,)
                    ).fetchone()
                    if same is None:
                        same = _same_text(conn, article.text, digest)
                    if same is not None:
                        return _article(same), False
                    conn.execute(
                        f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                        (article.id, article.title, article.outlet, article.author,
                         article.date.isoformat() if article.date else None, article.url, article.licence,
                         article.text, time.time()),
                    )
            except sqlite3.DatabaseError as err:
                raise self._write_error(err, "saved") from err
        return article, True

    def save(self, article: Article) -> bool:
        """Store ``article``; returns False when it (or its text) is already stored. See :meth:`add`."""
        return self.add(article)[1]

    def remove(self, article_id: str) -> bool:
        """Delete a stored article; returns False when there was none with that id.

        Raises LibraryError when the library cannot be written.
        """
        with self._lock:
            conn = self._writable_connection()
            try:
                with _Transaction(conn):
                    cursor = conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            except sqlite3.DatabaseError as err:
                raise self._write_error(err, "removed") from err
        return cursor.rowcount == 1

    def close(self) -> None:
        """Close the file; later calls find the library unavailable."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._reopen = False
            self._condition = "The article library is closed."

    # -- internals -------------------------------------------------------------------------

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            self._reopen_after_a_transient_failure()
            if self._conn is None:
                return []
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as err:
                if str(err).startswith("no such table"):  # an empty, read-only file
                    return []
                if result_code(err) in (_CORRUPT, _NOTADB):
                    self._set_aside(str(err))
                else:
                    self._event(f"The article library could not be read ({err}); stored articles are not listed.")
                return []

    def _reopen_after_a_transient_failure(self) -> None:
        """Open the file again when the last attempt met a full disk or another process's lock."""
        if self._conn is None and self._reopen:
            self._reopen = False
            self._open()

    def _writable_connection(self) -> sqlite3.Connection:
        self._reopen_after_a_transient_failure()
        if self._conn is None:
            raise LibraryError(self._condition or "the article library is unavailable")
        if not self._writable:
            raise LibraryError(
                f"the article library {self.path} is read-only: stored articles can be read, but none "
                "can be added or removed (make the file and its folder writable, then restart)"
            )
        return self._conn

    def _write_error(self, err: sqlite3.DatabaseError, done: str) -> LibraryError:
        code = result_code(err)
        if code in (_BUSY, _LOCKED):
            why = "another program is holding the library file locked; try again in a moment"
        elif code == _READONLY:
            self._writable = False
            why = f"the library file {self.path} is read-only"
        elif code == _FULL:
            why = f"{full_disk_advice(self.path.parent)}, then try again (the stored articles are unharmed)"
        elif code in (_IOERR, _CANTOPEN):
            why = f"the disk could not be written ({err})"
        elif code in (_CORRUPT, _NOTADB):
            self._set_aside(str(err))
            why = "the library file was damaged; it was set aside and a new one started: please add the article again"
        else:
            why = str(err)
        log.warning("article library: not %s: %s", done, err)
        return LibraryError(f"the article could not be {done}: {why}")

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self._disable(f"its folder {self.path.parent} cannot be created ({err.strerror or err})")
            return
        try:
            self._conn, self._writable = self._connect_and_prepare()
        except _Damaged as err:
            self._set_aside(str(err))
        except sqlite3.DatabaseError as err:
            if result_code(err) in (_CORRUPT, _NOTADB) or _says_corrupt(err):
                self._set_aside(str(err))
            elif is_transient(err):
                why = full_disk_advice(self.path.parent) if is_disk_full(err) else f"{self.path.name} is locked ({err})"
                self._disable(f"{why} (it is opened again on the next use)")
                self._reopen = True
            else:
                self._disable(f"{self.path} cannot be opened ({err})")

    def _connect_and_prepare(self) -> tuple[sqlite3.Connection, bool]:
        conn = self._connect_fn(str(self.path), timeout=self._busy_timeout_s, check_same_thread=False,
                                isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            writable = _prepare(conn)
        except BaseException:
            conn.close()
            raise
        self._condition = None  # opened: whatever kept it closed has passed
        if not writable:
            self._condition = (
                f"The article library {self.path.name} is read-only: stored articles are listed, "
                "but none can be added or removed."
            )
            log.warning("%s", self._condition)
        return conn, writable

    def _set_aside(self, why: str) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        try:
            target = set_aside(self.path)
        except OSError as err:
            self._disable(f"{self.path.name} is damaged ({why}) and cannot be set aside ({err.strerror or err})")
            return
        try:
            self._conn, self._writable = self._connect_and_prepare()
        except (sqlite3.DatabaseError, _Damaged) as err:
            self._disable(f"a new library cannot be started ({err})")
            return
        self._event(
            f"The article library was damaged ({why}); it was set aside as {target.name} and a new, "
            "empty one started. Nothing was deleted."
        )

    def _disable(self, why: str) -> None:
        self._conn = None
        self._writable = False
        condition = f"The article library is unavailable: {why}. Articles cannot be added."
        if condition != self._condition:  # logged once, not at every retry
            log.warning("%s", condition)
        self._condition = condition

    def _event(self, text: str) -> None:
        log.warning("%s", text)
        if text not in self._events and len(self._events) < 10:
            self._events.append(text)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (a return inside commits).

    A COMMIT that fails (another process still reading when the busy timeout ends, a full disk)
    is rolled back too, so no transaction, and no lock, outlives the call.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def _prepare(conn: sqlite3.Connection) -> bool:
    """Check the file and create the table when new; return whether the file is writable.

    Raises _Damaged for a damaged file or another program's database, sqlite3.DatabaseError
    for other failures. The rollback journal (not WAL) lets a read-only file be read.
    """
    check = conn.execute("PRAGMA quick_check").fetchone()
    if check is None or check[0] != "ok":
        raise _Damaged(f"integrity check: {check[0] if check else 'no answer'}")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "articles" in tables:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
        if not set(_COLUMNS) <= columns:
            raise _Damaged(f"not an article library (its articles table has columns {sorted(columns)})")
        return _can_write(conn)
    if tables:
        raise _Damaged(f"not an article library (tables {sorted(tables)[:5]})")
    try:
        conn.execute(_SCHEMA)
    except sqlite3.OperationalError as err:
        if result_code(err) == _READONLY:
            return False  # an empty read-only file: nothing to list, nothing can be added
        raise
    return True


def _can_write(conn: sqlite3.Connection) -> bool:
    """False when the file is read-only (probed with a statement that changes nothing)."""
    if conn.execute("PRAGMA query_only").fetchone()[0]:
        return False
    try:
        conn.execute("DELETE FROM articles WHERE 0")
    except sqlite3.OperationalError as err:
        return result_code(err) != _READONLY  # busy or locked: writable, just not right now
    return True


def _same_text(conn: sqlite3.Connection, text: str, digest: str) -> tuple[Any, ...] | None:
    """A stored article whose content id ends in ``digest`` and whose text is ``text``."""
    for row in conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE substr(id, -11) = ?", ("-" + digest,)
    ):
        if row[7] == text:
            return row
    return None


def _article(row: tuple[Any, ...]) -> Article:
    return Article(
        id=row[0], title=row[1], outlet=row[2], author=row[3], date=_date(row[4]),
        url=row[5], licence=row[6], text=row[7],
    )


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _says_corrupt(err: sqlite3.DatabaseError) -> bool:
    message = str(err).lower()
    return "not a database" in message or "malformed" in message
