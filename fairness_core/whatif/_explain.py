"""Explanations: which features pushed one person's score up or down, and for whom.

Vocabulary:

- a *SHAP value* of a feature for a row is its share of the difference between the row's
  model output and the *base value* (the average output over reference rows, the
  *background*). The values of a row add up to ``output - base`` (*additivity*);
- the *scale* is what is added up: ``"log-odds"`` (the model's internal score before it
  becomes a probability: linear models and gradient boosting) or ``"probability"`` (random
  forests, single trees, and every model explained by permutation);
- *global importance* is the mean absolute SHAP value of a feature over many rows, overall
  and per group: a model that leans on different features for different groups shows it
  here;
- an *ICE curve* (individual conditional expectation) is one row's score as one feature
  sweeps over its values, everything else fixed; *partial dependence* is the average of
  such curves over many rows.

Explainers: ``TreeExplainer`` for tree models, ``LinearExplainer`` for logistic regression
(both exact and fast), and a bounded ``PermutationExplainer`` on the raw features for
everything else, including ONNX files (it only needs the model's score). For a
scikit-learn ``Pipeline`` the tree and linear explainers work on the transformed columns
(one-hot columns, scaled numbers) and the values of the columns that came from one raw
feature are summed back, so every explanation has one value per raw feature. shap is
imported on first use only.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from fairness_core.errors import InvalidInputError, ModelLoadError
from fairness_core.whatif._edits import FeatureSpec, ModelScorer

__all__ = [
    "ExplainerKind",
    "Explanation",
    "GlobalImportance",
    "IceCurve",
    "RowExplainer",
    "choose_explainer",
    "compute_global_importance",
    "compute_ice",
    "fit_explainer",
    "sample_rows_by_group",
]

ExplainerKind = Literal["tree", "linear", "permutation"]
Scale = Literal["log-odds", "probability"]

_TREE_MODELS = (
    "DecisionTreeClassifier",
    "ExtraTreeClassifier",
    "RandomForestClassifier",
    "ExtraTreesClassifier",
    "GradientBoostingClassifier",
    "HistGradientBoostingClassifier",
)
_LINEAR_MODELS = ("LogisticRegression", "LogisticRegressionCV")


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """SHAP values of some rows: one column per raw feature.

    ``values`` (rows × features) and ``data`` (the rows' feature values) share an index,
    the rows' positions; ``base_values`` holds one base value per row; ``output`` is
    ``base_values + values.sum(axis=1)``, the model output on ``scale``.
    """

    kind: ExplainerKind
    scale: Scale
    values: pd.DataFrame = field(repr=False, compare=False)
    base_values: np.ndarray = field(repr=False, compare=False)
    data: pd.DataFrame = field(repr=False, compare=False)

    @property
    def output(self) -> np.ndarray:
        """The explained model output of each row (base value plus the SHAP values)."""
        return np.asarray(self.base_values + self.values.sum(axis=1).to_numpy(), dtype=float)

    def row(self, position: int) -> pd.DataFrame:
        """One row's explanation: ``feature``, ``value`` (the feature's), ``shap``."""
        return pd.DataFrame(
            {
                "feature": list(self.values.columns),
                "value": [self.data[c].iloc[position] for c in self.values.columns],
                "shap": self.values.iloc[position].to_numpy(dtype=float),
            }
        )


@dataclass(frozen=True)
class GlobalImportance:
    """Mean |SHAP| per feature overall and per group of one protected attribute.

    ``table`` has ``feature``, ``overall`` and one column per group (in group order),
    sorted by ``overall``, largest first. ``rows`` has ``group``, ``explained`` (rows
    explained) and ``population`` (rows in the data). The overall column weights each
    group by its share of the population, so sampling the same number of rows from every
    group does not over-weight small groups.
    """

    attribute: str
    kind: ExplainerKind
    scale: Scale
    table: pd.DataFrame = field(repr=False, compare=False)
    rows: pd.DataFrame = field(repr=False, compare=False)


@dataclass(frozen=True)
class IceCurve:
    """One row's score as ``feature`` sweeps its values (and the average over many rows).

    ``table`` has ``value``, ``score``, ``decision`` and, when background rows were given,
    ``average_score`` (partial dependence). ``original_value`` / ``original_score`` mark
    where the row is now.
    """

    feature: str
    kind: Literal["number", "category"]
    table: pd.DataFrame = field(repr=False, compare=False)
    original_value: object
    original_score: float
    threshold: float


# --------------------------------------------------------------------------------------
# Choosing and fitting an explainer
# --------------------------------------------------------------------------------------


def choose_explainer(scorer: ModelScorer) -> ExplainerKind:
    """The explainer :func:`fit_explainer` will use for this model."""
    return _plan(scorer)[0]


def _plan(scorer: ModelScorer) -> tuple[ExplainerKind, Any, Any, list[np.ndarray] | None]:
    """(kind, preprocessor or None, final estimator, raw feature → transformed columns)."""
    estimator = scorer.model.estimator
    if estimator is None or len(scorer.model.classes) != 2:
        return "permutation", None, None, None
    steps = getattr(estimator, "steps", None)
    if steps:
        preprocessor = estimator[:-1] if len(steps) > 1 else None  # type: ignore[index]
        final = steps[-1][1]
    else:
        preprocessor, final = None, estimator
    name = type(final).__name__
    if name in _TREE_MODELS:
        kind: ExplainerKind = "tree"
    elif name in _LINEAR_MODELS and np.asarray(getattr(final, "coef_", [[]])).shape[0] == 1:
        kind = "linear"
    else:
        return "permutation", None, None, None
    if preprocessor is None:
        mapping = [np.array([j]) for j in range(len(scorer.features))]
        width = int(getattr(final, "n_features_in_", len(scorer.features)))
        if width != len(scorer.features):
            return "permutation", None, None, None
        return kind, None, final, mapping
    mapping_or_none = _feature_mapping(preprocessor, scorer.features)
    if mapping_or_none is None:
        return "permutation", None, None, None
    return kind, preprocessor, final, mapping_or_none


def _feature_mapping(preprocessor: Any, features: Sequence[str]) -> list[np.ndarray] | None:
    """Which transformed columns come from each raw feature, from the output names.

    ``ColumnTransformer`` names outputs ``block__column`` (``block__column_category`` for
    one-hot columns). Each output is given to the raw feature whose name it equals or
    starts with (followed by ``_``), the longest such name winning. None when an output
    matches no feature (the explainer then falls back to permutation).
    """
    try:
        names = [str(n) for n in preprocessor.get_feature_names_out()]
    except Exception:  # a step without output names: explain on raw features instead
        return None
    blocks: set[str] = set()
    for step in getattr(preprocessor, "steps", [(None, preprocessor)]):
        for block in getattr(step[1], "transformers_", []):
            blocks.add(str(block[0]))
    owners: list[list[int]] = [[] for _ in features]
    by_length = sorted(range(len(features)), key=lambda j: -len(features[j]))
    for column, name in enumerate(names):
        head, sep, tail = name.partition("__")
        inner = tail if sep and head in blocks else name
        owner = next(
            (j for j in by_length if inner == features[j] or inner.startswith(features[j] + "_")),
            None,
        )
        if owner is None:
            return None
        owners[owner].append(column)
    return [np.array(o, dtype=int) for o in owners]


class RowExplainer:
    """Explains rows of one model against fixed background rows (see :func:`fit_explainer`).

    Holds shap's explainer; the model itself is only read, never changed. Calls are
    serialised with a lock, so one instance can be shared between sessions.
    """

    def __init__(
        self,
        scorer: ModelScorer,
        kind: ExplainerKind,
        scale: Scale,
        explain: Any,
        encode: Any,
    ) -> None:
        self.scorer = scorer
        self.kind: ExplainerKind = kind
        self.scale: Scale = scale
        self._explain = explain
        self._encode = encode
        self._lock = threading.Lock()

    @property
    def features(self) -> tuple[str, ...]:
        """The raw features every explanation has a value for."""
        return self.scorer.features

    def explain(self, rows: pd.DataFrame) -> Explanation:
        """SHAP values of ``rows`` (a table with the model's feature columns)."""
        if len(rows) == 0:
            raise InvalidInputError("There are no rows to explain. Choose at least one row.")
        data = rows.loc[:, list(self.features)]
        with self._lock, warnings.catch_warnings():
            # shap and numba warn about their own internals (deprecations, compilation);
            # none of it concerns the reviewer or changes the numbers.
            warnings.simplefilter("ignore")
            try:
                values, base = self._explain(data)
            except InvalidInputError:
                raise
            except Exception as exc:  # any failure inside shap or the model
                raise ModelLoadError(
                    "The explanation could not be computed: the model or the explainer "
                    f"stopped with an error ({type(exc).__name__}: {str(exc)[:200]}). Check "
                    "that the data has the columns and kinds of values the model expects."
                ) from exc
        frame = pd.DataFrame(values, columns=list(self.features), index=rows.index)
        return Explanation(
            self.kind,
            self.scale,
            frame,
            np.broadcast_to(np.asarray(base, dtype=float), (len(rows),)).copy(),
            data,
        )


def fit_explainer(
    scorer: ModelScorer,
    background: pd.DataFrame,
    *,
    max_background: int = 100,
    max_evals: int = 200,
    seed: int = 0,
    kind: ExplainerKind | None = None,
) -> RowExplainer:
    """An explainer for ``scorer``'s model with up to ``max_background`` reference rows.

    ``background`` is typically the audited data; a seeded random sample of it is kept.
    ``max_evals`` bounds the model calls per row of the permutation explainer (at least
    ``2 × features + 1``; raised to that when lower). ``kind`` forces an explainer
    (``"permutation"`` works for every model); by default :func:`choose_explainer` picks.
    """
    planned, preprocessor, final, mapping = _plan(scorer)
    kind = kind or planned
    if kind != planned and kind != "permutation":
        raise InvalidInputError(
            f"A {kind} explainer cannot explain the model '{scorer.model.name}'. Use "
            f"'{planned}' or 'permutation'."
        )
    if len(background) == 0:
        raise InvalidInputError("The background data has no rows. Load data first.")
    sample = background.loc[:, list(scorer.features)]
    if len(sample) > max_background:
        pick = np.sort(np.random.default_rng(seed).choice(len(sample), max_background, False))
        sample = sample.iloc[pick]
    with warnings.catch_warnings():
        # shap's own (unused) plotting module calls matplotlib functions that matplotlib
        # now deprecates (set_bad, set_over, …); those warnings at import say nothing
        # about the explanation.
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        import shap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "permutation":
            return _permutation(scorer, background, sample, max_evals, seed, shap)
        if mapping is None:  # cannot happen: _plan gives a mapping with every non-permutation kind
            raise InvalidInputError(
                f"The model '{scorer.model.name}' can only be explained by permutation."
            )
        return _model_specific(scorer, kind, preprocessor, final, mapping, sample, shap)


def _positive_index(scorer: ModelScorer) -> int:
    return scorer.model.positive_column(scorer.positive_label)


def _model_specific(
    scorer: ModelScorer,
    kind: ExplainerKind,
    preprocessor: Any,
    final: Any,
    mapping: list[np.ndarray],
    sample: pd.DataFrame,
    shap: Any,
) -> RowExplainer:
    positive = _positive_index(scorer)

    def transform(rows: pd.DataFrame) -> np.ndarray:
        out: Any = rows if preprocessor is None else preprocessor.transform(rows)
        if hasattr(out, "toarray"):
            out = out.toarray()
        return np.asarray(out, dtype=np.float64)

    if kind == "linear":
        masker = shap.maskers.Independent(transform(sample), max_samples=len(sample))
        explainer = shap.LinearExplainer(final, masker)
        sign = 1.0 if positive == 1 else -1.0  # the margin is that of classes_[1]
        scale: Scale = "log-odds"

        def run(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
            result = explainer(transform(rows))
            return _sum_back(sign * result.values, mapping), sign * np.asarray(result.base_values)

    else:
        explainer = shap.TreeExplainer(final)
        output = explainer.model.tree_output
        if output not in ("log_odds", "probability"):
            raise InvalidInputError(
                f"The tree model '{scorer.model.name}' has outputs shap cannot place on a "
                "probability or log-odds scale. Use the permutation explainer."
            )
        scale = "log-odds" if output == "log_odds" else "probability"

        def run(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
            result = explainer(transform(rows))
            values = np.asarray(result.values)
            base = np.asarray(result.base_values)
            if values.ndim == 3:  # one slice per class
                return _sum_back(values[:, :, positive], mapping), base[..., positive]
            sign = 1.0 if positive == 1 else -1.0  # a single margin, for classes_[1]
            return _sum_back(sign * values, mapping), sign * base

    return RowExplainer(scorer, kind, scale, run, transform)


def _sum_back(values: np.ndarray, mapping: list[np.ndarray]) -> np.ndarray:
    values = np.atleast_2d(values)
    return np.column_stack([values[:, cols].sum(axis=1) for cols in mapping])


def _permutation(
    scorer: ModelScorer,
    everything: pd.DataFrame,
    sample: pd.DataFrame,
    max_evals: int,
    seed: int,
    shap: Any,
) -> RowExplainer:
    """Permutation SHAP on the raw features; text columns travel as integer codes."""
    features = list(scorer.features)
    numeric = {
        f: bool(
            pd.api.types.is_numeric_dtype(everything[f])
            and not pd.api.types.is_bool_dtype(everything[f])
        )
        for f in features
    }
    categories = {f: list(pd.unique(everything[f].dropna())) for f in features if not numeric[f]}

    def encode(rows: pd.DataFrame) -> np.ndarray:
        out = np.empty((len(rows), len(features)), dtype=np.float64)
        for j, f in enumerate(features):
            if numeric[f]:
                out[:, j] = pd.to_numeric(rows[f], errors="coerce").to_numpy(dtype=np.float64)
                continue
            index = {v: i for i, v in enumerate(categories[f])}
            codes = []
            for v in rows[f]:
                if pd.isna(v):
                    codes.append(-1.0)
                elif v in index:
                    codes.append(float(index[v]))
                else:
                    raise InvalidInputError(
                        f"'{v}' is not a value of '{f}' in the data, so it cannot be "
                        "explained. Choose one of the observed values."
                    )
            out[:, j] = codes
        return out

    def decode(matrix: np.ndarray) -> pd.DataFrame:
        columns: dict[str, object] = {}
        for j, f in enumerate(features):
            if numeric[f]:
                columns[f] = matrix[:, j]
            else:
                lookup = categories[f]
                columns[f] = pd.Series(
                    [None if c < 0 else lookup[int(c)] for c in matrix[:, j]], dtype=object
                )
        return pd.DataFrame(columns)

    def model_function(matrix: np.ndarray) -> np.ndarray:
        return scorer.score(decode(np.atleast_2d(matrix)))

    masker = shap.maskers.Independent(encode(sample), max_samples=len(sample))
    explainer = shap.PermutationExplainer(model_function, masker, seed=seed)
    evals = max(int(max_evals), 2 * len(features) + 1)

    def run(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        result = explainer(encode(rows), max_evals=evals, silent=True)
        return np.asarray(result.values), np.asarray(result.base_values)

    return RowExplainer(scorer, "permutation", "probability", run, encode)


# --------------------------------------------------------------------------------------
# Global importance, overall and per group
# --------------------------------------------------------------------------------------


def sample_rows_by_group(codes: np.ndarray, *, per_group: int = 100, seed: int = 0) -> np.ndarray:
    """Positions of up to ``per_group`` rows of each group (seeded), in row order."""
    if per_group < 1:
        raise InvalidInputError(f"per_group must be at least 1. Got {per_group!r} instead.")
    rng = np.random.default_rng(seed)
    picks = []
    for code in np.unique(codes):
        members = np.flatnonzero(codes == code)
        if len(members) > per_group:
            members = rng.choice(members, per_group, replace=False)
        picks.append(members)
    return np.sort(np.concatenate(picks)) if picks else np.empty(0, dtype=int)


def compute_global_importance(
    explanation: Explanation,
    codes: np.ndarray,
    labels: Sequence[str],
    *,
    attribute: str,
    population: np.ndarray | None = None,
) -> GlobalImportance:
    """Mean |SHAP| per feature, overall and for each group.

    ``codes`` are the group codes of the explained rows (aligned with
    ``explanation.values``), ``labels`` the group names, ``population`` the rows per group
    in the whole data (to weight the overall mean; unweighted when None).
    """
    codes = np.asarray(codes)
    absolute = np.abs(explanation.values.to_numpy(dtype=float))
    if len(codes) != len(absolute):
        raise InvalidInputError(
            f"codes must have one group per explained row ({len(absolute)}). Got {len(codes)}."
        )
    explained = np.bincount(codes, minlength=len(labels))
    table = pd.DataFrame({"feature": list(explanation.values.columns)})
    weights = np.ones(len(codes))
    if population is not None:
        population = np.asarray(population, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_row = np.where(explained > 0, population / np.maximum(explained, 1), 0.0)
        weights = per_row[codes]
    table["overall"] = (absolute * weights[:, None]).sum(axis=0) / weights.sum()
    for code, label in enumerate(labels):
        part = codes == code
        table[label] = absolute[part].mean(axis=0) if part.any() else math.nan
    table = table.sort_values("overall", ascending=False, kind="stable").reset_index(drop=True)
    rows = pd.DataFrame(
        {
            "group": list(labels),
            "explained": explained,
            "population": population.astype(int) if population is not None else explained,
        }
    )
    return GlobalImportance(attribute, explanation.kind, explanation.scale, table, rows)


# --------------------------------------------------------------------------------------
# ICE and partial dependence
# --------------------------------------------------------------------------------------


def compute_ice(
    scorer: ModelScorer,
    row: pd.DataFrame,
    spec: FeatureSpec,
    *,
    points: int = 25,
    background: pd.DataFrame | None = None,
) -> IceCurve:
    """Score ``row`` with ``spec.name`` set to each value of a grid; average over ``background``.

    The grid is ``points`` evenly spaced numbers over the observed range plus the row's own
    value (whole numbers when the column holds whole numbers), or every observed category.
    """
    if len(row) != 1:
        raise InvalidInputError(f"row must be one row of the data. Got {len(row)} rows instead.")
    if spec.name not in scorer.features:
        raise InvalidInputError(
            f"'{spec.name}' is not an input of the model, so its curve would be flat. Choose "
            f"one of: {', '.join(scorer.features)}."
        )
    current = row[spec.name].iloc[0]
    grid = _ice_grid(spec, current, points)
    variants = row.loc[[row.index[0]] * len(grid)].reset_index(drop=True)
    variants[spec.name] = _as_column(grid, row[spec.name])
    scores = scorer.score(variants)
    table = pd.DataFrame({"value": grid, "score": scores, "decision": scorer.decide(scores)})
    if background is not None and len(background):
        n = len(background)
        stacked = background.loc[np.tile(background.index.to_numpy(), len(grid))]
        stacked = stacked.reset_index(drop=True)
        stacked[spec.name] = _as_column(
            np.repeat(np.asarray(grid, dtype=object), n), row[spec.name]
        )
        table["average_score"] = scorer.score(stacked).reshape(len(grid), n).mean(axis=1)
    original_score = float(scorer.score(row)[0])
    value = current.item() if isinstance(current, np.generic) else current
    return IceCurve(spec.name, spec.kind, table, value, original_score, scorer.threshold)


def _ice_grid(spec: FeatureSpec, current: object, points: int) -> list[object]:
    if spec.kind == "category":
        values = list(spec.categories)
        if not _is_missing(current) and current not in values:
            values.append(current)
        return values
    if not math.isfinite(spec.minimum):
        raise InvalidInputError(f"'{spec.name}' has no numbers to vary. Choose another feature.")
    grid = np.linspace(spec.minimum, spec.maximum, max(points, 2))
    if not _is_missing(current):
        grid = np.append(grid, float(current))  # type: ignore[arg-type]
    if spec.integer:
        grid = np.round(grid)
    return [float(v) for v in np.unique(grid)]


def _as_column(values: Sequence[object] | np.ndarray, like: pd.Series) -> pd.Series:
    """``values`` as a column with a 0..n-1 index: numbers as float, anything else as objects."""
    if pd.api.types.is_numeric_dtype(like) and not pd.api.types.is_bool_dtype(like):
        return pd.Series(np.asarray(values, dtype=np.float64))
    return pd.Series(list(values), dtype=object)


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
