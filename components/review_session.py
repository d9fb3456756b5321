"""The session's review: saved on the server as it changes, reopened from the address.

A review is one dataset (and model) with everything the reviewer decided: the column
roles, every choice on every page (:mod:`components.choices`), findings, operating points,
the report's analyses and saved cohorts. app.py calls :func:`open_from_address` before a
page runs and :func:`autosave` after it, so a browser reload or a server restart finds the
review where the reviewer left it; the address carries its unguessable id (``?review=…``).

A review is created the first time the reviewer does something worth keeping: changes a
choice, uploads a file, pins a finding, records an operating point, adds an analysis or
saves a cohort. Merely looking at the demo creates nothing.

Uploaded files are kept with the review (content-addressed, up to the operator's size
limit). A file over the limit is not kept; reopening the review then asks for it again and
accepts only the same bytes (its SHA-256 is stored).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from components import cache, choices, server_data, state
from components.demo import data_label
from components.identity import OWNER
from fairness_core.data import ColumnRoles, Dataset, name_columns
from fairness_core.errors import FairnessCoreError
from fairness_core.escaping import escape_markdown
from fairness_core.models import LoadedModel
from fairness_core.reviews import (
    FileTooLargeError,
    ReviewNotFoundError,
    ReviewStore,
    decode,
    default_store_path,
    encode,
    max_file_bytes_from_env,
    shared_from_env,
)

REVIEW_ID = "review.id"
REVIEW_NAME = "review.name"
SAVED_TEXT = "review.saved_text"  # the JSON last written, to write only on change
LAST_CHOICES = "review.last_choices"  # choices at the end of the last run (before saving)
FILES = "review.files"  # role -> {"name", "sha256", "stored"} of the review's uploads
PENDING_FILES = "review.pending_files"  # role -> (name, bytes) not yet put in the store
MISSING_FILES = "review.missing_files"  # role -> {"name", "sha256"} to be uploaded again
WAITING = "review.waiting"  # the reopened review waiting for its files: (id, content)

FORMAT = 1


@st.cache_resource(show_spinner=False)
def _store(path: str, shared: bool, max_file_bytes: int) -> ReviewStore:
    return ReviewStore(Path(path), shared=shared, max_file_bytes=max_file_bytes)


def store() -> ReviewStore:
    """The operator's review database (location, sharing and file limit from the options)."""
    return _store(str(default_store_path()), shared_from_env(), max_file_bytes_from_env())


@dataclass(frozen=True)
class Current:
    """The review this session works on (None before it is first saved)."""

    id: str
    name: str


def current_id() -> str | None:
    """The id of the session's saved review (None before it is first saved)."""
    review_id = st.session_state.get(REVIEW_ID)
    return str(review_id) if review_id else None


def current() -> Current | None:
    """The session's saved review, if it has been saved."""
    review_id = st.session_state.get(REVIEW_ID)
    if not review_id:
        return None
    return Current(str(review_id), str(st.session_state.get(REVIEW_NAME, "")))


# --------------------------------------------------------------------------------------
# What a review holds
# --------------------------------------------------------------------------------------


def _source_document() -> dict[str, Any] | None:
    inputs = state.get_inputs()
    if inputs is None:
        return None
    if inputs.source.startswith("demo:"):
        return {
            "kind": "demo",
            "name": inputs.source.removeprefix("demo:"),
            "sha256": inputs.dataset.sha256,
        }
    if inputs.source.startswith("server:"):
        return server_data.source_document()
    files: Mapping[str, Any] = st.session_state.get(FILES, {})
    return {"kind": "upload", "files": dict(files)}


def content() -> dict[str, Any] | None:
    """The review as a JSON document (None before any data is loaded)."""
    source = _source_document()
    inputs = state.get_inputs()
    if source is None or inputs is None:
        return None
    settings = state.get_subgroup_settings()
    return {
        "format": FORMAT,
        "source": source,
        "data_label": data_label(inputs.source, inputs.dataset),
        "roles": encode(inputs.roles),
        "choices": choices.snapshot_choices(),
        "findings": [_encoded(f) for f in state.get_findings()],
        "operating_points": [_encoded(p) for p in state.get_operating_points()],
        "recommended_point": state.get_recommended_point(),
        "cohorts": [encode(c) for c in state.get_cohorts()],
        "analyses": [encode(a) for a in state.get_report_analyses()],
        "subgroup_settings": None if settings is None else encode(settings),
        "metric_choice": state.get_metric_choice(),  # "Which metric?" answers, plain strings
    }


