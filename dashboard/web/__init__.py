"""The HTTP layer of the dashboard's own server (Starlette, beside Streamlit on the same port):
response headers for every answer (:mod:`dashboard.web.headers`) and the published snapshots'
routes (:mod:`dashboard.web.snapshots`). No Streamlit imports here; the entry
``dashboard/app.py`` hands these to ``st.App``."""
