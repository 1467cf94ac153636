"""HTTP routes the dashboard's own server answers beside the Streamlit page (Starlette)."""
