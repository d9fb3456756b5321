"""The "Which metric?" questions, their recommendation, and recording it in the review.

Drawn on the Learn page and in the Subgroups page's guide. The questions and the
recommendation come from :func:`fairness_core.metrics.recommend_metric`; each answer is a
kept choice (its key starts with ``state.GUIDE_ANSWER_PREFIX``); each page has its own
radio and the answer is shared between them, so both pages show the same answers.
"Record in the review" stores the answers with the review; the report then has a "Which
metric and why" section.
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


def _share(widget_key: str, question: str) -> None:
    """A page's answer becomes the shared one (the radio's change callback)."""
    st.session_state[state.guide_answer_key(question)] = st.session_state.get(widget_key)


def _sync(widget_key: str, question: str) -> None:
    """Show the shared answer in this page's radio (or share the radio's restored value)."""
    shared = state.guide_answer_key(question)
    if st.session_state.get(shared) is not None:
        if st.session_state.get(widget_key) != st.session_state[shared]:
            st.session_state[widget_key] = st.session_state[shared]
    elif st.session_state.get(widget_key) is not None:
        st.session_state[shared] = st.session_state[widget_key]


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


def render_metric_guide(page: str, *, record: bool = True) -> MetricRecommendation | None:
    """Ask the questions one after another; show the answer; offer to record it.

    ``page`` names the page drawing it ("learn", "subgroups"): both show the same answers.
    """
    answers: dict[str, str] = {}
    while (question := next_question(answers)) is not None:
        widget_key = state.guide_answer_key(question.key, page)
        _sync(widget_key, question.key)
        value = st.radio(
            question.text,
            [key for key, _ in question.options],
            index=None,
            format_func=question.label,
            key=widget_key,
            persist_state="session",
            on_change=_share,
            args=(widget_key, question.key),
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


def recorded_recommendation() -> MetricRecommendation | None:
    """The recommendation of the answers recorded in the review (None: none, or unusable)."""
    answers = state.get_metric_choice()
    if not answers:
        return None
    try:
        return recommend_metric(answers)
    except FairnessCoreError as exc:  # recorded by another version of the app
        st.warning(f"The recorded 'Which metric?' answer is left out of the report: {exc}")
        return None
