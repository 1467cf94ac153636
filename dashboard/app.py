"""Streamlit entry point (``python -m streamlit run dashboard/app.py``): the dashboard's server.

``streamlit run`` finds ``app`` below and serves it (uvicorn): each reader's page runs
``page_script.py``; the server's own HTTP layer (security headers on every answer, and the
published snapshots' routes on the same port) is in :mod:`dashboard.web`.
"""
import streamlit as st
from streamlit import config
from streamlit.web.server.server_util import allow_all_cross_origin_requests, allowlisted_origins

from dashboard.web.origins import admitted_hosts
from dashboard.web.server import middleware
from dashboard.web.snapshots import snapshot_routes


def websocket_origin_hosts() -> frozenset[str] | None:
    """The origins' host names Streamlit's configuration admits for a websocket without a look-up
    (local names, ``browser.serverAddress``, ``server.corsAllowedOrigins``); None when it admits
    every origin (``server.enableCORS = false``)."""
    if allow_all_cross_origin_requests():
        return None
    return admitted_hosts(config.get_option("browser.serverAddress") or "", *allowlisted_origins())


app = st.App("page_script.py", routes=snapshot_routes(), middleware=middleware(origin_hosts=websocket_origin_hosts()))
