"""The loaded model: a model file that passed the safety checks, ready to score a table.

Private to :mod:`fairness_core.models`, which re-exports :class:`LoadedModel`,
:func:`check_model_features` and :data:`ModelKind`; the ONNX loader in
:mod:`fairness_core.onnx_models` builds a :class:`LoadedModel` too, so it lives here to
keep the two loaders free of import cycles. The words *classes*, *positive label*, *score*
and *decision* are defined in :mod:`fairness_core.models`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from fairness_core.errors import FairnessCoreError, InvalidInputError, ModelLoadError

__all__ = [
    "LoadedModel",
    "ModelKind",
    "check_model_features",
    "plain_label",
    "quote_list",
    "short_detail",
    "too_many_classes_message",
]

ModelKind = Literal["skops", "onnx", "pickle"]

_DETAIL_LIMIT = 300


# --------------------------------------------------------------------------------------
# The loaded model
# --------------------------------------------------------------------------------------


class _Runner(Protocol):
    def predict_proba(self, data: pd.DataFrame) -> np.ndarray: ...


@dataclass(frozen=True)
class LoadedModel:
    """A model file that passed the safety checks, ready to score a table.

    ``feature_names`` are the input columns the model expects (``None`` when the file does
    not say). ``classes`` are the class labels in the order of :meth:`predict_proba`'s
    columns; ``classes_assumed`` is true when an ONNX file did not record them and they are
    column positions (see :mod:`fairness_core.models`).
    """

    name: str
    kind: ModelKind
    sha256: str
    feature_names: tuple[str, ...] | None
    classes: tuple[object, ...]
    classes_assumed: bool = False
    _runner: _Runner | None = field(default=None, repr=False, compare=False)
    _fallback_column: int | None = field(default=None, repr=False, compare=False)

    @property
    def estimator(self) -> object | None:
        """The scikit-learn estimator inside a skops or pickle file; None for ONNX.

        For refitting (mitigation) and model-specific explainers. Callers must not mutate
        it: the loaded model is shared between sessions. Clone it (``sklearn.base.clone``).
        """
        return getattr(self._runner, "estimator", None)

    def predict_proba(self, data: pd.DataFrame) -> np.ndarray:
        """Class probabilities for each row of ``data``: shape (n, n_classes), float64."""
        frame = _check_frame(data)
        missing, extra = check_model_features(self, list(frame.columns))
        if missing:
            raise ModelLoadError(_missing_columns_message(self.name, missing, extra))
        n_classes = len(self.classes)
        if len(frame) == 0:
            return np.empty((0, n_classes), dtype=np.float64)
        if self._runner is None:
            raise ModelLoadError(
                f"The model '{self.name}' was not created by load_model and cannot score "
                "data. Load the model file with load_model."
            )
        try:
            raw = self._runner.predict_proba(frame)
            proba = np.asarray(raw, dtype=np.float64)
        except FairnessCoreError:
            raise
        except Exception as exc:  # any failure inside the model is reported
            raise ModelLoadError(_scoring_failed_message(self.name, exc)) from exc
        if proba.ndim != 2 or proba.shape != (len(frame), n_classes):
            raise ModelLoadError(
                f"The model '{self.name}' returned probabilities of shape {proba.shape}; "
                f"expected one row per person ({len(frame)}) and one column per class "
                f"({n_classes}). The model file may be damaged or not a classifier; "
                "export it again."
            )
        bad_rows = int(np.count_nonzero(~np.isfinite(proba).all(axis=1)))
        if bad_rows:
            raise ModelLoadError(
                f"The model '{self.name}' gave no valid probability for {bad_rows:,} of "
                f"{len(frame):,} rows. This usually means missing values in numeric "
                "columns that the model cannot handle. Fill or drop those values first."
            )
        return proba

    def score(self, data: pd.DataFrame, *, positive_label: object) -> np.ndarray:
        """Probability of the positive class for each row of ``data``: float64 in [0, 1]."""
        column = self.positive_column(positive_label)
        proba = self.predict_proba(data)
        return np.clip(proba[:, column], 0.0, 1.0)

    def decide(
        self, data: pd.DataFrame, *, positive_label: object, threshold: float = 0.5
    ) -> np.ndarray:
        """Decision for each row of ``data``: 1 when ``score >= threshold``, else 0 (int8)."""
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, (int, float, np.integer, np.floating))
            or not 0.0 <= float(threshold) <= 1.0
        ):
            raise InvalidInputError(
                f"threshold must be a number between 0 and 1. Got {threshold!r} instead."
            )
        scores = self.score(data, positive_label=positive_label)
        return (scores >= float(threshold)).astype(np.int8)

    def positive_column(self, positive_label: object) -> int:
        """The probability column of ``positive_label``; tolerant of "1" vs 1 and True vs 1.

        An exact match (same value and same type) wins. Otherwise values are compared by a
        canonical form: booleans and the words "true"/"false" become 1/0, numbers written
        as text become numbers, and floats with no fractional part become integers. Text
        stays case-sensitive.
        """
        plain = plain_label(positive_label)
        exact = [
            i
            for i, c in enumerate(self.classes)
            if type(plain_label(c)) is type(plain) and _safe_equal(plain_label(c), plain)
        ]
        if len(exact) == 1:
            return exact[0]
        key = _label_key(positive_label)
        loose = [i for i, c in enumerate(self.classes) if _safe_equal(_label_key(c), key)]
        if len(loose) == 1:
            return loose[0]
        known = ", ".join(repr(plain_label(c)) for c in self.classes)
        if len(loose) > 1:
            raise InvalidInputError(
                f"The positive outcome {positive_label!r} matches several classes of the model "
                f"'{self.name}' ({known}). Give the positive outcome exactly as the model "
                "writes it."
            )
        if self._fallback_column is not None:
            return self._fallback_column
        hint = ""
        if self.classes_assumed:
            hint = (
                " This ONNX file does not record which probability column belongs to which "
                "label, so the classes are the column positions. scikit-learn sorts labels, "
                "so for text labels such as 'approved'/'denied' column 0 is 'approved'."
            )
        raise InvalidInputError(
            f"The positive outcome {positive_label!r} is not one of the classes the model "
            f"'{self.name}' predicts. Expected one of: {known}.{hint} Choose one of these as "
            "the positive outcome (the decision that benefits the person)."
        )


def check_model_features(model: LoadedModel, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """Compare the model's input columns with the data's: ``(missing, extra)``.

    ``missing`` are model inputs absent from ``columns``, in the model's order; ``extra``
    are data columns the model does not use (informational only), in the data's order.
    When the model does not record its input columns (``feature_names is None``) nothing
    can be compared and both lists are empty.
    """
    if model.feature_names is None:
        return [], []
    present = set(columns)
    needed = set(model.feature_names)
    missing = [name for name in model.feature_names if name not in present]
    extra = [name for name in columns if name not in needed]
    return missing, extra


def _check_frame(data: object) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise InvalidInputError(
            f"data must be a table (a pandas DataFrame). Got {type(data).__name__} instead."
        )
    if any(not isinstance(c, str) for c in data.columns):
        data = data.set_axis([str(c) for c in data.columns], axis=1)
    if data.columns.has_duplicates:
        repeated = sorted({str(c) for c in data.columns[data.columns.duplicated()]})
        raise InvalidInputError(
            f"The data has more than one column named {quote_list(repeated)}. Each column "
            "needs a unique name; rename or remove the repeated columns."
        )
    return data


def _missing_columns_message(name: str, missing: Sequence[str], extra: Sequence[str]) -> str:
    text = f"The model '{name}' needs columns that the data does not have: {quote_list(missing)}."
    if extra:
        text += f" The data has columns the model does not use: {quote_list(extra)}."
    return text + (
        " Use the dataset the model was trained on, or rename the data's columns to the names "
        "the model expects."
    )


def _scoring_failed_message(name: str, exc: BaseException) -> str:
    detail = short_detail(exc)
    lowered = detail.lower()
    if "unknown categor" in lowered or "unknown_categor" in lowered:
        cause = "The data holds category values the model never saw during training."
        fix = "Check the spelling of category values, or retrain the model on data with them."
    elif any(w in lowered for w in ("could not convert", "dtype", "data type", "invalid literal")):
        cause = "A column holds a different kind of value than the model was trained on."
        fix = "Check that numeric columns hold numbers and text columns hold text."
    else:
        cause = "The model stopped with an error while scoring the data."
        fix = "Check that the data has the same columns and kinds of values as the training data."
    return f"The model '{name}' could not score the data. {cause} {fix} Details: {detail}"


# --------------------------------------------------------------------------------------
# Messages shared by the loaders
# --------------------------------------------------------------------------------------


def short_detail(exc: BaseException) -> str:
    """A lower library's error message on one line, cut to a length a reviewer can read."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > _DETAIL_LIMIT:
        text = text[: _DETAIL_LIMIT - 1] + "…"
    return text


