"""Seeded simulations of monitored logs: the false-alarm rate with no change, and the power.

Run from the repository root to print the numbers quoted in docs/monitoring.md::

    .venv/bin/python tests/core/monitoring/monitoring_simulation.py

Each simulated log has 12 monthly periods of 1,500 decisions in four groups (52%, 24%,
16% and 8% of the rows), every outcome known, a base rate of 0.6 and, in every group, a
selection rate of 0.5, a true positive rate of 0.7 and a false positive rate of 0.25
(before any change). Counts are drawn per period × group × cell straight into a
:class:`~fairness_core.monitoring.PeriodCounts` (what an engine would fill) and judged by
:func:`~fairness_core.monitoring.detect_changes` with the default settings (selection rate,
true and false positive rate; baseline the first period; min n 30; Holm at 0.05).
"""

from __future__ import annotations

import sys

import numpy as np

from fairness_core.monitoring import MonitorSettings, PeriodCounts, detect_changes

PERIODS = tuple(f"2025-{m:02d}" for m in range(1, 13))
GROUPS = (("A",), ("B",), ("C",), ("D",))
SHARES = (0.52, 0.24, 0.16, 0.08)
ROWS = 1500
BASE_RATE, TPR, FPR = 0.6, 0.7, 0.25


def simulate_counts(
    seed: int,
    *,
    drop_group: int | None = None,
    drop: float = 0.0,
    from_period: int = 7,
) -> PeriodCounts:
    """One log's count tables; ``drop`` lowers group ``drop_group``'s TPR and FPR from
    ``from_period`` (0-based) on, so its selection rate falls by about ``drop``."""
    rng = np.random.default_rng(seed)
    n_p, n_g = len(PERIODS), len(GROUPS)
    cells = np.zeros((n_p, n_g, 4), dtype=np.int64)
    for t in range(n_p):
        sizes = rng.multinomial(ROWS, SHARES)
        for g in range(n_g):
            tpr, fpr = TPR, FPR
            if g == drop_group and t >= from_period:
                tpr, fpr = TPR - drop, FPR - drop
            probs = [BASE_RATE * tpr, (1 - BASE_RATE) * fpr,
                     BASE_RATE * (1 - tpr), (1 - BASE_RATE) * (1 - fpr)]  # fmt: skip
            cells[t, g] = rng.multinomial(sizes[g], probs)
    as_float = cells.astype(np.float64)
    empty = np.zeros((n_p, n_g, 2), dtype=np.int64)
    return PeriodCounts(
        PERIODS, ("group",), GROUPS, cells, as_float, as_float, empty,
        empty.astype(np.float64), empty.astype(np.float64),
    )  # fmt: skip


def alert_rate(seeds: range, **change: object) -> tuple[float, float]:
    """(share of runs with any alert, share of runs alerting on the changed group)."""
    settings = MonitorSettings(attributes=("group",))
    any_alert = hit = 0
    for seed in seeds:
        changes = detect_changes(simulate_counts(seed, **change), settings)  # type: ignore[arg-type]
        worse = changes[changes["verdict"] == "worse"]
        any_alert += not worse.empty
        group = change.get("drop_group")
        if group is not None:
            hit += bool((worse["group"] == GROUPS[int(group)][0]).any())  # type: ignore[call-overload]
    return any_alert / len(seeds), hit / len(seeds)


def main() -> int:
    seeds = range(1000)
    false_alarms, _ = alert_rate(seeds)
    print(f"No change, {len(seeds)} runs: at least one alert in {false_alarms:.1%}.")
    for group, size in ((1, "24% (about 360 a month)"), (3, "8% (about 120 a month)")):
        for drop in (0.05, 0.10, 0.15):
            _, power = alert_rate(seeds, drop_group=group, drop=drop)
            print(f"Drop of {drop:.2f} in a group of {size} from month 8: detected in {power:.1%}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
