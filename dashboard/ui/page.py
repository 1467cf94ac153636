"""The dashboard's page: its layout, top to bottom (``dashboard/app.py`` calls :func:`render_page`)."""
from __future__ import annotations

import streamlit as st

from dashboard.config import Settings
from dashboard.core import format as fmt
from dashboard.core.escape import for_markdown
from dashboard.core.geography import visible_places, visible_sites
from dashboard.core.view.state import Choices
from dashboard.services.static_assets import ensure_static_assets
from dashboard.ui import atlas_page, data, state
from dashboard.ui.analysis_panel import (
    render_comparisons,
    render_distances,
    render_exports,
    render_timeline,
)
from dashboard.ui.library_panel import (
    render_add_article,
    render_article_choice,
    render_library_flash,
    render_remove,
)
from dashboard.ui.mappanel import render_map
from dashboard.ui.publish_panel import render_publish
from dashboard.ui.reader import render_article_text, render_removed_places, render_selection
from dashboard.ui.sidebar import (
    render_basemap,
    render_date,
    render_filters,
    render_site_list,
)
from dashboard.ui.tables import render_sites_table


def render_add_action(settings: Settings) -> None:
    """The first thing on the page: "Map your own article" (paste, upload or a URL), and what
    the last add or remove did."""
    render_library_flash()
    # built only while open: its upload and text widgets would hold back the map's first paint
    adding = st.expander("Map your own article", key=state.ADD_ARTICLE_WIDGET, on_change="rerun",
                         icon=":material/add_location_alt:")
    if adding.open:
        with adding:
            render_add_article(settings, data.article_library())


def render_page() -> None:
    """Lay out the whole page for this run (Streamlit runs it again on every interaction)."""
    st.set_page_config(page_title="Missile-defense geography", page_icon="🛰️", layout="wide")
    ensure_static_assets()
    # Streamlit fades captions to 60 % opacity: 3.9:1 on white, under WCAG AA's 4.5:1 (axe
    # color-contrast); 85 % keeps them lighter than the text at 8:1 (their links 5:1), in either theme.
    st.html(
        "<style>div[data-testid='stCaptionContainer'] { opacity: .85; }"
        # a table's long cells wrap instead of making the page scroll sideways (phones)
        " div[data-testid='stMarkdownContainer'] :is(th, td) { overflow-wrap: anywhere; }"
        " @media (max-width: 640px) {"
        " div[data-testid='stMarkdownContainer'] table { font-size: .8rem; }"
        " div[data-testid='stMarkdownContainer'] :is(th, td) { padding: .25rem .3rem; }"
        " iframe[title='streamlit_folium.st_folium'] { height: 60vh !important; }"
        " div[data-testid='stHeading'] h1 { font-size: 1.9rem; } }</style>"
    )

    settings = data.settings()
    topics = data.topics()
    if atlas_page.atlas_asked_for():
        atlas_page.render_atlas_page(topics, "offline" if settings.offline else "osm")
        return
    articles, stored_ids = data.articles()
    if state.article_asked_for() not in (None, *articles):  # perhaps just added on another server
        data.forget_library_listing()
        articles, stored_ids = data.articles()
    choices = Choices(
        articles=frozenset(articles),
        sites=frozenset(site.id for site in topics.sites),
        categories=tuple(category.id for category in topics.categories),
        roles=tuple(role.id for role in topics.roles),
        default_article=next(iter(articles)),
        default_basemap="offline" if settings.offline else "osm",
        place_keys=lambda article_id: frozenset(group.key for group in data.geography(article_id)[0].other_places),
    )
    state.init_view(choices, forced_basemap="offline" if settings.offline else None)
    state.apply_pending_article()
    view = state.current_view()
    if view.article not in articles:
        view = state.change_view(article=choices.default_article)
    article = articles[view.article]
    geo, online_work = data.geography(article.id)
    day = state.day_for(view, article.date)

    render_add_action(settings)
    st.title(for_markdown(article.title))
    byline = " · ".join(part for part in (article.outlet, article.author, fmt.day(article.date) if article.date else "") if part)
    st.caption(for_markdown(byline))
    if article.url.startswith(("http://", "https://")):
        st.link_button("Read the original article", article.url)
    for topic in geo.topics:
        st.markdown(f"**{for_markdown(topic.title)}.** {for_markdown(topic.summary)}")
    # these quote outside text (a link's values, a geocoder's message, a data file): shown as text, never Markdown
    if notice := state.link_notice():
        st.warning(for_markdown(notice))
    for message in geo.notices:
        st.info(for_markdown(message))
    for failure in topics.failures:
        st.error(for_markdown(f"The topic {failure.topic!r} could not be loaded and is left out: {failure.message}"))

    sites = visible_sites(geo, view)
    plan = data.map_plan(geo, view, day)
    if plan.frame is not None:
        state.framed_on(plan.frame_key)
    map_column, reading_column = st.columns([3, 2], gap="medium")
    with map_column:
        render_map(plan, view)
        for note in plan.notes:
            st.caption(for_markdown(note))
        render_removed_places(geo, view.hidden)
        if not geo.places and not geo.sites:
            st.info("This article names no place the gazetteer knows.")
        elif not plan.sites_shown and not plan.places.total_places:
            st.warning("No site matches these filters.")
            st.button("Show everything again", on_click=state.reset_filters)
        st.caption(
            "Map data © OpenStreetMap contributors (online basemap) · country outlines: Natural Earth (public domain) · "
            "place names: GeoNames (CC BY 4.0). To share this view, use **Copy link** on the map or copy the address bar."
        )
        render_publish(settings, geo, view, day)
    with reading_column:
        with st.container(key="selection"):
            render_selection(geo, view.site, view.hidden)
        st.markdown("**The article** · places it names are highlighted; click one to find it on the map")
        render_article_text(geo, sites, visible_places(geo, view), view.site)

    # the sidebar after the map: the page's first paint waits for no widget of the sidebar
    with st.sidebar:
        render_article_choice(articles, article.id, stored_ids, data.added_days())
        atlas_page.render_atlas_link()
        for message in data.article_library().notices:
            st.warning(for_markdown(message))
        render_remove(data.article_library(), article, article.id in stored_ids)
        if geo.sites:
            render_site_list(sites, view)
        with st.expander("Filters and layers", expanded=True):
            render_filters(geo, view)
            render_date(geo, view, day)
            if not settings.offline:
                render_basemap(view)

    analysis_panels = {
        "Sites (table)": lambda: render_sites_table(geo, sites, view),
        "Distances": lambda: render_distances(geo),
        "Timeline": lambda: render_timeline(geo, day),
        "Side by side": lambda: render_comparisons(geo, day),
        "Export": lambda: render_exports(geo, view, day),
    }
    # only the open tab is computed and sent: a filter change does not redraw a chart nobody sees
    tabs = st.tabs(list(analysis_panels), key=state.ANALYSIS_TAB_WIDGET, on_change="rerun")
    for tab, render_panel in zip(tabs, analysis_panels.values()):
        if tab.open:
            with tab:
                render_panel()
    state.write_url(state.current_view())
    if online_work:
        # the page above already shows the gazetteer's places; now ask Nominatim for the rest
        with st.status("Asking Nominatim about names the gazetteer could not place…") as status:
            bar = st.progress(0.0)

            def show(done: int, total: int) -> None:
                bar.progress(done / total if total else 1.0, text=f"{done} of {total} names (at most one request a second)")

            data.complete_online(article.id, show)
            status.update(label="Places from Nominatim added", state="complete")
        st.rerun()
