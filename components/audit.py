"""The guard every analysis page starts with: validated audit data, or a way to get it."""

from __future__ import annotations

import streamlit as st

from components import cache, state
from components.state import AuditInputs
from fairness_core.data import AuditData


def require_audit() -> tuple[AuditInputs, AuditData]:
    """The loaded inputs and their validated audit data; otherwise explain and stop the page."""
    inputs = state.get_inputs()
    if inputs is None:
        st.info("No data is loaded yet. Choose a demo or upload your data first.")
        st.page_link("pages/data.py", label="Go to Data & model", icon=":material/upload_file:")
        st.stop()
    _, audit = cache.validate(inputs)
    if audit is None:
        st.warning(
            "The data cannot be audited with the current column roles. Fix the problems "
            "listed on the Data & model page first."
        )
        st.page_link("pages/data.py", label="Go to Data & model", icon=":material/upload_file:")
        st.stop()
    return inputs, audit
