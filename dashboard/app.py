"""Streamlit entry point (``streamlit run dashboard/app.py``).

The page lives in :mod:`dashboard.ui.page`: Streamlit compiles this file again whenever every
session has closed, and an imported module is compiled once per process.
"""
from dashboard.ui.page import render_page

render_page()
