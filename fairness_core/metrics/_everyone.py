"""Disparities against everyone: the reference ``"overall"``.

Some policies compare each group with *everyone* in the data rather than with another
group (a group's selection rate against the overall selection rate). Words:

- the *value* is the group's metric against the metric of all rows (difference: group −
  everyone; ratio: group ÷ everyone), so it is 0 (or 1) when the group is treated like
  the whole;
- the *test*: a group is part of everyone, so the two are not independent samples. Its
  rate equals everyone's exactly when it equals the rate of *the rest* (everyone else), so
  for proportion metrics the p-value compares the group with the rest (the same exact or z
  test as between groups); the interval of the value is computed as if everyone were an
  independent sample, which makes it somewhat wider than it needs to be (cautious);
- rows of the disparity table carry ``reference_index`` −1 and ``reference`` "everyone".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from fairness_core.metrics._counts import GroupCounts, ScoreSums
from fairness_core.metrics._registry import METRICS, compute_disparities
from fairness_core.metrics._stats import _effective_counts, two_proportion_p_values

__all__ = ["EVERYONE", "EVERYONE_INDEX", "everyone_disparities", "everyone_tests"]

#: The reference's name in tables and JSON when the reference is everyone.
EVERYONE = "everyone"
#: ``reference_index`` of rows compared with everyone.
EVERYONE_INDEX = -1


def _appended(counts: GroupCounts) -> GroupCounts:
    """``counts`` with one more group at the end: every row (labels "everyone")."""
    overall = counts.overall
    assert overall is not None  # noqa: S101 - compute_group_counts always sets it
    scores = None
    if counts.scores is not None and overall.scores is not None:
        a, b = counts.scores, overall.scores
        scores = ScoreSums(
            *(
                np.concatenate([getattr(a, f), getattr(b, f)])
                for f in ("score", "squared_error", "log_loss", "ranked_pairs")
            )
        )
    return replace(
        counts,
        labels=(*counts.labels, (EVERYONE,) * len(counts.attributes)),
        cells=np.concatenate([counts.cells, overall.cells]),
        weighted_cells=np.concatenate([counts.weighted_cells, overall.weighted_cells]),
        squared_weight_cells=np.concatenate(
            [counts.squared_weight_cells, overall.squared_weight_cells]
        ),
        scores=scores,
        overall=overall,
    )


def everyone_disparities(
    counts: GroupCounts, *, metrics: Sequence[str], min_n: int
) -> tuple[pd.DataFrame, GroupCounts]:
    """The disparity table against everyone, and the counts with "everyone" appended.

    The table's ``reference_index`` points at the appended group; :func:`everyone_tests`
    and the caller turn it into :data:`EVERYONE_INDEX` once the tests are done.
    """
    appended = _appended(counts)
    labels = (EVERYONE,) * len(counts.attributes)
    table = compute_disparities(appended, metrics=metrics, reference=labels, min_n=min_n)
    table["reference"] = EVERYONE
    return table, appended


def everyone_tests(counts: GroupCounts, table: pd.DataFrame, p: np.ndarray) -> np.ndarray:
    """p-values of proportion metrics replaced by the group-vs-the-rest test (see above)."""
    overall = counts.overall
    assert overall is not None  # noqa: S101 - compute_group_counts always sets it
    rest = replace(
        counts,
        cells=overall.cells - counts.cells,
        weighted_cells=overall.weighted_cells - counts.weighted_cells,
        squared_weight_cells=overall.squared_weight_cells - counts.squared_weight_cells,
        scores=None,
        overall=None,
    )
    p = p.copy()
    metrics = table["metric"].to_numpy()
    groups = table["group_index"].to_numpy()
    for name in dict.fromkeys(metrics.tolist()):
        if METRICS[name].kind != "rate":
            continue
        at = np.flatnonzero(metrics == name)
        g = groups[at]
        s, n = _effective_counts(counts, name)
        s_rest, n_rest = _effective_counts(rest, name)
        p[at], _ = two_proportion_p_values(s[g], n[g], s_rest[g], n_rest[g], exact=True)
    return p
