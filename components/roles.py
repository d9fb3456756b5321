"""The column-role form of the Data & model page.

Widgets start from the stored roles (a demo's roles, or suggestions for an upload) and
keep the reviewer's choices in session state under the ``data.*`` keys; the form returns
a fresh :class:`ColumnRoles` on every run.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace
from typing import TypeVar

import streamlit as st

from components import state
from components.score_scale import render_score_scale
from components.state import AuditInputs
from fairness_core.data import (
    AGE_BAND_EDGES,
    Binning,
    ColumnRoles,
    DecisionSource,
    default_binning,
    distinct_values,
    favourable_question,
    is_age_like,
    name_columns,
    numeric_columns,
    parse_band_edges,
    rename_roles,
    suggest_favourable,
)
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.models import LoadedModel

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
            on_change=_forget_positive,
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
                "groups of about equal size. Choose other bands below.",
            )
        chosen_bins = tuple(
            _band_widget(frame, column, inputs.dataset.sha256, current) for column in binned
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
        bins=chosen_bins,
        column_names=current.column_names,
        group_labels=current.group_labels,
    )


def _forget_positive() -> None:
    """Another target: its own suggested favourable value and question start afresh."""
    st.session_state.pop(state.DATA_POSITIVE, None)
    st.session_state.pop(state.DATA_POSITIVE_CONFIRM, None)


def _positive_chosen_by_hand() -> None:
    """Choosing the favourable value by hand answers the question about it."""
    st.session_state[state.DATA_POSITIVE_CONFIRM] = _YES


_YES = "Yes"


def _positive_widget(frame: object, target: str | None, current: ColumnRoles) -> Hashable | None:
    """The favourable value: never blank, and confirmed when the name leaves it open."""
    if not target:
        return None
    values = distinct_values(frame, target)  # type: ignore[arg-type]
    if not values:
        return None
    labels = [str(v) for v in values]
    suggested, ambiguous = suggest_favourable(frame, target)  # type: ignore[arg-type]
    wanted = str(current.positive_label) if current.positive_label is not None else None
    if wanted not in labels:
        wanted = str(suggested) if suggested is not None else labels[0]
    if st.session_state.get(state.DATA_POSITIVE) not in (*labels, None):
        st.session_state.pop(state.DATA_POSITIVE)  # left over from another target
    chosen = st.selectbox(
        "Favourable outcome: the value a person would want",
        labels,
        index=_unless_set(state.DATA_POSITIVE, _index(labels, wanted) or 0),
        key=state.DATA_POSITIVE,
        persist_state="session",
        help="The outcome a person would want: approved, hired, repaid, not re-offending.",
        on_change=_positive_chosen_by_hand,
    )
    if chosen is None:  # never blank: fall back to the suggestion
        chosen = wanted
    if ambiguous and len(labels) == 2:
        other = labels[1 - labels.index(chosen)]
        answer = st.radio(
            escape_markdown(favourable_question(target, chosen)),
            [_YES, f"No, {other} is"],
            index=None,
            key=state.DATA_POSITIVE_CONFIRM,
            persist_state="session",
            horizontal=True,
            on_change=_answered,
            args=(other,),
            help="The column's name does not say which value is the good outcome for the "
            "person (in 'two_year_recid', 1 means re-offended). Every rate is counted "
            "from this choice.",
        )
        if answer is None:
            st.warning(
                escape_markdown(
                    f"Please answer: is {chosen} in '{target}' the favourable outcome? Until "
                    f"then the audit treats {chosen} as favourable."
                )
            )
    return values[labels.index(chosen)]


def _answered(other: str) -> None:
    """ "No, 1 is": make the other value the favourable one, which answers the question."""
    answer = st.session_state.get(state.DATA_POSITIVE_CONFIRM)
    if answer is not None and answer != _YES:
        st.session_state[state.DATA_POSITIVE] = other
        st.session_state[state.DATA_POSITIVE_CONFIRM] = _YES


_BANDS = {
    "age": "Age bands: under 25, 25–34, 35–44, 45–54, 55–64, 65 and over",
    "q4": "4 groups of about equal size",
    "q5": "5 groups of about equal size",
    "custom": "Edges I type",
}


def _band_widget(frame: object, column: str, sha256: str, current: ColumnRoles) -> Binning:
    """How one number is cut into bands (stored as a Binning with the roles)."""
    binning = current.binning_for(column) or default_binning(column)
    values = frame[column]  # type: ignore[index]
    looks_like_age = is_age_like(column) or bool(
        values.dropna().between(0, 120).all() and (values.dropna() % 1 == 0).all()
    )
    options = [k for k in _BANDS if k != "age" or looks_like_age]
    if binning.edges == AGE_BAND_EDGES and "age" in options:
        default = "age"
    elif binning.edges:
        default = "custom"
    else:
        default = "q5" if binning.quantiles == 5 else "q4"
    key = f"data.bands.{sha256[:12]}.{column}"
    kind = st.selectbox(
        f"Bands for '{column}'",
        options,
        index=_unless_set(key, options.index(default)),
        format_func=_BANDS.__getitem__,
        key=key,
    )
    if kind == "age":
        return Binning(column, edges=AGE_BAND_EDGES)
    if kind in ("q4", "q5"):
        return Binning(column, quantiles=4 if kind == "q4" else 5)
    edges_key = f"data.band_edges.{sha256[:12]}.{column}"
    typed = st.text_input(
        f"Band edges for '{column}' (numbers separated by commas)",
        value=_unless_set(
            edges_key, ", ".join(f"{e:g}" for e in binning.edges) if binning.edges else ""
        ),
        placeholder="e.g. 30, 50",
        key=edges_key,
        help="Each edge starts a new band: 30, 50 gives under 30, 30–49 and 50 and over.",
    )
    try:
        return Binning(column, edges=parse_band_edges(typed or ""))
    except FairnessCoreError as exc:
        st.warning(escape_markdown(f"'{column}': {exc} Until then it is cut into four groups."))
        return Binning(column, quantiles=4)


def _index(options: Sequence[str], value: str | None) -> int | None:
    return options.index(value) if value is not None and value in options else None


def _unless_set(key: str, default: _T) -> _T | None:
    """``default`` for a widget, or None once its key holds a value.

    A widget whose state was set by the server (see state.set_inputs) must not also get a
    default: Streamlit warns about the conflict and the state wins anyway.
    """
    return None if key in st.session_state else default


def render_column_names(inputs: AuditInputs) -> None:
    """Names for the columns of a file without a header row (column_1, … until renamed).

    The names are kept with the roles (``ColumnRoles.column_names``), so the same file
    reopens with them; every role already chosen follows its column to its new name.
    """
    if inputs.dataset.header and not inputs.roles.column_names:
        return
    columns = [str(c) for c in inputs.dataset.frame.columns]
    with st.expander("Name the columns (the file has no header row)", expanded=True):
        st.caption(
            "The first row of the file holds data, so the columns were named column_1, "
            "column_2, …. Type the real names (from the file's documentation) and press "
            "**Use these names**."
        )
        with st.form(COLUMN_NAMES_FORM):
            cells = st.columns(4)
            typed = [
                cells[i % 4].text_input(
                    f"Column {i + 1}",
                    value=name,
                    key=f"{COLUMN_NAMES_FORM}.{inputs.dataset.sha256[:12]}.{i}",
                )
                for i, name in enumerate(columns)
            ]
            submitted = st.form_submit_button("Use these names")
    if not submitted:
        return
    try:
        renamed = name_columns(inputs.dataset, typed)
    except FairnessCoreError as exc:
        st.error(escape_markdown(str(exc)))
        return
    mapping = dict(zip(columns, (str(c) for c in renamed.frame.columns), strict=True))
    roles = rename_roles(inputs.roles, mapping)
    state.set_inputs(renamed, inputs.model, roles, inputs.source)
    _reseed(roles)
    st.rerun()


#: The form of column names (a form: its fields are not choices, the names go to the roles).
COLUMN_NAMES_FORM = "data.column_names"


def _reseed(roles: ColumnRoles) -> None:
    """Show the renamed roles in the role widgets (same file, so set_inputs keeps them)."""
    seeded: dict[str, object] = {
        state.DATA_TARGET: roles.target or None,
        state.DATA_POSITIVE: None if roles.positive_label is None else str(roles.positive_label),
        state.DATA_PREDICTION: roles.prediction,
        state.DATA_SCORE: roles.score,
        state.DATA_PROTECTED: list(roles.protected),
        state.DATA_BINNED: [b.column for b in roles.bins],
        state.DATA_FEATURES: list(roles.features),
        state.DATA_WEIGHT: roles.weight,
    }
    st.session_state.update(seeded)
    for key in (state.DATA_OVERVIEW_ATTRIBUTE,):
        st.session_state.pop(key, None)


def follow_model_features(model: LoadedModel) -> None:
    """A model loaded after the data: its inputs become the features (and it scores the
    rows when the data holds no decisions or scores)."""
    inputs = state.get_inputs()
    if inputs is None:
        return
    roles = inputs.roles
    taken = {roles.target, roles.prediction, roles.score, roles.weight}
    columns = [str(c) for c in inputs.dataset.frame.columns if str(c) not in taken]
    features = [c for c in model.feature_names or () if c in columns]
    if features:
        roles = replace(roles, features=tuple(features))
        st.session_state[state.DATA_FEATURES] = features
    if roles.prediction is None and roles.score is None:
        roles = replace(roles, source="model")
        st.session_state[state.DATA_SOURCE] = "model"
    state.set_roles(roles)
