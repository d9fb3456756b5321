"""Retraining internals of :mod:`fairness_core.mitigation` (not public API).

- :func:`training_data` validates the training table like the audit and returns features,
  a 0/1 outcome and one group label per row;
- :mod:`._retrain` (``run_method``) retrains a clone of the shared estimator — kept apart
  because it imports fairlearn and scikit-learn, which only a retraining run needs;
- :class:`Tracker` reports progress across the stages of a run and raises
  :class:`CancelledError` when the reviewer asks to stop.

The loaded estimator is only read: every fit trains ``sklearn.base.clone(estimator)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from fairness_core.data import AuditData, GroupColumn, check_audit_data
from fairness_core.errors import FairnessCoreError, InvalidInputError, ValidationFailedError
from fairness_core.models import LoadedModel, quote_list

#: Expected calls of the underlying estimator per exponentiated-gradient round (progress
#: is an estimate: a round trains 1 to 9 models, about 3 on the demos).
FITS_PER_ROUND = 4

Progress = Callable[[float, str], None]
ShouldStop = Callable[[], bool]


class CancelledError(FairnessCoreError):
    """The reviewer stopped a long computation before it finished."""


# --------------------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------------------


class Tracker:
    """Progress over the stages of a run, and the stop check before every model fit."""

    def __init__(
        self,
        methods: Sequence[str],
        max_iter: int,
        grid_size: int,
        progress: Progress | None,
        should_stop: ShouldStop | None,
    ) -> None:
        cost = {
            "original": 1,
            "reweighing": 1,
            "exponentiated_gradient": FITS_PER_ROUND * max_iter,
            "grid_search": grid_size,
        }
        stages = ("original", *methods)
        total = float(sum(cost[s] for s in stages))
        starts = np.cumsum([0, *(cost[s] for s in stages)]) / total
        self._span = {s: (float(starts[i]), float(starts[i + 1])) for i, s in enumerate(stages)}
        self._expected = cost
        self._progress = progress
        self._should_stop = should_stop
        self._stage = "original"
        self._fits = 0
        self._message = ""

    def start(self, stage: str, message: str) -> None:
        self.check()
        self._stage, self._fits, self._message = stage, 0, message
        self._report(self._span[stage][0], message)

    def before_fit(self) -> None:
        self.check()
        low, high = self._span[self._stage]
        share = min(self._fits / self._expected[self._stage], 0.95)
        self._fits += 1
        self._report(low + (high - low) * share, f"{self._message} (model {self._fits})")

    def finish(self) -> None:
        self._report(1.0, "Done.")

    def check(self) -> None:
        if self._should_stop is not None and self._should_stop():
            raise CancelledError(
                "The mitigation run was stopped before it finished, so there are no results. "
                "Press Run mitigation to start it again."
            )

    def _report(self, fraction: float, message: str) -> None:
        if self._progress is not None:
            self._progress(min(max(fraction, 0.0), 1.0), message)


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


def check_count(value: object, name: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidInputError(f"{name} must be a whole number of at least 1. Got {value!r}.")
    if value > limit:
        raise InvalidInputError(
            f"{name} must be at most {limit:,} to keep the run short. Got {value!r} instead."
        )
    return int(value)


def feature_names(model: LoadedModel, estimator: Any) -> tuple[str, ...]:
    names = model.feature_names
    if names is None:
        recorded = getattr(estimator, "feature_names_in_", None)
        names = None if recorded is None else tuple(str(c) for c in recorded)
    if not names:
        raise InvalidInputError(
            f"The model '{model.name}' does not record which columns it uses, so it cannot "
            "be retrained on a table. Fit the model on a pandas DataFrame (so it keeps the "
            "column names) and save it again."
        )
    return names


def test_features(audit: AuditData, features: tuple[str, ...], model_name: str) -> pd.DataFrame:
    missing = [c for c in features if c not in audit.frame.columns]
    if missing:
        raise InvalidInputError(
            f"The test data lacks columns the model '{model_name}' needs: "
            f"{quote_list(missing)}. Load test data with every model input column."
        )
    return audit.frame.loc[:, list(features)]


def training_data(
    model: LoadedModel,
    train: pd.DataFrame,
    audit: AuditData,
    attributes: tuple[str, ...],
    features: tuple[str, ...],
    max_train_rows: int | None,
    seed: int,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Features, 0/1 outcome and group label per training row (validated like the audit)."""
    if not isinstance(train, pd.DataFrame):
        raise InvalidInputError(
            f"The training data must be a table. Got {type(train).__name__} instead."
        )
    roles = dataclasses.replace(
        audit.roles,
        source="model",
        prediction=None,
        score=None,
        weight=None,
        features=(),
        protected=attributes,
        bins=tuple(b for b in audit.roles.bins if b.column in attributes),
        positive_label=audit.positive_label,
    )
    try:
        # LoadedModel's fields are read-only; validation only reads them.
        checked = check_audit_data(train, roles, model=cast(Any, model))
    except ValidationFailedError as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        lines = "\n".join(f"- {p.message()}" for p in errors)
        raise InvalidInputError(
            f"The training data cannot be used to retrain the model ({len(errors)} "
            f"problem{'s' if len(errors) != 1 else ''}):\n{lines}"
        ) from exc
    keep = np.arange(checked.n_rows)
    if max_train_rows is not None:
        max_train_rows = check_count(max_train_rows, "max_train_rows", 10**9)
        if checked.n_rows > max_train_rows:
            rng = np.random.default_rng(seed)
            keep = np.sort(rng.choice(checked.n_rows, size=max_train_rows, replace=False))
    y = checked.y_true[keep].astype(np.int64)
    if len(np.unique(y)) < 2:
        raise InvalidInputError(
            "The training rows used have only one outcome, so no model can be trained. Use "
            "more training rows (raise the row limit) or data with both outcomes."
        )
    groups = group_labels([checked.group(name) for name in attributes])[keep]
    x = checked.frame.loc[:, list(features)].iloc[keep].reset_index(drop=True)
    return x, y, groups


def group_labels(columns: Sequence[GroupColumn]) -> np.ndarray:
    """One display label per row: the labels of each attribute joined with " · "."""
    parts = [np.asarray(col.labels, dtype=object)[col.codes] for col in columns]
    if len(parts) == 1:
        return parts[0]
    return np.array([" · ".join(map(str, row)) for row in zip(*parts, strict=True)], dtype=object)
