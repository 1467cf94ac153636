"""Streamlit entry point (``python -m streamlit run dashboard/app.py``): the dashboard's server.

``streamlit run`` finds ``app`` below and serves it (uvicorn): each reader's page runs
``page_script.py``; the server's own HTTP layer (security headers on every answer, and any routes
of ours) is in :mod:`dashboard.web`.
"""
import streamlit as st

from dashboard.web.server import middleware

app = st.App("page_script.py", middleware=middleware())
