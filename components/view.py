"""One view of a page: chart → caption → table → "Add to findings", drawn the same way everywhere.

Pages call :func:`render_view` once per view instead of drawing the four parts by hand, so
every view escapes its caption, keys its widgets alike, and pins to the report the table
with the column titles the reviewer saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.charts import render_chart
from components.findings import render_add_to_findings, titled
from components.privacy import rows_hidden, show_rows
from fairness_core.escaping import escape_markdown

if TYPE_CHECKING:  # st.dataframe's column settings: a column's name → its title and format
    from streamlit.elements.lib.column_config_utils import ColumnConfigMappingInput as Columns


def render_view(
    key: str,
    *,
    page: str,
    title: str,
    sentence: str,
    table: pd.DataFrame,
    figure: go.Figure | None = None,
    columns: Columns | None = None,
    note: str = "",
    settings: Mapping[str, object] | None = None,
    individuals: bool = False,
) -> None:
    """Draw one view: ``figure`` (if any), its caption, ``table``, then "Add to findings".

    - ``key``: unique on the page, e.g. ``"datasetcheck.proxies"``; the chart, table and
      finding widgets are keyed ``{key}_chart``, ``{key}_table`` and ``{key}.finding_*``.
    - ``page``, ``title``: the page's name and the finding's suggested title.
    - ``sentence``: the plain sentence that says what the view shows (may hold text from
      files: it is escaped here). It is the caption and the finding's summary.
    - ``note``: more caption text (how to read the chart), not part of the summary.
    - ``columns``: ``st.dataframe``'s ``column_config``; the finding keeps these titles.
    - ``settings``: the choices behind the view, recorded with the finding.
    - ``individuals``: the table lists individual people; with "Hide individuals' rows" on
      (components/privacy.py) a message takes its place and a pin keeps no table.
    """
    if figure is not None:
        render_chart(figure, key=f"{key}_chart")
    st.caption(escape_markdown(sentence) + (f" {escape_markdown(note)}" if note else ""))
    hidden = individuals and rows_hidden()
    if individuals:
        show_rows(table, hide_index=True, key=f"{key}_table", column_config=columns)
    else:  # a table of groups
        st.dataframe(table, hide_index=True, key=f"{key}_table", column_config=columns)
    render_add_to_findings(
        key,
        title=title,
        page=page,
        summary=sentence,
        figure=figure,
        table=None if hidden else titled(table, columns or {}),
        settings=settings,
    )
