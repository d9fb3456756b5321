"""The Dataset check's first tab: who is in the data and what its recorded outcomes say.

Needs no model: representation against an optional reference population, base rates and
their ratio, missing values, and how one feature is spread, each per group of one
protected attribute.
"""

from __future__ import annotations

import streamlit as st

from components import cache, state
from components.errors import render_error
from components.state import AuditInputs
from components.view import render_view
from fairness_core.data import AuditData
from fairness_core.dataset_check import DatasetAudit
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import (
    describe_base_rates,
    describe_feature_distribution,
    describe_missingness,
    describe_representation,
    plot_base_rates,
    plot_feature_distribution,
    plot_missingness,
    plot_representation,
)

PAGE = "Dataset check"
#: Minimum rows to compare a group, until the reviewer chooses.
DEFAULT_MIN_N = 30


REPRESENTATION_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "rows": st.column_config.NumberColumn("Rows", format="localized"),
    "share": st.column_config.NumberColumn("Share", format="percent"),
    "share_low": st.column_config.NumberColumn("95% low", format="percent"),
    "share_high": st.column_config.NumberColumn("95% high", format="percent"),
    "reference_share": st.column_config.NumberColumn("Population", format="percent"),
    "representation_ratio": st.column_config.NumberColumn("Share ÷ population", format="%.2f"),
    "small": st.column_config.CheckboxColumn("Too small"),
}
BASE_RATE_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "rows": st.column_config.NumberColumn("Rows", format="localized"),
    "positives": st.column_config.NumberColumn("Positive outcomes", format="localized"),
    "base_rate": st.column_config.NumberColumn("Base rate", format="%.3f"),
    "base_rate_low": st.column_config.NumberColumn("95% low", format="%.3f"),
    "base_rate_high": st.column_config.NumberColumn("95% high", format="%.3f"),
    "disparate_impact": st.column_config.NumberColumn("Ratio to the highest", format="%.2f"),
    "small": st.column_config.CheckboxColumn("Too small"),
}
MISSING_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "feature": st.column_config.TextColumn("Feature"),
    "rows": st.column_config.NumberColumn("Rows", format="localized"),
    "missing": st.column_config.NumberColumn("Missing", format="localized"),
    "missing_share": st.column_config.NumberColumn("Share missing", format="percent"),
}
DISTRIBUTION_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "value": st.column_config.TextColumn("Value"),
    "rows": st.column_config.NumberColumn("Rows", format="localized"),
    "share": st.column_config.NumberColumn("Share of the group", format="percent"),
}


def reference_shares(
    inputs: AuditInputs, data: AuditData
) -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    """The population shares the reviewer entered (percent widgets → fractions)."""
    entered = []
    for group in data.groups:
        shares = []
        for index, label in enumerate(group.labels):
            key = state.reference_share_key(inputs.dataset.sha256, group.name, index)
            value = st.session_state.get(key) or 0.0
            if value > 0:
                shares.append((label, float(value) / 100))
        if shares:
            entered.append((group.name, tuple(shares)))
    return tuple(entered)


def render_data_tab(inputs: AuditInputs, data: AuditData) -> None:
    """The attribute and minimum-size pickers, the optional population, then four views."""
    left, right = st.columns(2)
    attribute = left.selectbox(
        "Protected attribute",
        [g.name for g in data.groups],
        key=state.DATASETCHECK_ATTRIBUTE,
        persist_state="session",
    )
    min_n = right.number_input(
        "Minimum rows to compare a group",
        min_value=1,
        max_value=10_000,
        value=DEFAULT_MIN_N,
        step=1,
        key=state.DATASETCHECK_MIN_N,
        persist_state="session",
        help="Smaller groups are flagged and left out of the disparate impact ratio.",
    )
    with st.expander("Compare with the population the model will serve (optional)"):
        st.caption(
            "Enter each group's share of that population in percent (e.g. from census data). "
            "Leave 0 where you do not know it."
        )
        group = data.group(attribute)
        columns = st.columns(min(len(group.labels), 4))
        for index, label in enumerate(group.labels):
            columns[index % len(columns)].number_input(
                f"{escape_markdown(label)} (%)",
                min_value=0.0,
                max_value=100.0,
                value=0.0,
                step=1.0,
                key=state.reference_share_key(inputs.dataset.sha256, attribute, index),
                persist_state="session",
            )
    try:
        audit = cache.dataset_audit(inputs, data, reference_shares(inputs, data), int(min_n))
    except FairnessCoreError as exc:
        render_error(exc)
        return
    _representation(audit, attribute)
    _base_rates(audit, attribute)
    _missingness(audit, attribute)
    _distribution(inputs, data, audit, attribute)


def _representation(audit: DatasetAudit, attribute: str) -> None:
    st.subheader("Who is in the data")
    render_view(
        "datasetcheck.representation",
        page=PAGE,
        title=f"Who is in the data: {attribute}",
        sentence=describe_representation(audit, attribute),
        figure=plot_representation(audit, attribute),
        table=audit.attribute(attribute)[list(REPRESENTATION_COLUMNS)],
        columns=REPRESENTATION_COLUMNS,
        settings={"attribute": attribute},
    )


def _base_rates(audit: DatasetAudit, attribute: str) -> None:
    st.subheader("Recorded outcomes per group")
    st.markdown(
        "The **base rate** is the share of a group whose recorded outcome is positive. A model "
        "trained on these labels learns any gap between groups, whether or not it was fair."
    )
    render_view(
        "datasetcheck.base_rate",
        page=PAGE,
        title=f"Recorded outcomes by {attribute}",
        sentence=describe_base_rates(audit, attribute),
        figure=plot_base_rates(audit, attribute),
        table=audit.attribute(attribute)[list(BASE_RATE_COLUMNS)],
        columns=BASE_RATE_COLUMNS,
        settings={"attribute": attribute, "min_n": audit.min_n},
    )


def _missingness(audit: DatasetAudit, attribute: str) -> None:
    st.subheader("Missing values per group")
    if not audit.features:
        st.info("No feature columns to check: every column has another role.")
        return
    gaps = audit.missingness[audit.missingness["attribute"] == attribute]
    render_view(
        "datasetcheck.missing",
        page=PAGE,
        title=f"Missing values by {attribute}",
        sentence=describe_missingness(audit, attribute),
        figure=plot_missingness(audit, attribute),
        table=gaps.drop(columns=["attribute"]),
        columns=MISSING_COLUMNS,
        settings={"attribute": attribute},
    )


def _distribution(
    inputs: AuditInputs, data: AuditData, audit: DatasetAudit, attribute: str
) -> None:
    st.subheader("How a feature is spread in each group")
    if not audit.features:
        return
    feature = st.selectbox(
        "Feature", list(audit.features), key=state.DATASETCHECK_FEATURE, persist_state="session"
    )
    try:
        spread = cache.feature_distribution(inputs, data, attribute, feature)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    render_view(
        "datasetcheck.distribution",
        page=PAGE,
        title=f"{feature} by {attribute}",
        sentence=describe_feature_distribution(spread),
        figure=plot_feature_distribution(spread),
        table=spread.table,
        columns=DISTRIBUTION_COLUMNS,
        settings={"attribute": attribute, "feature": feature},
    )
