"""What-if section 5: why the model decided this — one person's SHAP values, feature
importance per group, and one feature across its range (ICE and partial dependence)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import state, whatif_cache
from components.errors import render_error
from components.state import AuditInputs
from components.view import render_view
from components.whatif_cache import Edits
from components.whatif_tables import (
    ICE_COLUMNS,
    KIND_WORDS,
    LOCAL_COLUMNS,
    as_text,
    in_words,
    select_titled,
)
from fairness_core.data import AuditData
from fairness_core.errors import FairnessCoreError
from fairness_core.plots import (
    describe_global_importance,
    describe_ice,
    describe_local_explanation,
    format_value,
    plot_global_importance,
    plot_ice,
    plot_local_explanation,
)
from fairness_core.whatif import ModelScorer, choose_explainer

PAGE = "What-if"
_SCORE = st.column_config.NumberColumn(format="%.3f")


def render_explanations(
    inputs: AuditInputs,
    audit: AuditData,
    scorer: ModelScorer,
    row: int,
    edits: Edits,
    features: Sequence[str],
) -> None:
    """Section 5, behind a toggle when explanations of this model are slow."""
    st.header("5. Why did the model decide this?")
    kind = choose_explainer(scorer)
    explain_on = st.toggle(
        "Compute explanations",
        value=kind != "permutation",
        key=state.WHATIF_EXPLAIN_ON,
        persist_state="session",
        help="Explanations of this model take a few seconds each.",
    )
    st.caption(f"Method: {KIND_WORDS[kind]}.")
    if not explain_on:
        st.info("Turn on 'Compute explanations' to see which features drove the decision.")
        return
    try:
        explanation = whatif_cache.whatif_explain(inputs, audit, row, edits)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    st.subheader("This person" + (" (as edited)" if edits else ""))
    render_view(
        "whatif.local",
        page=PAGE,
        title=f"Explanation of row {row + 1}",
        sentence=describe_local_explanation(explanation, 0),
        figure=plot_local_explanation(explanation, 0),
        table=select_titled(as_text(explanation.row(0), ["value"]), LOCAL_COLUMNS),
        columns={LOCAL_COLUMNS["shap"]: st.column_config.NumberColumn(format="%+.3f")},
        settings={"row": row + 1, "edits": {k: format_value(v) for k, v in edits}},
        individuals=True,
    )

    st.subheader("Which features matter, for whom")
    protected = [g.name for g in audit.groups]
    attribute = st.selectbox(
        "Compare groups of",
        protected,
        key=state.WHATIF_IMPORTANCE_ATTRIBUTE,
        persist_state="session",
    )
    per_group = 20 if kind == "permutation" else 200
    try:
        importance = whatif_cache.whatif_importance(inputs, audit, attribute, per_group)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    table = importance.table.rename(
        columns={"feature": "Feature", "overall": "Overall (whole population)"}
    )
    render_view(
        "whatif.importance",
        page=PAGE,
        title=f"Feature importance by {attribute}",
        sentence=describe_global_importance(importance),
        note=f"Measured on up to {per_group} people per group.",
        figure=plot_global_importance(importance),
        table=table,
        columns={c: _SCORE for c in table.columns if c != "Feature"},
        settings={"attribute": attribute, "per_group": per_group},
    )

    st.subheader("One feature across its range")
    feature = st.selectbox(
        "Feature", list(features), key=state.WHATIF_ICE_FEATURE, persist_state="session"
    )
    try:
        curve = whatif_cache.whatif_ice(inputs, audit, row, edits, feature)
    except FairnessCoreError as exc:
        render_error(exc)
        return
    ice_table = select_titled(in_words(as_text(curve.table, ["value"]), ["decision"]), ICE_COLUMNS)
    render_view(
        "whatif.ice",
        page=PAGE,
        title=f"Score of row {row + 1} across {feature}",
        sentence=describe_ice(curve),
        note="The dotted line is the average over 100 people (partial dependence).",
        figure=plot_ice(curve),
        table=ice_table,
        columns={
            ICE_COLUMNS[c]: _SCORE
            for c in ("score", "average_score")
            if ICE_COLUMNS[c] in ice_table.columns
        },
        settings={"row": row + 1, "feature": feature},
        individuals=True,
    )
