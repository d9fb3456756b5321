"""Column roles: which column of a dataset plays which part in an audit.

Vocabulary:

- *target*: the true outcome (did the person repay, were they qualified), with the value
  that counts as the favourable, *positive* outcome;
- *decision source*: where the model's decision comes from — a *prediction* column of
  decisions, a *score* column of probabilities plus a *threshold*, or a *model* that
  scores the rows;
- *protected attributes*: the columns that define groups (gender, race, age band, ...);
  numeric ones are cut into *bins* (e.g. age bands) before grouping;
- *features*: the model's inputs, needed for what-if edits and explanations;
- *sample weight*: how much each row counts, when the data is a weighted sample.

:func:`suggest_roles` proposes roles from column names and types; the reviewer confirms
them. Suggestions are only ever a starting point.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "AGE_BAND_EDGES",
    "Binning",
    "ColumnRoles",
    "DecisionSource",
    "RoleSuggestion",
    "default_binning",
    "distinct_values",
    "numeric_columns",
    "suggest_roles",
]

DecisionSource = Literal["prediction", "score", "model"]

#: Default age bands: under 25, 25-34, 35-44, 45-54, 55-64, 65 and over.
AGE_BAND_EDGES: tuple[float, ...] = (25.0, 35.0, 45.0, 55.0, 65.0)


@dataclass(frozen=True)
class Binning:
    """How a numeric protected attribute is cut into groups.

    ``edges`` are the inner cut points: values below the first edge form the first band,
    values at or above the last edge the last one. With no edges, ``quantiles`` bands of
    about equal size are cut from the data.
    """

    column: str
    edges: tuple[float, ...] = ()
    quantiles: int = 4


@dataclass(frozen=True)
class ColumnRoles:
    """The reviewer's mapping of columns to roles (see the module docstring)."""

    target: str
    protected: tuple[str, ...]
    positive_label: Hashable | None = None
    source: DecisionSource = "prediction"
    prediction: str | None = None
    score: str | None = None
    threshold: float = 0.5
    features: tuple[str, ...] = ()
    weight: str | None = None
    bins: tuple[Binning, ...] = ()
    #: The score column's own range (min, max), rescaled to 0-1 for the audit; None: 0 to 1.
    score_range: tuple[float, float] | None = None
    #: False when a higher score means the unfavourable decision (e.g. a risk score).
    higher_score_favourable: bool = True

    def binning_for(self, column: str) -> Binning | None:
        """The binning chosen for ``column``, or None when it is grouped by its values."""
        for binning in self.bins:
            if binning.column == column:
                return binning
        return None

    def used_columns(self) -> tuple[str, ...]:
        """Every column this mapping names, each once, in role order."""
        named = [self.target, *self.protected]
        if self.source == "prediction" and self.prediction:
            named.append(self.prediction)
        if self.source == "score" and self.score:
            named.append(self.score)
        named.extend(self.features)
        if self.weight:
            named.append(self.weight)
        return tuple(dict.fromkeys(named))


@dataclass(frozen=True)
class RoleSuggestion:
    """Roles guessed from column names and types; every field may be None or empty.

    ``proxies`` are features whose names suggest they can stand in for a protected
    attribute (zip or postal code): kept as features, flagged for the reviewer.
    """

    target: str | None = None
    positive_label: Hashable | None = None
    prediction: str | None = None
    score: str | None = None
    protected: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    weight: str | None = None
    id_columns: tuple[str, ...] = ()
    proxies: tuple[str, ...] = ()
    bins: tuple[Binning, ...] = field(default=())

    @property
    def source(self) -> DecisionSource:
        """The decision source these suggestions imply (score beats prediction)."""
        if self.score is not None:
            return "score"
        return "prediction"

    def to_roles(self) -> ColumnRoles:
        """The suggestion as roles to start the form from (target "" when none was found)."""
        return ColumnRoles(
            target=self.target or "",
            protected=self.protected,
            positive_label=self.positive_label,
            source=self.source,
            prediction=self.prediction,
            score=self.score,
            features=self.features,
            weight=self.weight,
            bins=self.bins,
        )


_PROTECTED = re.compile(
    r"(^|_)(gender|sex|race|ethnicity|ethnic|age|age_band|age_group|religion|nationality|"
    r"national_origin|citizenship|disability|disabled|marital|marital_status|zip|zipcode|"
    r"zip_code|postcode|postal_code|sexual_orientation|pregnan\w*|veteran|language)($|_)",
    re.IGNORECASE,
)
# Proxies a reviewer may group by but that a model often uses as an input.
_PROXY = re.compile(r"(^|_)(zip|zipcode|zip_code|postcode|postal_code)($|_)", re.IGNORECASE)
_SCORE = re.compile(r"(^|_)(score|prob|proba|probability|likelihood|risk)($|_)", re.IGNORECASE)
_PREDICTION = re.compile(
    r"(^|_)(pred|prediction|predicted|decision|y_pred|yhat|y_hat|model_decision)($|_)",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"^(y|y_true|target|label|outcome|truth|ground_truth|actual|class|repaid|default|"
    r"defaulted|hired|qualified|approved|good_credit|bad_credit|recidivism|two_year_recid|"
    r"income_over_50k|income)$",
    re.IGNORECASE,
)
_WEIGHT = re.compile(r"(^|_)(weight|weights|sample_weight|wt)($|_)", re.IGNORECASE)
_ID = re.compile(r"(^|_)(id|uuid|identifier|index|row_id|record)($|_)", re.IGNORECASE)
_AGE = re.compile(r"(^|_)age($|_)", re.IGNORECASE)
_POSITIVE_WORDS = ("1", "true", "yes", "y", "approved", "hired", "good", "repaid", "qualified")


