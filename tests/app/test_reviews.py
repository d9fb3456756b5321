"""Saved reviews: a reload (a new session) reopens the review; nobody else can open it."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components import review_session, reviews_panel, state
from fairness_core.reviews import ReviewStore
from tests.app.conftest import go as _go
from tests.app.conftest import open_browser as _browser

APP = str(Path(__file__).resolve().parents[2] / "app.py")

PEOPLE = "person_id,sex,age_years,model_prob,hired\n" + "".join(
    f"{i},{'female' if i % 3 else 'male'},{20 + i % 45},{(i % 100) / 100:.2f},"
    f"{'yes' if (i * 7) % 10 < 4 else 'no'}\n"
    for i in range(300)
)


def _pin_finding(at: AppTest, note: str) -> None:
    at.text_area(key="subgroups.bar_chart.finding_note").set_value(note)
    at.button(key="subgroups.bar_chart.finding_add").click().run()
    assert not at.exception


def test_looking_at_the_demo_saves_nothing(database: Path) -> None:
    at = _browser("alice")
    _go(at, "pages/subgroups.py")
    assert review_session.REVIEW_ID not in at.session_state
    assert ReviewStore(database).list("alice") == []


def test_a_reload_reopens_choices_and_findings_and_others_cannot(database: Path) -> None:
    at = _browser("alice")
    _go(at, "pages/subgroups.py")
    at.multiselect(key=state.SUBGROUPS_ATTRIBUTES).set_value(["race"]).run()
    at.number_input(key=state.SUBGROUPS_MIN_N).set_value(40).run()
    _pin_finding(at, "Approval gap by race")
    _go(at, "pages/whatif.py")
    at.slider(key=state.WHATIF_FILTER_SCORE).set_value((0.2, 0.7)).run()
    review_id = at.session_state[review_session.REVIEW_ID]
    assert at.query_params["review"] in (review_id, [review_id])

    # A reload is a new session in the same browser: the address names the review.
    again = _browser("alice", review_id)
    assert [f.note for f in again.session_state[state.FINDINGS]] == ["Approval gap by race"]
    finding = again.session_state[state.FINDINGS][0]
    assert finding.data_name.startswith("Loan approval")
    assert finding.data_sha256[:8] in finding.data_name
    _go(again, "pages/subgroups.py")
    assert again.multiselect(key=state.SUBGROUPS_ATTRIBUTES).value == ["race"]
    assert again.number_input(key=state.SUBGROUPS_MIN_N).value == 40

    _go(again, "pages/whatif.py")  # a range comes back as a range (JSON has no tuples)
    assert tuple(again.slider(key=state.WHATIF_FILTER_SCORE).value) == (0.2, 0.7)

    # A server restart: the store is opened afresh from the same file.
    st.cache_resource.clear()
    restarted = _browser("alice", review_id)
    assert len(restarted.session_state[state.FINDINGS]) == 1

    # Another browser with the same address opens nothing and lists nothing.
    bob = _browser("bob", review_id)
    assert not bob.session_state[state.FINDINGS] if state.FINDINGS in bob.session_state else True
    assert review_session.REVIEW_ID not in bob.session_state
    assert any("belongs to someone else" in w.value for w in bob.warning)
    assert ReviewStore(database).list("bob") == []


def test_an_uploaded_file_is_kept_with_the_review(database: Path) -> None:
    at = _browser("alice")
    at.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    at.get("file_uploader")[0].set_value(("people.csv", PEOPLE.encode(), "text/csv"))
    at.run()
    at.multiselect(key=state.DATA_PROTECTED).set_value(["sex"]).run()
    review_id = at.session_state[review_session.REVIEW_ID]
    again = _browser("alice", review_id)
    assert again.session_state[state.DATASET].name == "people.csv"
    assert again.session_state[state.SOURCE] == "upload"
    assert list(again.session_state[state.ROLES].protected) == ["sex"]


def test_a_file_over_the_limit_is_asked_for_again_and_checked(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIRNESS_EXPLORER_REVIEWS_MAX_FILE_MB", "0.001")
    at = _browser("alice")
    at.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    at.get("file_uploader")[0].set_value(("people.csv", PEOPLE.encode(), "text/csv"))
    at.run()
    review_id = at.session_state[review_session.REVIEW_ID]

    again = _browser("alice", review_id)
    assert any(
        "people\\.csv" in w.value and "Upload the same file" in w.value for w in again.warning
    )
    assert state.DATASET not in again.session_state  # the demo was not loaded in its place
    again.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    other = PEOPLE.replace("\n1,", "\n1000,", 1).encode()
    again.get("file_uploader")[0].set_value(("people.csv", other, "text/csv"))
    again.run()
    assert any("is not the file this review was made with" in e.value for e in again.error)
    again.get("file_uploader")[0].set_value(("people.csv", PEOPLE.encode(), "text/csv"))
    again.run()
    assert not again.exception
    assert again.session_state[state.DATASET].name == "people.csv"
    assert again.session_state[review_session.REVIEW_ID] == review_id


def test_loading_other_data_asks_and_keeps_the_old_review(database: Path) -> None:
    at = _browser("alice")
    _go(at, "pages/subgroups.py")
    _pin_finding(at, "Loan finding")
    first = at.session_state[review_session.REVIEW_ID]
    _go(at, "pages/data.py")
    at.selectbox(key=state.DATA_DEMO).set_value("resume").run()
    assert at.session_state[state.SOURCE] == "demo:loan"  # nothing replaced yet
    assert any("Using the demo starts a new review" in w.value for w in at.warning)
    at.button(key="data.carry_to_demo").click().run()
    assert at.session_state[state.SOURCE] == "demo:resume"
    assert [f.note for f in at.session_state[state.FINDINGS]] == ["Loan finding"]
    second = at.session_state[review_session.REVIEW_ID]
    assert second != first
    stored = ReviewStore(database)
    assert {r.id for r in stored.list("alice")} == {first, second}
    assert stored.load("alice", first).content["source"]["name"] == "loan"


def test_my_reviews_renames_duplicates_opens_and_deletes(database: Path) -> None:
    at = _browser("alice")
    _go(at, "pages/subgroups.py")
    _pin_finding(at, "First review's finding")
    first = at.session_state[review_session.REVIEW_ID]
    at.text_input(key=reviews_panel.RENAME).set_value("Loan review for the board").run()
    at.button(key="reviews.rename_go").click().run()
    stored = ReviewStore(database)
    assert stored.load("alice", first).name == "Loan review for the board"

    at.button(key="reviews.dup").click().run()
    copy = at.session_state[review_session.REVIEW_ID]
    assert copy != first
    assert [f.note for f in at.session_state[state.FINDINGS]] == ["First review's finding"]

    at.button(key=f"reviews.open.{first}").click().run()
    assert at.session_state[review_session.REVIEW_ID] == first
    at.checkbox(key=reviews_panel.CONFIRM_DELETE).check().run()
    at.button(key="reviews.delete").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [r.id for r in stored.list("alice")] == [copy]
    assert review_session.REVIEW_ID not in at.session_state


def test_a_shared_workspace_lets_a_colleague_open_the_review(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIRNESS_EXPLORER_SHARED_REVIEWS", "1")
    at = _browser("alice")
    _go(at, "pages/subgroups.py")
    _pin_finding(at, "For the team")
    review_id = at.session_state[review_session.REVIEW_ID]
    colleague = _browser("bob", review_id)
    assert [f.note for f in colleague.session_state[state.FINDINGS]] == ["For the team"]


def test_a_damaged_review_is_refused_with_a_message(database: Path) -> None:
    stored = ReviewStore(database)
    document = {
        "format": 1,
        "source": {"kind": "demo", "name": "loan"},
        "roles": {"__type__": "os.system"},  # not a class a review may hold
    }
    bad = stored.create("alice", "Damaged", document)
    at = _browser("alice", bad.id)
    assert any("could not be opened" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state[state.SOURCE] == "demo:loan"  # the session keeps working
