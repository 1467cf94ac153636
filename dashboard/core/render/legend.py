"""The map's legend and its frame: Leaflet controls that live inside a feature group, so they
change with the view without remounting the map (streamlit-folium replaces feature groups in
place) and appear the same way in a standalone export."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from folium.template import Template

from dashboard.core.escape import for_html
from dashboard.core.render.raw import RawScriptElement


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a symbol (constant SVG/HTML, no untrusted text) and its meaning
    (plain text; escaped when drawn). ``section`` groups lines under a heading."""

    section: str
    symbol: str
    label: str
    kind: str  # role, status, ring, no-figure, line, place, cluster (a CSS class: legend-<kind>)


def legend_html(entries: Sequence[LegendEntry]) -> str:
    """The legend's HTML: sections with headings, one row per entry (labels escaped)."""
    parts: list[str] = []
    section = None
    for entry in entries:
        if entry.section != section:
            if section is not None:
                parts.append("</ul>")
            section = entry.section
            parts.append(f'<div class="legend-title">{for_html(section)}</div><ul class="legend-list">')
        parts.append(
            f'<li class="legend-row legend-{entry.kind}"><span class="legend-symbol">{entry.symbol}</span>'
            f"<span>{for_html(entry.label)}</span></li>"
        )
    if section is not None:
        parts.append("</ul>")
    return "".join(parts)


class LegendControl(RawScriptElement):
    """A collapsible legend in the map's bottom-left corner, shown while its group is on the map:
    open on a map at least ``OPEN_WIDTH_PX`` wide, folded (one tap away) on a narrow one, then as
    the reader last left it (the legend is drawn anew when the groups change). Opening or folding
    it refits a map the reader has not moved since it was framed, so it hides no marker."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var control = L.control({position: "bottomleft"});
            control.onAdd = function (map) {
                var box = L.DomUtil.create("details", "map-legend");
                var chosen = window.__dashboardLegendOpen;
                box.open = chosen === undefined ? map.getSize().x >= {{ this.open_width }} : chosen;
                box.setAttribute("aria-label", "Map legend");
                box.innerHTML = '<summary class="legend-summary">Legend</summary>' + {{ this.html|tojson }};
                box.addEventListener("toggle", function () {
                    window.__dashboardLegendOpen = box.open;
                    if (window.__dashboardRefit) { window.__dashboardRefit(); }
                });
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            function show() { if (group._map && !control._map) { control.addTo(group._map); } }
            group.on("add", show);
            group.on("remove", function () { control.remove(); });
            show();
        })();
        {% endmacro %}
        """
    )

    OPEN_WIDTH_PX = 720

    def __init__(self, entries: Sequence[LegendEntry]) -> None:
        super().__init__()
        self._name = "LegendControl"
        self.html = legend_html(entries)
        self.open_width = self.OPEN_WIDTH_PX


class FrameView(RawScriptElement):
    """Fits the map to ``bounds`` when the frame ``key`` changes (another article or filter),
    so a view the reader panned is kept through unrelated reruns. With ``keep_first`` the first
    frame is only remembered (a link's own lat/lon/zoom win). An open legend is kept clear: the
    fit leaves its width on the left or its height at the bottom, whichever costs the map less,
    so no marker is drawn under it (unless that would cost more than one zoom level). After each fit
    the map fires ``framed`` (a fit is not animated: it ends at once, so nothing else sees it halfway)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            function fit(map) {
                var legend = map.getContainer().querySelector(".map-legend[open]"), size = map.getSize();
                var left = 24, bottom = 24;
                if (legend) {
                    var width = legend.offsetWidth + 16, height = legend.offsetHeight + 16;
                    if (width / size.x <= height / size.y) { left += width; } else { bottom += height; }
                }
                var bounds = L.latLngBounds({{ this.bounds|tojson }});
                if (map.getBoundsZoom(bounds, false, L.point(left + 24, 24 + bottom)) < map.getBoundsZoom(bounds, false, L.point(48, 48)) - 1) {
                    left = 24; bottom = 24;  // a small map: better the legend over a marker (it folds) than a far-off view
                }
                window.__dashboardFramed = null;
                map.once("moveend", function () {
                    window.__dashboardFramed = {centre: map.getCenter(), zoom: map.getZoom()};
                    map.fire("framed");  // the map moved by itself, not by the reader
                });
                map.fitBounds({{ this.bounds|tojson }}, {paddingTopLeft: [left, 24], paddingBottomRight: [24, bottom],
                                                          maxZoom: {{ this.max_zoom }}, animate: false});
            }
            function frame() {
                var map = group._map;
                if (!map || window.__dashboardFrame === {{ this.key|tojson }}) { return; }
                var first = window.__dashboardFrame === undefined;
                window.__dashboardFrame = {{ this.key|tojson }};
                if (first && {{ this.keep_first|tojson }}) { return; }
                fit(map);
            }
            // the legend opened or folded: fit again, unless the reader has moved the map since
            window.__dashboardRefit = function () {
                var map = group._map, framed = window.__dashboardFramed;
                // (within a pixel: a resize of the frame keeps the centre only to the pixel)
                if (!map || !framed || map.getZoom() !== framed.zoom
                    || map.latLngToContainerPoint(framed.centre).distanceTo(map.getSize().divideBy(2)) > 1) { return; }
                fit(map);
            };
            group.on("add", frame);
            frame();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, bounds: tuple[tuple[float, float], tuple[float, float]], key: str, keep_first: bool,
                 max_zoom: int = 7) -> None:
        super().__init__()
        self._name = "FrameView"
        self.bounds = [list(bounds[0]), list(bounds[1])]
        self.key = key
        self.keep_first = keep_first
        self.max_zoom = int(max_zoom)