ENCODED = "review.encoded"  # item id -> (the item, its JSON form): encode each item once


def _encoded(item: Any) -> Any:
    """``encode(item)``, reused while the same object is in the review.

    Findings and operating points carry tables and chart JSON (tens of milliseconds for ten
    of them); they are frozen, so an unchanged object has an unchanged encoding.
    """
    memo: dict[str, tuple[Any, Any]] = st.session_state.setdefault(ENCODED, {})
    key = f"{type(item).__name__}:{getattr(item, 'id', '')}"
    kept = memo.get(key)
    if kept is not None and kept[0] is item:
        return kept[1]
    encoded = encode(item)
    memo[key] = (item, encoded)
    return encoded


def _worth_keeping(document: Mapping[str, Any]) -> bool:
    """True once the reviewer did something a reload must not lose."""
    kept = ("findings", "operating_points", "cohorts", "analyses", "metric_choice")
    if any(document[k] for k in kept):
        return True
    if document["source"]["kind"] in ("upload", "server"):
        return True
    previous: Mapping[str, Any] | None = st.session_state.get(LAST_CHOICES)
    now: Mapping[str, Any] = document["choices"]
    st.session_state[LAST_CHOICES] = dict(now)
    if previous is None:
        return False
    # A widget drawn for the first time adds its default; only a changed value counts.
    return any(key in previous and previous[key] != value for key, value in now.items())


def _default_name() -> str:
    inputs = state.get_inputs()
    when = datetime.now(UTC).strftime("%d %b %Y %H:%M")
    if inputs is None:
        return f"Review {when}"
    if inputs.source.startswith("demo:"):
        name = inputs.source.removeprefix("demo:")
        title = next((d.title for d in cache.demos() if d.name == name), name)
        return f"{title} — {when}"
    return f"{inputs.dataset.name} — {when}"


# --------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------


def remember_upload(role: str, name: str, data: bytes, sha256: str) -> None:
    """Keep an uploaded file (role "data" or "model") to store with the review."""
    pending = dict(st.session_state.get(PENDING_FILES, {}))
    pending[role] = (name, data)
    st.session_state[PENDING_FILES] = pending
    files = dict(st.session_state.get(FILES, {}))
    files[role] = {"name": name, "sha256": sha256, "stored": False}
    st.session_state[FILES] = files
    st.session_state.pop(MISSING_FILES, None)


def forget_uploads() -> None:
    """The review's data no longer comes from uploaded files (server data, say)."""
    st.session_state[FILES] = {}
    st.session_state[PENDING_FILES] = {}


def forget_model_upload() -> None:
    """The review no longer has an uploaded model."""
    for key in (FILES, PENDING_FILES):
        kept = dict(st.session_state.get(key, {}))
        kept.pop("model", None)
        st.session_state[key] = kept


def _store_pending_files(owner: str, review_id: str) -> None:
    pending: dict[str, tuple[str, bytes]] = dict(st.session_state.get(PENDING_FILES, {}))
    files = dict(st.session_state.get(FILES, {}))
    for role, (name, data) in pending.items():
        try:
            store().put_file(owner, review_id, name, data, role=role)
        except FileTooLargeError as exc:
            state.push_notice("warning", escape_markdown(str(exc)))
        else:
            files[role] = {**files.get(role, {}), "stored": True}
    st.session_state[PENDING_FILES] = {}
    st.session_state[FILES] = files


def autosave(owner: str | None) -> None:
    """Write the review when it changed (called by app.py after every page run)."""
    if owner is None or st.session_state.get(WAITING) is not None:
        return
    document = content()
    if document is None:
        return
    try:
        if st.session_state.get(REVIEW_ID) is None:
            if not _worth_keeping(document):
                return
            summary = store().create(owner, _default_name(), document)
            st.session_state[REVIEW_ID] = summary.id
            st.session_state[REVIEW_NAME] = summary.name
        review_id = str(st.session_state[REVIEW_ID])
        if st.session_state.get(PENDING_FILES):
            _store_pending_files(owner, review_id)
            document = content() or document
        text = json.dumps(document, sort_keys=True, ensure_ascii=False)
        if text != st.session_state.get(SAVED_TEXT):
            store().save(owner, review_id, document)
            st.session_state[SAVED_TEXT] = text
    except ReviewNotFoundError:
        # Deleted in another tab: keep working, save as a new review next time.
        st.session_state.pop(REVIEW_ID, None)
    except FairnessCoreError as exc:
        st.sidebar.warning(escape_markdown(f"This review could not be saved: {exc}"))