def nested_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """Columns whose values are lists, records or maps (Parquet list/struct/map columns).

    No role can use them: a group, an outcome or a model input is one value per row.
    """
    found = []
    for name in frame.columns:
        column = _column(frame, str(name))
        if column is None or column.dtype != object:
            continue
        if column.map(lambda v: isinstance(v, (list, tuple, dict, set, np.ndarray))).any():
            found.append(str(name))
    return tuple(found)


def nested_column_message(columns: Sequence[str]) -> str:
    """Why nested columns cannot take a role, and what to do instead."""
    shown = ", ".join(f"'{c}'" for c in columns)
    return (
        f"Column {shown} holds lists or records (a nested Parquet column), not one value per "
        "row, so it cannot be the outcome, a decision, a score, a weight, a protected "
        "attribute or a feature. Choose another column, or flatten it into plain columns "
        "(one value per row) before exporting the file."
    )


def suggest_roles(frame: pd.DataFrame) -> RoleSuggestion:
    """Guess column roles from names and value types. Only a suggestion: confirm it.

    Nested columns (lists, records, maps) are never suggested for any role.
    """
    nested = set(nested_columns(frame))
    columns = [str(c) for c in frame.columns if str(c) not in nested]
    ids = tuple(c for c in columns if _ID.search(c) and _looks_unique(frame, c))
    score = _first(c for c in columns if _SCORE.search(c) and _is_probability(frame, c))
    prediction = _first(
        c for c in columns if _PREDICTION.search(c) and c != score and _is_binary(frame, c)
    )
    weight = _first(c for c in columns if _WEIGHT.search(c) and _is_numeric(frame, c))
    taken = {score, prediction, weight, *ids}
    target = _first(
        c for c in columns if c not in taken and _TARGET.search(c) and _is_binary(frame, c)
    ) or _first(c for c in columns if c not in taken and c.lower().startswith(("y_", "label")))
    taken.add(target)
    protected = tuple(
        c for c in columns if c not in taken and _PROTECTED.search(c) and not _PROXY.search(c)
    )
    features = tuple(c for c in columns if c not in taken and c not in protected)
    bins = tuple(
        default_binning(c)
        for c in protected
        if _is_numeric(frame, c) and frame[c].nunique(dropna=True) > 10
    )
    positive = _suggest_positive(frame[target]) if target is not None else None
    return RoleSuggestion(
        target=target,
        positive_label=positive,
        prediction=prediction,
        score=score,
        protected=protected,
        features=features,
        weight=weight,
        id_columns=ids,
        proxies=tuple(c for c in features if _PROXY.search(c)),
        bins=bins,
    )


def _first(items: object) -> str | None:
    return next(iter(items), None)  # type: ignore[call-overload]


def _column(frame: pd.DataFrame, name: str) -> pd.Series | None:
    value = frame[name]
    return value if isinstance(value, pd.Series) else None  # duplicate names give a frame


def _is_numeric(frame: pd.DataFrame, name: str) -> bool:
    col = _column(frame, name)
    return (
        col is not None
        and pd.api.types.is_numeric_dtype(col)
        and not (pd.api.types.is_bool_dtype(col))
    )


def _is_probability(frame: pd.DataFrame, name: str) -> bool:
    col = _column(frame, name)
    if col is None or not _is_numeric(frame, name):
        return False
    values = col.dropna()
    return bool(len(values)) and bool(((values >= 0) & (values <= 1)).all())


def _is_binary(frame: pd.DataFrame, name: str) -> bool:
    col = _column(frame, name)
    return col is not None and 1 <= col.nunique(dropna=True) <= 2


def _looks_unique(frame: pd.DataFrame, name: str) -> bool:
    col = _column(frame, name)
    return col is not None and len(col) > 0 and col.nunique(dropna=True) == len(col)


def _suggest_positive(target: pd.Series | pd.DataFrame) -> Hashable | None:
    if not isinstance(target, pd.Series):
        return None
    values = list(pd.unique(target.dropna()))
    for value in values:
        if str(value).strip().lower() in _POSITIVE_WORDS:
            return _plain(value)
    return None


def _plain(value: object) -> Hashable:
    """numpy scalars → Python scalars, so the label prints and serialises simply."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def distinct_values(frame: pd.DataFrame, column: str, *, limit: int = 50) -> list[Hashable]:
    """Up to ``limit`` distinct non-missing values of ``column``, sorted, as plain scalars."""
    col = _column(frame, column)
    if col is None:
        return []
    values = [_plain(v) for v in pd.unique(col.dropna())[:limit]]
    try:
        return sorted(values)  # type: ignore[type-var]
    except TypeError:
        return sorted(values, key=str)


def numeric_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """Columns holding numbers (booleans excluded): candidates for bands and scores."""
    return tuple(str(c) for c in frame.columns if _is_numeric(frame, str(c)))


def default_binning(column: str) -> Binning:
    """Age bands for a column named like age, else four bands of about equal size."""
    return Binning(column, edges=AGE_BAND_EDGES if _AGE.search(column) else ())
