"""The Workshop exercises page's parts: the trainer key, the sheets, and "Reset this demo".

The trainer key shows the answers. It is kept for the session (the trainer can visit the
other pages and come back with the answers still showing) but is not a review choice: it
is never saved with a review, so reopening a review, a reload in a new session or a
duplicated review shared with a trainee always starts with the answers hidden.

"Reset this demo" returns the session to the scenario's start: the demo's data and model,
its column roles, every choice back to its default, and no findings, operating points,
cohorts or report analyses. The review in use is not touched: it stays saved under
"My reviews", and the fresh session becomes a new review once something changes.
"""

from __future__ import annotations

import streamlit as st

from components import cache, choices, review_session, state
from components.data_switch import has_work, work_summary
from components.demo import activate_demo
from fairness_core.escaping import escape_markdown
from fairness_core.exercises import EXERCISE_PAGES, ExerciseSet, build_exercise_sheet

#: The page file of each page an exercise can be answered on (titles as in app.py).
PAGE_FILES: dict[str, str] = {
    "Data & model": "pages/data.py",
    "Subgroups": "pages/subgroups.py",
    "Dataset check": "pages/dataset_audit.py",
    "Trade-offs": "pages/tradeoffs.py",
    "What-if": "pages/whatif.py",
    "Report": "pages/report.py",
}
assert set(PAGE_FILES) == set(EXERCISE_PAGES)  # noqa: S101 - a new page needs its file here

#: Session state that belongs to one session's work on the data but is not a choice.
_WORK_KEYS = (
    state.WHATIF_DATA,
    state.WHATIF_PROXY_DEFAULT,
    state.MITIGATION_RESULT,
    state.MITIGATION_TRAIN,
    state.MITIGATION_STOP_REQUESTED,
    state.REPORT_CREATED,
    state.REPORT_SUBGROUP_SETTINGS,
)


def current_demo() -> str | None:
    """The demo the session works on (None for the reviewer's own data)."""
    inputs = state.get_inputs()
    if inputs is None or not inputs.source.startswith("demo:"):
        return None
    return inputs.source.removeprefix("demo:")


def demo_title(name: str) -> str:
    """The demo's title as the demo picker shows it."""
    return next((d.title for d in cache.demos() if d.name == name), name)


def render_trainer_key(exercises: ExerciseSet) -> bool:
    """The trainer's panel (collapsed): the trainer key and, when on, the trainer sheet."""
    with st.expander("For the trainer", icon=":material/key:"):
        shown = st.toggle(
            "Trainer key: show the answers",
            value=False,
            key=state.EXERCISES_TRAINER_KEY,
            persist_state="session",
            help="Shows each question's answer on this page. It stays on while you visit "
            "other pages in this session, and is never saved with a review: a reopened "
            "review always starts with the answers hidden.",
        )
        if shown:
            st.caption(
                "The answers are showing. Switch the key off before trainees see this screen."
            )
            title = demo_title(exercises.demo)
            st.download_button(
                "Download the trainer sheet (with answers)",
                data=build_exercise_sheet(exercises, demo_title=title, with_answers=True),
                file_name=f"{exercises.demo}-exercises-trainer.html",
                mime="text/html",
                key=state.EXERCISES_TRAINER_SHEET,
                icon=":material/print:",
            )
        else:
            st.caption(
                "Switch the trainer key on to see the answers and download the trainer "
                "sheet. Trainees see questions and hints only."
            )
    return bool(shown)


def render_trainee_sheet(exercises: ExerciseSet) -> None:
    """The printable sheet for trainees: questions and hints, room for notes, no answers."""
    st.download_button(
        "Download the trainee sheet (no answers)",
        data=build_exercise_sheet(
            exercises, demo_title=demo_title(exercises.demo), with_answers=False
        ),
        file_name=f"{exercises.demo}-exercises.html",
        mime="text/html",
        key=state.EXERCISES_TRAINEE_SHEET,
        icon=":material/print:",
        help="A page to open in a browser and print (or save as PDF).",
    )


def reset_demo(name: str) -> None:
    """Start a fresh session on demo ``name`` (a button callback); the old review stays saved."""
    review_session.start_new_review(carry_findings=False)
    choices.clear_choices()
    for key in _WORK_KEYS:
        st.session_state.pop(key, None)
    # Forget the loaded data, so the demo's own roles are put back into every role widget
    # (state.set_inputs refills them only for data it has not seen).
    st.session_state.pop(state.DATASET, None)
    st.session_state[state.EXERCISES_TRAINER_KEY] = False
    st.session_state.pop(state.EXERCISES_ASKING_RESET, None)
    if activate_demo(name):
        st.session_state[state.EXERCISES_NOTICE] = (
            f"The {demo_title(name)} demo starts again from the beginning."
        )


def _ask() -> None:
    st.session_state[state.EXERCISES_ASKING_RESET] = True


def _cancel() -> None:
    st.session_state.pop(state.EXERCISES_ASKING_RESET, None)


def render_reset(name: str) -> None:
    """ "Reset this demo", asking first and saying what happens to the current review."""
    notice = st.session_state.pop(state.EXERCISES_NOTICE, None)
    if notice:
        st.success(escape_markdown(notice), icon=":material/restart_alt:")
    if not st.session_state.get(state.EXERCISES_ASKING_RESET):
        st.button(
            "Reset this demo",
            key=state.EXERCISES_RESET,
            on_click=_ask,
            icon=":material/restart_alt:",
            help="Back to the scenario's start: its data, default settings, no findings.",
        )
        return
    here = review_session.current()
    kept = (
        f'Your current review, "{escape_markdown(here.name)}", stays saved under **My '
        "reviews** in the sidebar; you can reopen it there."
        if here is not None
        else f"This session's work ({work_summary()}) has not been saved and will be discarded."
        if has_work()
        else "Nothing has been changed in this session yet, so there is nothing to keep."
    )
    st.warning(
        f"Resetting starts a fresh session on the {escape_markdown(demo_title(name))} demo: "
        "its data and model, its column roles, every setting back to its default, and no "
        f"findings, operating points or saved cohorts. {kept}"
    )
    left, right = st.columns(2)
    left.button(
        "Reset the demo",
        key=state.EXERCISES_RESET_CONFIRM,
        on_click=reset_demo,
        args=(name,),
        type="primary",
    )
    right.button("Cancel", key=state.EXERCISES_RESET_CANCEL, on_click=_cancel)
