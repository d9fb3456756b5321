"""The column-role form of the Data & model page.

Widgets start from the stored roles (a demo's roles, or suggestions for an upload) and
keep the reviewer's choices in session state under the ``data.*`` keys; the form returns
a fresh :class:`ColumnRoles` on every run.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

import streamlit as st

from components import state
from components.score_scale import render_score_scale
from components.state import AuditInputs
from fairness_core.data import (
    ColumnRoles,
    DecisionSource,
    default_binning,
    distinct_values,
    numeric_columns,
)

_T = TypeVar("_T")

SOURCE_LABELS: dict[DecisionSource, str] = {
    "score": "A score column and a threshold",
    "prediction": "A column of decisions",
    "model": "The model scores the rows",
}


def render_role_form(inputs: AuditInputs) -> ColumnRoles:
    """Draw the role widgets and return the roles they describe."""
    frame = inputs.dataset.frame
    columns = [str(c) for c in frame.columns]
    current = inputs.roles
    left, right = st.columns(2)
    with left:
        target = st.selectbox(
            "Target: the true outcome",
            columns,
            index=_unless_set(state.DATA_TARGET, _index(columns, current.target)),
            placeholder="Choose the outcome column",
            key=state.DATA_TARGET,
            persist_state="session",
            help="What really happened: repaid or not, qualified or not.",
        )
        positive = _positive_widget(frame, target, current)
        protected = st.multiselect(
            "Protected attributes: the groups to compare",
            columns,
            default=_unless_set(
                state.DATA_PROTECTED, [c for c in current.protected if c in columns]
            ),
            key=state.DATA_PROTECTED,
            persist_state="session",
            help="Gender, race, age, ... Choose several to also see their combinations later.",
        )
        numeric = set(numeric_columns(frame))
        candidates = [c for c in protected if c in numeric]
        binned: Sequence[str] = []
        if candidates:
            binned = st.multiselect(
                "Cut these numbers into bands",
                candidates,
                default=_unless_set(
                    state.DATA_BINNED, [b.column for b in current.bins if b.column in candidates]
                ),
                key=state.DATA_BINNED,
                persist_state="session",
                help="Age becomes age bands (under 25, 25–34, …); other numbers become four "
                "groups of about equal size.",
            )
    with right:
        sources = list(SOURCE_LABELS)
        source = st.radio(
            "Where do the model's decisions come from?",
            sources,
            index=_unless_set(state.DATA_SOURCE, sources.index(current.source)),
            format_func=SOURCE_LABELS.__getitem__,
            key=state.DATA_SOURCE,
            persist_state="session",
        )
        prediction = score = None
        threshold = current.threshold
        if source == "prediction":
            prediction = st.selectbox(
                "Decision column",
                columns,
                index=_unless_set(state.DATA_PREDICTION, _index(columns, current.prediction)),
                placeholder="Choose the decision column",
                key=state.DATA_PREDICTION,
                persist_state="session",
            )
        else:
            if source == "score":
                score = st.selectbox(
                    "Score column (a probability, or a score on its own scale)",
                    columns,
                    index=_unless_set(state.DATA_SCORE, _index(columns, current.score)),
                    placeholder="Choose the score column",
                    key=state.DATA_SCORE,
                    persist_state="session",
                )
            elif inputs.model is None:
                st.info("No model is loaded. Upload one above, or use a column of the data.")
            threshold = st.slider(
                "Threshold: scores at or above it get the positive decision",
                min_value=0.0,
                max_value=1.0,
                value=_unless_set(state.DATA_THRESHOLD, float(current.threshold)),
                step=0.01,
                key=state.DATA_THRESHOLD,
                persist_state="session",
            )
        score_range, higher_favourable = render_score_scale(frame, score, threshold, current)
        weight = st.selectbox(
            "Sample weight (optional)",
            columns,
            index=_unless_set(state.DATA_WEIGHT, _index(columns, current.weight)),
            placeholder="None: every row counts once",
            key=state.DATA_WEIGHT,
            persist_state="session",
        )
    role_columns = {target, prediction, score, weight, *protected}
    feature_default = [c for c in current.features if c in columns]
    if not feature_default and inputs.model is not None and inputs.model.feature_names:
        feature_default = [c for c in inputs.model.feature_names if c in columns]
    features = st.multiselect(
        "Features: the model's inputs (for what-if edits and explanations)",
        [c for c in columns if c not in role_columns - set(protected)],
        default=_unless_set(
            state.DATA_FEATURES,
            [c for c in feature_default if c not in role_columns - set(protected)],
        ),
        key=state.DATA_FEATURES,
        persist_state="session",
    )
    return ColumnRoles(
        target=target or "",
        protected=tuple(protected),
        positive_label=positive,
        source=source or current.source,
        prediction=prediction,
        score=score,
        threshold=float(threshold),
        features=tuple(features),
        weight=weight,
        score_range=score_range,
        higher_score_favourable=higher_favourable,
        bins=tuple(
            next((b for b in current.bins if b.column == c), None) or default_binning(c)
            for c in binned
        ),
    )


def _positive_widget(frame: object, target: str | None, current: ColumnRoles) -> Hashable | None:
    if not target:
        return None
    values = distinct_values(frame, target)  # type: ignore[arg-type]
    if not values:
        return None
    labels = [str(v) for v in values]
    wanted = str(current.positive_label) if current.positive_label is not None else None
    chosen = st.selectbox(
        "Positive value: the favourable outcome",
        labels,
        index=_unless_set(state.DATA_POSITIVE, _index(labels, wanted)),
        placeholder="Choose the favourable value",
        key=state.DATA_POSITIVE,
        persist_state="session",
        help="The outcome a person would want: approved, hired, repaid.",
    )
    if chosen is None:
        return None
    return values[labels.index(chosen)]


def _index(options: Sequence[str], value: str | None) -> int | None:
    return options.index(value) if value is not None and value in options else None


def _unless_set(key: str, default: _T) -> _T | None:
    """``default`` for a widget, or None once its key holds a value.

    A widget whose state was set by the server (see state.set_inputs) must not also get a
    default: Streamlit warns about the conflict and the state wins anyway.
    """
    return None if key in st.session_state else default
