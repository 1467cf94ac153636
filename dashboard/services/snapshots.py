"""Published snapshots in the store of ``services/store.py`` (``snapshots.sqlite`` in the data
folder, or the database of ``DASHBOARD_DATABASE_URL``, shared by every replica).

A snapshot is written once, in one transaction (its row and all its files) and never changed:
publishing the same content again finds the stored one (the id is a digest of the content).
Caps on one snapshot's size and on their number are checked in the same exclusive write.

The scripts and style sheets its pages load (Leaflet, jQuery, the map script) are stored in the
same transaction, once for every snapshot that uses them, under the SHA-256 of their bytes
(``snapshot_assets``; which snapshot uses which in ``snapshot_asset_uses``): a later upgrade of
the server's own copies never changes an old snapshot, and ~200 KB are not copied into each one.
An asset no snapshot uses any more is deleted with the last snapshot that used it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dashboard.config import Settings
from dashboard.core.geography import ArticleGeography
from dashboard.core.publish.build import freeze_view
from dashboard.core.publish.model import (
    PublishError,
    Snapshot,
    SnapshotFile,
    SnapshotTexts,
    canonical_json,
)
from dashboard.core.render.basemap import DEFAULT_BASEMAP_PATH, load_basemap
from dashboard.core.view.state import ViewState
from dashboard.services.articles import atlas_dir, topics_dir
from dashboard.services.static_assets import snapshot_assets
from dashboard.services.store import Connect, Fault, Location, Schema, Store, StoreBacked, StoreError

FILE_NAME = "snapshots.sqlite"

_metadata = sa.MetaData()
SNAPSHOTS = sa.Table(
    "snapshots",
    _metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("article_id", sa.Text, nullable=False),
    sa.Column("manifest", sa.Text, nullable=False),  # canonical JSON
    sa.Column("bytes", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),  # Unix time
)
SNAPSHOT_FILES = sa.Table(
    "snapshot_files",
    _metadata,
    sa.Column("snapshot_id", sa.Text, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
)
SNAPSHOT_ASSETS = sa.Table(
    "snapshot_assets",
    _metadata,
    sa.Column("name", sa.Text, primary_key=True),  # <sha256>.<js|css>
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
)
SNAPSHOT_ASSET_USES = sa.Table(
    "snapshot_asset_uses",
    _metadata,
    sa.Column("snapshot_id", sa.Text, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("asset", sa.Text, sa.ForeignKey("snapshot_assets.name"), primary_key=True),
)


def _add_asset_tables(conn: Connection) -> None:
    """Version 1 -> 2: the content-addressed assets (snapshots of version 1 load /app/static and keep doing so)."""
    SNAPSHOT_ASSETS.create(conn, checkfirst=True)
    SNAPSHOT_ASSET_USES.create(conn, checkfirst=True)


SCHEMA = Schema(
    component="snapshots",
    noun="snapshot store",
    file_name=FILE_NAME,
    metadata=_metadata,
    version=2,
    upgrades={1: _add_asset_tables},
    when_read_only="published snapshots are served, but none can be published or removed.",
    when_unavailable="Snapshots cannot be published or served.",
)


@dataclass(frozen=True)
class StoredSnapshot:
    """A listing entry: id, title, article, size in bytes and when it was published."""

    id: str
    title: str
    article_id: str
    bytes: int
    created_at: float

    def to_json(self) -> dict[str, Any]:
        created = dt.datetime.fromtimestamp(self.created_at, dt.timezone.utc).isoformat(timespec="seconds")
        return {"id": self.id, "title": self.title, "article": self.article_id, "bytes": self.bytes, "created": created}


class SnapshotStore(StoreBacked):
    """Published snapshots at ``where`` (a SQLite file path, or a database URL). Thread-safe.
    Other keyword arguments go to :class:`~dashboard.services.store.Store`."""

    SCHEMA = SCHEMA

    def __init__(self, where: str | Path | Location, *, busy_timeout_s: float = 5.0, connect: Connect | None = None,
                 **store_options: Any) -> None:
        self._store = Store(where, SCHEMA, busy_timeout_s=busy_timeout_s, connect=connect, **store_options)

    @property
    def notices(self) -> tuple[str, ...]:
        """What an operator should know about the store (damaged file set aside, read-only...)."""
        return self._store.notices()

    def save(self, snapshot: Snapshot, *, max_bytes: int, max_count: int) -> bool:
        """Store ``snapshot`` unless it is stored already; returns True when it was added.

        Raises PublishError when it is larger than ``max_bytes`` or ``max_count`` snapshots are
        stored already, or when the store cannot be written (nothing of it is stored then).
        """
        size = snapshot.size
        if size > max_bytes:
            raise PublishError(f"the snapshot is {size:,} bytes; this server keeps at most {max_bytes:,} per snapshot "
                               "(DASHBOARD_PUBLISH_MAX_BYTES): show fewer places or layers")

        def work(conn: Connection) -> bool:
            if conn.execute(sa.select(SNAPSHOTS.c.id).where(SNAPSHOTS.c.id == snapshot.id)).first() is not None:
                return False
            count = conn.execute(sa.select(sa.func.count()).select_from(SNAPSHOTS)).scalar_one()
            if count >= max_count:
                raise PublishError(f"this server keeps at most {max_count:,} snapshots (DASHBOARD_PUBLISH_MAX_SNAPSHOTS) "
                                   "and has that many: remove some with `python -m dashboard publish remove ID`")
            conn.execute(SNAPSHOTS.insert().values(
                id=snapshot.id, title=snapshot.manifest["texts"]["title"], article_id=snapshot.manifest["article"]["id"],
                manifest=canonical_json(snapshot.manifest).decode("utf-8"), bytes=size, created_at=time.time(),
            ))
            conn.execute(SNAPSHOT_FILES.insert(), [
                {"snapshot_id": snapshot.id, "name": f.name, "media_type": f.media_type, "body": f.body}
                for f in snapshot.files
            ])
            names = list(dict.fromkeys(a.file_name for a in snapshot.assets))
            stored = set(conn.execute(sa.select(SNAPSHOT_ASSETS.c.name).where(SNAPSHOT_ASSETS.c.name.in_(names))).scalars())
            new = {a.file_name: a for a in snapshot.assets if a.file_name not in stored}
            if new:
                conn.execute(SNAPSHOT_ASSETS.insert(), [
                    {"name": name, "media_type": a.media_type, "body": a.body} for name, a in new.items()])
            if names:
                conn.execute(SNAPSHOT_ASSET_USES.insert(), [{"snapshot_id": snapshot.id, "asset": name} for name in names])
            return True

        return self._write(work, "published")

    def file(self, snapshot_id: str, name: str) -> SnapshotFile | None:
        """One file of a stored snapshot, or None (unknown id or name, or the store unavailable)."""
        statement = sa.select(SNAPSHOT_FILES.c.media_type, SNAPSHOT_FILES.c.body).where(
            SNAPSHOT_FILES.c.snapshot_id == snapshot_id, SNAPSHOT_FILES.c.name == name)
        row = self._store.read(lambda conn: conn.execute(statement).first(), None)
        return SnapshotFile(name, row[0], bytes(row[1])) if row is not None else None

    def asset(self, name: str) -> SnapshotFile | None:
        """A stored asset by its name ``<sha256>.<js|css>``, or None."""
        statement = sa.select(SNAPSHOT_ASSETS.c.media_type, SNAPSHOT_ASSETS.c.body).where(SNAPSHOT_ASSETS.c.name == name)
        row = self._store.read(lambda conn: conn.execute(statement).first(), None)
        return SnapshotFile(name, row[0], bytes(row[1])) if row is not None else None

    def asset_sizes(self) -> dict[str, int]:
        """Every stored asset's name and size in bytes ({} when the store is unavailable)."""
        statement = sa.select(SNAPSHOT_ASSETS.c.name, sa.func.length(SNAPSHOT_ASSETS.c.body)).order_by(SNAPSHOT_ASSETS.c.name)
        return dict(self._store.read(lambda conn: conn.execute(statement).all(), []))

    def manifest(self, snapshot_id: str) -> dict[str, Any] | None:
        """The manifest of a stored snapshot, or None."""
        statement = sa.select(SNAPSHOTS.c.manifest).where(SNAPSHOTS.c.id == snapshot_id)
        row = self._store.read(lambda conn: conn.execute(statement).first(), None)
        return json.loads(row[0]) if row is not None else None

    def entries(self) -> list[StoredSnapshot]:
        """Every stored snapshot, oldest first ([] when the store is unavailable)."""
        statement = sa.select(SNAPSHOTS.c.id, SNAPSHOTS.c.title, SNAPSHOTS.c.article_id, SNAPSHOTS.c.bytes,
                              SNAPSHOTS.c.created_at).order_by(SNAPSHOTS.c.created_at, SNAPSHOTS.c.id)
        rows = self._store.read(lambda conn: conn.execute(statement).all(), [])
        return [StoredSnapshot(*row) for row in rows]

    def remove(self, snapshot_id: str) -> bool:
        """Delete a snapshot and its files; returns False when there was none with that id.

        Raises PublishError when the store cannot be written.
        """
        def work(conn: Connection) -> bool:
            conn.execute(SNAPSHOT_FILES.delete().where(SNAPSHOT_FILES.c.snapshot_id == snapshot_id))
            conn.execute(SNAPSHOT_ASSET_USES.delete().where(SNAPSHOT_ASSET_USES.c.snapshot_id == snapshot_id))
            conn.execute(SNAPSHOT_ASSETS.delete().where(SNAPSHOT_ASSETS.c.name.not_in(sa.select(SNAPSHOT_ASSET_USES.c.asset))))
            return conn.execute(SNAPSHOTS.delete().where(SNAPSHOTS.c.id == snapshot_id)).rowcount == 1

        return self._write(work, "removed")

    def _write(self, work: Any, done: str) -> Any:
        try:
            return self._store.write(work, exclusive=True)
        except StoreError as err:
            why = err.reason
            if err.fault is Fault.READ_ONLY:
                why += ": snapshots are served, but none can be published or removed"
            raise PublishError(f"the snapshot could not be {done}: {why}") from err


