"""Fairness Explorer: the router. Page config, the demo loaded on first visit, navigation."""

from __future__ import annotations

import streamlit as st

from components import review_session, state
from components.demo import DEFAULT_DEMO, activate_demo
from components.errors import run_page
from components.identity import current_owner
from components.privacy import render_privacy_switch
from components.reviews_panel import render_reviews_panel
from components.router import mark_routed
from fairness_core.escaping import escape_markdown

st.set_page_config(page_title="Fairness Explorer", page_icon="⚖️", layout="wide")
mark_routed()

owner = current_owner()  # None until this browser has answered (its first visit)
review_session.open_from_address(owner)  # a reload or a link reopens the saved review
if state.get_inputs() is None and not review_session.missing_files():
    activate_demo(DEFAULT_DEMO)

# Two sections in the sidebar: the review itself, then sharing it and teaching with it.
review_pages = [
    st.Page(
        "pages/data.py",
        title="Data & model",
        icon=":material/upload_file:",
        url_path="data",
        default=True,
    ),
    st.Page(
        "pages/subgroups.py", title="Subgroups", icon=":material/groups:", url_path="subgroups"
    ),
    st.Page(
        "pages/dataset_audit.py",
        title="Dataset check",
        icon=":material/fact_check:",
        url_path="dataset-check",
    ),
    st.Page(
        "pages/tradeoffs.py", title="Trade-offs", icon=":material/balance:", url_path="tradeoffs"
    ),
    st.Page(
        "pages/whatif.py", title="What-if", icon=":material/psychology_alt:", url_path="what-if"
    ),
    st.Page(
        "pages/monitoring.py",
        title="Monitoring",
        icon=":material/monitoring:",
        url_path="monitoring",
    ),
    st.Page(
        "pages/compliance.py", title="Compliance", icon=":material/policy:", url_path="compliance"
    ),
    st.Page("pages/report.py", title="Report", icon=":material/summarize:", url_path="report"),
]
share_pages = [
    st.Page("pages/present.py", title="Present", icon=":material/slideshow:", url_path="present"),
    st.Page("pages/learn.py", title="Learn", icon=":material/school:", url_path="learn"),
    st.Page(
        "pages/exercises.py",
        title="Workshop exercises",
        icon=":material/assignment:",
        url_path="exercises",
    ),
]
navigation = st.navigation({"Review": review_pages, "Present and teach": share_pages})


def render_session_summary() -> None:
    """What this session has loaded and pinned (drawn after the page, so it is never stale)."""
    inputs = state.get_inputs()
    if inputs is not None:
        source = inputs.source.removeprefix("demo:")
        origin = "Demo" if inputs.source.startswith("demo:") else "Upload"
        origin = "Server" if inputs.source.startswith("server:") else origin
        st.caption(
            f"{origin}: **{escape_markdown(source if origin == 'Demo' else inputs.dataset.name)}**"
            f" · {inputs.dataset.n_rows:,} rows  \n"
            f"Model: {escape_markdown(inputs.model.name) if inputs.model else 'none'}"
        )
    pinned = len(state.get_findings())
    st.caption(f"Findings pinned: {pinned}" if pinned else "No findings pinned yet")


render_privacy_switch(presenting=navigation.url_path == "present")
summary = st.sidebar.container()
try:
    run_page(navigation.run)  # an unexpected error is a plain message, never a traceback
finally:  # also after a page stops early (st.stop) or reruns
    try:  # saving first: drawing may be cut short when the reviewer has clicked on
        review_session.autosave(owner)
        review_session.show_in_address()
    finally:
        with summary:
            render_session_summary()
            render_reviews_panel(owner)
