"""Present mode in two windows: the shared screen and the speaker view follow the same step.

A presenter shares one window (the audience screen: no notes) and keeps the speaker view
(``?speaker=1``: the notes, what comes next) in a second window of the same browser. Two
windows are two Streamlit sessions, so the step cannot live in session state alone: each
step change is published on a small channel on the server, and each window polls it once a
second (a fragment) and follows.

The channel is keyed by this browser's owner id (a hash of its secret cookie,
components/identity.py) and the review's id, so only the same reviewer's windows on the
same review share it: another browser cannot name it. It holds a step id and a version
number per key, nothing else. This is deliberately state shared across sessions (one
reviewer's two windows), kept in ``st.cache_resource``; Streamlit offers no other way
for two sessions to talk, and nothing personal is in it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

from components import review_session, state
from components.identity import known_owner

#: Channels kept at most (one per reviewer and review presented since the server started);
#: the oldest is forgotten first.
MAX_CHANNELS = 1_000
#: How often a window checks whether the other one moved, in seconds.
POLL_SECONDS = 1.0


class _Channels:
    """Step id and version per channel key, safe to use from several sessions' threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._steps: OrderedDict[str, tuple[str, int]] = OrderedDict()

    def publish(self, key: str, step_id: str) -> int:
        with self._lock:
            version = self._steps.get(key, ("", 0))[1] + 1
            self._steps[key] = (step_id, version)
            self._steps.move_to_end(key)
            while len(self._steps) > MAX_CHANNELS:
                self._steps.popitem(last=False)
            return version

    def read(self, key: str) -> tuple[str, int] | None:
        with self._lock:
            return self._steps.get(key)


@st.cache_resource(show_spinner=False)
def _channels() -> _Channels:
    return _Channels()


def channel_key() -> str | None:
    """The channel of this reviewer's review (None before the browser has an owner id)."""
    owner = known_owner()
    if owner is None:
        return None
    return f"{owner}:{review_session.current_id() or ''}"


def go_to(step_id: str) -> None:
    """Show ``step_id`` in this window and tell the other window (a button callback)."""
    st.session_state[state.PRESENT_STEP] = step_id
    key = channel_key()
    if key is not None:
        st.session_state[state.PRESENT_SEEN] = _channels().publish(key, step_id)


def follow() -> bool:
    """Take the step the other window moved to; True when this window must redraw."""
    key = channel_key()
    shared = _channels().read(key) if key is not None else None
    if shared is None or shared[1] == st.session_state.get(state.PRESENT_SEEN):
        return False
    st.session_state[state.PRESENT_SEEN] = shared[1]
    if shared[0] == st.session_state.get(state.PRESENT_STEP):
        return False
    st.session_state[state.PRESENT_STEP] = shared[0]
    return True


def join() -> None:
    """On opening: take the step the other window shows, else announce this window's step."""
    key = channel_key()
    if key is None or follow():
        return
    if _channels().read(key) is None and state.PRESENT_STEP in st.session_state:
        go_to(str(st.session_state[state.PRESENT_STEP]))


@st.fragment(run_every=POLL_SECONDS)
def _poll() -> None:
    if follow():
        st.rerun(scope="app")


def keep_following() -> None:
    """Poll the channel while this page shows (nothing is drawn; needs an owner id)."""
    if channel_key() is not None:
        _poll()
