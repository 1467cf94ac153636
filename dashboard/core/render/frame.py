"""Where a fitted map looks, for a given size: the one definition the browser and the still image share.

The browser fits the story's frame with Leaflet's ``fitBounds`` (``dashboardMap.frame`` in
``static/dashboard/map.js``); the image renderer (``render/image.py``) must show exactly the same
window. So this module is Leaflet's arithmetic written once in Python (``getBoundsZoom``,
``_getBoundsCenterZoom``, the rounded pixel origin of ``setView``) plus map.js's own rule (the
padding it is given, or 24 px all round on a map too small for it), and a published page passes
its numbers to map.js (:class:`FixedFramePadding`) instead of measuring its controls: the same
numbers go to both, and a browser test compares the two windows.

Units: Web Mercator on the unit sphere (``x`` = longitude in radians, ``y`` = Mercator ``y``);
a map at zoom ``z`` is ``256 * 2**z`` CSS pixels around the world, as in Leaflet's EPSG:3857.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from folium.template import Template

from dashboard.core.render.focus import Bounds
from dashboard.core.render.legend import InsetMap
from dashboard.core.render.raw import RawScriptElement

TILE_PX = 256
MAX_LAT = 85.0511287798  # Web Mercator's edge (Leaflet's SphericalMercator.MAX_LATITUDE)
#: map.js ``fit()``: a map whose padding would take more than half its width or height, or cost
#: more than one zoom level against ``FALLBACK_PROBE_PX``, keeps ``FALLBACK_MARGIN_PX`` all round.
FALLBACK_MARGIN_PX = 24
FALLBACK_PROBE_PX = 48


@dataclass(frozen=True)
class Padding:
    """Room kept clear around the frame, in CSS pixels (Leaflet's paddingTopLeft/BottomRight)."""

    top: float
    right: float
    bottom: float
    left: float

    @classmethod
    def even(cls, px: float) -> Padding:
        """The same room on every side."""
        return cls(px, px, px, px)

    def to_js(self) -> dict[str, list[float]]:
        """The options map.js hands to ``fitBounds``: ``{"topLeft": [x, y], "bottomRight": [x, y]}``."""
        return {"topLeft": [self.left, self.top], "bottomRight": [self.right, self.bottom]}


#: Leaflet's margin around a control in a corner (leaflet.css), the overview's border, and the gap
#: map.js keeps between a control and the frame.
CONTROL_MARGIN_PX, INSET_BORDER_PX, CONTROL_GAP_PX = 10, 2, 8
#: The room a published map keeps clear around its frame, on its page and in its image: the
#: image prints the title and caption at the top, the legend on the left, the credit line at the
#: bottom (the page's map keeps the same room, so that both show the same window).
PUBLISHED_PADDING = Padding(top=120, right=40, bottom=56, left=300)
#: With an overview map in the bottom-right corner, the right side keeps its width clear too.
PUBLISHED_PADDING_WITH_INSET = Padding(
    top=120, right=CONTROL_MARGIN_PX + InsetMap.WIDTH_PX + 2 * INSET_BORDER_PX + CONTROL_GAP_PX, bottom=56, left=300)


def published_padding(has_inset: bool) -> Padding:
    """The padding of a published map (and of its image), with or without an overview map."""
    return PUBLISHED_PADDING_WITH_INSET if has_inset else PUBLISHED_PADDING


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator (x, y) of a point, in radians (the sphere's radius is 1)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _world_px(zoom: float) -> float:
    return TILE_PX * 2 ** zoom


def _project(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    """Leaflet's ``map.project``: world pixels at ``zoom`` from the top-left of the world."""
    x, y = mercator(lat, lon)
    world = _world_px(zoom)
    return world * (0.5 + x / (2 * math.pi)), world * (0.5 - y / (2 * math.pi))


def _unproject(px: float, py: float, zoom: float) -> tuple[float, float]:
    world = _world_px(zoom)
    x, y = (px / world - 0.5) * 2 * math.pi, (0.5 - py / world) * 2 * math.pi
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2), math.degrees(x)


def _js_round(value: float) -> float:
    return math.floor(value + 0.5)  # JavaScript's Math.round (halves go up)


@dataclass(frozen=True)
class MapWindow:
    """What a map of ``width`` x ``height`` CSS pixels shows at ``zoom`` around (``lat``, ``lon``):
    its top-left corner is world pixel (``left``, ``top``), rounded as Leaflet rounds it."""

    lat: float
    lon: float
    zoom: float
    width: int
    height: int
    left: float
    top: float

    @property
    def x0(self) -> float:
        """The west edge, in radians of longitude."""
        return (self.left / _world_px(self.zoom) - 0.5) * 2 * math.pi

    @property
    def x1(self) -> float:
        """The east edge, in radians of longitude."""
        return ((self.left + self.width) / _world_px(self.zoom) - 0.5) * 2 * math.pi

    @property
    def y0(self) -> float:
        """The south edge, in Mercator y."""
        return (0.5 - (self.top + self.height) / _world_px(self.zoom)) * 2 * math.pi

    @property
    def y1(self) -> float:
        """The north edge, in Mercator y."""
        return (0.5 - self.top / _world_px(self.zoom)) * 2 * math.pi

    @property
    def bounds(self) -> Bounds:
        """``((south, west), (north, east))`` in degrees: Leaflet's ``map.getBounds()``."""
        south, west = _unproject(self.left, self.top + self.height, self.zoom)
        north, east = _unproject(self.left + self.width, self.top, self.zoom)
        return (south, west), (north, east)

    def to_pixel(self, lat: float, lon: float) -> tuple[float, float]:
        """Where (lat, lon) falls, in CSS pixels from the top-left corner (``latLngToContainerPoint``)."""
        px, py = _project(lat, lon, self.zoom)
        return px - self.left, py - self.top

    def to_json(self) -> dict[str, Any]:
        """The window as plain values (centre, zoom, size, bounds), e.g. for an image's metadata."""
        (south, west), (north, east) = self.bounds
        return {"center": [self.lat, self.lon], "zoom": self.zoom, "size": [self.width, self.height],
                "bounds": [[south, west], [north, east]]}


def window_at(lat: float, lon: float, zoom: float, width: int, height: int) -> MapWindow:
    """The window of a map of that size set to (lat, lon) at ``zoom`` (Leaflet's ``setView``)."""
    px, py = _project(lat, lon, zoom)
    return MapWindow(lat, lon, zoom, width, height, _js_round(px - width / 2), _js_round(py - height / 2))


def bounds_zoom(bounds: Bounds, width: int, height: int, room_x: float, room_y: float, *, zoom_snap: float = 1.0,
                min_zoom: float = 0.0, max_zoom: float = math.inf) -> float:
    """Leaflet's ``getBoundsZoom(bounds, false, [room_x, room_y])`` on a map of that size: the
    closest zoom (a multiple of ``zoom_snap``, within ``min_zoom..max_zoom``) showing all of
    ``bounds`` in the size less the room."""
    (south, west), (north, east) = bounds
    nw, se = _project(north, west, 0), _project(south, east, 0)
    box_x, box_y = abs(se[0] - nw[0]), abs(se[1] - nw[1])
    scale_x = (width - room_x) / box_x if box_x else math.inf
    scale_y = (height - room_y) / box_y if box_y else math.inf
    scale = min(scale_x, scale_y)
    zoom = math.log2(scale) if scale > 0 else math.inf  # Leaflet's NaN becomes Infinity
    if zoom_snap and math.isfinite(zoom):
        zoom = _js_round(zoom / (zoom_snap / 100)) * (zoom_snap / 100)  # no jump within 1 % of a level
        zoom = math.floor(zoom / zoom_snap) * zoom_snap
    return max(min_zoom, min(max_zoom, zoom))


def fit_bounds(bounds: Bounds, width: int, height: int, padding: Padding, *, max_zoom: float = math.inf,
               zoom_snap: float = 1.0, min_zoom: float = 0.0) -> MapWindow:
    """Leaflet's ``fitBounds(bounds, {paddingTopLeft, paddingBottomRight, maxZoom})`` on a map of
    that size (its own zoom limits ``min_zoom`` .. none, ``zoom_snap``). Raises ValueError for a
    single point and no ``max_zoom`` (Leaflet would zoom in without end)."""
    zoom = bounds_zoom(bounds, width, height, padding.left + padding.right, padding.top + padding.bottom,
                       zoom_snap=zoom_snap, min_zoom=min_zoom)
    zoom = min(max_zoom, zoom)
    if not math.isfinite(zoom):
        raise ValueError("a single point cannot be fitted without a closest zoom")
    (south, west), (north, east) = bounds
    sw, ne = _project(south, west, zoom), _project(north, east, zoom)
    centre_x = (sw[0] + ne[0]) / 2 + (padding.right - padding.left) / 2
    centre_y = (sw[1] + ne[1]) / 2 + (padding.bottom - padding.top) / 2
    lat, lon = _unproject(centre_x, centre_y, zoom)
    return window_at(lat, lon, zoom, width, height)


def fit_frame(bounds: Bounds, width: int, height: int, padding: Padding, max_zoom: float) -> MapWindow:
    """The window map.js's ``fit()`` gives the story's frame ``bounds`` on a map of that size with
    that padding: ``padding``, unless it would take more than half the map's width or height or
    cost more than a zoom level, then ``FALLBACK_MARGIN_PX`` all round; at most ``max_zoom``."""
    room_x, room_y = padding.left + padding.right, padding.top + padding.bottom
    probe = bounds_zoom(bounds, width, height, FALLBACK_PROBE_PX, FALLBACK_PROBE_PX)
    if room_x > width / 2 or room_y > height / 2 or bounds_zoom(bounds, width, height, room_x, room_y) < probe - 1:
        padding = Padding.even(FALLBACK_MARGIN_PX)
    return fit_bounds(bounds, width, height, padding, max_zoom=max_zoom)


#: map.js ``zoomToSelection``: the room around a selected marker and its nearest site.
SELECTION_ROOM_PX = 96


def selection_window(at: tuple[float, float], nearest: tuple[float, float] | None, width: int, height: int, *,
                     select_zoom: float, start_zoom: float, max_zoom: float) -> MapWindow:
    """The window map.js's ``zoomToSelection`` shows for a marker at ``at`` (lat, lon) selected
    on a map at ``start_zoom``: the marker at ``select_zoom`` or closer, or the marker and its
    ``nearest`` site together when both fit at that zoom or closer (at most ``max_zoom``)."""
    least = max(select_zoom, start_zoom)
    if nearest is not None:
        both = ((min(at[0], nearest[0]), min(at[1], nearest[1])), (max(at[0], nearest[0]), max(at[1], nearest[1])))
        fits = min(bounds_zoom(both, width, height, SELECTION_ROOM_PX, SELECTION_ROOM_PX), max_zoom)
        if fits >= least:  # Leaflet's LatLngBounds.getCenter: the middle in degrees
            (south, west), (north, east) = both
            return window_at((south + north) / 2, (west + east) / 2, fits, width, height)
    return window_at(at[0], at[1], least, width, height)


def extend(bounds: Bounds, other: Bounds) -> Bounds:
    """The box holding both (Leaflet's ``LatLngBounds.extend``)."""
    (s1, w1), (n1, e1) = bounds
    (s2, w2), (n2, e2) = other
    return (min(s1, s2), min(w1, w2)), (max(n1, n2), max(e1, e2))


def inset_window(overview: Bounds, main: MapWindow) -> MapWindow:
    """What the overview map shows beside the main window ``main`` (map.js ``inset``): the
    overview's extent and the main map's, fitted into ``InsetMap``'s size and padding."""
    return fit_bounds(extend(overview, main.bounds), InsetMap.WIDTH_PX, InsetMap.HEIGHT_PX,
                      Padding.even(InsetMap.PADDING_PX), zoom_snap=InsetMap.ZOOM_SNAP)


class FixedFramePadding(RawScriptElement):
    """Makes the map fit its frame with ``padding`` (a published page: the numbers its image uses)
    instead of measuring the controls in its corners (``dashboardMap.framePadding``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.framePadding({{ this._parent.get_name() }}, {{ this.padding|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, padding: Padding) -> None:
        super().__init__()
        self._name = "FixedFramePadding"
        self.padding = padding.to_js()
