"""What a monitoring run compares and how strictly (:class:`MonitorSettings`), and the one
check of those settings every engine runs before the report (:func:`check_settings`)."""

from __future__ import annotations

from dataclasses import dataclass

from fairness_core.errors import InvalidInputError
from fairness_core.metrics import METRICS, Correction, Reference

__all__ = ["DECISION_METRICS", "DEFAULT_MONITOR_METRICS", "MonitorSettings", "check_settings"]

#: Metrics computed on every row (they need decisions only).
DECISION_METRICS: tuple[str, ...] = ("selection_rate",)
#: Metrics monitored when none are chosen (with outcomes; selection rate alone without).
DEFAULT_MONITOR_METRICS: tuple[str, ...] = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
)


@dataclass(frozen=True)
class MonitorSettings:
    """What a monitoring run compares and how strictly.

    ``metrics``: rate metrics with a harmful direction (None: :data:`DEFAULT_MONITOR_METRICS`,
    or the selection rate alone when the log has no outcomes). ``baseline``: ``"first"``,
    ``"previous"`` or a period label such as ``"2026-03"``. ``reference``: the group every
    gap is measured from, resolved once on the whole log and then held fixed: the
    ``"largest"`` group (the default: its rate is the most precise, so the gaps are),
    the ``"best"``-treated group that can be judged, or a group's labels. The per-period
    subgroup reports use the Subgroups page's rule (the best-treated group in that period)
    unless a group is named. ``min_n``: (effective) people needed in a group, its reference, the
    period and the baseline to judge a change. ``alpha``: the family-wise false-alarm rate.
    """

    attributes: tuple[str, ...]
    metrics: tuple[str, ...] | None = None
    baseline: str = "first"
    reference: Reference = "largest"
    min_n: int = 30
    alpha: float = 0.05
    correction: Correction = "holm"
    confidence: float = 0.95


def check_settings(
    periods: tuple[str, ...], has_outcome: bool, settings: MonitorSettings
) -> tuple[str, ...]:
    """Raise one error listing every unusable setting; return the metrics to monitor."""
    problems = []
    if settings.metrics is None:
        metrics = DEFAULT_MONITOR_METRICS if has_outcome else DECISION_METRICS
    else:
        metrics = tuple(dict.fromkeys(settings.metrics))
        usable = [n for n, s in METRICS.items() if s.kind == "rate" and s.harmful]
        wrong = [m for m in metrics if m not in usable]
        if wrong or not metrics:
            problems.append(
                f"metrics must be rate metrics that can harm a group: {', '.join(usable)}. "
                f"Got {list(metrics)}."
            )
        needs_outcome = [m for m in metrics if m not in DECISION_METRICS and m in usable]
        if needs_outcome and not has_outcome:
            problems.append(
                f"{', '.join(needs_outcome)} need the true outcome, and this log has no "
                "target column. Name the target column, or monitor selection_rate only."
            )
    if settings.baseline not in ("first", "previous", *periods):
        shown = ", ".join(periods[:6]) + (" …" if len(periods) > 6 else "")
        problems.append(
            f"baseline must be 'first', 'previous' or one of the log's periods ({shown}). "
            f"Got {settings.baseline!r}."
        )
    if len(periods) < 2:
        problems.append(
            f"the log must span at least two periods to compare. Got {len(periods)} "
            f"({', '.join(periods) or 'none'}); choose a shorter period or add older files."
        )
    if (
        isinstance(settings.min_n, bool)
        or not isinstance(settings.min_n, int)
        or settings.min_n < 1
    ):
        problems.append(
            f"min n must be a whole number of 1 or more, e.g. 30. Got {settings.min_n!r}."
        )
    if not 0 < settings.alpha < 1:
        problems.append(f"alpha must be between 0 and 1, e.g. 0.05. Got {settings.alpha!r}.")
    if problems:
        noun = "setting is" if len(problems) == 1 else "settings are"
        raise InvalidInputError(
            f"{len(problems)} monitoring {noun} not usable. Change them and run again:\n- "
            + "\n- ".join(problems)
        )
    return metrics
