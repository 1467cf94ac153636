"""Streamlit entry point (``python -m streamlit run dashboard/app.py``): the dashboard's server.

``streamlit run`` finds ``app`` below and serves it (uvicorn): each reader's page runs
``page_script.py``; the server's own HTTP layer (security headers on every answer, and the
published snapshots' routes on the same port) is in :mod:`dashboard.web`.
"""
import streamlit as st

from dashboard.web.server import middleware
from dashboard.web.snapshots import snapshot_routes

app = st.App("page_script.py", routes=snapshot_routes(), middleware=middleware())
