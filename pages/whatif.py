"""What-if: one person as they are and as edited, flip tests, counterfactuals, explanations."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from components import state, whatif_cache
from components.audit import require_audit
from components.charts import render_chart
from components.errors import render_error
from components.findings import render_add_to_findings
from components.privacy import rows_hidden, show_rows
from components.router import ensure_routed
from components.server_data import render_sample_note
from components.whatif_explanations import render_explanations
from components.whatif_probes import render_flip_tests, render_minimal_change, render_nearest
from components.whatif_tables import (
    ANY,
    DECISIONS,
    EDIT_COLUMNS,
    HISTORY_COLUMNS,
    OUTCOME_WORDS,
    ROW_COLUMNS,
    as_text,
    in_words,
    select_titled,
)
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import (
    decision_word,
    describe_edit,
    format_value,
    plot_edit,
)
from fairness_core.whatif import OUTCOME_TYPES, FeatureSpec, explain_no_match, filter_rows

ensure_routed()
#: Why a person's details are folded away (the sidebar switch's name).
HIDDEN_REASON = "“Hide individuals' rows” is on in the sidebar"

PAGE = "What-if"
st.title("What-if")
st.caption(
    "Pick one person, change them, and see how the model's decision changes. Would this "
    "applicant have been approved as a member of another group? What is the smallest change "
    "that turns the decision around? Which features drove it?"
)
inputs, audit = require_audit()
render_sample_note()
if inputs.model is None:
    st.info(
        "This page needs the model itself, not only its decisions. With a column of "
        "predictions or scores the app can measure how groups are treated (the Subgroups "
        "and Trade-offs pages work), but it cannot ask what the model would have decided "
        "for a changed person. Ask the model's owners for the model file, saved as skops "
        "(for scikit-learn models) or ONNX, and upload it on the Data & model page next to "
        "the data; then choose 'the model' as the source of the decisions."
    )
    st.page_link("pages/data.py", label="Go to Data & model", icon=":material/upload_file:")
    st.stop()

state.reset_whatif_if_new((inputs.dataset.sha256, inputs.model.sha256, inputs.roles))
try:
    scorer = whatif_cache.whatif_scorer(inputs, audit)
    rows = whatif_cache.whatif_rows(inputs, audit)
    specs = whatif_cache.whatif_specs(inputs, audit)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
features = list(scorer.features)
protected = [g.name for g in audit.groups]


# --- Choose a person ------------------------------------------------------------------
st.header("1. Choose a person")
left, middle, right = st.columns(3)


def _groups_of(attribute: str) -> list[str]:
    return list(audit.group(attribute).labels)


def _regroup() -> None:
    """A new "Group by" starts with all of its groups (the old groups mean nothing there)."""
    chosen = st.session_state.get(state.WHATIF_FILTER_ATTRIBUTE)
    if chosen in protected:
        st.session_state[state.WHATIF_FILTER_GROUPS] = _groups_of(chosen)


with left:
    attribute = st.selectbox(
        "Group by",
        protected,
        key=state.WHATIF_FILTER_ATTRIBUTE,
        persist_state="session",
        on_change=_regroup,
    )
    labels = _groups_of(attribute)
    kept = st.session_state.get(state.WHATIF_FILTER_GROUPS)
    if kept is not None and set(kept) - set(labels):
        # Groups of another attribute (a stale choice): keep only those valid here.
        valid = [g for g in kept if g in labels]
        st.session_state[state.WHATIF_FILTER_GROUPS] = valid or labels
    chosen_groups = st.multiselect(
        "Groups", labels, default=labels, key=state.WHATIF_FILTER_GROUPS, persist_state="session"
    )
with middle:
    decision_choice = st.selectbox(
        "Model decision", list(DECISIONS), key=state.WHATIF_FILTER_DECISION, persist_state="session"
    )
    outcome_choice = st.selectbox(
        "Right or wrong",
        [ANY, *OUTCOME_TYPES],
        key=state.WHATIF_FILTER_OUTCOME,
        persist_state="session",
        format_func=lambda o: OUTCOME_WORDS.get(o, o),
        help="Compares the model's decision with what actually happened (the outcome "
        "column). 'Wrong: unfavourable decision, favourable outcome' are people the model "
        "turned down although their outcome was favourable (false negatives).",
    )
with right:
    score_range = st.slider(
        "Score between",
        0.0,
        1.0,
        (0.0, 1.0),
        step=0.01,
        key=state.WHATIF_FILTER_SCORE,
        persist_state="session",
    )
everyone = set(chosen_groups) == set(labels)
filters: dict[str, Any] = {
    "groups": None if everyone else {attribute: chosen_groups},
    "decision": DECISIONS[decision_choice],
    "outcome_type": None if outcome_choice == ANY else outcome_choice,
    "score_range": None
    if tuple(score_range) == (0.0, 1.0)
    else (float(score_range[0]), float(score_range[1])),
}
filtered = filter_rows(rows, **filters)
if filtered.empty:
    st.warning(
        escape_markdown(
            explain_no_match(
                rows,
                titles={
                    "groups": f"'Groups' ({', '.join(chosen_groups) or 'none'} of {attribute})",
                    "decision": f"'Model decision' = {decision_choice}",
                    "outcome_type": f"'Right or wrong' = {OUTCOME_WORDS.get(outcome_choice)}",
                    "score_range": f"'Score between' {score_range[0]:.2f} and {score_range[1]:.2f}",
                },
                **filters,
            )
        )
    )
shown_rows = in_words(filtered.assign(row=filtered["row"] + 1), ["outcome", "decision"])
shown_rows["outcome_type"] = shown_rows["outcome_type"].map(OUTCOME_WORDS)
shown_rows = shown_rows.rename(columns=ROW_COLUMNS)
st.caption(
    f"{len(filtered):,} of {len(rows):,} rows match. Click a row to select it, or type its "
    "number below. The model's decision is favourable when its score reaches the "
    f"threshold ({scorer.threshold:g})."
)
event = show_rows(
    shown_rows,
    hide_index=True,
    key=state.WHATIF_TABLE,
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        ROW_COLUMNS["row"]: st.column_config.NumberColumn(format="%d"),
        ROW_COLUMNS["score"]: st.column_config.NumberColumn(format="%.3f"),
    },
)
render_add_to_findings(
    "whatif.rows",
    title="Rows matching the filters",
    page=PAGE,
    summary=f"{len(filtered):,} of {len(rows):,} rows match the filters.",
    table=None if rows_hidden() else shown_rows.head(200),
    settings={
        "attribute": attribute,
        "groups": list(chosen_groups),
        "decision": decision_choice,
        "outcome": outcome_choice,
        "score_range": list(score_range),
    },
)
selected = list(event.selection.rows) if event is not None else []
if selected and selected[0] >= len(filtered):  # a selection left over from other filters
    selected = []
if selected and selected != st.session_state.get(state.WHATIF_LAST_SELECTION):
    st.session_state[state.WHATIF_LAST_SELECTION] = selected
    st.session_state[state.WHATIF_ROW] = int(filtered["row"].iloc[selected[0]]) + 1
if state.WHATIF_ROW not in st.session_state:
    st.session_state[state.WHATIF_ROW] = int(filtered["row"].iloc[0]) + 1 if len(filtered) else 1
number = st.number_input(
    "Row number",
    min_value=1,
    max_value=audit.n_rows,
    step=1,
    key=state.WHATIF_ROW,
    persist_state="session",
)
row = int(number) - 1
original = audit.frame.iloc[row]


def original_value(spec: FeatureSpec) -> object:
    """The row's value of a feature, as its editor widget holds it."""
    value = original[spec.name]
    if spec.kind == "number":
        if pd.isna(value):
            return None
        return int(value) if spec.integer else float(value)
    return None if pd.isna(value) else value


