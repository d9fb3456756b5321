"""Dataset check: the data before (and beyond) the model.

Three tabs: who is in the data and what its recorded outcomes say (no model needed), which
features stand in for a protected attribute, and the slices the model treats worst (saved
as cohorts for the Subgroups page).
"""

from __future__ import annotations

import streamlit as st

from components import cache, state
from components.dataset_data_tab import DEFAULT_MIN_N, PAGE, render_data_tab
from components.errors import render_error, render_problems
from components.router import ensure_routed
from components.server_data import render_sample_note
from components.slices_tab import render_slices_tab
from components.state import AuditInputs
from components.view import render_view
from fairness_core.data import AuditData
from fairness_core.dataset_check import top_proxy_features
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import describe_proxies, plot_proxies

ensure_routed()

PROXY_COLUMNS = {
    "feature": st.column_config.TextColumn("Feature"),
    "attribute": st.column_config.TextColumn("Protected attribute"),
    "sentence": st.column_config.TextColumn("In words", width="large"),
    "score_name": st.column_config.TextColumn("Measured by"),
    "score": st.column_config.NumberColumn("Score", format="%.2f"),
    "skill": st.column_config.NumberColumn("Above chance (0–1)", format="%.2f"),
    "normalized_mi": st.column_config.NumberColumn("Information shared (0–1)", format="%.2f"),
    "rank": st.column_config.NumberColumn("Rank for the attribute"),
}

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
render_sample_note()
if data is None:
    st.warning(
        "The dataset check needs a target column (the recorded outcome) and at least one "
        "protected attribute. Fix the problems below on the Data & model page."
    )
    render_problems(p for p in problems if p.severity == "error")
    st.page_link("pages/data.py", label="Go to Data & model", icon=":material/upload_file:")
    st.stop()
if cache.validate(inputs)[1] is None:
    # Not an error: this page needs only the recorded outcomes.
    st.info(
        "No model decisions are chosen, so this page checks the data itself. Available: "
        "who is in the data and what its recorded outcomes say (with a verdict per group), "
        "and which features give away a protected attribute. The worst-treated slices need "
        "the model's decisions: choose a prediction or score column, or upload the model, "
        "on the Data & model page."
    )


def _proxies_tab(inputs: AuditInputs, data: AuditData, candidates: tuple[str, ...]) -> None:
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
        persist_state="session",
    )
    if not features:
        st.info("Choose at least one feature to check.")
        return
    try:
        report = cache.proxies(inputs, data, tuple(features))
    except FairnessCoreError as exc:
        render_error(exc)
        return
    render_view(
        "datasetcheck.proxy",
        page=PAGE,
        title="Features that reveal a protected attribute",
        sentence=describe_proxies(report),
        figure=plot_proxies(report),
        table=report.table[list(PROXY_COLUMNS)],
        columns=PROXY_COLUMNS,
        note=" ".join(report.notes),
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


try:
    base = cache.dataset_audit(inputs, data, (), DEFAULT_MIN_N)
except FairnessCoreError as exc:  # pragma: no cover - labelled data always audits
    render_error(exc)
    st.stop()
candidates = base.features

data_tab, proxy_tab, slice_tab = st.tabs(["Who is in the data", "Proxies", "Worst-treated slices"])
with data_tab:
    render_data_tab(inputs, data)
with proxy_tab:
    _proxies_tab(inputs, data, candidates)
with slice_tab:
    render_slices_tab(inputs, candidates)
