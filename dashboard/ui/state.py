"""The session's view: parsed from the URL once (:func:`init_view`), changed by widgets and map
events through one function (:func:`change_view`), written back to the URL by one function
(:func:`write_url`). Widgets only show the view: their keys are seeded from it on every run, and
their callbacks turn what the reader chose back into a change of the view."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.core.view.state import (
    COORDINATE_DECIMALS,
    Choices,
    ViewState,
    parse_query,
    summarize_problems,
    to_query,
)

VIEW_KEY = "view"
INITIAL_VIEW_KEY = "initial_view"
NOTICE_KEY = "link_notice"
PENDING_ARTICLE_KEY = "pending_article"
NO_ARTICLE = "-"
CATEGORIES_WIDGET = "filter_categories"
ROLES_WIDGET = "filter_roles"
LAYERS_WIDGET = "layer_"  # one toggle per layer kind: layer_places, layer_rings ...
BASEMAP_WIDGET = "basemap_choice"
DATE_WIDGET = "date_choice"
DATE_TYPED_WIDGET = "date_typed"
SELECTION_WIDGET = "selection_choice"
UNCERTAIN_WIDGET = "show_uncertain"
ANALYSIS_TAB_WIDGET = "analysis_tab"
ADD_ARTICLE_WIDGET = "add_article_open"
FRAME_KEY = "frame_key"
NO_SELECTION = ""


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
    return st.session_state[VIEW_KEY]


def article_asked_for() -> str | None:
    """The article a session's opening link names (before it is parsed), else None."""
    if VIEW_KEY in st.session_state:
        return None
    return st.query_params.get("article")


def current_view() -> ViewState:
    """The session's view as it stands."""
    return st.session_state[VIEW_KEY]


def initial_view() -> ViewState:
    """The view the session started with (the base map is built around it, so it never remounts)."""
    return st.session_state[INITIAL_VIEW_KEY]


def link_notice() -> str | None:
    """The one notice about values dropped from the opening link, if any."""
    return st.session_state.get(NOTICE_KEY)


def change_view(**changes: object) -> ViewState:
    """The one way the view changes (widget callbacks, map clicks, map moves, links in the page)."""
    view = current_view().with_changes(**changes)
    st.session_state[VIEW_KEY] = view
    return view


def seed_widget(key: str, value: object) -> None:
    """Show ``value`` in the widget ``key`` on this run (call before the widget is drawn)."""
    st.session_state[key] = value


def select(key: str | None) -> None:
    """Select a site or an article place (``None``: nothing). The map zooms to a new selection by
    itself, so the view it had is no longer in the link (the link then reopens on the selection)."""
    if key and key != current_view().site:
        change_view(site=key, lat=None, lon=None, zoom=None)
    else:
        change_view(site=key or None)


def reset_filters() -> None:
    """Widget callback: show every category and role again."""
    change_view(categories=None, roles=None)


def select_article(article_id: str | None) -> None:
    """Show another article (None: the default one): its own date, no selection, every category,
    and the map framed on it."""
    change_view(article=article_id, site=None, date=None, categories=None, lat=None, lon=None, zoom=None, hidden=())


def remove_place(key: str) -> None:
    """Widget callback: an editor drops the article place ``key`` from the map (and from the link
    and every export); the selection goes with it."""
    view = current_view()
    change_view(hidden=view.hiding(key).hidden, site=None if view.site == key else view.site)


def restore_place(key: str) -> None:
    """Widget callback: put a removed place back on the map."""
    change_view(hidden=current_view().showing(key).hidden)


def show_article_next(article_id: str | None) -> None:
    """Ask the next run to show ``article_id`` (for code that runs after the widgets)."""
    st.session_state[PENDING_ARTICLE_KEY] = article_id or NO_ARTICLE


def apply_pending_article() -> None:
    """At the top of a run: switch to the article asked for by the previous run, if any."""
    pending = st.session_state.pop(PENDING_ARTICLE_KEY, None)
    if pending is not None and VIEW_KEY in st.session_state:
        select_article(pending if pending != NO_ARTICLE else None)
        st.session_state[ADD_ARTICLE_WIDGET] = False  # the form closes: the new map is what the reader wants to see


def moved_map(centre: tuple[float, float], zoom: int) -> None:
    """The reader panned or zoomed the map: keep where it looks in the view (and the link)."""
    lat, lon = (round(value, COORDINATE_DECIMALS) for value in centre)
    lon = ((lon + 180.0) % 360.0) - 180.0
    change_view(lat=lat, lon=round(lon, COORDINATE_DECIMALS), zoom=int(zoom))


def framed_on(key: str) -> None:
    """The map is framed on ``key`` this run. When that changed (another article, other filters)
    the map refits on its own, without reporting it: where the reader had moved it no longer holds."""
    previous = st.session_state.get(FRAME_KEY)
    st.session_state[FRAME_KEY] = key
    if previous is not None and previous != key:
        change_view(lat=None, lon=None, zoom=None)


def write_url(view: ViewState) -> None:
    """Make the page's URL reproduce ``view`` (the only code that writes it); only changed keys
    are written, so an unchanged view causes no browser history churn."""
    wanted = to_query(view)
    current = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    for key in current:
        if key not in wanted:
            del st.query_params[key]
    for key, value in wanted.items():
        if current.get(key) != [value]:  # a repeated key is written back once
            st.query_params[key] = value


def day_for(view: ViewState, article_date: dt.date | None) -> dt.date:
    """The day the page shows: the link's, else the article's, else today."""
    return view.date or article_date or dt.date.today()
