"""Why the What-if row filters match nobody, in words the reviewer can act on.

:func:`~fairness_core.whatif.filter_rows` keeps the rows that pass every filter; when none
does, :func:`explain_no_match` names the filters that empty the list: for each filter,
how many rows the *other* filters keep (what widening that one filter would give).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from fairness_core.whatif._edits import filter_rows

__all__ = ["FILTER_NAMES", "explain_no_match"]

#: The filters of :func:`filter_rows`, by keyword.
FILTER_NAMES = ("groups", "decision", "outcome_type", "score_range")


def explain_no_match(
    table: pd.DataFrame,
    *,
    titles: Mapping[str, str],
    groups: Mapping[str, Sequence[str]] | None = None,
    decision: int | None = None,
    outcome_type: str | None = None,
    score_range: tuple[float, float] | None = None,
) -> str:
    """A sentence saying which filters leave no row, and how many rows widening each gives.

    ``titles`` names each active filter as the page shows it, by keyword (e.g.
    ``{"decision": "'Model decision' = Favourable"}``). Returns "" when some row matches.
    """
    filters: dict[str, Any] = {
        "groups": groups,
        "decision": decision,
        "outcome_type": outcome_type,
        "score_range": score_range,
    }
    if len(filter_rows(table, **filters)):
        return ""
    if groups is not None and any(len(labels) == 0 for labels in groups.values()):
        return (
            f"No row matches: no group is chosen under {titles.get('groups', 'Groups')}. "
            "Choose at least one group."
        )
    active = [name for name in FILTER_NAMES if filters[name] is not None]
    widened = []
    for name in active:
        kept = len(filter_rows(table, **{**filters, name: None}))
        if kept:
            widened.append((kept, name))
    if not widened:
        return (
            f"No row matches these filters together, and widening any one of them alone is "
            f"not enough. Reset the filters to 'Any' (all {len(table):,} rows) and narrow "
            "them one at a time."
        )
    widened.sort(reverse=True)
    parts = [
        f"without {titles.get(name, name)}, {kept:,} {'row' if kept == 1 else 'rows'} would"
        for kept, name in widened
    ]
    return (
        "No row matches all the filters: "
        + "; ".join(parts)
        + ". Widen that filter (set it back to 'Any', or choose more groups or a wider range)."
    )
