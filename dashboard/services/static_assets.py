"""Copy Leaflet and jQuery from their XStatic packages, and the offline basemap, into
``dashboard/static/`` (beside the dashboard's own tracked ``dashboard/map.js``), which Streamlit serves at ``/app/static/`` (server.enableStaticServing).
Nothing is fetched: the files come from installed PyPI packages and the repository, so the map
never asks a CDN."""
from __future__ import annotations

import base64
import hashlib
import re
import shutil
from functools import cache
from pathlib import Path

import xstatic.pkg.jquery as xjquery
import xstatic.pkg.leaflet as xleaflet

from dashboard.core.publish.model import SnapshotAsset
from dashboard.core.render.basemap import DEFAULT_BASEMAP_PATH
from dashboard.core.render.export import InlineAssets

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
#: The dashboard's own map script: tracked in git beside the copies (which are not).
MAP_SCRIPT = STATIC_DIR / "dashboard" / "map.js"


def _sources() -> dict[str, tuple[Path, tuple[str, ...]]]:
    return {
        "leaflet": (Path(xleaflet.BASE_DIR), ("leaflet.js", "leaflet.css", "images")),
        "jquery": (Path(xjquery.BASE_DIR), ("jquery.min.js",)),
        "basemap": (DEFAULT_BASEMAP_PATH.parent, (DEFAULT_BASEMAP_PATH.name,)),  # SERVED_BASEMAP_URL
        "dashboard": (MAP_SCRIPT.parent, (MAP_SCRIPT.name,)),  # already in place in STATIC_DIR itself
    }


@cache  # ensure_static_assets runs on every rerun: hash the basemap once per process
def _version_stamp() -> str:
    basemap = hashlib.sha256(DEFAULT_BASEMAP_PATH.read_bytes()).hexdigest()[:16]
    script = hashlib.sha256(MAP_SCRIPT.read_bytes()).hexdigest()[:16]
    return f"leaflet {xleaflet.VERSION}; jquery {xjquery.VERSION}; basemap {basemap}; map script {script}\n"


def ensure_static_assets(static_dir: Path = STATIC_DIR) -> Path:
    """Copy the assets unless an up-to-date copy is there; return the static folder.

    Raises OSError when the folder cannot be written.
    """
    stamp = static_dir / "VERSIONS.txt"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == _version_stamp():
        return static_dir
    for name, (base, entries) in _sources().items():
        target = static_dir / name
        target.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            source = base / entry
            if source.resolve() == (target / entry).resolve():
                continue
            if source.is_dir():
                shutil.copytree(source, target / entry, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target / entry)
    stamp.write_text(_version_stamp(), encoding="utf-8")
    return static_dir


_CSS_IMAGE_RE = re.compile(r"url\((['\"]?)images/([A-Za-z0-9_.-]+\.png)\1\)")


def embed_css_images(css: str, images: dict[str, bytes]) -> str:
    """Return ``css`` with each ``url(images/NAME.png)`` replaced by a ``data:`` URI of that
    image from ``images`` (name -> PNG bytes); references to other images are left as they are."""

    def replace(match: re.Match[str]) -> str:
        data = images.get(match.group(2))
        if data is None:
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return _CSS_IMAGE_RE.sub(replace, css)


def inline_assets(map_script: Path = MAP_SCRIPT) -> InlineAssets:
    """Read Leaflet's and jQuery's files from their XStatic packages, and the dashboard's own
    map script (``map_script``), for a standalone page.

    Leaflet's CSS images become ``data:`` URIs, so the page needs no other file.
    Raises OSError when a file cannot be read.
    """
    leaflet = Path(xleaflet.BASE_DIR)
    images = {path.name: path.read_bytes() for path in (leaflet / "images").glob("*.png")}
    css = embed_css_images((leaflet / "leaflet.css").read_text(encoding="utf-8"), images)
    return InlineAssets(
        js=(
            ("leaflet", (leaflet / "leaflet.js").read_text(encoding="utf-8")),
            ("jquery", (Path(xjquery.BASE_DIR) / "jquery.min.js").read_text(encoding="utf-8")),
            ("dashboard_map", map_script.read_text(encoding="utf-8")),
        ),
        css=(("leaflet_css", css),),
    )


def snapshot_assets(map_script: Path = MAP_SCRIPT) -> tuple[SnapshotAsset, ...]:
    """The files a published page loads, as content-addressed assets: the same files as
    :func:`inline_assets` (Leaflet's CSS with its images as ``data:`` URIs, so no other file is
    needed), to be stored once with the snapshots. Raises OSError when a file cannot be read."""
    files = inline_assets(map_script)
    return (*(SnapshotAsset(name, "js", text.encode("utf-8")) for name, text in files.js),
            *(SnapshotAsset(name, "css", text.encode("utf-8")) for name, text in files.css))


if __name__ == "__main__":
    print(f"static assets in {ensure_static_assets()}")
