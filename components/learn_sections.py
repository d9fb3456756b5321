"""The Learn page's sections: lessons, the practice population's controls, the criteria
table, the error-rate identity and the glossary. Every word and number comes from
``fairness_core.learn`` and ``fairness_core.metrics``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import learn_cache, state
from fairness_core.formatting import format_number
from fairness_core.learn import (
    LESSONS,
    MATCHABLE,
    CriteriaReport,
    Lesson,
    PopulationSettings,
    build_glossary,
    search_glossary,
)
from fairness_core.metrics import METRICS, TERMS


def _start_lesson(lesson: Lesson) -> None:
    """Put the lesson's starting settings into the widgets (a button's callback)."""
    st.session_state[state.LEARN_BASE_RATE_A] = lesson.base_rates[0]
    st.session_state[state.LEARN_BASE_RATE_B] = lesson.base_rates[1]
    st.session_state[state.LEARN_SEPARATION] = lesson.separation
    st.session_state[state.LEARN_THRESHOLD] = lesson.thresholds[0]
    st.session_state[state.LEARN_THRESHOLD_B] = lesson.thresholds[1]
    st.session_state[state.LEARN_PER_GROUP] = lesson.thresholds[0] != lesson.thresholds[1]


def render_lesson() -> Lesson:
    """The lesson picker, its text, and the definitions it is about."""
    titles = {lesson.key: lesson.title for lesson in LESSONS}
    key = st.selectbox(
        "Lesson",
        list(titles),
        format_func=titles.__getitem__,
        key=state.LEARN_LESSON,
        persist_state="session",
    )
    lesson = next(item for item in LESSONS if item.key == key)
    st.markdown(lesson.text)
    st.markdown(f"**Try this:** {lesson.try_this}")
    st.button(
        "Set up this lesson",
        key=state.LEARN_START_LESSON,
        on_click=_start_lesson,
        args=(lesson,),
        icon=":material/restart_alt:",
        help="Puts the base rates, separation and thresholds where this lesson starts.",
    )
    with st.expander("The words in this lesson"):
        for name in lesson.metrics:
            st.markdown(f"- **{METRICS[name].title}**: {METRICS[name].explanation}")
        for word in lesson.terms:
            st.markdown(f"- **{word[:1].upper() + word[1:]}**: {TERMS[word]}")
    with st.expander("What to notice"):
        st.markdown(lesson.notice)
    return lesson


def render_population_controls() -> tuple[PopulationSettings, tuple[float, float], float]:
    """The trainer's controls; returns the population settings, thresholds and the line."""
    left, right = st.columns(2)
    with left:
        rate_a = st.slider(
            "Base rate of Group A", 0.05, 0.95, 0.3, 0.05,
            key=state.LEARN_BASE_RATE_A, persist_state="session",
            help=METRICS["base_rate"].explanation,
        )  # fmt: skip
        rate_b = st.slider(
            "Base rate of Group B", 0.05, 0.95, 0.6, 0.05,
            key=state.LEARN_BASE_RATE_B, persist_state="session",
            help=METRICS["base_rate"].explanation,
        )  # fmt: skip
        separation = st.slider(
            "How well scores separate (1 = perfect scores)", 0.0, 1.0, 0.5, 0.05,
            key=state.LEARN_SEPARATION, persist_state="session",
            help="0: everyone in a group gets the same score (the group's base rate); 1: "
            "every positive scores 1 and every negative 0. Scores are calibrated in "
            "both groups at every setting.",
        )  # fmt: skip
    with right:
        threshold = st.slider(
            "Threshold", 0.05, 0.95, 0.5, 0.01,
            key=state.LEARN_THRESHOLD, persist_state="session", help=TERMS["threshold"],
        )  # fmt: skip
        per_group = st.toggle(
            "A different threshold for Group B",
            key=state.LEARN_PER_GROUP, persist_state="session",
        )  # fmt: skip
        threshold_b = threshold
        if per_group:
            threshold_b = st.slider(
                "Threshold for Group B", 0.05, 0.95, 0.5, 0.01,
                key=state.LEARN_THRESHOLD_B, persist_state="session",
                help="The threshold above applies to Group A.",
            )  # fmt: skip
        tolerance = st.slider(
            "Counts as equal when the gap is at most", 0.01, 0.2, 0.05, 0.01,
            key=state.LEARN_TOLERANCE, persist_state="session",
            help="Two groups of sampled people differ by a little even when drawn alike; "
            "this is the line for rates and mean scores. Calibration's line is 0.05.",
        )  # fmt: skip
        seed = st.number_input(
            "Draw of people (seed)", 0, 999, 0, 1,
            key=state.LEARN_SEED, persist_state="session",
            help="Another number draws other people with the same settings.",
        )  # fmt: skip
    settings = PopulationSettings(
        base_rates=(float(rate_a), float(rate_b)), separation=float(separation), seed=int(seed)
    )
    return settings, (float(threshold), float(threshold_b)), float(tolerance)


