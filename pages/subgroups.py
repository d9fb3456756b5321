"""Subgroups: how the model performs for each group and intersection, with verdicts."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from components import cache, compliance, state
from components.audit import require_audit
from components.charts import render_chart
from components.errors import render_error
from components.findings import render_add_to_findings
from components.metric_guide import render_metric_guide
from components.router import ensure_routed
from components.server_data import render_whole_note
from components.subgroup_extras import (
    render_calibration_section,
    render_consistency_section,
    render_inequality_section,
)
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.formatting import format_number
from fairness_core.metrics import (
    CORRECTION_TITLES,
    DEFAULT_METRICS,
    METRIC_TABLE_COLUMNS,
    METRICS,
    SUMMARIES,
    VERDICTS,
    Reference,
    SubgroupSettings,
    describe_disparity,
    metric_table,
    plain_column_title,
    rank_disadvantaged,
)
from fairness_core.plots import plot_intersection_heatmap, plot_metric_by_group
from fairness_core.report import analysis_title

ensure_routed()

LARGEST = "The largest group"
BEST = "The best-treated group on each metric (four-fifths rule)"
CORRECTIONS = CORRECTION_TITLES


def number_column(name: str, number_format: str) -> Any:
    """A number column of the metric table with its plain title."""
    return st.column_config.NumberColumn(plain_column_title(name), format=number_format)


def plain_table(table: pd.DataFrame, metric_title: str) -> pd.DataFrame:
    """The metric table as a reviewer reads it: the shown columns with plain titles."""
    shown = table[[c for c in METRIC_TABLE_COLUMNS if c in table.columns]]
    titles = {c: plain_column_title(c) for c in shown.columns}
    return shown.rename(columns={**titles, "value": metric_title})


#: The summaries shown "at a glance"; titles and definitions come from the core.
GLANCE = (
    "disparate_impact_ratio",
    "equalized_odds_difference",
    "equal_opportunity_difference",
    "predictive_parity_difference",
)

st.title("Subgroups")
st.caption(
    "How does the model treat each group? Pick the protected attributes to compare (several "
    "are combined into intersections), the metrics that matter for this decision, and the "
    "group everyone is compared with."
)
inputs, audit = require_audit()
render_whole_note()
audit = cache.with_cohorts(inputs, audit, state.get_cohorts())  # cohorts from Dataset check
has_scores = audit.y_score is not None

# --- Settings -------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    attributes = st.multiselect(
        "Protected attributes",
        [g.name for g in audit.groups],
        default=[audit.groups[0].name],
        key=state.SUBGROUPS_ATTRIBUTES,
        persist_state="session",
        help="Choose two or more to see their intersections, e.g. gender × race.",
    )
    available = [m for m, spec in METRICS.items() if has_scores or not spec.needs_scores]
    metrics = st.multiselect(
        "Metrics",
        [m for m in available if METRICS[m].kind != "descriptive"],
        default=[m for m in DEFAULT_METRICS if m in available],
        format_func=lambda m: METRICS[m].title,
        key=state.SUBGROUPS_METRICS,
        persist_state="session",
    )
with right:
    min_n = st.number_input(
        "Minimum people to judge a group",
        min_value=1,
        max_value=10_000,
        value=30,
        step=1,
        key=state.SUBGROUPS_MIN_N,
        persist_state="session",
        help="Below this many people measured (effective number with weights), a group "
        "gets 'too few people to judge' and is left out of the summaries.",
    )
    alpha = st.number_input(
        "Significance level",
        min_value=0.001,
        max_value=0.2,
        value=0.05,
        step=0.005,
        format="%.3f",
        key=state.SUBGROUPS_ALPHA,
        persist_state="session",
        help="'Adverse impact' needs a gap past the rule's line and an adjusted p-value "
        "below this level (0.05 is the usual choice).",
    )
    correction = st.selectbox(
        "Correction for many comparisons",
        list(CORRECTIONS),
        format_func=CORRECTIONS.__getitem__,
        key=state.SUBGROUPS_CORRECTION,
        persist_state="session",
        help="Comparing many groups on many metrics finds some differences by chance; a "
        "correction keeps those false alarms in check.",
    )
    suppress = st.number_input(
        "Hide numbers for groups smaller than (0 = show all)",
        min_value=0,
        max_value=1_000,
        value=0,
        step=1,
        key=state.SUBGROUPS_SUPPRESS,
        persist_state="session",
        help="For privacy: a metric measured on fewer people than this is not shown.",
    )

with st.expander("Which metric should I look at?"):
    render_metric_guide("subgroups")  # the same questions and recorded answer as on the Learn page
    st.page_link(
        "pages/learn.py", label="Lessons and glossary on the Learn page", icon=":material/school:"
    )

# The verdicts' lines are the first policy chosen for the review (Compliance page).
lines = compliance.subgroup_lines()
st.caption(escape_markdown(lines.sentence))
st.page_link(
    "pages/compliance.py", label="Choose policies or edit their lines", icon=":material/policy:"
)

if not attributes or not metrics:
    st.info("Choose at least one protected attribute and one metric.")
    st.stop()

try:
    names = cache.group_names(inputs, audit, tuple(attributes))
    reference_choice = st.selectbox(
        "Compare every group with",
        [BEST, LARGEST, *names],
        key=state.SUBGROUPS_REFERENCE,
        persist_state="session",
    )
    reference: Reference = (
        "largest"
        if reference_choice == LARGEST
        else "best"
        if reference_choice == BEST
        else cache.group_labels(inputs, audit, tuple(attributes), reference_choice)
    )
    settings = SubgroupSettings(
        attributes=tuple(attributes),
        metrics=tuple(metrics),
        reference=reference,
        min_n=int(min_n),
        correction=correction,
        alpha=float(alpha),
        suppress_below=int(suppress) or None,
        ratio_threshold=lines.ratio_threshold,
        tolerance=lines.tolerance,
    )
    report = cache.subgroup_report(inputs, audit, **settings.options())
    state.set_subgroup_settings(settings)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

# --- The report's analyses ------------------------------------------------------------
in_report = state.get_report_analyses()
add_column, added_column = st.columns([1, 2])
# Not an on_click callback: its arguments would be the settings of the run that drew the
# button, so a click right after changing a setting added the previous analysis.
if add_column.button(
    "Add this analysis to the report",
    key="subgroups.add_to_report",
    icon=":material/playlist_add:",
    disabled=settings in in_report,
    help="The report lists every analysis you add (by gender, by race, gender × race …), "
    "each with these settings; reorder or remove them on the Report page.",
):
    state.add_report_analysis(settings)
    st.rerun()  # draw the button (now disabled) and the caption with the analysis in
if settings in in_report:
    position = in_report.index(settings) + 1
    added_column.caption(
        f"This analysis is number {position} of {len(in_report)} in the report: "
        f"{escape_markdown(analysis_title(settings))}."
    )
elif in_report:
    added_column.caption(f"The report holds {len(in_report)} other analyses.")

# --- Summary --------------------------------------------------------------------------
st.subheader("At a glance")
columns = st.columns(len(GLANCE))
for column, name in zip(columns, GLANCE, strict=True):
    detail = report.summary_details[name]
    # st.metric cuts a label that does not fit its column to one line ("Equal opportunity
    # diffe…" at 1280×720): the name is written above it as text, which wraps, and the
    # metric's own label (read by screen readers) is collapsed.
    column.markdown(
        f"**{escape_markdown(SUMMARIES[name].title)}**", help=SUMMARIES[name].definition
    )
    column.metric(
        SUMMARIES[name].title,
        format_number(detail.value, 3),
        label_visibility="collapsed",
    )
    if detail.reason:
        column.caption(escape_markdown(f"Not defined: {detail.reason}."))
left_out = sorted({g for n in GLANCE for g in report.summary_details[n].groups_left_out})
st.caption(
    "Differences are 0 and ratios are 1 when groups are treated alike. Each summary is taken "
    f"over the groups that can be judged (at least {int(min_n)} people measured); hover the "
    "question mark next to a name for its exact definition."
    + (
        f" Left out of at least one summary: {escape_markdown(', '.join(left_out[:10]))}"
        + (f" and {len(left_out) - 10} more." if len(left_out) > 10 else ".")
        if left_out
        else ""
    )
)
if report.n_empty_groups:
    examples = ", ".join(report.empty_groups)
    more = report.n_empty_groups - len(report.empty_groups)
    st.caption(
        escape_markdown(
            f"{report.n_empty_groups:,} combinations have nobody in them: {examples}"
            + (f" and {more:,} more." if more > 0 else ".")
        )
    )

# --- One metric in detail -------------------------------------------------------------
st.subheader("One metric, group by group")
metric = st.selectbox(
    "Metric to inspect",
    list(metrics),
    format_func=lambda m: METRICS[m].title,
    key=state.SUBGROUPS_METRIC,
    persist_state="session",
)
spec = METRICS[metric]
st.markdown(f"**{spec.title}.** {spec.explanation} *Counted among:* {spec.denominator}.")
table = metric_table(report, metric)
bar_chart = plot_metric_by_group(report, metric)
render_chart(bar_chart, key="subgroups.bar_chart")
ranked = rank_disadvantaged(report, metric) if spec.harmful is not None else []
sentence = describe_disparity(report, metric, ranked[0].labels) if ranked else ""
if sentence:
    st.caption(escape_markdown(sentence))
finding_settings = {
    "protected attributes": attributes,
    "metric": spec.title,
    "compared with": reference_choice,
    "minimum people": int(min_n),
    "correction": CORRECTIONS[correction],
}
render_add_to_findings(
    "subgroups.bar_chart",
    title=f"{spec.title} by {' × '.join(attributes)}",
    page="Subgroups",
    summary=sentence,
    figure=bar_chart,
    table=plain_table(table, spec.title),
    settings=finding_settings,
)
if len(attributes) == 2:
    heatmap = plot_intersection_heatmap(report, metric)
    render_chart(heatmap, key="subgroups.heatmap")
    heatmap_sentence = (
        f"{spec.title} for every combination of {attributes[0]} and {attributes[1]}; "
        "each cell shows the value and how many people it is measured on. Empty cells "
        "have nobody in them."
    )
    st.caption(escape_markdown(heatmap_sentence))
    render_add_to_findings(
        "subgroups.heatmap",
        title=f"{spec.title}: {attributes[0]} × {attributes[1]}",
        page="Subgroups",
        summary=heatmap_sentence,
        figure=heatmap,
        table=plain_table(table, spec.title),
        settings=finding_settings,
    )

st.dataframe(
    table.drop(columns=["group_index", "is_reference"]),
    hide_index=True,
    key="subgroups.table",
    column_config={
        "group": st.column_config.TextColumn(plain_column_title("group")),
        "n": number_column("n", "localized"),
        "denominator": number_column("denominator", "localized"),
        "value": st.column_config.NumberColumn(spec.title, format="%.3f"),
        "ci_low": number_column("ci_low", "%.3f"),
        "ci_high": number_column("ci_high", "%.3f"),
        # shown as text that never rounds across the verdict's line (0.7992 → "0.799")
        "difference_shown": st.column_config.TextColumn(plain_column_title("difference")),
        "ratio_shown": st.column_config.TextColumn(plain_column_title("ratio")),
        "ratio_verdict": st.column_config.TextColumn(plain_column_title("ratio_verdict")),
        "difference_verdict": st.column_config.TextColumn(plain_column_title("difference_verdict")),
        "difference_p_adjusted": number_column("difference_p_adjusted", "%.3g"),
        "suppressed": st.column_config.CheckboxColumn(plain_column_title("suppressed")),
    },
    column_order=[
        {"difference": "difference_shown", "ratio": "ratio_shown"}.get(c, c)
        for c in METRIC_TABLE_COLUMNS
    ],
)

st.caption(
    f"{escape_markdown(lines.sentence)} "
    f"Verdicts judge only the direction that harms a group. {spec.harm_sentence} "
    f"p-values are adjusted ({CORRECTIONS[correction].split(' (')[0]}) over the "
    f"{report.comparisons_judged} comparisons judged on this page; 'adverse impact' needs a "
    f"gap past the line and an adjusted p-value below {float(alpha):g}."
)
with st.expander("What the verdicts mean"):
    for word, meaning in VERDICTS.items():
        st.markdown(f"- **{word}**: {meaning}")
small = report.groups[
    (report.groups["metric"] == metric) & ~report.groups["judged"] & ~report.groups["suppressed"]
]
if len(small):
    st.caption(
        escape_markdown(
            f"Too few people to judge on the {spec.title.lower()} (fewer than {int(min_n)} "
            f"measured): {', '.join(small['group'].astype(str).tolist()[:15])}"
            + (f" and {len(small) - 15} more." if len(small) > 15 else ".")
        )
    )

if ranked:
    st.markdown(
        f"**Groups most disadvantaged on {spec.title.lower()}** (groups that can be judged)"
    )
    for place, group in enumerate(ranked[:5], start=1):
        st.markdown(
            f"{place}. {escape_markdown(group.group)}: {group.value:.3f} "
            f"(95% {group.ci_low:.3f}–{group.ci_high:.3f}, measured on {group.denominator:,} "
            "people)"
        )

st.subheader("Beyond rates: inequality, consistency and calibration")
render_inequality_section(inputs, audit, tuple(attributes), reference=reference)
render_consistency_section(inputs, audit, tuple(attributes))
render_calibration_section(inputs, audit, tuple(attributes))
