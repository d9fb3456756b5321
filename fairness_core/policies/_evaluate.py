"""Evaluating policies on a review: one status per requirement and attribute.

A requirement is judged once per attribute it covers (``attributes``; none named: every
protected attribute of the review) and once per intersection (``intersections``), so a
result names the column(s) judged. A policy attribute ("sex") is mapped to a protected
column of the review by ``columns``, or suggested from the policy's column-name hints; an
attribute with no column gives "not assessed" naming it. Checklist items are never "met":
a tool cannot judge them; their result says what evidence the review holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from fairness_core.formatting import to_json_value
from fairness_core.policies._judge import judge_requirement
from fairness_core.policies._ll144 import compute_ll144_tables
from fairness_core.policies._model import (
    STATUSES,
    ChecklistItem,
    LL144Tables,
    MetricRequirement,
    Policy,
    PolicyResult,
    RequirementResult,
    ReviewEvidence,
)

if TYPE_CHECKING:
    from fairness_core.data import AuditData

__all__ = [
    "evaluate_policies",
    "evaluate_policy",
    "policy_results_to_dict",
    "suggest_policy_columns",
]

#: The policy attribute names the NYC Local Law 144 tables use.
LL144_ATTRIBUTES = ("sex", "race_ethnicity")
_EVIDENCE_WORDS = {
    "dataset_checked": ("the dataset check was run", "run the dataset check"),
    "analyses": ("{n} analyses were added to the report", "add analyses to the report"),
    "findings": ("{n} findings were recorded", "record findings"),
    "operating_points": ("{n} operating points were named", "name an operating point"),
    "monitoring": ("decisions are monitored over time", "set up monitoring"),
    "intended_use": ("the intended use is written down", "write down the intended use"),
    "human_oversight": ("human oversight is described", "describe the human oversight"),
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def suggest_policy_columns(policy: Policy, columns: Sequence[str]) -> dict[str, str]:
    """Policy attribute → data column, suggested from the policy's column-name hints.

    A column matches a hint when their names agree ignoring case and punctuation
    ("Race/Ethnicity" matches "race_ethnicity"); failing that, when the column's name
    contains the hint. Each column is suggested for one attribute at most.
    """
    taken: set[str] = set()
    out: dict[str, str] = {}
    for attribute, hints in policy.attributes.items():
        words = [_norm(h) for h in (attribute, *hints) if _norm(h)]
        free = [c for c in columns if c not in taken]
        match = next((c for w in words for c in free if _norm(c) == w), None)
        if match is None:
            match = next((c for w in words for c in free if w in _norm(c)), None)
        if match is not None:
            out[attribute] = match
            taken.add(match)
    return out


def evaluate_policy(
    policy: Policy,
    data: AuditData,
    *,
    columns: Mapping[str, str] | None = None,
    evidence: ReviewEvidence | None = None,
) -> PolicyResult:
    """Each requirement's status on this review (see the module docstring)."""
    protected = [g.name for g in data.groups]
    mapping = suggest_policy_columns(policy, protected)
    mapping.update(columns or {})
    results: list[RequirementResult] = []
    for requirement in _fitting(policy, data):
        results += _judge_all(policy, requirement, data, mapping, protected)
    evidence = evidence or ReviewEvidence()
    results += [_checklist_result(policy.id, item, evidence) for item in policy.checklist]
    ll144 = _ll144(policy, data, mapping, protected) if "ll144" in policy.tables else None
    return PolicyResult(policy, tuple(results), ll144)


def _fitting(policy: Policy, data: AuditData) -> tuple[MetricRequirement, ...]:
    """The requirements that apply to this tool.

    A policy that judges both selection rates and scoring rates (NYC Local Law 144) judges
    the one that fits the tool, as the rules do (6 RCNY § 5-301): scoring rates for a tool
    that scores (decisions from a score column), selection rates for one that selects — so
    a tool that only selects is not marked "not assessed" for the scoring rate it does not
    have, and the requirement matches the published tables beside it.
    """
    metrics = {r.metric for r in policy.requirements}
    if not {"selection_rate", "scoring_rate"} <= metrics:
        return policy.requirements
    skipped = "selection_rate" if _scores_decide(data) else "scoring_rate"
    return tuple(r for r in policy.requirements if r.metric != skipped)


def _scores_decide(data: AuditData) -> bool:
    """True when the review's decisions come from a score column (the LL144 scoring rate)."""
    return data.y_score is not None and data.roles.source == "score"


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