def _match(settings: PopulationSettings, threshold: float) -> None:
    """Give Group B the threshold that matches the chosen rate (a button's callback)."""
    metric = st.session_state.get(state.LEARN_MATCH_METRIC) or MATCHABLE[0]
    matched = learn_cache.matching_threshold(settings, threshold, metric)
    st.session_state[state.LEARN_PER_GROUP] = True
    st.session_state[state.LEARN_THRESHOLD_B] = matched


def render_matching(settings: PopulationSettings, threshold: float) -> None:
    """Move Group B's threshold until one rate equals Group A's (for lessons 4 to 6)."""
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    left.selectbox(
        "Match Group B to Group A on",
        MATCHABLE,
        format_func=lambda m: METRICS[m].title,
        key=state.LEARN_MATCH_METRIC,
        persist_state="session",
    )
    right.button(
        "Move Group B's threshold",
        key=state.LEARN_MATCH,
        on_click=_match,
        args=(settings, threshold),
        icon=":material/tune:",
        help="Gives Group B the threshold (0.05 to 0.95) whose rate is closest to Group A's.",
    )


def render_rates(report: CriteriaReport) -> None:
    """The rates per group, by their registry titles."""
    table = pd.DataFrame(
        {
            "Measure": [METRICS[m].title for m in report.rates],
            **{
                group: [report.rates[m][g] for m in report.rates]
                for g, group in enumerate(report.groups)
            },
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key="learn.rates",
        column_config={g: st.column_config.NumberColumn(g, format="%.3f") for g in report.groups},
    )


def criteria_table(report: CriteriaReport) -> pd.DataFrame:
    """One row per criterion: holds or not, what is measured, the numbers, gap and line."""
    rows = []
    for criterion in report.criteria:
        per_group = " · ".join(format_number(v, 3) for v in criterion.values)
        rows.append(
            {
                "Criterion": criterion.title,
                "Holds": "Yes" if criterion.holds else "No",
                "Measured": criterion.measure,
                "Numbers": per_group,
                "Gap": criterion.gap,
                "Line": criterion.line,
            }
        )
    return pd.DataFrame(rows)


def render_criteria(report: CriteriaReport) -> None:
    """The criteria table and a sentence saying which hold."""
    holding = [c.title for c in report.criteria if c.holds]
    failing = [c.title for c in report.criteria if not c.holds]
    st.dataframe(
        criteria_table(report),
        hide_index=True,
        key="learn.criteria",
        column_config={"Gap": st.column_config.NumberColumn("Gap", format="%.3f")},
    )
    st.caption(
        ("Holding: " + ", ".join(holding) + ". " if holding else "No criterion holds. ")
        + ("Not holding: " + ", ".join(failing) + "." if failing else "Every criterion holds.")
        + " Numbers per group are Group A · Group B (equalized odds: true positive rates, "
        "then false positive rates)."
    )
    with st.expander("What each criterion asks"):
        for criterion in report.criteria:
            st.markdown(f"- **{criterion.title}**: {criterion.definition}")


def render_identity(report: CriteriaReport) -> None:
    """Chouldechova's identity with each group's numbers."""
    st.markdown(
        "In every group, whatever the threshold: **false positive rate = base rate ÷ (1 − "
        "base rate) × (1 − precision) ÷ precision × (1 − false negative rate)**. So if "
        "precision and the false negative rate are equal in both groups but the base rates "
        "differ, the false positive rates cannot be equal."
    )
    for identity in report.identities:
        st.markdown(
            f"- {identity.group}: {format_number(identity.base_rate, 3)} ÷ "
            f"{format_number(1 - identity.base_rate, 3)} × "
            f"{format_number(1 - identity.precision, 3)} ÷ "
            f"{format_number(identity.precision, 3)} × "
            f"{format_number(1 - identity.false_negative_rate, 3)} = "
            f"**{format_number(identity.implied_fpr, 3)}**; measured false positive rate "
            f"**{format_number(identity.false_positive_rate, 3)}**"
        )


def render_glossary() -> None:
    """The glossary, searchable: every word the app shows, from the same text as captions."""
    query = st.text_input(
        "Search the glossary",
        key=state.LEARN_GLOSSARY_SEARCH,
        persist_state="session",
        placeholder="e.g. four-fifths, calibration, false positive",
    )
    entries = search_glossary(build_glossary(), query or "")
    if not entries:
        st.info("No entry matches. Try a shorter word.")
        return
    table = pd.DataFrame(
        {
            "Term": [e.term for e in entries],
            "Kind": [e.kind for e in entries],
            "Definition": [e.definition for e in entries],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key="learn.glossary",
        column_config={"Definition": st.column_config.TextColumn(width="large")},
    )
    st.caption(f"{len(entries)} of {len(build_glossary())} entries.")