originals = {s.name: original_value(s) for s in specs}
if st.session_state.get(state.WHATIF_EDITOR_ROW) != row:
    state.fill_whatif_editor(originals)
    st.session_state[state.WHATIF_EDITOR_ROW] = row
    state.set_whatif_history([{}])

this_row = rows.iloc[row]
group_text = ", ".join(f"{g} {this_row[g]}" for g in protected)
if rows_hidden():  # the person's groups, outcome and score are their row too
    st.markdown(f"**Row {row + 1}** · this person's details are hidden ({HIDDEN_REASON}).")
else:
    st.markdown(
        f"**Row {row + 1}** · {escape_markdown(group_text)} · actual outcome "
        f"{decision_word(int(this_row['outcome']))} · model score {this_row['score']:.3f} → "
        f"{decision_word(int(this_row['decision']))} decision "
        f"({OUTCOME_WORDS[str(this_row['outcome_type'])].lower()})"
    )

# --- Edit and re-score ----------------------------------------------------------------
st.header("2. Change this person and re-score")


def step_for(spec: FeatureSpec) -> tuple[float | int, str]:
    """A step and display format that fit the feature's observed range."""
    if spec.integer:
        return 1, "%d"
    span = spec.span if math.isfinite(spec.span) and spec.span > 0 else 1.0
    digits = max(0, -math.floor(math.log10(span / 100)))
    return 10.0**-digits, f"%.{digits}f"


