"""The map component gets, from the strings rendered once and cached, exactly what ``st_folium``
would hand it for the same map (the base map's script followed by the hook that keeps the map's own
views from being reported): if streamlit-folium changes how it renders, this fails."""
from __future__ import annotations

import datetime as dt

import folium
import pytest
import streamlit_folium as sf

from dashboard.core.geography import build_geography
from dashboard.core.geoparse.article import load_article
from dashboard.core.render.base import build_base_map
from dashboard.core.render.basemap import SERVED_BASEMAP_URL
from dashboard.core.render.compose import compose_map, draw_groups
from dashboard.core.view.state import ViewState
from dashboard.services.articles import bundled_articles_dir, catalogue
from dashboard.ui.foliumcache import (
    OWN_VIEWS_NOT_REPORTED,
    _rendered_base,
    groups_text,
    map_component,
)

RETURNED = ("last_object_clicked", "last_object_clicked_count", "bounds", "zoom")


@pytest.fixture()
def captured(monkeypatch):
    calls: list[dict] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: calls.append(kwargs) or None)
    return calls


@pytest.mark.parametrize(
    "view",
    [ViewState(basemap="offline"), ViewState(basemap="osm", lat=50.0, lon=30.0, zoom=4)],
    ids=["offline default view", "osm from a link's view"],
)
def test_the_cached_strings_are_what_st_folium_would_send(captured, view: ViewState) -> None:
    article = load_article(bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md")
    geo = build_geography(article, [], catalogue())
    plan = compose_map(geo, view.with_changes(layers=("places", "rings", "lines")), dt.date(2007, 6, 7))

    sf.st_folium(build_base_map(view, SERVED_BASEMAP_URL), key="site_map", height=560, use_container_width=True,
                 returned_objects=list(RETURNED), feature_group_to_add=draw_groups(plan, keep_first_frame=True),
                 layer_control=folium.LayerControl(collapsed=True), center=(40.0, 47.0), on_change=lambda: None)
    base = _rendered_base(view)[1]
    map_component(base, groups_text(draw_groups(plan, keep_first_frame=True), view.basemap), key="site_map",
                  height=560, returned_objects=RETURNED, center=(40.0, 47.0), on_change=lambda: None)
    theirs, ours = ({k: v for k, v in call.items() if k != "on_change"} for call in captured)
    assert set(theirs) == set(ours)
    # the component's key is the hash of its script, as st_folium makes it
    assert theirs["key"] == sf.generate_js_hash(theirs["script"], "site_map", False)
    script = theirs["script"] + OWN_VIEWS_NOT_REPORTED
    expected = dict(theirs, script=script, key=sf.generate_js_hash(script, "site_map", False))
    for name in theirs:
        assert ours[name] == expected[name], name
    assert "site-gabala-radar" in ours["feature_group"] and "map_div" in ours["layer_control"]
