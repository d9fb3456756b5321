"""Words the app uses that are neither a metric, a verdict nor a named summary.

:data:`TERMS` maps each word (as a reader sees it, lower case unless it is a name) to its
plain definition. It is the one place these definitions live: captions, help texts and the
glossary (:func:`fairness_core.learn.build_glossary`) read them from here, as they read
metric explanations from :data:`~fairness_core.metrics.METRICS`, verdicts from
:data:`~fairness_core.metrics.VERDICTS` and summaries from
:data:`~fairness_core.metrics.SUMMARIES`. Sources are cited in docs/glossary.md and
docs/learn.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["TERMS", "term"]

# fmt: off
_TERMS = {
    "positive decision": "The favourable decision the model or rule gives (a loan, an "
    "interview). This app always treats the favourable decision as the positive one.",
    "true outcome": "What really happened or should have happened (repaid or not, qualified "
    "or not), as recorded in the data; the app compares decisions with it.",
    "threshold": "The score at or above which a person gets the positive decision.",
    "score": "A number between 0 and 1 the model gives each person; higher means the "
    "favourable outcome is more likely.",
    "protected attribute": "A characteristic that decisions must not treat people worse "
    "for, such as sex, race or age; the app compares groups defined by it.",
    "intersection": "A group defined by two or more protected attributes at once, such as "
    "women aged 65 and over.",
    "reference group": "The group every other group is compared with: by default the "
    "best-treated group that can be judged on each metric.",
    "disparity": "How far a group's value is from the reference group's, as a difference "
    "(0 when equal) or a ratio (1 when equal).",
    "impact ratio": "A group's selection rate divided by the highest selection rate of any "
    "group that can be judged (the four-fifths rule's number).",
    "four-fifths rule": "A rule of thumb from US employment practice (29 CFR 1607.4(D)): "
    "a group selected at under four-fifths (0.8) of the highest group's rate is evidence "
    "of adverse impact.",
    "line": "The value a disparity must not cross to be acceptable, such as 0.8 for a "
    "ratio or 0.1 for a difference.",
    "confidence interval": "A range that very likely holds the true value; the fewer "
    "people measured, the wider it is. The app shows 95% intervals.",
    "statistical significance": "A gap is statistically significant when chance alone "
    "would rarely produce one this large with this many people (its adjusted p-value is "
    "below the significance level, usually 0.05).",
    "p-value": "How likely a gap at least this large would be if the two groups were truly "
    "treated alike; small values mean chance is an unlikely explanation.",
    "correction for many comparisons": "Comparing many groups finds some gaps by chance; "
    "a correction (such as Holm's) raises the bar so those false alarms stay rare.",
    "minimum n": "The fewest people a number must be measured on before the app gives a "
    "verdict on it; below it, the group is 'too few people to judge'.",
    "proxy": "A column that stands in for a protected attribute (a zip code for race), so "
    "a model can treat groups differently without seeing the attribute.",
    "operating point": "One way of turning scores into decisions: a threshold (or one per "
    "group) and the error rates and disparities that follow from it.",
    "frontier": "The operating points where no other point is both more accurate and "
    "fairer; moving along it trades one for the other.",
    "score band": "A range of scores, such as 0.6 to 0.7, within which calibration compares "
    "the average score with the share that truly had the positive outcome.",
    "calibration": "A score is calibrated when, among people given a score of about 0.7, "
    "about 70% truly had the positive outcome.",
    "calibration within groups": "The score is calibrated in every group separately: a "
    "score of 0.7 means a 70% chance whatever the person's group.",
    "expected calibration error": "The average distance between the scores and the shares "
    "that truly had the positive outcome, over score bins (0 is perfect).",
    "demographic parity": "Every group gets the positive decision at the same rate "
    "(equal selection rates).",
    "equal opportunity": "Among the people who deserved the positive outcome, every group "
    "gets it at the same rate (equal true positive rates).",
    "equalized odds": "Equal true positive rates and equal false positive rates across "
    "groups: both kinds of mistake are shared equally.",
    "predictive parity": "Among the people who got the positive decision, the same share "
    "truly deserved it in every group (equal precision).",
    "balance for the positive class": "The people whose true outcome was positive get the "
    "same average score in every group (Kleinberg, Mullainathan and Raghavan 2016).",
    "balance for the negative class": "The people whose true outcome was negative get the "
    "same average score in every group (Kleinberg, Mullainathan and Raghavan 2016).",
    "impossibility result": "When groups have different base rates, a score that is not "
    "perfect cannot be calibrated within groups and give equal error rates at once "
    "(Kleinberg, Mullainathan and Raghavan 2016; Chouldechova 2017).",
    "finding": "A chart or table pinned to the report, with the reviewer's note and "
    "severity.",
    "review": "One dataset (and model) with every choice the reviewer made, their findings "
    "and operating points; it is saved as they work and becomes the report.",
}
# fmt: on

#: Every extra term the app uses, with its plain definition (the glossary's other source).
TERMS: Mapping[str, str] = MappingProxyType(_TERMS)


def term(word: str) -> str:
    """The definition of ``word`` from :data:`TERMS` (for captions and help texts)."""
    return TERMS[word]
