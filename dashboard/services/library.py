"""The reader's article library: stored articles in the store of ``services/store.py``
(``library.sqlite`` in the data folder, or the database of ``DASHBOARD_DATABASE_URL``).

Each article is one row written in one transaction, so a crash, a kill or a database restart while
saving leaves either the whole article or nothing, and a save that did not land says so. The same
text is stored once: a second upload of it (even under another title) returns the stored article.
Each save is an exclusive write (``BEGIN IMMEDIATE`` / an advisory lock), so the duplicate check
and the insert cannot interleave with another process's.

Like the geocode cache, the library never takes the app down (see ``store.py``: a damaged file set
aside, a read-only store listed but not written, an unavailable one, a full disk, a lock or a lost
server failing only the operation at hand). Each such state is a readable notice
(:attr:`ArticleLibrary.notices`); saving or removing when that cannot be done raises
:class:`LibraryError` with the reason.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dashboard.core.geoparse.article import Article
from dashboard.core.geoparse.intake import text_digest
from dashboard.errors import DashboardError
from dashboard.services.store import (
    Connect,
    Fault,
    Location,
    Schema,
    Store,
    StoreBacked,
    StoreError,
)

FILE_NAME = "library.sqlite"

_metadata = sa.MetaData()
ARTICLES = sa.Table(
    "articles",
    _metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text, nullable=False, server_default=""),
    sa.Column("author", sa.Text, nullable=False, server_default=""),
    sa.Column("date", sa.Text),
    sa.Column("url", sa.Text, nullable=False, server_default=""),
    sa.Column("licence", sa.Text, nullable=False, server_default=""),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("added_at", sa.Float, nullable=False),  # Unix time
)
SCHEMA = Schema(
    component="article-library",
    noun="article library",
    file_name=FILE_NAME,
    metadata=_metadata,
    version=1,
    legacy_tables=("articles",),
    when_read_only="stored articles are listed, but none can be added or removed.",
    when_unavailable="Articles cannot be added.",
)
_ARTICLE_COLUMNS = [ARTICLES.c[name] for name in ("id", "title", "outlet", "author", "date", "url", "licence", "text")]


class LibraryError(DashboardError, RuntimeError):
    """The library cannot be read or written; the message says why and what to do."""


@dataclass(frozen=True)
class StoredArticle:
    """A library entry without its text (for listings)."""

    id: str
    title: str
    outlet: str
    date: dt.date | None
    added_at: float  # Unix time
    chars: int


class ArticleLibrary(StoreBacked):
    """Stored articles at ``where`` (a SQLite file path, or a database URL). Thread-safe.
    ``ArticleLibrary.in_dir(folder)`` is ``library.sqlite`` there; ``from_settings`` follows
    ``DASHBOARD_DATABASE_URL``.

    ``connect`` replaces ``sqlite3.connect`` (a test seam); ``busy_timeout_s`` is how long a write
    waits for another process's lock. Other keyword arguments go to
    :class:`~dashboard.services.store.Store`.
    """

    SCHEMA = SCHEMA

    def __init__(
        self,
        where: str | Path | Location,
        *,
        busy_timeout_s: float = 5.0,
        connect: Connect | None = None,
        **store_options: Any,
    ) -> None:
        self._store = Store(where, SCHEMA, busy_timeout_s=busy_timeout_s, connect=connect, **store_options)

    # -- state -----------------------------------------------------------------------------

    @property
    def notices(self) -> tuple[str, ...]:
        """What the reader should know about the library (a damaged file set aside, read-only...)."""
        return self._store.notices()

    # -- reading ---------------------------------------------------------------------------

    def articles(self) -> dict[str, Article]:
        """Every stored article with its text, oldest first ({} when the library is unavailable)."""
        statement = sa.select(*_ARTICLE_COLUMNS).order_by(ARTICLES.c.added_at, ARTICLES.c.id)
        rows = self._store.read(lambda conn: conn.execute(statement).all(), [])
        return {row[0]: _article(row) for row in rows}

    def entries(self, *, strict: bool = False) -> list[StoredArticle]:
        """Every stored article without its text, oldest first (cheap: for selectors and lists).

        [] when the library is unavailable; with ``strict``, LibraryError instead.
        """
        statement = sa.select(
            ARTICLES.c.id, ARTICLES.c.title, ARTICLES.c.outlet, ARTICLES.c.date, ARTICLES.c.added_at,
            sa.func.length(ARTICLES.c.text),
        ).order_by(ARTICLES.c.added_at, ARTICLES.c.id)
        try:
            rows = self._store.read(lambda conn: conn.execute(statement).all(), [], strict=strict)
        except StoreError as err:
            raise LibraryError(f"the article library could not be read: {err.reason}") from err
        return [StoredArticle(row[0], row[1], row[2], _date(row[3]), row[4], row[5]) for row in rows]

    def get(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        statement = sa.select(*_ARTICLE_COLUMNS).where(ARTICLES.c.id == article_id)
        row = self._store.read(lambda conn: conn.execute(statement).first(), None)
        return _article(row) if row is not None else None

    def __contains__(self, article_id: object) -> bool:
        if not isinstance(article_id, str):
            return False
        statement = sa.select(ARTICLES.c.id).where(ARTICLES.c.id == article_id)
        return self._store.read(lambda conn: conn.execute(statement).first(), None) is not None

    # -- writing ---------------------------------------------------------------------------

    def add(self, article: Article) -> tuple[Article, bool]:
        """Store ``article`` unless it is already there; return (the stored article, created).

        An article with the same id, or with exactly the same text under another title, is
        not stored again: the stored one is returned with ``created=False``.
        Raises LibraryError when the article was not saved (read-only, locked, disk full, the
        database server gone): then nothing of it was stored.
        """

        def work(conn: Connection) -> tuple[Article, bool]:
            same = conn.execute(sa.select(*_ARTICLE_COLUMNS).where(ARTICLES.c.id == article.id)).first()
            if same is None:
                same = _same_text(conn, article.text)
            if same is not None:
                return _article(same), False
            conn.execute(ARTICLES.insert().values(
                id=article.id, title=article.title, outlet=article.outlet, author=article.author,
                date=article.date.isoformat() if article.date else None, url=article.url,
                licence=article.licence, text=article.text, added_at=time.time(),
            ))
            return article, True

        return self._write(work, "saved")

    def save(self, article: Article) -> bool:
        """Store ``article``; returns False when it (or its text) is already stored. See :meth:`add`."""
        return self.add(article)[1]

    def remove(self, article_id: str) -> bool:
        """Delete a stored article; returns False when there was none with that id.

        Raises LibraryError when the library cannot be written.
        """
        return self._write(
            lambda conn: conn.execute(ARTICLES.delete().where(ARTICLES.c.id == article_id)).rowcount == 1,
            "removed",
        )

    def _write(self, work: Any, done: str) -> Any:
        try:
            return self._store.write(work, exclusive=True)
        except StoreError as err:
            why = err.reason
            if err.fault is Fault.READ_ONLY:
                why += ": stored articles can be read, but none can be added or removed (make it writable, then restart)"
            raise LibraryError(f"the article could not be {done}: {why}") from err


def _same_text(conn: Connection, text: str) -> Any:
    """A stored article whose content id ends in the digest of ``text`` and whose text is ``text``."""
    candidates = conn.execute(
        sa.select(*_ARTICLE_COLUMNS).where(ARTICLES.c.id.endswith("-" + text_digest(text)))
    )
    return next((row for row in candidates if row[7] == text), None)


def _article(row: Any) -> Article:
    return Article(
        id=row[0], title=row[1], outlet=row[2], author=row[3], date=_date(row[4]),
        url=row[5], licence=row[6], text=row[7],
    )


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
