"""Trade-offs: what it costs to treat groups more equally, and the operating point chosen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import cache, state
from components.audit import require_audit
from components.charts import render_chart
from components.errors import render_error
from components.findings import render_add_to_findings, titled
from components.mitigation_panel import render_mitigation_panel
from components.router import ensure_routed
from components.tradeoffs_sections import (
    COLUMNS,
    KINDS,
    PAGE,
    labels,
    render_chosen_point,
    render_curves,
    render_point_summary,
    render_record_form,
    render_recorded_points,
    render_sweep_source,
)
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import describe_frontier, plot_frontier
from fairness_core.tradeoffs import (
    CRITERIA,
    DISPARATE_TREATMENT_NOTE,
    STRATEGIES,
    Objective,
    current_points,
    evaluate_operating_point,
    find_strategy,
    summarize_points,
    sweep_table,
)

ensure_routed()

OBJECTIVES: dict[Objective, str] = {
    "accuracy": "Accuracy (every mistake counts the same)",
    "expected_cost": "Expected cost (using the cost ratio)",
}
CHOICES = {"strategy": "A ready-made strategy", "frontier": "A point on the frontier"}


st.title("Trade-offs")
st.caption(
    "What does it cost to treat groups more equally? Give each group its own threshold and "
    "see how accuracy and the chosen fairness criterion move together, compare ready-made "
    "strategies, and record the operating point you choose with your reasons."
)
inputs, audit = require_audit()
if audit.y_score is None:
    st.info(
        "This page needs the model's **scores** (a probability from 0 to 1 for each person), "
        "and this audit has only yes/no decisions, so no other threshold can be tried. On "
        "the Data & model page, choose *A score column and a threshold* if the data has a "
        "score column, or upload the model so it can score the rows."
    )
    st.page_link("pages/data.py", label="Go to Data & model", icon=":material/upload_file:")
    st.stop()

# --- Settings -------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    attributes = st.multiselect(
        "Protected attributes",
        [g.name for g in audit.groups],
        default=[audit.groups[0].name],
        key=state.TRADEOFFS_ATTRIBUTES,
        persist_state="session",
        help="Choose two or more to give each intersection (e.g. female · Black) its own "
        "threshold.",
    )
    criterion = st.selectbox(
        "Fairness criterion",
        list(CRITERIA),
        format_func=lambda c: CRITERIA[c].title,
        key=state.TRADEOFFS_CRITERION,
        persist_state="session",
    )
    randomized = st.toggle(
        "Allow randomized decisions near the thresholds",
        value=False,
        key=state.TRADEOFFS_RANDOMIZED,
        persist_state="session",
        help="Randomized rules decide some people whose scores lie between two thresholds "
        "by a random draw. They can reach exact equality where single thresholds cannot, "
        "but two people with the same score may be treated differently. Equalized odds "
        "always needs them.",
    )
with right:
    objective = st.radio(
        "Make the thresholds as good as possible for",
        list(OBJECTIVES),
        format_func=OBJECTIVES.__getitem__,
        key=state.TRADEOFFS_OBJECTIVE,
        persist_state="session",
    )
    cost_ratio = st.number_input(
        "Cost ratio: how much worse is a wrong positive decision than a wrong negative one?",
        min_value=0.1,
        max_value=100.0,
        value=1.0,
        step=0.5,
        key=state.TRADEOFFS_COST_RATIO,
        persist_state="session",
        help="1 means both mistakes are equally bad; 2 means giving the positive decision to "
        "someone who should not get it is twice as bad as refusing someone who should.",
    )
    verb = st.text_input(
        "What is a positive decision called here?",
        value="positive decisions",
        key=state.TRADEOFFS_VERB,
        persist_state="session",
        help='Used in the summary, e.g. "approvals" or "shortlistings".',
    )
if criterion is None or objective is None:  # the widgets always hold a value; for the types
    st.stop()
spec = CRITERIA[criterion]
st.caption(f"**{spec.title}:** {spec.explanation}")

if not attributes:
    st.info("Choose at least one protected attribute.")
    st.stop()
# The smallest group a threshold may be fitted on: the Subgroups page's minimum n.
chosen_subgroups = state.get_subgroup_settings()
min_n = chosen_subgroups.min_n if chosen_subgroups is not None else 30

settings: dict[str, object] = {
    "attributes": tuple(attributes),
    "criterion": criterion,
    "objective": objective,
    "cost_ratio": float(cost_ratio),
    "randomized": bool(randomized),
}
try:
    sweep = cache.tradeoff_sweep(inputs, audit, tuple(attributes))
    frontier_settings = {"criterion": criterion, "objective": objective, "cost_ratio": cost_ratio}
    frontiers = []
    if criterion != "equalized_odds":
        frontiers.append(
            cache.tradeoff_frontier(
                inputs, audit, tuple(attributes), randomized=False, **frontier_settings
            )
        )
    if randomized or criterion == "equalized_odds":
        frontiers.append(
            cache.tradeoff_frontier(
                inputs, audit, tuple(attributes), randomized=True, **frontier_settings
            )
        )
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
main = frontiers[-1]
all_rows = cache.sweep_covers_all_rows(inputs, audit, tuple(attributes))
render_sweep_source(sweep, all_rows=all_rows)
if criterion == "equalized_odds" and not randomized:
    st.caption(
        "Equalized odds can almost never be met with one threshold per group, so its "
        "frontier uses randomized decisions."
    )

# --- Choose an operating point ----------------------------------------------------------
st.subheader("Choose an operating point")
st.caption(
    "Every point below except “One threshold for everyone” gives groups their own rules. "
    + escape_markdown(DISPARATE_TREATMENT_NOTE)
)
choice = st.radio(
    "Choose by",
    list(CHOICES),
    format_func=CHOICES.__getitem__,
    key=state.TRADEOFFS_CHOICE,
    persist_state="session",
    horizontal=True,
)
try:
    if choice == "strategy":
        a, b = st.columns(2)
        strategy = a.selectbox(
            "Strategy",
            list(STRATEGIES),
            index=list(STRATEGIES).index(criterion),
            format_func=lambda s: STRATEGIES[s].title,
            key=state.TRADEOFFS_STRATEGY,
            persist_state="session",
        )
        tolerance = b.number_input(
            "Largest difference allowed between groups",
            min_value=0.0,
            max_value=0.5,
            value=0.01,
            step=0.005,
            format="%.3f",
            key=state.TRADEOFFS_TOLERANCE,
            persist_state="session",
            help="0 asks for exact equality, which usually needs randomized decisions. A small "
            "difference such as 0.01 can often be met with one threshold per group.",
        )
        st.caption(escape_markdown(STRATEGIES[strategy].explanation))
        point = find_strategy(
            sweep,
            strategy,
            objective=objective,
            cost_ratio=cost_ratio,
            randomized=randomized,
            tolerance=tolerance,
        )
        settings.update({"strategy": strategy, "tolerance": float(tolerance)})
    else:
        count = len(main.operating_points)
        index = 0
        if count > 1:
            if st.session_state.get(state.TRADEOFFS_FRONTIER_POINT, 0) > count - 1:
                st.session_state[state.TRADEOFFS_FRONTIER_POINT] = count - 1
            index = st.slider(
                "Position on the frontier (left: most equal, right: most accurate)",
                min_value=0,
                max_value=count - 1,
                value=0,
                key=state.TRADEOFFS_FRONTIER_POINT,
                persist_state="session",
            )
        point = main.operating_points[index]
        st.caption(escape_markdown(point.label))
        settings.update({"strategy": "frontier", "frontier_point": point.label})
    evaluation = evaluate_operating_point(
        sweep, point, cost_ratio=cost_ratio, criterion=criterion, verb=verb, min_n=min_n
    )
    strategies = [
        find_strategy(
            sweep,
            name,
            objective=objective,
            cost_ratio=cost_ratio,
            randomized=True,
            tolerance=0.0,
        )
        for name in ("single_threshold", criterion, "best_per_group")
    ]
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

render_point_summary(evaluation)

# --- The frontier chart (mitigation points are added below it, then it is drawn) --------
chart_area = st.container()

extra = summarize_points(sweep, strategies, cost_ratio=cost_ratio)
extra["kind"] = "strategy"
extra["label"] = [
    STRATEGIES[p.strategy].title + (" (exact, randomized)" if p.randomized else "")
    for p in strategies
]
today = evaluation.overall.set_index("measure")["today"]
extra = pd.concat(
    [
        extra,
        pd.DataFrame(
            [
                {
                    "label": "Today",
                    "kind": "original",
                    **{m: today[m] for m in today.index},
                }
            ]
        ),
    ],
    ignore_index=True,
)
extra["disparity"] = extra[spec.disparity]

st.divider()
mitigation_points = None
if len(attributes) == 1:
    mitigation_points = render_mitigation_panel(inputs, audit, attributes[0], criterion)
else:
    st.info(
        escape_markdown(
            "Comparing with a retrained model works on one protected attribute at a time, "
            f"and {len(attributes)} are chosen above ({', '.join(attributes)}). To see it, "
            "keep only one of them in “Protected attributes” at the top of the page."
        ),
        icon=":material/info:",
    )
if mitigation_points is not None and len(mitigation_points):
    if all_rows:  # retrained on the sample: "Today" of every row stays, theirs are named
        mitigation_points = mitigation_points.assign(
            label=mitigation_points["label"].astype(str) + " (on the sample)"
        )
    elif (mitigation_points["kind"] == "original").any():
        extra = extra[extra["kind"] != "original"]
    extra = pd.concat([extra, mitigation_points], ignore_index=True)

chosen_summary = evaluation.overall.set_index("measure")["chosen"]
chosen: dict[str, object] = {
    "label": point.label or "chosen",
    **{str(k): v for k, v in chosen_summary.to_dict().items()},
}
chosen["disparity"] = chosen[spec.disparity]
y_axis = "expected_cost" if objective == "expected_cost" else "accuracy"
with chart_area:
    st.subheader("The frontier: accuracy against equality")
    figure = plot_frontier(frontiers, y=y_axis, extra_points=extra, chosen=chosen)
    render_chart(figure, key="tradeoffs.frontier_chart")
    caption = describe_frontier(frontiers, y=y_axis, extra_points=extra, chosen=chosen)
    st.caption(escape_markdown(caption))
    frontier_table = pd.concat([f.points for f in frontiers], ignore_index=True)
    with st.expander("Frontier as a table"):
        shown_frontier = frontier_table[
            [
                "label",
                "disparity",
                "accuracy",
                "balanced_accuracy",
                "expected_cost",
                "randomized",
                "degenerate",
            ]
        ]
        st.dataframe(
            shown_frontier,
            hide_index=True,
            key="tradeoffs.frontier_table",
            column_config=labels(shown_frontier),
        )
        shown_extra = extra[["label", "kind", "disparity", "accuracy"]].assign(
            kind=extra["kind"].map(lambda k: KINDS.get(str(k), str(k)))
        )
        st.dataframe(
            shown_extra,
            hide_index=True,
            key="tradeoffs.extra_table",
            column_config=labels(shown_extra),
        )
    render_add_to_findings(
        "tradeoffs.frontier",
        title=f"Trade-off frontier: {spec.title}",
        page=PAGE,
        summary=caption,
        figure=figure,
        table=titled(frontier_table, COLUMNS),
        settings=settings,
    )

    render_chosen_point(evaluation, verb=verb, settings=settings)
    render_record_form(evaluation, inputs, criterion=criterion, settings=settings)
    st.subheader("Recorded operating points")
    st.caption(
        "Each option you record is kept for the report, where they are compared side by "
        "side. Mark the one you recommend; the report states it first, with its rationale."
    )
    render_recorded_points(inputs, key_prefix="tradeoffs.points")

st.divider()
render_curves(
    sweep,
    evaluation,
    today_points=current_points(sweep),
    table=sweep_table(sweep),
    settings=settings,
)
