"""The review report's "Which metric and why" section, in words every export shares.

The reviewer's answers to the "Which metric?" questions
(:func:`fairness_core.metrics.recommend_metric`) are recorded with the review; the HTML
and PDF reports, the model card and the metrics JSON show the same lead sentence, the
answers and the reasoning.
"""

from __future__ import annotations

from typing import Any

from fairness_core.metrics import METRICS, MetricRecommendation, summary_spec

__all__ = ["WHICH_METRIC_TITLE", "which_metric_lead", "which_metric_to_dict"]

WHICH_METRIC_TITLE = "Which metric and why"


def _measures(recommendation: MetricRecommendation) -> list[str]:
    measures = [METRICS[m].title.lower() for m in recommendation.metrics]
    if recommendation.calibration:
        measures.insert(0, "calibration by group")
    return measures


def which_metric_lead(recommendation: MetricRecommendation) -> str:
    """One sentence: the criterion chosen and the measures it is read from."""
    summaries = [summary_spec(s).title.lower() for s in recommendation.summaries]
    return (
        f"The reviewer's answers to the 'Which metric?' questions lead to "
        f"{recommendation.title.lower()}: look at {', '.join(_measures(recommendation))} "
        f"(summarised by the {' and the '.join(summaries)})."
    )


def which_metric_to_dict(recommendation: MetricRecommendation) -> dict[str, Any]:
    """The section as JSON-ready data."""
    return {
        "recommendation": recommendation.key,
        "title": recommendation.title,
        "metrics": list(recommendation.metrics),
        "summaries": list(recommendation.summaries),
        "calibration": recommendation.calibration,
        "answers": [{"question": q, "answer": a} for q, a in recommendation.answers],
        "reasoning": list(recommendation.reasoning),
    }
