"""The accessible twin of the map: a table of the visible sites."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core import format as fmt
from dashboard.core.escape import for_markdown
from dashboard.core.geography import ArticleGeography
from dashboard.core.render.compose import roles_of
from dashboard.core.topics.model import Site
from dashboard.core.view.state import ViewState


def sites_frame(geo: ArticleGeography, sites: tuple[Site, ...], view: ViewState) -> pd.DataFrame:
    """One row per visible site, in the order of the site list (numbers formatted as on the map)."""
    roles = roles_of(geo)
    labels = {c.id: c.label for t in geo.topics for c in t.categories}
    return pd.DataFrame(
        [
            {
                "Selected": "●" if site.id == view.site else "",
                "Site": site.name,
                "Role": roles[site.role].label,
                "Proposal": labels.get(site.category, site.category),
                "Country": site.country,
                "Position": fmt.degrees(site.lat, site.lon),
                "±": fmt.km(site.precision_km),
                "Sources": ", ".join(f"{s.publisher} [{s.tier}]" for s in site.sources),
            }
            for site in sites
        ],
        columns=["Selected", "Site", "Role", "Proposal", "Country", "Position", "±", "Sources"],
    )


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a Markdown table, every cell escaped and on one line (it renders as a plain
    HTML table)."""
    def row(cells: list[object]) -> str:
        return "| " + " | ".join(for_markdown(" ".join(str(cell).split())) for cell in cells) + " |"

    lines = [row(list(frame.columns)), "|" + " --- |" * len(frame.columns)]
    lines.extend(row(list(values)) for values in frame.itertuples(index=False))
    return "\n".join(lines)


def render_sites_table(geo: ArticleGeography, sites: tuple[Site, ...], view: ViewState) -> None:
    """Show the visible sites as a plain table.

    A Markdown table rather than ``st.dataframe``: this tab is open when the page loads, and
    the browser draws the map only once the JavaScript of every element on the page has
    arrived (the data grid's is ~1.5 MB).
    """
    if sites:
        st.markdown(markdown_table(sites_frame(geo, sites, view)))
    elif not geo.sites:
        st.caption("This article refers to no curated site: the places it names are on the map and highlighted in its text.")
    else:
        st.caption("No site matches these filters.")
