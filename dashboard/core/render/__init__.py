"""Rendering with Folium: markers, overlays, controls, basemap, the composed map and exports."""
