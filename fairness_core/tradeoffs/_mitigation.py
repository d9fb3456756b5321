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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from fairness_core.data import AuditData
from fairness_core.errors import FairnessCoreError, InvalidInputError
from fairness_core.metrics import GroupCounts, between_groups, compute_group_counts, metric_values
from fairness_core.models import LoadedModel, quote_list, short_detail
from fairness_core.tradeoffs._refit import (
    CancelledError,
    Progress,
    ShouldStop,
    Tracker,
    check_count,
    feature_names,
    test_features,
    training_data,
)

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

_MAX_ITER_LIMIT = 500
_GRID_SIZE_LIMIT = 200


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
    # scikit-learn takes over a second to import: only a mitigation run needs it.
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import has_fit_parameter

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
    reweighed model; the in-processing models decide by their own rule (probability at least
    0.5, what the reductions optimise), and exponentiated gradient's randomized decisions are
    drawn with ``seed``.
    """
    estimator = check_refittable(model)
    criterion = _check_criterion(criterion)
    chosen = _check_methods(methods)
    names = _check_attributes(audit, attributes)
    max_iter = check_count(max_iter, "max_iter", _MAX_ITER_LIMIT)
    grid_size = check_count(grid_size, "grid_size", _GRID_SIZE_LIMIT)
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise InvalidInputError(f"eps must be a number between 0 and 1. Got {eps!r} instead.")
    features = feature_names(model, estimator)
    x_test = test_features(audit, features, model.name)
    x_train, y_train, groups_train = training_data(
        model, train, audit, names, features, max_train_rows, seed
    )
    test_columns = [audit.group(name) for name in names]
    threshold = float(audit.roles.threshold)
    tracker = Tracker(chosen, max_iter, grid_size, progress, should_stop)

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

    from fairness_core.tradeoffs._retrain import run_method  # imports fairlearn and sklearn

    weights = compute_reweighing_weights(groups_train, y_train)
    for method in chosen:
        tracker.start(method, f"Training: {MITIGATION_LABELS[method].lower()}…")
        try:
            decisions[method] = run_method(
                method,
                estimator,
                x_train,
                y_train,
                groups_train,
                x_test,
                weights=weights if method == "reweighing" else None,
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
    in_processing = [m for m in chosen if m != "reweighing"]
    if in_processing and threshold != 0.5:
        notes.append(
            f"The original and the reweighed model decide at the threshold {threshold:g}; "
            f"{' and '.join(MITIGATION_LABELS[m].lower() for m in in_processing)} decide "
            "by the retrained models' own rule (a chance of at least 50%), the rule those "
            "methods optimise."
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
            f"The protected attribute{'s' if len(unknown) != 1 else ''} "
            f"{quote_list(list(unknown) or ['(none)'])} {'is' if len(unknown) == 1 else 'are'} "
            f"not audited. Choose from {quote_list(known)}."
        )
    return names
