"""The group overview: who is in the data, per protected attribute.

For each group of one protected attribute: how many rows it has, its share of the data,
the *base rate* (share of rows whose true outcome is positive) and how many of its rows
have a missing value in an audited column. This is what a reviewer checks first: a group
of 12 people cannot support strong conclusions, and a group with many gaps may be
measured worse than the others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairness_core.data._validation import AuditData

__all__ = ["compute_group_overview"]


def compute_group_overview(audit: AuditData, attribute: str) -> pd.DataFrame:
    """One row per group of ``attribute``: rows, share, base_rate, missing_share.

    Counts are of rows; ``share`` and ``base_rate`` use the sample weights when the audit
    has them. ``missing_share`` is the share of the group's rows with at least one empty
    cell among the audited columns (target, decision source, features).
    """
    group = audit.group(attribute)
    n_groups = len(group.labels)
    weights = audit.sample_weight if audit.sample_weight is not None else None
    rows = np.bincount(group.codes, minlength=n_groups)
    weighted = np.bincount(group.codes, weights=weights, minlength=n_groups)
    positives = np.bincount(
        group.codes,
        weights=audit.y_true if weights is None else audit.y_true * weights,
        minlength=n_groups,
    )
    audited = [c for c in audit.roles.used_columns() if c not in audit.roles.protected]
    row_has_gap = audit.frame[audited].isna().any(axis=1).to_numpy()
    gaps = np.bincount(group.codes, weights=row_has_gap.astype(float), minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame = pd.DataFrame(
            {
                "group": list(group.labels),
                "rows": rows,
                "share": weighted / weighted.sum(),
                "base_rate": np.where(weighted > 0, positives / weighted, np.nan),
                "missing_share": np.where(rows > 0, gaps / rows, np.nan),
            }
        )
    return frame
