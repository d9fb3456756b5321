"""The Dataset check's first tab: who is in the data and what its recorded outcomes say.

Needs no model: representation against an optional reference population, base rates and
their ratio, a verdict per group on the four-fifths line (as on the Subgroups page),
missing values, and how one feature is spread, each per group of one protected attribute
or of two crossed (race × gender).
"""

from __future__ import annotations

import streamlit as st

from components import cache, state
from components.errors import render_error
from components.state import AuditInputs
from components.view import render_view
from fairness_core.data import AuditData
from fairness_core.dataset_check import (
    BaseRateVerdicts,
    DatasetAudit,
    describe_base_rate_verdicts,
    intersection_name,
)
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import (
    describe_base_rates,
    describe_feature_distribution,
    describe_missingness,
    describe_representation,
    plot_base_rate_verdicts,
    plot_base_rates,
    plot_feature_distribution,
    plot_missingness,
    plot_representation,
)

PAGE = "Dataset check"
#: Minimum rows to compare a group, until the reviewer chooses.
DEFAULT_MIN_N = 30
#: The "cross with" choice that crosses with nothing.
NO_INTERSECTION = "(none)"
#: Most groups that get a population-share field each.
MAX_SHARE_FIELDS = 24


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
VERDICT_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "rows": st.column_config.NumberColumn("Rows", format="localized"),
    "base_rate": st.column_config.NumberColumn("Base rate", format="%.3f"),
    "ci_low": st.column_config.NumberColumn("95% low", format="%.3f"),
    "ci_high": st.column_config.NumberColumn("95% high", format="%.3f"),
    "impact_ratio": st.column_config.NumberColumn("Impact ratio", format="%.3f"),
    "p_value_adjusted": st.column_config.NumberColumn("p (adjusted)", format="%.3g"),
    "verdict": st.column_config.TextColumn("Verdict", width="medium"),
    "below_line": st.column_config.CheckboxColumn("Below the four-fifths line"),
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
    """The attribute (crossed with another, if chosen) and minimum-size pickers, the
    optional population, then the views."""
    left, middle, right = st.columns(3)
    names = [g.name for g in data.groups]
    attribute = left.selectbox(
        "Protected attribute",
        names,
        key=state.DATASETCHECK_ATTRIBUTE,
        persist_state="session",
    )
    others = [NO_INTERSECTION, *(n for n in names if n != attribute)]
    if st.session_state.get(state.DATASETCHECK_INTERSECT) not in others:
        st.session_state[state.DATASETCHECK_INTERSECT] = NO_INTERSECTION
    crossed = middle.selectbox(
        "Cross with (optional)",
        others,
        key=state.DATASETCHECK_INTERSECT,
        persist_state="session",
        disabled=len(others) == 1,
        help="Look at combinations of two attributes, such as Black women: a gap can hide "
        "in a combination that neither attribute shows on its own.",
    )
    min_n = right.number_input(
        "Minimum rows to compare a group",
        min_value=1,
        max_value=10_000,
        value=DEFAULT_MIN_N,
        step=1,
        key=state.DATASETCHECK_MIN_N,
        persist_state="session",
        help="Smaller groups are flagged and not judged against the four-fifths line.",
    )
    if crossed != NO_INTERSECTION:
        try:
            data = cache.intersected(inputs, data, (attribute, crossed))
        except FairnessCoreError as exc:
            render_error(exc)
            return
        attribute = intersection_name((attribute, crossed))
    group = data.group(attribute)
    with st.expander("Compare with the population the model will serve (optional)"):
        if len(group.labels) > MAX_SHARE_FIELDS:
            st.caption(
                f"{escape_markdown(attribute)} has {len(group.labels)} groups; population "
                f"shares can be entered for up to {MAX_SHARE_FIELDS}. Choose one attribute "
                "to enter them."
            )
        else:
            st.caption(
                "Enter each group's share of that population in percent (e.g. from census "
                "data). Leave 0 where you do not know it."
            )
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
        verdicts = cache.base_rate_verdicts(inputs, data, attribute, int(min_n))
    except FairnessCoreError as exc:
        render_error(exc)
        return
    _representation(audit, attribute)
    _base_rates(audit, attribute)
    _verdicts(verdicts)
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


def _verdicts(verdicts: BaseRateVerdicts) -> None:
    st.subheader("Which groups are below the four-fifths line")
    st.markdown(
        "Each group's base rate is divided by the highest base rate of the groups large "
        "enough to judge (its **impact ratio**). Below 0.8 the group is below the four-fifths "
        "line; **adverse impact** means the gap is also statistically significant (Fisher's "
        "exact test, adjusted for the number of groups). These are the Subgroups page's "
        "definitions, applied to the recorded outcomes."
    )
    render_view(
        "datasetcheck.base_rate_verdicts",
        page=PAGE,
        title=f"Recorded outcomes against the four-fifths line: {verdicts.name}",
        sentence=describe_base_rate_verdicts(verdicts),
        figure=plot_base_rate_verdicts(verdicts),
        table=verdicts.table[list(VERDICT_COLUMNS)],
        columns=VERDICT_COLUMNS,
        settings={"attribute": verdicts.name, "min_n": verdicts.min_n},
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
