"""After the reviewer stops an uploaded model, the page says so and offers to try again.

A click on Stop during a run cannot be made in AppTest (it waits for each run to end); the
real click is tested in tests/e2e/test_stop_in_browser.py. Here the click's record is set as its
callback sets it, and the run after it is checked.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components import state
from components.keyed_cache import content_key
from components.model_stop import RETRY_BUTTON, STOPPED, call_marker

MODEL = Path(__file__).resolve().parents[2] / "demo_data" / "loan" / "model.skops"


def _upload_model(app: AppTest, name: str, payload: bytes) -> None:
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    app.get("file_uploader")[1].set_value((name, payload, "application/octet-stream"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def test_stopped_scoring_says_nothing_changed_and_retries(app: AppTest) -> None:
    """The run after Stop shows the message and no result; the retry button scores again."""
    _upload_model(app, "loan.skops", MODEL.read_bytes())
    app.radio(key=state.DATA_SOURCE).set_value("model").run()
    assert app.success[-1].value.startswith("Ready to audit")
    inputs = (app.session_state[state.DATASET], app.session_state[state.ROLES])
    marker = call_marker(content_key((*inputs, app.session_state[state.MODEL])))
    app.session_state[STOPPED] = ("score", marker)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert [i.value for i in app.info if "You stopped the model" in i.value] == [
        "You stopped the model. Nothing was changed; press **Score with the model again** to "
        "try again, or choose other roles or another model."
    ]
    assert not any(s.value.startswith("Ready to audit") for s in app.success)
    app.button(key=RETRY_BUTTON).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert STOPPED not in app.session_state
    assert app.success[-1].value.startswith("Ready to audit")


def test_a_stop_recorded_for_other_inputs_is_forgotten(app: AppTest) -> None:
    """A stop of another call (roles changed since) neither blocks nor shows a message."""
    _upload_model(app, "loan.skops", MODEL.read_bytes())
    app.session_state[STOPPED] = ("score", "not-this-call")
    app.radio(key=state.DATA_SOURCE).set_value("model").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.success[-1].value.startswith("Ready to audit")
    assert STOPPED not in app.session_state


def test_stopped_load_is_reported_and_the_model_is_not_kept(app: AppTest) -> None:
    """The run after Stop during a load refuses that upload with the plain message."""
    payload = MODEL.read_bytes()
    app.radio(key=state.DATA_ORIGIN).set_value("My own files").run()
    app.session_state[STOPPED] = ("load", call_marker(payload, "stopped.skops"))
    app.get("file_uploader")[1].set_value(("stopped.skops", payload, "application/octet-stream"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(
        "You stopped the model \\'stopped\\.skops\\' while it was loading\\. Nothing was "
        "changed" in e.value
        for e in app.error
    ), [e.value for e in app.error]
    model = app.session_state[state.MODEL]
    assert model is None or model.name != "stopped.skops"
    assert STOPPED not in app.session_state
