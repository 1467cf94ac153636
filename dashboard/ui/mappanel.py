"""The map panel: a base map that stays mounted for the session, and feature groups that follow
the view. Clicks (and Enter on a focused marker) select; pans and zooms are kept in the view."""
from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from dashboard.core.geography import ArticleGeography
from dashboard.core.render.base import build_base_map
from dashboard.core.render.basemap import SERVED_BASEMAP_URL
from dashboard.core.render.compose import MapPlan, draw_groups
from dashboard.core.view.state import ViewState
from dashboard.ui import state

MAP_KEY = "site_map"
MAP_HEIGHT = 560


def _on_map_event(plan: MapPlan) -> None:
    value = st.session_state.get(MAP_KEY) or {}
    clicked = value.get("last_object_clicked")
    count = value.get("last_object_clicked_count")
    if clicked and count != st.session_state.get("_map_clicks"):
        st.session_state["_map_clicks"] = count
        key = plan.key_at(float(clicked["lat"]), float(clicked["lng"]))
        if key:
            state.select(key, pan=False)
            return
    bounds, zoom = value.get("bounds"), value.get("zoom")
    if bounds and zoom and bounds.get("_southWest") and bounds["_southWest"].get("lat") is not None:
        south, north = bounds["_southWest"], bounds["_northEast"]
        centre = ((south["lat"] + north["lat"]) / 2, (south["lng"] + north["lng"]) / 2)
        state.moved_map(centre, int(zoom))


def render_map(geo: ArticleGeography, view: ViewState, plan: MapPlan) -> None:
    """Draw ``plan`` on the session's base map (built once from the opening view, so the map
    never remounts); a selection made in the page pans the map to it."""
    start = state.initial_view()
    base = build_base_map(start.with_changes(basemap=view.basemap), SERVED_BASEMAP_URL)
    pan_to = state.selection_to_pan_to()
    target = None
    if pan_to and pan_to == view.site:
        site = geo.site(pan_to)
        group = geo.place_group(pan_to)
        target = (site.lat, site.lon) if site else (group.lat, group.lon) if group else None
    st_folium(
        base,
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=["last_object_clicked", "last_object_clicked_count", "bounds", "zoom"],
        feature_group_to_add=draw_groups(plan, keep_first_frame=start.has_map_view),
        layer_control=folium.LayerControl(collapsed=True),
        center=target,
        on_change=lambda: _on_map_event(plan),
    )