def show_in_address() -> None:
    """Put the review's id in the address, so a reload reopens it."""
    review_id = st.session_state.get(REVIEW_ID)
    if review_id and st.query_params.get("review") != review_id:
        st.query_params["review"] = str(review_id)


# --------------------------------------------------------------------------------------
# Opening
# --------------------------------------------------------------------------------------


def open_from_address(owner: str | None) -> None:
    """Open the review named in the address when it is not the session's (reload, link)."""
    wanted = st.query_params.get("review")
    if not wanted or owner is None or wanted == st.session_state.get(REVIEW_ID):
        return
    waiting = st.session_state.get(WAITING)
    if waiting is not None and waiting[0] == wanted:
        return
    open_review(owner, str(wanted))


def open_review(owner: str, review_id: str) -> bool:
    """Make ``review_id`` the session's review; False (with a message) when it cannot be."""
    try:
        stored = store().load(owner, review_id)
    except ReviewNotFoundError:
        st.query_params.pop("review", None)
        state.push_notice(
            "warning",
            "The review in this address does not exist, or it belongs to someone else. "
            "Your own reviews are listed under **My reviews** in the sidebar.",
        )
        return False
    except FairnessCoreError as exc:
        state.push_notice("error", escape_markdown(str(exc)))
        return False
    document = stored.content
    try:
        loaded = _load_inputs(owner, review_id, document)
        if loaded is None:
            st.session_state[WAITING] = (review_id, document, stored.name)
            return True
        _apply(review_id, stored.name, document, *loaded)
    except (FairnessCoreError, KeyError, TypeError, ValueError) as exc:
        # A review saved by another version, or damaged: say so, keep the session as it is.
        state.push_notice(
            "error",
            escape_markdown(
                f"The review '{stored.name}' could not be opened: {exc}. Your other reviews "
                "are not affected; you can delete this one under My reviews."
            ),
        )
        return False
    return True


def _load_inputs(
    owner: str, review_id: str, document: Mapping[str, Any]
) -> tuple[Dataset, LoadedModel | None, str] | None:
    """The review's data and model, or None when a file must be uploaded again."""
    source = document["source"]
    if source["kind"] == "demo":
        dataset = cache.demo_dataset(source["name"])
        try:
            model: LoadedModel | None = cache.demo_model(source["name"])
        except FairnessCoreError:
            model = None
        return dataset, model, f"demo:{source['name']}"
    if source["kind"] == "server":
        server_dataset, server_source = server_data.reopen(source)
        return server_dataset, None, server_source
    files: Mapping[str, Mapping[str, Any]] = source.get("files", {})
    contents: dict[str, tuple[str, bytes]] = {}
    missing: dict[str, dict[str, str]] = {}
    for role, entry in files.items():
        data = None
        if entry.get("stored"):
            try:
                data = store().get_file(owner, review_id, str(entry["sha256"]))
            except FairnessCoreError:
                data = None
        if data is None:
            missing[role] = {"name": str(entry["name"]), "sha256": str(entry["sha256"])}
        else:
            contents[role] = (str(entry["name"]), data)
    if missing:
        st.session_state[MISSING_FILES] = missing
        return None
    dataset = cache.read_dataset(contents["data"][1], contents["data"][0])
    model = None
    if "model" in contents:
        model = cache.read_model(contents["model"][1], contents["model"][0])
    st.session_state[FILES] = {role: dict(entry) for role, entry in files.items()}
    return dataset, model, "upload"


