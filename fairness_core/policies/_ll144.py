"""The tables of a NYC Local Law 144 bias audit (6 RCNY § 5-301)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fairness_core.policies._model import LL144Tables

if TYPE_CHECKING:
    from fairness_core.data import AuditData

__all__ = ["compute_ll144_tables"]


def compute_ll144_tables(
    data: AuditData,
    *,
    sex: str | None,
    race: str | None,
    scoring: bool,
    exclude_below_share: float | None = 0.02,
    unknown_values: Sequence[str] = (),
) -> LL144Tables:
    """Selection (or scoring) rates and impact ratios by sex, race/ethnicity and both."""
    raise NotImplementedError
