"""The reader's article library: a SQLite file under DASHBOARD_DATA_DIR.

Each article is one row written in one transaction (synchronous=FULL), so a crash or a kill
while saving leaves either the whole article or nothing. The same text gets the same id, so
a second upload adds no copy. A corrupt file is set aside and a new library started, with a
notice; nothing else is deleted."""
from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from pathlib import Path

from dashboard.core.article import Article

FILE_NAME = "library.sqlite"
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


class LibraryError(RuntimeError):
    """The library cannot be read or written; the message says why and what to do."""


class ArticleLibrary:
    """Stored articles. Thread-safe (one connection guarded by a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notices: list[str] = []
        self._lock = threading.Lock()
        self._conn = self._open()

    @classmethod
    def in_dir(cls, data_dir: Path) -> "ArticleLibrary":
        """The library file in ``data_dir`` (created when missing)."""
        return cls(data_dir / FILE_NAME)

    def _open(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
        except sqlite3.DatabaseError as err:
            if not self.path.exists() or not _looks_corrupt(err):
                raise LibraryError(f"cannot open the article library {self.path}: {err}") from err
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            self.path.replace(aside)
            self.notices.append(f"The article library was damaged; it was set aside as {aside.name} and a new one started.")
            conn = self._connect()
        except OSError as err:
            raise LibraryError(f"cannot create the article library in {self.path.parent}: {err}") from err
        return conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA synchronous=FULL")
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            conn.close()
            raise sqlite3.DatabaseError(f"file is not a database: {result}")
        conn.execute(_SCHEMA)
        return conn

    def save(self, article: Article) -> bool:
        """Store ``article``; returns False when an article with its id is already stored.

        Raises LibraryError when the file cannot be written (read-only, disk full, locked).
        """
        row = (article.id, article.title, article.outlet, article.author,
               article.date.isoformat() if article.date else None, article.url, article.licence,
               article.text, time.time())
        with self._lock:
            try:
                with _transaction(self._conn):
                    cursor = self._conn.execute(
                        "INSERT OR IGNORE INTO articles (id, title, outlet, author, date, url, licence, text, added_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        row,
                    )
            except sqlite3.Error as err:
                raise LibraryError(f"the article could not be saved: {err}") from err
        return cursor.rowcount == 1

    def articles(self) -> dict[str, Article]:
        """Every stored article, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, title, outlet, author, date, url, licence, text FROM articles ORDER BY added_at"
            ).fetchall()
        return {row[0]: _article(row) for row in rows}

    def remove(self, article_id: str) -> bool:
        """Delete a stored article; returns False when there was none with that id."""
        with self._lock:
            try:
                with _transaction(self._conn):
                    cursor = self._conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            except sqlite3.Error as err:
                raise LibraryError(f"the article could not be removed: {err}") from err
        return cursor.rowcount == 1

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()


class _transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback) -> None:
        self.conn.execute("ROLLBACK" if kind else "COMMIT")


def _article(row: tuple) -> Article:
    return Article(
        id=row[0], title=row[1], outlet=row[2], author=row[3],
        date=dt.date.fromisoformat(row[4]) if row[4] else None,
        url=row[5], licence=row[6], text=row[7],
    )


def _looks_corrupt(err: sqlite3.DatabaseError) -> bool:
    message = str(err).lower()
    return "not a database" in message or "malformed" in message or "corrupt" in message
