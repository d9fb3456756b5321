"""Stopping an uploaded model while it loads or scores: a Stop button, a caption, a message.

Uploaded models load and score in a worker process (``fairness_core.models``). While the
app waits for it, :func:`stoppable` shows "Scoring with the model… 3 s — press Stop to
cancel" (updated about every 0.25 s through :func:`fairness_core.models.watch_model`) under
a **Stop the model** button.

How a click stops it: Streamlit handles a click during a run by ending the running script
at its next screen update — here the caption's next update, inside the worker's wait loop.
The worker sees its watcher raise and kills the model's process before the run ends, so the
model stops at once and nothing is cached. The click's callback records what was stopped
(:data:`STOPPED`), and the rerun that follows says so instead of starting the model again:
"You stopped the model. Nothing was changed; …".

Why the button is drawn before the call and removed after it, rather than only once the
wait has lasted: the wait runs inside a cached call, whose drawing Streamlit records and
replays, and a widget there is refused. So on a cache hit the button is drawn and removed
in the same run; the caption, drawn inside the call, replays as drawn-then-removed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitDuplicateElementId, StreamlitDuplicateElementKey

from fairness_core.errors import FairnessCoreError
from fairness_core.models import watch_model

__all__ = [
    "RETRY_BUTTON",
    "STOPPED",
    "STOP_BUTTON",
    "ModelStoppedError",
    "call_marker",
    "stoppable",
]

Action = Literal["load", "score"]

#: Session-state key: ``(action, marker)`` of the model call the reviewer stopped.
STOPPED = "models.stopped"
#: Widget keys (one Stop button per action; the retry button after a stopped scoring).
STOP_BUTTON = "models.stop"
RETRY_BUTTON = "models.retry"

_VERB = {"load": "Loading the model", "score": "Scoring with the model"}
SCORE_STOPPED = (
    "You stopped the model. Nothing was changed; press **Score with the model again** to "
    "try again, or choose other roles or another model."
)


class ModelStoppedError(FairnessCoreError):
    """The reviewer stopped a model while it was loading."""


def call_marker(*parts: bytes | str) -> str:
    """A short fingerprint of what a model call works on (file bytes, names, keys)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def _request_stop(action: Action, marker: str) -> None:
    """The Stop button's callback: runs at the start of the rerun the click causes."""
    st.session_state[STOPPED] = (action, marker)


@contextmanager
def stoppable(action: Action, marker: str, *, name: str) -> Iterator[None]:
    """Let the reviewer stop the model call made inside this block.

    ``marker`` (:func:`call_marker`) identifies the call, so a stop is reported only for the
    call that was stopped. After a stopped load this raises :class:`ModelStoppedError`;
    after a stopped scoring it shows the message and a retry button and stops the page.
    """
    stopped = st.session_state.get(STOPPED)
    if stopped is not None and stopped[0] == action:
        if stopped[1] == marker:
            _report_stop(action, name)  # raises, or stops the page
        del st.session_state[STOPPED]  # stopped for other inputs, which changed since
    slot = st.empty()
    # A second call in one run finds the key taken: the first call computed (and cached) it.
    with suppress(StreamlitDuplicateElementId, StreamlitDuplicateElementKey):
        slot.button(
            "Stop the model",
            key=f"{STOP_BUTTON}.{action}",
            icon=":material/stop_circle:",
            on_click=_request_stop,
            args=(action, marker),
            help="Stops the model now. Nothing is changed.",
        )
    captions: list[DeltaGenerator] = []

    def on_wait(seconds: float) -> None:
        if not captions:
            captions.append(st.empty())
        captions[0].caption(f"{_VERB[action]}… {seconds:.0f} s — press Stop to cancel.")

    def on_done() -> None:
        if captions:
            captions.pop().empty()

    try:
        with watch_model(on_wait, on_done):
            yield
    finally:
        slot.empty()


def _report_stop(action: Action, name: str) -> None:
    if action == "load":
        del st.session_state[STOPPED]
        raise ModelStoppedError(
            f"You stopped the model '{name}' while it was loading. Nothing was changed; to "
            "try again, remove the model file (×) and upload it again."
        )
    st.info(SCORE_STOPPED, icon=":material/stop_circle:")
    if st.button("Score with the model again", key=RETRY_BUTTON, type="primary"):
        del st.session_state[STOPPED]
        st.rerun()
    st.stop()
