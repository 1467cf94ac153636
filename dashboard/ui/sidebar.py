"""Sidebar: filters, the site list and what the article says about the selected site."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.core.escape import for_markdown
from dashboard.core.geography import ArticleGeography
from dashboard.core.geoparse.excerpts import Excerpt, excerpts_for_site, split_highlight
from dashboard.core.topics.sites import (
    PROPOSAL_LABELS,
    PROPOSALS,
    ROLE_LABELS,
    ROLES,
    Site,
)
from dashboard.core.view.state import LAYERS, ViewState
from dashboard.ui import state

TIMELINE_START = dt.date(1977, 1, 1)


def render_filters(view: ViewState) -> ViewState:
    """Proposal and role multiselects and the places toggle; return the updated view."""
    proposals = st.multiselect(
        "Proposals",
        options=list(PROPOSALS),
        format_func=PROPOSAL_LABELS.__getitem__,
        key=state.PROPOSALS_WIDGET,
        help="Which side's sites to show",
    )
    roles = st.multiselect(
        "Roles",
        options=list(ROLES),
        format_func=ROLE_LABELS.__getitem__,
        key=state.ROLES_WIDGET,
    )
    wanted = {
        "places": st.toggle("Other places named in the article", key=state.PLACES_WIDGET),
        "rings": st.toggle("Range rings (approximate, public sources)", key=state.RINGS_WIDGET),
        "lines": st.toggle("Lines from each radar to Tehran", key=state.LINES_WIDGET),
    }
    return view.with_changes(
        proposals=tuple(p for p in PROPOSALS if p in proposals),
        roles=tuple(r for r in ROLES if r in roles),
        layers=tuple(layer for layer in LAYERS if wanted[layer]),
    )


def render_date(view: ViewState, article_date: dt.date | None) -> ViewState:
    """The date slider (default: the article's date); markers take their status on it."""
    default = article_date or dt.date.today()
    if state.DATE_WIDGET not in st.session_state:
        st.session_state[state.DATE_WIDGET] = view.date or default
    day = st.slider(
        "Status of the sites on",
        min_value=TIMELINE_START,
        max_value=max(dt.date.today(), default),
        key=state.DATE_WIDGET,
        format="D MMM YYYY",
        help="Markers are restyled by each site's status on this date (see the timeline below the map).",
    )
    return view.with_changes(date=None if day == article_date else day)


def _on_site_choice() -> None:
    choice = st.session_state[state.SITE_WIDGET]
    state.select_site(choice or None)


def render_site_list(sites: tuple[Site, ...], view: ViewState) -> None:
    """A keyboard-usable list of the visible sites; choosing one selects it."""
    options = [state.NO_SITE] + [site.id for site in sites]
    if st.session_state.get(state.SITE_WIDGET) not in options:
        st.session_state[state.SITE_WIDGET] = state.NO_SITE
    names = {site.id: site.name for site in sites}
    st.radio(
        "Sites",
        options=options,
        format_func=lambda site_id: names.get(site_id, "None selected"),
        key=state.SITE_WIDGET,
        on_change=_on_site_choice,
    )


def render_excerpt(excerpt: Excerpt) -> None:
    """One sentence with its referring phrases highlighted (escaped Markdown, no HTML)."""
    pieces = []
    for text, highlighted in split_highlight(excerpt.sentence.text, excerpt.spans):
        escaped = for_markdown(text)
        pieces.append(f":orange-background[**{escaped}**]" if highlighted else escaped)
    label = f"Mention {excerpt.ordinal} of {excerpt.total}"
    if excerpt.attribution:
        kind = "quote" if excerpt.attribution.kind == "quote" else "reported speech"
        label += f" · {kind}: {for_markdown(excerpt.attribution.speaker)}"
    if excerpt.link == "inferred":
        label += " · refers to the site indirectly"
    with st.container(border=True):
        st.caption(label)
        st.markdown("".join(pieces))


def render_site_details(site: Site) -> None:
    """Role, proposal, coordinates with their precision, and the coordinates' source."""
    ns = "N" if site.lat >= 0 else "S"
    ew = "E" if site.lon >= 0 else "W"
    st.markdown(
        f"**{for_markdown(site.name)}**  \n"
        f"{ROLE_LABELS[site.role]} · {PROPOSAL_LABELS[site.proposal]} · {for_markdown(site.country)}  \n"
        f"{abs(site.lat):.4f}° {ns}, {abs(site.lon):.4f}° {ew} (± {site.precision_km:g} km)"
    )
    st.caption(for_markdown(site.note))
    st.link_button("Source of the coordinates", site.source_url)


def render_excerpts(geo: ArticleGeography, view: ViewState) -> None:
    """What the article says about the selected site."""
    site = geo.site(view.site) if view.site else None
    if site is None:
        st.info("Click a site on the map, or choose one above, to read what the article says about it.")
        return
    render_site_details(site)
    excerpts = excerpts_for_site(site.id, geo.sentences, geo.site_mentions)
    if not excerpts:
        st.write("The article does not refer to this site.")
    for excerpt in excerpts:
        render_excerpt(excerpt)
