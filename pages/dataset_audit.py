"""Dataset check: the data before (and beyond) the model.

Three tabs: who is in the data and what its recorded outcomes say (no model needed), which
features stand in for a protected attribute, and the slices the model treats worst (saved
as cohorts for the Subgroups page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from components import cache, state
from components.charts import render_chart
from components.errors import render_error, render_problems
from components.findings import render_add_to_findings, titled
from components.router import ensure_routed
from fairness_core.data import AuditData
from fairness_core.dataset_check import SLICE_METRICS, Cohort, DatasetAudit, top_proxy_features
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import (
    describe_base_rates,
    describe_feature_distribution,
    describe_missingness,
    describe_proxies,
    describe_representation,
    describe_slices,
    plot_base_rates,
    plot_feature_distribution,
    plot_missingness,
    plot_proxies,
    plot_representation,
    plot_slices,
)

if TYPE_CHECKING:
    import pandas as pd

ensure_routed()

PAGE = "Dataset check"
CORRECTIONS = {
    "holm": "Holm (strict: few false alarms)",
    "benjamini-hochberg": "Benjamini–Hochberg (finds more, allows some false alarms)",
    "none": "None (each slice alone)",
}
ORDERS = {1: "One feature", 2: "Up to two features", 3: "Up to three features"}
MAX_DEFAULT_SLICE_FEATURES = 10

st.title(PAGE)
st.caption(
    "Look at the data itself: who is in it and what its recorded outcomes say (no model "
    "needed), which features give away a protected attribute, and which slices of people the "
    "model treats worst."
)

inputs = state.get_inputs()
if inputs is None:
    st.info("No data is loaded yet. Choose a demo or upload your data first.")
    st.page_link("pages/data.py", label="Go to Data & model", icon=":material/upload_file:")
    st.stop()
problems, data = cache.labelled_data(inputs)
if data is None:
    st.warning(
        "The dataset check needs a target column (the recorded outcome) and at least one "
        "protected attribute. Fix the problems below on the Data & model page."
    )
    render_problems(p for p in problems if p.severity == "error")
    st.page_link("pages/data.py", label="Go to Data & model", icon=":material/upload_file:")
    st.stop()


def _reference_shares(data: AuditData) -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
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


def _dataset_tab(data: AuditData) -> None:
    left, right = st.columns(2)
    attribute = left.selectbox(
        "Protected attribute",
        [g.name for g in data.groups],
        key=state.DATASETCHECK_ATTRIBUTE,
    )
    min_n = right.number_input(
        "Minimum rows to compare a group",
        min_value=1,
        max_value=10_000,
        value=30,
        step=1,
        key=state.DATASETCHECK_MIN_N,
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
            )
    try:
        audit = cache.dataset_audit(inputs, data, _reference_shares(data), int(min_n))
    except FairnessCoreError as exc:
        render_error(exc)
        return
    _representation(audit, attribute)
    _base_rates(audit, attribute)
    _missingness(audit, attribute)
    _distribution(data, audit, attribute)


def _representation(audit: DatasetAudit, attribute: str) -> None:
    st.subheader("Who is in the data")
    figure = plot_representation(audit, attribute)
    sentence = describe_representation(audit, attribute)
    render_chart(figure, key="datasetcheck.representation_chart")
    st.caption(escape_markdown(sentence))
    table = audit.attribute(attribute)[
        ["group", "rows", "share", "share_low", "share_high", "reference_share",
         "representation_ratio", "small"]
    ]  # fmt: skip
    st.dataframe(
        table,
        hide_index=True,
        key="datasetcheck.representation_table",
        column_config=(
            titles := {
                "group": st.column_config.TextColumn("Group"),
                "rows": st.column_config.NumberColumn("Rows", format="localized"),
                "share": st.column_config.NumberColumn("Share", format="percent"),
                "share_low": st.column_config.NumberColumn("95% low", format="percent"),
                "share_high": st.column_config.NumberColumn("95% high", format="percent"),
                "reference_share": st.column_config.NumberColumn("Population", format="percent"),
                "representation_ratio": st.column_config.NumberColumn(
                    "Share ÷ population", format="%.2f"
                ),
                "small": st.column_config.CheckboxColumn("Too small"),
            }
        ),
    )
    render_add_to_findings(
        "datasetcheck.representation",
        title=f"Who is in the data: {attribute}",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=titled(table, titles),
        settings={"attribute": attribute},
    )


def _base_rates(audit: DatasetAudit, attribute: str) -> None:
    st.subheader("Recorded outcomes per group")
    st.markdown(
        "The **base rate** is the share of a group whose recorded outcome is positive. A model "
        "trained on these labels learns any gap between groups, whether or not it was fair."
    )
    figure = plot_base_rates(audit, attribute)
    sentence = describe_base_rates(audit, attribute)
    render_chart(figure, key="datasetcheck.base_rate_chart")
    st.caption(escape_markdown(sentence))
    table = audit.attribute(attribute)[
        ["group", "rows", "positives", "base_rate", "base_rate_low", "base_rate_high",
         "disparate_impact", "small"]
    ]  # fmt: skip
    st.dataframe(
        table,
        hide_index=True,
        key="datasetcheck.base_rate_table",
        column_config=(
            titles := {
                "group": st.column_config.TextColumn("Group"),
                "rows": st.column_config.NumberColumn("Rows", format="localized"),
                "positives": st.column_config.NumberColumn("Positive outcomes", format="localized"),
                "base_rate": st.column_config.NumberColumn("Base rate", format="%.3f"),
                "base_rate_low": st.column_config.NumberColumn("95% low", format="%.3f"),
                "base_rate_high": st.column_config.NumberColumn("95% high", format="%.3f"),
                "disparate_impact": st.column_config.NumberColumn(
                    "Ratio to the highest", format="%.2f"
                ),
                "small": st.column_config.CheckboxColumn("Too small"),
            }
        ),
    )
    render_add_to_findings(
        "datasetcheck.base_rates",
        title=f"Recorded outcomes by {attribute}",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=titled(table, titles),
        settings={"attribute": attribute, "min_n": audit.min_n},
    )


def _missingness(audit: DatasetAudit, attribute: str) -> None:
    st.subheader("Missing values per group")
    if not audit.features:
        st.info("No feature columns to check: every column has another role.")
        return
    figure = plot_missingness(audit, attribute)
    sentence = describe_missingness(audit, attribute)
    render_chart(figure, key="datasetcheck.missing_chart")
    st.caption(escape_markdown(sentence))
    gaps = audit.missingness[audit.missingness["attribute"] == attribute].drop(
        columns=["attribute"]
    )
    st.dataframe(
        gaps,
        hide_index=True,
        key="datasetcheck.missing_table",
        column_config=(
            titles := {
                "group": st.column_config.TextColumn("Group"),
                "feature": st.column_config.TextColumn("Feature"),
                "rows": st.column_config.NumberColumn("Rows", format="localized"),
                "missing": st.column_config.NumberColumn("Missing", format="localized"),
                "missing_share": st.column_config.NumberColumn("Share missing", format="percent"),
            }
        ),
    )
    render_add_to_findings(
        "datasetcheck.missing",
        title=f"Missing values by {attribute}",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=titled(gaps, titles),
        settings={"attribute": attribute},
    )


def _distribution(data: AuditData, audit: DatasetAudit, attribute: str) -> None:
    st.subheader("How a feature is spread in each group")
    if not audit.features:
        return
    feature = st.selectbox("Feature", list(audit.features), key=state.DATASETCHECK_FEATURE)
    try:
        dist = cache.feature_distribution(inputs, data, attribute, feature)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    figure = plot_feature_distribution(dist)
    sentence = describe_feature_distribution(dist)
    render_chart(figure, key="datasetcheck.distribution_chart")
    st.caption(escape_markdown(sentence))
    st.dataframe(
        dist.table,
        hide_index=True,
        key="datasetcheck.distribution_table",
        column_config=(
            titles := {
                "group": st.column_config.TextColumn("Group"),
                "value": st.column_config.TextColumn("Value"),
                "rows": st.column_config.NumberColumn("Rows", format="localized"),
                "share": st.column_config.NumberColumn("Share of the group", format="percent"),
            }
        ),
    )
    render_add_to_findings(
        "datasetcheck.distribution",
        title=f"{feature} by {attribute}",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=titled(dist.table, titles),
        settings={"attribute": attribute, "feature": feature},
    )


def _proxies_tab(data: AuditData, candidates: tuple[str, ...]) -> None:
    st.markdown(
        "A **proxy** is a feature that gives away a protected attribute: a model that never "
        "sees race can still treat people by race through their zip code. For each feature, "
        "a small model tries to guess each protected attribute from that feature alone, tested "
        "on rows it did not learn from."
    )
    columns = [str(c) for c in data.frame.columns]
    protected = set(data.roles.protected)
    options = [c for c in columns if c != data.roles.target and c not in protected]
    features = st.multiselect(
        "Features to check",
        options,
        default=[c for c in candidates if c in options],
        key=state.DATASETCHECK_PROXY_FEATURES,
    )
    if not features:
        st.info("Choose at least one feature to check.")
        return
    try:
        report = cache.proxies(inputs, data, tuple(features))
    except FairnessCoreError as exc:
        render_error(exc)
        return
    figure = plot_proxies(report)
    sentence = describe_proxies(report)
    render_chart(figure, key="datasetcheck.proxy_chart")
    st.caption(escape_markdown(sentence))
    for note in report.notes:
        st.caption(escape_markdown(note))
    table = report.table[
        ["feature", "attribute", "sentence", "score_name", "score", "skill", "normalized_mi",
         "rank"]
    ]  # fmt: skip
    st.dataframe(
        table,
        hide_index=True,
        key="datasetcheck.proxy_table",
        column_config=(
            titles := {
                "feature": st.column_config.TextColumn("Feature"),
                "attribute": st.column_config.TextColumn("Protected attribute"),
                "sentence": st.column_config.TextColumn("In words", width="large"),
                "score_name": st.column_config.TextColumn("Measured by"),
                "score": st.column_config.NumberColumn("Score", format="%.2f"),
                "skill": st.column_config.NumberColumn("Above chance (0–1)", format="%.2f"),
                "normalized_mi": st.column_config.NumberColumn(
                    "Information shared (0–1)", format="%.2f"
                ),
                "rank": st.column_config.NumberColumn("Rank for the attribute"),
            }
        ),
    )
    render_add_to_findings(
        "datasetcheck.proxies",
        title="Features that reveal a protected attribute",
        page=PAGE,
        summary=sentence,
        figure=figure,
        table=titled(table, titles),
        settings={"features": list(features), "folds": report.folds, "seed": report.seed},
    )
    _hand_to_whatif(top_proxy_features(report))


def _hand_to_whatif(proxies: tuple[str, ...]) -> None:
    """Offer the strongest proxies as the What-if page's flip-test proxies."""
    st.markdown("**Test these proxies on single people**")
    if not proxies:
        st.caption(
            "No feature identifies a protected attribute better than weakly, so there is "
            "nothing to hand to the What-if flip tests."
        )
        return
    listed = ", ".join(proxies)
    st.caption(
        escape_markdown(
            f"On the What-if page, a flip test changes a person's protected attribute. With "
            f"these proxies ({listed}) it also changes them to what is typical of the new "
            "group, as a zip code would change with race."
        )
    )
    if st.button(
        "Use in the What-if flip tests",
        key=state.DATASETCHECK_USE_PROXIES,
        icon=":material/swap_horiz:",
    ):
        state.set_whatif_proxy_default(proxies)
    handed = state.get_whatif_proxy_default()
    if handed:
        st.success(
            escape_markdown(
                f"The What-if flip tests will start with these proxies: {', '.join(handed)}."
            )
        )
        st.page_link("pages/whatif.py", label="Go to What-if", icon=":material/psychology_alt:")


