"""The score's own scale on the Data & model page: its range and which way is favourable.

A score column need not be a probability: a decile score runs from 1 to 10, and for a risk
score a higher value means the unfavourable decision. The widgets here set
``ColumnRoles.score_range`` and ``ColumnRoles.higher_score_favourable``; the core rescales
the scores to 0-1 (1 the most favourable) in one place, and the caption says what the
threshold means on the score's own scale.
"""

from __future__ import annotations

from typing import TypeVar

import streamlit as st

from components import state
from fairness_core.data import ColumnRoles, describe_threshold, observed_score_range
from fairness_core.escaping import escape_markdown

_T = TypeVar("_T")

DIRECTIONS = {
    "favourable": "the favourable decision (e.g. a probability of repaying)",
    "unfavourable": "the unfavourable decision (e.g. a risk score)",
}


def render_score_scale(
    frame: object, score: str | None, threshold: float, current: ColumnRoles
) -> tuple[tuple[float, float] | None, bool]:
    """Draw the scale widgets for the score column ``score``; return (range, higher favourable).

    Nothing is drawn without a score column: the roles keep no scale then. The range inputs
    appear when the column's values are outside 0 to 1 (prefilled with the lowest and
    highest value found) or a range was set before.
    """
    if not score:
        return None, True
    if st.session_state.get(state.DATA_SCORE_SCALE_FOR, score) != score:
        for key in (state.DATA_SCORE_MIN, state.DATA_SCORE_MAX):
            st.session_state.pop(key, None)  # another column: start from its own values
    st.session_state[state.DATA_SCORE_SCALE_FOR] = score
    observed = observed_score_range(frame, score)  # type: ignore[arg-type]
    outside = observed is not None and (observed[0] < 0 or observed[1] > 1)
    earlier = current.score_range if current.score == score else None
    span: tuple[float, float] | None = None
    if outside or earlier is not None or state.DATA_SCORE_MIN in st.session_state:
        start = earlier or observed or (0.0, 1.0)
        if outside and observed is not None:
            st.info(
                f"'{escape_markdown(score)}' runs from {observed[0]:g} to {observed[1]:g}, "
                "not from 0 to 1: it is rescaled to 0–1 from the scale below (filled in with "
                "the lowest and highest score found). Check the scale, and which way is "
                "favourable."
            )
        low_col, high_col = st.columns(2)
        low = low_col.number_input(
            "Score scale: lowest score",
            value=_unless_set(state.DATA_SCORE_MIN, float(start[0])),
            key=state.DATA_SCORE_MIN,
            persist_state="session",
            help="The lowest score the column can hold, e.g. 1 for a decile score.",
        )
        high = high_col.number_input(
            "Score scale: highest score",
            value=_unless_set(state.DATA_SCORE_MAX, float(start[1])),
            key=state.DATA_SCORE_MAX,
            persist_state="session",
            help="The highest score the column can hold, e.g. 10 for a decile score.",
        )
        if low is not None and high is not None:
            span = (float(low), float(high))
    directions = list(DIRECTIONS)
    chosen = st.radio(
        "Higher score means:",
        directions,
        index=_unless_set(state.DATA_SCORE_DIRECTION, 0 if current.higher_score_favourable else 1),
        format_func=DIRECTIONS.__getitem__,
        key=state.DATA_SCORE_DIRECTION,
        persist_state="session",
        horizontal=True,
    )
    higher_favourable = chosen != "unfavourable"
    if (span is not None and span[0] < span[1]) or (span is None and not outside):
        roles = ColumnRoles(
            target=current.target,
            protected=current.protected,
            source="score",
            score=score,
            threshold=float(threshold),
            score_range=span,
            higher_score_favourable=higher_favourable,
        )
        rescaled = (
            " The threshold slider works on the scores rescaled to 0–1, 1 the most favourable."
            if span is not None or not higher_favourable
            else ""
        )
        st.caption(f"With this threshold, {escape_markdown(describe_threshold(roles))}.{rescaled}")
    return span, higher_favourable


def _unless_set(key: str, default: _T) -> _T | None:
    """``default`` for a widget, or None once its key holds a value (as in roles.py)."""
    return None if key in st.session_state else default
