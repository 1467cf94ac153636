"""The map panel: a base map that stays mounted, and feature groups that follow the view."""
from __future__ import annotations

import datetime as dt

import folium
import streamlit as st
from streamlit_folium import st_folium

from dashboard.core.geography import ArticleGeography, PlaceMarkers, visible_sites
from dashboard.core.render.basemap import SERVED_BASEMAP_URL
from dashboard.core.render.mapview import build_base_map, build_feature_groups
from dashboard.core.render.overlays import range_layers, status_map, tehran_lines
from dashboard.core.view.state import ViewState
from dashboard.ui import data, state

MAP_KEY = "site_map"
MAP_HEIGHT = 560
CLICK_TOLERANCE_DEG = 1e-5


def _site_at(geo: ArticleGeography, lat: float, lon: float) -> str | None:
    for site in geo.sites:
        if abs(site.lat - lat) < CLICK_TOLERANCE_DEG and abs(site.lon - lon) < CLICK_TOLERANCE_DEG:
            return site.id
    return None


def _on_map_click(geo: ArticleGeography) -> None:
    clicked = (st.session_state.get(MAP_KEY) or {}).get("last_object_clicked")
    if clicked:
        site_id = _site_at(geo, float(clicked["lat"]), float(clicked["lng"]))
        if site_id:
            state.select_site(site_id)


def render_map(geo: ArticleGeography, view: ViewState, day: dt.date, places: PlaceMarkers) -> None:
    """Draw the map; a click on a site marker selects the site (no rerun on pan or zoom).

    Markers take their status on ``day``; rings and lines follow ``view.layers``.
    """
    start = state.initial_view()
    base = build_base_map(start.with_changes(basemap=view.basemap), SERVED_BASEMAP_URL)
    sites = visible_sites(geo, view)
    statuses = status_map(data.events(), [site.id for site in sites], day)
    groups = build_feature_groups(sites, places.singles, view, statuses, places.clusters)
    if "rings" in view.layers:
        groups.append(range_layers(sites, data.ranges()))
    if "lines" in view.layers:
        groups.append(tehran_lines(sites))
    pan_to = state.site_to_pan_to()
    selected = geo.site(pan_to) if pan_to and pan_to == view.site else None
    st_folium(
        base,
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=["last_object_clicked"],
        feature_group_to_add=groups,
        layer_control=folium.LayerControl(collapsed=True),
        center=(selected.lat, selected.lon) if selected else None,
        on_change=lambda: _on_map_click(geo),
    )
