"""Test data for the policy tests: small tables built in the tests, audited as a review."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairness_core.data import AuditData, ColumnRoles, check_audit_data


def rows(groups: dict[tuple[str, ...], tuple[int, int]], columns: tuple[str, ...]) -> pd.DataFrame:
    """A table with, per group (labels per column), ``size`` people of whom ``selected`` hired.

    The true outcome alternates within each group; ``score`` is 0.9 for the selected and
    0.2 for the others, spread a little so a median exists.
    """
    parts = []
    for labels, (selected, size) in groups.items():
        part = pd.DataFrame({c: [v] * size for c, v in zip(columns, labels, strict=True)})
        part["hired"] = (np.arange(size) < selected).astype(int)
        part["qualified"] = np.arange(size) % 2
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame["score"] = np.where(frame["hired"] == 1, 0.9, 0.2) + np.linspace(0, 0.05, len(frame))
    return frame


def audit(frame: pd.DataFrame, protected: tuple[str, ...], *, score: bool = False) -> AuditData:
    """The table as a review: decisions from ``hired`` (or scores from ``score``)."""
    if score:
        roles = ColumnRoles(target="qualified", protected=protected, positive_label=1,
                            source="score", score="score", threshold=0.5)  # fmt: skip
    else:
        roles = ColumnRoles(target="qualified", protected=protected, positive_label=1,
                            prediction="hired")  # fmt: skip
    return check_audit_data(frame, roles)