def too_many_classes_message(model: str, classes: Sequence[object]) -> str:
    """Why a model with three or more classes is refused; ``model`` names it ("The model …")."""
    shown = ", ".join(repr(plain_label(c)) for c in classes[:10])
    if len(classes) > 10:
        shown += f" and {len(classes) - 10:,} more"
    return (
        f"{model} predicts {len(classes)} classes ({shown}); the audit compares one "
        "favourable outcome with the other and needs a model with exactly two classes. Its "
        "scores would otherwise be read as if it had two. Export a two-class model (for "
        "example approved / denied), or upload the decisions as a column of the data instead."
    )


def quote_list(items: Sequence[str], limit: int = 20) -> str:
    """``'a', 'b' and 3 more``: the first ``limit`` items, quoted."""
    shown = ", ".join(f"'{item}'" for item in items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit:,} more"
    return shown


# --------------------------------------------------------------------------------------
# Class labels: exact and tolerant comparison
# --------------------------------------------------------------------------------------


def plain_label(value: object) -> object:
    """``value`` with numpy scalars turned into Python ones."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _safe_equal(left: object, right: object) -> bool:
    try:
        return bool(left == right)
    except Exception:  # odd labels (arrays, custom objects) never match
        return False


def _label_key(value: object) -> object:
    """Canonical form of a class label: 1 for True/"true"/"1"/1.0, numbers from text."""
    value = plain_label(value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        text = value.strip()
        lowered = text.lower()
        if lowered in ("true", "false"):
            return int(lowered == "true")
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return text
        if not math.isfinite(number):
            return text
        return int(number) if number.is_integer() else number
    return value