def _apply(
    review_id: str,
    name: str,
    document: Mapping[str, Any],
    dataset: Dataset,
    model: LoadedModel | None,
    source: str,
) -> None:
    """Put a review into the session: data, roles, choices, findings, points, cohorts."""
    roles = decode(document["roles"])
    if not isinstance(roles, ColumnRoles):
        raise FairnessCoreError("The saved review's column roles could not be read.")
    choices.clear_choices()
    if roles.column_names:  # a file without a header row, named by the reviewer
        dataset = name_columns(dataset, roles.column_names)
    state.set_inputs(dataset, model, roles, source)
    choices.restore_choices(document.get("choices", {}))
    if model is not None:  # the What-if page keeps its choices only for the data they were made on
        st.session_state[state.WHATIF_DATA] = (dataset.sha256, model.sha256, roles)
    state.set_findings([decode(f) for f in document.get("findings", [])])
    points = [decode(p) for p in document.get("operating_points", [])]
    state.set_operating_points(points)
    state.set_recommended_point(document.get("recommended_point"))
    st.session_state[state.COHORTS] = tuple(decode(c) for c in document.get("cohorts", []))
    st.session_state[state.REPORT_ANALYSES] = [decode(a) for a in document.get("analyses", [])]
    choice = document.get("metric_choice")
    state.set_metric_choice(
        {str(k): str(v) for k, v in choice.items()} if isinstance(choice, dict) else None
    )
    settings = document.get("subgroup_settings")
    if settings is not None:
        state.set_subgroup_settings(decode(settings))
    st.session_state[REVIEW_ID] = review_id
    st.session_state[REVIEW_NAME] = name
    st.session_state[SAVED_TEXT] = json.dumps(document, sort_keys=True, ensure_ascii=False)
    st.session_state.pop(WAITING, None)
    st.session_state.pop(MISSING_FILES, None)
    st.session_state[PENDING_FILES] = {}


def supply_missing_file(role: str, name: str, data: bytes) -> str | None:
    """An upload answering "upload the file again": None when accepted, else the refusal."""
    missing: dict[str, dict[str, str]] = dict(st.session_state.get(MISSING_FILES, {}))
    waiting = st.session_state.get(WAITING)
    if role not in missing or waiting is None:
        return None
    expected = missing[role]
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected["sha256"]:
        return (
            f"'{name}' is not the file this review was made with: the review used "
            f"'{expected['name']}' (SHA-256 {expected['sha256'][:16]}…) and this file's "
            f"SHA-256 is {digest[:16]}…. Upload the same file, or start a new review."
        )
    pending = dict(st.session_state.get(PENDING_FILES, {}))
    pending[role] = (name, data)
    st.session_state[PENDING_FILES] = pending
    del missing[role]
    st.session_state[MISSING_FILES] = missing
    if not missing:
        review_id, document, review_name = waiting
        files: Mapping[str, Mapping[str, Any]] = document["source"].get("files", {})
        given = {r: pending[r] for r in files if r in pending}
        dataset = cache.read_dataset(given["data"][1], given["data"][0])
        model = cache.read_model(given["model"][1], given["model"][0]) if "model" in given else None
        st.session_state[FILES] = {r: dict(e) for r, e in files.items()}
        _apply(review_id, review_name, document, dataset, model, "upload")
        st.session_state[PENDING_FILES] = given
    return None


def missing_files() -> Mapping[str, Mapping[str, str]]:
    """Files the reopened review still needs (role -> name and SHA-256)."""
    missing: Mapping[str, Mapping[str, str]] = st.session_state.get(MISSING_FILES, {})
    return missing if st.session_state.get(WAITING) is not None else {}


def _keep_stored_files() -> None:
    """Fetch the current review's stored files, so a new review can store them too."""
    owner = st.session_state.get(OWNER)
    review_id = st.session_state.get(REVIEW_ID)
    if not owner or not review_id:
        return
    pending = dict(st.session_state.get(PENDING_FILES, {}))
    for role, entry in dict(st.session_state.get(FILES, {})).items():
        if role in pending or not entry.get("stored"):
            continue
        try:
            pending[role] = (entry["name"], store().get_file(owner, review_id, entry["sha256"]))
        except FairnessCoreError:
            continue
    st.session_state[PENDING_FILES] = pending


def start_new_review(*, carry_findings: bool) -> None:
    """The next save creates a new review; the current one stays saved as it is.

    With ``carry_findings`` the findings and operating points come along (each names the
    data it was made on, so the report keeps them in their own section).
    """
    _keep_stored_files()
    for key in (REVIEW_ID, REVIEW_NAME, SAVED_TEXT, LAST_CHOICES, WAITING, MISSING_FILES):
        st.session_state.pop(key, None)
    st.query_params.pop("review", None)
    st.session_state[state.REPORT_ANALYSES] = []  # analyses name this data's columns
    if not carry_findings:
        state.set_findings([])
        state.set_operating_points([])
        state.set_recommended_point(None)
        st.session_state[state.COHORTS] = ()
    st.session_state[LAST_CHOICES] = {}  # the next change (or item) saves the new review
