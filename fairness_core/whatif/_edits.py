"""What-if: score one person as they are and as edited.

Vocabulary:

- a *row* is one person (application, case) of the audited table, addressed by its
  position in :attr:`AuditData.frame` (0-based);
- an *edit* sets one or more of the model's input columns (*features*) of a row to other
  values; the row is *re-scored* by the model and the score and decision compared;
- flip probes (edits of a protected attribute) live in :mod:`fairness_core.flips`.

Everything here needs the model (a :class:`~fairness_core.models.LoadedModel`); a table of
predictions alone cannot answer "what if".
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from fairness_core.data import AuditData
from fairness_core.errors import InvalidInputError
from fairness_core.models import LoadedModel

__all__ = [
    "OUTCOME_TYPES",
    "EditComparison",
    "FeatureSpec",
    "ModelScorer",
    "apply_edits",
    "compare_edit",
    "compute_feature_specs",
    "compute_row_table",
    "filter_rows",
]

#: Outcome types of a row: decision against the true outcome.
OUTCOME_TYPES = ("true positive", "false positive", "false negative", "true negative")
#: Categories shown in an editor drop-down or probed for a proxy, at most.
MAX_CATEGORIES = 50


# --------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelScorer:
    """A model with the audit's positive outcome, threshold and input columns.

    ``score`` gives the probability of the positive outcome; ``decide`` turns scores into
    decisions (1 when ``score >= threshold``). Only the ``features`` columns are passed to
    the model, so edits to other columns (a protected attribute the model does not read)
    cannot change anything.
    """

    model: LoadedModel
    positive_label: Hashable
    threshold: float
    features: tuple[str, ...]

    @classmethod
    def from_audit(cls, model: LoadedModel, audit: AuditData) -> ModelScorer:
        """The scorer for ``audit``: the model's columns (or the chosen features)."""
        features = model.feature_names or audit.roles.features
        if not features:
            raise InvalidInputError(
                f"The model '{model.name}' does not record which columns it reads, and no "
                "feature columns are chosen. On the Data & model page, choose the feature "
                "columns (the model's inputs, in training order)."
            )
        missing = [f for f in features if f not in audit.frame.columns]
        if missing:
            raise InvalidInputError(
                f"The model '{model.name}' reads columns the data does not have: "
                f"{', '.join(repr(m) for m in missing)}. Use the data the model was built "
                "for, or rename its columns."
            )
        return cls(model, audit.positive_label, float(audit.roles.threshold), tuple(features))

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        """Probability of the positive outcome for each row (float64)."""
        return self.model.score(
            frame.loc[:, list(self.features)], positive_label=self.positive_label
        )

    def decide(self, scores: np.ndarray) -> np.ndarray:
        """1 where ``scores >= threshold``, else 0 (int8)."""
        return (np.asarray(scores, dtype=np.float64) >= self.threshold).astype(np.int8)


# --------------------------------------------------------------------------------------
# Feature specs and the row table
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureSpec:
    """How one feature can be edited: a number in an observed range, or a category."""

    name: str
    kind: Literal["number", "category"]
    minimum: float = math.nan
    maximum: float = math.nan
    integer: bool = False
    categories: tuple[Hashable, ...] = ()
    has_missing: bool = False

    @property
    def span(self) -> float:
        """The observed range of a number (1 when it is a single value or a category)."""
        if self.kind == "category" or not self.maximum > self.minimum:
            return 1.0
        return float(self.maximum - self.minimum)


def compute_feature_specs(frame: pd.DataFrame, features: Sequence[str]) -> tuple[FeatureSpec, ...]:
    """One :class:`FeatureSpec` per feature, typed from the values in ``frame``.

    Numeric columns (booleans excluded) become numbers with their observed minimum and
    maximum; every other column a category with its observed values, most frequent first
    (at most :data:`MAX_CATEGORIES`).
    """
    specs = []
    for name in features:
        if name not in frame.columns:
            raise InvalidInputError(
                f"Feature '{name}' is not a column of the data. Choose features among the "
                "data's columns."
            )
        column = frame[name]
        missing = bool(column.isna().any())
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
            finite = values[np.isfinite(values)]
            low = float(finite.min()) if len(finite) else math.nan
            high = float(finite.max()) if len(finite) else math.nan
            integer = bool(len(finite)) and bool(np.all(np.floor(finite) == finite))
            specs.append(FeatureSpec(name, "number", low, high, integer, (), missing))
        else:
            counts = column.dropna().value_counts(sort=True)
            categories = tuple(plain_value(v) for v in counts.index[:MAX_CATEGORIES])
            specs.append(FeatureSpec(name, "category", categories=categories, has_missing=missing))
    return tuple(specs)


def compute_row_table(
    audit: AuditData, scorer: ModelScorer, *, scores: np.ndarray | None = None
) -> pd.DataFrame:
    """Every row with its groups, outcome, model score, decision and outcome type.

    Columns: ``row`` (position in the audit's frame), one column per protected attribute
    (the group label, bands for binned numbers), ``outcome`` (1 = positive), ``score``
    (the model's), ``decision`` (1 = positive), ``outcome_type`` (true/false
    positive/negative), then the features' values.
    """
    if scores is None:
        scores = scorer.score(audit.frame)
    decisions = scorer.decide(scores)
    table = pd.DataFrame({"row": np.arange(audit.n_rows)})
    for group in audit.groups:
        table[group.name] = pd.Categorical.from_codes(  # type: ignore[call-overload]
            group.codes, categories=list(group.labels)
        )
    table["outcome"] = audit.y_true.astype(np.int8)
    table["score"] = scores
    table["decision"] = decisions
    kind = 2 * (1 - audit.y_true.astype(np.int64)) + (1 - decisions.astype(np.int64))
    # outcome 1 & decision 1 → TP (0); 1 & 0 → FN (1); 0 & 1 → FP (2); 0 & 0 → TN (3)
    names = np.array(["true positive", "false negative", "false positive", "true negative"])
    table["outcome_type"] = names[kind]
    for name in scorer.features:
        if name not in table.columns:
            table[name] = audit.frame[name].to_numpy()
    return table