def _slices_tab(candidates: tuple[str, ...]) -> None:
    st.markdown(
        "Instead of guessing which groups to check, let the app search every combination of "
        "up to three features for the **slices** of people the model treats worst compared "
        "with everyone else. Numbers are cut into bands."
    )
    _, audit = cache.validate(inputs)
    if audit is None:
        st.info(
            "Searching slices needs the model's decisions. Choose a prediction or score "
            "column, or upload the model, on the Data & model page."
        )
        st.page_link("pages/data.py", label="Go to Data & model", icon=":material/upload_file:")
        return
    roles = audit.roles
    skip = {roles.target, roles.prediction, roles.score, roles.weight}
    options = [str(c) for c in audit.frame.columns if str(c) not in skip]
    default = list(dict.fromkeys([*roles.protected, *candidates]))[:MAX_DEFAULT_SLICE_FEATURES]
    left, right = st.columns(2)
    features = left.multiselect(
        "Features to search",
        options,
        default=[c for c in default if c in options],
        key=state.DATASETCHECK_SLICE_FEATURES,
        help="Protected attributes or not. More features take longer to search.",
    )
    metric = left.selectbox(
        "Metric",
        list(SLICE_METRICS),
        format_func=SLICE_METRICS.__getitem__,
        key=state.DATASETCHECK_SLICE_METRIC,
        help="Error rates: higher is worse. Selection rate: lower is worse.",
    )
    order = right.selectbox(
        "Combine",
        list(ORDERS),
        index=1,
        format_func=ORDERS.__getitem__,
        key=state.DATASETCHECK_SLICE_ORDER,
    )
    min_support = right.number_input(
        "Minimum people in a slice",
        min_value=1,
        max_value=100_000,
        value=30,
        step=1,
        key=state.DATASETCHECK_SLICE_SUPPORT,
        help="Counted among the people the metric is measured on (e.g. for the false "
        "negative rate: those who deserved the positive outcome). Smaller slices are ignored.",
    )
    correction = right.selectbox(
        "Correction for many comparisons",
        list(CORRECTIONS),
        format_func=CORRECTIONS.__getitem__,
        key=state.DATASETCHECK_SLICE_CORRECTION,
    )
    if not features:
        st.info("Choose at least one feature to search.")
        return
    try:
        report = cache.slices(
            inputs,
            audit,
            features=tuple(features),
            metric=metric,
            max_order=int(order),
            min_support=int(min_support),
            correction=correction,
        )
    except FairnessCoreError as exc:
        render_error(exc)
        return
    if report.skipped:
        skipped = ", ".join(report.skipped)
        st.caption(escape_markdown(f"Skipped (too many different values): {skipped}."))
    if report.pruned:
        st.caption(
            f"{report.pruned:,} narrower slices were left out because they are not clearly "
            "worse than a broader slice they belong to."
        )
    sentence = describe_slices(report)
    if report.table.empty:
        st.info(escape_markdown(sentence))
    else:
        figure = plot_slices(report)
        render_chart(figure, key="datasetcheck.slice_chart")
        st.caption(escape_markdown(sentence))
        table = report.table.drop(columns=["conditions"])
        st.dataframe(
            table,
            hide_index=True,
            key="datasetcheck.slice_table",
            column_config=(
                titles := {
                    "slice": st.column_config.TextColumn("Slice", width="large"),
                    "order": st.column_config.NumberColumn("Conditions"),
                    "rows": st.column_config.NumberColumn("Rows", format="localized"),
                    "support": st.column_config.NumberColumn("Measured on", format="localized"),
                    "value": st.column_config.NumberColumn(SLICE_METRICS[metric], format="%.3f"),
                    "ci_low": st.column_config.NumberColumn("95% low", format="%.3f"),
                    "ci_high": st.column_config.NumberColumn("95% high", format="%.3f"),
                    "rest_value": st.column_config.NumberColumn("Everyone else", format="%.3f"),
                    "rest_support": st.column_config.NumberColumn(
                        "Everyone else measured on", format="localized"
                    ),
                    "difference": st.column_config.NumberColumn("Difference", format="%+.3f"),
                    "worse_by": st.column_config.NumberColumn("Worse by", format="%.3f"),
                    "worse_by_low": st.column_config.NumberColumn(
                        "Worse by at least (95%)",
                        format="%.3f",
                        help="The lower end of the 95% interval of the gap: the list is ranked "
                        "by it, so a large slice with a sure gap comes before a tiny one with an "
                        "uncertain gap.",
                    ),
                    "ratio": st.column_config.NumberColumn("Ratio", format="%.2f"),
                    "p_value": st.column_config.NumberColumn("p", format="%.3g"),
                    "p_value_adjusted": st.column_config.NumberColumn(
                        "p (adjusted)", format="%.3g"
                    ),
                    "significant": st.column_config.CheckboxColumn("Significant"),
                }
            ),
        )
        render_add_to_findings(
            "datasetcheck.slices",
            title=f"Worst-treated slices: {SLICE_METRICS[metric].lower()}",
            page=PAGE,
            summary=sentence,
            figure=figure,
            table=titled(table, titles),
            settings={
                "features": list(features),
                "metric": metric,
                "max_order": int(order),
                "min_support": int(min_support),
                "correction": correction,
            },
        )
        _save_cohort(report.table)
    _saved_cohorts()


