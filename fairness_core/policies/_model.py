"""The policy vocabulary: requirements, checklists, results and their status words.

A *policy* is a named, versioned set of *requirements* (a metric, its line, the direction
that harms, the reference it is compared with, the minimum group size and the significance
rule) and, for regulations that are not a number, *checklist items* (what this review gives
evidence for and what it does not). Evaluating a policy on a review gives one
:class:`RequirementResult` per requirement (and per checklist item) with a *status*.
"""

from __future__ import annotations

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

    def with_lines(self, lines: Mapping[str, float]) -> Policy:
        """This policy with some requirements' lines changed, each change recorded."""
        raise NotImplementedError

    def subgroup_options(self) -> dict[str, Any]:
        """Options for ``compute_subgroup_report`` so the Subgroups page follows this policy."""
        raise NotImplementedError


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


def _replace_line(requirement: MetricRequirement, line: float) -> MetricRequirement:
    return replace(requirement, line=line)
