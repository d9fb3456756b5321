"""Streamlit glue: session state, caching, error display and small render_* helpers."""
