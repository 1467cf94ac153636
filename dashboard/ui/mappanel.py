"""The map panel: a base map that stays mounted for the session, and feature groups that follow
the view. Clicks (and Enter on a focused marker) select; pans and zooms are kept in the view."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.core.geography import ArticleGeography
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
            state.select(key, pan=False)
            return
    bounds, zoom = value.get("bounds"), value.get("zoom")
    if bounds and zoom and bounds.get("_southWest") and bounds["_southWest"].get("lat") is not None:
        south, north = bounds["_southWest"], bounds["_northEast"]
        centre = mercator_centre(south["lat"], south["lng"], north["lat"], north["lng"])
        state.moved_map(centre, int(zoom))


def render_map(geo: ArticleGeography, view: ViewState, day: dt.date, plan: MapPlan) -> None:
    """Draw ``plan`` on the session's base map (rendered once for the view the session opened
    on, so the map never remounts); a selection made in the page pans the map to it."""
    start = state.initial_view()
    base = base_map_text(start.lat, start.lon, start.zoom, view.basemap)
    groups = data.map_groups(geo, view, day, keep_first_frame=start.has_map_view)
    pan_to = state.selection_to_pan_to()
    target = None
    if pan_to and pan_to == view.site:
        site = geo.site(pan_to)
        group = geo.place_group(pan_to)
        target = (site.lat, site.lon) if site else (group.lat, group.lon) if group else None
    map_component(
        base,
        groups,
        key=MAP_KEY,
        height=MAP_HEIGHT,
        returned_objects=RETURNED,
        center=target,
        on_change=lambda: _on_map_event(plan),
    )
