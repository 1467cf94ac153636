"""The map panel: a base map that stays mounted for the session, and feature groups drawn from the
composed plan. Clicks (and Enter on a focused marker) select; pans and zooms are kept in the view."""
from __future__ import annotations

import streamlit as st

from dashboard.core.geometry import mercator_centre
from dashboard.core.render.compose import MapPlan
from dashboard.core.view.state import ViewState
from dashboard.ui import data, state
from dashboard.ui.foliumcache import base_map_text, map_component

MAP_KEY = "site_map"
MAP_HEIGHT = 560
#: What the map tells the server: a click (or Enter) on a marker, and where it looks after a move.
RETURNED = ("last_object_clicked", "last_object_clicked_count", "bounds", "zoom")


def _on_map_event(plan: MapPlan) -> None:
    value = st.session_state.get(MAP_KEY) or {}
    clicked = value.get("last_object_clicked")
    count = value.get("last_object_clicked_count")
    if clicked and count != st.session_state.get("_map_clicks"):
        st.session_state["_map_clicks"] = count
        key = plan.key_at(float(clicked["lat"]), float(clicked["lng"]))
        if key:
            state.select(key)
            return
    bounds, zoom = value.get("bounds"), value.get("zoom")
    if bounds and zoom and bounds.get("_southWest") and bounds["_southWest"].get("lat") is not None:
        south, north = bounds["_southWest"], bounds["_northEast"]
        centre = mercator_centre(south["lat"], south["lng"], north["lat"], north["lng"])
        state.moved_map(centre, int(zoom))


def render_map(plan: MapPlan, view: ViewState) -> None:
    """Draw ``plan`` on the session's base map (rendered once for the view the session opened
    on, so the map never remounts). The map frames itself on the plan's focus and zooms to its
    selection (``dashboard/static/dashboard/map.js``)."""
    start = state.initial_view()
    base = base_map_text(start.lat, start.lon, start.zoom, view.basemap)
    groups = data.map_groups(plan, keep_first_frame=start.has_map_view, basemap=view.basemap)
    map_component(
        base,
        groups,
        key=MAP_KEY,
        height=MAP_HEIGHT,
        returned_objects=RETURNED,
        center=None,
        on_change=lambda: _on_map_event(plan),
    )
