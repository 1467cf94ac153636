"""Markers: how a role and a status look (inline SVG, CSS classes), and the one Folium element
that draws a whole group of markers from a GeoJSON FeatureCollection.

One element per group, not one per marker: branca compiles every rendered element's script as a
Jinja template, so 200 ``folium.Marker`` cost about 1 s per ``st_folium`` call and one
FeatureCollection tens of milliseconds (docs/BENCHMARKS.md). Every text in a feature's
properties has been escaped by :mod:`dashboard.core.escape` before it gets here.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from folium.template import Template

from dashboard.core.render.raw import RawScriptElement
from dashboard.core.topics.model import Role

_SHAPES = {
    "triangle": '<polygon points="12,2 22,21 2,21"/>',
    "diamond": '<polygon points="12,1 23,12 12,23 1,12"/>',
    "octagon": '<polygon points="8,2 16,2 22,8 22,16 16,22 8,22 2,16 2,8"/>',
    "square": '<rect x="3" y="3" width="18" height="18"/>',
    "circle": '<circle cx="12" cy="12" r="9"/>',
    "hexagon": '<polygon points="12,1 22,6.5 22,17.5 12,23 2,17.5 2,6.5"/>',
    "star": '<polygon points="12,1 15,9 23,9 16.5,14 19,22.5 12,17.5 5,22.5 7.5,14 1,9 9,9"/>',
}

#: How a site's standing status on the chosen date looks (see ``timeline.standing_status``):
#: ``planned`` faded with a dashed outline, ``building`` full with a dashed outline,
#: ``active`` full, ``ended`` grey and crossed, ``past`` (an event that lasted, now over) faded,
#: ``future`` (no record yet) nearly transparent.
STATUS_LOOKS = {
    "proposed": "planned",
    "announced": "planned",
    "offered": "planned",
    "talks": "planned",
    "agreed": "active",
    "operational": "active",
    "held": "active",
    "under-construction": "building",
    "closed": "ended",
    "cancelled": "ended",
    "dismantled": "ended",
    "past": "past",
    "not-yet": "future",
}
#: What each look means, for the legend, in the order shown.
LOOK_LABELS = {
    "active": "agreed, operational or under way on this date",
    "building": "under construction",
    "planned": "proposed, offered or in talks (planned)",
    "ended": "closed, cancelled or dismantled",
    "past": "over (a summit that has ended)",
    "future": "not yet in the record on this date",
}

SITE_SIZE, SELECTED_SIZE, PLACE_SIZE = 24, 34, 14


def marker_svg(role: Role, size: int, selected: bool = False, crossed: bool = False) -> str:
    """The inline SVG of a role's marker (no untrusted text inside); ``crossed`` draws an X over
    it (a cancelled, closed or dismantled site)."""
    stroke = "#000000" if selected else "#ffffff"
    width = 3 if selected else 1.5
    cross = (
        '<path class="status-cross" d="M5 5L19 19M19 5L5 19" stroke="#222222" stroke-width="2.5" '
        'stroke-linecap="round"/>'
        if crossed
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{size}" height="{size}" '
        f'aria-hidden="true" focusable="false"><g fill="{role.colour}" stroke="{stroke}" stroke-width="{width}">'
        f"{_SHAPES[role.shape]}</g>{cross}</svg>"
    )


@dataclass(frozen=True)
class MarkerSpec:
    """One marker, ready to draw: every text already escaped (``tooltip`` and ``name`` for HTML,
    ``label`` for a JS string / attribute). ``key`` is what a click or Enter selects. ``name`` is
    the visible label beside the marker, drawn when ``rank`` > 0; where labels collide the
    higher rank is kept."""

    key: str
    lat: float
    lon: float
    html: str
    classes: str
    size: int
    label: str
    tooltip: str
    z: int = 0
    name: str = ""
    rank: int = 0

    def feature(self) -> dict[str, object]:
        """The marker as a GeoJSON Feature (coordinates ``[lon, lat]``)."""
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {
                "key": self.key, "html": self.html, "classes": self.classes, "size": self.size,
                "label": self.label, "tooltip": self.tooltip, "z": self.z, "name": self.name, "rank": self.rank,
            },
        }


class MarkerLayer(RawScriptElement):
    """Draws a FeatureCollection of :class:`MarkerSpec` features into its parent group
    (``dashboardMap.markers`` in ``dashboard/static/dashboard/map.js``).

    Each marker is a keyboard-focusable ``L.marker`` with a div icon (its classes carry
    ``site-<id>`` or ``place-marker``), an ``aria-label``, a tooltip that opens on hover and focus
    where it fits, and its visible label (``marker-label``) where it collides with nothing. Enter or
    Space on a focused marker fires the same click a pointer does. Markers that overlap at the
    current zoom are drawn as one cluster with a count, carrying the ``site-<id>`` classes of the
    sites it holds; a click on it zooms in.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.markers({{ this._parent.get_name() }}, {{ this.collection|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, markers: Sequence[MarkerSpec]) -> None:
        super().__init__()
        self._name = "MarkerLayer"
        self.collection = {"type": "FeatureCollection", "features": [m.feature() for m in markers]}
