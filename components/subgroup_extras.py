"""Sections of the Subgroups page for the metrics AIF360 users look for.

Each section draws chart → caption → table → "Add to findings":

- :func:`render_inequality_section`: average odds difference per group, and how unequally
  the model's benefit is spread (generalized entropy and Theil indices, between / within);
- :func:`render_consistency_section`: whether people who look alike are decided alike;
- :func:`render_calibration_section`: whether the scores mean the same for every group.

A section that cannot be computed (no scores, no features) says why and how to get it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd
import streamlit as st

from components import extras_cache
from components.charts import render_chart
from components.errors import render_error
from components.findings import render_add_to_findings, titled
from components.state import AuditInputs
from fairness_core.data import AuditData
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import (
    describe_average_odds,
    describe_calibration_by_group,
    describe_consistency,
    describe_inequality,
    plot_average_odds,
    plot_calibration_by_group,
    plot_consistency,
    plot_inequality,
)

PAGE = "Subgroups"
#: Widget keys of these sections (charts, tables; each "Add to findings" derives its own).
AVERAGE_ODDS_CHART = "subgroups.average_odds_chart"
AVERAGE_ODDS_TABLE = "subgroups.average_odds_table"
INEQUALITY_CHART = "subgroups.inequality_chart"
INEQUALITY_TABLE = "subgroups.inequality_table"
CONSISTENCY_CHART = "subgroups.consistency_chart"
CONSISTENCY_TABLE = "subgroups.consistency_table"
CALIBRATION_CHART = "subgroups.calibration_chart"
CALIBRATION_TABLE = "subgroups.calibration_table"

ODDS_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "n": st.column_config.NumberColumn("People", format="localized"),
    "false_positive_rate": st.column_config.NumberColumn("False positive rate", format="%.3f"),
    "true_positive_rate": st.column_config.NumberColumn("True positive rate", format="%.3f"),
    "false_positive_rate_difference": st.column_config.NumberColumn(
        "False positive rate gap", format="%+.3f"
    ),
    "true_positive_rate_difference": st.column_config.NumberColumn(
        "True positive rate gap", format="%+.3f"
    ),
    "average_odds_difference": st.column_config.NumberColumn(
        "Average odds difference", format="%+.3f"
    ),
}
BENEFIT_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "n": st.column_config.NumberColumn("People", format="localized"),
    "mean_benefit": st.column_config.NumberColumn("Mean benefit", format="%.3f"),
    "generalized_entropy": st.column_config.NumberColumn(
        "Generalized entropy within the group", format="%.4f"
    ),
    "theil_index": st.column_config.NumberColumn("Theil index within the group", format="%.4f"),
}
CONSISTENCY_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "n": st.column_config.NumberColumn("People compared", format="localized"),
    "consistency": st.column_config.NumberColumn("Consistency", format="%.3f"),
}
CALIBRATION_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "n": st.column_config.NumberColumn("People", format="localized"),
    "mean_score": st.column_config.NumberColumn("Mean score", format="%.3f"),
    "observed_rate": st.column_config.NumberColumn("Share with positive outcome", format="%.3f"),
    "calibration_gap": st.column_config.NumberColumn("Score minus outcome", format="%+.3f"),
    "ece": st.column_config.NumberColumn("Expected calibration error", format="%.3f"),
}


def render_inequality_section(
    inputs: AuditInputs,
    audit: AuditData,
    attributes: Sequence[str],
    *,
    reference: str | tuple[str, ...] = "largest",
) -> None:
    """Average odds difference by group, then the inequality of benefit and its split.

    ``reference`` is the page's choice; "best" has no meaning for a two-rate average, so
    the largest group is used then (and the caption says so).
    """
    chosen = tuple(attributes)
    against: Literal["largest"] | tuple[str, ...] = (
        reference if isinstance(reference, tuple) else "largest"
    )
    try:
        report = extras_cache.inequality(inputs, audit, chosen, against)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    settings = {"protected attributes": list(chosen), "compared with": report.reference}
    by = " × ".join(chosen)

    st.subheader("Same true outcome, same odds?")
    figure = plot_average_odds(report)
    render_chart(figure, key=AVERAGE_ODDS_CHART)
    sentence = describe_average_odds(report)
    if reference == "best":
        sentence += " (Compared with the largest group: 'best' is not defined for two rates.)"
    st.caption(escape_markdown(sentence))
    table = report.odds.drop(columns="is_reference")
    st.dataframe(table, hide_index=True, key=AVERAGE_ODDS_TABLE, column_config=ODDS_COLUMNS)
    render_add_to_findings(
        AVERAGE_ODDS_CHART,
        title=f"Average odds difference by {by}",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=titled(table, ODDS_COLUMNS),
        settings=settings,
    )

    st.subheader("How unequally is the model's benefit spread?")
    figure = plot_inequality(report)
    render_chart(figure, key=INEQUALITY_CHART)
    sentence = describe_inequality(report)
    st.caption(escape_markdown(sentence))
    indices = pd.DataFrame(
        [
            {
                "Index": title,
                "Everyone": entry.overall,
                "Between groups": entry.between_groups,
                "Within groups": entry.within_groups,
            }
            for title, entry in (
                (
                    f"Generalized entropy (α = {report.generalized_entropy.alpha:g})",
                    report.generalized_entropy,
                ),
                ("Theil index (α = 1)", report.theil),
            )
        ]
    )
    st.dataframe(indices, hide_index=True, key=INEQUALITY_TABLE, column_config=_four_digits())
    st.dataframe(
        report.groups,
        hide_index=True,
        key=f"{INEQUALITY_TABLE}.groups",
        column_config=BENEFIT_COLUMNS,
    )
    render_add_to_findings(
        INEQUALITY_CHART,
        title=f"Inequality of benefit by {by}",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=indices,
        settings=settings,
    )


def render_consistency_section(
    inputs: AuditInputs, audit: AuditData, attributes: Sequence[str]
) -> None:
    """Consistency by group: are people with similar features decided alike?"""
    st.subheader("Are people who look alike decided alike?")
    protected = set(audit.roles.protected)
    if not [c for c in audit.roles.features if c not in protected]:
        st.info(
            "Consistency compares each person with the 5 people most like them on their "
            "features. No feature columns are marked for this data: mark them on the Data & "
            "model page to see it."
        )
        return
    chosen = tuple(attributes)
    try:
        result = extras_cache.consistency(inputs, audit, chosen)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    figure = plot_consistency(result)
    render_chart(figure, key=CONSISTENCY_CHART)
    sentence = describe_consistency(result)
    st.caption(escape_markdown(sentence))
    st.dataframe(
        result.groups, hide_index=True, key=CONSISTENCY_TABLE, column_config=CONSISTENCY_COLUMNS
    )
    render_add_to_findings(
        CONSISTENCY_CHART,
        title=f"Consistency by {' × '.join(chosen)}",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=titled(result.groups, CONSISTENCY_COLUMNS),
        settings={
            "protected attributes": list(chosen),
            "features": list(result.features),
            "neighbours": result.n_neighbors,
            "rows compared": result.n_rows_used,
        },
    )


def render_calibration_section(
    inputs: AuditInputs, audit: AuditData, attributes: Sequence[str]
) -> None:
    """Calibration by group: mean score against observed outcome, with intervals and ECE."""
    st.subheader("Do the scores mean the same for every group?")
    if audit.y_score is None:
        st.info(
            "Calibration compares the model's scores with what really happened, and this "
            "data has decisions only. Choose a score column or load the model on the Data & "
            "model page to see it."
        )
        return
    chosen = tuple(attributes)
    try:
        result = extras_cache.calibration(inputs, audit, chosen)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    figure = plot_calibration_by_group(result)
    render_chart(figure, key=CALIBRATION_CHART)
    sentence = describe_calibration_by_group(result)
    st.caption(escape_markdown(sentence))
    st.dataframe(
        result.groups, hide_index=True, key=CALIBRATION_TABLE, column_config=CALIBRATION_COLUMNS
    )
    render_add_to_findings(
        CALIBRATION_CHART,
        title=f"Calibration by {' × '.join(chosen)}",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=titled(result.groups, CALIBRATION_COLUMNS),
        settings={"protected attributes": list(chosen), "score bins": result.n_bins},
    )


def _four_digits() -> dict[str, Any]:
    return {
        name: st.column_config.NumberColumn(name, format="%.4f")
        for name in ("Everyone", "Between groups", "Within groups")
    }
