"""Workshop exercises: questions and hints for the demo, answers only behind the trainer key,
and "Reset this demo" back to the scenario's start with the old review kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from components import review_session, state
from components.exercises import PAGE_FILES
from fairness_core.escaping import escape_markdown
from fairness_core.exercises import load_exercises
from fairness_core.reviews import ReviewStore
from tests.app.conftest import go as _go
from tests.app.conftest import open_browser as _browser

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/exercises.py"


def _texts(node: Any) -> Iterator[str]:
    """Every text the page shows: element values, labels, and the blocks' labels."""
    for attribute in ("value", "label", "body"):
        value = getattr(node, attribute, None)
        if isinstance(value, str):
            yield value
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from _texts(child)


def _page_text(at: AppTest) -> str:
    return "\n".join([*_texts(at.main), *_texts(at.sidebar)])


def test_questions_and_hints_show_and_no_answer_until_the_trainer_key_is_on(app: AppTest) -> None:
    _go(app, PAGE)
    exercises = load_exercises("loan").exercises
    text = _page_text(app)
    for exercise in exercises:
        assert escape_markdown(exercise.question) in text
        assert all(escape_markdown(hint) in text for hint in exercise.hints)
        assert escape_markdown(exercise.answer) not in text
    assert "Black" not in text  # the group the first questions ask for
    assert "Answer:" not in text
    assert app.toggle(key=state.EXERCISES_TRAINER_KEY).value is False

    app.toggle(key=state.EXERCISES_TRAINER_KEY).set_value(True).run()
    assert not app.exception
    shown = [s.value for s in app.success]
    assert len(shown) == len(exercises)
    for exercise, value in zip(exercises, shown, strict=True):
        assert escape_markdown(exercise.answer) in value

    # The key stays on across pages in this session.
    _go(app, "pages/subgroups.py")
    _go(app, PAGE)
    assert len(app.success) == len(exercises)


def test_another_demo_shows_its_own_exercises(app: AppTest) -> None:
    app.selectbox(key=state.DATA_DEMO).set_value("credit").run()
    _go(app, PAGE)
    text = _page_text(app)
    for exercise in load_exercises("credit").exercises:
        assert escape_markdown(exercise.question) in text
    assert escape_markdown(load_exercises("loan").exercises[0].question) not in text


def test_own_data_says_the_exercises_come_with_the_demos(app: AppTest) -> None:
    app.session_state[state.SOURCE] = "upload"
    _go(app, PAGE)
    assert any("come with the demo scenarios" in i.value for i in app.info)
    # No trainer key, no answers (the sidebar's "Hide individuals' rows" is another toggle).
    assert not [t for t in app.toggle if t.key == state.EXERCISES_TRAINER_KEY]


def test_the_trainer_key_is_never_saved_with_the_review(database: Path) -> None:
    at = _browser("trainer")
    _go(at, PAGE)
    at.toggle(key=state.EXERCISES_TRAINER_KEY).set_value(True).run()
    _go(at, "pages/subgroups.py")
    at.number_input(key=state.SUBGROUPS_MIN_N).set_value(40).run()  # makes a review
    review_id = at.session_state[review_session.REVIEW_ID]
    saved = ReviewStore(database).load("trainer", review_id).content
    assert state.SUBGROUPS_MIN_N in saved["choices"]
    assert not [key for key in saved["choices"] if key.startswith("exercises.")]

    again = _browser("trainer", review_id)  # a reload: a new session reopens the review
    _go(again, PAGE)
    assert again.toggle(key=state.EXERCISES_TRAINER_KEY).value is False
    assert not again.success


def test_reset_restores_the_demo_start_and_keeps_the_old_review(database: Path) -> None:
    at = _browser("alice")
    at.slider(key=state.DATA_THRESHOLD).set_value(0.6).run()
    _go(at, "pages/subgroups.py")
    default_attributes = at.multiselect(key=state.SUBGROUPS_ATTRIBUTES).value
    at.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["race"]).run()
    at.number_input(key=state.SUBGROUPS_MIN_N).set_value(40).run()
    at.text_area(key="subgroups.bar_chart.finding_note").set_value("Approval gap by race")
    at.button(key="subgroups.bar_chart.finding_add").click().run()
    assert not at.exception
    old_id = at.session_state[review_session.REVIEW_ID]
    _go(at, PAGE)
    at.toggle(key=state.EXERCISES_TRAINER_KEY).set_value(True).run()

    at.button(key=state.EXERCISES_RESET).click().run()
    assert any("stays saved under **My reviews**" in w.value for w in at.warning)
    assert at.session_state[state.FINDINGS]  # nothing is changed before the answer
    at.button(key=state.EXERCISES_RESET_CANCEL).click().run()
    assert not at.warning
    assert at.session_state[state.FINDINGS]
    assert at.session_state[review_session.REVIEW_ID] == old_id

    at.button(key=state.EXERCISES_RESET).click().run()
    at.button(key=state.EXERCISES_RESET_CONFIRM).click().run()
    assert not at.exception, [e.value for e in at.exception]

    assert any("starts again" in s.value for s in at.success)
    assert at.toggle(key=state.EXERCISES_TRAINER_KEY).value is False
    assert at.session_state[state.FINDINGS] == []
    assert at.session_state[state.OPERATING_POINTS] == []
    assert review_session.REVIEW_ID not in at.session_state
    assert at.session_state[state.SOURCE] == "demo:loan"
    assert at.session_state[state.ROLES].threshold == 0.5
    _go(at, "pages/subgroups.py")
    assert at.multiselect(key=state.SUBGROUPS_ATTRIBUTES).value == default_attributes
    assert at.number_input(key=state.SUBGROUPS_MIN_N).value == 30
    _go(at, "pages/data.py")
    assert at.slider(key=state.DATA_THRESHOLD).value == 0.5
    assert review_session.REVIEW_ID not in at.session_state  # looking saves nothing

    store = ReviewStore(database)
    assert [r.id for r in store.list("alice")] == [old_id]
    old = store.load("alice", old_id).content
    assert [f["note"] for f in old["findings"]] == ["Approval gap by race"]
    assert old["choices"][state.DATA_THRESHOLD] == 0.6


def test_every_exercise_page_is_a_page_of_the_app_under_that_title() -> None:
    """An exercise says "Answer it on: Trade-offs": that page exists with that title."""
    router = Path(APP).read_text(encoding="utf-8")
    root = Path(APP).parent
    for title, file in PAGE_FILES.items():
        assert (root / file).is_file()
        assert f'"{file}"' in router
        assert f'title="{title}"' in router


def test_reset_says_so_when_the_work_was_never_saved(app: AppTest) -> None:
    """Before this browser has answered (no owner), nothing is saved: the question says so."""
    _go(app, "pages/subgroups.py")
    app.text_area(key="subgroups.bar_chart.finding_note").set_value("Gap")
    app.button(key="subgroups.bar_chart.finding_add").click().run()
    _go(app, PAGE)
    app.button(key=state.EXERCISES_RESET).click().run()
    assert any("(1 finding) has not been saved" in w.value for w in app.warning)
