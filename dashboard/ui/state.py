"""View state in the session: read from the URL once, changed by widgets and map clicks,
written back to the URL after every run. Only ids and filters are kept in the session."""
from __future__ import annotations

import streamlit as st

from dashboard.core.view.state import (
    Choices,
    ViewState,
    parse_query,
    summarize_problems,
    to_query,
)

VIEW_KEY = "view"
INITIAL_VIEW_KEY = "initial_view"
NOTICE_KEY = "link_notice"
PAN_TO_KEY = "pan_to_site"
PENDING_ARTICLE_KEY = "pending_article"
NO_ARTICLE = "-"
PROPOSALS_WIDGET = "filter_proposals"
ROLES_WIDGET = "filter_roles"
SITE_WIDGET = "site_choice"
PLACES_WIDGET = "show_places"
BASEMAP_WIDGET = "basemap_choice"
DATE_WIDGET = "date_choice"
RINGS_WIDGET = "show_rings"
LINES_WIDGET = "show_lines"
ANALYSIS_TAB_WIDGET = "analysis_tab"
ADD_ARTICLE_WIDGET = "add_article_open"
NO_SITE = ""
MAP_VIEW_KEYS = ("lat", "lon", "zoom")


def init_view(choices: Choices, forced_basemap: str | None) -> ViewState:
    """Return the session's view, parsing the URL on the session's first run only."""
    if VIEW_KEY not in st.session_state:
        params = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
        result = parse_query(params, choices)
        view = result.state
        if forced_basemap and view.basemap != forced_basemap:
            view = view.with_changes(basemap=forced_basemap)
        st.session_state[VIEW_KEY] = view
        st.session_state[INITIAL_VIEW_KEY] = view
        st.session_state[NOTICE_KEY] = summarize_problems(result.problems)
        _seed_widgets(view)
    return st.session_state[VIEW_KEY]


def _seed_widgets(view: ViewState) -> None:
    st.session_state[PROPOSALS_WIDGET] = list(view.proposals)
    st.session_state[ROLES_WIDGET] = list(view.roles)
    st.session_state[SITE_WIDGET] = view.site or NO_SITE
    st.session_state[PLACES_WIDGET] = "places" in view.layers
    st.session_state[BASEMAP_WIDGET] = view.basemap
    st.session_state[RINGS_WIDGET] = "rings" in view.layers
    st.session_state[LINES_WIDGET] = "lines" in view.layers
    if view.date is not None:
        st.session_state[DATE_WIDGET] = view.date


def current_view() -> ViewState:
    """The session's view as it stands."""
    return st.session_state[VIEW_KEY]


def initial_view() -> ViewState:
    """The view the session started with (the map is built around it, so it never remounts)."""
    return st.session_state[INITIAL_VIEW_KEY]


def link_notice() -> str | None:
    """The one notice about values dropped from the opening link, if any."""
    return st.session_state.get(NOTICE_KEY)


def set_view(view: ViewState) -> None:
    """Store the view for this session."""
    st.session_state[VIEW_KEY] = view


def reset_filters() -> None:
    """Widget callback: show every proposal and role again."""
    view: ViewState = st.session_state[VIEW_KEY]
    fresh = ViewState()
    view = view.with_changes(proposals=fresh.proposals, roles=fresh.roles)
    st.session_state[VIEW_KEY] = view
    st.session_state[PROPOSALS_WIDGET] = list(view.proposals)
    st.session_state[ROLES_WIDGET] = list(view.roles)


def select_site(site_id: str | None) -> None:
    """Select a site (or none) from a callback, keeping the site list in step.

    The map pans to a site chosen in this session; a site named by the opening link does
    not move the map away from the link's own view.
    """
    view: ViewState = st.session_state[VIEW_KEY]
    st.session_state[VIEW_KEY] = view.with_changes(site=site_id)
    st.session_state[SITE_WIDGET] = site_id or NO_SITE
    st.session_state[PAN_TO_KEY] = site_id


def select_article(article_id: str | None) -> None:
    """Show another article (None: the default one); its selection starts empty."""
    view: ViewState = st.session_state[VIEW_KEY]
    st.session_state[VIEW_KEY] = view.with_changes(article=article_id, site=None)
    st.session_state[SITE_WIDGET] = NO_SITE
    st.session_state[PAN_TO_KEY] = None


def show_article_next(article_id: str | None) -> None:
    """Ask the next run to show ``article_id`` (for code that runs after the widgets)."""
    st.session_state[PENDING_ARTICLE_KEY] = article_id or NO_ARTICLE


def apply_pending_article() -> None:
    """At the top of a run: switch to the article asked for by the previous run, if any."""
    pending = st.session_state.pop(PENDING_ARTICLE_KEY, None)
    if pending is not None and VIEW_KEY in st.session_state:
        select_article(pending if pending != NO_ARTICLE else None)


def site_to_pan_to() -> str | None:
    """The site the reader chose in this session (the map centres on it), if any."""
    return st.session_state.get(PAN_TO_KEY)


def write_url(view: ViewState) -> None:
    """Make the page's URL reproduce ``view``; only changed keys are written.

    The map view (lat, lon, zoom) is left alone: the map itself keeps it in the URL as
    the reader pans and zooms, without a rerun.
    """
    wanted = {k: v for k, v in to_query(view).items() if k not in MAP_VIEW_KEYS}
    current = {key: st.query_params.get(key) for key in st.query_params.keys()}
    invalid_view = {"lat": view.lat is None, "lon": view.lon is None, "zoom": view.zoom is None}
    for key in current:
        if key in MAP_VIEW_KEYS and not invalid_view[key]:
            continue  # a valid map view from the link: the map keeps it current
        if key not in wanted:
            del st.query_params[key]
    for key, value in wanted.items():
        if current.get(key) != value:
            st.query_params[key] = value