def _judge_all(
    policy: Policy,
    requirement: MetricRequirement,
    data: AuditData,
    mapping: Mapping[str, str],
    protected: Sequence[str],
) -> list[RequirementResult]:
    targets: list[tuple[str, ...]] = []
    if requirement.attributes:
        targets += [(a,) for a in requirement.attributes]
    elif not requirement.intersections:
        targets += [(c,) for c in protected]
        mapping = {**mapping, **{c: c for c in protected}}
    targets += list(requirement.intersections)
    results = []
    for target in targets:
        label = " × ".join(target)
        missing = [a for a in target if a not in mapping]
        wrong = [mapping[a] for a in target if a in mapping and mapping[a] not in protected]
        if missing or wrong:
            if missing:
                reason = (
                    f"No column of this review is mapped to the policy's attribute "
                    f"{missing[0]!r}. Map a protected attribute to it to judge this."
                )
            else:
                reason = (
                    f"The column {wrong[0]!r} is not a protected attribute of this review. "
                    "Mark it as protected, or map another column."
                )
            results.append(
                RequirementResult(
                    policy.id,
                    requirement.id,
                    requirement.title,
                    "not assessed",
                    reason,
                    attribute=label,
                    line=requirement.bound,
                )
            )
            continue
        cols = [mapping[a] for a in target]
        shown = " × ".join(cols)
        results.append(
            judge_requirement(
                policy.id,
                requirement,
                data,
                cols,
                label=shown,
                unknown_values=policy.unknown_values,
            )
        )
    return results


def _checklist_result(
    policy_id: str, item: ChecklistItem, evidence: ReviewEvidence
) -> RequirementResult:
    have: list[str] = []
    missing: list[str] = []
    for key in item.evidence:
        value = getattr(evidence, key)
        done, todo = _EVIDENCE_WORDS[key]
        present = bool(value.strip()) if isinstance(value, str) else bool(value)
        (have if present else missing).append(done.format(n=value) if present else todo)
    if have:
        reason = f"Evidence in this review: {'; '.join(have)}."
    else:
        reason = "This review holds no evidence for it yet."
    if missing:
        reason += f" To add: {'; '.join(missing)}."
    reason += " Whether this meets the item is for a person to judge; a tool cannot."
    return RequirementResult(
        policy_id,
        item.id,
        item.title,
        "not assessed",
        reason,
        evidence="; ".join(have),
        provides=item.provides,
        does_not=item.does_not,
    )


def _ll144(
    policy: Policy, data: AuditData, mapping: Mapping[str, str], protected: Sequence[str]
) -> LL144Tables | None:
    sex, race = (mapping.get(a) for a in LL144_ATTRIBUTES)
    sex = sex if sex in protected else None
    race = race if race in protected else None
    if sex is None and race is None:
        return None
    shares = [r.exclude_below_share for r in policy.requirements if r.exclude_below_share]
    scoring = _scores_decide(data)
    return compute_ll144_tables(
        data,
        sex=sex,
        race=race,
        scoring=scoring,
        exclude_below_share=shares[0] if shares else None,
        unknown_values=policy.unknown_values,
    )


def policy_results_to_dict(results: Sequence[PolicyResult]) -> dict[str, Any]:
    """Policy results as JSON-ready data: one entry per policy and requirement.

    ``{"statuses": {word: definition}, "policies": [{"id", "name", "version", "source",
    "origin", "summary", "not_covered", "status", "failed", "edits": [...],
    "requirements": [{"id", "title", "attribute", "status", "reason", "value", "line",
    "evidence", "provides", "does_not", "groups": [{"group", "n", "value", "p_value",
    "verdict", "reference", "excluded"}]}], "ll144": {...} | null}]}``
    """
    policies = []
    for result in results:
        p = result.policy
        policies.append(
            {
                "id": p.id,
                "name": p.name,
                "version": p.version,
                "source": p.source,
                "origin": p.origin,
                "summary": p.summary,
                "not_covered": p.not_covered,
                "status": result.status,
                "failed": result.failed,
                "edits": [asdict(e) for e in p.edits],
                "requirements": [_requirement_dict(r) for r in result.requirements],
                "ll144": None if result.ll144 is None else _ll144_dict(result.ll144),
            }
        )
    return to_json_value({"statuses": dict(STATUSES), "policies": policies})


def _requirement_dict(r: RequirementResult) -> dict[str, Any]:
    return {
        "id": r.requirement,
        "title": r.title,
        "attribute": r.attribute,
        "status": r.status,
        "reason": r.reason,
        "value": r.value,
        "line": r.line,
        "evidence": r.evidence,
        "provides": r.provides,
        "does_not": r.does_not,
        "groups": [] if r.groups is None else r.groups.to_dict("records"),
    }


def _ll144_dict(t: LL144Tables) -> dict[str, Any]:
    return {
        "rate_name": t.rate_name,
        "median_score": t.median_score,
        "by_sex": t.by_sex.to_dict("records"),
        "by_race": t.by_race.to_dict("records"),
        "intersectional": t.intersectional.to_dict("records"),
        "unknown": dict(t.unknown),
        "excluded": list(t.excluded),
        "exclude_below_share": t.exclude_below_share,
    }
