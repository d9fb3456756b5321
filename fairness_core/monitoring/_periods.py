"""The period lengths a decision log can be cut into (kept apart from :mod:`._log`, which
imports pandas, so that ``fairness-explorer monitor --help`` can list them cheaply)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

__all__ = ["PERIODS", "Period", "sort_periods"]

Period = Literal["day", "week", "month", "quarter"]
#: The period lengths a time column can be cut into.
PERIODS: tuple[Period, ...] = ("day", "week", "month", "quarter")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def sort_periods(labels: Iterable[str]) -> tuple[str, ...]:
    """The distinct period labels in order: as numbers when every label is one (a period
    column or hive partition ``month=5``, …, ``month=12``: 5 before 10), else as text (the
    labels of a time column, ``2026-03``, sort in time order as text). Every engine orders
    periods with this."""
    distinct = set(labels)
    if distinct and all(_NUMBER.fullmatch(label) for label in distinct):
        return tuple(sorted(distinct, key=lambda label: (float(label), label)))
    return tuple(sorted(distinct))
