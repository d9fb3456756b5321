"""Every cached call into fairness_core, keyed by content (file hashes and settings).

Results are keyed by what they are computed from, never by who asked, so sharing them
between sessions leaks nothing. Large inputs are passed as ``_``-prefixed arguments, which
Streamlit does not hash; their SHA-256 stands in for them in the key. Cached objects are
frozen results: nothing may mutate them.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pandas as pd
import streamlit as st

from components.state import AuditInputs
from fairness_core import (
    AuditData,
    ColumnRoles,
    Dataset,
    DemoScenario,
    GroupCounts,
    LoadedModel,
    ModelPolicy,
    Problem,
    SubgroupReport,
    ValidationFailedError,
    check_audit_data,
    compute_group_counts,
    compute_group_overview,
    compute_subgroup_report,
    get_demo,
    list_demos,
    load_dataset,
    load_model,
    load_model_policy,
)


@st.cache_resource(show_spinner=False)
def model_policy() -> ModelPolicy:
    """What the operator allowed when starting the app (environment, read once)."""
    return load_model_policy(os.environ)


@st.cache_data(show_spinner=False)
def demos() -> tuple[DemoScenario, ...]:
    """The demo scenarios shipped with the app."""
    return list_demos()


@st.cache_data(show_spinner="Loading the demo data…", max_entries=8)
def demo_dataset(name: str) -> Dataset:
    """A demo's test split (a fresh copy per call: sessions never share a frame)."""
    return get_demo(name).load_test()


@st.cache_resource(show_spinner="Loading the demo model…", max_entries=8)
def demo_model(name: str) -> LoadedModel:
    """A demo's model (shared, read-only)."""
    return get_demo(name).load_model()


def read_dataset(data: bytes, filename: str) -> Dataset:
    """Parse an upload. Not cached: the page parses each upload once and keeps it in state."""
    return load_dataset(data, filename=filename)


def read_model(data: bytes, filename: str) -> LoadedModel:
    """Load a model upload under the operator's policy (cached by content)."""
    return _uploaded_model(hashlib.sha256(data).hexdigest(), filename, data, model_policy())


@st.cache_resource(show_spinner="Checking and loading the model…", max_entries=8)
def _uploaded_model(sha256: str, filename: str, _data: bytes, _policy: ModelPolicy) -> LoadedModel:
    """A model upload, loaded once per content and policy (shared, read-only)."""
    del sha256  # the cache key for ``_data``
    return load_model(_data, filename=filename, policy=_policy)


def validate(inputs: AuditInputs) -> tuple[tuple[Problem, ...], AuditData | None]:
    """Validate the session's inputs under its roles (cached by content)."""
    model = inputs.model
    return _audit_data(
        inputs.dataset.sha256,
        inputs.roles,
        model.sha256 if model is not None else None,
        inputs.dataset.frame,
        model if inputs.roles.source == "model" else None,
    )


@st.cache_resource(show_spinner="Checking the data…", max_entries=16)
def _audit_data(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    _frame: pd.DataFrame,
    _model: LoadedModel | None,
) -> tuple[tuple[Problem, ...], AuditData | None]:
    """Validate data under roles: every problem found, and the audit data when usable."""
    del data_sha, model_sha  # cache keys for the frame and the model
    try:
        audit = check_audit_data(_frame, roles, model=_model)
    except ValidationFailedError as exc:
        return exc.problems, None
    return audit.warnings, audit


def group_overview(inputs: AuditInputs, audit: AuditData, attribute: str) -> pd.DataFrame:
    """Rows, share, base rate and missingness per group of one protected attribute."""
    return _group_overview(*_key(inputs), attribute, audit)


@st.cache_data(show_spinner=False, max_entries=64)
def _group_overview(
    data_sha: str, roles: ColumnRoles, model_sha: str | None, attribute: str, _audit: AuditData
) -> pd.DataFrame:
    del data_sha, roles, model_sha
    return compute_group_overview(_audit, attribute)


def _key(inputs: AuditInputs) -> tuple[str, ColumnRoles, str | None]:
    """What an audit is computed from: data content, roles, model content."""
    model = inputs.model
    return inputs.dataset.sha256, inputs.roles, model.sha256 if model is not None else None


def group_names(inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]) -> list[str]:
    """Display names of the (intersectional) groups of ``attributes``."""
    return list(_group_counts(*_key(inputs), attributes, audit).names)


def group_labels(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...], name: str
) -> tuple[str, ...]:
    """The labels (one per attribute) of the group displayed as ``name``."""
    counts = _group_counts(*_key(inputs), attributes, audit)
    return tuple(counts.labels[counts.names.index(name)])


@st.cache_data(show_spinner=False, max_entries=64)
def _group_counts(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attributes: tuple[str, ...],
    _audit: AuditData,
) -> GroupCounts:
    del data_sha, roles, model_sha
    columns = [_audit.group(name) for name in attributes]
    return compute_group_counts(
        columns,
        _audit.y_true,
        _audit.y_pred,
        sample_weight=_audit.sample_weight,
        y_score=_audit.y_score,
    )


def subgroup_report(inputs: AuditInputs, audit: AuditData, **settings: Any) -> SubgroupReport:
    """The subgroup report for the session's audit and the page's settings (cached)."""
    counts = _group_counts(*_key(inputs), settings["attributes"], audit)
    return _subgroup_report(*_key(inputs), tuple(sorted(settings.items())), counts)


@st.cache_data(show_spinner="Computing group metrics and intervals…", max_entries=64)
def _subgroup_report(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    settings: tuple[tuple[str, Any], ...],
    _counts: GroupCounts,
) -> SubgroupReport:
    del data_sha, roles, model_sha
    return compute_subgroup_report(_counts, **dict(settings))
