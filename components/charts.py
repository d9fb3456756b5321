"""Drawing a plotly chart on a page, with every text that came from a file shown as text."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from fairness_core.escaping import safe_figure_json


def render_chart(figure: go.Figure, *, key: str) -> None:
    """``st.plotly_chart`` for a figure whose group names, column names or values may hold
    markup: plotly.js would otherwise turn ``<a href=...>`` in a category into a link."""
    st.plotly_chart(safe_figure_json(figure), key=key)
