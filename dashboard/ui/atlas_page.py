"""The atlas page (``?page=atlas``): every installation without an article, filterable by
country, system, kind, story and status on a date, on a world map with the map's own labels and
legends; each row opens the installation's history and sources. Every filter is in the link."""
from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st
import streamlit.components.v1 as components

from dashboard.core import format as fmt
from dashboard.core.escape import for_markdown
from dashboard.core.render.basemap import load_basemap
from dashboard.core.render.export import render_export
from dashboard.core.topics.browse import atlas_choices, atlas_geography, matching_installations, status_of
from dashboard.core.topics.catalogue import Catalogue
from dashboard.core.topics.model import Installation
from dashboard.core.topics.timeline import events_for, status_text
from dashboard.core.view.state import (
    ATLAS_PAGE,
    AtlasChoices,
    AtlasFilter,
    ViewState,
    atlas_to_query,
    is_atlas_link,
    parse_atlas_query,
    summarize_problems,
)
from dashboard.services.static_assets import inline_assets
from dashboard.ui.reader import source_line
from dashboard.ui.tables import markdown_rows

ATLAS_MAP_HEIGHT = 560
_WIDGET = "atlas_filter_"
#: (widget suffix, AtlasFilter field, label) of the list filters.
_LISTS = (("country", "countries", "Country"), ("system", "systems", "System"), ("kind", "kinds", "Kind"),
          ("story", "stories", "Story"), ("status", "statuses", "Status on the date"))


def atlas_asked_for() -> bool:
    """True when the page's link opens the atlas (``page=atlas``)."""
    return is_atlas_link({key: st.query_params.get_all(key) for key in st.query_params.keys()})


def render_atlas_link() -> None:
    """A link from the article page to the atlas page."""
    st.link_button("Browse the atlas of installations", f"?page={ATLAS_PAGE}")


@st.cache_data(show_spinner=False, max_entries=64)
def _map_html(_catalogue: Catalogue, version: str, found: AtlasFilter, day: dt.date) -> str:
    """The standalone map of the installations that pass ``found`` (cached per data version and filter)."""
    geo = atlas_geography(_catalogue, matching_installations(_catalogue, found, day))
    view = ViewState(article=geo.article.id, layers=(), basemap=found.basemap, date=day)
    return render_export("html", geo, view, day, outlines=load_basemap(), assets=inline_assets())


def render_atlas_page(catalogue: Catalogue, default_basemap: str) -> None:
    """Lay out the atlas page for this run; the link holds the filters (read on every run)."""
    choices = atlas_choices(catalogue, default_basemap)
    params = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    found, problems = parse_atlas_query(params, choices)
    if default_basemap == "offline":  # DASHBOARD_OFFLINE: no tile leaves the machine, whatever the link says
        found = dataclasses.replace(found, basemap="offline")
    day = found.date or dt.date.today()
    st.title("The missile-defense atlas")
    st.caption("Every installation the dashboard knows, with its sourced point, its systems and its dated history.")
    st.link_button("Back to the articles", "?")
    if notice := summarize_problems(problems):
        st.warning(for_markdown(notice))
    for failure in catalogue.failures:
        st.error(for_markdown(f"Left out: {failure.message}"))
    with st.sidebar:
        _render_filters(catalogue, choices, found, day)
    shown = matching_installations(catalogue, found, day)
    st.markdown(f"**{len(shown)} of {len(catalogue.atlas.installations)} installations** · statuses on {fmt.day(day)}")
    components.html(_map_html(catalogue, catalogue.version, found, day), height=ATLAS_MAP_HEIGHT)
    for installation in shown:
        with st.expander(_row_label(catalogue, installation, day)):
            _render_installation(catalogue, installation)


def _row_label(catalogue: Catalogue, installation: Installation, day: dt.date) -> str:
    return for_markdown(f"{installation.name} · {installation.kind} · {installation.country} · "
                        f"{status_text(status_of(catalogue, installation, day))}")


def _render_filters(catalogue: Catalogue, choices: AtlasChoices, found: AtlasFilter, day: dt.date) -> None:
    names = {s.id: s.name for s in catalogue.atlas.systems} | {t.id: t.title for t in catalogue.stories}
    for suffix, field_name, label in _LISTS:
        key = _WIDGET + suffix
        st.session_state[key] = list(getattr(found, field_name))
        options = getattr(choices, field_name)
        label_of = status_text if suffix == "status" else (lambda value: names.get(value, value))
        st.multiselect(label, options=options, key=key, format_func=label_of, on_change=_write_link,
                       args=(found,), placeholder="All")
    st.session_state[_WIDGET + "date"] = day
    st.date_input("Date (for the statuses)", key=_WIDGET + "date", on_change=_write_link, args=(found,),
                  min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))


def _write_link(found: AtlasFilter) -> None:
    """Put the widgets' values in the link (the page reads its filters from there)."""
    changed = AtlasFilter(
        **{field_name: tuple(st.session_state[_WIDGET + suffix]) for suffix, field_name, _ in _LISTS},
        date=st.session_state[_WIDGET + "date"], basemap=found.basemap,
    )
    st.query_params.from_dict(atlas_to_query(changed))


def _render_installation(catalogue: Catalogue, installation: Installation) -> None:
    atlas = catalogue.atlas
    systems = [atlas.system(s).name for s in installation.systems if atlas.system(s) is not None]
    stories = [t.title for t in catalogue.stories_of(installation.id)]
    facts = [
        f"**Position:** {fmt.degrees(installation.lat, installation.lon)} ± {fmt.km(installation.precision_km)}",
        f"**Operator:** {for_markdown(installation.operator or 'not stated')}",
        f"**Systems:** {for_markdown(', '.join(systems) or 'none recorded')}",
        f"**Stories:** {for_markdown(', '.join(stories) or 'none yet')}",
    ]
    st.markdown("  \n".join(facts))
    if installation.note:
        st.caption(for_markdown(installation.note))
    history = events_for(atlas.events, installation.id)
    if history:
        st.markdown(markdown_rows(
            ("Date", "Status", "What happened", "Sources"),
            ((fmt.day_with_precision(e.date, e.date_precision), status_text(e.status), e.summary,
              ", ".join(s.publisher for s in e.sources)) for e in history),
        ))
    st.markdown("**Sources of the position:**  \n" + "  \n".join(source_line(s) for s in installation.sources))
