"""Leaflet controls written for this project (no third-party plugin, so nothing loads from a
CDN): full screen, measuring a distance, and a "Copy link" button; and two fixes of the map's own
behaviour: its container as a named landmark, and a tap that does not scroll the page. Each is a
Folium ``MacroElement`` whose script adds itself to the map."""
from __future__ import annotations

from folium.template import Template

from dashboard.core.render.raw import RawScriptElement


class FullscreenButton(RawScriptElement):
    """A control that shows the map full screen (Fullscreen API; no third-party plugin)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.fullscreen({{ this._parent.get_name() }}, {{ this.icon|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FullscreenButton"
        self.icon = (
            '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" '
            'stroke="#333" stroke-width="2"><path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/></svg>'
        )


class MeasureDistance(RawScriptElement):
    """A "measure a distance" control (own code; Folium's MeasureControl loads its plugin from
    a CDN): press the button, click two points, read the great-circle distance (sphere of
    the Earth's mean radius, 6,371.0088 km; within about 0.5 % of the WGS-84 geodesic)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.measure({{ this._parent.get_name() }}, {{ this.icon|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MeasureDistance"
        self.icon = (
            '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="#333" '
            'stroke-width="2"><path d="M3 17L17 3l4 4L7 21z"/><path d="M7 13l2 2M10 10l2 2M13 7l2 2"/></svg>'
        )


class CopyLinkButton(RawScriptElement):
    """A "Copy link" button that copies the page's address: the server keeps the whole view in
    it (``dashboard.ui.state.write_url``), so the link reopens the dashboard as the reader sees it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.copyLink({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "CopyLinkButton"


class MapLandmark(RawScriptElement):
    """Makes the map's container a named landmark (``region`` in the app's iframe, ``main`` in a
    standalone page), so the controls, legend and tooltips drawn inside it are inside a landmark
    and screen-reader users can jump to the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.landmark({{ this._parent.get_name() }}, {{ this.role|tojson }}, {{ this.label|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, role: str, label: str) -> None:
        super().__init__()
        self._name = "MapLandmark"
        self.role = role
        self.label = label


class StillPageOnTap(RawScriptElement):
    """Leaflet focuses the map's container on every mouse or touch press, which scrolls the page
    to show the whole map: on a phone whose screen shows only the top of the map, a tap on a
    marker then lands on the map beside it after the page has moved, and selects nothing. Focus
    the container without scrolling instead (``preventScroll``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dashboardMap.stillPageOnTap({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "StillPageOnTap"
