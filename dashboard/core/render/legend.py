"""The map's legend, its frame and its overview (inset) map: Leaflet controls that live inside a feature group, so they
change with the view without remounting the map (streamlit-folium replaces feature groups in
place) and appear the same way in a standalone export."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from folium.template import Template

from dashboard.core.escape import for_html
from dashboard.core.render.focus import Bounds
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
    the reader last left it. Opening or folding it refits a map the reader has not moved since it
    was framed, so it hides no marker (``dashboardMap.legend``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.legend({{ this._parent.get_name() }}, {{ this.html|tojson }}, {{ this.open_width|tojson }});
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
    """Fits the map to ``bounds`` (the story's focus) when the frame ``key`` changes (another
    article or filter), so a view the reader panned is kept through unrelated reruns; zooms to
    ``selected`` (a marker's key) when the selection changes, to ``SELECT_ZOOM`` or closer. With
    ``keep_first`` the first frame is only remembered (a link's own lat/lon/zoom win). An open
    legend is kept clear. After each fit or selection zoom the map fires ``framed``
    (``dashboardMap.frame``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.frame({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    SELECT_ZOOM = 5

    def __init__(self, bounds: Bounds | None, key: str, keep_first: bool, max_zoom: int = 7,
                 selected: str = "") -> None:
        super().__init__()
        self._name = "FrameView"
        self.options = {
            "bounds": [list(bounds[0]), list(bounds[1])] if bounds else None, "key": key, "keepFirst": keep_first,
            "maxZoom": int(max_zoom), "selected": selected, "selectZoom": self.SELECT_ZOOM,
        }


class InsetMap(RawScriptElement):
    """The overview map in the main map's bottom-right corner (container class ``inset-map``):
    every drawn point within ``overview``, and the main map's extent outlined
    (``dashboardMap.inset``). Its size and fit are the numbers here, which the still image
    (``render/image.py``) uses too."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.inset({{ this._parent.get_name() }}, {{ this.overview|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    WIDTH_PX, HEIGHT_PX = 170, 120
    #: On a map narrower than ``SMALL_BELOW_PX`` (a phone) the overview is smaller.
    SMALL_WIDTH_PX, SMALL_HEIGHT_PX, SMALL_BELOW_PX = 110, 80, 640
    PADDING_PX = 6  # around the overview's extent and the main map's
    ZOOM_SNAP = 0.25  # finer than the main map's whole levels: the overview is small

    def __init__(self, overview: Bounds) -> None:
        super().__init__()
        self._name = "InsetMap"
        self.overview = [list(overview[0]), list(overview[1])]
        self.options = {"width": self.WIDTH_PX, "height": self.HEIGHT_PX, "smallWidth": self.SMALL_WIDTH_PX,
                        "smallHeight": self.SMALL_HEIGHT_PX, "smallBelow": self.SMALL_BELOW_PX,
                        "padding": self.PADDING_PX, "zoomSnap": self.ZOOM_SNAP}
