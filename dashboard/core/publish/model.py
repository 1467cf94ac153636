"""A published snapshot: a frozen view of one article (its map plan, the editor's texts, the
sources and the data version), identified by a digest of that content, and the files served
for it (pages, images, data). Pure values: nothing here reads or writes storage."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from dashboard.errors import DashboardError

#: A snapshot id: the first 20 hex digits (80 bits) of the SHA-256 of its manifest.
SNAPSHOT_ID_RE = re.compile(r"^[0-9a-f]{20}$")
#: The most characters each editor text may have (title, caption, credit, alt text).
TEXT_LIMITS = {"title": 160, "caption": 600, "credit": 200, "alt": 1500}

#: The files of a snapshot: name -> media type. ``index.html`` and ``embed.html`` are served at
#: ``/s/<id>/`` and ``/s/<id>/embed``; the others under their own names.
FILE_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "embed.html": "text/html; charset=utf-8",
    "map.png": "image/png",
    "map@2x.png": "image/png",
    "map.svg": "image/svg+xml",
    "map.pdf": "application/pdf",
    "data.geojson": "application/geo+json",
    "data.csv": "text/csv; charset=utf-8",
}
#: The scripts and style sheets a snapshot's pages load (Leaflet, jQuery, the dashboard's map
#: script): kind -> media type. Each is stored once for every snapshot that uses it, under the
#: SHA-256 of its bytes, and served at ``/s/assets/<sha256>.<kind>``.
ASSET_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
ASSET_PREFIX = "/s/assets/"
ASSET_NAME_RE = re.compile(r"^([0-9a-f]{64})\.(js|css)$")
#: What a page holds in place of the server's address; the server writes its own when serving
#: (the page is frozen, the address readers reach it at is not).
BASE_URL_PLACEHOLDER = "__SNAPSHOT_BASE_URL__"


class PublishError(DashboardError, ValueError):
    """A view cannot be published (unknown article, invalid view, text too long, a cap reached);
    the message says which and what to do."""


@dataclass(frozen=True)
class SnapshotTexts:
    """What the editor typed (or accepted): title, caption, credit and alt text.

    Construction strips white space and raises PublishError for a text over its limit
    (``TEXT_LIMITS``), an empty title or an empty alt text, or control characters.
    """

    title: str
    caption: str = ""
    credit: str = ""
    alt: str = ""

    def __post_init__(self) -> None:
        for name, limit in TEXT_LIMITS.items():
            value = getattr(self, name)
            if not isinstance(value, str):
                raise PublishError(f"the {name} must be text; got {type(value).__name__}")
            value = " ".join(value.split())
            object.__setattr__(self, name, value)
            if len(value) > limit:
                raise PublishError(f"the {name} is {len(value):,} characters long; at most {limit:,} are allowed")
        if not self.title:
            raise PublishError("the title is empty: a published map needs a title")
        if not self.alt:
            raise PublishError("the alt text is empty: a published map needs a description for readers who cannot see it")


@dataclass(frozen=True)
class SnapshotFile:
    """One served file of a snapshot."""

    name: str
    media_type: str
    body: bytes


@dataclass(frozen=True)
class SnapshotAsset:
    """A script or style sheet the pages load, addressed by its content: ``name`` is the page's
    name for it (``leaflet``, ``dashboard_map`` ...), ``kind`` ``js`` or ``css``. Raises
    PublishError for another kind."""

    name: str
    kind: str
    body: bytes

    def __post_init__(self) -> None:
        if self.kind not in ASSET_TYPES:
            raise PublishError(f"an asset is a script or a style sheet ({', '.join(ASSET_TYPES)}); got {self.kind!r}")

    @property
    def digest(self) -> str:
        """The SHA-256 of its bytes (hex)."""
        return hashlib.sha256(self.body).hexdigest()

    @property
    def file_name(self) -> str:
        """``<sha256>.<kind>``"""
        return f"{self.digest}.{self.kind}"

    @property
    def path(self) -> str:
        """Where the server serves it: ``/s/assets/<sha256>.<kind>``."""
        return ASSET_PREFIX + self.file_name

    @property
    def media_type(self) -> str:
        """Its Content-Type."""
        return ASSET_TYPES[self.kind]


@dataclass(frozen=True)
class Snapshot:
    """A frozen view: ``manifest`` (the content its id is derived from: article, view, texts,
    the drawn features, sources, data version), its ``files`` and the ``assets`` its pages load
    (shared with other snapshots: not part of its id or its size)."""

    id: str
    manifest: Mapping[str, Any]
    files: tuple[SnapshotFile, ...]
    assets: tuple[SnapshotAsset, ...] = ()

    @property
    def size(self) -> int:
        """Bytes stored for it alone (files and manifest; the shared assets are not counted)."""
        return sum(len(f.body) for f in self.files) + len(canonical_json(self.manifest))

    def file(self, name: str) -> SnapshotFile | None:
        """The file with that name, or None."""
        return next((f for f in self.files if f.name == name), None)


def canonical_json(value: Any) -> bytes:
    """``value`` as compact JSON with sorted keys (the same content gives the same bytes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def snapshot_id(manifest: Mapping[str, Any]) -> str:
    """The id of a snapshot with this manifest (the same content gives the same id)."""
    return hashlib.sha256(canonical_json(manifest)).hexdigest()[:20]


def is_snapshot_id(text: str) -> bool:
    """True when ``text`` has the form of a snapshot id."""
    return bool(SNAPSHOT_ID_RE.match(text))


@dataclass(frozen=True)
class SnapshotLinks:
    """Where a snapshot is served, under ``base`` (``scheme://host[:port][/path]``)."""

    base: str
    id: str

    @property
    def page(self) -> str:
        """The snapshot's page."""
        return f"{self.base}/s/{self.id}/"

    def file(self, name: str) -> str:
        """One of its files (``map.png`` ...)."""
        return f"{self.base}/s/{self.id}/{name}"
