"""Sidebar filters: categories and roles of the article's topics, layers from the registry, the
date and the basemap. Each widget shows the view and changes it through ``state.change_view``."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.core import format as fmt
from dashboard.core.geography import ArticleGeography
from dashboard.core.topics.catalogue import PLACE_ROLE
from dashboard.core.topics.timeline import adjacent_event_day
from dashboard.core.view.layers import MAP_LAYER_IDS
from dashboard.core.view.state import ViewState
from dashboard.ui import state

EARLIEST_DAY = dt.date(1977, 1, 1)


def _chosen(key: str, offered: list[str], current: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """What a multiselect now says, as a filter: None (all) when everything offered is chosen."""
    chosen = st.session_state[key]
    if set(chosen) >= set(offered):
        return None
    hidden = set(offered) - set(chosen)
    kept = [item for item in (current or []) if item not in offered]  # other topics' choices stay
    return tuple(dict.fromkeys(kept + [item for item in offered if item not in hidden]))


def render_filters(geo: ArticleGeography, view: ViewState) -> None:
    """Category and role filters (of the article's topics) and the layer toggles it offers."""
    categories = [c for t in geo.topics for c in t.categories]
    if categories:
        offered = [c.id for c in categories]
        labels = {c.id: c.label for c in categories}
        state.seed_widget(state.CATEGORIES_WIDGET, [c for c in offered if view.shows_category(c)])
        st.multiselect(
            "Proposals", options=offered, format_func=labels.__getitem__, key=state.CATEGORIES_WIDGET,
            help="Which side's (or phase's) sites to show",
            on_change=lambda: state.change_view(categories=_chosen(state.CATEGORIES_WIDGET, offered, view.categories)),
        )
    roles = {r.id: r for t in geo.topics for r in t.roles} | {PLACE_ROLE.id: PLACE_ROLE}
    offered_roles = list(roles)
    state.seed_widget(state.ROLES_WIDGET, [r for r in offered_roles if view.shows_role(r)])
    st.multiselect(
        "Roles", options=offered_roles, format_func=lambda rid: roles[rid].label, key=state.ROLES_WIDGET,
        on_change=lambda: state.change_view(roles=_chosen(state.ROLES_WIDGET, offered_roles, view.roles)),
    )
    for kind in geo.switchable_layers():
        key = state.LAYERS_WIDGET + kind.id
        state.seed_widget(key, kind.id in view.layers)
        st.toggle(kind.label, key=key, on_change=_toggle_layer, args=(kind.id, key))
    if any(not group.confident for group in geo.other_places):
        state.seed_widget(state.UNCERTAIN_WIDGET, view.uncertain)
        st.toggle(
            "Include places the geoparser is unsure of (dashed)", key=state.UNCERTAIN_WIDGET,
            help="Places found with a confidence below 0.9 are right less often; hide them to see only the sure ones.",
            on_change=lambda: state.change_view(uncertain=st.session_state[state.UNCERTAIN_WIDGET]),
        )


def _toggle_layer(layer_id: str, key: str) -> None:
    layers = set(state.current_view().layers)
    (layers.add if st.session_state[key] else layers.discard)(layer_id)
    state.change_view(layers=tuple(layer for layer in MAP_LAYER_IDS if layer in layers))


def render_date(geo: ArticleGeography, view: ViewState, day: dt.date) -> None:
    """The date slider (default: the article's date), a box to type a date into, and steps from
    event to event; markers take their status on the day shown."""
    if not geo.offers("timeline"):
        return
    starts = [t.timeline_start for t in geo.topics if t.timeline_start]
    earliest = min(starts) if starts else EARLIEST_DAY
    latest = max(dt.date.today(), day)
    shown = min(max(day, earliest), latest)
    article_date = geo.article.date

    def choose(chosen: dt.date | None) -> None:
        if chosen is not None:
            state.change_view(date=None if chosen == article_date else min(max(chosen, earliest), latest))

    state.seed_widget(state.DATE_WIDGET, shown)
    st.slider(
        "Status of the sites on", min_value=earliest, max_value=latest, key=state.DATE_WIDGET, format="D MMM YYYY",
        help="Markers are restyled by each site's status on this date (see the timeline below the map).",
        on_change=lambda: choose(st.session_state[state.DATE_WIDGET]),
    )
    state.seed_widget(state.DATE_TYPED_WIDGET, shown)
    st.date_input(
        "Or type a date", min_value=earliest, max_value=latest, key=state.DATE_TYPED_WIDGET, format="YYYY-MM-DD",
        on_change=lambda: choose(st.session_state[state.DATE_TYPED_WIDGET]),
    )
    in_range = [event for event in geo.events if earliest <= event.date <= latest]
    before, after = adjacent_event_day(in_range, shown, -1), adjacent_event_day(in_range, shown, 1)
    back, forward = st.columns(2)
    back.button("Previous event", key="date_previous_event", icon=":material/skip_previous:", disabled=before is None,
                on_click=choose, args=(before,), width="stretch",
                help=f"Go to {fmt.day(before)}" if before else "No earlier event")
    forward.button("Next event", key="date_next_event", icon=":material/skip_next:", disabled=after is None,
                   on_click=choose, args=(after,), width="stretch",
                   help=f"Go to {fmt.day(after)}" if after else "No later event")


def render_basemap(view: ViewState) -> None:
    """OpenStreetMap (online) or the offline country outlines."""
    state.seed_widget(state.BASEMAP_WIDGET, view.basemap)
    st.radio(
        "Basemap", options=["osm", "offline"],
        format_func={"osm": "OpenStreetMap (online)", "offline": "Country outlines (offline)"}.__getitem__,
        key=state.BASEMAP_WIDGET, horizontal=True,
        on_change=lambda: state.change_view(basemap=st.session_state[state.BASEMAP_WIDGET]),
    )


def render_site_list(sites: tuple, view: ViewState) -> None:
    """A keyboard-usable list of the visible sites; choosing one selects it (and pans to it)."""
    options = [state.NO_SELECTION] + [site.id for site in sites]
    state.seed_widget(state.SELECTION_WIDGET, view.site if view.site in options else state.NO_SELECTION)
    names = {site.id: site.name for site in sites}
    st.radio(
        "Sites", options=options, format_func=lambda site_id: names.get(site_id, "None selected"),
        key=state.SELECTION_WIDGET,
        on_change=lambda: state.select(st.session_state[state.SELECTION_WIDGET] or None),
    )
