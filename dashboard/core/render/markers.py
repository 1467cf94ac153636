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
    """One marker, ready to draw: every text already escaped (``tooltip`` for HTML, ``label``
    for a JS string / attribute). ``key`` is what a click or Enter selects."""

    key: str
    lat: float
    lon: float
    html: str
    classes: str
    size: int
    label: str
    tooltip: str
    z: int = 0

    def feature(self) -> dict[str, object]:
        """The marker as a GeoJSON Feature (coordinates ``[lon, lat]``)."""
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": {
                "key": self.key, "html": self.html, "classes": self.classes, "size": self.size,
                "label": self.label, "tooltip": self.tooltip, "z": self.z,
            },
        }


class MarkerLayer(RawScriptElement):
    """Draws a FeatureCollection of :class:`MarkerSpec` features into its parent group.

    Each marker is a keyboard-focusable ``L.marker`` with a div icon (its classes carry
    ``site-<id>`` or ``place-marker``), an ``aria-label``, and a tooltip that opens on hover and
    focus on the side where it fits, shifted if need be to stay inside the map. Enter or Space on a focused marker fires the
    same click a pointer does (with the marker's position, which is what selects it). Site
    markers that would overlap are fanned out, each with a leg to its true position.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            L.geoJSON({{ this.collection|tojson }}, {
                pointToLayer: function (feature, latlng) {
                    var p = feature.properties;
                    var marker = L.marker(latlng, {
                        icon: L.divIcon({html: p.html, className: p.classes, iconSize: [p.size, p.size],
                                         iconAnchor: [p.size / 2, p.size / 2]}),
                        title: p.label, keyboard: true, zIndexOffset: p.z, riseOnHover: true
                    });
                    marker.bindTooltip(p.tooltip, {direction: "top", offset: [0, -p.size / 2], className: "marker-tooltip"});
                    // On opening (hover or keyboard focus): the side with room, then a shift that
                    // keeps the whole tooltip inside the map (a marker in a corner has no such side).
                    function fit() {
                        var map = marker._map, tooltip = marker.getTooltip();
                        if (!map || !tooltip) { return; }
                        var shift = marker._spread || [0, 0];  // where the icon is drawn (see spreadSites)
                        var at = map.latLngToContainerPoint(marker.getLatLng()).add(shift), size = map.getSize();
                        var side = at.y < 90 ? "bottom" : "top";
                        if (at.x < 130) { side = "right"; } else if (at.x > size.x - 130) { side = "left"; }
                        tooltip.options.direction = side;
                        tooltip.options.offset = side === "top" ? [shift[0], shift[1] - p.size / 2]
                            : side === "bottom" ? [shift[0], shift[1] + p.size / 2]
                            : side === "right" ? [shift[0] + p.size / 2, shift[1]] : [shift[0] - p.size / 2, shift[1]];
                        tooltip.update();
                        var element = tooltip.getElement();
                        if (!element) { return; }
                        var box = map.getContainer().getBoundingClientRect(), tip = element.getBoundingClientRect();
                        var margin = 4, dx = 0, dy = 0;
                        if (tip.left < box.left + margin) { dx = box.left + margin - tip.left; }
                        else if (tip.right > box.right - margin) { dx = box.right - margin - tip.right; }
                        if (tip.top < box.top + margin) { dy = box.top + margin - tip.top; }
                        else if (tip.bottom > box.bottom - margin) { dy = box.bottom - margin - tip.bottom; }
                        if (dx || dy) {
                            tooltip.options.offset = [tooltip.options.offset[0] + dx, tooltip.options.offset[1] + dy];
                            tooltip.update();
                        }
                    }
                    marker.on("tooltipopen", fit);
                    marker.on("add", function () {
                        var icon = marker.getElement();
                        if (!icon) { return; }
                        icon.setAttribute("aria-label", p.label);
                        icon.setAttribute("data-key", p.key);
                        icon.addEventListener("keydown", function (event) {
                            if (event.key !== "Enter" && event.key !== " ") { return; }
                            event.preventDefault();
                            event.stopPropagation();
                            marker.fire("click", {latlng: marker.getLatLng(), sourceTarget: marker,
                                                  target: marker, originalEvent: event});
                        });
                    });
                    return marker;
                }
            }).eachLayer(function (marker) { marker.addTo(group); });
            if (!window.__dashboardSpreadSites) { window.__dashboardSpreadSites = spreadSites(); }
            function whenOnMap() {
                var map = group._map;
                if (!map) { return; }
                if (!map.__spreadsSites) { map.__spreadsSites = true; map.on("zoomend viewreset", function () { window.__dashboardSpreadSites(map); }); }
                window.__dashboardSpreadSites(map);
            }
            group.on("add", whenOnMap);
            whenOnMap();

            // Site markers nearer each other than their size (at a fitted zoom the Czech radar, the
            // Polish base and Heiligendamm would be one blot) are fanned out around their middle,
            // each with a leg to its true position, so each can be seen, hovered and clicked.
            function spreadSites() {
                var pending = null;
                function leg(icon, dx, dy) {
                    var line = icon.querySelector(":scope > .spread-leg");
                    var length = Math.sqrt(dx * dx + dy * dy);
                    icon.style.translate = length ? dx + "px " + dy + "px" : "";
                    if (!length) { if (line) { line.remove(); } return; }
                    if (!line) {
                        line = document.createElement("span");
                        line.className = "spread-leg";
                        line.setAttribute("aria-hidden", "true");
                        line.innerHTML = '<span class="spread-foot"></span>';
                        icon.insertBefore(line, icon.firstChild);
                    }
                    line.style.width = length + "px";
                    line.style.transform = "rotate(" + Math.atan2(-dy, -dx) + "rad)";
                }
                function run(map) {
                    pending = null;
                    var sites = [];
                    map.eachLayer(function (layer) {
                        if (layer._icon && layer._icon.classList.contains("site-marker")) {
                            sites.push({marker: layer, at: map.latLngToLayerPoint(layer.getLatLng()),
                                        size: layer.options.icon.options.iconSize[0], group: null});
                        }
                    });
                    var groups = [];  // markers linked by overlaps, each group fanned out as one
                    sites.forEach(function (site, i) {
                        for (var j = 0; j < i; j++) {
                            var other = sites[j];
                            if (site.at.distanceTo(other.at) >= (site.size + other.size) / 2 + 2) { continue; }
                            if (!site.group) { site.group = other.group; site.group.push(site); }
                            else if (site.group !== other.group) {
                                var merged = other.group;
                                merged.forEach(function (s) { s.group = site.group; site.group.push(s); });
                                groups.splice(groups.indexOf(merged), 1);
                            }
                        }
                        if (!site.group) { site.group = [site]; groups.push(site.group); }
                    });
                    groups.forEach(function (members) {
                        if (members.length === 1) {
                            members[0].marker._spread = null;
                            leg(members[0].marker._icon, 0, 0);
                            return;
                        }
                        var middle = L.point(0, 0), widest = 0;
                        members.forEach(function (s) { middle = middle.add(s.at); widest = Math.max(widest, s.size); });
                        middle = middle.divideBy(members.length);
                        members.forEach(function (s) { s.angle = Math.atan2(s.at.y - middle.y, s.at.x - middle.x); });
                        members.sort(function (a, b) { return a.angle - b.angle; });
                        // neighbours on the ring at least a diagonal apart: the square icons do not touch
                        var radius = (widest * Math.SQRT2 + 2) / (2 * Math.sin(Math.PI / members.length));
                        var step = 2 * Math.PI / members.length;
                        members.forEach(function (s, k) {
                            var angle = members[0].angle + k * step;
                            var dx = Math.round(middle.x + radius * Math.cos(angle) - s.at.x);
                            var dy = Math.round(middle.y + radius * Math.sin(angle) - s.at.y);
                            s.marker._spread = [dx, dy];
                            leg(s.marker._icon, dx, dy);
                        });
                    });
                }
                return function (map) { if (!pending) { pending = setTimeout(function () { run(map); }, 0); } };
            }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, markers: Sequence[MarkerSpec]) -> None:
        super().__init__()
        self._name = "MarkerLayer"
        self.collection = {"type": "FeatureCollection", "features": [m.feature() for m in markers]}
