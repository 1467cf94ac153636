"""The accessible twin of the map: a table of the visible sites."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st

from dashboard.core import format as fmt
from dashboard.core.escape import for_markdown
from dashboard.core.geography import ArticleGeography
from dashboard.core.render.compose import roles_of
from dashboard.core.topics.model import Site
from dashboard.core.view.state import ViewState

SITE_COLUMNS = ("Selected", "Site", "Role", "Proposal", "Country", "Position", "±", "Sources")


def site_rows(geo: ArticleGeography, sites: tuple[Site, ...], view: ViewState) -> list[tuple[str, ...]]:
    """One row (``SITE_COLUMNS``) per visible site, in the order of the site list, numbers
    formatted as on the map."""
    roles = roles_of(geo)
    labels = {c.id: c.label for t in geo.topics for c in t.categories}
    return [
        (
            "●" if site.id == view.site else "",
            site.name,
            roles[site.role].label,
            labels.get(site.category, site.category),
            site.country,
            fmt.degrees(site.lat, site.lon),
            fmt.km(site.precision_km),
            ", ".join(f"{s.publisher} [{s.tier}]" for s in site.sources),
        )
        for site in sites
    ]


def markdown_rows(columns: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table, every cell escaped and on one line (it renders as a plain HTML table)."""
    def row(cells: Sequence[object]) -> str:
        return "| " + " | ".join(for_markdown(" ".join(str(cell).split())) for cell in cells) + " |"

    return "\n".join([row(columns), "|" + " --- |" * len(columns), *(row(values) for values in rows)])


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a Markdown table (see :func:`markdown_rows`)."""
    return markdown_rows(list(frame.columns), frame.itertuples(index=False))


def render_sites_table(geo: ArticleGeography, sites: tuple[Site, ...], view: ViewState) -> None:
    """Show the visible sites as a plain table.

    A Markdown table rather than ``st.dataframe``: this tab is open when the page loads, and
    the browser draws the map only once the JavaScript of every element on the page has
    arrived (the data grid's is ~1.5 MB).
    """
    if sites:
        st.markdown(markdown_rows(SITE_COLUMNS, site_rows(geo, sites, view)))
    elif not geo.sites:
        st.caption("This article refers to no curated site: the places it names are on the map and highlighted in its text.")
    else:
        st.caption("No site matches these filters.")
