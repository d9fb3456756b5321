"""Cached core calls of the Learn page (the practice population and its criteria)."""

from __future__ import annotations

from components.keyed_cache import cached
from fairness_core.learn import (
    CriteriaReport,
    PopulationSettings,
    check_criteria,
    find_matching_threshold,
    make_population,
)


@cached(max_entries=64, kind="resource")
def criteria(
    settings: PopulationSettings, thresholds: tuple[float, float], tolerance: float
) -> CriteriaReport:
    """Which criteria hold on the practice population drawn with ``settings``."""
    return check_criteria(make_population(settings), thresholds, tolerance=tolerance)


@cached(max_entries=64)
def matching_threshold(settings: PopulationSettings, threshold: float, metric: str) -> float:
    """Group B's threshold that brings its ``metric`` closest to Group A's."""
    return find_matching_threshold(make_population(settings), threshold, metric)
