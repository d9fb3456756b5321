"""A guide for choosing a fairness metric, in the words of the situation, not the statistics.

Each entry pairs a situation a reviewer recognises with the metric (and the named summary)
that speaks to it, and says why. The Subgroups page shows it beside the metric picker;
reports quote it in their method notes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GUIDE", "GuideEntry"]


@dataclass(frozen=True)
class GuideEntry:
    """When ``situation`` holds, look at ``metric`` (summarised by ``summary``) because ``why``."""

    situation: str
    metric: str
    summary: str
    why: str


GUIDE: tuple[GuideEntry, ...] = (
    GuideEntry(
        "Everyone should have the same chance of the positive decision, whatever their "
        "group (for example, an advertising or outreach campaign).",
        "selection_rate",
        "demographic_parity_ratio",
        "It compares how often each group gets the positive decision. The four-fifths rule "
        "of US employment practice flags a group selected at under 0.8× the rate of the "
        "reference group.",
    ),
    GuideEntry(
        "Missing a deserving person is the costly mistake (a qualified candidate not "
        "interviewed, a creditworthy applicant refused).",
        "true_positive_rate",
        "equal_opportunity_difference",
        "It compares, among the people who deserved the positive outcome, how many each "
        "group actually got. This is equal opportunity.",
    ),
    GuideEntry(
        "Wrongly giving the positive decision is the costly mistake (a loan to someone who "
        "cannot repay, a benefit paid in error).",
        "false_positive_rate",
        "equalized_odds_difference",
        "It compares, among people who did not deserve the positive outcome, how often each "
        "group still got it.",
    ),
    GuideEntry(
        "Both kinds of mistake matter and should be shared equally between groups.",
        "true_positive_rate",
        "equalized_odds_difference",
        "Equalized odds asks for equal true positive and equal false positive rates; its "
        "difference is the larger of the two gaps.",
    ),
    GuideEntry(
        "A positive decision should mean the same thing for everyone (a high score should be "
        "equally trustworthy in every group).",
        "precision",
        "predictive_parity_difference",
        "It compares, among people who got the positive decision, how many truly deserved it.",
    ),
    GuideEntry(
        "You want to know whether the model is simply worse for some groups.",
        "accuracy",
        "accuracy_difference",
        "It compares the share of correct decisions; look at balanced accuracy when one "
        "outcome is rare.",
    ),
)
