"""The sidebar's "My reviews": the review in use, and the reviewer's other saved reviews."""

from __future__ import annotations

import streamlit as st

from components import review_session, state
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown

RENAME = "reviews.rename"
CONFIRM_DELETE = "reviews.confirm_delete"


def _open(owner: str, review_id: str) -> None:
    if review_session.open_review(owner, review_id):
        st.query_params["review"] = review_id


def _rename(owner: str, review_id: str) -> None:
    name = str(st.session_state.get(RENAME, "")).strip()
    if not name:
        return
    try:
        review_session.store().rename(owner, review_id, name)
    except FairnessCoreError as exc:
        state.push_notice("error", escape_markdown(str(exc)))
        return
    st.session_state[review_session.REVIEW_NAME] = name


def _duplicate(owner: str, review_id: str) -> None:
    try:
        copy = review_session.store().duplicate(owner, review_id)
    except FairnessCoreError as exc:
        state.push_notice("error", escape_markdown(str(exc)))
        return
    _open(owner, copy.id)


def _delete(owner: str, review_id: str) -> None:
    try:
        review_session.store().delete(owner, review_id)
    except FairnessCoreError as exc:
        state.push_notice("error", escape_markdown(str(exc)))
        return
    review_session.start_new_review(carry_findings=False)
    st.session_state.pop(CONFIRM_DELETE, None)


def _new() -> None:
    review_session.start_new_review(carry_findings=False)


def render_reviews_panel(owner: str | None) -> None:
    """Draw "My reviews" (in the sidebar)."""
    with st.expander("My reviews", icon=":material/folder_open:"):
        if owner is None:
            st.caption("Your reviews appear here once this browser has connected.")
            return
        here = review_session.current()
        if here is None:
            st.caption(
                "This review is saved as soon as you change something, pin a finding or "
                "upload a file. It reopens after a reload, from this browser only."
            )
        else:
            st.text_input("Name of this review", value=here.name, key=RENAME)
            st.button("Rename", on_click=_rename, args=(owner, here.id), key="reviews.rename_go")
            left, right = st.columns(2)
            left.button("Duplicate", on_click=_duplicate, args=(owner, here.id), key="reviews.dup")
            if right.checkbox("Delete…", key=CONFIRM_DELETE):
                st.button(
                    "Delete this review for good",
                    on_click=_delete,
                    args=(owner, here.id),
                    type="primary",
                    key="reviews.delete",
                )
        st.button("Start a new review", on_click=_new, key="reviews.new")
        try:
            others = [
                r for r in review_session.store().list(owner) if here is None or r.id != here.id
            ]
        except FairnessCoreError as exc:
            st.warning(escape_markdown(str(exc)))
            return
        if others:
            st.caption("Other saved reviews")
        for review in others[:20]:
            st.button(
                escape_markdown(review.name),
                on_click=_open,
                args=(owner, review.id),
                key=f"reviews.open.{review.id}",
                help=f"Last changed {review.updated}. Opens it in place of this one "
                "(this one stays saved).",
                width="stretch",
            )
