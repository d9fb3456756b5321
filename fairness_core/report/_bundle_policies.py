"""The chosen policies inside an audit bundle (``policies.json``, format version 3).

A bundle carries each policy as TOML text (:func:`~fairness_core.policies.policy_to_toml`,
the lines as the policy file had them) with the reviewer's edited lines beside it, the
columns each policy attribute was judged on, what the review did (for the checklist
items) and the results. Replay reads every policy again through
:func:`~fairness_core.policies.parse_policy` — a bundle's policy passes the same checks as a
file typed by hand, and a malformed one is refused with the same message — re-applies the
edits, evaluates it on the replayed data and compares every status and number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from fairness_core.data import AuditData
from fairness_core.policies import (
    Policy,
    PolicyResult,
    ReviewEvidence,
    evaluate_policies,
    parse_policy,
    policy_results_to_dict,
    policy_to_toml,
)

__all__ = ["BundledPolicies", "policies_entry", "policies_from_entry", "replay_policies"]

#: Most policies a bundle may ask a replay to evaluate.
MAX_BUNDLE_POLICIES = 20


@dataclass(frozen=True)
class BundledPolicies:
    """What ``policies.json`` holds, read back and checked."""

    policies: tuple[Policy, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)
    evidence: ReviewEvidence = field(default_factory=ReviewEvidence)
    results: Mapping[str, Any] = field(default_factory=dict, repr=False)


def policies_entry(
    results: Sequence[PolicyResult], columns: Mapping[str, str], evidence: ReviewEvidence
) -> dict[str, Any]:
    """The ``policies.json`` content for a review's policy results."""
    return {
        "policies": [
            {
                "toml": policy_to_toml(r.policy),
                "origin": r.policy.origin,
                "edits": {e.requirement: e.edited for e in r.policy.edits},
            }
            for r in results
        ],
        "columns": dict(columns),
        "evidence": asdict(evidence),
        "results": policy_results_to_dict(results),
    }


def policies_from_entry(entry: object) -> BundledPolicies:
    """Read ``policies.json`` (untrusted): every policy parsed and checked as a file is."""
    if not isinstance(entry, dict):
        raise ValueError("policies.json is not an object")
    items = entry.get("policies", [])
    if not isinstance(items, list) or len(items) > MAX_BUNDLE_POLICIES:
        raise ValueError(f"policies.json must list at most {MAX_BUNDLE_POLICIES} policies")
    policies = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("toml"), str):
            raise ValueError("a policy in policies.json has no TOML text")
        origin = str(item.get("origin") or "bundle")
        policy = parse_policy(item["toml"], origin=origin)
        edits = item.get("edits") or {}
        if not isinstance(edits, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in edits.values()
        ):
            raise ValueError("a policy's edited lines in policies.json are not numbers")
        policies.append(policy.with_lines({str(k): float(v) for k, v in edits.items()}))
    columns = entry.get("columns", {})
    if not isinstance(columns, dict):
        raise ValueError("policies.json columns is not an object")
    raw = entry.get("evidence", {})
    known = {f.name: f.type for f in fields(ReviewEvidence)}
    if not isinstance(raw, dict) or not set(raw) <= set(known):
        raise ValueError("policies.json evidence has unknown keys")
    defaults = ReviewEvidence()
    evidence = ReviewEvidence(
        **{
            key: type(getattr(defaults, key))(value)
            for key, value in raw.items()
            if isinstance(value, (bool, int, str))
        }
    )
    results = entry.get("results", {})
    if not isinstance(results, dict):
        raise ValueError("policies.json results is not an object")
    return BundledPolicies(
        policies=tuple(policies),
        columns={str(k): str(v) for k, v in columns.items()},
        evidence=evidence,
        results=results,
    )


def replay_policies(bundled: BundledPolicies, audit: AuditData) -> dict[str, Any]:
    """The bundle's policies evaluated again on the replayed data (JSON-ready)."""
    results = evaluate_policies(
        bundled.policies, audit, columns=bundled.columns, evidence=bundled.evidence
    )
    return policy_results_to_dict(results)
