"""The mitigation panel, driven through a tiny throwaway script (the page comes later)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from fairness_core.tradeoffs import MITIGATION_LABELS

# fairlearn 0.15 under pandas 3 (see tests/core/test_mitigation.py).
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

TRAIN_CSV = Path(__file__).resolve().parents[2] / "demo_data" / "loan" / "train.csv"


def _panel_script() -> None:
    """Load a session like app.py does, then draw the panel for race and demographic parity."""
    import streamlit as st

    from components import cache, state
    from components.demo import activate_demo
    from components.mitigation_panel import render_mitigation_panel
    from fairness_core.data import get_demo

    if state.get_inputs() is None:
        activate_demo("loan")
    mode = st.session_state.get("test.mode", "demo")
    inputs = state.get_inputs()
    if mode == "onnx":
        state.set_model(get_demo("loan").load_model(onnx=True))
    elif mode == "upload" and inputs.source != "upload":
        state.set_inputs(inputs.dataset, inputs.model, inputs.roles, "upload")
    inputs = state.get_inputs()
    _, audit = cache.validate(inputs)
    st.session_state["test.points"] = render_mitigation_panel(
        inputs, audit, "race", "demographic_parity"
    )


def _panel(mode: str = "demo") -> AppTest:
    at = AppTest.from_function(_panel_script, default_timeout=60)
    at.session_state["test.mode"] = mode
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run_small(at: AppTest) -> AppTest:
    """Reweighing only, on 1,000 training rows, then press Run."""
    at.multiselect(key=state.MITIGATION_CHOSEN_METHODS).set_value(["reweighing"]).run()
    at.number_input(key=state.MITIGATION_MAX_ROWS).set_value(1_000).run()
    at.button(key=state.MITIGATION_RUN).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_panel_explains_and_waits_for_run() -> None:
    """Before a run: pre-/in-processing are explained, the demo's training split is used."""
    at = _panel()
    text = " ".join(m.value for m in at.markdown)
    assert "Pre-processing" in text
    assert "In-processing" in text
    assert "retrains the model on the training data" in text
    assert any("8,000 rows" in c.value for c in at.caption)
    assert at.session_state["test.points"] is None
    assert not at.error


def test_run_shows_the_points_and_returns_them_for_the_chart() -> None:
    """A run fills the table (original + reweighing) and returns the points frame."""
    at = _run_small(_panel())
    points = at.session_state["test.points"]
    assert list(points.columns[:5]) == [
        "label",
        "kind",
        "accuracy",
        "balanced_accuracy",
        "disparity",
    ]
    assert list(points["label"]) == [MITIGATION_LABELS["original"], MITIGATION_LABELS["reweighing"]]
    table = at.dataframe[0].value
    assert list(table["label"]) == list(points["label"])
    assert any("changes the gap between groups of race" in c.value for c in at.caption)
    # The result stays on screen after an unrelated rerun (no second click).
    at.run()
    assert at.session_state["test.points"] is not None
    # Changing a setting hides the old result until Run is pressed again.
    at.number_input(key=state.MITIGATION_MAX_ROWS).set_value(1_500).run()
    assert at.session_state["test.points"] is None
    # Back to the first settings: Run is answered from the cache (its progress bar replayed).
    at.number_input(key=state.MITIGATION_MAX_ROWS).set_value(1_000).run()
    at.button(key=state.MITIGATION_RUN).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["test.points"].equals(points)


def test_stop_records_the_request_and_says_so() -> None:
    """Pressing Stop sets the stop flag; the panel says the run was stopped."""
    at = _panel()
    at.button(key=state.MITIGATION_STOP).click().run()
    assert at.session_state[state.MITIGATION_STOP_REQUESTED] is True
    assert any("stopped before it finished" in i.value for i in at.info)


def test_an_onnx_model_gets_the_plain_message() -> None:
    """With the ONNX model loaded, the panel says skops and training data are needed."""
    at = _panel("onnx")
    errors = " ".join(e.value for e in at.error)
    assert "cannot be retrained" in errors
    assert "skops" in errors
    assert at.session_state["test.points"] is None


def test_uploaded_data_asks_for_training_data_then_uses_it() -> None:
    """Without a demo, the panel asks for training data; an upload makes Run work."""
    at = _panel("upload")
    assert any("needs the training data" in i.value for i in at.info)
    at.get("file_uploader")[0].set_value(("train.csv", TRAIN_CSV.read_bytes(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("8,000 rows and 11 columns" in c.value for c in at.caption)
    _run_small(at)
    assert len(at.session_state["test.points"]) == 2


def test_a_retrained_model_can_be_recorded_as_an_option() -> None:
    """After a run, "Record this model as an option" adds it with its name and rationale."""
    at = _run_small(_panel())
    at.text_area(key="mitigation.record_rationale").input("Retraining closes the gap.")
    next(b for b in at.button if b.label == "Record this model as an option").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (record,) = at.session_state[state.OPERATING_POINTS]
    assert record.title == "Option A: retrained model"
    assert record.strategy == "mitigation"
    assert record.settings["model"] == MITIGATION_LABELS["reweighing"]
    assert record.rationale == "Retraining closes the gap."
    points = at.session_state["test.points"].set_index("label")
    accuracy = record.overall.set_index("measure").at["accuracy", "chosen"]
    assert accuracy == points.at[MITIGATION_LABELS["reweighing"], "accuracy"]
