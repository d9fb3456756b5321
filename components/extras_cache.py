"""Cached calls for the inequality, consistency and calibration sections of Subgroups.

Keyed like components/cache.py: by what a result is computed from (data and model content,
roles, the chosen attributes), never by who asked. The audit data is passed as an
``_``-prefixed argument, which Streamlit does not hash; the content key stands in for it.
Cohort columns are named by their conditions, so an attribute name identifies its grouping.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from components.state import AuditInputs
from fairness_core.data import AuditData, ColumnRoles
from fairness_core.dataset_check import ConsistencyResult, compute_consistency
from fairness_core.metrics import (
    CalibrationByGroup,
    InequalityReport,
    compute_calibration_by_group,
    compute_inequality,
)

Key = tuple[str, ColumnRoles, str | None]


def _content(inputs: AuditInputs) -> Key:
    """What every result here is computed from: data content, roles, model content."""
    model = inputs.model
    return inputs.dataset.sha256, inputs.roles, model.sha256 if model is not None else None


def inequality(
    inputs: AuditInputs,
    audit: AuditData,
    attributes: tuple[str, ...],
    reference: Literal["largest"] | tuple[str, ...] = "largest",
) -> InequalityReport:
    """Average odds difference and the GE / Theil indices for ``attributes`` (cached)."""
    return _inequality(*_content(inputs), attributes, reference, audit)


@st.cache_data(show_spinner="Measuring inequality of benefit…", max_entries=32)
def _inequality(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attributes: tuple[str, ...],
    reference: Literal["largest"] | tuple[str, ...],
    _audit: AuditData,
) -> InequalityReport:
    del data_sha, roles, model_sha
    return compute_inequality(_audit, attributes, reference=reference)


def calibration(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]
) -> CalibrationByGroup:
    """Calibration by group for ``attributes`` (cached)."""
    return _calibration(*_content(inputs), attributes, audit)


@st.cache_data(show_spinner="Comparing scores with outcomes…", max_entries=32)
def _calibration(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attributes: tuple[str, ...],
    _audit: AuditData,
) -> CalibrationByGroup:
    del data_sha, roles, model_sha
    return compute_calibration_by_group(_audit, attributes)


def consistency(
    inputs: AuditInputs, audit: AuditData, attributes: tuple[str, ...]
) -> ConsistencyResult:
    """Nearest-neighbour consistency per group of ``attributes`` (cached)."""
    return _consistency(*_content(inputs), attributes, audit)


@st.cache_data(show_spinner="Comparing people who look alike…", max_entries=32)
def _consistency(
    data_sha: str,
    roles: ColumnRoles,
    model_sha: str | None,
    attributes: tuple[str, ...],
    _audit: AuditData,
) -> ConsistencyResult:
    del data_sha, roles, model_sha
    return compute_consistency(_audit, attributes)
