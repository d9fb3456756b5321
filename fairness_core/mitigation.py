"""Mitigation: retrain the model so that groups are treated more equally, and compare.

Words used here:

- *Mitigation* changes how a model is built so that a chosen *disparity* shrinks. It never
  makes a model "fair"; it moves it along a trade-off that the reviewer has to judge.
- *Pre-processing* changes the training data before training. Here: *reweighing*
  (Kamiran & Calders, 2012). Each training row gets the weight
  ``P(group) · P(label) / P(group, label)``, so that in the weighted training data the
  outcome no longer depends on the group; the model is then retrained with these weights.
- *In-processing* changes the training itself. Here: fairlearn's *exponentiated gradient*
  (Agarwal et al., 2018), which retrains the model many times on reweighted, relabelled
  copies of the training data and mixes the resulting models into one *randomized* model
  that meets the chosen constraint (within ``eps``) on the training data; and fairlearn's
  *grid search*, which trains one model per point of a grid of penalties and keeps the
  single best one (not randomized).
- *Post-processing* (a threshold per group) needs no retraining; it lives with the
  threshold sweep and the frontier, not here.
- The *criterion* says which disparity is measured and constrained, with the names the
  Trade-offs page uses: ``demographic_parity`` (selection rates), ``equal_opportunity``
  (true positive rates), ``equalized_odds`` (the larger of the true and false positive
  rate gaps) and ``equal_accuracy`` (accuracies). A *disparity* is the largest minus the
  smallest value over the groups (0 when every group is treated alike), as fairlearn's
  ``*_difference`` functions with ``method="between_groups"``; groups whose value is
  undefined (no one to measure it on) are left out.

Every model (the original one and each retrained one) is evaluated on the *test* data of
the audit, never on the training data. Retraining needs a scikit-learn model (a skops or
pickle file; ONNX files cannot be retrained) and the training data with the same columns.
The loaded estimator is shared and never changed: each method trains a clone.

Long runs report ``progress(fraction, message)`` and poll ``should_stop()`` before every
model they train (exponentiated gradient and grid search train one model per call of the
underlying estimator, so a stop is honoured within one model fit, about a second on the
demos); when it returns true the run ends with :class:`CancelledError`. Runs are
deterministic: the same inputs and ``seed`` give identical numbers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, cast

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
from sklearn.utils.validation import has_fit_parameter

from fairness_core._loaded_model import LoadedModel, quote_list, short_detail
from fairness_core.counts import GroupCounts, compute_group_counts
from fairness_core.errors import FairnessCoreError, InvalidInputError, ValidationFailedError
from fairness_core.groups import GroupColumn
from fairness_core.metrics import between_groups, metric_values
from fairness_core.validation import AuditData, check_audit_data

__all__ = [
    "MITIGATION_CRITERIA",
    "MITIGATION_GROUP_METRICS",
    "MITIGATION_LABELS",
    "MITIGATION_METHODS",
    "MITIGATION_POINT_COLUMNS",
    "CancelledError",
    "Criterion",
    "MitigationMethod",
    "MitigationResult",
    "check_refittable",
    "compute_disparity",
    "compute_mitigation",
    "compute_reweighing_weights",
]

Criterion = Literal["demographic_parity", "equal_opportunity", "equalized_odds", "equal_accuracy"]
MitigationMethod = Literal["reweighing", "exponentiated_gradient", "grid_search"]

#: Plain titles of the criteria (the disparity each one measures).
MITIGATION_CRITERIA: Mapping[str, str] = MappingProxyType(
    {
        "demographic_parity": "Demographic parity (equal selection rates)",
        "equal_opportunity": "Equal opportunity (equal true positive rates)",
        "equalized_odds": "Equalized odds (equal true and false positive rates)",
        "equal_accuracy": "Equal accuracy",
    }
)
#: The methods, in the order they run.
MITIGATION_METHODS: tuple[MitigationMethod, ...] = (
    "reweighing",
    "exponentiated_gradient",
    "grid_search",
)
#: The label of each model in the points table.
MITIGATION_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "original": "Original model",
        "reweighing": "Reweighing (pre-processing)",
        "exponentiated_gradient": "Exponentiated gradient (in-processing)",
        "grid_search": "Grid search (in-processing)",
    }
)
#: Columns of :attr:`MitigationResult.points`.
MITIGATION_POINT_COLUMNS = ("label", "kind", "accuracy", "balanced_accuracy", "disparity")
#: Metrics of :attr:`MitigationResult.by_group`.
MITIGATION_GROUP_METRICS = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "accuracy",
)

_MOMENTS: Mapping[str, Callable[[], _Moment]] = MappingProxyType(
    {
        "demographic_parity": DemographicParity,
        "equal_opportunity": TruePositiveRateParity,
        "equalized_odds": EqualizedOdds,
        "equal_accuracy": ErrorRateParity,
    }
)
_MAX_ITER_LIMIT = 500
_GRID_SIZE_LIMIT = 200
#: Expected calls of the underlying estimator per exponentiated-gradient round (progress
#: is an estimate: a round trains 1 to 9 models, about 3 on the demos).
_FITS_PER_ROUND = 4

Progress = Callable[[float, str], None]
ShouldStop = Callable[[], bool]


class CancelledError(FairnessCoreError):
    """The reviewer stopped a long computation before it finished."""


@dataclass(frozen=True)
class MitigationResult:
    """The original model and each retrained one, evaluated on the test data.

    ``points``: one row per model, columns :data:`MITIGATION_POINT_COLUMNS` — ``label``
    (plain name), ``kind`` (``"original"`` or ``"mitigation"``), overall ``accuracy`` and
    ``balanced_accuracy``, and the ``disparity`` of ``criterion`` between the groups of
    ``attributes`` (0 = parity). ``by_group``: a long table with columns ``label``,
    ``group``, ``n`` (test rows), ``metric`` (one of :data:`MITIGATION_GROUP_METRICS`)
    and ``value``. ``decisions``: one column per model (named by its label), one 0/1
    decision per test row, aligned with the audit's rows. ``notes`` are plain sentences
    the reviewer should read next to the numbers.
    """

    criterion: Criterion
    attributes: tuple[str, ...]
    methods: tuple[MitigationMethod, ...]
    points: pd.DataFrame = field(repr=False, compare=False)
    by_group: pd.DataFrame = field(repr=False, compare=False)
    decisions: pd.DataFrame = field(repr=False, compare=False)
    train_rows: int = 0
    test_rows: int = 0
    threshold: float = 0.5
    max_iter: int = 20
    grid_size: int = 10
    eps: float = 0.01
    seed: int = 0
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def check_refittable(model: LoadedModel | None) -> Any:
    """The scikit-learn estimator inside ``model``, if it can be retrained with weights.

    Raises InvalidInputError saying what is missing (no model, an ONNX file, a model that
    cannot take a weight per row) and how to fix it.
    """
    remedy = (
        "Mitigation retrains the model, so it needs the model as a scikit-learn file "
        "(skops) and the data the model was trained on. Upload the skops file on the "
        "Data & model page (or use a demo), then add the training data here."
    )
    if model is None:
        raise InvalidInputError(f"No model is loaded. {remedy}")
    estimator = model.estimator
    if estimator is None:
        raise InvalidInputError(
            f"The model '{model.name}' is an {model.kind.upper()} file, which can score data "
            f"but cannot be retrained. {remedy}"
        )
    if not hasattr(estimator, "fit") or not hasattr(estimator, "predict_proba"):
        raise InvalidInputError(
            f"The model '{model.name}' ({type(estimator).__name__}) is not a scikit-learn "
            "classifier with probabilities (it has no fit or predict_proba). Mitigation "
            "needs a classifier such as a LogisticRegression or a Pipeline ending in one."
        )
    final = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
    if not has_fit_parameter(final, "sample_weight"):
        raise InvalidInputError(
            f"The model '{model.name}' ends in a {type(final).__name__}, which cannot be "
            "trained with a weight per row; every mitigation method here needs that. Use a "
            "model that accepts sample weights (e.g. LogisticRegression, a tree ensemble)."
        )
    return estimator


def compute_reweighing_weights(groups: np.ndarray | Sequence[object], y: np.ndarray) -> np.ndarray:
    """Kamiran & Calders weights: ``P(group) · P(label) / P(group, label)`` for each row.

    ``groups`` holds one group (label or code) per row, ``y`` one outcome per row. Rows of
    a (group, label) cell that is over-represented relative to independence get weights
    below 1, under-represented cells above 1. Weighted, every group has the same rate of
    each label, and the weights sum to the number of rows.
    """
    group_codes, _ = pd.factorize(pd.Series(np.asarray(groups, dtype=object)), sort=True)
    label_codes, _ = pd.factorize(pd.Series(np.asarray(y, dtype=object)), sort=True)
    if len(group_codes) != len(label_codes):
        raise InvalidInputError(
            f"groups and y must have one value per row. Got {len(group_codes):,} groups and "
            f"{len(label_codes):,} outcomes instead."
        )
    if len(group_codes) == 0:
        return np.empty(0, dtype=np.float64)
    if (group_codes < 0).any() or (label_codes < 0).any():
        raise InvalidInputError(
            "groups and y must not have missing values. Give missing groups their own label "
            "(e.g. '(missing)') and leave out rows without an outcome."
        )
    n_labels = int(label_codes.max()) + 1
    cell = group_codes.astype(np.int64) * n_labels + label_codes
    n = float(len(cell))
    n_group = np.bincount(group_codes)[group_codes]
    n_label = np.bincount(label_codes)[label_codes]
    n_cell = np.bincount(cell)[cell]
    return (n_group * n_label) / (n * n_cell)


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------


def compute_mitigation(
    model: LoadedModel,
    train: pd.DataFrame,
    audit: AuditData,
    *,
    attributes: str | Sequence[str] | None = None,
    criterion: Criterion = "demographic_parity",
    methods: Sequence[MitigationMethod] = ("reweighing", "exponentiated_gradient"),
    max_iter: int = 20,
    grid_size: int = 10,
    eps: float = 0.01,
    max_train_rows: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> MitigationResult:
    """Retrain ``model`` on ``train`` with each of ``methods``; evaluate all on ``audit``.

    ``train`` needs the audit's target column, the model's feature columns and the
    protected ``attributes`` (default: the audit's first one; several give their
    intersections). The target is read with the audit's positive label, and numeric
    attributes are cut with the audit's bands. ``max_train_rows`` draws a seeded random
    sample of the training rows (for speed). ``max_iter`` bounds exponentiated gradient's
    rounds, ``grid_size`` grid search's models; ``eps`` is the constraint slack of the
    exponentiated-gradient method. Decisions use the audit's threshold for the original and the
    reweighed model; exponentiated gradient's randomized decisions are drawn with ``seed``.
    """
    estimator = check_refittable(model)
    criterion = _check_criterion(criterion)
    chosen = _check_methods(methods)
    names = _check_attributes(audit, attributes)
    max_iter = _check_count(max_iter, "max_iter", _MAX_ITER_LIMIT)
    grid_size = _check_count(grid_size, "grid_size", _GRID_SIZE_LIMIT)
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise InvalidInputError(f"eps must be a number between 0 and 1. Got {eps!r} instead.")
    features = _feature_names(model, estimator)
    x_test = _test_features(audit, features, model.name)
    x_train, y_train, groups_train = _training_data(
        model, train, audit, names, features, max_train_rows, seed
    )
    test_columns = [audit.group(name) for name in names]
    threshold = float(audit.roles.threshold)
    tracker = _Tracker(chosen, max_iter, grid_size, progress, should_stop)

    tracker.start("original", "Evaluating the original model on the test data…")
    decisions: dict[str, np.ndarray] = {
        "original": model.decide(x_test, positive_label=audit.positive_label, threshold=threshold)
    }
    notes = [
        "Each model is judged on the test data; the retrained ones learned from "
        f"{len(y_train):,} training rows."
    ]

    # A plain function, not the bound method: fairlearn deep-copies the estimator it is
    # given, and a deep copy would copy a bound method's tracker (functions are shared).
    def before_fit() -> None:
        tracker.before_fit()

    for method in chosen:
        tracker.start(method, f"Training: {MITIGATION_LABELS[method].lower()}…")
        try:
            decisions[method] = _run_method(
                method,
                estimator,
                x_train,
                y_train,
                groups_train,
                x_test,
                criterion=criterion,
                threshold=threshold,
                max_iter=max_iter,
                grid_size=grid_size,
                eps=eps,
                seed=seed,
                before_fit=before_fit,
            )
        except FairnessCoreError:
            raise
        except Exception as exc:  # any failure of a lower library is reported plainly
            raise InvalidInputError(
                f"Retraining the model with {MITIGATION_LABELS[method].lower()} failed. Check that "
                "the training data has the same columns and kinds of values as the data the "
                f"model was built on. Details: {short_detail(exc)}"
            ) from exc
    if "exponentiated_gradient" in chosen:
        notes.append(
            "Exponentiated gradient gives a randomized model: a few people near the line "
            f"get a decision drawn at random (seeded with {seed}, so the numbers repeat)."
        )
    tracker.finish()

    points: list[dict[str, object]] = []
    frames: list[pd.DataFrame] = []
    for key, y_pred in decisions.items():
        counts = compute_group_counts(
            test_columns, audit.y_true, y_pred, sample_weight=audit.sample_weight
        )
        overall = counts.overall
        assert overall is not None  # noqa: S101 - compute_group_counts always sets it
        points.append(
            {
                "label": MITIGATION_LABELS[key],
                "kind": "original" if key == "original" else "mitigation",
                "accuracy": float(metric_values(overall, "accuracy")[0]),
                "balanced_accuracy": float(metric_values(overall, "balanced_accuracy")[0]),
                "disparity": compute_disparity(counts, criterion),
            }
        )
        frames.extend(
            pd.DataFrame(
                {
                    "label": MITIGATION_LABELS[key],
                    "group": list(counts.names),
                    "n": counts.n,
                    "metric": metric,
                    "value": metric_values(counts, metric),
                }
            )
            for metric in MITIGATION_GROUP_METRICS
        )
    return MitigationResult(
        criterion=criterion,
        attributes=names,
        methods=chosen,
        points=pd.DataFrame(points, columns=list(MITIGATION_POINT_COLUMNS)),
        by_group=pd.concat(frames, ignore_index=True),
        decisions=pd.DataFrame({MITIGATION_LABELS[k]: v for k, v in decisions.items()}),
        train_rows=len(y_train),
        test_rows=audit.n_rows,
        threshold=threshold,
        max_iter=max_iter,
        grid_size=grid_size,
        eps=float(eps),
        seed=seed,
        notes=tuple(notes),
    )


def compute_disparity(counts: GroupCounts, criterion: Criterion) -> float:
    """The between-groups disparity of ``criterion`` (largest − smallest; 0 at parity)."""
    criterion = _check_criterion(criterion)
    if criterion == "demographic_parity":
        return between_groups(metric_values(counts, "selection_rate"))[0]
    if criterion == "equal_opportunity":
        return between_groups(metric_values(counts, "true_positive_rate"))[0]
    if criterion == "equal_accuracy":
        return between_groups(metric_values(counts, "accuracy"))[0]
    gaps = [
        between_groups(metric_values(counts, m))[0]
        for m in ("true_positive_rate", "false_positive_rate")
    ]
    defined = [g for g in gaps if np.isfinite(g)]
    return max(defined) if defined else float("nan")


# --------------------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------------------


def _run_method(
    method: MitigationMethod,
    estimator: Any,
    x_train: pd.DataFrame,
    y_train: np.ndarray,
    groups_train: np.ndarray,
    x_test: pd.DataFrame,
    *,
    criterion: Criterion,
    threshold: float,
    max_iter: int,
    grid_size: int,
    eps: float,
    seed: int,
    before_fit: Callable[[], None],
) -> np.ndarray:
    """The test decisions (0/1) of ``estimator`` retrained with ``method``."""
    base = _WeightedRefit(estimator, before_fit=before_fit)
    if method == "reweighing":
        weights = compute_reweighing_weights(groups_train, y_train)
        fitted = base.fit(x_train, y_train, sample_weight=weights)
        scores = fitted.predict_proba(x_test)[:, list(fitted.classes_).index(1)]
        return (scores >= threshold).astype(np.int8)
    moment = _MOMENTS[criterion]()
    sensitive = pd.Series(groups_train)
    if method == "exponentiated_gradient":
        mitigator = ExponentiatedGradient(base, moment, eps=eps, max_iter=max_iter)
        mitigator.fit(x_train, y_train, sensitive_features=sensitive)
        return np.asarray(mitigator.predict(x_test, random_state=seed), dtype=np.int8)
    search = GridSearch(base, moment, grid_size=grid_size)
    search.fit(x_train, y_train, sensitive_features=sensitive)
    return np.asarray(search.predict(x_test), dtype=np.int8)


class _WeightedRefit(ClassifierMixin, BaseEstimator):
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
    ) -> _WeightedRefit:
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


class _Tracker:
    """Progress over the stages of a run, and the stop check before every model fit."""

    def __init__(
        self,
        methods: tuple[MitigationMethod, ...],
        max_iter: int,
        grid_size: int,
        progress: Progress | None,
        should_stop: ShouldStop | None,
    ) -> None:
        cost = {
            "original": 1,
            "reweighing": 1,
            "exponentiated_gradient": _FITS_PER_ROUND * max_iter,
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


def _check_criterion(criterion: object) -> Criterion:
    if criterion not in MITIGATION_CRITERIA:
        known = ", ".join(f"'{c}'" for c in MITIGATION_CRITERIA)
        raise InvalidInputError(f"criterion must be one of {known}. Got {criterion!r} instead.")
    return cast(Criterion, criterion)


def _check_methods(methods: Sequence[str]) -> tuple[MitigationMethod, ...]:
    if isinstance(methods, str):
        methods = (methods,)
    unknown = [m for m in methods if m not in MITIGATION_METHODS]
    if unknown or not methods:
        known = ", ".join(f"'{m}'" for m in MITIGATION_METHODS)
        raise InvalidInputError(
            f"methods must be one or more of {known}. Got {list(methods)!r} instead."
        )
    return tuple(m for m in MITIGATION_METHODS if m in methods)


def _check_attributes(audit: AuditData, attributes: str | Sequence[str] | None) -> tuple[str, ...]:
    if attributes is None:
        return (audit.groups[0].name,)
    names = (attributes,) if isinstance(attributes, str) else tuple(attributes)
    known = [g.name for g in audit.groups]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise InvalidInputError(
            f"The protected attributes {quote_list(list(unknown) or ['(none)'])} are not "
            f"audited. Choose from {quote_list(known)}."
        )
    return names


def _check_count(value: object, name: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise InvalidInputError(f"{name} must be a whole number of at least 1. Got {value!r}.")
    if value > limit:
        raise InvalidInputError(
            f"{name} must be at most {limit:,} to keep the run short. Got {value!r} instead."
        )
    return int(value)


def _feature_names(model: LoadedModel, estimator: Any) -> tuple[str, ...]:
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


def _test_features(audit: AuditData, features: tuple[str, ...], model_name: str) -> pd.DataFrame:
    missing = [c for c in features if c not in audit.frame.columns]
    if missing:
        raise InvalidInputError(
            f"The test data lacks columns the model '{model_name}' needs: "
            f"{quote_list(missing)}. Load test data with every model input column."
        )
    return audit.frame.loc[:, list(features)]


def _training_data(
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
        max_train_rows = _check_count(max_train_rows, "max_train_rows", 10**9)
        if checked.n_rows > max_train_rows:
            rng = np.random.default_rng(seed)
            keep = np.sort(rng.choice(checked.n_rows, size=max_train_rows, replace=False))
    y = checked.y_true[keep].astype(np.int64)
    if len(np.unique(y)) < 2:
        raise InvalidInputError(
            "The training rows used have only one outcome, so no model can be trained. Use "
            "more training rows (raise the row limit) or data with both outcomes."
        )
    groups = _group_labels([checked.group(name) for name in attributes])[keep]
    x = checked.frame.loc[:, list(features)].iloc[keep].reset_index(drop=True)
    return x, y, groups


def _group_labels(columns: Sequence[GroupColumn]) -> np.ndarray:
    """One display label per row: the labels of each attribute joined with " · "."""
    parts = [np.asarray(col.labels, dtype=object)[col.codes] for col in columns]
    if len(parts) == 1:
        return parts[0]
    return np.array([" · ".join(map(str, row)) for row in zip(*parts, strict=True)], dtype=object)
