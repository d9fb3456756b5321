"""The Data & model page on hostile or careless input: messages, never crashes or silent loss."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components import state
from components.demo import CONFIRM_DEMO, RESTORE_UPLOAD

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "data" / "bad_inputs"

PEOPLE = "person_id,sex,age_years,model_prob,hired\n" + "".join(
    f"{i},{'female' if i % 3 else 'male'},{20 + i % 45},{(i % 100) / 100:.2f},"
    f"{'yes' if (i * 7) % 10 < 4 else 'no'}\n"
    for i in range(300)
)


def _upload(app: AppTest, name: str, payload: bytes) -> None:
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    app.get("file_uploader")[0].set_value((name, payload, "application/octet-stream"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def test_nested_column_chosen_as_a_role_is_refused_with_a_message(app: AppTest) -> None:
    """A Parquet list column is not suggested; choosing it as a group gives the message."""
    _upload(app, "nested.parquet", (CORPUS / "nested_columns.parquet").read_bytes())
    assert app.multiselect(key=state.DATA_PROTECTED).value == ["gender"]
    app.multiselect(key=state.DATA_PROTECTED).set_value(["gender", "tags"]).run()
    assert not app.exception
    assert any(
        "Column \\'tags\\' holds lists or records \\(a nested Parquet column\\)" in e.value
        for e in app.error
    ), [e.value for e in app.error]


def test_groups_differing_by_invisible_characters_are_flagged(app: AppTest) -> None:
    """'male' and 'ma<zero-width space>le' are named in a warning, with the code visible."""
    _upload(app, "groups.csv", (CORPUS / "invisible_groups.csv").read_bytes())
    warnings = [w.value for w in app.warning]
    assert any("look the same but differ by invisible characters" in w for w in warnings)
    assert any("\\\\u200b" in w for w in warnings), warnings
    assert not any("\u200b" in w or "\u202e" in w for w in warnings)


def test_corrected_upload_with_the_same_columns_keeps_the_roles(app: AppTest) -> None:
    """Uploading a fixed version of the same table keeps the groups the reviewer chose."""
    _upload(app, "people.csv", PEOPLE.encode())
    app.multiselect(key=state.DATA_PROTECTED).set_value(["sex"]).run()
    corrected = PEOPLE.replace("\n1,", "\n1000,", 1).encode()
    app.get("file_uploader")[0].set_value(("people_fixed.csv", corrected, "text/csv"))
    app.run()
    assert not app.exception
    assert app.session_state[state.DATASET].name == "people_fixed.csv"
    assert app.multiselect(key=state.DATA_PROTECTED).value == ["sex"]


def test_demo_after_an_upload_asks_first_and_the_upload_comes_back(app: AppTest) -> None:
    """Choosing the demo keeps the upload until confirmed; the upload can be restored."""
    _upload(app, "people.csv", PEOPLE.encode())
    app.radio(key=state.DATA_ORIGIN).set_value("A demo scenario").run()
    assert app.session_state[state.SOURCE] == "upload"
    assert any("Using the demo starts a new review" in w.value for w in app.warning)
    app.button(key=CONFIRM_DEMO).click().run()
    assert app.session_state[state.SOURCE].startswith("demo:")
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    app.button(key=RESTORE_UPLOAD).click().run()
    assert not app.exception
    assert app.session_state[state.SOURCE] == "upload"
    assert app.session_state[state.DATASET].name == "people.csv"


def test_uploaded_model_scores_through_the_worker(app: AppTest) -> None:
    """An uploaded model is loaded in the worker process and scores the data on the page."""
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    payload = (CORPUS.parents[2] / "demo_data" / "loan" / "model.skops").read_bytes()
    app.get("file_uploader")[1].set_value(("loan.skops", payload, "application/octet-stream"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    model = app.session_state[state.MODEL]
    assert model.name == "loan.skops"
    assert type(model._runner).__name__ == "_WorkerRunner"
    app.radio(key=state.DATA_SOURCE).set_value("model").run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert app.success[-1].value.startswith("Ready to audit")
