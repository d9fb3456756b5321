"""Learn: a practice population, the fairness criteria on it, lessons and the glossary.

- *practice population*: two groups of people with a score each, seeded, whose base rates
  and score separation a trainer sets (:class:`PopulationSettings`, :func:`make_population`
  → :class:`SyntheticPopulation`); the score is calibrated within each group by construction;
- *criterion*: a fairness definition (demographic parity, equal opportunity, equalized odds,
  predictive parity, calibration within groups, balance for the positive / negative class)
  measured on the population at a threshold per group with the core's own metrics
  (:func:`check_criteria` → :class:`CriteriaReport`);
- *impossibility result*: when base rates differ, calibration within groups and equal error
  rates cannot all hold unless scores are perfect (Kleinberg, Mullainathan and Raghavan
  2016; Chouldechova 2017); :class:`ErrorRateIdentity` shows Chouldechova's identity per group;
- *lesson*: a short exercise on the population (:data:`LESSONS`);
- *glossary*: every word the app shows, built from the same text as its captions
  (:func:`build_glossary`, :func:`glossary_markdown`).
"""

from __future__ import annotations

from fairness_core.learn._criteria import (
    CRITERIA,
    MATCHABLE,
    CriteriaReport,
    Criterion,
    ErrorRateIdentity,
    check_criteria,
    find_matching_threshold,
)
from fairness_core.learn._glossary import (
    GlossaryEntry,
    build_glossary,
    glossary_markdown,
    search_glossary,
)
from fairness_core.learn._lessons import LESSONS, Lesson
from fairness_core.learn._population import (
    PopulationSettings,
    SyntheticPopulation,
    make_population,
)

__all__ = [
    "CRITERIA",
    "LESSONS",
    "MATCHABLE",
    "CriteriaReport",
    "Criterion",
    "ErrorRateIdentity",
    "GlossaryEntry",
    "Lesson",
    "PopulationSettings",
    "SyntheticPopulation",
    "build_glossary",
    "check_criteria",
    "find_matching_threshold",
    "glossary_markdown",
    "make_population",
    "search_glossary",
]
