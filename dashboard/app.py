"""Streamlit entry point: page layout only (``streamlit run dashboard/app.py``)."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.core.escape import for_markdown
from dashboard.core.geography import (
    MAX_PLACE_MARKERS,
    place_markers,
    visible_places,
    visible_sites,
)
from dashboard.core.view.state import Choices
from dashboard.services.static_assets import ensure_static_assets
from dashboard.ui import data, state
from dashboard.ui.analysis_panel import (
    render_comparison,
    render_distances,
    render_exports,
    render_timeline,
)
from dashboard.ui.library_panel import (
    render_add_article,
    render_article_choice,
    render_remove,
)
from dashboard.ui.mappanel import render_map
from dashboard.ui.sidebar import (
    render_date,
    render_excerpts,
    render_filters,
    render_site_list,
)
from dashboard.ui.tables import render_sites_table

st.set_page_config(page_title="Missile-defense geography, 2007", page_icon="🛰️", layout="wide")
ensure_static_assets()
st.html(
    "<style>@media (max-width: 640px) {"
    " iframe[title='streamlit_folium.st_folium'] { height: 65vh !important; } }</style>"
)

settings = data.settings()
articles, stored_ids = data.articles()
choices = Choices(
    articles=frozenset(articles),
    sites=frozenset(site.id for site in data.library().sites),
    default_article=next(iter(articles)),
    default_basemap="offline" if settings.offline else "osm",
)
state.init_view(choices, forced_basemap="offline" if settings.offline else None)
state.apply_pending_article()
view = state.current_view()
if view.article not in articles:
    view = view.with_changes(article=choices.default_article)
article = articles[view.article]
geo, online_work = data.geography(article.id)

st.title(for_markdown(article.title))
byline = " · ".join(part for part in (article.outlet, article.author, article.date.isoformat() if article.date else "") if part)
st.caption(for_markdown(byline))
if article.url.startswith(("http://", "https://")):
    st.link_button("Read the original article", article.url)
# both quote outside text (a link's values, a geocoder's error message): shown as text, never Markdown
if notice := state.link_notice():
    st.warning(for_markdown(notice))
for message in geo.notices:
    st.info(for_markdown(message))

with st.sidebar:
    render_article_choice(articles, article.id)
    for message in data.article_library().notices:
        st.warning(for_markdown(message))
    reading = st.container()  # filled below, once the filters are known: sites and excerpts first
    with st.expander("Filters", expanded=True):
        view = render_filters(view)
        view = render_date(view, article.date)
        if not settings.offline:
            basemap = st.radio(
                "Basemap",
                options=["osm", "offline"],
                format_func={"osm": "OpenStreetMap (online)", "offline": "Country outlines (offline)"}.__getitem__,
                key=state.BASEMAP_WIDGET,
                horizontal=True,
            )
            view = view.with_changes(basemap=basemap)
    sites = visible_sites(geo, view)
    places = place_markers(visible_places(geo, view))
    with reading:
        st.caption(f"Showing {len(sites)} of {len(geo.sites)} sites and {places.shown_places} other places.")
        if places.clusters:
            st.caption(f"Nearby places are grouped: {len(places.clusters)} markers stand for several places each.")
        if places.dropped_places:
            st.caption(
                f"{places.dropped_places} of {places.total_places} places are not drawn "
                f"(at most {MAX_PLACE_MARKERS} markers; the least mentioned are left out)."
            )
        if not geo.places:
            st.info("This article names no place the gazetteer knows.")
        elif not sites and not places.total_places:
            st.warning("No site matches these filters.")
            st.button("Show everything again", on_click=state.reset_filters)
        render_site_list(sites, view)
        view = view.with_changes(site=st.session_state[state.SITE_WIDGET] or None)
        st.subheader("What the article says")
        render_excerpts(geo, view)

    # built only while open: its upload and text widgets would hold back the map's first paint
    adding = st.expander("Add an article", key=state.ADD_ARTICLE_WIDGET, on_change="rerun")
    if adding.open:
        with adding:
            render_add_article(settings, data.article_library())
    render_remove(data.article_library(), article, article.id in stored_ids)

state.set_view(view)
day = view.date or article.date or dt.date.today()
render_map(geo, view, day, places)
st.caption(
    "Map data © OpenStreetMap contributors (online basemap) · country outlines: Natural Earth (public domain) · "
    "place names: GeoNames (CC BY 4.0)."
)
analysis_panels = {
    "Sites (table)": lambda: render_sites_table(sites, view),
    "Distances": lambda: render_distances(geo.sites),
    "Timeline": lambda: render_timeline(geo, day),
    "US plan vs Russian proposal": lambda: render_comparison(geo, day),
    "Export": lambda: render_exports(geo, view),
}
# only the open tab is computed and sent: a filter change does not redraw a chart nobody sees
tabs = st.tabs(list(analysis_panels), key=state.ANALYSIS_TAB_WIDGET, on_change="rerun")
for tab, render_panel in zip(tabs, analysis_panels.values()):
    if tab.open:
        with tab:
            render_panel()
st.caption("To share this view, use **Copy link** on the map or copy the address bar: it always holds the filters, the selected site and the map position.")
state.write_url(view)
if online_work:
    # the page above already shows the gazetteer's places; now ask Nominatim for the rest
    with st.status("Asking Nominatim about names the gazetteer could not place…") as status:
        bar = st.progress(0.0)

        def show(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"{done} of {total} names (at most one request a second)")

        data.complete_online(article.id, show)
        status.update(label="Places from Nominatim added", state="complete")
    st.rerun()
