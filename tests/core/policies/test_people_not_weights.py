"""Policies count people: sample weights never change a policy's ratio or status.

The four-fifths rule compares applicants (29 CFR 1607.4(D)) and Local Law 144 counts
individuals, so a requirement and the tables beside it must agree even when the review
weights rows. Example from a review: A selects 50 of 100, B 30 of 100, and B's selected
rows carry weight 3 — weighted, B would look selected at 0.9 of A's rate.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fairness_core.data import ColumnRoles, check_audit_data
from fairness_core.policies import builtin_policies, evaluate_policy


def _data(weighted: bool):
    rows = []
    for group, selected in (("A", 50), ("B", 30)):
        for i in range(100):
            chosen = int(i < selected)
            weight = 3.0 if (weighted and group == "B" and chosen) else 1.0
            rows.append({"group": group, "hired": chosen, "qualified": i % 2, "w": weight})
    frame = pd.DataFrame(rows)
    roles = ColumnRoles(
        target="qualified", positive_label=1, prediction="hired", protected=("group",),
        weight="w" if weighted else None,
    )  # fmt: skip
    return check_audit_data(frame, roles)


@pytest.mark.parametrize("weighted", [False, True])
def test_four_fifths_counts_applicants(weighted: bool) -> None:
    result = evaluate_policy(builtin_policies()["four-fifths"], _data(weighted))
    requirement = result.requirements[0]
    assert requirement.value == pytest.approx(0.30 / 0.50)  # people, not weights
    assert requirement.status == "not met"  # 0.6 < 0.8 and significant (p about 0.005)
