"""What-if: one person as they are and as edited, flip tests, counterfactuals, explanations."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from components import state, whatif_cache
from components.audit import require_audit
from components.charts import render_chart
from components.errors import render_error
from components.findings import render_add_to_findings
from components.router import ensure_routed
from components.whatif_tables import (
    AFFECTED_COLUMNS,
    ANY,
    CANDIDATE_COLUMNS,
    CHANGE_COLUMNS,
    DECISIONS,
    EDIT_COLUMNS,
    FLIP_TEST_COLUMNS,
    HISTORY_COLUMNS,
    ICE_COLUMNS,
    KIND_OF_PROBE,
    KIND_WORDS,
    LOCAL_COLUMNS,
    NEAREST_COLUMNS,
    OUTCOME_WORDS,
    PROBE_COLUMNS,
    ROW_COLUMNS,
    SCOPES,
    as_text,
    cell,
    in_words,
    plain,
)
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import (
    decision_word,
    describe_edit,
    describe_flip_test,
    describe_global_importance,
    describe_ice,
    describe_local_explanation,
    describe_row_flips,
    plot_edit,
    plot_flip_test,
    plot_global_importance,
    plot_ice,
    plot_local_explanation,
    plot_row_flips,
)
from fairness_core.whatif import OUTCOME_TYPES, FeatureSpec, choose_explainer, filter_rows

ensure_routed()

PAGE = "What-if"
st.title("What-if")
st.caption(
    "Pick one person, change them, and see how the model's decision changes. Would this "
    "applicant have been approved as a member of another group? What is the smallest change "
    "that turns the decision around? Which features drove it?"
)
inputs, audit = require_audit()
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
with left:
    attribute = st.selectbox("Group by", protected, key=state.WHATIF_FILTER_ATTRIBUTE)
    labels = list(audit.group(attribute).labels)
    chosen_groups = st.multiselect("Groups", labels, default=labels, key=state.WHATIF_FILTER_GROUPS)
with middle:
    decision_choice = st.selectbox(
        "Model decision", list(DECISIONS), key=state.WHATIF_FILTER_DECISION
    )
    outcome_choice = st.selectbox(
        "Right or wrong",
        [ANY, *OUTCOME_TYPES],
        key=state.WHATIF_FILTER_OUTCOME,
        format_func=lambda o: OUTCOME_WORDS.get(o, o),
        help="Compares the model's decision with what actually happened (the outcome "
        "column). 'Wrong: unfavourable decision, favourable outcome' are people the model "
        "turned down although their outcome was favourable (false negatives).",
    )
with right:
    score_range = st.slider(
        "Score between", 0.0, 1.0, (0.0, 1.0), step=0.01, key=state.WHATIF_FILTER_SCORE
    )
if set(chosen_groups) - set(labels):  # the grouping changed under a stale selection
    chosen_groups = labels
filtered = filter_rows(
    rows,
    groups={attribute: chosen_groups},
    decision=DECISIONS[decision_choice],
    outcome_type=None if outcome_choice == ANY else outcome_choice,
    score_range=(float(score_range[0]), float(score_range[1])),
)
shown_rows = in_words(filtered.assign(row=filtered["row"] + 1), ["outcome", "decision"])
shown_rows["outcome_type"] = shown_rows["outcome_type"].map(OUTCOME_WORDS)
shown_rows = shown_rows.rename(columns=ROW_COLUMNS)
st.caption(
    f"{len(filtered):,} of {len(rows):,} rows match. Click a row to select it, or type its "
    "number below. The model's decision is favourable when its score reaches the "
    f"threshold ({scorer.threshold:g})."
)
event = st.dataframe(
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
    table=shown_rows.head(200),
    settings={
        "attribute": attribute,
        "groups": chosen_groups,
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
    "Row number", min_value=1, max_value=audit.n_rows, step=1, key=state.WHATIF_ROW
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


with st.form(state.WHATIF_EDITOR):
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
                    help=f"Observed from {cell(spec.minimum)} to {cell(spec.maximum)}"
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
                    format_func=cell,
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
    edit_table = plain(as_text(comparison.table, ["original", "edited"]), EDIT_COLUMNS)
    st.dataframe(edit_table, hide_index=True, key="whatif.edit_table")
st.caption(escape_markdown(edit_sentence))
render_add_to_findings(
    "whatif.edit",
    title=f"What-if edit of row {row + 1}",
    page=PAGE,
    summary=edit_sentence,
    figure=edit_figure,
    table=edit_table,
    settings={"row": row + 1, "edits": {k: cell(v) for k, v in edits.items()}},
)

with st.expander(f"Edit history ({len(history) - 1} re-scores)", expanded=len(history) > 1):
    steps = pd.DataFrame(
        {
            "step": range(len(history)),
            "changes": [
                "; ".join(f"{k} = {cell(v)}" for k, v in snapshot.items()) or "(original)"
                for snapshot in history
            ],
        }
    )
    st.dataframe(plain(steps, HISTORY_COLUMNS), hide_index=True, key="whatif.history_table")

    def revert() -> None:
        """Go back to the chosen step: its values return to the editor."""
        chosen = int(st.session_state.get(state.WHATIF_REVERT_STEP) or 0)
        kept = state.get_whatif_history()[: chosen + 1]
        state.set_whatif_history(kept)
        state.fill_whatif_editor({**originals, **kept[-1]})

    st.selectbox("Go back to step", list(range(len(history))), key=state.WHATIF_REVERT_STEP)
    st.button("Revert", key="whatif.revert", on_click=revert)

# --- Flip tests -----------------------------------------------------------------------
st.header("3. Would the decision change for another group?")
proxy_options = [f for f in features if f not in protected]
proxies = st.multiselect(
    "Proxy features (optional)",
    proxy_options,
    # Proxies found on the Dataset check page ("Use in the What-if flip tests").
    default=[f for f in state.get_whatif_proxy_default() if f in proxy_options],
    key=state.WHATIF_PROXIES,
    help="Features that stand in for a protected attribute, such as a zip code for race. "
    "They are set to what is typical of the new group along with the attribute.",
)
try:
    flips = whatif_cache.whatif_row_flips(inputs, audit, row, tuple(proxies))
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
st.subheader("This person")
flips_figure = plot_row_flips(flips)
flips_sentence = describe_row_flips(flips)
render_chart(flips_figure, key="whatif.row_flips_chart")
st.caption(escape_markdown(flips_sentence + " (The row as it is in the data, without edits.)"))
probe_table = plain(
    in_words(flips.table, ["decision"]).assign(kind=flips.table["kind"].map(KIND_OF_PROBE)),
    PROBE_COLUMNS,
)
st.dataframe(
    probe_table,
    hide_index=True,
    key="whatif.row_flips_table",
    column_config={
        PROBE_COLUMNS["score"]: st.column_config.NumberColumn(format="%.3f"),
        PROBE_COLUMNS["score_change"]: st.column_config.NumberColumn(format="%+.3f"),
    },
)
render_add_to_findings(
    "whatif.row_flips",
    title=f"Flip probes for row {row + 1}",
    page=PAGE,
    summary=flips_sentence,
    figure=flips_figure,
    table=probe_table,
    settings={"row": row + 1, "proxies": proxies},
)

st.subheader("Everyone")
flip_attribute = st.selectbox(
    "Move everyone to each other group of", protected, key=state.WHATIF_FLIP_ATTRIBUTE
)
try:
    flip_test = whatif_cache.whatif_flip_test(inputs, audit, flip_attribute, tuple(proxies))
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
test_figure = plot_flip_test(flip_test)
test_sentence = describe_flip_test(flip_test)
render_chart(test_figure, key="whatif.flip_test_chart")
st.caption(
    escape_markdown(test_sentence)
    + " Bars show 95% intervals. Proxy features, when chosen, take values drawn from the "
    "new group's own rows."
)
group_table = plain(flip_test.by_group, FLIP_TEST_COLUMNS)
percent = st.column_config.NumberColumn(format="percent")
change_format = st.column_config.NumberColumn(format="%+.3f")
st.dataframe(
    group_table,
    hide_index=True,
    key="whatif.flip_test_table",
    column_config={
        **{FLIP_TEST_COLUMNS[c]: percent for c in FLIP_TEST_COLUMNS if c.startswith("changed_")},
        **{FLIP_TEST_COLUMNS[c]: change_format for c in FLIP_TEST_COLUMNS if "score" in c},
    },
)
render_add_to_findings(
    "whatif.flip_test",
    title=f"Dataset flip test: {flip_attribute}",
    page=PAGE,
    summary=test_sentence,
    figure=test_figure,
    table=group_table,
    settings={"attribute": flip_attribute, "proxies": proxies},
)
st.markdown("**Most affected rows**")
affected = plain(
    in_words(
        flip_test.rows.assign(row=flip_test.rows["row"] + 1), ["decision_before", "decision_after"]
    ),
    AFFECTED_COLUMNS,
)
st.dataframe(
    affected,
    hide_index=True,
    key="whatif.flip_rows_table",
    column_config={
        AFFECTED_COLUMNS["row"]: st.column_config.NumberColumn(format="%d"),
        **{
            AFFECTED_COLUMNS[c]: st.column_config.NumberColumn(format="%.3f")
            for c in ("score_before", "score_after")
        },
        AFFECTED_COLUMNS["score_change"]: change_format,
    },
)
render_add_to_findings(
    "whatif.flip_rows",
    title=f"Rows most affected by changing {flip_attribute}",
    page=PAGE,
    summary=f"The {len(affected)} rows whose score changes most when {flip_attribute} changes.",
    table=affected,
    settings={"attribute": flip_attribute, "proxies": proxies},
)

# --- Counterfactuals ------------------------------------------------------------------
st.header("4. What would have to differ?")
st.subheader("The most similar person with the other decision")
scope_col, attribute_col = st.columns(2)
with scope_col:
    scope = st.radio(
        "Search among",
        list(SCOPES),
        format_func=SCOPES.__getitem__,
        key=state.WHATIF_CF_SCOPE,
        horizontal=True,
    )
with attribute_col:
    cf_attribute = st.selectbox(
        "Group by", protected, key=state.WHATIF_CF_ATTRIBUTE, disabled=scope == "any"
    )
try:
    nearest = whatif_cache.whatif_nearest(
        inputs, audit, row, scope, None if scope == "any" else cf_attribute
    )
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
if not nearest.found:
    st.info(escape_markdown(nearest.message))
else:
    differs = nearest.comparison[nearest.comparison["differs"]]["feature"].tolist()
    differences = ", ".join(differs) or "nothing the model reads"
    nearest_sentence = (
        f"Row {int(nearest.nearest or 0) + 1} is the most similar person with the "
        f"{decision_word(1 - int(this_row['decision']))} decision (distance "
        f"{nearest.distance:.2f}); they differ in {differences}."
    )
    nearest_table = plain(
        as_text(nearest.comparison, ["original", "counterfactual"]), NEAREST_COLUMNS
    )
    st.dataframe(nearest_table, hide_index=True, key="whatif.nearest_table")
    st.caption(
        escape_markdown(nearest_sentence)
        + " Distance adds, for each feature, the difference as a share of its observed range "
        "(numbers) or 1 (a different category)."
    )
    candidates = plain(
        in_words(nearest.candidates.assign(row=nearest.candidates["row"] + 1), ["decision"]),
        CANDIDATE_COLUMNS,
    )
    st.dataframe(
        candidates,
        hide_index=True,
        key="whatif.nearest_candidates",
        column_config={
            CANDIDATE_COLUMNS["row"]: st.column_config.NumberColumn(format="%d"),
            CANDIDATE_COLUMNS["distance"]: st.column_config.NumberColumn(format="%.3f"),
        },
    )
    render_add_to_findings(
        "whatif.nearest",
        title=f"Nearest counterfactual of row {row + 1}",
        page=PAGE,
        summary=nearest_sentence,
        table=nearest_table,
        settings={"row": row + 1, "scope": SCOPES[scope], "attribute": cf_attribute},
    )

st.subheader("The smallest change that turns the decision around")
changeable_options = [f for f in features if f not in protected]
default_changeable = [s.name for s in specs if s.kind == "number" and s.name in changeable_options]
changeable = st.multiselect(
    "Features that may change",
    changeable_options,
    default=default_changeable,
    key=state.WHATIF_CHANGEABLE,
    help="Protected attributes always keep their values. Leave out anything the person "
    "cannot change (such as their credit history).",
)
time_limit = st.slider("Time allowed (seconds)", 1, 10, 3, key=state.WHATIF_TIME_LIMIT)
request = (row, edit_key, tuple(changeable), float(time_limit))
if st.button("Search", key=state.WHATIF_SEARCH):
    st.session_state[state.WHATIF_SEARCH_REQUEST] = request
if st.session_state.get(state.WHATIF_SEARCH_REQUEST) == request:
    try:
        change = whatif_cache.whatif_minimal_change(
            inputs, audit, row, edit_key, tuple(changeable), float(time_limit)
        )
    except FairnessCoreError as exc:
        render_error(exc)
        st.stop()
    if change.found:
        change_sentence = (
            f"{change.message} The score moves from {change.score_before:.3f} to "
            f"{change.score_after:.3f} ({decision_word(change.decision_after)} decision); "
            f"{change.evaluated:,} versions tried in {change.seconds:.1f} s"
            + (", stopped by the time limit." if change.timed_out else ".")
        )
        st.success(escape_markdown(change_sentence))
        change_table = plain(as_text(change.changes, ["original", "new"]), CHANGE_COLUMNS)
        st.dataframe(
            change_table,
            hide_index=True,
            key="whatif.minimal_table",
            column_config={CHANGE_COLUMNS["cost"]: st.column_config.NumberColumn(format="%.3f")},
        )
        st.caption(
            "The cheapest change the search found, not a guarantee that no smaller one "
            "exists. Cost adds each change as a share of the feature's observed range."
        )
        render_add_to_findings(
            "whatif.minimal",
            title=f"Minimal change for row {row + 1}",
            page=PAGE,
            summary=change_sentence,
            table=change_table,
            settings={"row": row + 1, "changeable": changeable, "time_limit": time_limit},
        )
    else:
        st.warning(escape_markdown(change.message))
else:
    st.caption("Choose the features that may change, then press Search.")

# --- Explanations ---------------------------------------------------------------------
st.header("5. Why did the model decide this?")
kind = choose_explainer(scorer)
explain_on = st.toggle(
    "Compute explanations",
    value=kind != "permutation",
    key=state.WHATIF_EXPLAIN_ON,
    help="Explanations of this model take a few seconds each.",
)
st.caption(f"Method: {KIND_WORDS[kind]}.")
if not explain_on:
    st.info("Turn on 'Compute explanations' to see which features drove the decision.")
    st.stop()
try:
    explanation = whatif_cache.whatif_explain(inputs, audit, row, edit_key)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
st.subheader("This person" + (" (as edited)" if edits else ""))
local_figure = plot_local_explanation(explanation, 0)
local_sentence = describe_local_explanation(explanation, 0)
render_chart(local_figure, key="whatif.local_chart")
st.caption(escape_markdown(local_sentence))
local_table = plain(as_text(explanation.row(0), ["value"]), LOCAL_COLUMNS)
st.dataframe(
    local_table,
    hide_index=True,
    key="whatif.local_table",
    column_config={LOCAL_COLUMNS["shap"]: st.column_config.NumberColumn(format="%+.3f")},
)
render_add_to_findings(
    "whatif.local",
    title=f"Explanation of row {row + 1}",
    page=PAGE,
    summary=local_sentence,
    figure=local_figure,
    table=local_table,
    settings={"row": row + 1, "edits": {k: cell(v) for k, v in edits.items()}},
)

st.subheader("Which features matter, for whom")
importance_attribute = st.selectbox(
    "Compare groups of", protected, key=state.WHATIF_IMPORTANCE_ATTRIBUTE
)
per_group = 20 if kind == "permutation" else 200
try:
    importance = whatif_cache.whatif_importance(inputs, audit, importance_attribute, per_group)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
importance_figure = plot_global_importance(importance)
importance_sentence = describe_global_importance(importance)
render_chart(importance_figure, key="whatif.importance_chart")
st.caption(
    escape_markdown(importance_sentence) + f" Measured on up to {per_group} people per group."
)
importance_table = importance.table.rename(
    columns={"feature": "Feature", "overall": "Overall (whole population)"}
)
st.dataframe(
    importance_table,
    hide_index=True,
    key="whatif.importance_table",
    column_config={
        c: st.column_config.NumberColumn(format="%.3f")
        for c in importance_table.columns
        if c != "Feature"
    },
)
render_add_to_findings(
    "whatif.importance",
    title=f"Feature importance by {importance_attribute}",
    page=PAGE,
    summary=importance_sentence,
    figure=importance_figure,
    table=importance_table,
    settings={"attribute": importance_attribute, "per_group": per_group},
)

st.subheader("One feature across its range")
ice_feature = st.selectbox("Feature", features, key=state.WHATIF_ICE_FEATURE)
try:
    curve = whatif_cache.whatif_ice(inputs, audit, row, edit_key, ice_feature)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
ice_figure = plot_ice(curve)
ice_sentence = describe_ice(curve)
render_chart(ice_figure, key="whatif.ice_chart")
st.caption(
    escape_markdown(ice_sentence)
    + " The dotted line is the average over 100 people (partial dependence)."
)
ice_table = plain(in_words(as_text(curve.table, ["value"]), ["decision"]), ICE_COLUMNS)
st.dataframe(
    ice_table,
    hide_index=True,
    key="whatif.ice_table",
    column_config={
        ICE_COLUMNS[c]: st.column_config.NumberColumn(format="%.3f")
        for c in ("score", "average_score")
        if ICE_COLUMNS[c] in ice_table.columns
    },
)
render_add_to_findings(
    "whatif.ice",
    title=f"Score of row {row + 1} across {ice_feature}",
    page=PAGE,
    summary=ice_sentence,
    figure=ice_figure,
    table=ice_table,
    settings={"row": row + 1, "feature": ice_feature},
)
