"""Present mode's content: the current review, cut into screens (steps).

The review is built exactly as the Report page builds it (the analyses added there, else the
Subgroups page's current one; the report's title and small-group limit), so the summary on
the screen is the report's executive summary. Its screens, in order:

1. the executive summary, over as many screens as it needs to stay large (``summary.N``);
2. one screen per finding, in the reviewer's order (``finding.<id>``);
3. the operating points recorded on this data side by side (``points``), then one screen
   per point (``point.<id>``), the recommended one marked.

A step never carries rows of individual people: What-if findings (which may pin one
person's values, or rows) keep their title, note and sentence, never their chart or table
(see :func:`components.privacy.holds_individuals`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from components import review_report
from components.state import AuditInputs
from fairness_core.data import AuditData
from fairness_core.report import (
    Finding,
    OperatingPointRecord,
    ReviewReport,
    compare_operating_points,
)

StepKind = Literal["summary", "finding", "points", "point"]

#: Most characters of executive summary on one screen (about seven lines of large type at
#: 1280×720); a longer summary continues on the next screen.
SUMMARY_CHARS_PER_SCREEN = 1100
#: Rows of the options' comparison on one screen.
COMPARISON_ROWS_PER_SCREEN = 7
#: A comparison row about one group ("Selection rate: female"), not about everyone.
PER_GROUP_ROW = re.compile(r": (?!all groups$)")


@dataclass(frozen=True)
class Step:
    """One screen of Present mode."""

    id: str
    kind: StepKind
    title: str
    #: The summary sentences of a summary screen.
    lines: tuple[str, ...] = ()
    finding: Finding | None = None
    point: OperatingPointRecord | None = None
    #: A finding pinned on other data than the data loaded now.
    other_data: bool = False
    #: The rows of the options' comparison a "points" screen shows (their "What" labels).
    rows: tuple[str, ...] = ()


def current_review(inputs: AuditInputs, audit: AuditData) -> ReviewReport:
    """The review as the Report page shows it now (raises FairnessCoreError as it does)."""
    return review_report.current_review(inputs, audit)


def _summary_screens(lines: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The summary's sentences in screens of at most :data:`SUMMARY_CHARS_PER_SCREEN`."""
    screens: list[list[str]] = [[]]
    used = 0
    for line in lines:
        if screens[-1] and used + len(line) > SUMMARY_CHARS_PER_SCREEN:
            screens.append([])
            used = 0
        screens[-1].append(line)
        used += len(line)
    return [tuple(screen) for screen in screens if screen]


def build_steps(review: ReviewReport) -> list[Step]:
    """Every screen of Present mode for ``review``, in order."""
    steps: list[Step] = []
    screens = _summary_screens(review.executive_summary) or [("No summary yet.",)]
    for number, lines in enumerate(screens):
        more = f" ({number + 1} of {len(screens)})" if len(screens) > 1 else ""
        steps.append(Step(f"summary.{number}", "summary", f"Summary{more}", lines=lines))
    for finding in review.findings:
        steps.append(Step(f"finding.{finding.id}", "finding", finding.title, finding=finding))
    for finding in review.other_findings:
        steps.append(
            Step(
                f"finding.{finding.id}",
                "finding",
                finding.title,
                finding=finding,
                other_data=True,
            )
        )
    points = review.points_on_data
    if len(points) > 1:
        pages = _comparison_screens(review)
        for number, rows in enumerate(pages):
            more = f" ({number + 1} of {len(pages)})" if len(pages) > 1 else ""
            steps.append(
                Step(f"points.{number}", "points", f"The options compared{more}", rows=rows)
            )
    for point in points:
        steps.append(Step(f"point.{point.id}", "point", point.title, point=point))
    return steps


def comparison_table(review: ReviewReport) -> pd.DataFrame:
    """The options side by side as the report shows them: a "What" column, one per option."""
    recommended = review.recommended_point
    return compare_operating_points(review.points_on_data, recommended=recommended).text()


def _comparison_screens(review: ReviewReport) -> list[tuple[str, ...]]:
    """The comparison's rows over everyone (per-group rows are on each option's screen in
    the report), :data:`COMPARISON_ROWS_PER_SCREEN` to a screen."""
    labels = [str(w) for w in comparison_table(review)["What"]]
    overall = [w for w in labels if not PER_GROUP_ROW.search(w)] or labels
    size = COMPARISON_ROWS_PER_SCREEN
    return [tuple(overall[i : i + size]) for i in range(0, len(overall), size)]


def step_index(steps: list[Step], step_id: str | None) -> int:
    """Where ``step_id`` is among ``steps`` (0, the first screen, when it is not there)."""
    return next((i for i, s in enumerate(steps) if s.id == step_id), 0)
