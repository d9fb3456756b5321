"""The "Which metric?" questions, their recommendation, and recording it in the review.

Drawn on the Learn page and in the Subgroups page's guide. The questions and the
recommendation come from :func:`fairness_core.metrics.recommend_metric`; each answer is a
kept choice (its key starts with ``state.GUIDE_ANSWER_PREFIX``), so both pages show the
same answers. "Record in the review" stores the answers with the review; the report then
has a "Which metric and why" section.
"""

from __future__ import annotations

import streamlit as st

from components import state
from fairness_core.errors import FairnessCoreError
from fairness_core.metrics import (
    METRICS,
    MetricRecommendation,
    next_question,
    recommend_metric,
    summary_spec,
)


def current_answers() -> dict[str, str]:
    """The answers given so far on the tree's path (from the kept widget values)."""
    answers: dict[str, str] = {}
    while (question := next_question(answers)) is not None:
        value = st.session_state.get(state.guide_answer_key(question.key))
        if value is None:
            break
        answers[question.key] = str(value)
    return answers


def describe_recommendation(recommendation: MetricRecommendation) -> str:
    """The recommendation as Markdown: the criterion, the measures by their plain titles, why."""
    measures = [METRICS[m].title for m in recommendation.metrics]
    summaries = [summary_spec(s).title for s in recommendation.summaries]
    if recommendation.calibration:
        measures.insert(0, "Calibration by group")
    lines = [
        f"**Look at: {recommendation.title}.**",
        f"On the Subgroups page: {', '.join(measures)}; at a glance: {', '.join(summaries)}.",
        "",
        *(f"- {sentence}" for sentence in recommendation.reasoning),
    ]
    return "\n".join(lines)


def render_metric_guide(*, record: bool = True) -> MetricRecommendation | None:
    """Ask the questions one after another; show the answer; offer to record it."""
    answers: dict[str, str] = {}
    while (question := next_question(answers)) is not None:
        value = st.radio(
            question.text,
            [key for key, _ in question.options],
            index=None,
            format_func=question.label,
            key=state.guide_answer_key(question.key),
            persist_state="session",
            help=question.help or None,
        )
        if value is None:
            st.caption("Answer this question to go on.")
            break
        answers[question.key] = str(value)
    recorded = state.get_metric_choice()
    if next_question(answers) is not None:
        if recorded:
            st.caption(
                "An earlier answer is recorded in the review; it stays until you record a new one."
            )
        return None
    try:
        recommendation = recommend_metric(answers)
    except FairnessCoreError as exc:  # answers saved by another version of the app
        st.warning(str(exc))
        return None
    st.success(describe_recommendation(recommendation), icon=":material/lightbulb:")
    if not record:
        return recommendation
    same = recorded == answers
    left, right = st.columns(2)
    if left.button(
        "Recorded in the review" if same else "Record this in the review",
        key=state.GUIDE_RECORD,
        icon=":material/bookmark_added:",
        disabled=same,
        help="The review report then has a 'Which metric and why' section with these "
        "answers and the reasoning.",
    ):
        state.set_metric_choice(answers)
        st.rerun()
    if recorded and right.button("Remove from the review", key=state.GUIDE_FORGET):
        state.set_metric_choice(None)
        st.rerun()
    if recorded and not same:
        st.caption("The review holds an earlier answer; record this one to replace it.")
    return recommendation
