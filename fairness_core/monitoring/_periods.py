"""The period lengths a decision log can be cut into (kept apart from :mod:`._log`, which
imports pandas, so that ``fairness-explorer monitor --help`` can list them cheaply)."""

from __future__ import annotations

from typing import Literal

__all__ = ["PERIODS", "Period"]

Period = Literal["day", "week", "month", "quarter"]
#: The period lengths a time column can be cut into.
PERIODS: tuple[Period, ...] = ("day", "week", "month", "quarter")
