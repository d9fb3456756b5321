"""The Dataset check's slice search: the slices of people the model treats worst.

Searches combinations of up to three features for slices whose metric is worse than for
everyone else, and saves a chosen slice as a cohort for the Subgroups page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from components import cache, state
from components.errors import render_error
from components.state import AuditInputs
from components.view import render_view
from fairness_core.dataset_check import SLICE_METRICS, Cohort, SliceMetric
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.metrics import Correction
from fairness_core.plots import describe_slices, plot_slices

if TYPE_CHECKING:
    from components.view import Columns

PAGE = "Dataset check"
CORRECTIONS: dict[Correction, str] = {
    "holm": "Holm (strict: few false alarms)",
    "benjamini-hochberg": "Benjamini–Hochberg (finds more, allows some false alarms)",
    "none": "None (each slice alone)",
}
ORDERS = {1: "One feature", 2: "Up to two features", 3: "Up to three features"}
MAX_DEFAULT_SLICE_FEATURES = 10


@dataclass(frozen=True)
class SliceSettings:
    """The slice search as the reviewer set it (what the finding records)."""

    features: tuple[str, ...]
    metric: SliceMetric
    max_order: int
    min_support: int
    correction: Correction

    def as_record(self) -> dict[str, object]:
        """The settings as a finding records them."""
        return {
            "features": list(self.features),
            "metric": self.metric,
            "max_order": self.max_order,
            "min_support": self.min_support,
            "correction": self.correction,
        }


def _columns(metric: SliceMetric) -> Columns:
    number = st.column_config.NumberColumn
    return {
        "slice": st.column_config.TextColumn("Slice", width="large"),
        "order": number("Conditions"),
        "rows": number("Rows", format="localized"),
        "support": number("Measured on", format="localized"),
        "value": number(SLICE_METRICS[metric], format="%.3f"),
        "ci_low": number("95% low", format="%.3f"),
        "ci_high": number("95% high", format="%.3f"),
        "rest_value": number("Everyone else", format="%.3f"),
        "rest_support": number("Everyone else measured on", format="localized"),
        "difference": number("Difference", format="%+.3f"),
        "worse_by": number("Worse by", format="%.3f"),
        "worse_by_low": number(
            "Worse by at least (95%)",
            format="%.3f",
            help="The lower end of the 95% interval of the gap: the list is ranked "
            "by it, so a large slice with a sure gap comes before a tiny one with an "
            "uncertain gap.",
        ),
        "ratio": number("Ratio", format="%.2f"),
        "p_value": number("p", format="%.3g"),
        "p_value_adjusted": number("p (adjusted)", format="%.3g"),
        "significant": st.column_config.CheckboxColumn("Significant"),
    }


def _settings(options: list[str], default: list[str]) -> SliceSettings:
    left, right = st.columns(2)
    features = left.multiselect(
        "Features to search",
        options,
        default=[c for c in default if c in options],
        key=state.DATASETCHECK_SLICE_FEATURES,
        persist_state="session",
        help="Protected attributes or not. More features take longer to search.",
    )
    metric = left.selectbox(
        "Metric",
        list(SLICE_METRICS),
        format_func=SLICE_METRICS.__getitem__,
        key=state.DATASETCHECK_SLICE_METRIC,
        persist_state="session",
        help="Error rates: higher is worse. Selection rate: lower is worse.",
    )
    order = right.selectbox(
        "Combine",
        list(ORDERS),
        index=1,
        format_func=ORDERS.__getitem__,
        key=state.DATASETCHECK_SLICE_ORDER,
        persist_state="session",
    )
    min_support = right.number_input(
        "Minimum people in a slice",
        min_value=1,
        max_value=100_000,
        value=30,
        step=1,
        key=state.DATASETCHECK_SLICE_SUPPORT,
        persist_state="session",
        help="Counted among the people the metric is measured on (e.g. for the false "
        "negative rate: those who deserved the positive outcome). Smaller slices are ignored.",
    )
    correction = right.selectbox(
        "Correction for many comparisons",
        list(CORRECTIONS),
        format_func=CORRECTIONS.__getitem__,
        key=state.DATASETCHECK_SLICE_CORRECTION,
        persist_state="session",
    )
    return SliceSettings(
        features=tuple(features),
        metric=metric,
        max_order=int(order),
        min_support=int(min_support),
        correction=correction,
    )


def render_slices_tab(inputs: AuditInputs, candidates: tuple[str, ...]) -> None:
    """Settings, the search, the worst slices as a view, and the saved cohorts."""
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
    settings = _settings(options, default)
    if not settings.features:
        st.info("Choose at least one feature to search.")
        return
    try:
        report = cache.slices(
            inputs,
            audit,
            features=settings.features,
            metric=settings.metric,
            max_order=settings.max_order,
            min_support=settings.min_support,
            correction=settings.correction,
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
        render_view(
            "datasetcheck.slice",
            page=PAGE,
            title=f"Worst-treated slices: {SLICE_METRICS[settings.metric].lower()}",
            sentence=sentence,
            figure=plot_slices(report),
            table=report.table.drop(columns=["conditions"]),
            columns=_columns(settings.metric),
            settings=settings.as_record(),
        )
        _save_cohort(report.table)
    _saved_cohorts()


def _save_cohort(table: pd.DataFrame) -> None:
    st.markdown("**Analyse a slice on the Subgroups page**")
    chosen = st.selectbox(
        "Slice",
        list(table["slice"]),
        key=state.DATASETCHECK_SLICE_CHOSEN,
        persist_state="session",
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
