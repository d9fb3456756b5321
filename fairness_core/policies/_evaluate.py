"""Evaluating policies on a review: one status per requirement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fairness_core.policies._model import Policy, PolicyResult, ReviewEvidence

if TYPE_CHECKING:
    from fairness_core.data import AuditData

__all__ = [
    "evaluate_policies",
    "evaluate_policy",
    "policy_results_to_dict",
    "suggest_policy_columns",
]


def suggest_policy_columns(policy: Policy, columns: Sequence[str]) -> dict[str, str]:
    """Policy attribute → data column, suggested from the policy's column-name hints."""
    raise NotImplementedError


def evaluate_policy(
    policy: Policy,
    data: AuditData,
    *,
    columns: Mapping[str, str] | None = None,
    evidence: ReviewEvidence | None = None,
) -> PolicyResult:
    """Each requirement's status on this review."""
    raise NotImplementedError


def evaluate_policies(
    policies: Sequence[Policy],
    data: AuditData,
    *,
    columns: Mapping[str, str] | None = None,
    evidence: ReviewEvidence | None = None,
) -> tuple[PolicyResult, ...]:
    """:func:`evaluate_policy` for each policy."""
    return tuple(
        evaluate_policy(policy, data, columns=columns, evidence=evidence) for policy in policies
    )


def policy_results_to_dict(results: Sequence[PolicyResult]) -> dict[str, Any]:
    """Policy results as JSON-ready data: one entry per policy and requirement."""
    raise NotImplementedError