def filter_rows(
    table: pd.DataFrame,
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    decision: int | None = None,
    outcome_type: str | None = None,
    score_range: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The rows of a :func:`compute_row_table` table that pass every filter given.

    ``groups`` maps a protected attribute to the group labels to keep (an empty list keeps
    none); ``decision`` is 0 or 1; ``outcome_type`` one of :data:`OUTCOME_TYPES`;
    ``score_range`` is inclusive.
    """
    keep = np.ones(len(table), dtype=bool)
    for attribute, labels in (groups or {}).items():
        if attribute not in table.columns:
            raise InvalidInputError(
                f"'{attribute}' is not a protected attribute of this audit. Choose one of "
                "the protected attributes."
            )
        keep &= table[attribute].astype(str).isin([str(v) for v in labels]).to_numpy()
    if decision is not None:
        keep &= table["decision"].to_numpy() == int(decision)
    if outcome_type is not None:
        if outcome_type not in OUTCOME_TYPES:
            raise InvalidInputError(
                f"outcome_type must be one of {', '.join(OUTCOME_TYPES)}. Got "
                f"{outcome_type!r} instead."
            )
        keep &= table["outcome_type"].to_numpy() == outcome_type
    if score_range is not None:
        low, high = score_range
        scores = table["score"].to_numpy()
        keep &= (scores >= low) & (scores <= high)
    return table.loc[keep].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Edits
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditComparison:
    """One row before and after an edit: score, decision, and the values side by side."""

    table: pd.DataFrame = field(repr=False, compare=False)
    score_before: float
    score_after: float
    decision_before: int
    decision_after: int
    threshold: float

    @property
    def decision_changed(self) -> bool:
        """True when the edit turns the decision around."""
        return self.decision_before != self.decision_after


def apply_edits(
    row: pd.DataFrame, edits: Mapping[str, object], specs: Sequence[FeatureSpec]
) -> pd.DataFrame:
    """A copy of the one-row ``row`` with ``edits`` applied, each checked against its spec.

    Numbers must be finite numbers (values outside the observed range are allowed: the
    reviewer may ask about them, and the page warns); categories must be observed values;
    ``None`` means missing and is allowed where the data has missing values.
    """
    if len(row) != 1:
        raise InvalidInputError(f"row must be one row of the data. Got {len(row)} rows instead.")
    by_name = {s.name: s for s in specs}
    edited = row.copy()
    for name, value in edits.items():
        spec = by_name.get(name)
        if spec is None:
            raise InvalidInputError(
                f"'{name}' is not one of the model's features, so editing it cannot change "
                f"the decision. Edit one of: {', '.join(by_name)}."
            )
        edited[name] = pd.Series([_check_value(spec, value)], index=edited.index)
    return edited


def _check_value(spec: FeatureSpec, value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if not spec.has_missing:
            raise InvalidInputError(
                f"'{spec.name}' cannot be left empty: the data has no missing values there, "
                "so the model may not handle one. Enter a value."
            )
        return np.nan if spec.kind == "number" else None
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise InvalidInputError(
                f"'{spec.name}' must be a number. Got {value!r} instead. Enter a number."
            )
        number = float(value)
        if not math.isfinite(number):
            raise InvalidInputError(f"'{spec.name}' must be a finite number. Got {value!r}.")
        return int(number) if spec.integer and number.is_integer() else number
    if not any(same_value(value, c) for c in spec.categories):
        shown = ", ".join(repr(c) for c in spec.categories[:10])
        raise InvalidInputError(
            f"'{value}' is not a value of '{spec.name}' in the data. Choose one of: {shown}."
        )
    return next(c for c in spec.categories if same_value(value, c))


def compare_edit(
    scorer: ModelScorer,
    row: pd.DataFrame,
    edits: Mapping[str, object],
    specs: Sequence[FeatureSpec],
) -> EditComparison:
    """Score ``row`` as it is and with ``edits``; the features side by side."""
    edited = apply_edits(row, edits, specs)
    scores = scorer.score(pd.concat([row, edited], ignore_index=True))
    decisions = scorer.decide(scores)
    records = []
    for name in scorer.features:
        before, after = plain_value(row[name].iloc[0]), plain_value(edited[name].iloc[0])
        records.append(
            {
                "feature": name,
                "original": before,
                "edited": after,
                "changed": not same_value(before, after),
            }
        )
    table = pd.DataFrame.from_records(records)
    return EditComparison(
        table=table,
        score_before=float(scores[0]),
        score_after=float(scores[1]),
        decision_before=int(decisions[0]),
        decision_after=int(decisions[1]),
        threshold=scorer.threshold,
    )


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def is_number_column(column: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column))


def plain_value(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA:
        return None
    return value


def same_value(left: object, right: object) -> bool:
    left, right = plain_value(left), plain_value(right)
    if _missing(left) or _missing(right):
        return _missing(left) and _missing(right)
    try:
        return bool(left == right)
    except Exception:  # odd values never match
        return False


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value_text(value: object) -> str:
    if _missing(value):
        return "(missing)"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)
