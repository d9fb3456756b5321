"""The "Add to findings" control every chart and table carries, and recording operating points.

A finding keeps the figure (as plotly JSON), the table behind it, the page settings, a note
and a severity. It is stored in the reviewer's session only (components.state) and read by
the Report page and the exports.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import state
from components.demo import data_label
from components.errors import render_error
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.report import SEVERITIES, SEVERITY_TITLES, OperatingPointRecord, make_finding


def render_add_to_findings(
    key: str,
    *,
    title: str,
    page: str,
    summary: str = "",
    figure: go.Figure | None = None,
    table: pd.DataFrame | None = None,
    settings: Mapping[str, object] | None = None,
    data: tuple[str, str] | None = None,
) -> None:
    """A small "Add to findings" pop-over: title, note and severity, then Add.

    ``key`` must be unique on the page (use the chart's key). ``summary`` is the plain
    sentence that describes the view (its caption); it goes into the report with the note.
    ``data`` is the (name, SHA-256) of the data the view was computed on, when that is not
    the session's dataset (the Monitoring page's decision log).
    """
    with (
        st.popover("Add to findings", icon=":material/bookmark_add:"),
        st.form(key=f"{key}.finding_form", clear_on_submit=True, border=False),
    ):
        chosen_title = st.text_input("Title", value=title, key=f"{key}.finding_title")
        note = st.text_area(
            "Your note",
            key=f"{key}.finding_note",
            placeholder="What does this show, and why does it matter?",
        )
        severity = st.selectbox(
            "Severity",
            SEVERITIES,
            format_func=SEVERITY_TITLES.__getitem__,
            key=f"{key}.finding_severity",
        )
        submitted = st.form_submit_button("Add", key=f"{key}.finding_add")
    if not submitted:
        return
    inputs = state.get_inputs()
    if data is not None:
        data_name, data_sha256 = data
    else:
        data_name = data_label(inputs.source, inputs.dataset) if inputs else ""
        data_sha256 = inputs.dataset.sha256 if inputs else ""
    try:
        finding = make_finding(
            title=chosen_title or title,
            page=page,
            severity=severity,
            note=note,
            summary=summary,
            data_name=data_name,
            data_sha256=data_sha256,
            settings=settings,
            figure=figure.to_json() if figure is not None else None,
            table=table,
        )
    except FairnessCoreError as exc:
        render_error(exc)
        return
    state.add_finding(finding)
    st.toast(
        f"Added to findings ({len(state.get_findings())} so far).", icon=":material/bookmark_added:"
    )


def option_name(count: int) -> str:
    """The default name of the next option: "Option A", "Option B", … "Option 27"."""
    return f"Option {chr(ord('A') + count)}" if count < 26 else f"Option {count + 1}"


def record_operating_point(record: OperatingPointRecord) -> OperatingPointRecord:
    """Add the point to the review's options; the same rule recorded again is updated."""
    before = len(state.get_operating_points())
    stored = state.add_operating_point(record)
    if len(state.get_operating_points()) > before:
        st.toast(
            f"Operating point “{escape_markdown(record.title)}” recorded: the report compares "
            "it side by side with the other options.",
            icon=":material/bookmark_added:",
        )
    else:
        st.toast(
            f"This rule was already recorded: updated it as “{escape_markdown(record.title)}”.",
            icon=":material/bookmark_added:",
        )
    return stored


def titled(table: pd.DataFrame, column_config: Mapping[str, object]) -> pd.DataFrame:
    """``table`` with the column titles the reviewer saw on screen, for a finding.

    ``column_config`` is what the page gave ``st.dataframe``: each column's label becomes its
    name, so the report shows "95% low" rather than ``share_low``. Columns without a label
    keep their name.
    """
    labels: dict[str, str] = {}
    for column, config in column_config.items():
        label = config.get("label") if isinstance(config, Mapping) else None
        if isinstance(label, str) and label:
            labels[column] = label
    return table.rename(columns=labels)