def data_version(*folders: Path, basemap: Path = DEFAULT_BASEMAP_PATH) -> str:
    """A short digest of the curated data a snapshot is made from (every file of ``folders``,
    default the topic folders and the atlas, and the basemap): it changes when any of them does."""
    digest = hashlib.sha256()
    for root in folders or (topics_dir(), atlas_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(f"{root.name}/{path.relative_to(root)}".encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    digest.update(basemap.read_bytes())
    return digest.hexdigest()[:12]


def publish_view(store: SnapshotStore, settings: Settings, geo: ArticleGeography, view: ViewState, day: dt.date | None,
                 texts: SnapshotTexts, *, version: str | None = None, map_script: Path | None = None) -> tuple[Snapshot, bool]:
    """Freeze ``view`` of ``geo`` and store it with the assets its pages load (the dashboard's
    map script from ``map_script``, default the one served at /app/static); returns (the
    snapshot, whether it is new).

    Raises PublishError (caps, storage), ValueError from the renderers, OSError for an unreadable asset.
    """
    assets = snapshot_assets(map_script) if map_script is not None else snapshot_assets()
    snapshot = freeze_view(geo, view, day, texts, outlines=load_basemap(), data_version=version or data_version(),
                           assets=assets)
    created = store.save(snapshot, max_bytes=settings.publish_max_bytes, max_count=settings.publish_max_snapshots)
    return snapshot, created