# With individuals' rows hidden, the form (which shows the person's values) stays folded
# until the presenter opens it on purpose.
editor_box = (
    st.expander(f"This person's values, to change and re-score ({HIDDEN_REASON})")
    if rows_hidden()
    else st.container()
)
with editor_box, st.form(state.WHATIF_EDITOR):
    columns = st.columns(3)
    for index, spec in enumerate(specs):
        key = state.whatif_edit_key(spec.name)
        with columns[index % 3]:
            if spec.kind == "number":
                step, fmt = step_for(spec)
                st.number_input(
                    escape_markdown(spec.name),
                    step=step,
                    format=fmt,
                    key=key,
                    persist_state="session",
                    help=f"Observed from {format_value(spec.minimum)} "
                    f"to {format_value(spec.maximum)}"
                    + (". Leave empty for a missing value." if spec.has_missing else "."),
                )
            else:
                options = list(spec.categories)
                current = st.session_state.get(key)
                if current is not None and current not in options:
                    options.append(current)
                st.selectbox(
                    escape_markdown(spec.name),
                    options,
                    key=key,
                    persist_state="session",
                    format_func=format_value,
                    help=f"{len(spec.categories)} values seen in the data.",
                )
    submitted = st.form_submit_button("Re-score", type="primary")

edits = {
    s.name: st.session_state.get(state.whatif_edit_key(s.name))
    for s in specs
    if st.session_state.get(state.whatif_edit_key(s.name)) != originals[s.name]
}
edit_key = tuple(sorted(edits.items()))
try:
    comparison = whatif_cache.whatif_compare(inputs, audit, row, edit_key)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

history = state.get_whatif_history()
if submitted and history[-1] != edits:
    history = [*history, dict(edits)]
    state.set_whatif_history(history)
outside = [
    s.name
    for s in specs
    if isinstance(value := edits.get(s.name), (int, float)) and not s.minimum <= value <= s.maximum
]
if outside:
    st.warning(
        escape_markdown(
            f"{', '.join(outside)}: the new value lies outside what the data holds. The "
            "model was never trained on such values, so treat its answer with care."
        )
    )

metrics = st.columns(4)
metrics[0].metric("Score before", f"{comparison.score_before:.3f}")
metrics[1].metric(
    "Score after",
    f"{comparison.score_after:.3f}",
    delta=f"{comparison.score_after - comparison.score_before:+.3f}",
)
metrics[2].metric("Decision before", decision_word(comparison.decision_before))
metrics[3].metric("Decision after", decision_word(comparison.decision_after))
edit_figure = plot_edit(comparison)
edit_sentence = describe_edit(comparison)
chart_col, table_col = st.columns([2, 3])
with chart_col:
    render_chart(edit_figure, key="whatif.edit_chart")
with table_col:
    edit_table = select_titled(as_text(comparison.table, ["original", "edited"]), EDIT_COLUMNS)
    show_rows(edit_table, hide_index=True, key="whatif.edit_table")
st.caption(escape_markdown(edit_sentence))
render_add_to_findings(
    "whatif.edit",
    title=f"What-if edit of row {row + 1}",
    page=PAGE,
    summary=edit_sentence,
    figure=edit_figure,
    table=None if rows_hidden() else edit_table,
    settings={"row": row + 1, "edits": {k: format_value(v) for k, v in edits.items()}},
)

with st.expander(f"Edit history ({len(history) - 1} re-scores)", expanded=len(history) > 1):
    steps = pd.DataFrame(
        {
            "step": range(len(history)),
            "changes": [
                "; ".join(f"{k} = {format_value(v)}" for k, v in snapshot.items()) or "(original)"
                for snapshot in history
            ],
        }
    )
    show_rows(select_titled(steps, HISTORY_COLUMNS), hide_index=True, key="whatif.history_table")

    def revert() -> None:
        """Go back to the chosen step: its values return to the editor."""
        chosen = int(st.session_state.get(state.WHATIF_REVERT_STEP) or 0)
        kept = state.get_whatif_history()[: chosen + 1]
        state.set_whatif_history(kept)
        state.fill_whatif_editor({**originals, **kept[-1]})

    st.selectbox(
        "Go back to step",
        list(range(len(history))),
        key=state.WHATIF_REVERT_STEP,
        persist_state="session",
    )
    st.button("Revert", key="whatif.revert", on_click=revert)

render_flip_tests(inputs, audit, row, features)
render_nearest(inputs, audit, row, int(this_row["decision"]))
render_minimal_change(inputs, audit, row, edit_key, specs, features)
render_explanations(inputs, audit, scorer, row, edit_key, features)
