"""Putting a demo scenario into the session: its test data, its model and its roles."""

from __future__ import annotations

import streamlit as st

from components import cache, state
from fairness_core.data import Dataset
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown

#: The demo a first visit starts with.
DEFAULT_DEMO = "loan"


def activate_demo(name: str) -> bool:
    """Load demo ``name`` into this session; True when its data is now the session's data.

    Problems become notices shown at the top of the Data & model page: a model that fails to
    load is reported and skipped; data that fails to load leaves the session unchanged.
    """
    demo = next(d for d in cache.demos() if d.name == name)
    try:
        dataset = cache.demo_dataset(name)
    except FairnessCoreError as exc:
        state.push_notice("error", escape_markdown(str(exc)))
        return False
    try:
        model = cache.demo_model(name)
    except FairnessCoreError as exc:
        state.push_notice("warning", escape_markdown(str(exc)))
        model = None
    state.set_inputs(dataset, model, demo.roles, f"demo:{name}")
    return True


def data_label(source: str, dataset: Dataset) -> str:
    """A name that tells two demos' ``test.csv`` apart: scenario (or file) and hash."""
    short = dataset.sha256[:8]
    if source.startswith("demo:"):
        name = source.removeprefix("demo:")
        title = next((d.title for d in cache.demos() if d.name == name), name)
        return f"{title} demo ({dataset.name}, {short})"
    return f"{dataset.name} ({short})"


# Keys of this module's own session state and widgets (the Data & model page's demo switch).
PREVIOUS_UPLOAD = "data.previous_upload"
CONFIRM_DEMO = "data.confirm_demo"
RESTORE_UPLOAD = "data.restore_upload"


def stash_upload(review_id: str | None) -> None:
    """Keep the session's uploaded data, model and roles so the reviewer can go back to them.

    ``review_id`` is the saved review they belong to (None when it was not saved): going
    back reopens it, with its findings.
    """
    inputs = state.get_inputs()
    if inputs is not None and inputs.source == "upload":
        st.session_state[PREVIOUS_UPLOAD] = (inputs.dataset, inputs.model, inputs.roles, review_id)


def stashed_review() -> str | None:
    """The saved review the kept upload belongs to, if it was saved."""
    kept = st.session_state.get(PREVIOUS_UPLOAD)
    return None if kept is None else kept[3]


def stashed_upload_name() -> str | None:
    """The file name of the upload kept by :func:`stash_upload`, if any."""
    kept = st.session_state.get(PREVIOUS_UPLOAD)
    return None if kept is None else str(kept[0].name)


def restore_upload() -> None:
    """Put the kept upload back as the session's data, with the roles it had."""
    dataset, model, roles, _ = st.session_state.pop(PREVIOUS_UPLOAD)
    state.set_inputs(dataset, model, roles, "upload")
