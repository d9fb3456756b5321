"""The tables of a NYC Local Law 144 bias audit (6 RCNY § 5-300, § 5-301).

Words, as the rules of the Department of Consumer and Worker Protection define them:

- *selection rate*: the share of a category's people who were selected (moved forward,
  hired, given the favourable decision);
- *scoring rate*: for a tool that gives scores, the share of a category's people who
  score above the *median score of the whole sample*; here "above" means more favourable
  (the audit's scores are oriented so that 1 is the most favourable) and strictly above;
- *impact ratio*: a category's rate divided by the highest rate of any category in the
  same table (sex, race/ethnicity, or their intersection);
- *unknown category*: people whose sex or race/ethnicity is missing or recorded as unknown
  (the policy's ``unknown_values``); they are counted and reported, and left out of the
  rates' comparison;
- *excluded category*: a category with less than ``exclude_below_share`` (2% in the
  rules) of the data may be left out of the impact ratios; it is still listed, with its
  rate, and marked excluded.

The counts are people (rows), not sample weights: the rules count individuals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fairness_core.data import MISSING_GROUP
from fairness_core.errors import InvalidInputError
from fairness_core.policies._model import LL144Tables

if TYPE_CHECKING:
    from fairness_core.data import AuditData

__all__ = ["compute_ll144_tables", "favourable_above_median", "unknown_mask"]

_COLUMNS = ["category", "people", "selected", "rate", "impact_ratio", "excluded"]
_JOIN = " · "


def favourable_above_median(data: AuditData) -> tuple[np.ndarray, float]:
    """Per row, whether the score is above the sample's median; and that median (0-1 scale)."""
    if data.y_score is None:
        raise InvalidInputError(
            "Scoring rates need the model's scores, and this review has decisions only. "
            "Expected a score column or a model. Choose a score column, or use selection rates."
        )
    score = np.asarray(data.y_score, dtype=np.float64)
    median = float(np.median(score))
    return score > median, median


def unknown_mask(labels: pd.Series, unknown_values: Sequence[str]) -> np.ndarray:
    """True where a category is missing or one of ``unknown_values`` (case-insensitive)."""
    words = {str(v).strip().casefold() for v in unknown_values} | {MISSING_GROUP.casefold()}
    return labels.astype(str).str.strip().str.casefold().isin(words).to_numpy()


def compute_ll144_tables(
    data: AuditData,
    *,
    sex: str | None,
    race: str | None,
    scoring: bool,
    exclude_below_share: float | None = 0.02,
    unknown_values: Sequence[str] = (),
) -> LL144Tables:
    """Selection (or scoring) rates and impact ratios by sex, race/ethnicity and both.

    ``sex`` and ``race`` name protected attributes of the review (None: that table is
    empty). ``scoring``: rates are scoring rates (share above the median score).
    """
    if scoring:
        outcome, median = favourable_above_median(data)
    else:
        outcome, median = np.asarray(data.y_pred, dtype=bool), None
    total = data.n_rows
    frame = pd.DataFrame({"outcome": outcome})
    for role, name in (("sex", sex), ("race", race)):
        if name is not None:
            column = data.group(name)
            frame[role] = np.asarray(column.labels, dtype=object)[column.codes]
    unknown: dict[str, int] = {}
    excluded: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    for role in ("sex", "race"):
        if role not in frame:
            tables[role] = pd.DataFrame(columns=_COLUMNS)
            continue
        known = ~unknown_mask(frame[role], unknown_values)
        unknown[role] = int((~known).sum())
        tables[role] = _rates(frame[known], [role], total, exclude_below_share)
        tables[role] = tables[role].rename(columns={role: "category"})
        excluded += tables[role].loc[tables[role]["excluded"], "category"].tolist()
    if "sex" in frame and "race" in frame:
        known = ~unknown_mask(frame["sex"], unknown_values) & ~unknown_mask(
            frame["race"], unknown_values
        )
        unknown["intersectional"] = int((~known).sum())
        both = _rates(frame[known], ["sex", "race"], total, exclude_below_share)
        both.insert(0, "category", both["sex"].astype(str) + _JOIN + both["race"].astype(str))
        excluded += both.loc[both["excluded"], "category"].tolist()
        intersectional = both[["sex", "race", *_COLUMNS]]
    else:
        intersectional = pd.DataFrame(columns=["sex", "race", *_COLUMNS])
    return LL144Tables(
        rate_name="scoring rate" if scoring else "selection rate",
        median_score=median,
        by_sex=tables["sex"].reset_index(drop=True),
        by_race=tables["race"].reset_index(drop=True),
        intersectional=intersectional.reset_index(drop=True),
        unknown=unknown,
        excluded=tuple(excluded),
        exclude_below_share=exclude_below_share,
    )


def _rates(
    frame: pd.DataFrame, keys: list[str], total: int, exclude_below_share: float | None
) -> pd.DataFrame:
    """People, selected, rate, impact ratio and excluded per category of ``keys``."""
    grouped = frame.groupby(keys, sort=True, dropna=False, observed=True)["outcome"]
    table = grouped.agg(people="size", selected="sum").reset_index()
    table["selected"] = table["selected"].astype(int)
    table["rate"] = table["selected"] / table["people"]
    share = table["people"] / total if total else 0.0
    table["excluded"] = (
        share < exclude_below_share if exclude_below_share else np.zeros(len(table), dtype=bool)
    )
    included = table.loc[~table["excluded"], "rate"]
    highest = float(included.max()) if len(included) else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = table["rate"] / highest if highest > 0 else pd.Series(np.nan, index=table.index)
    table["impact_ratio"] = ratio.where(~table["excluded"])
    table["excluded"] = table["excluded"].astype(bool)
    return table[[*keys, "people", "selected", "rate", "impact_ratio", "excluded"]]
