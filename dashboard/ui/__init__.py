"""Streamlit render helpers: the only package, with app.py, that imports streamlit."""
