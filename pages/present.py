"""Present: the review step by step for a meeting, full screen, with notes kept off it."""

from __future__ import annotations

import streamlit as st

from components import present_sync, review_session, state
from components.audit import require_audit
from components.errors import render_error
from components.present_steps import build_steps, current_review, step_index
from components.present_view import hide_chrome, render_speaker_notes, render_stage
from components.router import ensure_routed
from fairness_core.errors import FairnessCoreError

ensure_routed()

speaker = st.query_params.get("speaker") == "1"
if not speaker:
    hide_chrome()
inputs, audit = require_audit()
try:
    review = current_review(inputs, audit)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()
steps = build_steps(review)
present_sync.join()
index = step_index(steps, st.session_state.get(state.PRESENT_STEP))
step = steps[index]
st.session_state[state.PRESENT_STEP] = step.id


def render_navigation() -> None:
    """Previous, where we are, Next, Exit (and the speaker view's link on the shared screen)."""
    with st.container(key="present_nav", horizontal=True, vertical_alignment="center"):
        st.button(
            "Previous",
            key=state.PRESENT_PREVIOUS,
            icon=":material/arrow_back:",
            shortcut="Left",
            disabled=index == 0,
            on_click=present_sync.go_to,
            args=(steps[max(index - 1, 0)].id,),
        )
        st.markdown(f"{index + 1} of {len(steps)}")
        st.button(
            "Next",
            key=state.PRESENT_NEXT,
            icon=":material/arrow_forward:",
            shortcut="Right",
            type="primary",
            disabled=index == len(steps) - 1,
            on_click=present_sync.go_to,
            args=(steps[min(index + 1, len(steps) - 1)].id,),
        )
        if st.button("Exit", key=state.PRESENT_EXIT, icon=":material/close:", shortcut="Esc"):
            st.switch_page("pages/report.py")
        if not speaker:
            review_id = review_session.current_id()
            link = f"present?speaker=1&review={review_id}" if review_id else "present?speaker=1"
            st.markdown(
                f"[Speaker notes ↗]({link})",
                help="Opens the speaker view in a new window: your notes and the next step, "
                "following this screen. Keep it off the shared screen.",
            )


if speaker:  # the presenter's own screen: the buttons first, then the notes
    render_navigation()
    render_speaker_notes(step, steps[index + 1] if index + 1 < len(steps) else None)
else:
    render_stage(step, review)
    render_navigation()
present_sync.keep_following()
