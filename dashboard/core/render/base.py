"""The part of the map that never changes with filters or selection: the Leaflet map itself, its
basemap (OpenStreetMap tiles, or the offline outlines), its CSS and its own controls. In the app
it is built once per session, so the map stays mounted while feature groups follow the view."""
from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from branca.element import Element
from folium.template import Template

from dashboard.core.render.basemap import (
    BASEMAP_LAYER_NAME,
    ServedBasemapLayer,
    basemap_layer,
    layer_options,
)
from dashboard.core.render.controls import (
    CopyLinkButton,
    FullscreenButton,
    MapLandmark,
    MeasureDistance,
    StillPageOnTap,
)
from dashboard.core.render.raw import RawScriptElement
from dashboard.core.view.state import ViewState

DEFAULT_CENTER = (45.0, 25.0)
DEFAULT_ZOOM = 3
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
SEA_COLOUR = "#dbe9f4"


@dataclass(frozen=True)
class MapAssets:
    """Where the map's JavaScript and CSS come from (never a CDN)."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


#: The dashboard's own map script (``dashboard/static/dashboard/map.js``), after Leaflet.
MAP_SCRIPT_URL = "/app/static/dashboard/map.js"
LOCAL_ASSETS = MapAssets(
    js=(("leaflet", "/app/static/leaflet/leaflet.js"), ("jquery", "/app/static/jquery/jquery.min.js"),
        ("dashboard_map", MAP_SCRIPT_URL)),
    css=(("leaflet_css", "/app/static/leaflet/leaflet.css"),),
)

MAP_CSS = f"""
<style>
  .folium-map.leaflet-container {{ background: {SEA_COLOUR}; }}
  .site-marker, .place-marker {{ background: none; border: none; border-radius: 4px; }}
  .site-marker:focus-visible, .place-marker:focus-visible {{ outline: 3px solid #1a1a1a; outline-offset: 3px; }}
  .site-marker.selected svg, .place-marker.selected svg {{ filter: drop-shadow(0 0 3px #000); }}
  .place-marker.uncertain svg, .legend-uncertain svg {{ opacity: .75; }}
  .place-marker.uncertain svg g, .legend-uncertain svg g {{ stroke: #1a1a1a; stroke-dasharray: 2 2; }}
  .place-cluster {{ display: flex; align-items: center; justify-content: center; border-radius: 50%;
                    background: #595959; color: #fff; font: bold 11px sans-serif; border: 2px solid #fff; }}
  .site-marker svg, .place-marker svg {{ display: block; filter: drop-shadow(0 0 1px rgba(0,0,0,.6)); }}
  .marker-cluster {{ display: flex; align-items: center; justify-content: center; border-radius: 50%;
                     background: #1a1a1a; color: #fff; font: bold 13px sans-serif; border: 2px solid #fff;
                     box-shadow: 0 0 0 2px rgba(26,26,26,.35); cursor: zoom-in; }}
  .marker-cluster:focus-visible {{ outline: 3px solid #1a1a1a; outline-offset: 3px; }}
  .marker-label {{ position: absolute; white-space: nowrap; pointer-events: none; padding: 0 3px; border-radius: 2px;
                   background: rgba(255,255,255,.88); color: #1a1a1a; font: 600 12px/16px sans-serif;
                   text-shadow: 0 0 2px #fff; }}
  .place-marker .marker-label {{ font-weight: 400; font-size: 11px; line-height: 14px; }}
  .selected .marker-label {{ font-weight: 700; background: #fff; box-shadow: 0 0 0 1px #1a1a1a; }}
  .status-look-planned .marker-label, .status-look-building .marker-label {{ font-style: italic; }}
  .status-look-ended .marker-label {{ text-decoration: line-through; color: #4d4d4d; }}
  .status-look-past .marker-label, .status-look-future .marker-label {{ color: #4d4d4d; font-weight: 400; }}
  .inset-map {{ border: 2px solid #fff; box-shadow: 0 1px 4px rgba(0,0,0,.45); background: {SEA_COLOUR};
                border-radius: 3px; }}
  .inset-map .leaflet-control-container {{ display: none; }}
  .marker-tooltip {{ width: max-content; max-width: 260px; white-space: normal; }}
  .map-legend {{ background: rgba(255,255,255,.95); padding: 4px 8px; border-radius: 4px; max-height: 45vh;
                 overflow: auto; font: 12px/1.4 sans-serif; color: #1a1a1a; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 280px; }}
  .map-legend summary {{ cursor: pointer; font-weight: bold; }}
  .map-legend .legend-title {{ font-weight: bold; margin: 4px 0 2px; }}
  .map-legend .legend-list {{ list-style: none; margin: 0; padding: 0; }}
  .map-legend .legend-row {{ display: flex; align-items: center; gap: 6px; }}
  .map-legend .legend-symbol {{ display: inline-flex; width: 22px; justify-content: center; flex: none; }}
  .map-copy-link-button {{ height: 30px; padding: 0 8px; background: #fff; cursor: pointer; font: 13px sans-serif;
                           border: 2px solid rgba(0,0,0,.2); border-radius: 4px; }}
  .map-fullscreen-button {{ width: 34px; height: 34px; font-size: 18px; background: #fff; cursor: pointer;
                            border: 2px solid rgba(0,0,0,.2); border-radius: 4px; }}
  .status-look-planned svg {{ opacity: .6; }}
  .status-look-planned svg g, .status-look-building svg g {{ stroke: #1a1a1a; stroke-dasharray: 3 2; }}
  .status-look-ended svg {{ opacity: .75; filter: grayscale(1) drop-shadow(0 0 1px rgba(0,0,0,.6)); }}
  .status-look-past svg {{ opacity: .5; }}
  .status-look-future svg {{ opacity: .3; }}
  .site-marker.not-named svg {{ opacity: .45; filter: grayscale(.6); }}
  .status-look-future svg g {{ stroke: #1a1a1a; stroke-dasharray: 1 2; }}
  .leaflet-pane path.range-band-fill {{ pointer-events: none !important; }}
  .distance-label, .measure-label {{ background: none; border: none; }}
  .distance-label-text, .measure-label {{ display: inline-block; background: rgba(255,255,255,.9); padding: 0 4px;
                         border-radius: 3px; font: bold 11px/16px sans-serif; white-space: nowrap; }}
  .distance-label-text {{ transform: translate(-50%, -50%); }}
  .measure-label {{ transform: translate(-50%, -50%); }}
  .map-measure {{ display: flex; align-items: center; gap: 4px; }}
  .map-measure-button {{ width: 34px; height: 34px; background: #fff; cursor: pointer;
                         border: 2px solid rgba(0,0,0,.2); border-radius: 4px; }}
  .map-measure-button[aria-pressed="true"] {{ background: #ffe08a; }}
  .map-measure-readout:not(:empty) {{ background: rgba(255,255,255,.92); padding: 2px 6px; border-radius: 4px;
                                      font: 12px sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
  .leaflet-container.measuring {{ cursor: crosshair; }}
  .leaflet-container .leaflet-control-attribution a {{ text-decoration: underline; }}  /* a link by more than its colour (WCAG 1.4.1) */
  .map-notice {{ background: #fff8d6; border: 1px solid #8a6d00; padding: 4px 8px; border-radius: 4px;
                 font: 12px/1.4 sans-serif; color: #1a1a1a; max-width: 260px; }}
</style>
"""


#: folium's map header says ``maximum-scale=1.0, user-scalable=no``: readers on phones could not
#: zoom the page (WCAG 1.4.4; axe ``meta-viewport``).
_ZOOM_LOCK = re.compile(r",\s*maximum-scale=1(?:\.0)?,\s*user-scalable=no")


class _Text(Element):
    """Header text written as it is (not compiled again as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class ZoomableMap(folium.Map):
    """A ``folium.Map`` whose header lets the reader zoom the page."""

    def render(self, **kwargs) -> None:
        super().render(**kwargs)
        header = self.get_root().header
        own = header._children.get(self.get_name())
        if own is not None and not isinstance(own, _Text):
            header.add_child(_Text(_ZOOM_LOCK.sub("", own.render())), name=self.get_name())


MAP_LABEL = "Map of the sites and places the article names"


class TileFallback(RawScriptElement):
    """When OpenStreetMap tiles fail to load (no internet), switch the map to the offline country
    outlines and say so once, instead of leaving the reader with a grey map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.tileFallback({{ this._parent.get_name() }}, {{ this.tiles.get_name() }}, {{ this.url|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, tiles: folium.TileLayer, outlines_url: str, options: dict) -> None:
        super().__init__()
        self._name = "TileFallback"
        self.tiles = tiles
        self.url = outlines_url
        self.options = options


def build_base_map(
    view: ViewState,
    outlines: dict | str | None,
    assets: MapAssets = LOCAL_ASSETS,
    *,
    measure: bool = True,
    copy_link: bool = True,
    landmark: str = "region",
) -> folium.Map:
    """The map without its feature groups, centred on the view's lat/lon/zoom (else a default
    that the frame replaces).

    ``outlines`` is the offline basemap: its GeoJSON (written into the page, for standalone
    files) or the URL the browser fetches it from. With ``view.basemap == "offline"`` it is the
    basemap; otherwise OpenStreetMap tiles are used, with their attribution, and a served
    ``outlines`` URL is where the map falls back to when the tiles fail to load. ``landmark`` is
    the ARIA role of the map's container (``region`` inside a page, ``main`` as a page of its own).
    """
    centre = (view.lat, view.lon) if view.lat is not None and view.lon is not None else DEFAULT_CENTER
    fmap = ZoomableMap(location=centre, zoom_start=view.zoom or DEFAULT_ZOOM, tiles=None, control_scale=True,
                      world_copy_jump=True, prefer_canvas=False)
    fmap.default_js = list(assets.js)
    fmap.default_css = list(assets.css)
    if view.basemap == "offline" and outlines is not None:
        (ServedBasemapLayer(outlines) if isinstance(outlines, str) else basemap_layer(outlines)).add_to(fmap)
    else:
        tiles = folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19)
        tiles.add_to(fmap)
        if isinstance(outlines, str):
            TileFallback(tiles, outlines, layer_options()).add_to(fmap)
    fmap.get_root().header.add_child(Element(MAP_CSS), name="dashboard_css")
    MapLandmark(landmark, MAP_LABEL).add_to(fmap)
    StillPageOnTap().add_to(fmap)
    FullscreenButton().add_to(fmap)
    if measure:
        MeasureDistance().add_to(fmap)
    if copy_link:
        CopyLinkButton().add_to(fmap)
    return fmap


__all__ = ["BASEMAP_LAYER_NAME", "DEFAULT_CENTER", "DEFAULT_ZOOM", "LOCAL_ASSETS", "MAP_LABEL", "MapAssets", "ZoomableMap",
           "build_base_map"]
