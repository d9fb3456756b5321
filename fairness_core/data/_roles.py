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

import dataclasses
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

__all__ = [
    "AGE_BAND_EDGES",
    "CENSUS_CODE_LABELS",
    "Binning",
    "ColumnRoles",
    "DecisionSource",
    "RoleSuggestion",
    "census_code_labels",
    "default_binning",
    "distinct_values",
    "favourable_question",
    "is_age_like",
    "numeric_columns",
    "rename_roles",
    "suggest_favourable",
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
    #: The names the reviewer gave the columns, in file order (a file without a header
    #: row); empty when the file's own names are used.
    column_names: tuple[str, ...] = ()
    #: Labels shown for coded group values: (column, value as text, label) triples, e.g.
    #: ("SEX", "2", "Female") from the census data dictionary.
    group_labels: tuple[tuple[str, str, str], ...] = ()
    #: The score column's own range (min, max), rescaled to 0-1 for the audit; None: 0 to 1.
    score_range: tuple[float, float] | None = None
    #: False when a higher score means the unfavourable decision (e.g. a risk score).
    higher_score_favourable: bool = True

    def labels_for(self, column: str) -> dict[str, str]:
        """The labels of ``column``'s coded values (value as text → label); may be empty."""
        return {value: label for name, value, label in self.group_labels if name == column}

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
    """Roles guessed from column names and values; every field may be None or empty.

    ``positive_label`` is the suggested favourable value of the target (never None when a
    target is suggested); ``positive_ambiguous`` says the name and values do not settle it
    (a 0/1 ``two_year_recid``), so the reviewer must confirm it (:func:`favourable_question`).
    ``score_range`` is the score column's observed (lowest, highest) value, on any scale.
    ``proxies`` are features whose names suggest they can stand in for a protected
    attribute (zip or postal code): kept as features, flagged for the reviewer.
    ``group_labels`` are census code labels (column, value, label) for coded attributes.
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
    positive_ambiguous: bool = False
    score_range: tuple[float, float] | None = None
    group_labels: tuple[tuple[str, str, str], ...] = ()

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
            group_labels=self.group_labels,
            # A score on its own scale (decile_score 1-10) starts rescaled by its range.
            score_range=(
                self.score_range
                if self.score is not None
                and self.score_range is not None
                and (self.score_range[0] < 0 or self.score_range[1] > 1)
                else None
            ),
        )


_PROTECTED = re.compile(
    r"(^|_)(gender|sex|race|ethnicity|ethnic|age|age_band|age_group|religion|nationality|"
    r"national_origin|citizenship|disability|disabled|marital|marital_status|zip|zipcode|"
    r"zip_code|postcode|postal_code|sexual_orientation|pregnan\w*|veteran|language)($|_)",
    re.IGNORECASE,
)
#: Census and survey codes for protected attributes (US Census ACS PUMS variable names).
_CENSUS_PROTECTED = frozenset(
    {"sex", "rac1p", "rac2p", "rac3p", "race", "agep", "hisp", "mar", "dis", "cit", "nativity"}
)
# Proxies a reviewer may group by but that a model often uses as an input.
_PROXY = re.compile(r"(^|_)(zip|zipcode|zip_code|postcode|postal_code)($|_)", re.IGNORECASE)
_SCORE_WORDS = frozenset(
    {"score", "scores", "prob", "proba", "probability", "likelihood", "risk", "decile"}
)
_PREDICTION = re.compile(
    r"(^|_)(pred|prediction|predicted|decision|y_pred|yhat|y_hat|model_decision)($|_)",
    re.IGNORECASE,
)
#: Outcome names, best first: a column named exactly so (in any case) is the target.
_TARGET_NAMES = (
    "two_year_recid",
    "employed",
    "risk",
    "credit_risk",
    "default",
    "defaulted",
    "repaid",
    "hired",
    "approved",
    "qualified",
    "good_credit",
    "bad_credit",
    "recidivism",
    "income_over_50k",
    "income",
    "y",
    "y_true",
    "target",
    "label",
    "outcome",
    "truth",
    "ground_truth",
    "actual",
    "class",
)
#: Name words of outcomes where the value 1 (or yes) is the unfavourable one.
_UNFAVOURABLE_NAME_WORDS = frozenset(
    {
        "recid",
        "recidivism",
        "reoffend",
        "reoffended",
        "rearrest",
        "rearrested",
        "arrest",
        "arrested",
        "default",
        "defaulted",
        "bad",
        "risk",
        "churn",
        "churned",
        "fraud",
        "delinquent",
        "delinquency",
        "denied",
        "rejected",
        "failed",
        "failure",
    }
)
#: Name words of outcomes where the value 1 (or yes) is the favourable one.
_FAVOURABLE_NAME_WORDS = frozenset(
    {
        "employed",
        "hired",
        "approved",
        "repaid",
        "good",
        "qualified",
        "paid",
        "accepted",
        "granted",
        "admitted",
        "promoted",
        "success",
        "income",
    }
)
#: Words in a name that make a column a model's output, never the true outcome.
_MODEL_OUTPUT_WORDS = frozenset(
    {"high", "low", "pred", "predicted", "prediction", "decision", "model", "flag"} | _SCORE_WORDS
)
_FAVOURABLE_VALUES = frozenset(
    {"yes", "y", "true", "approved", "hired", "good", "repaid", "qualified", "employed", "paid"}
)
_UNFAVOURABLE_VALUES = frozenset(
    {"no", "n", "false", "denied", "rejected", "bad", "default", "defaulted", "unemployed"}
)
_WEIGHT = re.compile(r"(^|_)(weight|weights|sample_weight|wt|pwgtp)($|_)", re.IGNORECASE)
_ID = re.compile(r"(^|_)(id|uuid|identifier|index|row_id|record|serialno)($|_)", re.IGNORECASE)
_AGE = re.compile(r"(^|_)(age|agep|age_years|ageyears)($|_)", re.IGNORECASE)
_GENERATED_NAME = re.compile(r"column_\d+")

#: Labels of well-known census codes, from the US Census Bureau's American Community
#: Survey PUMS data dictionary (https://www.census.gov/programs-surveys/acs/microdata/
#: documentation.html; SEX, RAC1P, MAR, DIS): applied to a column of that name whose values
#: are all known codes. HISP and AGEP are recognised but not labelled (many codes / years).
CENSUS_CODE_LABELS: dict[str, dict[str, str]] = {
    "sex": {"1": "Male", "2": "Female"},
    "rac1p": {
        "1": "White alone",
        "2": "Black or African American alone",
        "3": "American Indian alone",
        "4": "Alaska Native alone",
        "5": "American Indian and Alaska Native tribes specified",
        "6": "Asian alone",
        "7": "Native Hawaiian and Other Pacific Islander alone",
        "8": "Some Other Race alone",
        "9": "Two or More Races",
    },
    "mar": {
        "1": "Married",
        "2": "Widowed",
        "3": "Divorced",
        "4": "Separated",
        "5": "Never married or under 15 years old",
    },
    "dis": {"1": "With a disability", "2": "Without a disability"},
}


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
    """Guess column roles from names and values. Only a suggestion: confirm it.

    - the *target* is a two-valued column named like an outcome (``employed``,
      ``two_year_recid``, ``risk``, ``income`` with ``>50K`` / ``<=50K`` …); in a file without
      a header row, the last two-valued column;
    - a *score* has a score-like name (``decile_score``, ``*_prob``, ``*_score``) and more
      than two numbers, on any scale (its range is reported); a two-valued column is a
      *decision*, never a score;
    - *protected attributes* by name, census codes included (``SEX``, ``RAC1P``, ``AGEP``);
    - nested columns (lists, records, maps) are never suggested for any role.
    """
    nested = set(nested_columns(frame))
    columns = [str(c) for c in frame.columns if str(c) not in nested]
    ids = tuple(c for c in columns if _ID.search(c) and _looks_unique(frame, c))
    weight = _first(c for c in columns if _WEIGHT.search(c) and _is_numeric(frame, c))
    taken: set[str | None] = {weight, *ids}
    target = _suggest_target(frame, [c for c in columns if c not in taken])
    taken.add(target)
    score = _first(
        c
        for c in columns
        if c not in taken
        and _words(c) & _SCORE_WORDS
        and _is_numeric(frame, c)
        and _n_values(frame, c) > 2
    )
    taken.add(score)
    prediction = _first(
        c
        for c in columns
        if c not in taken
        and (_PREDICTION.search(c) or _words(c) & _SCORE_WORDS)
        and _is_binary(frame, c)
    )
    taken.add(prediction)
    protected = tuple(
        c
        for c in columns
        if c not in taken
        and (_PROTECTED.search(c) or c.lower() in _CENSUS_PROTECTED)
        and not _PROXY.search(c)
    )
    features = tuple(c for c in columns if c not in taken and c not in protected)
    bins = tuple(
        default_binning(c) for c in protected if _is_numeric(frame, c) and _n_values(frame, c) > 10
    )
    positive, ambiguous = (None, False) if target is None else suggest_favourable(frame, target)
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
        positive_ambiguous=ambiguous,
        score_range=_range(frame, score) if score is not None else None,
        group_labels=tuple(triple for c in protected for triple in census_code_labels(frame, c)),
    )


def suggest_favourable(frame: pd.DataFrame, target: str) -> tuple[Hashable | None, bool]:
    """The target's suggested favourable value, and whether the reviewer must confirm it.

    Values decide first (yes/no, good/bad, ``>50K`` over ``<=50K``); then the name: where a
    1 is unfavourable (``two_year_recid``, ``default``, ``risk``) the other value is
    suggested, where it is favourable (``employed``, ``hired``) the 1. Only values or a
    favourable name settle it; otherwise the suggestion must be confirmed. None only when
    the column has no values.
    """
    values = distinct_values(frame, target)
    if not values:
        return None, False
    words = [_value_word(v) for v in values]
    favourable = [v for v, w in zip(values, words, strict=True) if w in _FAVOURABLE_VALUES]
    unfavourable = [v for v, w in zip(values, words, strict=True) if w in _UNFAVOURABLE_VALUES]
    if len(values) == 2:
        if len(favourable) == 1:
            return favourable[0], False
        if len(unfavourable) == 1:
            return values[1 - values.index(unfavourable[0])], False
        if sorted(w[:1] for w in words) == ["<", ">"]:  # income ">50K" / "<=50K"
            return next(v for v, w in zip(values, words, strict=True) if w.startswith(">")), False
    elif favourable:
        return favourable[0], len(favourable) > 1
    one = _the_one(values)
    name_words = _words(target)
    if len(values) == 2:
        other = values[1 - values.index(one)]
        if name_words & _UNFAVOURABLE_NAME_WORDS:
            return other, True
        if name_words & _FAVOURABLE_NAME_WORDS:
            return one, False
    return one, True


def favourable_question(target: str, value: Hashable) -> str:
    """The question that confirms an ambiguous favourable value, in the reviewer's words."""
    return f"Is {value} in '{target}' the favourable outcome?"


def census_code_labels(frame: pd.DataFrame, column: str) -> tuple[tuple[str, str, str], ...]:
    """Census labels for a coded column (``SEX`` 1 → Male, 2 → Female), as (column, value,
    label) triples; empty unless the column has a known name and only known codes."""
    labels = CENSUS_CODE_LABELS.get(column.lower())
    if labels is None:
        return ()
    codes = [_code_text(v) for v in distinct_values(frame, column, limit=len(labels) + 1)]
    if not codes or not set(codes) <= set(labels):
        return ()
    return tuple((column, code, labels[code]) for code in codes)


def is_age_like(column: str) -> bool:
    """True for a column named like an age in years (``age``, ``AGEP``, ``age_years``)."""
    return bool(_AGE.search(column))


def _suggest_target(frame: pd.DataFrame, columns: list[str]) -> str | None:
    binary = [c for c in columns if _is_binary(frame, c) and _n_values(frame, c) == 2]
    named = {c.lower(): c for c in binary}
    for name in _TARGET_NAMES:
        if name in named:
            return named[name]
    by_word = _first(
        c
        for c in binary
        if _words(c) & (_UNFAVOURABLE_NAME_WORDS | _FAVOURABLE_NAME_WORDS)
        and not _words(c) & _MODEL_OUTPUT_WORDS
    ) or _first(c for c in columns if c.lower().startswith(("y_", "label")))
    if by_word is not None:
        return by_word
    if columns and all(_GENERATED_NAME.fullmatch(c) for c in columns) and binary:
        return binary[-1]  # a file without a header: the outcome is usually the last column
    return None


def _words(name: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", name.lower()) if w}


def _value_word(value: object) -> str:
    return str(value).strip().lower().rstrip(".")


def _the_one(values: list[Hashable]) -> Hashable:
    """The value that reads as "yes": True, 1 (or "1"), else the last in sorted order."""
    for value in values:
        if value is True or _value_word(value) in ("1", "1.0"):
            return value
    return values[-1]


def _code_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lstrip("0") or "0"


def _range(frame: pd.DataFrame, name: str) -> tuple[float, float] | None:
    col = _column(frame, name)
    if col is None:
        return None
    values = pd.to_numeric(col, errors="coerce").dropna()
    if not len(values):
        return None
    return float(values.min()), float(values.max())


def _n_values(frame: pd.DataFrame, name: str) -> int:
    col = _column(frame, name)
    return 0 if col is None else int(col.nunique(dropna=True))


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
    return Binning(column, edges=AGE_BAND_EDGES if is_age_like(column) else ())


def rename_roles(roles: ColumnRoles, names: Mapping[str, str]) -> ColumnRoles:
    """``roles`` after the columns were renamed (old name → new name, in file order).

    Every role follows its column; the new names are kept as ``column_names`` so the same
    file, read again without a header, gets them back.
    """

    def new(column: str) -> str:
        return names.get(column, column)

    def maybe(column: str | None) -> str | None:
        return None if column is None else new(column)

    return dataclasses.replace(
        roles,
        target=new(roles.target) if roles.target else roles.target,
        protected=tuple(new(c) for c in roles.protected),
        prediction=maybe(roles.prediction),
        score=maybe(roles.score),
        features=tuple(new(c) for c in roles.features),
        weight=maybe(roles.weight),
        bins=tuple(dataclasses.replace(b, column=new(b.column)) for b in roles.bins),
        group_labels=tuple((new(c), v, label) for c, v, label in roles.group_labels),
        column_names=tuple(names.values()),
    )
