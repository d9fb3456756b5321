"""The policy vocabulary: requirements, checklists, results and their status words.

A *policy* is a named, versioned set of *requirements* (a metric, its line, the direction
that harms, the reference it is compared with, the minimum group size and the significance
rule) and, for regulations that are not a number, *checklist items* (what this review gives
evidence for and what it does not). Evaluating a policy on a review gives one
:class:`RequirementResult` per requirement (and per checklist item) with a *status*.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "STATUSES",
    "STATUS_ORDER",
    "ChecklistItem",
    "LL144Tables",
    "LineEdit",
    "MetricRequirement",
    "Policy",
    "PolicyResult",
    "RequirementResult",
    "ReviewEvidence",
    "Status",
    "reference_option",
]

Status = Literal["met", "not met", "not assessed", "too few people to judge"]

STATUSES: Mapping[str, str] = MappingProxyType(
    {
        "met": (
            "The review's numbers satisfy this requirement: every group judged is on the "
            "acceptable side of the line, or a difference beyond it could be chance and the "
            "policy asks for statistical significance."
        ),
        "not met": (
            "At least one group is on the harmful side of the line (and, when the policy asks "
            "for it, the difference is statistically significant)."
        ),
        "not assessed": (
            "This review cannot judge the requirement: the data has no column for it, the "
            "number cannot be computed, or it needs a human judgement a tool cannot make. "
            "The reason says which."
        ),
        "too few people to judge": (
            "Every group that could be compared has fewer people than the policy's minimum, "
            "so no verdict is given."
        ),
    }
)

#: Worst first: a policy's status is the first of these any of its requirements has.
STATUS_ORDER: tuple[Status, ...] = ("not met", "too few people to judge", "not assessed", "met")


@dataclass(frozen=True)
class MetricRequirement:
    """One number a policy judges, with its line, direction and statistics settings."""

    id: str
    title: str
    metric: str
    kind: Literal["ratio", "difference"]
    line: float
    harmful: Literal["lower", "higher"]
    reference: str = "best"
    attributes: tuple[str, ...] = ()
    intersections: tuple[tuple[str, ...], ...] = ()
    require_significance: bool = True
    min_n: int = 30
    alpha: float = 0.05
    correction: str = "holm"
    exclude_below_share: float | None = None
    text: str = ""
    #: The policy's own word for the rate, in reasons ("approval rate" for a lender's
    #: selection rate); None: the metric's name.
    rate_name: str | None = None

    @property
    def bound(self) -> float:
        """The line as the value is compared with it: a ratio's line as written; a
        difference's with the sign of its harmful side (a gap of 0.05 where lower harms is
        the bound −0.05). Reasons, the JSON and every table show this number."""
        if self.kind == "ratio":
            return self.line
        return -abs(self.line) if self.harmful == "lower" else abs(self.line)


@dataclass(frozen=True)
class ChecklistItem:
    """One item of a checklist policy: evidence this review gives, not a number."""

    id: str
    title: str
    evidence: tuple[str, ...]
    provides: str
    does_not: str


@dataclass(frozen=True)
class LineEdit:
    """A line the reviewer changed for this review (shown in the report)."""

    requirement: str
    original: float
    edited: float


@dataclass(frozen=True)
class Policy:
    """A named, versioned policy read from a TOML file."""

    id: str
    name: str
    version: str
    source: str
    summary: str
    not_covered: str
    requirements: tuple[MetricRequirement, ...] = ()
    checklist: tuple[ChecklistItem, ...] = ()
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    unknown_values: tuple[str, ...] = ()
    edits: tuple[LineEdit, ...] = ()
    origin: str = "built-in"
    #: Extra tables the policy publishes: ("ll144",) for the NYC Local Law 144 tables.
    tables: tuple[str, ...] = ()

    def requirement(self, requirement_id: str) -> MetricRequirement:
        """The requirement with this id (KeyError naming the ids when there is none)."""
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        known = ", ".join(r.id for r in self.requirements)
        raise KeyError(
            f"The policy {self.name!r} has no requirement {requirement_id!r} (it has: {known})."
        )

    def with_lines(self, lines: Mapping[str, float]) -> Policy:
        """This policy with some requirements' lines changed, each change recorded.

        ``lines``: requirement id → new line. Editing a line twice keeps the first original;
        setting it back to the original removes the edit.
        """
        edits = {e.requirement: e for e in self.edits}
        requirements = []
        for requirement in self.requirements:
            if requirement.id in lines and float(lines[requirement.id]) != requirement.line:
                new = float(lines[requirement.id])
                original = (
                    edits[requirement.id].original
                    if requirement.id in edits
                    else (requirement.line)
                )
                if new == original:
                    edits.pop(requirement.id, None)
                else:
                    edits[requirement.id] = LineEdit(requirement.id, original, new)
                requirement = replace(
                    requirement,
                    line=new,
                    title=retitled(requirement.title, requirement.line, new),
                )
            requirements.append(requirement)
        unknown = [k for k in lines if k not in {r.id for r in self.requirements}]
        if unknown:
            self.requirement(unknown[0])  # raises, naming the ids
        return replace(self, requirements=tuple(requirements), edits=tuple(edits.values()))

    def subgroup_options(self) -> dict[str, Any]:
        """Options for ``compute_subgroup_report`` so the Subgroups page follows this policy.

        From the first selection-rate ratio requirement (its line becomes
        ``ratio_threshold``, its reference, minimum n, alpha and correction the report's)
        and the first registry-metric difference requirement (its line becomes
        ``tolerance``). Keys absent when the policy has no such requirement.
        """
        options: dict[str, Any] = {}
        ratios = [r for r in self.requirements if r.kind == "ratio" and r.metric in _RATES]
        gaps = [r for r in self.requirements if r.kind == "difference" and r.metric in _RATES]
        chosen = ratios[0] if ratios else (gaps[0] if gaps else None)
        if chosen is not None:
            options["reference"] = reference_option(chosen.reference)
            options["min_n"] = chosen.min_n
            options["alpha"] = chosen.alpha
            options["correction"] = chosen.correction
        if ratios:
            r = ratios[0]
            options["ratio_threshold"] = r.line if r.harmful == "lower" else 1 / r.line
        if gaps:
            options["tolerance"] = abs(gaps[0].line)
        return options


@dataclass(frozen=True)
class ReviewEvidence:
    """What the review did, for checklist items (and the report's NIST section)."""

    dataset_checked: bool = False
    analyses: int = 0
    findings: int = 0
    operating_points: int = 0
    monitoring: bool = False
    intended_use: str = ""
    human_oversight: str = ""
    #: Limitations the reviewer knows of (the model card and the datasheet show them).
    known_limitations: str = ""


@dataclass(frozen=True)
class RequirementResult:
    """The status of one requirement (or checklist item) of one policy on one review."""

    policy: str
    requirement: str
    title: str
    status: Status
    reason: str
    attribute: str = ""
    value: float | None = None
    line: float | None = None
    groups: pd.DataFrame | None = None
    evidence: str = ""
    #: Checklist items: what the review gives evidence for, and what it does not cover.
    provides: str = ""
    does_not: str = ""


@dataclass(frozen=True)
class LL144Tables:
    """The tables a NYC Local Law 144 bias audit publishes."""

    rate_name: str
    median_score: float | None
    by_sex: pd.DataFrame
    by_race: pd.DataFrame
    intersectional: pd.DataFrame
    unknown: Mapping[str, int]
    excluded: tuple[str, ...]
    exclude_below_share: float | None


@dataclass(frozen=True)
class PolicyResult:
    """Every requirement's result for one policy."""

    policy: Policy
    requirements: tuple[RequirementResult, ...]
    ll144: LL144Tables | None = None

    @property
    def status(self) -> Status:
        """The worst status: not met > too few people to judge > not assessed > met."""
        present = {r.status for r in self.requirements}
        for status in STATUS_ORDER:
            if status in present:
                return status
        return "not assessed"

    @property
    def failed(self) -> bool:
        """Whether any requirement is "not met"."""
        return any(r.status == "not met" for r in self.requirements)


#: Metrics whose lines the Subgroups page can follow (selection rate first).
_RATES = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "precision",
    "accuracy",
    "false_negative_rate",
    "true_negative_rate",
)


def reference_option(reference: str) -> str | tuple[str, ...]:
    """A policy's reference as ``compute_subgroup_report``'s: "group:Women" → ("Women",)."""
    if reference.startswith("group:"):
        return tuple(part.strip() for part in reference[len("group:") :].split("·"))
    return reference


def retitled(title: str, old: float, new: float) -> str:
    """The title with its line's number changed too ("at least 0.8" → "at least 0.9"),
    so an edited requirement never shows the old line in its name; a title that does not
    write the number exactly once keeps its words."""
    pattern = re.compile(rf"(?<![\d.]){re.escape(f'{old:g}')}(?![\d])")
    if len(pattern.findall(title)) != 1:
        return title
    return pattern.sub(f"{new:g}", title)
