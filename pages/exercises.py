"""Workshop exercises: the current demo's questions, hints, the trainer key and a fresh start."""

from __future__ import annotations

import streamlit as st

from components.errors import render_error
from components.exercises import (
    PAGE_FILES,
    current_demo,
    demo_title,
    render_reset,
    render_trainee_sheet,
    render_trainer_key,
)
from components.router import ensure_routed
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.exercises import load_exercises

ensure_routed()

st.title("Workshop exercises")
st.caption(
    "Questions to answer with the app's pages, one set for each demo scenario. Each "
    "question names the page to use; hints are under it. The answers stay hidden until the "
    "trainer switches on the trainer key."
)

name = current_demo()
if name is None:
    st.info(
        "The exercises come with the demo scenarios, and your own data is loaded now. Choose "
        "a demo on the Data & model page (your current review stays saved under My reviews)."
    )
    st.page_link(
        PAGE_FILES["Data & model"], label="Go to Data & model", icon=":material/upload_file:"
    )
    st.stop()

try:
    exercises = load_exercises(name)
except FairnessCoreError as exc:
    render_error(exc)
    st.stop()

st.subheader(escape_markdown(f"{demo_title(name)}: {exercises.title}"))
st.markdown(escape_markdown(exercises.intro))
st.page_link(
    PAGE_FILES["Data & model"],
    label="Another demo? Choose it on Data & model.",
    icon=":material/swap_horiz:",
)
answers = render_trainer_key(exercises)
render_trainee_sheet(exercises)

for number, exercise in enumerate(exercises.exercises, start=1):
    with st.container(border=True, key=f"exercises.item.{exercise.id}"):
        st.markdown(f"**{number}. {escape_markdown(exercise.question)}**")
        st.page_link(
            PAGE_FILES[exercise.page],
            label=f"Answer it on: {exercise.page}",
            icon=":material/arrow_forward:",
        )
        for index, hint in enumerate(exercise.hints, start=1):
            with st.expander(f"Hint {index}" if len(exercise.hints) > 1 else "Hint"):
                st.markdown(escape_markdown(hint))
        if answers:
            st.success(f"**Answer:** {escape_markdown(exercise.answer)}", icon=":material/key:")

st.subheader("Start again")
st.caption(
    "Back to the scenario's start, for the next group or the next attempt. The current "
    "review is not deleted: it stays under My reviews."
)
render_reset(name)
