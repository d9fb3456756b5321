"""Loading other data without losing the review: ask, then start a new review or carry over.

A review is one dataset (and model). When the reviewer loads other data while the review
holds work (findings, operating points, cohorts), the Data & model page asks: start a new
review with the new data (the current one stays saved), carry the findings over to the new
review (each finding names the data it came from, so the report keeps them in their own
section), or keep the current data.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components import review_session, state
from components.demo import DEFAULT_DEMO, activate_demo
from fairness_core.data import ColumnRoles, Dataset, suggest_roles
from fairness_core.escaping import escape_markdown

PENDING_UPLOAD = "data.pending_upload"
CARRY_TO_DEMO = "data.carry_to_demo"
NEW_WITH_UPLOAD = "data.new_with_upload"
CARRY_TO_UPLOAD = "data.carry_to_upload"
KEEP_CURRENT = "data.keep_current"
ABANDON_WAITING = "data.abandon_waiting"


def has_work() -> bool:
    """True when the session's review holds something a data switch must not drop."""
    return bool(state.get_findings() or state.get_operating_points() or state.get_cohorts())


def work_summary() -> str:
    """ "3 findings and 1 operating point", for the question."""
    parts = []
    for count, word in (
        (len(state.get_findings()), "finding"),
        (len(state.get_operating_points()), "operating point"),
        (len(state.get_cohorts()), "saved cohort"),
    ):
        if count:
            parts.append(f"{count} {word}{'' if count == 1 else 's'}")
    return " and ".join(parts) if parts else "no findings yet"


@dataclass(frozen=True)
class _Upload:
    dataset: Dataset
    payload: bytes
    roles: ColumnRoles


def offer_upload(dataset: Dataset, payload: bytes) -> None:
    """A new data file was read: load it now, or ask first when the review holds work."""
    inputs = state.get_inputs()
    same_columns = (
        inputs is not None
        and inputs.source == "upload"
        and list(inputs.dataset.frame.columns) == list(dataset.frame.columns)
    )
    # A corrected file with the same columns keeps the roles the reviewer chose.
    roles = inputs.roles if same_columns and inputs is not None else None
    upload = _Upload(dataset, payload, roles or suggest_roles(dataset.frame).to_roles())
    if has_work():
        st.session_state[PENDING_UPLOAD] = upload
        return
    _load(upload, carry=False)


def _load(upload: _Upload, *, carry: bool) -> None:
    inputs = state.get_inputs()
    model = inputs.model if inputs is not None and inputs.source == "upload" else None
    if model is None:
        review_session.forget_model_upload()
    review_session.start_new_review(carry_findings=carry)
    state.set_inputs(upload.dataset, model, upload.roles, "upload")
    review_session.remember_upload(
        "data", upload.dataset.name, upload.payload, upload.dataset.sha256
    )
    st.session_state.pop(PENDING_UPLOAD, None)
    state.push_notice("success", escape_markdown(upload.dataset.describe()))


def _drop_pending() -> None:
    st.session_state.pop(PENDING_UPLOAD, None)


def render_pending_upload() -> None:
    """The question about an upload waiting for the reviewer's answer (if any)."""
    upload: _Upload | None = st.session_state.get(PENDING_UPLOAD)
    if upload is None:
        return
    st.warning(
        escape_markdown(
            f"You uploaded {upload.dataset.name}. Your current review has {work_summary()}. "
            "Loading this file starts a new review; the current one stays saved under "
            '"My reviews" in the sidebar.'
        )
    )
    new, carry, keep = st.columns(3)
    if new.button("Start a new review with this file", key=NEW_WITH_UPLOAD, type="primary"):
        _load(upload, carry=False)
        st.rerun()
    if carry.button("Carry the findings over", key=CARRY_TO_UPLOAD):
        _load(upload, carry=True)
        st.rerun()
    keep.button("Keep the current data", key=KEEP_CURRENT, on_click=_drop_pending)


def _abandon_waiting() -> None:
    review_session.start_new_review(carry_findings=False)
    activate_demo(DEFAULT_DEMO)


def render_missing_files() -> None:
    """Ask for the files a reopened review needs, naming each and its SHA-256."""
    missing = review_session.missing_files()
    if not missing:
        return
    lines = [
        f"- the {'data' if role == 'data' else 'model'} file **{escape_markdown(entry['name'])}** "
        f"(SHA-256 `{entry['sha256'][:16]}…`)"
        for role, entry in missing.items()
    ]
    st.warning(
        "This review was saved without its file, because the file was larger than the "
        "server keeps. Upload the same file under **My own files** to reopen the review; a "
        "different file is refused.\n\n" + "\n".join(lines)
    )
    st.button("Start a new review instead", key=ABANDON_WAITING, on_click=_abandon_waiting)