def _save_cohort(table: pd.DataFrame) -> None:
    st.markdown("**Analyse a slice on the Subgroups page**")
    chosen = st.selectbox(
        "Slice",
        list(table["slice"]),
        key=state.DATASETCHECK_SLICE_CHOSEN,
    )
    if st.button("Save as a cohort", key=state.DATASETCHECK_SAVE_COHORT, icon=":material/add:"):
        conditions = table.loc[table["slice"] == chosen, "conditions"].iloc[0]
        cohort = Cohort.of(conditions)
        state.add_cohort(cohort)
        st.success(
            escape_markdown(
                f"Saved the cohort '{cohort.name}'. On the Subgroups page it is listed among the "
                "protected attributes, as its members against everyone else."
            )
        )


def _saved_cohorts() -> None:
    cohorts = state.get_cohorts()
    if not cohorts:
        return
    st.markdown("**Saved cohorts**")
    for index, cohort in enumerate(cohorts):
        text, button = st.columns([5, 1])
        text.markdown(f"- {escape_markdown(cohort.name)}")
        if button.button("Remove", key=f"{state.DATASETCHECK_REMOVE_COHORT}.{index}"):
            state.remove_cohort(cohort.name)
            st.rerun()
    st.page_link("pages/subgroups.py", label="Go to Subgroups", icon=":material/groups:")


try:
    base = cache.dataset_audit(inputs, data, (), 30)
except FairnessCoreError as exc:  # pragma: no cover - labelled data always audits
    render_error(exc)
    st.stop()
candidates = base.features

data_tab, proxy_tab, slice_tab = st.tabs(["Who is in the data", "Proxies", "Worst-treated slices"])
with data_tab:
    _dataset_tab(data)
with proxy_tab:
    _proxies_tab(data, candidates)
with slice_tab:
    _slices_tab(candidates)
