"""A minimal Streamlit + st_folium app: the dashboard's markers drawn with plain Folium.

``bench/page.py`` runs a copy of it from a temporary folder whose ``static/`` holds Leaflet and
jQuery (Streamlit serves the ``static/`` folder next to the entry script at ``/app/static/``)::

    BENCH_MAP_SPEC=/tmp/.../map-spec.json .venv/bin/python -m streamlit run /tmp/.../minimal_app.py

The map spec (written by ``bench/page.py`` from the dashboard's core) names the site and place
markers, the country-outlines file, the map's centre, zoom and height and the local asset URLs.
This module also builds the plain-Folium map of the static floor page (``floor_map``), so that
page and this app draw exactly the same things. With ``BENCH_OUTLINES=served`` the app fetches the
outlines from ``/app/static/`` with the dashboard's own layer instead of embedding them (the one
thing it then takes from ``dashboard``), to compare like with like.
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

SPEC_ENV = "BENCH_MAP_SPEC"
OUTLINES_ENV = "BENCH_OUTLINES"
PLACES_GROUP = "Other places in the article"
OUTLINES_LAYER = "Country outlines"
SITE_SIZE = 24
PLACE_SIZE = 14


def read_spec(path: str | Path) -> dict[str, Any]:
    """The map spec written by ``bench/page.py``, with its country outlines loaded."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    spec["outlines"] = json.loads(Path(spec["outlines_path"]).read_text(encoding="utf-8"))
    return spec


def _dot(class_name: str, size: int, colour: str) -> folium.DivIcon:
    """A round marker icon: one inline SVG circle in an element with ``class_name``."""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{size}" height="{size}">'
        f'<circle cx="12" cy="12" r="10" fill="{colour}" stroke="#ffffff" stroke-width="2"/></svg>'
    )
    return folium.DivIcon(html=svg, icon_size=(size, size), icon_anchor=(size // 2, size // 2), class_name=class_name)


def base_map(spec: dict[str, Any], served_outlines: bool = False) -> folium.Map:
    """The map without markers: no tiles, the country outlines (embedded, or fetched by the
    browser from the app's static folder), local Leaflet and jQuery."""
    fmap = folium.Map(location=spec["center"], zoom_start=spec["zoom"], tiles=None, height=spec["height"])
    fmap.default_js = [tuple(pair) for pair in spec["assets"]["js"]]
    fmap.default_css = [tuple(pair) for pair in spec["assets"]["css"]]
    if served_outlines:
        from dashboard.core.render.basemap import SERVED_BASEMAP_URL, ServedBasemapLayer

        ServedBasemapLayer(SERVED_BASEMAP_URL).add_to(fmap)
    else:
        folium.GeoJson(spec["outlines"], name=OUTLINES_LAYER).add_to(fmap)
    return fmap


def marker_groups(spec: dict[str, Any], proposals: Sequence[str]) -> list[folium.FeatureGroup]:
    """One group per proposal (named by its label) with its sites, then the article places."""
    groups = []
    for proposal in spec["proposals"]:
        group = folium.FeatureGroup(name=proposal["label"])
        if proposal["id"] in proposals:
            for site in spec["sites"]:
                if site["proposal"] == proposal["id"]:
                    folium.Marker(
                        (site["lat"], site["lon"]),
                        icon=_dot(f"site-marker site-{site['id']}", SITE_SIZE, site["colour"]),
                        tooltip=site["name"],
                    ).add_to(group)
        groups.append(group)
    places = folium.FeatureGroup(name=PLACES_GROUP)
    for place in spec["places"]:
        folium.Marker(
            (place["lat"], place["lon"]), icon=_dot("place-marker", PLACE_SIZE, "#6F6F6F"), tooltip=place["name"]
        ).add_to(places)
    groups.append(places)
    return groups


def floor_map(spec: dict[str, Any]) -> folium.Map:
    """The static page's map: every marker group on the base map and an open layer control
    (unticking a proposal there is the page's client-only filter)."""
    fmap = base_map(spec)
    for group in marker_groups(spec, [proposal["id"] for proposal in spec["proposals"]]):
        group.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


@st.cache_resource(show_spinner=False)
def cached_spec(path: str) -> dict[str, Any]:
    """The map spec, read once per process and shared read-only (not copied per rerun)."""
    return read_spec(path)


def main() -> None:
    """The app: a proposal multiselect in the sidebar and the map, updated without remounting."""
    st.set_page_config(page_title="Minimal st_folium app", layout="wide")
    spec = cached_spec(os.environ[SPEC_ENV])
    labels = {proposal["id"]: proposal["label"] for proposal in spec["proposals"]}
    chosen = st.sidebar.multiselect("Proposals", options=list(labels), default=list(labels), format_func=labels.get)
    st_folium(
        base_map(spec, served_outlines=os.environ.get(OUTLINES_ENV) == "served"),
        key="map",
        height=spec["height"],
        use_container_width=True,
        returned_objects=["last_object_clicked"],
        feature_group_to_add=marker_groups(spec, chosen),
        layer_control=folium.LayerControl(collapsed=True),
    )


if __name__ == "__main__":
    main()
