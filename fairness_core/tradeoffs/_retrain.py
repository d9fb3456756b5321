"""Retraining with fairlearn and scikit-learn (not public API; see :mod:`._refit`).

:func:`run_method` retrains a clone of the shared estimator with one method and returns its
decisions on the test data; :class:`WeightedRefit` routes fairlearn's per-row weights to a
Pipeline's last step. This is the only tradeoffs module that imports fairlearn and
scikit-learn (about 1.5 s): :mod:`._mitigation` imports it when a run starts.

The loaded estimator is only read: every fit trains ``sklearn.base.clone(estimator)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import pandas as pd
from fairlearn.reductions import (
    DemographicParity,
    EqualizedOdds,
    ErrorRateParity,
    ExponentiatedGradient,
    GridSearch,
    TruePositiveRateParity,
)
from fairlearn.reductions import Moment as _Moment
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline

__all__ = ["MOMENTS", "WeightedRefit", "run_method"]

MOMENTS: Mapping[str, Callable[[], _Moment]] = MappingProxyType(
    {
        "demographic_parity": DemographicParity,
        "equal_opportunity": TruePositiveRateParity,
        "equalized_odds": EqualizedOdds,
        "equal_accuracy": ErrorRateParity,
    }
)


def run_method(
    method: str,
    estimator: Any,
    x_train: pd.DataFrame,
    y_train: np.ndarray,
    groups_train: np.ndarray,
    x_test: pd.DataFrame,
    *,
    weights: np.ndarray | None,
    criterion: str,
    threshold: float,
    max_iter: int,
    grid_size: int,
    eps: float,
    seed: int,
    before_fit: Callable[[], None],
) -> np.ndarray:
    """The test decisions (0/1) of ``estimator`` retrained with ``method``.

    ``weights`` are the reweighing weights of the training rows (used by "reweighing" only).
    """
    base = WeightedRefit(estimator, before_fit=before_fit)
    if method == "reweighing":
        fitted = base.fit(x_train, y_train, sample_weight=weights)
        scores = fitted.predict_proba(x_test)[:, list(fitted.classes_).index(1)]
        return (scores >= threshold).astype(np.int8)
    moment = MOMENTS[criterion]()
    sensitive = pd.Series(groups_train)
    if method == "exponentiated_gradient":
        mitigator = ExponentiatedGradient(base, moment, eps=eps, max_iter=max_iter)
        mitigator.fit(x_train, y_train, sensitive_features=sensitive)
        return np.asarray(mitigator.predict(x_test, random_state=seed), dtype=np.int8)
    search = GridSearch(base, moment, grid_size=grid_size)
    search.fit(x_train, y_train, sensitive_features=sensitive)
    return np.asarray(search.predict(x_test), dtype=np.int8)


class WeightedRefit(ClassifierMixin, BaseEstimator):
    """A clone of ``estimator`` trained with a weight per row (routed to a Pipeline's last step).

    fairlearn calls ``fit(X, y, sample_weight=...)``, which a Pipeline does not accept; this
    wrapper passes the weights as ``<last step>__sample_weight``. ``before_fit`` runs before
    every fit (progress and the stop check).
    """

    def __init__(self, estimator: Any, before_fit: Callable[[], None] | None = None) -> None:
        self.estimator = estimator
        self.before_fit = before_fit

    def fit(
        self, data: pd.DataFrame, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> WeightedRefit:
        if self.before_fit is not None:
            self.before_fit()
        fitted = clone(self.estimator)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if isinstance(fitted, Pipeline):
            fitted.fit(data, y, **{f"{fitted.steps[-1][0]}__sample_weight": weight})
        else:
            fitted.fit(data, y, sample_weight=weight)
        self.estimator_ = fitted
        self.classes_ = fitted.classes_
        return self

    def predict(self, data: pd.DataFrame) -> np.ndarray:
        return cast(np.ndarray, self.estimator_.predict(data))

    def predict_proba(self, data: pd.DataFrame) -> np.ndarray:
        return cast(np.ndarray, self.estimator_.predict_proba(data))
