"""The page script the server runs for each reader (``st.App`` in ``dashboard/app.py`` names it;
AppTest runs it directly).

The page lives in :mod:`dashboard.ui.page`: Streamlit compiles this file again whenever every
session has closed, and an imported module is compiled once per process.
"""
from dashboard.ui.page import render_page

render_page()
