"""The accessible twin of the map: a table of the visible sites."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.sites import PROPOSAL_LABELS, ROLE_LABELS, Site
from dashboard.core.viewstate import ViewState


def sites_frame(sites: tuple[Site, ...], view: ViewState) -> pd.DataFrame:
    """One row per visible site, in the order of the site list."""
    return pd.DataFrame(
        [
            {
                "Selected": "●" if site.id == view.site else "",
                "Site": site.name,
                "Role": ROLE_LABELS[site.role],
                "Proposal": PROPOSAL_LABELS[site.proposal],
                "Country": site.country,
                "Latitude": round(site.lat, 4),
                "Longitude": round(site.lon, 4),
                "± km": site.precision_km,
            }
            for site in sites
        ],
        columns=["Selected", "Site", "Role", "Proposal", "Country", "Latitude", "Longitude", "± km"],
    )


def render_sites_table(sites: tuple[Site, ...], view: ViewState) -> None:
    """Show the visible sites as a table (keyboard-navigable grid)."""
    st.dataframe(sites_frame(sites, view), hide_index=True, width="stretch")
