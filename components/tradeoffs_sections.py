"""Sections of the Trade-offs page: the chosen point, its warnings, the record form, the
recorded options (mark one as recommended, remove), the curves.

Column and measure titles come from the metric registry (``METRICS[...].title``) wherever
the registry has the metric, so "Accuracy" and "Selection rate" are spelled in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from components import state
from components.charts import render_chart
from components.demo import data_label
from components.findings import (
    option_name,
    record_operating_point,
    render_add_to_findings,
    titled,
)
from components.server_data import render_sample_note
from components.state import AuditInputs
from fairness_core.escaping import escape_markdown
from fairness_core.metrics import METRICS
from fairness_core.plots import (
    describe_calibration,
    describe_precision_recall,
    describe_roc_curves,
    describe_score_distributions,
    plot_calibration,
    plot_precision_recall,
    plot_roc_curves,
    plot_score_distributions,
)
from fairness_core.report import (
    OperatingPointRecord,
    compare_operating_points,
    new_operating_point_id,
    strategy_title,
)
from fairness_core.tradeoffs import DISPARITIES, PointEvaluation, ThresholdSweep

PAGE = "Trade-offs"
#: The per-group rates of an operating point, titled as in the metric registry.
RATES = ("selection_rate", "true_positive_rate", "false_positive_rate", "precision", "accuracy")
RATE_COLUMNS = {name: METRICS[name].title for name in RATES}
MEASURES = {
    "accuracy": METRICS["accuracy"].title,
    "balanced_accuracy": METRICS["balanced_accuracy"].title,
    "expected_cost": "Expected cost per decision",
    "selection_rate": "Share with the positive decision",
    **DISPARITIES,
}
KINDS = {"strategy": "Ready-made strategy", "original": "Today", "mitigation": "Retrained model"}
#: Plain column titles for every table on the page (raw names never reach the reviewer).
COLUMNS: dict[str, Any] = {
    "label": st.column_config.TextColumn("Operating point", width="large"),
    "kind": st.column_config.TextColumn("Kind"),
    "group": st.column_config.TextColumn("Group"),
    "disparity": st.column_config.NumberColumn("Difference between groups", format="%.3f"),
    "balanced_accuracy": st.column_config.NumberColumn(
        MEASURES["balanced_accuracy"], format="%.3f"
    ),
    "expected_cost": st.column_config.NumberColumn(MEASURES["expected_cost"], format="%.3f"),
    "randomized": st.column_config.CheckboxColumn("Randomized"),
    "degenerate": st.column_config.CheckboxColumn(
        "Degenerate",
        help="More than 95% of some group approved or refused, or balanced accuracy within "
        "0.02 of 0.5: the decisions hardly use the scores.",
    ),
    "threshold": st.column_config.NumberColumn("Threshold", format="%.3f"),
    "tp": st.column_config.NumberColumn("Correct positive decisions", format="%.1f"),
    "fp": st.column_config.NumberColumn("Wrong positive decisions", format="%.1f"),
    "fn": st.column_config.NumberColumn("Wrong negative decisions", format="%.1f"),
    "tn": st.column_config.NumberColumn("Correct negative decisions", format="%.1f"),
    **{name: st.column_config.NumberColumn(t, format="%.3f") for name, t in RATE_COLUMNS.items()},
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


def labels(frame: pd.DataFrame) -> dict[str, Any]:
    """The plain column titles of ``frame``'s columns."""
    return {c: COLUMNS[c] for c in frame.columns if c in COLUMNS}


def render_point_summary(evaluation: PointEvaluation) -> None:
    """The change per 10,000 decisions, then every warning about the point.

    A degenerate point's sentence goes in a warning box, never a green one.
    """
    summary = escape_markdown(evaluation.change_summary)
    if evaluation.degenerate:
        st.warning(summary, icon=":material/balance:")
    else:
        st.success(summary, icon=":material/balance:")
    if evaluation.point.randomized:
        st.warning(
            "This operating point is **randomized**: some people whose scores fall between two "
            "thresholds are decided by a random draw (see the rules below). Check that this is "
            "acceptable for this decision before choosing it.",
            icon=":material/casino:",
        )
    for warning in evaluation.warnings:
        st.warning(escape_markdown(warning), icon=":material/warning:")


