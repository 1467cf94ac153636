"""Pure core: no Streamlit, no network, no file writes."""
