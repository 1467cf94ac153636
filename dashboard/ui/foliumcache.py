"""streamlit-folium's map component, fed with strings rendered once and shared by every session.

``st_folium`` renders the whole Folium figure on every call (twice: branca's pass and its own),
which was most of a run's CPU. What it hands its component is plain text: the base map's script,
header and HTML, and the feature groups' and the layer control's scripts. The base map depends
only on where a session's map opens and on the basemap; the groups only on the composed plan. So
both are rendered here with streamlit-folium's own functions, cached, and passed to its component
as ``st_folium`` would pass them (``tests/app/test_foliumcache.py`` checks the arguments are the
same as ``st_folium``'s for the same map).

This follows streamlit-folium 0.27 (``requirements.txt`` pins ``<0.28``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import streamlit as st
import streamlit_folium as sf

from dashboard.core.render.base import build_base_map
from dashboard.core.render.basemap import SERVED_BASEMAP_URL
from dashboard.core.view.state import ViewState

PAYLOADS_KEPT = 256

#: The views the map takes by itself (its opening view, each frame, each selection zoom) are not
#: moves by the reader and are not reported (``dashboardMap.holdOwnViews`` in
#: ``dashboard/static/dashboard/map.js``): opening a link runs the page once, not twice (the second
#: run could swallow a click made meanwhile, and was a whole run of server work per reader). The
#: names and their order are those of the component's value (``RETURNED`` in ``ui/mappanel.py``).
OWN_VIEWS_NOT_REPORTED = (
    '\ndashboardMap.holdOwnViews(map_div, ["last_object_clicked", "last_object_clicked_count", "bounds", "zoom"]);\n'
)


@dataclass(frozen=True)
class BaseMapText:
    """The base map as the component reads it."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    bounds: dict[str, dict[str, float | None]]
    zoom: int | None


def _links(fmap: folium.Map) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The CSS and JS files the figure asks for, in order, each once (as ``st_folium`` collects them)."""
    css: list[str] = []
    js: list[str] = []

    def walk(element: Any) -> None:
        if isinstance(element, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(element, "default_css", []))
            js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js))


def _bounds(fmap: folium.Map) -> dict[str, dict[str, float | None]]:
    (south, west), (north, east) = fmap.get_bounds()
    return {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}


def _rendered_base(view: ViewState) -> tuple[folium.Map, BaseMapText]:
    """A base map for ``view`` rendered the way ``st_folium`` renders it (this renames its
    elements' variables to stable names, which the groups' scripts then refer to)."""
    fmap = build_base_map(view, SERVED_BASEMAP_URL)
    fmap.get_root().render()
    fmap.render()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap) + OWN_VIEWS_NOT_REPORTED
    css, js = _links(fmap)
    text = BaseMapText(script, header, html, sf.get_full_id(fmap), css, js, _bounds(fmap), fmap.options.get("zoom"))
    return fmap, text


@st.cache_resource(show_spinner=False, max_entries=PAYLOADS_KEPT)
def base_map_text(lat: float | None, lon: float | None, zoom: int | None, basemap: str) -> BaseMapText:
    """The base map a session opens on (its link's lat/lon/zoom, or the default) with this basemap."""
    return _rendered_base(ViewState(lat=lat, lon=lon, zoom=zoom, basemap=basemap))[1]


def groups_text(groups: Sequence[folium.FeatureGroup], basemap: str) -> tuple[str, str]:
    """The feature groups' script and the layer control's script, on a base map of ``basemap``."""
    fmap, _ = _rendered_base(ViewState(basemap=basemap))
    script = "".join(sf._get_feature_group_string(group, map=fmap, idx=index) for index, group in enumerate(groups))
    control = sf._get_layer_control_string(folium.LayerControl(collapsed=True), fmap)
    return script, control


def map_component(
    base: BaseMapText,
    groups: tuple[str, str],
    *,
    key: str,
    height: int,
    returned_objects: Iterable[str],
    center: tuple[float, float] | None,
    on_change: Callable[[], None],
) -> Any:
    """Show the map as ``st_folium(base, key=key, height=height, use_container_width=True,
    returned_objects=..., feature_group_to_add=..., layer_control=..., center=center,
    on_change=on_change)`` would; returns the component's value."""
    wanted = list(returned_objects)
    defaults = {"last_object_clicked": None, "last_object_clicked_count": None, "bounds": base.bounds,
                "zoom": base.zoom}
    hash_key = sf.generate_js_hash(base.script, key, False)

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        on_change()

    return sf._component_func(
        script=base.script,
        header=base.header,
        html=base.html,
        id=base.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=wanted,
        default={name: value for name, value in defaults.items() if name in wanted},
        zoom=None,
        center=center,
        feature_group=groups[0],
        return_on_hover=False,
        layer_control=groups[1],
        pixelated=False,
        css_links=list(base.css_links),
        js_links=list(base.js_links),
        on_change=changed,
        wrap_longitude=False,
    )
