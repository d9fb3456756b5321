"""Trade-offs: what it costs to treat groups more equally, and the operating point chosen."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components import cache, state
from components.audit import require_audit
from components.charts import render_chart
from components.errors import render_error
from components.findings import record_operating_point, render_add_to_findings, titled
from components.mitigation_panel import render_mitigation_panel
from components.router import ensure_routed
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.plots import (
    describe_calibration,
    describe_frontier,
    describe_precision_recall,
    describe_roc_curves,
    describe_score_distributions,
    plot_calibration,
    plot_frontier,
    plot_precision_recall,
    plot_roc_curves,
    plot_score_distributions,
)
from fairness_core.report import OperatingPointRecord
from fairness_core.tradeoffs import (
    CRITERIA,
    DISPARITIES,
    STRATEGIES,
    current_points,
    evaluate_operating_point,
    find_strategy,
    summarize_points,
    sweep_table,
)

ensure_routed()

PAGE = "Trade-offs"
OBJECTIVES = {
    "accuracy": "Accuracy (every mistake counts the same)",
    "expected_cost": "Expected cost (using the cost ratio)",
}
CHOICES = {"strategy": "A ready-made strategy", "frontier": "A point on the frontier"}
MEASURES = {
    "accuracy": "Accuracy",
    "balanced_accuracy": "Balanced accuracy",
    "expected_cost": "Expected cost per decision",
    "selection_rate": "Share with the positive decision",
    **DISPARITIES,
}
RATE_COLUMNS = {
    "selection_rate": "Selection rate",
    "true_positive_rate": "True positive rate",
    "false_positive_rate": "False positive rate",
    "precision": "Precision",
    "accuracy": "Accuracy",
}

KINDS = {"strategy": "Ready-made strategy", "original": "Today", "mitigation": "Retrained model"}
#: Plain column titles for every table on the page (raw names never reach the reviewer).
COLUMNS = {
    "label": st.column_config.TextColumn("Operating point", width="large"),
    "kind": st.column_config.TextColumn("Kind"),
    "group": st.column_config.TextColumn("Group"),
    "disparity": st.column_config.NumberColumn("Difference between groups", format="%.3f"),
    "accuracy": st.column_config.NumberColumn("Accuracy", format="%.3f"),
    "balanced_accuracy": st.column_config.NumberColumn("Balanced accuracy", format="%.3f"),
    "expected_cost": st.column_config.NumberColumn("Expected cost per decision", format="%.3f"),
    "randomized": st.column_config.CheckboxColumn("Randomized"),
    "threshold": st.column_config.NumberColumn("Threshold", format="%.3f"),
    "tp": st.column_config.NumberColumn("Correct positive decisions", format="%.1f"),
    "fp": st.column_config.NumberColumn("Wrong positive decisions", format="%.1f"),
    "fn": st.column_config.NumberColumn("Wrong negative decisions", format="%.1f"),
    "tn": st.column_config.NumberColumn("Correct negative decisions", format="%.1f"),
    "selection_rate": st.column_config.NumberColumn("Selection rate", format="%.3f"),
    "true_positive_rate": st.column_config.NumberColumn("True positive rate", format="%.3f"),
    "false_positive_rate": st.column_config.NumberColumn("False positive rate", format="%.3f"),
    "precision": st.column_config.NumberColumn("Precision", format="%.3f"),
    "bin": st.column_config.NumberColumn("Bin"),
    "bin_low": st.column_config.NumberColumn("Scores from", format="%.2f"),
    "bin_high": st.column_config.NumberColumn("Scores up to", format="%.2f"),
    "n": st.column_config.NumberColumn("People", format="localized"),
    "weight": st.column_config.NumberColumn("Weighted people", format="%.1f"),
    "mean_score": st.column_config.NumberColumn("Average score", format="%.3f"),
    "observed_rate": st.column_config.NumberColumn("Share with positive outcome", format="%.3f"),
    "outcome": st.column_config.NumberColumn("Recorded outcome (1 = positive)"),
    "share": st.column_config.NumberColumn("Share of the group", format="percent"),
}


def _labels(frame: pd.DataFrame) -> dict[str, object]:
    """The plain column titles of ``frame``'s columns."""
    return {c: COLUMNS[c] for c in frame.columns if c in COLUMNS}


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
        help="Choose two or more to give each intersection (e.g. female · Black) its own "
        "threshold.",
    )
    criterion = st.selectbox(
        "Fairness criterion",
        list(CRITERIA),
        format_func=lambda c: CRITERIA[c].title,
        key=state.TRADEOFFS_CRITERION,
    )
    randomized = st.toggle(
        "Allow randomized decisions near the thresholds",
        value=False,
        key=state.TRADEOFFS_RANDOMIZED,
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
    )
    cost_ratio = st.number_input(
        "Cost ratio: how much worse is a wrong positive decision than a wrong negative one?",
        min_value=0.1,
        max_value=100.0,
        value=1.0,
        step=0.5,
        key=state.TRADEOFFS_COST_RATIO,
        help="1 means both mistakes are equally bad; 2 means giving the positive decision to "
        "someone who should not get it is twice as bad as refusing someone who should.",
    )
    verb = st.text_input(
        "What is a positive decision called here?",
        value="positive decisions",
        key=state.TRADEOFFS_VERB,
        help='Used in the summary, e.g. "approvals" or "shortlistings".',
    )
