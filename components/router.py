"""Keeping every page behind app.py, the router.

Streamlit 1.67 decides once per server process whether an app uses the legacy ``pages/``
folder router: it does until some session has called ``st.navigation``. So the very first
request to a freshly started server, if it is a deep link such as ``/subgroups``, runs
``pages/subgroups.py`` directly, skipping app.py (no page config, no demo loaded, a
file-name menu). :func:`ensure_routed` detects that case from a marker app.py sets on
every run, switches the legacy router off and reruns through app.py.
"""

from __future__ import annotations

import streamlit as st

ROUTED = "app.routed"


def mark_routed() -> None:
    """Called by app.py on every run: pages run after this came through the router."""
    st.session_state[ROUTED] = True


def ensure_routed() -> None:
    """Rerun through app.py when a page was started by the legacy folder router."""
    if st.session_state.get(ROUTED):
        return
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without the legacy router
        return
    PagesManager.uses_pages_directory = False
    st.rerun()
