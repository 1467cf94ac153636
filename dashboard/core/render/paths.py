"""Lines, rings, areas and small labelled points drawn from one GeoJSON FeatureCollection per
group (the overlays: range rings, lines to a reference point). Like the markers, one Folium
element per group; every text in the properties is already escaped."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from folium.template import Template

from dashboard.core.render.raw import RawScriptElement

LatLon = tuple[float, float]


@dataclass(frozen=True)
class PathSpec:
    """One shape: ``kind`` is ``line`` (points), ``area`` (rings: outer then holes; give it a
    class that CSS makes click-through, e.g. ``range-band-fill``), ``circle`` (a point drawn as a circle of ``radius`` px) or ``label`` (a point
    with a text box, ``label`` already escaped HTML). ``style`` are Leaflet path options
    (``color``, ``weight``, ``dashArray``, ``className`` ...). ``site`` is the id of the site the
    shape belongs to ("" for none), for the exports."""

    kind: str
    points: tuple[LatLon, ...] | tuple[tuple[LatLon, ...], ...]
    style: Mapping[str, object] = field(default_factory=dict)
    tooltip: str = ""
    label: str = ""
    site: str = ""

    def feature(self) -> dict[str, object]:
        """The shape as a GeoJSON Feature; longitudes stay unwrapped (Leaflet draws them whole)."""
        if self.kind == "line":
            geometry = {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in self.points]}
        elif self.kind == "area":
            geometry = {"type": "Polygon", "coordinates": [[[lon, lat] for lat, lon in ring] for ring in self.points]}
        else:
            (lat, lon), = self.points
            geometry = {"type": "Point", "coordinates": [lon, lat]}
        properties = {"kind": self.kind, "style": dict(self.style), "tooltip": self.tooltip, "label": self.label}
        return {"type": "Feature", "geometry": geometry, "properties": properties}


class PathLayer(RawScriptElement):
    """Draws a FeatureCollection of :class:`PathSpec` features into its parent group
    (``dashboardMap.paths`` in ``dashboard/static/dashboard/map.js``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.paths({{ this._parent.get_name() }}, {{ this.collection|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, paths: Sequence[PathSpec]) -> None:
        super().__init__()
        self._name = "PathLayer"
        self.collection = {"type": "FeatureCollection", "features": [p.feature() for p in paths]}