spec = CRITERIA[criterion]
st.caption(f"**{spec.title}:** {spec.explanation}")

if not attributes:
    st.info("Choose at least one protected attribute.")
    st.stop()

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
if criterion == "equalized_odds" and not randomized:
    st.caption(
        "Equalized odds can almost never be met with one threshold per group, so its "
        "frontier uses randomized decisions."
    )

# --- Choose an operating point ----------------------------------------------------------
st.subheader("Choose an operating point")
choice = st.radio(
    "Choose by",
    list(CHOICES),
    format_func=CHOICES.__getitem__,
    key=state.TRADEOFFS_CHOICE,
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
        )
        tolerance = b.number_input(
            "Largest difference allowed between groups",
            min_value=0.0,
            max_value=0.5,
            value=0.01,
            step=0.005,
            format="%.3f",
            key=state.TRADEOFFS_TOLERANCE,
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
            )
        point = main.operating_points[index]
        st.caption(escape_markdown(point.label))
        settings.update({"strategy": "frontier", "frontier_point": point.label})
    evaluation = evaluate_operating_point(
        sweep, point, cost_ratio=cost_ratio, criterion=criterion, verb=verb
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

summary = evaluation.change_summary
st.success(escape_markdown(summary), icon=":material/balance:")
if point.randomized:
    st.warning(
        "This operating point is **randomized**: some people whose scores fall between two "
        "thresholds are decided by a random draw (see the rules below). Check that this is "
        "acceptable for this decision before choosing it.",
        icon=":material/casino:",
    )

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
    if (mitigation_points["kind"] == "original").any():
        extra = extra[extra["kind"] != "original"]
    extra = pd.concat([extra, mitigation_points], ignore_index=True)

chosen_summary = evaluation.overall.set_index("measure")["chosen"]
chosen = {"label": point.label or "chosen", **chosen_summary.to_dict()}
chosen["disparity"] = chosen[spec.disparity]
y_axis = "expected_cost" if objective == "expected_cost" else "accuracy"
with chart_area:
    st.subheader("The frontier: accuracy against equality")
    figure = plot_frontier(frontiers, y=y_axis, extra_points=extra, chosen=chosen)
    render_chart(figure, key="tradeoffs.frontier_chart")
    caption = describe_frontier(frontiers, y=y_axis, extra_points=extra)
    st.caption(escape_markdown(caption))
    frontier_table = pd.concat([f.points for f in frontiers], ignore_index=True)
    with st.expander("Frontier as a table"):
        shown_frontier = frontier_table[
            ["label", "disparity", "accuracy", "balanced_accuracy", "expected_cost", "randomized"]
        ]
        st.dataframe(
            shown_frontier,
            hide_index=True,
            key="tradeoffs.frontier_table",
            column_config=_labels(shown_frontier),
        )
        shown_extra = extra[["label", "kind", "disparity", "accuracy"]].assign(
            kind=extra["kind"].map(lambda k: KINDS.get(str(k), str(k)))
        )
        st.dataframe(
            shown_extra,
            hide_index=True,
            key="tradeoffs.extra_table",
            column_config=_labels(shown_extra),
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

    # --- The chosen point in detail ---------------------------------------------------
    st.subheader("The chosen operating point")
    st.markdown("**Decision rule for each group**")
    st.dataframe(
        evaluation.thresholds,
        hide_index=True,
        key="tradeoffs.thresholds_table",
        column_config={
            "group": st.column_config.TextColumn("Group"),
            "threshold": st.column_config.NumberColumn("Threshold", format="%.3f"),
            "randomized": st.column_config.CheckboxColumn("Randomized"),
            "note": st.column_config.TextColumn("Rule", width="large"),
        },
    )
    render_add_to_findings(
        "tradeoffs.thresholds",
        title="Group thresholds of the chosen operating point",
        page=PAGE,
        summary=summary,
        table=titled(evaluation.thresholds, COLUMNS),
        settings=settings,
    )
    st.markdown("**Each group at this point** (95% intervals)")
    per_group = evaluation.per_group.drop(columns=["group_index", "expected_positive_rows"])
    config = {
        "group": st.column_config.TextColumn("Group"),
        "n": st.column_config.NumberColumn("People", format="localized"),
        "today_selection_rate": st.column_config.NumberColumn(
            "Selection rate today", format="%.3f"
        ),
        "change_per_10000": st.column_config.NumberColumn(
            f"Change in {verb} per 10,000 decisions", format="%+.0f"
        ),
    }
    for name, title in RATE_COLUMNS.items():
        config[name] = st.column_config.NumberColumn(title, format="%.3f")
        config[f"{name}_low"] = st.column_config.NumberColumn(f"{title}, 95% low", format="%.3f")
        config[f"{name}_high"] = st.column_config.NumberColumn(f"{title}, 95% high", format="%.3f")
    st.dataframe(per_group, hide_index=True, key="tradeoffs.per_group_table", column_config=config)
    render_add_to_findings(
        "tradeoffs.per_group",
        title="Per-group metrics at the chosen operating point",
        page=PAGE,
        summary=summary,
        table=titled(per_group, config),
        settings=settings,
    )
    overall = evaluation.overall.assign(measure=evaluation.overall["measure"].map(MEASURES))
    st.dataframe(
        overall,
        hide_index=True,
        key="tradeoffs.overall_table",
        column_config=(
            overall_titles := {
                "measure": st.column_config.TextColumn("Measure"),
                "today": st.column_config.NumberColumn("Today", format="%.3f"),
                "chosen": st.column_config.NumberColumn("Chosen point", format="%.3f"),
                "change": st.column_config.NumberColumn("Change", format="%+.3f"),
            }
        ),
    )
    render_add_to_findings(
        "tradeoffs.overall",
        title="Today against the chosen operating point",
        page=PAGE,
        summary=summary,
        table=titled(overall, overall_titles),
        settings=settings,
    )

    # --- Record ----------------------------------------------------------------------
    with st.form("tradeoffs.record_form"):
        st.markdown("**Record this operating point** for the report")
        # Empty by default: a pre-filled value would keep the first point's name after the
        # reviewer picks another point (a keyed widget keeps its value).
        default_title = f"Operating point: {point.label}"
        record_title = st.text_input(
            "Title (optional)",
            placeholder=default_title,
            key=state.TRADEOFFS_RECORD_TITLE,
        )
        rationale = st.text_area(
            "Why this operating point? (rationale)",
            key=state.TRADEOFFS_RATIONALE,
            placeholder="Who was consulted, which harms were weighed, why this balance.",
        )
        submitted = st.form_submit_button("Record this operating point", type="primary")
    if submitted:
        if not rationale.strip():
            st.warning("Write down why this operating point was chosen, then record it again.")
        else:
            record_operating_point(
                OperatingPointRecord(
                    title=record_title.strip() or default_title,
                    criterion=criterion,
                    strategy=point.strategy,
                    randomized=point.randomized,
                    thresholds=evaluation.thresholds,
                    per_group=evaluation.per_group,
                    change_summary=summary,
                    rationale=rationale.strip(),
                    settings={k: str(v) for k, v in settings.items()},
                    created=datetime.now(UTC).isoformat(timespec="seconds"),
                    data_name=inputs.dataset.name,
                    data_sha256=inputs.dataset.sha256,
                )
            )
            st.success("Recorded. It appears in the report with its rationale.")

# --- Curves -------------------------------------------------------------------------------
st.divider()
st.subheader("Curves by group")
if not sweep.exact:
    st.caption(
        f"The scores take many values, so {len(sweep.thresholds):,} thresholds are tried "
        "(every 0.001, 1,000 spread over the people, and the corners of each group's ROC "
        "curve, which is all the fairest best rules need); each is computed exactly."
    )
table = sweep_table(sweep)
today_points = current_points(sweep)
tabs = st.tabs(["ROC", "Precision and recall", "Calibration", "Score distributions"])
views = [
    (
        "roc",
        "ROC curve by group",
        plot_roc_curves(sweep, chosen=evaluation.per_group),
        describe_roc_curves(sweep),
        table,
    ),
    (
        "pr",
        "Precision and recall by group",
        plot_precision_recall(sweep, chosen=evaluation.per_group),
        describe_precision_recall(sweep),
        table,
    ),
    (
        "calibration",
        "Calibration by group",
        plot_calibration(sweep),
        describe_calibration(sweep),
        sweep.calibration,
    ),
    (
        "distribution",
        "Score distribution by group",
        plot_score_distributions(sweep),
        describe_score_distributions(sweep),
        sweep.distribution,
    ),
]
for tab, (name, title, figure, caption, data) in zip(tabs, views, strict=True):
    with tab:
        render_chart(figure, key=f"tradeoffs.{name}_chart")
        st.caption(escape_markdown(caption))
        with st.expander("As a table"):
            shown_curve = data.drop(columns=["group_index"])
            st.dataframe(
                shown_curve,
                hide_index=True,
                key=f"tradeoffs.{name}_table",
                column_config=_labels(shown_curve),
            )
        render_add_to_findings(
            f"tradeoffs.{name}",
            title=title,
            page=PAGE,
            summary=caption,
            figure=figure,
            table=titled(today_points if name in ("roc", "pr") else data, COLUMNS),
            settings=settings,
        )
