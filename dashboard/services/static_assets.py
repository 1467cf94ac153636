"""Copy Leaflet and jQuery from their XStatic packages into ``dashboard/static/``, which
Streamlit serves at ``/app/static/`` (server.enableStaticServing). Nothing is fetched:
the files come from installed PyPI packages, so the map never asks a CDN."""
from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.jquery as xjquery
import xstatic.pkg.leaflet as xleaflet

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


def _sources() -> dict[str, tuple[Path, tuple[str, ...]]]:
    return {
        "leaflet": (Path(xleaflet.BASE_DIR), ("leaflet.js", "leaflet.css", "images")),
        "jquery": (Path(xjquery.BASE_DIR), ("jquery.min.js",)),
    }


def _version_stamp() -> str:
    return f"leaflet {xleaflet.VERSION}; jquery {xjquery.VERSION}\n"


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
            if source.is_dir():
                shutil.copytree(source, target / entry, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target / entry)
    stamp.write_text(_version_stamp(), encoding="utf-8")
    return static_dir


if __name__ == "__main__":
    print(f"static assets in {ensure_static_assets()}")
