"""Streamlit entry point (``python -m streamlit run dashboard/app.py``).

Started by ``streamlit run``, this file is imported once outside any session: it then defines
``app``, the server (``st.App``: the page plus the published snapshots' routes on the same port).
Each session's run of the page executes it again inside a script run, where it draws the page
(:mod:`dashboard.ui.page`; AppTest runs it that way too).
"""
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

if get_script_run_ctx(suppress_warning=True) is None:
    import streamlit as st

    from dashboard.web.snapshots import snapshot_routes

    app = st.App(__file__, routes=snapshot_routes())
else:
    from dashboard.ui.page import render_page

    render_page()