def render_chosen_point(
    evaluation: PointEvaluation, *, verb: str, settings: Mapping[str, object]
) -> None:
    """The rule per group, each group's rates with intervals, today against the point."""
    summary = evaluation.change_summary
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
            "note": st.column_config.TextColumn("Rule (exact)", width="large"),
        },
    )
    st.caption(
        "The rule column states each threshold and random share exactly as used: applying "
        "it to the data gives the rates below. The threshold column is rounded for reading."
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
    config: dict[str, Any] = {
        "group": st.column_config.TextColumn("Group"),
        "n": st.column_config.NumberColumn("People", format="localized"),
        "today_selection_rate": st.column_config.NumberColumn(
            f"{RATE_COLUMNS['selection_rate']} today", format="%.3f"
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
    overall_titles = {
        "measure": st.column_config.TextColumn("Measure"),
        "today": st.column_config.NumberColumn("Today", format="%.3f"),
        "chosen": st.column_config.NumberColumn("Chosen point", format="%.3f"),
        "change": st.column_config.NumberColumn("Change", format="%+.3f"),
    }
    st.dataframe(
        overall, hide_index=True, key="tradeoffs.overall_table", column_config=overall_titles
    )
    render_add_to_findings(
        "tradeoffs.overall",
        title="Today against the chosen operating point",
        page=PAGE,
        summary=summary,
        table=titled(overall, overall_titles),
        settings=settings,
    )


def render_sweep_source(sweep: ThresholdSweep, *, all_rows: bool) -> None:
    """Say which rows the page's numbers count (server data only; else nothing to say).

    ``all_rows``: the sweep is of every row of the server source (the engine's histogram,
    thresholds on the 1/1000 grid); otherwise it is of the sample, as the other row pages.
    """
    server = state.get_server_data()
    if server is None:
        return
    if not all_rows:
        render_sample_note()
        return
    counted = int(sweep.selected_rows[:, 0].sum())
    rows = (
        f"all {counted:,} rows"
        if counted == server.total_rows
        else f"all {counted:,} usable rows (of {server.total_rows:,})"
    )
    if sweep.scale is None or sweep.scale.is_unit:
        grid = "thresholds move in steps of 0.001 (0.500, 0.501, …)"
    else:
        step = (sweep.scale.high - sweep.scale.low) / 1000
        grid = f"thresholds move in steps of {step:g} on the score's own scale"
    retrain = (
        f"; retraining the model, below, needs single rows and uses the sample of "
        f"{server.sample_rows:,} rows"
        if server.sample_rows < server.total_rows
        else ""
    )
    st.caption(
        escape_markdown(
            f"The curves, the frontier and the operating points on this page count {rows} of "
            f"{server.name}; {grid}{retrain}."
        )
    )


def render_record_form(
    evaluation: PointEvaluation,
    inputs: AuditInputs,
    *,
    criterion: str,
    settings: Mapping[str, object],
) -> None:
    """Record the point as one more option for the report: its name, rules and rationale.

    The name is prefilled "Option A: <strategy>" (the next letter); the widget's key
    carries that default, so picking another point or recording one prefills a fresh name
    while a name the reviewer typed stays as long as the point does.
    """
    point = evaluation.point
    same_data = [p for p in state.get_operating_points() if p.data_sha256 == inputs.dataset.sha256]
    default_title = (
        f"{option_name(len(same_data))}: {point.label or strategy_title(point.strategy)}"
    )
    with st.form("tradeoffs.record_form"):
        st.markdown("**Record this operating point** as an option for the report")
        record_title = st.text_input(
            "Name of this option",
            value=default_title,
            key=f"{state.TRADEOFFS_RECORD_TITLE}.{default_title}",
            max_chars=200,
        )
        rationale = st.text_area(
            "Why this operating point? (rationale)",
            key=state.TRADEOFFS_RATIONALE,
            persist_state="session",
            placeholder="Who was consulted, which harms were weighed, why this balance.",
        )
        if evaluation.warnings:
            st.caption("The warnings above are recorded with the point and printed in the report.")
        submitted = st.form_submit_button("Record this operating point", type="primary")
    if not submitted:
        return
    if not rationale.strip():
        st.warning("Write down why this operating point was chosen, then record it again.")
        return
    record_operating_point(
        OperatingPointRecord(
            title=record_title.strip() or default_title,
            criterion=criterion,
            strategy=point.strategy,
            randomized=point.randomized,
            thresholds=evaluation.thresholds,
            per_group=evaluation.per_group,
            change_summary=evaluation.change_summary,
            rationale=rationale.strip(),
            settings={k: str(v) for k, v in settings.items()},
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            data_name=data_label(inputs.source, inputs.dataset),
            data_sha256=inputs.dataset.sha256,
            rules=tuple(rule.to_dict() for rule in evaluation.rules),
            warnings=evaluation.warnings,
            degenerate=evaluation.degenerate,
            group_specific=evaluation.group_specific,
            id=new_operating_point_id(),
            overall=evaluation.overall,
        )
    )
    # Draw the page again so the list below shows the option and the next name is offered.
    st.rerun()


def _recommend(point_id: str) -> None:
    state.set_recommended_point(point_id)


def _remove(point_id: str) -> None:
    state.remove_operating_point(point_id)


def render_recorded_points(inputs: AuditInputs, *, key_prefix: str) -> None:
    """The recorded options: name, strategy, accuracy, the recommended mark and buttons.

    Options recorded on other data are listed too, marked as such (the report keeps them
    apart). ``key_prefix`` makes the buttons' keys unique per page.
    """
    points = state.get_operating_points()
    recommended = state.get_recommended_point()
    if not points:
        st.info(
            "No operating point recorded yet. Record one or more options above (for example "
            "one threshold for everyone, and equal-opportunity thresholds) to compare them "
            "side by side in the report.",
            icon=":material/info:",
        )
        return
    accuracy = compare_operating_points(points).text().set_index("What")
    for point, column in zip(points, accuracy.columns, strict=True):
        with st.container(border=True, key=f"{key_prefix}.{point.id}.box"):
            text, mark, remove = st.columns([4, 2, 1])
            with text:
                badge = " :green-badge[Recommended]" if point.id == recommended else ""
                st.markdown(f"**{escape_markdown(point.title)}**{badge}")
                shown = str(accuracy.at["Accuracy (overall)", column])
                st.caption(
                    f"{escape_markdown(strategy_title(point.strategy))} · accuracy {shown} · "
                    f"data {escape_markdown(point.data_name or 'not recorded')}"
                )
                if point.data_sha256 != inputs.dataset.sha256:
                    st.caption(
                        "Recorded on other data than the data loaded now: the report lists it "
                        "apart, under “From other data”."
                    )
            mark.button(
                "Mark as recommended",
                key=f"{key_prefix}.{point.id}.recommend",
                icon=":material/recommend:",
                disabled=point.id == recommended,
                on_click=_recommend,
                args=(point.id,),
            )
            remove.button(
                "Remove",
                key=f"{key_prefix}.{point.id}.remove",
                icon=":material/delete:",
                on_click=_remove,
                args=(point.id,),
            )


def render_curves(
    sweep: ThresholdSweep,
    evaluation: PointEvaluation,
    *,
    today_points: pd.DataFrame,
    table: pd.DataFrame,
    settings: Mapping[str, object],
) -> None:
    """ROC, precision–recall, calibration and score distributions by group, in tabs."""
    st.subheader("Curves by group")
    if not sweep.exact:
        st.caption(
            f"The scores take many values, so {len(sweep.thresholds):,} thresholds are tried "
            "(every 0.001, 1,000 spread over the people, and the corners of each group's ROC "
            "curve, which is all the fairest best rules need); each is computed exactly."
        )
    tabs = st.tabs(["ROC", "Precision and recall", "Calibration", "Score distributions"])
    chosen = evaluation.per_group
    views = [
        ("roc", "ROC curve by group", plot_roc_curves(sweep, chosen=chosen),
         describe_roc_curves(sweep), table),
        ("pr", "Precision and recall by group", plot_precision_recall(sweep, chosen=chosen),
         describe_precision_recall(sweep), table),
        ("calibration", "Calibration by group", plot_calibration(sweep),
         describe_calibration(sweep), sweep.calibration),
        ("distribution", "Score distribution by group", plot_score_distributions(sweep),
         describe_score_distributions(sweep), sweep.distribution),
    ]  # fmt: skip
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
                    column_config=labels(shown_curve),
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
