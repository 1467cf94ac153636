"""The offline basemap: Natural Earth country outlines (``data/basemap/countries.geojson``,
built by ``scripts/build_basemap.py``) and the Folium layer that draws them."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
from folium.map import Layer
from folium.template import Template

from dashboard.errors import DashboardError
from dashboard.paths import data_dir

DEFAULT_BASEMAP_PATH = data_dir() / "basemap" / "countries.geojson"
#: Where the app serves a copy of the basemap (``dashboard/static/basemap/``, see static_assets).
SERVED_BASEMAP_URL = "/app/static/basemap/countries.geojson"
BASEMAP_LAYER_NAME = "Country outlines (offline)"
BASEMAP_ATTRIBUTION = "Country outlines: Natural Earth"
LAND_COLOUR = "#f2efe9"
BORDER_COLOUR = "#9a9a9a"

#: Leaflet path options: light land, thin grey borders. ``interactive: false`` lets clicks and
#: hovers fall through to the map (no tooltips, popups or pointer cursor).
BASEMAP_STYLE: dict[str, Any] = {
    "color": BORDER_COLOUR,
    "weight": 0.6,
    "opacity": 1.0,
    "fill": True,
    "fillColor": LAND_COLOUR,
    "fillOpacity": 1.0,
}


class BasemapError(DashboardError, RuntimeError):
    """The basemap file is missing or is not a GeoJSON FeatureCollection."""


def load_basemap(path: Path | None = None) -> dict[str, Any]:
    """Return the parsed basemap GeoJSON (a FeatureCollection), read once per path.

    The same dict is returned to every caller: treat it as read-only. ``path`` defaults to
    ``data/basemap/countries.geojson``. Raises BasemapError when the file is missing, is not
    JSON, or is not a FeatureCollection with features.
    """
    return _load(Path(path).resolve() if path is not None else DEFAULT_BASEMAP_PATH)


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise BasemapError(
            f"offline basemap not found: {path} (regenerate it with `python scripts/build_basemap.py`)"
        ) from err
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BasemapError(f"offline basemap {path} is unreadable or not JSON: {err}") from err
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BasemapError(f"offline basemap {path} is not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BasemapError(f"offline basemap {path} has no features")
    return data


def layer_options() -> dict[str, Any]:
    """Leaflet options of the outlines layer: style, click-through, drawn where tiles would be."""
    return {"style": dict(BASEMAP_STYLE), "interactive": False, "pane": "tilePane", "attribution": BASEMAP_ATTRIBUTION}


class ServedBasemapLayer(Layer):
    """The outlines layer of :func:`basemap_layer`, but fetched by the browser from ``url`` (a
    file the app serves) instead of written into the map's script: the script stays ~12 KB
    instead of ~230 KB, it is cheaper to build on every rerun, and the browser can cache the file."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson(null, {{ this.options|tojavascript }});
        fetch({{ this.url|tojson }})
            .then(function (response) { return response.json(); })
            .then(function (data) { {{ this.get_name() }}.addData(data); });
        {% endmacro %}
        """
    )

    def __init__(self, url: str, *, control: bool = True) -> None:
        super().__init__(name=BASEMAP_LAYER_NAME, overlay=True, control=control)
        self._name = "ServedBasemap"
        self.url = url
        self.options = layer_options()


def basemap_layer(geojson: dict[str, Any], *, control: bool = True) -> folium.GeoJson:
    """Return a non-interactive Folium layer drawing ``geojson``'s outlines, named
    ``BASEMAP_LAYER_NAME`` (listed in a LayerControl when ``control``).

    The layer lives in Leaflet's ``tilePane`` (z-index 200), where tiles would be, so every other
    path and marker stays above it, even after it is hidden and shown again. The style is passed
    as Leaflet options rather than a ``style_function``, so Folium neither copies a style per
    feature into the page nor writes ids into the shared dict.
    """
    return folium.GeoJson(geojson, name=BASEMAP_LAYER_NAME, control=control, overlay=True, **layer_options())
